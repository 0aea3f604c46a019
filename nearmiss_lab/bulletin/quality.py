"""Cells of ``04-submission-quality``: the hub's view of receipts, issues and coverage.

This notebook stays inside the hub (it shows exact per-submission counts; nothing here is
incident text). Issue messages are shown as the ingest wrote them, which never include the
offending value.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

import polars as pl

from nearmiss_lab.bulletin.data import month_range, resolve_store
from nearmiss_lab.bulletin.html import Html, paragraph, section, table


@dataclass
class Ledger:
    """The store's bookkeeping tables for a window of months."""

    receipts: pl.DataFrame
    issues: pl.DataFrame
    submissions: pl.DataFrame
    quarantine: pl.DataFrame
    monthly: pl.DataFrame
    months: list[str]
    versions: dict[str, int | None]
    store: str
    rejected: pl.DataFrame = field(default_factory=pl.DataFrame)


def _overlaps(frame: pl.DataFrame, start: str, end: str, since: str, until: str) -> pl.DataFrame:
    if frame.is_empty():
        return frame
    cond = pl.lit(True)
    if since:
        cond = cond & (pl.col(end).is_null() | (pl.col(end) >= since))
    if until:
        cond = cond & (pl.col(start).is_null() | (pl.col(start) <= until))
    return frame.filter(cond)


def load_ledger(store: str | os.PathLike[str], *, since: str = "", until: str = "") -> Ledger:
    """Read receipts, the submissions ledger, quarantine and monthly incident counts."""
    from nearmiss_lab.bulletin.coverage import rejected_submissions
    from nearmiss_lab.store import load_table, store_version
    from nearmiss_lab.store.tables import table_exists

    root = resolve_store(store)
    tables: dict[str, pl.DataFrame] = {}
    versions: dict[str, int | None] = {}
    for name in ("receipts", "submissions", "quarantine", "incidents"):
        if table_exists(root, name):
            versions[name] = store_version(root, name)
            tables[name] = load_table(root, name, version=versions[name]).collect()
        else:
            versions[name], tables[name] = None, pl.DataFrame()
    receipt_rows, issue_rows = [], []
    for row in tables["receipts"].iter_rows(named=True):
        doc = json.loads(row["receipt_json"] or "{}")
        period = doc.get("period") or {}
        counts = doc.get("counts") or {}
        receipt_rows.append({
            "received_at": doc.get("received_at"), "agency": row["agency"],
            "submission_id": row["submission_id"], "status": row["status"],
            "status_code": row["status_code"], "period_start": period.get("start"),
            "period_end": period.get("end"), **{k: counts.get(k) for k in
                                                ("received", "accepted", "quarantined",
                                                 "duplicate", "rejected")},
            "issues": len(doc.get("issues") or []),
        })
        for issue in doc.get("issues") or []:
            issue_rows.append({"agency": row["agency"] or "(unknown)", "code": issue.get("code"),
                               "severity": issue.get("severity"),
                               "period_start": period.get("start"),
                               "period_end": period.get("end")})
    receipts = _overlaps(pl.DataFrame(receipt_rows, infer_schema_length=None),
                         "period_start", "period_end", since, until)
    issues = _overlaps(pl.DataFrame(issue_rows, infer_schema_length=None),
                       "period_start", "period_end", since, until)
    incidents = tables["incidents"]
    monthly = (
        incidents.group_by("agency", "occurred_month").agg(pl.len().alias("incidents"))
        if not incidents.is_empty() else
        pl.DataFrame(schema={"agency": pl.String, "occurred_month": pl.String,
                             "incidents": pl.UInt32})
    )
    months_seen = sorted(set(monthly["occurred_month"].to_list()))
    first = since or (months_seen[0] if months_seen else "")
    last = until or (months_seen[-1] if months_seen else "")
    months = month_range(first, last) if first and last else []
    return Ledger(receipts, issues, tables["submissions"], tables["quarantine"], monthly,
                  months, versions, root.name, rejected_submissions(tables["receipts"]))


