"""PlateRecognizer: must-match and must-not-match texts."""

from __future__ import annotations

import pytest

from nearmiss_lab.deid.recognizers.plate import PlateRecognizer

RECOGNIZER = PlateRecognizer()
MUST_MATCH = [
    ("plate ABC-1234 came back stolen", "ABC-1234"),
    ("Texas tag 7XYZ123 on the car", "7XYZ123"),
    ("a sedan bearing ABC 1234 fled", "ABC 1234"),
    ("a sedan bearing OK plate XKR-ABC; the owner", "XKR-ABC"),
    ("a white sedan with TX plate ABC1234", "ABC1234"),
    ("OH reg. HKM 4421 came back", "HKM 4421"),
]
MUST_NOT_MATCH = [
    "the plate of the day",
    "of the car",
    "tag along with us",
    "bearing left at the fork",
    "plates were missing",
]


def _found(text: str) -> set[str]:
    return {text[r.start : r.end] for r in RECOGNIZER.analyze(text, [RECOGNIZER.ENTITY])}


@pytest.mark.parametrize(("text", "value"), MUST_MATCH)
def test_identifier_is_found(text: str, value: str) -> None:
    assert value in _found(text)


@pytest.mark.parametrize("text", MUST_NOT_MATCH)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert _found(text) == set()


def test_case_matters_except_after_a_keyword_and_with_a_digit() -> None:
    # The keyword is the cue: a report typed in lower case still names the plate.
    assert _found("plate abc-1234 came back stolen") == {"abc-1234"}
    assert _found("tag abc123 on the car") == {"abc123"}
    # Without a keyword only capitals make a plate shape ("abc-1234" is no plate there).
    assert _found("saw abc-1234 there") == set()
    assert _found("saw ABC-1234 there") == {"ABC-1234"}
    # Letters only: a vanity plate after a keyword in capitals, never in lower case
    # ("plate gofast", like "tag along", is a word).
    assert _found("plate GOFAST came back") == {"GOFAST"}
    assert _found("plate gofast came back") == set()
