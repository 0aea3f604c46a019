"""Agency and unit names: "Irondale Police Department", "Stone County Sheriff's Office",
"Irondale PD", "Stone County SO", "Ohio State Highway Patrol", "NYPD"."""

from __future__ import annotations

from presidio_analyzer import Pattern

from nearmiss_lab.deid.recognizers.base import LawPatternRecognizer
from nearmiss_lab.deid.recognizers.place import PLACE_NAME_WORD

# "Stone County", "Greer Co.", "Port St. Lucie", "McAlester" (1-4 words, the first a name).
_ABBREVIATED = r"(?:Co|Cnty|Twp|St|Ft|Mt)\."
_OWNER = rf"(?:{PLACE_NAME_WORD}\s+)(?:(?:{PLACE_NAME_WORD}|{_ABBREVIATED})\s+){{0,3}}"
_CORE = (
    r"(?i:Police|Sheriff['’]?s?|Marshal['’]?s?|Constable['’]?s?|Public\s+Safety|Corrections|"
    r"Correctional|Highway\s+Patrol|State\s+Patrol|State\s+Police|Park\s+Police|Transit\s+Police|"
    r"Campus\s+Police|University\s+Police|Tribal\s+Police|Fire|Rescue|EMS|Probation|Parole|"
    r"Narcotics|Drug|Gang|Task\s+Force|Detention|Jail)"
)
_KIND = (
    r"(?i:Department|Dept\.?|Office|Service|Services|Division|Bureau|Agency|Authority|District|"
    r"Precinct|Unit|Squad|Detachment|Post|Troop|Task\s+Force|Center|Centre|Academy|Facility)"
)
_NOT_ACRONYM = {"ALSO", "ISO", "PSO", "CSO", "DSO", "ESO", "SSO", "TSO", "URSO", "DPD", "SPD"}


class AgencyRecognizer(LawPatternRecognizer):
    """AGENCY: named law-enforcement, fire and corrections agencies and their units."""

    ENTITY = "AGENCY"
    PATTERNS = [
        Pattern("named agency", rf"\b{_OWNER}{_CORE}(?:\s+{_KIND})?\b", 0.8),
        Pattern("agency of place", rf"\b(?:{_CORE}\s+)?{_KIND}\s+of\s+{PLACE_NAME_WORD}\s+", 0.5),
        Pattern(
            "name PD/SO", rf"\b{_OWNER}(?:PD|P\.D\.|SO|S\.O\.|DPS|FD|F\.D\.|HP|SP)(?![\w])", 0.8
        ),
        Pattern("acronym PD/SO", r"\b[A-Z]{1,4}(?:PD|SO|SD|SP|HP)\b", 0.5),
    ]
    CONTEXT = ["police", "department", "sheriff", "agency", "office", "responded", "assist"]

    def validate_result(self, pattern_text: str) -> bool | None:
        if pattern_text.strip() in _NOT_ACRONYM:
            return False
        return None
