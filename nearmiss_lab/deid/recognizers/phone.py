"""Telephone numbers in US and international forms: "(602) 272-9781", "618-226-1460 ext. 12",
"+41 (0)38 549 02 90", "555-0142" after a phone keyword. Presidio's phonenumbers-based
recognizer is stricter and misses numbers without a plausible region."""

from __future__ import annotations

from presidio_analyzer import Pattern

from nearmiss_lab.deid.recognizers.base import LawPatternRecognizer

_EXT = r"(?:\s*(?i:x|ext\.?|extension)\s*\d{1,5}\b)?"


class PhoneFormsRecognizer(LawPatternRecognizer):
    """PHONE: grouped digit sequences shaped like phone numbers."""

    ENTITY = "PHONE"
    PATTERNS = [
        Pattern(
            "north american",
            rf"(?<![\w+])(?:\+?1[-.\s]?)?\(?\d{{3}}\)?[-.\s]?\d{{3}}[-.\s]\d{{4}}(?!\d){_EXT}",
            0.7,
        ),
        # Ten digits written together, with an extension: "5550104477 ext. 12".
        Pattern(
            "ten digits extension", r"(?<![\w+])\d{10}\s*(?i:x|ext\.?|extension)\s*\d{1,5}\b", 0.7
        ),
        Pattern(
            "international",
            rf"(?<![\w])(?:\+|00)\d{{1,3}}[\s.-]?(?:\(0?\d{{0,4}}\)[\s.-]?)?\d{{1,4}}(?:[\s.-]\d{{2,4}}){{1,4}}\b{_EXT}",
            0.7,
        ),
        Pattern(
            "grouped digits",
            r"(?<![\w/.,$-])\(?\d{2,5}\)?(?:[ .-]\d{2,4}){2,4}\b(?![/.,-]\d)",
            0.4,
        ),
        Pattern(
            "keyword local",
            r"\b(?i:phone|tel\.?|telephone|cell|mobile|fax|desk|home|work|call(?:ed)?|number|at)"
            r"\s*(?i:number|no\.?|#|:)?\s*(?P<value>\(?\d{2,4}\)?[-.\s]?\d{3,4}(?:[-.\s]\d{2,4})*)\b",
            0.6,
        ),
    ]
    CONTEXT = ["phone", "call", "cell", "mobile", "number", "telephone", "fax", "contact"]

    def validate_value(self, pattern: Pattern, value: str) -> bool | None:
        digits = sum(c.isdigit() for c in value)
        if digits < 7 or digits > 15:
            return False
        if pattern.name == "grouped digits" and len(value.split()) > 1 and digits < 8:
            # "20 25 30" (a list of counts) is no phone; grouped numbers need 8+ digits.
            return False
        return None
