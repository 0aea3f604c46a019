"""The hub's residual scan: re-run the agency-side detection on de-identified text.

Placeholders (``[PERSON-1]``) stay in the text while it is scanned (their brackets stop every
pattern: "Ofc. [PERSON-3] helped" never makes "helped" a name) and are then cut out of the
findings: a finding that covers a placeholder keeps only its parts outside placeholders
that hold a word character, so a placeholder is never a finding but a name beside one is.
Findings carry field, offsets, type and score, never the text.

The NER model gives every entity the same score (0.85) whatever its real confidence; in
de-identified text its non-person entities are mostly noise ("Taser", a bare number). Those
findings count at half their score unless a pattern recognizer agrees, so the default
threshold quarantines names and pattern-backed identifiers, not every capitalised word.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from nearmiss_lab.deid.replace import PLACEHOLDER
from nearmiss_lab.deid.spans import NER_SOURCES
from nearmiss_lab.deid.types import TEXT_FIELDS, ResidualFinding

DEFAULT_MIN_SCORE = 0.5
NER_ONLY_FACTOR = 0.5
_WORD = re.compile(r"\w")


def _score(d: Any) -> float:
    if d.source in NER_SOURCES and d.entity_type != "PERSON":
        return d.score * NER_ONLY_FACTOR
    return d.score


def _outside_placeholders(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The pieces of [start, end) outside placeholders, trimmed to word characters."""
    cuts = [
        m.span()
        for m in PLACEHOLDER.finditer(text, 0, len(text))
        if m.start() < end and start < m.end()
    ]
    pieces, cursor = [], start
    for a, b in cuts:
        pieces.append((cursor, max(cursor, a)))
        cursor = max(cursor, b)
    pieces.append((cursor, end))
    for a, b in pieces:
        while a < b and not _WORD.match(text[a]):
            a += 1
        while b > a and not _WORD.match(text[b - 1]):
            b -= 1
        if b - a > 1:  # a lone letter ("R/O" cut by a placeholder) identifies no one
            yield a, b


def residual_scan_batch(
    records: Sequence[Mapping[str, Any]],
    *,
    min_score: float = DEFAULT_MIN_SCORE,
    fields: Sequence[str] = TEXT_FIELDS,
    engine: Any = None,
) -> list[list[ResidualFinding]]:
    """Scan many records at once (one spaCy batch); see :func:`residual_scan`."""
    from nearmiss_lab.deid.detect import detect_records
    from nearmiss_lab.deid.engine import get_engine

    engine = engine or get_engine()
    texts = [{f: r[f] for f in fields if isinstance(r.get(f), str) and r[f]} for r in records]
    found = detect_records(engine, texts)
    out = []
    for fields_text, per_field in zip(texts, found, strict=True):
        findings = [
            ResidualFinding(field, a, b, d.entity_type, _score(d))
            for field, detections in per_field.items()
            for d in detections
            if _score(d) >= min_score
            for a, b in _outside_placeholders(fields_text[field], d.start, d.end)
        ]
        out.append(findings)
    return out


def residual_scan(
    record: Mapping[str, Any],
    *,
    min_score: float = DEFAULT_MIN_SCORE,
    fields: Sequence[str] = TEXT_FIELDS,
    engine: Any = None,
) -> list[ResidualFinding]:
    """Find identifiers left in a de-identified record's free-text fields.

    Parameters
    ----------
    record : mapping
        An incident record; ``narrative`` and ``lessons_learned`` are scanned.
    min_score : float
        Report only findings scoring at least this (0..1).
    fields : sequence of str
        The free-text fields to scan.
    engine : DeidEngine, optional
        Defaults to this process's engine for ``Settings.from_env().spacy_model``.

    Returns
    -------
    list of ResidualFinding
        Field, offsets, type and score of each finding; never the text.
    """
    return residual_scan_batch([record], min_score=min_score, fields=fields, engine=engine)[0]
