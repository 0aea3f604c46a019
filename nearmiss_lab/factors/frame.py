"""The factors stage over a polars frame of incidents: what the hub runs at analysis time.

:func:`extract_frame` reads each incident's de-identified ``narrative`` and ``lessons_learned``
as stored, finds taxonomy codes with the lexicon (deterministic: same text, same lexicon, same
codes and offsets) and returns the frame with ``factors`` augmented by ``extracted`` entries
that carry ``confidence`` and ``evidence`` (field and character offsets into that stored text).

Merging, per incident: factors the record already carries stay as they are and where they are
(``reported`` ones and any ``extracted`` ones the agency submitted); entries repeating a
(code, source) pair are merged into the first (evidence joined, highest confidence); a code the
lexicon finds is added as ``extracted`` unless the record already reports it, and joins the
record's own ``extracted`` entry of that code if there is one. ACT codes stay in
``activities`` (an ACT code in ``factors`` breaks rule R-004). With a fitted ``model``
(:class:`~nearmiss_lab.factors.FactorModel`), the codes it models come from it instead of the
lexicon, with its evidence spans in the narrative; the lexicon keeps every other code.

Cost: each distinct (field, text) is matched once per call (lessons learned repeat a lot), in
one pass over the frame's rows; the frame work itself is a single list column rebuilt.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import polars as pl

from nearmiss_lab.factors.extract import LexiconExtractor, Match, drop_explained
from nearmiss_lab.factors.model import MAX_EVIDENCE, MODEL_FIELD, FactorModel
from nearmiss_lab.store.schema import FACTOR


def extract_frame(
    incidents: pl.DataFrame | pl.LazyFrame,
    *,
    extractor: LexiconExtractor | None = None,
    fields: Sequence[str] | None = None,
    model: FactorModel | None = None,
) -> pl.DataFrame:
    """Return ``incidents`` with ``factors`` augmented by lexicon-extracted codes.

    Parameters
    ----------
    incidents : polars DataFrame or LazyFrame
        Store rows (or any frame) with the text ``fields`` and optionally ``factors`` (list of
        struct ``code, source[, confidence, evidence]``); other columns pass through.
    extractor : LexiconExtractor, optional
        The shipped lexicon by default.
    fields : sequence of str, optional
        Text columns read (default: the extractor's ``fields``, the narrative only, since
        lessons learned are advice rather than an account); a missing column is skipped.
    model : FactorModel, optional
        A fitted supervised component (:func:`nearmiss_lab.factors.train_from_store`). The
        codes it models are then decided by it, from the ``narrative``, with its evidence
        spans and probability as ``confidence``; the lexicon still supplies every other code
        (as :class:`~nearmiss_lab.factors.CombinedExtractor` does in evaluation).

    Returns
    -------
    polars.DataFrame
        Same rows and columns in the same order; ``factors`` is a list of the store's factor
        struct (``code, source, confidence, evidence``) with the extracted entries merged in
        (see the module docstring).

    Examples
    --------
    >>> frame = pl.DataFrame({"narrative": ["He pulled a knife from his waistband."],
    ...                       "factors": [[{"code": "HF.FATIGUE", "source": "reported"}]]})
    >>> [f["code"] for f in extract_frame(frame)["factors"][0]]
    ['HF.FATIGUE', 'THREAT.EDGED_WEAPON']
    """
    frame = incidents.collect() if isinstance(incidents, pl.LazyFrame) else incidents
    ex = extractor or LexiconExtractor()
    fields = ex.fields if fields is None else tuple(fields)
    columns = [(name, frame.get_column(name).to_list()) for name in fields
               if name in frame.columns]
    existing = (frame.get_column("factors").to_list() if "factors" in frame.columns
                else [None] * frame.height)
    cache: dict[tuple[str, str], list[Match]] = {}
    modelled: frozenset[str] = frozenset(model.labels) if model is not None else frozenset()
    learned = _model_factors(frame, model) if model is not None else None
    merged = []
    for row in range(frame.height):
        matches: list[Match] = []
        for name, values in columns:
            text = values[row]
            if not text:
                continue
            found = cache.get((name, text))
            if found is None:
                found = [m for m in ex.matches(text, name) if m.status == "asserted"]
                cache[(name, text)] = found
            matches.extend(found)
        reported = [f["code"] for f in existing[row] or [] if f.get("source") == "reported"]
        if matches and reported:
            matches = drop_explained(matches, reported)
        new = [e.to_factor(MAX_EVIDENCE) for e in ex.aggregate(matches)
               if not e.code.startswith("ACT.") and e.code not in modelled] if matches else []
        if learned is not None:
            new += learned[row]
        merged.append(merge_extracted(existing[row] or [], new))
    return frame.with_columns(_factor_column(merged))


def _model_factors(frame: pl.DataFrame, model: FactorModel) -> list[list[dict[str, Any]]]:
    """The model's factors per row, each distinct narrative predicted once."""
    if MODEL_FIELD not in frame.columns:
        return [[] for _ in range(frame.height)]
    narratives = frame.get_column(MODEL_FIELD).to_list()
    distinct = sorted({t for t in narratives if t})
    predicted = dict(zip(distinct, model.predict_factors(distinct), strict=True))
    return [[dict(f) for f in predicted.get(t, [])] if t else [] for t in narratives]


