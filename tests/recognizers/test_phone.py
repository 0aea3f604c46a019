"""PhoneFormsRecognizer: must-match and must-not-match texts."""

from __future__ import annotations

import pytest

from nearmiss_lab.deid.recognizers.phone import PhoneFormsRecognizer

RECOGNIZER = PhoneFormsRecognizer()
MUST_MATCH = [
    ("call (602) 272-9781 now", "(602) 272-9781"),
    ("reached at +41 (0)38 549 02 90 today", "+41 (0)38 549 02 90"),
    ("cell 618-226-1460 ext. 12 ok", "618-226-1460 ext. 12"),
    ("me at 5550104477 ext. 1234 or email", "5550104477 ext. 1234"),
    ("reached at (555) 010-4477 ext 2 tonight", "(555) 010-4477 ext 2"),
    ("cell 555.010.9921 works", "555.010.9921"),
]
MUST_NOT_MATCH = [
    "in 2023 we had 12 calls",
    "we waited 20 30 minutes",
    "it took 10 15 minutes",
    "DOB 03/14/1988",
]


def _found(text: str) -> set[str]:
    return {text[r.start : r.end] for r in RECOGNIZER.analyze(text, [RECOGNIZER.ENTITY])}


@pytest.mark.parametrize(("text", "value"), MUST_MATCH)
def test_identifier_is_found(text: str, value: str) -> None:
    assert value in _found(text)


@pytest.mark.parametrize("text", MUST_NOT_MATCH)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert _found(text) == set()
