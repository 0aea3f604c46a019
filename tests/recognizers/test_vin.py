"""VinRecognizer: must-match and must-not-match texts."""

from __future__ import annotations

import pytest

from nearmiss_lab.deid.recognizers.vin import VinRecognizer

RECOGNIZER = VinRecognizer()
MUST_MATCH = [
    ("VIN 1HGCM82633A004352 was etched", "1HGCM82633A004352"),
    ("chassis 1HGCM82633A004353 unknown", "1HGCM82633A004353"),
]
MUST_NOT_MATCH = ["ABCDEFGHJKLMNPRST is letters only", "VIN was scratched off"]


def _found(text: str) -> set[str]:
    return {text[r.start : r.end] for r in RECOGNIZER.analyze(text, [RECOGNIZER.ENTITY])}


@pytest.mark.parametrize(("text", "value"), MUST_MATCH)
def test_identifier_is_found(text: str, value: str) -> None:
    assert value in _found(text)


@pytest.mark.parametrize("text", MUST_NOT_MATCH)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert _found(text) == set()
