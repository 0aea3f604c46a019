"""KeywordIdRecognizer: must-match and must-not-match texts."""

from __future__ import annotations

import pytest

from nearmiss_lab.deid.recognizers.keyword_id import KeywordIdRecognizer

RECOGNIZER = KeywordIdRecognizer()
MUST_MATCH = [
    ("DL# D1234567 was suspended", "D1234567"),
    ("passport 123456789 expired", "123456789"),
    ("account 060426070011 charged", "060426070011"),
]
MUST_NOT_MATCH = ["we waited 30 minutes for 2 units", "it cost $12,000 to fix"]


def _found(text: str) -> set[str]:
    return {text[r.start : r.end] for r in RECOGNIZER.analyze(text, [RECOGNIZER.ENTITY])}


@pytest.mark.parametrize(("text", "value"), MUST_MATCH)
def test_identifier_is_found(text: str, value: str) -> None:
    assert value in _found(text)


@pytest.mark.parametrize("text", MUST_NOT_MATCH)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert _found(text) == set()
