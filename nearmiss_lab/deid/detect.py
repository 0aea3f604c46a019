"""Record-level detection: the one function both ``deidentify`` and ``deid-eval`` run.

Every free-text field of a batch of records goes through the engine in one spaCy batch;
then, per record, found names propagate across fields and overlaps are resolved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from nearmiss_lab.deid.context import (
    complete_name_lists,
    grow_addresses,
    grow_names,
    grow_parentheticals,
)
from nearmiss_lab.deid.engine import BATCH_SIZE, DeidEngine
from nearmiss_lab.deid.person_shapes import extend_names, person_shapes
from nearmiss_lab.deid.propagate import propagate
from nearmiss_lab.deid.spans import resolve_overlaps
from nearmiss_lab.deid.truecase import case_is_uninformative, truecase
from nearmiss_lab.deid.types import Detection


def recase_records(
    engine: DeidEngine, records: Sequence[Mapping[str, str]]
) -> tuple[list[dict[str, str]], list[set[str]]]:
    """The texts the engine analyses, and for each record the fields read as caseless.

    ALL-CAPS and capital-less texts are analysed as a re-cased copy of the same length, so
    every offset found in it is valid in the original text too; in other texts only
    lower-case names behind a cue ("Sergeant bradley") get their capital back.
    """
    caseless = [
        {f for f, t in record.items() if t and case_is_uninformative(t)} for record in records
    ]
    recased = [
        {f: truecase(t, engine.names, full=f in flat) if t else "" for f, t in record.items()}
        for record, flat in zip(records, caseless, strict=True)
    ]
    return recased, caseless


def detect_records(
    engine: DeidEngine,
    records: Sequence[Mapping[str, str]],
    batch_size: int = BATCH_SIZE,
) -> list[dict[str, list[Detection]]]:
    """Detect identifiers in every text field of every record.

    Parameters
    ----------
    engine : DeidEngine
        The process's engine (:func:`nearmiss_lab.deid.engine.get_engine`).
    records : sequence of mapping
        Each maps field name to text (e.g. ``{"narrative": ..., "lessons_learned": ...}``).
    batch_size : int
        Texts per spaCy batch.

    Returns
    -------
    list of dict
        For each record, field name -> disjoint, word-aligned detections.
    """
    keys: list[tuple[int, str]] = []
    texts: list[str] = []
    records, caseless = recase_records(engine, records)
    for i, record in enumerate(records):
        for field, text in record.items():
            keys.append((i, field))
            texts.append(text)
    raw = engine.analyze_texts(texts, batch_size=batch_size)
    per_record: list[dict[str, list[Detection]]] = [{} for _ in records]
    for (i, field), found in zip(keys, raw, strict=True):
        text = records[i][field] or ""
        per_record[i][field] = person_shapes(text, found, engine.names, field in caseless[i])
    common = engine.is_common_word
    out = []
    for record, detections, flat in zip(records, per_record, caseless, strict=True):
        fields = {f: (t or "") for f, t in record.items()}
        spread = propagate(
            fields,
            detections,
            common,
            is_word=engine.names.is_word,
            caseless=flat,
            is_first_name=engine.names.is_first_name,
        )
        resolved = {}
        for f, text in fields.items():
            listed = complete_name_lists(
                text,
                grow_addresses(text, spread[f], engine.names if f in flat else None),
                caseless=f in flat,
                know=engine.names,
            )
            # Names found by propagation or in a list grow too ("Lane's name" makes "Lane
            # English" a name; "L. Kline, and C. Warden").
            listed = extend_names(text, listed, engine.names, f in flat)
            resolved[f] = resolve_overlaps(
                text, grow_names(text, grow_parentheticals(text, listed))
            )
        out.append(resolved)
    return out
