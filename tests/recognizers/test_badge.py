"""BadgeRecognizer: must-match and must-not-match texts."""

from __future__ import annotations

import pytest

from nearmiss_lab.deid.recognizers.badge import BadgeRecognizer

RECOGNIZER = BadgeRecognizer()
MUST_MATCH = [
    ("Ofc. Diaz (badge #4471) arrived", "4471"),
    ("I was in Unit 2A14 that night", "2A14"),
    ("radio call sign Adam-12 answered", "Adam-12"),
    ("Sgt. Marsh #44-416 wrote it", "44-416"),
    ("Units 2B23 and 4A12 responded", "2B23"),
    ("Medic 7 staged nearby", "7"),
    ("Unit 12-Lincoln-4 answered", "12-Lincoln-4"),
    ("I, Ofc. Ruiz #2231, was there", "2231"),
    ("assigned to Beat 4 on B shift", "4"),
    ("this is 1-Adam-12 en route", "1-Adam-12"),
]
MUST_NOT_MATCH = [
    "the unit was quiet",
    "badge in hand he left",
    "the 2B pencil broke",
    "the engine was running",
    "unit discipline matters",
]


def _found(text: str) -> set[str]:
    return {text[r.start : r.end] for r in RECOGNIZER.analyze(text, [RECOGNIZER.ENTITY])}


@pytest.mark.parametrize(("text", "value"), MUST_MATCH)
def test_identifier_is_found(text: str, value: str) -> None:
    assert value in _found(text)


@pytest.mark.parametrize("text", MUST_NOT_MATCH)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert _found(text) == set()