def _factor_column(merged: list[list[dict[str, Any]]]) -> pl.Series:
    """The ``factors`` column from per-row factor dicts, built from flat columns: polars
    converts nested Python dicts row by row, which cost as much as a fifth of the stage."""
    rows: list[int] = []
    codes: list[str] = []
    sources: list[str] = []
    confidences: list[float | None] = []
    ev_factor: list[int] = []
    ev_field: list[str] = []
    ev_start: list[int] = []
    ev_end: list[int] = []
    for row, row_factors in enumerate(merged):
        for f in row_factors:
            fid = len(codes)
            rows.append(row)
            codes.append(f["code"])
            sources.append(f["source"])
            confidences.append(f["confidence"])
            for e in f["evidence"]:
                ev_factor.append(fid)
                ev_field.append(e["field"])
                ev_start.append(e["start"])
                ev_end.append(e["end"])
    evidence = pl.DataFrame(
        {"fid": ev_factor, "field": ev_field, "start": ev_start, "end": ev_end},
        schema={"fid": pl.Int64, "field": pl.String, "start": pl.Int64, "end": pl.Int64},
    ).group_by("fid", maintain_order=True).agg(evidence=pl.struct("field", "start", "end"))
    empty_evidence = pl.lit([], dtype=FACTOR.to_schema()["evidence"])
    factors = (
        pl.DataFrame(
            {"fid": range(len(codes)), "row": rows, "code": codes, "source": sources,
             "confidence": confidences},
            schema={"fid": pl.Int64, "row": pl.Int64, "code": pl.String, "source": pl.String,
                    "confidence": pl.Float64},
        )
        .join(evidence, on="fid", how="left", maintain_order="left")
        .with_columns(pl.col("evidence").fill_null(empty_evidence))
        .group_by("row", maintain_order=True)
        .agg(factors=pl.struct("code", "source", "confidence", "evidence"))
    )
    column = (
        pl.DataFrame({"row": range(len(merged))}, schema={"row": pl.Int64})
        .join(factors, on="row", how="left", maintain_order="left")
        .get_column("factors")
    )
    return column.fill_null(pl.lit([], dtype=pl.List(FACTOR))).cast(pl.List(FACTOR))


def merge_extracted(
    factors: Iterable[Mapping[str, Any]], extracted: Iterable[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """A record's factors with newly ``extracted`` ones merged in (one entry per code and
    source; a code the record reports is not added again)."""
    out: list[dict[str, Any]] = []
    index: dict[tuple[str, str], dict[str, Any]] = {}
    for factor in factors:
        _add(out, index, factor)
    reported = {code for code, source in index if source == "reported"}
    for factor in extracted:
        if factor["code"] not in reported:
            _add(out, index, factor)
    return out


def _add(out: list[dict[str, Any]], index: dict[tuple[str, str], dict[str, Any]],
         factor: Mapping[str, Any]) -> None:
    key = (factor["code"], factor["source"])
    evidence = [dict(e) for e in factor.get("evidence") or []]
    confidence = factor.get("confidence")
    prior = index.get(key)
    if prior is None:
        entry = {"code": key[0], "source": key[1], "confidence": confidence,
                 "evidence": evidence[:MAX_EVIDENCE]}
        index[key] = entry
        out.append(entry)
        return
    seen = {(e["field"], e["start"], e["end"]) for e in prior["evidence"]}
    for e in evidence:
        span = (e["field"], e["start"], e["end"])
        if span not in seen and len(prior["evidence"]) < MAX_EVIDENCE:
            prior["evidence"].append(e)
            seen.add(span)
    if confidence is not None:
        prior["confidence"] = max(prior["confidence"] or 0.0, confidence)
