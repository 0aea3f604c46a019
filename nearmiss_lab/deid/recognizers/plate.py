"""Vehicle registration plates: "plate ABC-1234", "Texas tag 7XYZ123", "a silver sedan
bearing ABC 1234". Case-sensitive without a keyword ("of the" is no plate); after a keyword,
which is the cue, a lower-case plate matches when it has a digit ("plate abc-1234" in a
lower-case report), a letters-only one only in capitals ("plate GOFAST", not "tag along")."""

from __future__ import annotations

from presidio_analyzer import Pattern

from nearmiss_lab.deid.recognizers.base import LawPatternRecognizer

_KEY = r"(?i:licen[cs]e\s+plate|plates?|tags?|registration|reg\.?|LP|LPN|plated|bearing)"
# No part of a plate is a keyword: "bearing OK plate XKR-ABC" is the state, then the plate.
_PLATE = rf"[A-Z0-9]{{1,4}}(?:[- ·]?(?!{_KEY}\b)[A-Z0-9]{{1,5}})"


class PlateRecognizer(LawPatternRecognizer):
    """PLATE: registration plates after a keyword, or in common US plate shapes."""

    ENTITY = "PLATE"
    PATTERNS = [
        Pattern(
            "keyword plate",
            rf"\b{_KEY}(?i:\s*(?:number|no\.?|#|:)\s*)*\s*(?:[A-Z]{{2}}\s+)?(?P<value>(?!{_KEY}\b)(?i:{_PLATE}))\b",
            0.75,
        ),
        Pattern("ABC-1234", r"\b[A-Z]{2,3}[- ]?\d{3,4}\b", 0.45),
        Pattern("1ABC234", r"\b\d[A-Z]{3}\d{3}\b", 0.6),
        Pattern("123-ABC", r"\b\d{3}[- ]?[A-Z]{3}\b", 0.45),
        Pattern("AB1-2345", r"\b[A-Z]{1,3}\d[A-Z0-9]?[- ]\d{3,4}\b", 0.45),
    ]
    CONTEXT = ["plate", "tag", "registration", "vehicle", "car", "registered"]

    def validate_value(self, pattern: Pattern, value: str) -> bool | None:
        # A plate has a digit unless a keyword introduced it (vanity plates: "GOFAST").
        if not any(c.isdigit() for c in value) and pattern.name != "keyword plate":
            return False
        if pattern.name == "keyword plate":
            if len(value.replace("-", "").replace(" ", "")) < 3:
                return False
            if not value.isupper() and not any(c.isdigit() for c in value):
                return False  # "tag along", "plates were": a lower-case plate has digits
        return None
