"""Badge, employee, unit, car and radio call-sign numbers: "badge #4471", "Unit 2A14",
"car 312", "call sign Adam-12", "Ofc. Diaz #4471", "District 4", "beat 12"."""

from __future__ import annotations

from presidio_analyzer import Pattern

from nearmiss_lab.deid.recognizers.base import LawPatternRecognizer

_KEY = (
    r"(?i:badge|shield|star|employee|emp\.?|personnel|payroll|officer\s+id|serial|unit|car|"
    r"squad(?:\s+car)?|patrol\s+car|cruiser|vehicle|veh\.?|call[- ]?sign|radio(?:\s+id)?|"
    r"beat|district|precinct|sector|zone|post|troop|detachment|shift|team|k-?9|"
    r"medic|engine|ladder|rescue|ambulance|battalion)"
)
_NUMBER = r"(?i:\s*(?:number|num\.?|no\.?|#|id|:)\s*)*"
_VALUE = r"(?=[A-Za-z0-9-]*\d)[A-Za-z0-9][A-Za-z0-9-]*"
_PHONETIC = (
    r"(?i:Adam|Boy|Baker|Charles|David|Edward|Frank|George|Henry|Ida|John|King|Lincoln|Mary|Nora|"
    r"Ocean|Paul|Queen|Robert|Sam|Tom|Union|Victor|William|X-?ray|Young|Zebra|Alpha|Bravo|"
    r"Charlie|Delta|Echo|Foxtrot|Golf|Hotel|India|Juliet|Kilo|Lima|Mike|November|Oscar|Papa|"
    r"Quebec|Romeo|Sierra|Tango|Uniform|Whiskey|Yankee|Zulu)"
)


class BadgeRecognizer(LawPatternRecognizer):
    """BADGE: officer and unit identifiers introduced by a keyword, and radio call signs."""

    ENTITY = "BADGE"
    PATTERNS = [
        Pattern("keyword number", rf"\b{_KEY}{_NUMBER}\s*(?P<value>{_VALUE})", 0.7),
        # "Ofc. Diaz #4471", "(#4471)"
        Pattern(
            "hash number",
            r"(?:(?<=\w)\s*|(?<=\()|(?<=\s))#\s?(?P<value>[A-Za-z]?\d{2,7}(?:-\d{1,6})?[A-Za-z]?)\b",
            0.6,
        ),
        Pattern("call sign", rf"\b(?P<value>(?:\d{{1,2}}[- ]?)?{_PHONETIC}[- ]?\d{{1,3}})\b", 0.6),
        # Call signs written as digits, letters, digits: "2B23", "4A12", "1L20".
        Pattern("digit call sign", r"\b\d{1,2}[A-Z]{1,2}\d{1,3}\b", 0.5),
    ]
    CONTEXT = ["badge", "unit", "call sign", "radio", "officer", "employee"]
