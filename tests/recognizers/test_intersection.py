"""IntersectionRecognizer: must-match and must-not-match texts."""

from __future__ import annotations

import pytest

from nearmiss_lab.deid.recognizers.intersection import IntersectionRecognizer

RECOGNIZER = IntersectionRecognizer()
MUST_MATCH = [
    ("at the intersection of Oak and Pine we stopped", "Oak and Pine"),
    ("crash at Main St and 5th Ave", "Main St and 5th Ave"),
    ("Elm St/Hwy 9 was blocked", "Elm St/Hwy 9"),
    ("Units set up at NB Main St / W 3rd Ave.", "NB Main St / W 3rd Ave."),
]
MUST_NOT_MATCH = [
    "the intersection was busy",
    "he and I stopped",
    "main entrance and side door",
    "Sgt. and I stopped",
]


def _found(text: str) -> set[str]:
    return {text[r.start : r.end] for r in RECOGNIZER.analyze(text, [RECOGNIZER.ENTITY])}


@pytest.mark.parametrize(("text", "value"), MUST_MATCH)
def test_identifier_is_found(text: str, value: str) -> None:
    assert value in _found(text)


@pytest.mark.parametrize("text", MUST_NOT_MATCH)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert _found(text) == set()
