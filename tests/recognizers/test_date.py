"""DateFormsRecognizer: must-match and must-not-match texts."""

from __future__ import annotations

import pytest

from nearmiss_lab.deid.recognizers.date import DateFormsRecognizer

RECOGNIZER = DateFormsRecognizer()
MUST_MATCH = [
    ("on 03/14/2023 at night", "03/14/2023"),
    ("on March 14, 2023 we", "March 14, 2023"),
    ("on 14 March 2023 we", "14 March 2023"),
    ("on 25SEP25 I was", "25SEP25"),
    ("born in 1975 in", "1975"),
    ("on 2023-03-14 we", "2023-03-14"),
    ("The suspect, DOB 03/14/1988, was", "03/14/1988"),
    ("D.O.B.: 3/14/88 per his ID", "3/14/88"),
]
MUST_NOT_MATCH = [
    "we waited 14 minutes",
    "may I help you",
    "in 12 cases",
    "He is 42 YOA",
    "at 180 lbs",
]


def _found(text: str) -> set[str]:
    return {text[r.start : r.end] for r in RECOGNIZER.analyze(text, [RECOGNIZER.ENTITY])}


@pytest.mark.parametrize(("text", "value"), MUST_MATCH)
def test_identifier_is_found(text: str, value: str) -> None:
    assert value in _found(text)


@pytest.mark.parametrize("text", MUST_NOT_MATCH)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert _found(text) == set()
