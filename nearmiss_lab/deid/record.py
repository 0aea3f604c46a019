"""De-identify records: detection over all free-text fields, then typed replacement."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from nearmiss_lab.deid.types import TEXT_FIELDS, ReplacedSpan


@dataclass(frozen=True)
class DeidentifiedRecord:
    """A record with its free text replaced, the replaced-mention counts by type, and the
    placeholders' positions in the replaced text (``detections``: field, start, end, type,
    score, source; never the removed text)."""

    record: dict[str, Any]
    entities: dict[str, int]
    detections: tuple[ReplacedSpan, ...] = ()


def deidentify_records(
    records: Sequence[Mapping[str, Any]],
    *,
    fields: Sequence[str] = TEXT_FIELDS,
    engine: Any = None,
) -> list[DeidentifiedRecord]:
    """De-identify the free-text ``fields`` of each record (other fields are copied as-is).

    Parameters
    ----------
    records : sequence of mapping
        Records holding raw free text (e.g. intake drafts).
    fields : sequence of str
        Free-text fields to de-identify; missing or non-string fields are left alone.
    engine : DeidEngine, optional
        Defaults to this process's engine for ``Settings.from_env().spacy_model``.

    Returns
    -------
    list of DeidentifiedRecord
        New record dicts, counts by type and placeholder positions; never the removed values.
    """
    from nearmiss_lab.deid.detect import detect_records
    from nearmiss_lab.deid.engine import get_engine
    from nearmiss_lab.deid.replace import replace_with_spans

    engine = engine or get_engine()
    texts = [{f: r[f] for f in fields if isinstance(r.get(f), str)} for r in records]
    found = detect_records(engine, texts)
    out = []
    for record, fields_text, detections in zip(records, texts, found, strict=True):
        replaced, counts, spans = replace_with_spans(fields_text, detections)
        new = dict(record)
        new.update(replaced)
        out.append(DeidentifiedRecord(new, dict(sorted(Counter(counts).items())), tuple(spans)))
    return out


def deidentify_record(record: Mapping[str, Any], **kwargs: Any) -> DeidentifiedRecord:
    """De-identify one record; see :func:`deidentify_records`."""
    return deidentify_records([record], **kwargs)[0]
