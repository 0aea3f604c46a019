"""Ages of people: "34-year-old", "34 years old", "age 34", "aged 34", "34 y/o", "(34)"
after a name, "turned 34". A quasi-identifier next to a description of the person."""

from __future__ import annotations

from presidio_analyzer import Pattern

from nearmiss_lab.deid.recognizers.base import LawPatternRecognizer


class AgeRecognizer(LawPatternRecognizer):
    """AGE: the number of an age phrase (the words around it stay)."""

    ENTITY = "AGE"
    PATTERNS = [
        Pattern(
            "n-year-old",
            r"\b(?P<value>\d{1,3})[- ]?(?i:years?|yrs?|yo)[- ]?(?i:old|of\s+age)\b",
            0.8,
        ),
        Pattern("age n", r"\b(?i:age|aged|ages|age:)\s*(?P<value>\d{1,3})\b", 0.75),
        Pattern("n y/o", r"\b(?P<value>\d{1,3})\s*(?i:y/o|y\.o\.|yo|yoa)(?!\w)", 0.75),
        # "Ray Dunn, (34)," / "Ray Dunn (34)" / "DUNN, RAY, 34,"
        # "Ray Dunn (34)", "DUNN, RAY J., (34),": after a name or its middle initial.
        Pattern(
            "name (n)",
            r"(?:(?<=[^\W\d_])|(?<=[^\W\d_]\.)),?\s*\(+(?P<value>\d{1,3})\)+",
            0.6,
        ),
        Pattern("name, n,", r"(?<=[^\W\d_]),\s+(?P<value>\d{1,2}),", 0.5),
        Pattern(
            "turned n",
            r"\b(?i:turned|turn|turning|was|is|am|i'm)\s+(?P<value>\d{1,3})(?=\s*(?:[.!?,;]|$|years|\)))",
            0.5,
        ),
        Pattern(
            "sex/age",
            r"\b(?i:male|female|man|woman|M|F|W/M|B/M|H/M|W/F|B/F|H/F),?\s*\(?(?P<value>\d{2})\)?(?=[\s,.)])",
            0.5,
        ),
    ]
    CONTEXT = ["age", "old", "years", "born", "year-old"]

    def validate_result(self, pattern_text: str) -> bool | None:
        return None if 0 < int(pattern_text) < 120 else False
