"""Other identifiers: numbers after an ID keyword ("DL# D1234567", "passport 123456789",
"account 00123") and long numbers or letter-digit codes that only an identifier has.

Amounts ("$12,000"), decimals and measurements are left alone.
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from nearmiss_lab.deid.recognizers.base import LawPatternRecognizer

_KEY = (
    r"(?i:ID|I\.D\.|identification|identifier|account|acct\.?|licen[cs]e|DL|OLN|passport|"
    r"SSN|social\s+security|serial|policy|member|MRN|medical\s+record|patient|permit|card|"
    r"registration|membership|customer|employee|student|pin|code|routing|iban|swift|tax)"
)
_NUMBER = r"(?i:\s*(?:number|num\.?|no\.?|#|:)\s*)*"
_VALUE = r"(?=[\w-]*\d)[A-Za-z0-9][\w-]*[A-Za-z0-9]"


class KeywordIdRecognizer(LawPatternRecognizer):
    """ID: identifiers after a keyword, long digit runs and mixed letter-digit codes."""

    ENTITY = "ID"
    PATTERNS = [
        Pattern("keyword id", rf"\b{_KEY}{_NUMBER}\s*(?P<value>{_VALUE})", 0.7),
        # Six or more digits, possibly grouped by dashes or spaces: 060426070011, 2270-66-1551.
        Pattern("long number", r"(?<![$\d.,])\b\d{2,}(?:[- ]\d{2,}){0,4}\b(?![.,]\d)", 0.4),
        # Letters and digits mixed in one word of 6+ characters: A12345678, GB27DAKD5840.
        Pattern(
            "letter-digit code",
            r"\b(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{6,34}\b",
            0.45,
        ),
    ]
    CONTEXT = ["id", "number", "license", "account", "passport", "serial", "card"]

    def validate_value(self, pattern: Pattern, value: str) -> bool | None:
        if pattern.name == "long number":
            # A bare number is an identifier only when it is long: a year or a count is not.
            return None if sum(c.isdigit() for c in value) >= 6 else False
        return None
