"""PlaceRecognizer: must-match and must-not-match texts."""

from __future__ import annotations

import pytest

from nearmiss_lab.deid.recognizers.place import PlaceRecognizer

RECOGNIZER = PlaceRecognizer()
MUST_MATCH = [
    ("in Stone County tonight", "Stone County"),
    ("the City of Irondale said", "City of Irondale"),
    ("lives in Irondale, AL now", "Irondale"),
    ("a stolen car out of Akron, OH was found", "Akron"),
]
MUST_NOT_MATCH = [
    "the county line",
    "in the city",
    "a black SUV, OH reg. HKM 4421",
    "described as W/M, TX plate",
]


def _found(text: str) -> set[str]:
    return {text[r.start : r.end] for r in RECOGNIZER.analyze(text, [RECOGNIZER.ENTITY])}


@pytest.mark.parametrize(("text", "value"), MUST_MATCH)
def test_identifier_is_found(text: str, value: str) -> None:
    assert value in _found(text)


@pytest.mark.parametrize("text", MUST_NOT_MATCH)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert _found(text) == set()
