"""The hub's residual scan: re-run the agency-side detection on de-identified text.

Typed placeholders (``[PERSON-1]``) are blanked to spaces of the same length before the scan,
so offsets stay valid and a placeholder is never a finding. Findings carry field, offsets,
type and score, never the text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from nearmiss_lab.deid.replace import PLACEHOLDER
from nearmiss_lab.deid.types import TEXT_FIELDS, ResidualFinding

DEFAULT_MIN_SCORE = 0.5


def _blank_placeholders(text: str) -> str:
    return PLACEHOLDER.sub(lambda m: " " * len(m.group()), text)


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
    texts = [
        {f: _blank_placeholders(r[f]) for f in fields if isinstance(r.get(f), str) and r[f]}
        for r in records
    ]
    found = detect_records(engine, texts)
    out = []
    for per_field in found:
        findings = [
            ResidualFinding(field, d.start, d.end, d.entity_type, d.score)
            for field, detections in per_field.items()
            for d in detections
            if d.score >= min_score
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
