"""Case, report, incident, CAD, warrant, docket and application numbers:
"case #2023-004512", "CAD no. 23-118842", "warrant 22CR1187", "application no. 18403/91"."""

from __future__ import annotations

import re
from collections.abc import Iterator

from presidio_analyzer import Pattern

from nearmiss_lab.deid.recognizers.base import LawPatternRecognizer

_KEY = (
    r"(?i:case|report|incident|CAD|event|call|complaint|warrant|docket|file|citation|ticket|"
    r"arrest|booking|inmate|offen[cs]e|RD|DR|IR|OCA|RMS|application|reference|ref\.?|"
    r"record|claim|order|judgment|decision|petition|appeal|register|entry|item|exhibit|"
    r"evidence|property|tag|control|tracking|log|no\.|nos\.)"
)
_NUMBER = r"(?i:\s*(?:number|numbers|num\.?|nos?\.?|#|id|:)\s*)*"
_ID = r"(?=[\w/.-]*\d)[A-Za-z0-9][\w/.-]*[A-Za-z0-9]|\d"
_SEP = r"(?:\s*,\s*|\s+(?:and|&|to|through)\s+)"
_ONE = re.compile(_ID)


class CaseNumberRecognizer(LawPatternRecognizer):
    """CASE_NUMBER: a number after a case-file keyword; lists take every number."""

    ENTITY = "CASE_NUMBER"
    PATTERNS = [
        Pattern(
            "keyword number list",
            rf"\b{_KEY}{_NUMBER}\s*(?P<list>(?:{_ID})(?:{_SEP}(?:{_ID}))*)",
            0.7,
        ),
        # Typical records-system shapes without a keyword: 2023-004512, 23-118842, 22CR1187.
        Pattern("year-serial", r"\b(?:19|20)?\d{2}-\d{4,8}\b", 0.5),
        Pattern("letters in serial", r"\b\d{2,4}[A-Z]{1,4}\d{3,8}\b", 0.6),
    ]
    CONTEXT = ["case", "report", "incident", "number", "cad", "warrant", "docket"]

    def value_spans(self, match: re.Match[str]) -> Iterator[tuple[int, int]]:
        if "list" in match.re.groupindex and match.group("list") is not None:
            offset = match.start("list")
            for part in _ONE.finditer(match.group("list")):
                if any(c.isdigit() for c in part.group()):
                    yield offset + part.start(), offset + part.end()
        else:
            yield from super().value_spans(match)
