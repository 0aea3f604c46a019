"""OrganizationRecognizer: must-match and must-not-match texts."""

from __future__ import annotations

import pytest

from nearmiss_lab.deid.recognizers.organization import OrganizationRecognizer

RECOGNIZER = OrganizationRecognizer()
MUST_MATCH = [
    ("he works at Valley Medical Center now", "Valley Medical Center"),
    ("Gradiant Research LLC paid", "Gradiant Research LLC"),
    ("students of Walnut High School", "Walnut High School"),
]
MUST_NOT_MATCH = ["the hospital was busy", "a school bus stopped"]


def _found(text: str) -> set[str]:
    return {text[r.start : r.end] for r in RECOGNIZER.analyze(text, [RECOGNIZER.ENTITY])}


@pytest.mark.parametrize(("text", "value"), MUST_MATCH)
def test_identifier_is_found(text: str, value: str) -> None:
    assert value in _found(text)


@pytest.mark.parametrize("text", MUST_NOT_MATCH)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert _found(text) == set()
