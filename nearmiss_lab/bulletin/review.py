"""Cells of ``03-deidentification-review``: the agency's human check before it submits.

Runs the de-identifier exactly as ``nearmiss deidentify`` does (intake, detection over every
free-text field, typed replacement) and shows each record's de-identified text with the
replacements highlighted, plus the detections it was least sure of. It never shows what was
removed: only placeholders, their types and scores, in the de-identified text's context.

It also lists what the engine found but did **not** replace: recognizer results scoring
below the engine's threshold, which the de-identifier drops and the submission keeps as
text. Those are the likely misses a reviewer should look at, so they are shown with their
text, by type, position and score. That text is part of the de-identified output already;
the notebook runs on the agency's machine before it submits, and nothing from it is
submitted.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from nearmiss_lab.bulletin.html import Html, escape, highlight_spans, paragraph, section, table

SAMPLE = "sample"
CONTEXT = 40


@dataclass
class Replacement:
    """One placeholder in the de-identified text (offsets into the *output* text)."""

    field: str
    start: int
    end: int
    entity_type: str
    score: float
    source: str


@dataclass
class NotReplaced:
    """A detection the engine scored below its threshold: left in the text as it was.

    ``start`` and ``end`` are offsets into the *output* text, where the words still stand.
    """

    field: str
    start: int
    end: int
    entity_type: str
    score: float
    source: str


@dataclass
class ReviewItem:
    row: int
    record_id: str
    texts: dict[str, str]
    replacements: list[Replacement]
    not_replaced: list[NotReplaced] = field(default_factory=list)


@dataclass
class ReviewBatch:
    """De-identified records of one export, ready for a reviewer."""

    agency: str
    items: list[ReviewItem]
    rows_read: int
    rows_with_errors: int
    issue_codes: Counter[str] = field(default_factory=Counter)
    low_confidence: float = 0.6
    #: The engine's score threshold: detections below it are not replaced.
    threshold: float = 0.0


def _sample_export(workdir: Path, limit: int) -> tuple[Path, Path]:
    from nearmiss_lab.synth import generate_corpus

    generate_corpus(workdir, agencies=1, incidents=max(limit, 1), months=1, seed=11)
    entry = json.loads((workdir / "agencies.json").read_text(encoding="utf-8"))[0]
    return workdir / entry["export"], workdir / entry["mapping"]


def output_spans(text: str, detections: list[Any], replaced: str) -> list[tuple[int, int, Any]]:
    """Where each detection's placeholder sits in the replaced text, in order.

    Replacement keeps the text between detections and substitutes each detection with a
    placeholder, so the placeholder of a detection starts at its input start plus the length
    change of every earlier replacement.
    """
    from nearmiss_lab.deid.replace import PLACEHOLDER

    spans = []
    shift = 0
    for d in sorted(detections, key=lambda d: d.start):
        start = d.start + shift
        match = PLACEHOLDER.match(replaced, start)
        if match is None:  # replacement changed shape: show nothing rather than a wrong span
            return []
        spans.append((start, match.end(), d))
        shift += (match.end() - start) - (d.end - d.start)
    return spans


def below_threshold(engine: Any, records: list[dict[str, str]]) -> list[dict[str, list[Any]]]:
    """What the engine's analyzer found in each field but scored below the engine's threshold.

    The engine keeps only results scoring at least ``engine.threshold``; this runs the same
    analysis (same recognizers, same spaCy pass, on the same re-cased text as
    :func:`~nearmiss_lab.deid.detect.detect_records`) with no floor and keeps the rest, one
    detection per span (the highest score). Offsets are into the input text.

    Returns
    -------
    list of dict
        For each record, field name -> :class:`~nearmiss_lab.deid.types.Detection` list.
    """
    from nearmiss_lab.deid.detect import recase_records

    recased, _ = recase_records(engine, records)
    keys = [(i, name) for i, record in enumerate(recased) for name in record]
    found = engine.analyze_texts([recased[i][name] for i, name in keys], floor=0.0)
    out: list[dict[str, list[Any]]] = [{name: [] for name in r} for r in records]
    for (i, name), detections in zip(keys, found, strict=True):
        best: dict[tuple[int, int], Any] = {}
        for d in detections:
            if d.score >= engine.threshold or d.end <= d.start:
                continue
            if (d.start, d.end) not in best or d.score > best[(d.start, d.end)].score:
                best[(d.start, d.end)] = d
        out[i][name] = sorted(best.values())
    return out


def _not_replaced(field_name: str, text: str, replaced_text: str, replaced: list[Any],
                  spans: list[tuple[int, int, Any]], candidates: list[Any]) -> list[NotReplaced]:
    """Sub-threshold detections that no replacement covers, at their place in the output."""
    kept = []
    for d in candidates:
        if any(d.start < r.end and r.start < d.end for r in replaced):
            continue  # part of a replaced identifier: its words are gone already
        # Every replacement before it changed the length by (placeholder - original).
        shift = sum((b - a) - (r.end - r.start) for a, b, r in spans if r.end <= d.start)
        start, end = d.start + shift, d.end + shift
        if replaced_text[start:end] != text[d.start:d.end]:
            continue  # replacement changed shape: show nothing rather than a wrong span
        kept.append(NotReplaced(field_name, start, end, d.entity_type, d.score, d.source))
    return kept


def deidentify_for_review(
    export: str | os.PathLike[str],
    *,
    mapping: str = "",
    agency: str = "AG-SAMPLE",
    limit: int = 20,
    low_confidence: float = 0.6,
    engine: Any = None,
) -> ReviewBatch:
    """De-identify the first ``limit`` rows of an export for review.

    Parameters
    ----------
    export : path or ``"sample"``
        The agency export; ``"sample"`` generates a small synthetic one first.
    mapping : str
        Its field-mapping file (ignored for ``"sample"``).
    agency : str
        Agency pseudonym, for the page's title.
    limit : int
        Rows to de-identify and show.
    low_confidence : float
        Replacements scoring below this are listed for a second look.
    engine : DeidEngine, optional
        The de-identification engine (default :func:`~nearmiss_lab.deid.get_engine`, the
        package's recognizer file); an agency that runs its own recognizer file reviews
        with the engine built from it.
    """
    from nearmiss_lab.deid import get_engine
    from nearmiss_lab.deid.detect import detect_records
    from nearmiss_lab.deid.replace import replace_identifiers
    from nearmiss_lab.deid.types import TEXT_FIELDS
    from nearmiss_lab.intake import load_mapping, read_export

    with tempfile.TemporaryDirectory(prefix="nearmiss-review-") as tmp:
        if str(export) == SAMPLE:
            export_path, mapping_path = _sample_export(Path(tmp), limit)
        else:
            export_path, mapping_path = Path(export), Path(mapping)
        rows_read, errors = 0, 0
        codes: Counter[str] = Counter()
        drafts: list[tuple[int, dict[str, Any]]] = []
        for intake_row in read_export(export_path, load_mapping(mapping_path)):
            rows_read += 1
            codes.update(i.code for i in intake_row.issues)
            if intake_row.draft is None:
                errors += 1
            else:
                drafts.append((intake_row.row, intake_row.draft))
            if len(drafts) >= limit:
                break
    engine = engine if engine is not None else get_engine()
    texts = [{f: d[f] for f in TEXT_FIELDS if isinstance(d.get(f), str)} for _, d in drafts]
    found = detect_records(engine, texts)
    weak = below_threshold(engine, texts)
    items = []
    for (row, draft), fields, detections, low in zip(drafts, texts, found, weak, strict=True):
        replaced, _counts = replace_identifiers(fields, detections)
        reps, missed = [], []
        for f in fields:
            spans = output_spans(fields[f], list(detections.get(f, ())), replaced[f])
            reps += [Replacement(f, start, end, d.entity_type, d.score, d.source)
                     for start, end, d in spans]
            missed += _not_replaced(f, fields[f], replaced[f], list(detections.get(f, ())),
                                    spans, low.get(f, []))
        items.append(ReviewItem(row, str(draft.get("record_id", "")), replaced, reps, missed))
    return ReviewBatch(agency, items, rows_read, errors, codes, low_confidence,
                       float(engine.threshold))


def summary(batch: ReviewBatch) -> Html:
    """Rows read, rows with errors, and replacements by type (counts only)."""
    counts = Counter(r.entity_type for item in batch.items for r in item.replacements)
    missed = Counter(m.entity_type for item in batch.items for m in item.not_replaced)
    rows = [("agency", batch.agency), ("rows read", str(batch.rows_read)),
            ("rows with errors (left out of the submission)", str(batch.rows_with_errors)),
            ("records shown", str(len(batch.items))),
            *((f"replaced {t}", str(n)) for t, n in sorted(counts.items())),
            *((f"not replaced {t} (score below {batch.threshold})", str(n))
              for t, n in sorted(missed.items()))]
    frame = pl.DataFrame(rows, schema={"item": pl.String, "value": pl.String}, orient="row")
    issues = pl.DataFrame(sorted(batch.issue_codes.items()),
                          schema={"intake issue": pl.String, "rows": pl.Int64}, orient="row")
    return section(f"De-identification review: {batch.agency}", [
        table(frame), table(issues, caption="Intake issues", empty="none")], style=True)


def records(batch: ReviewBatch) -> Html:
    """Each record's de-identified text, every replacement highlighted (low confidence red)."""
    blocks = []
    for item in batch.items:
        parts = [f"<h3>Row {item.row} \u00b7 record {escape(item.record_id)}</h3>"]
        for f, text in item.texts.items():
            spans = [(r.start, r.end, "nm-repl nm-low" if r.score < batch.low_confidence
                      else "nm-repl") for r in item.replacements if r.field == f]
            spans += [(m.start, m.end, "nm-miss") for m in item.not_replaced if m.field == f]
            parts.append(f"<h4>{escape(f)}</h4><pre>{highlight_spans(text, spans)}</pre>")
        blocks.append(f'<div class="nm-report">{"".join(parts)}</div>')
    legend = paragraph("Yellow: replaced identifier. Red: replaced with a score below "
                       f"{batch.low_confidence}; check it was an identifier. Underlined: found "
                       f"with a score below the engine's threshold {batch.threshold} and NOT "
                       "replaced; check it is not an identifier before you submit.", "nm-note")
    return section("Records as they will be submitted", [legend, *blocks])


def low_confidence(batch: ReviewBatch) -> Html:
    """Replacements the de-identifier was least sure of, in their de-identified context."""
    rows = []
    for item in batch.items:
        for r in item.replacements:
            if r.score >= batch.low_confidence:
                continue
            text = item.texts[r.field]
            before = text[max(0, r.start - CONTEXT):r.start]
            after = text[r.end:r.end + CONTEXT]
            rows.append({"row": item.row, "field": r.field, "type": r.entity_type,
                         "score": f"{r.score:.2f}", "recognizer": r.source,
                         "context": f"\u2026{before}{text[r.start:r.end]}{after}\u2026"})
    frame = pl.DataFrame(rows, schema={"row": pl.Int64, "field": pl.String, "type": pl.String,
                                       "score": pl.String, "recognizer": pl.String,
                                       "context": pl.String})
    return section("Low-confidence detections", [
        paragraph(f"Replacements scoring below {batch.low_confidence}. A reviewer confirms "
                  "each was an identifier; the text shown is already de-identified."),
        table(frame, numeric=("row", "score"), empty="none below the threshold")])


def not_replaced(batch: ReviewBatch) -> Html:
    """Detections the engine found but did not replace (scored below its threshold).

    Listed by row, field, type, position (offsets into the text as it will be submitted) and
    score, with the words themselves and their context: those words will be submitted as
    they stand unless the reviewer edits the export. This is the agency's own screen.
    """
    rows = []
    for item in batch.items:
        for m in item.not_replaced:
            text = item.texts[m.field]
            rows.append({"row": item.row, "field": m.field, "type": m.entity_type,
                         "score": f"{m.score:.2f}", "position": f"{m.start}\u2013{m.end}",
                         "recognizer": m.source, "text": text[m.start:m.end],
                         "context": f"\u2026{text[max(0, m.start - CONTEXT):m.end + CONTEXT]}"
                                    "\u2026"})
    frame = pl.DataFrame(rows, schema={"row": pl.Int64, "field": pl.String, "type": pl.String,
                                       "score": pl.String, "position": pl.String,
                                       "recognizer": pl.String, "text": pl.String,
                                       "context": pl.String})
    return section("Found but not replaced", [
        paragraph(f"Detections scoring below the engine's threshold ({batch.threshold}): the "
                  "de-identifier left these words in the text that will be submitted. If one "
                  "is an identifier, correct the export and run the review again. This list "
                  "stays on this machine; nothing from this notebook is submitted."),
        table(frame, numeric=("row", "score", "position"), empty="none")])