def receipts(ledger: Ledger) -> Html:
    """Every answer the hub gave, newest first."""
    frame = ledger.receipts
    if not frame.is_empty():
        frame = frame.sort("received_at", descending=True, nulls_last=True)
    note = paragraph(
        "Table versions: " + ", ".join(f"{k} v{v}" for k, v in ledger.versions.items()
                                       if v is not None), "nm-note")
    return section("Receipts", [note, table(
        frame, numeric=("status_code", "received", "accepted", "quarantined", "duplicate",
                        "rejected", "issues"), empty="no receipts in the store")], style=True)


def issues_by_code(ledger: Ledger) -> Html:
    """Issues raised at ingest, counted by code and agency."""
    frame = ledger.issues
    if frame.is_empty():
        return section("Issues by code and agency", [paragraph("No issues were raised.")])
    pivot = (
        frame.group_by("code", "severity", "agency").agg(pl.len().alias("n"))
        .pivot(on="agency", index=["code", "severity"], values="n")
        .fill_null(0).sort("code")
    )
    agencies = [c for c in pivot.columns if c not in ("code", "severity")]
    pivot = pivot.with_columns(total=pl.sum_horizontal(agencies)).sort("total", descending=True)
    return section("Issues by code and agency", [
        table(pivot, numeric=[*agencies, "total"]),
        paragraph("Look a code up in the spec (schemas/issue-codes.json) for its rule and "
                  "hint.", "nm-note")])


#: How a month without stored incidents reads in the coverage grid, by coverage status.
GRID_TEXT = {"zero report": "0 (zero report)", "nothing publishable": "0 (held back)",
             "covered, no incidents": "0 (covered)", "no submission": "\u2014"}


def coverage(ledger: Ledger) -> Html:
    """Agency by month: incidents stored, zero reports, held back, and months not covered."""
    from nearmiss_lab.bulletin.coverage import coverage_by_month

    if not ledger.months:
        return section("Coverage", [paragraph("No submissions yet.")])
    grid = coverage_by_month(ledger.months, ledger.monthly, ledger.submissions,
                             ledger.quarantine, ledger.rejected)
    if grid.is_empty():
        return section("Coverage", [paragraph("No submissions yet.")])
    cells = {(a, m): str(n) if status == "reported" else GRID_TEXT[status]
             for a, m, status, n in grid.select("agency", "month", "status", "incidents")
             .iter_rows()}
    rows = [{"agency": agency, **{m: cells[(agency, m)] for m in ledger.months}}
            for agency in grid["agency"].unique(maintain_order=True).to_list()]
    frame = pl.DataFrame(rows, schema={"agency": pl.String, **{m: pl.String
                                                               for m in ledger.months}})
    return section("Coverage", [
        table(frame, numeric=ledger.months),
        paragraph("A number is incidents stored for that month; \u201c0 (zero report)\u201d "
                  "means an accepted submission declaring no records covered the month; "
                  "\u201c0 (held back)\u201d that the agency submitted for the month but its "
                  "records that may belong to it were quarantined or rejected; "
                  "\u201c0 (covered)\u201d that a submission with records covered the month "
                  "and none occurred in it; \u2014 that no submission covered it.", "nm-note")])


def quarantine(ledger: Ledger) -> Html:
    """Records held back by the hub's re-scan, by reason and agency (never their text)."""
    frame = ledger.quarantine
    if frame.is_empty():
        return section("Quarantine", [paragraph("No record is in quarantine.")])
    counts = (
        frame.select("agency", "reason_codes").explode("reason_codes")
        .group_by("agency", "reason_codes").agg(pl.len().alias("records"))
        .rename({"reason_codes": "reason"}).sort("agency", "reason")
    )
    return section("Quarantine", [table(counts, numeric=("records",))])
