"""AgeRecognizer: must-match and must-not-match texts."""

from __future__ import annotations

import pytest

from nearmiss_lab.deid.recognizers.age import AgeRecognizer

RECOGNIZER = AgeRecognizer()
MUST_MATCH = [
    ("a 34-year-old male", "34"),
    ("driver, age 61, said", "61"),
    ("victim (34 y/o) said", "34"),
    ("Ray Dunn, (61), had", "61"),
    ("He is 42 YOA and lives alone", "42"),
    ("a 42 y/o male", "42"),
    ("SUSPECT: DELGADO, MARIA A. (W/F, 34)", "34"),
]
MUST_NOT_MATCH = [
    "we waited 34 minutes",
    "he had 3 priors",
    "5'10\", 180 lbs",
    "Unit 42 answered",
]


def _found(text: str) -> set[str]:
    return {text[r.start : r.end] for r in RECOGNIZER.analyze(text, [RECOGNIZER.ENTITY])}


@pytest.mark.parametrize(("text", "value"), MUST_MATCH)
def test_identifier_is_found(text: str, value: str) -> None:
    assert value in _found(text)


@pytest.mark.parametrize("text", MUST_NOT_MATCH)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert _found(text) == set()


def test_age_in_double_parentheses() -> None:
    assert "45" in _found("The suspect Dunn ((45)) had been drinking")
