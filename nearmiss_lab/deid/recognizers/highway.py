"""Highways, routes, mile markers and exits: "I-95", "Interstate 80", "US 30", "SR 9",
"State Route 9", "County Road 12", "FM 1960", "mile marker 142", "MM 142.5", "exit 23A",
"the Dan Ryan Expressway"."""

from __future__ import annotations

from presidio_analyzer import Pattern

from nearmiss_lab.deid.lexicon import GUARDED_NAME_WORD
from nearmiss_lab.deid.recognizers.base import LawPatternRecognizer


class HighwayRecognizer(LawPatternRecognizer):
    """ADDRESS: numbered roads, named freeways, mile markers and exits."""

    ENTITY = "ADDRESS"
    PATTERNS = [
        Pattern(
            "numbered road",
            r"\b(?:I|IH|M|K|(?i:Interstate|US|U\.S\.(?:\s+Route|\s+Highway|\s+Hwy)?|US\s+Hwy|SR|"
            r"S\.R\.|SH|CR|C\.R\.|Co\.?\s+Rd\.?|FM|RR|Route|Rte\.?|Rt\.?|Hwy\.?|Highway|"
            r"State\s+Route|State\s+Road|State\s+Highway|County\s+Road|County\s+Rd\.?|"
            r"County\s+Route|Farm\s+to\s+Market(?:\s+Road)?|Loop|Spur))[- ]?"
            r"\d{1,4}[A-Z]?(?:\s+(?:North|South|East|West|[NSEW]B|[NSEW]))?\b",
            0.7,
        ),
        Pattern(
            "named freeway",
            rf"\b(?:{GUARDED_NAME_WORD}\s+){{1,3}}(?:Expressway|Freeway|Turnpike|Parkway|Thruway|"
            r"Tollway|Beltway|Bypass|Causeway|Bridge|Tunnel)\b",
            0.7,
        ),
        Pattern(
            "number mile marker",
            r"\b(?P<value>\d{1,4}(?:\.\d)?)\s+(?i:mile\s*marker|mile\s*post|milepost|mm)\b",
            0.75,
        ),
        Pattern(
            "mile marker or exit",
            r"\b(?i:mile\s*marker|mile\s*post|milepost|MM|MP|exit)\s*#?\s*(?P<value>\d{1,4}(?:\.\d)?[A-Za-z]?)\b",
            0.75,
        ),
    ]
    CONTEXT = ["highway", "interstate", "route", "mile", "exit", "northbound", "southbound"]

    def validate_value(self, pattern: Pattern, value: str) -> bool | None:
        # "M 5" and "K 9" are only roads when written with a dash ("M-5"); "K9" is a dog.
        if pattern.name == "numbered road" and value[:1] in "MK" and value[1:2] != "-":
            return False
        return None
