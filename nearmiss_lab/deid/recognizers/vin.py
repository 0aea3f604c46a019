"""Vehicle identification numbers: 17 characters without I, O, Q; a valid North American
check digit (position 9) scores high, a VIN-shaped code without one still scores."""

from __future__ import annotations

from presidio_analyzer import Pattern

from nearmiss_lab.deid.recognizers.base import LawPatternRecognizer

_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def vin_check_digit_ok(vin: str) -> bool:
    """True when ``vin`` (17 characters) carries a valid ISO 3779 / NHTSA check digit."""
    vin = vin.upper()
    if len(vin) != 17 or any(c not in _VALUES for c in vin):
        return False
    total = sum(_VALUES[c] * w for c, w in zip(vin, _WEIGHTS, strict=True)) % 11
    return vin[8] == ("X" if total == 10 else str(total))


class VinRecognizer(LawPatternRecognizer):
    """VIN: 17-character vehicle identification numbers."""

    ENTITY = "VIN"
    PATTERNS = [
        Pattern(
            "vin",
            r"\b(?=[A-HJ-NPR-Z0-9]*\d)(?=[A-HJ-NPR-Z0-9]*[A-HJ-NPR-Z])[A-HJ-NPR-Z0-9]{17}\b",
            0.5,
        ),
        Pattern(
            "vin lower",
            r"(?i:\bvin\b)\s*(?:#|:|no\.?)?\s*(?P<value>(?i:[a-hj-npr-z0-9]{11,17}))\b",
            0.7,
        ),
    ]
    CONTEXT = ["vin", "vehicle", "identification", "chassis"]

    def validate_result(self, pattern_text: str) -> bool | None:
        return True if vin_check_digit_ok(pattern_text) else None
