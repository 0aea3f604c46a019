"""RankNameRecognizer: must-match and must-not-match texts."""

from __future__ import annotations

import pytest

from nearmiss_lab.deid.recognizers.rank_name import RankNameRecognizer

RECOGNIZER = RankNameRecognizer()
MUST_MATCH = [
    ("Sgt. Ana Diaz arrived first.", "Ana Diaz"),
    ("Ofc. J.R. Smith held cover.", "J.R. Smith"),
    ("Mr A. Demetriades, a lawyer", "Mr A. Demetriades"),
    ("Officers Kowalski, Diaz and Lee searched.", "Diaz"),
    ("the suspect, Ray Dunn, ran.", "Ray Dunn"),
    ("Deputy O'Neil stayed.", "O'Neil"),
]
MUST_NOT_MATCH = [
    "officer safety comes first.",
    "The deputy said nothing.",
    "Sgt. The car stopped.",
]


def _found(text: str) -> set[str]:
    return {text[r.start : r.end] for r in RECOGNIZER.analyze(text, [RECOGNIZER.ENTITY])}


@pytest.mark.parametrize(("text", "value"), MUST_MATCH)
def test_identifier_is_found(text: str, value: str) -> None:
    assert value in _found(text)


@pytest.mark.parametrize("text", MUST_NOT_MATCH)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert _found(text) == set()


def test_nickname_between_first_name_and_surname() -> None:
    assert "Red" in _found('a man later identified as Benita "Red" Weir approached')
