"""VinRecognizer: must-match and must-not-match texts."""

from __future__ import annotations

import pytest

from nearmiss_lab.deid.recognizers.vin import VinRecognizer, vin_check_digit_ok
from nearmiss_lab.deid.registry import load_recognizer_config

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


def _score(text: str) -> float:
    (result,) = RECOGNIZER.analyze(text, [RECOGNIZER.ENTITY])
    return result.score


VALID, MISTYPED = "1HGCM82633A004352", "1HGCM82633A004353"  # the same VIN, last digit off


def test_check_digit_raises_the_score_and_a_mistyped_vin_is_still_found() -> None:
    # Position 9 ("3") is the check digit of VALID; MISTYPED fails it.
    assert vin_check_digit_ok(VALID) and not vin_check_digit_ok(MISTYPED)
    assert vin_check_digit_ok(VALID.lower())
    # A valid check digit makes a bare 17-character code certain; without one the code is
    # still VIN-shaped and stays above the engine's threshold (a mistyped VIN still names a
    # car), and a keyword before it scores it almost as high.
    threshold = load_recognizer_config().score_threshold
    assert _score(f"{VALID} was etched") == 1.0
    assert threshold < _score(f"{MISTYPED} was etched") < _score(f"VIN {MISTYPED} was etched")
    assert _score(f"VIN {MISTYPED} was etched") < _score(f"VIN {VALID} was etched") == 1.0
    assert _score(f"vin {VALID.lower()} ok") == 1.0
