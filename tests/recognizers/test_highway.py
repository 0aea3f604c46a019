"""HighwayRecognizer: must-match and must-not-match texts."""

from __future__ import annotations

import pytest

from nearmiss_lab.deid.recognizers.highway import HighwayRecognizer

RECOGNIZER = HighwayRecognizer()
MUST_MATCH = [
    ("northbound I-95 near the exit", "I-95"),
    ("past mile marker 142 we", "142"),
    ("on State Route 9 today", "State Route 9"),
    ("just past the 161 mile marker", "161"),
    ("fled EB on I-94 near MM 212", "212"),
    ("NB on SR-9 then", "SR-9"),
    ("before exiting at Exit 48 we", "48"),
]
MUST_NOT_MATCH = [
    "the K9 unit arrived",
    "I saw him",
    "the highway was wet",
    "fled NB on foot",
    "the exit door was locked",
]


def _found(text: str) -> set[str]:
    return {text[r.start : r.end] for r in RECOGNIZER.analyze(text, [RECOGNIZER.ENTITY])}


@pytest.mark.parametrize(("text", "value"), MUST_MATCH)
def test_identifier_is_found(text: str, value: str) -> None:
    assert value in _found(text)


@pytest.mark.parametrize("text", MUST_NOT_MATCH)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert _found(text) == set()
