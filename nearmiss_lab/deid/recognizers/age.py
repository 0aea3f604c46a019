"""Ages of people: "34-year-old", "34 years old", "age 34", "aged 34", "34 y/o", "(34)"
after a name or a date of birth, "turned 34". A quasi-identifier next to a description of
the person."""

from __future__ import annotations

import re
from collections.abc import Iterator

from presidio_analyzer import Pattern

from nearmiss_lab.deid.recognizers.base import LawPatternRecognizer

_NAME_N = r"(?:(?<=[^\W\d_])|(?<=[^\W\d_]\.)),?\s*\(+(?P<value>\d{1,3})\)+"
# Nouns a bracketed number counts or refers to ("page (14)", "casings (28)", "para. (3)"):
# the number after them is no age.
_COUNTED = frozenset(
    """page pages p pp para paragraph paragraphs exhibit exhibits item items line lines section
    sections note notes footnote annex appendix tab figure fig table chapter article art no
    number count counts round rounds shot shots casing casings shell shells times total""".split()
)
_WORD_BEFORE = re.compile(r"([^\W\d_]+)\.?\s*$")


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
        Pattern("name (n)", _NAME_N, 0.6),
        # "Jo Ray (DOB: Jul. 28, 1997) ((28))", "Jo Ray (DOB August 17, 1962), (63)", "Jo Ray,
        # DOB 03/02/1990, (34)": the number in brackets after a date of birth is the age.
        Pattern(
            "dob (n)",
            r"\b(?i:dob|d\.o\.b|date\s+of\s+birth|born)\b[\s:.,/-]*"
            # the date: digits, at most one month word ("Jul.", "august"), no other words
            r"(?:(?i:[a-z]{3,9})\.?\s*)?\d[\d/.,\s-]{0,12}\)?,?\s*\(+(?P<value>\d{1,3})\)+",
            0.7,
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

    def value_spans(self, match: re.Match[str]) -> Iterator[tuple[int, int]]:
        if match.re.pattern == _NAME_N:
            before = _WORD_BEFORE.search(match.string, max(0, match.start() - 30), match.start())
            if before is not None and before.group(1).lower() in _COUNTED:
                return
        yield from super().value_spans(match)

    def validate_result(self, pattern_text: str) -> bool | None:
        return None if 0 < int(pattern_text) < 120 else False
