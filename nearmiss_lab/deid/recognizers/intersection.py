"""Intersections: "Main St and 5th Ave", "the intersection of Oak and Pine", "Elm St/Hwy 9",
"the corner of Dili Street and King Forges", "Broadway & W 42nd"."""

from __future__ import annotations

from presidio_analyzer import Pattern

from nearmiss_lab.deid.lexicon import NAME_WORD
from nearmiss_lab.deid.recognizers.base import LawPatternRecognizer
from nearmiss_lab.deid.recognizers.street_address import STREET_SUFFIX

# A spelled direction before a road is part of it in any case ("north 111th Road & CR 540"
# in a re-cased capital-less report).
_DIR = r"(?:(?:[NSEW]\.?|(?i:north|south|east|west))\s+)?"
_ORDINAL = r"\d{1,3}(?i:st|nd|rd|th)"
_ROAD = rf"(?:{_DIR}(?:(?:{NAME_WORD}|{_ORDINAL}|\d+)\s+){{0,3}}(?:{NAME_WORD}|{_ORDINAL}))"
_ROAD_SUFFIXED = rf"(?:{_DIR}(?:(?:{NAME_WORD}|\d{{1,3}}(?:st|nd|rd|th))\s+){{1,3}}{STREET_SUFFIX})"
_HIGHWAY = r"(?:(?:I|US|SR|CR|Hwy|Highway|Route|Rte|State\s+Route|County\s+Road)[- ]?\d{1,4})"
# "Hwy 3 at Mile Marker 115.7", "I-20 at MM 204": a marker or an exit on a road is no
# second road (the highway recognizer takes its number).
_AND = r"\s*(?:and|&|/|@|at|x)\s*(?!(?i:mile|mm|mp|milepost|exit)\b)"


class IntersectionRecognizer(LawPatternRecognizer):
    """ADDRESS: two roads named together as a crossing."""

    ENTITY = "ADDRESS"
    PATTERNS = [
        Pattern(
            "intersection of",
            rf"\b(?i:intersection\s+of|corner\s+of|junction\s+of|crossing\s+of)\s+(?P<value>"
            rf"(?:{_ROAD_SUFFIXED}|{_HIGHWAY}|{_ROAD})\s*(?:and|&|/|with)\s*(?:{_ROAD_SUFFIXED}|{_HIGHWAY}|{_ROAD}))",
            0.8,
        ),
        Pattern(
            "road and road",
            rf"\b(?:{_ROAD_SUFFIXED}|{_HIGHWAY}){_AND}(?:{_ROAD_SUFFIXED}|{_HIGHWAY}|{_ROAD})",
            0.7,
        ),
    ]
    CONTEXT = ["intersection", "corner", "crossing", "at"]
