"""CaseNumberRecognizer: must-match and must-not-match texts."""

from __future__ import annotations

import pytest

from nearmiss_lab.deid.recognizers.case_number import CaseNumberRecognizer

RECOGNIZER = CaseNumberRecognizer()
MUST_MATCH = [
    ("case #2023-004512 was opened", "2023-004512"),
    ("CAD no. 23-118842 shows", "23-118842"),
    ("warrant 22CR1187 was served", "22CR1187"),
    ("application no. 18403/91 lodged", "18403/91"),
    ("CAD incident 24-118833 shows", "24-118833"),
    ("RD# JC-448811 was closed", "JC-448811"),
    ("Report No. 24-00123 lists", "24-00123"),
    ("warrant #W-2024-33 served", "W-2024-33"),
]
MUST_NOT_MATCH = [
    "the case was closed",
    "report it to a supervisor",
    "the CAD was down",
    "RD was never found",
]


def _found(text: str) -> set[str]:
    return {text[r.start : r.end] for r in RECOGNIZER.analyze(text, [RECOGNIZER.ENTITY])}


@pytest.mark.parametrize(("text", "value"), MUST_MATCH)
def test_identifier_is_found(text: str, value: str) -> None:
    assert value in _found(text)


@pytest.mark.parametrize("text", MUST_NOT_MATCH)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert _found(text) == set()
