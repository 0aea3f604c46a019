"""De-duplicate and commit one checked submission: the only part that holds the store lock.

Commit order (each step one Delta commit tagged with the ingest id, skipped on a re-run when
the table already holds that tag):

1. ``incidents``  the accepted rows (an empty commit when none): the point where the data
   becomes visible, and the anchor a re-run replays its plan from (version - 1);
2. ``quarantine`` new quarantined records, and corrected records' old versions released;
3. ``receipts``   the receipt;
4. ``submissions`` the ledger row, last: only a submission with a ledger row is "already
   ingested", so a crash anywhere before it is completed by running the ingest again.

A reader never sees half a table write; between steps it sees accepted incidents whose
bookkeeping is still to come, never the reverse.
"""

from __future__ import annotations

import json
import os
import signal
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

from nearmiss_lab.ingest.checks import Candidate, residual_issue
from nearmiss_lab.ingest.files import SubmissionFault
from nearmiss_lab.ingest.receipt import Outcome, build_receipt, decide_status
from nearmiss_lab.issues import Issue, Severity
from nearmiss_lab.store.read import load_table
from nearmiss_lab.store.schema import canonical_json, incident_to_row
from nearmiss_lab.store.tables import (
    append_rows,
    commit_version,
    committed_by,
    replace_rows,
    store_lock,
)

#: Fault injection for the crash-safety tests: the ingest SIGKILLs itself at this point.
CRASH_ENV = "NEARMISS_INGEST_CRASH_AT"
CRASH_POINTS = ("before-commit", "after-incidents", "after-quarantine", "after-receipt",
                "after-ledger")


def crash_point(name: str) -> None:
    """Kill this process (SIGKILL, no clean-up) when ``$NEARMISS_INGEST_CRASH_AT == name``."""
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def ingest_id_for(submission_id: str, records_sha256: str) -> str:
    """The id that tags every commit of one ingest of one submission's content."""
    return f"nearmiss-ingest:{submission_id}:{records_sha256[:16]}"


@dataclass
class Plan:
    """What happens to each valid record."""

    accepted: list[Candidate] = field(default_factory=list)
    quarantined: list[Candidate] = field(default_factory=list)
    duplicate_issues: list[Issue] = field(default_factory=list)
    released: list[str] = field(default_factory=list)


def _duplicate(c: Candidate, message: str) -> Issue:
    return Issue("ingest-duplicate-record", Severity.WARNING, "/record_id", message,
                 line=c.line, record=c.index, record_id=c.record_id,
                 hint="nothing to do if the record was sent twice on purpose; it is kept once")


def plan_records(candidates: list[Candidate], stored_keys: set[str], stored_hashes: set[str],
                 quarantined_keys: set[str]) -> Plan:
    """Decide accept / quarantine / duplicate for each valid record, in file order.

    A record is a duplicate when its key (agency + record_id) or its content hash is already
    stored, or appeared earlier in this submission. Otherwise residual findings quarantine it,
    else it is accepted; an accepted record whose key is in quarantine releases that version.
    """
    plan = Plan()
    seen_keys: dict[str, int] = {}
    seen_hashes: dict[str, int] = {}
    for c in candidates:
        if c.key in stored_keys:
            plan.duplicate_issues.append(_duplicate(c, "a record with this agency and record_id "
                                                       "is already in the store"))
        elif c.content_hash in stored_hashes:
            plan.duplicate_issues.append(_duplicate(c, "a record with identical content is "
                                                       "already in the store"))
        elif c.key in seen_keys:
            plan.duplicate_issues.append(_duplicate(
                c, f"same agency and record_id as record {seen_keys[c.key]} of this submission"))
        elif c.content_hash in seen_hashes:
            plan.duplicate_issues.append(_duplicate(
                c, f"identical content to record {seen_hashes[c.content_hash]} of this "
                   "submission"))
        elif c.findings:
            plan.quarantined.append(c)
        else:
            plan.accepted.append(c)
            if c.key in quarantined_keys:
                plan.released.append(c.key)
        seen_keys.setdefault(c.key, c.index)
        seen_hashes.setdefault(c.content_hash, c.index)
    return plan


def _stored_state(store: Path, agency: str, incidents_version: int | None,
                  quarantine_version: int | None) -> tuple[set[str], set[str], set[str]]:
    inc = (load_table(store, "incidents", version=incidents_version)
           .filter(pl.col("agency") == agency)
           .select("incident_key", "content_hash").collect())
    quarantine = (load_table(store, "quarantine", version=quarantine_version)
                  .filter(pl.col("agency") == agency).select("incident_key").collect())
    return (set(inc["incident_key"].to_list()), set(inc["content_hash"].to_list()),
            set(quarantine["incident_key"].to_list()))


def ledger_row_for(store: Path, submission_id: str) -> dict[str, Any] | None:
    """Return the ledger row of a stored submission, or None."""
    rows = (load_table(store, "submissions").filter(pl.col("submission_id") == submission_id)
            .collect())
    return rows.row(0, named=True) if rows.height else None


def check_not_ingested(store: Path, submission_id: str, records_sha256: str) -> bool:
    """True when this submission with this content is already stored (a duplicate).

    Raises
    ------
    SubmissionFault
        ``ingest-submission-id-conflict`` when the id was stored with other content.
    """
    row = ledger_row_for(store, submission_id)
    if row is None:
        return False
    if row["records_sha256"] != records_sha256:
        raise SubmissionFault("ingest-submission-id-conflict",
                              "this submission_id was already stored with a different records "
                              "file", pointer="/submission_id")
    return True


def _quarantine_row(c: Candidate, submission_id: str, now: datetime) -> dict[str, Any]:
    return {
        "incident_key": c.key, "record_id": c.record_id, "agency": c.record["agency"],
        "submission_id": submission_id, "record_index": c.index,
        "content_hash": c.content_hash, "reason_codes": ["ingest-residual-identifier"],
        "findings": c.findings, "record_json": canonical_json(c.record),
        "schema_version": c.record.get("schema_version"), "quarantined_at": now,
    }


def commit_submission(store: Path, *, manifest: dict[str, Any], outcome: Outcome,
                      candidates: list[Candidate], received_at: datetime,
                      file_names: dict[str, str]) -> dict[str, Any] | None:
    """De-duplicate the valid records against the store and commit, under the store lock.

    Returns the receipt (the stored one when a re-run finds it already written), or None
    when the submission turned out to be stored already (the caller answers ``duplicate``).

    Raises
    ------
    SubmissionFault
        The submission id was already stored with other content.
    """
    submission_id, agency = manifest["submission_id"], manifest["agency"]
    sha = outcome.records_sha256 or ""
    ingest_id = ingest_id_for(submission_id, sha)
    with store_lock(store):
        crash_point("before-commit")
        if check_not_ingested(store, submission_id, sha):
            return None  # another process stored it while this one was checking
        # A re-run replays the plan against the state the first run saw.
        inc_done = committed_by(store, "incidents", ingest_id)
        q_done = committed_by(store, "quarantine", ingest_id)
        inc_seen = commit_version(store, "incidents", ingest_id) if inc_done else None
        q_seen = commit_version(store, "quarantine", ingest_id) if q_done else None
        keys, hashes, qkeys = _stored_state(
            store, agency, None if inc_seen is None else inc_seen - 1,
            None if q_seen is None else q_seen - 1)
        plan = plan_records(candidates, keys, hashes, qkeys)
        if inc_seen is None and not plan.accepted and not plan.quarantined \
                and outcome.counts.rejected:
            raise _nothing_new(outcome, plan, manifest["records"]["file"])

        meta = {"nearmiss.submission_id": submission_id}
        if inc_seen is None:
            rows = [incident_to_row(c.record, submission_id=submission_id, ingested_at=received_at)
                    for c in plan.accepted]
            inc_seen = append_rows(store, "incidents", rows, ingest_id=ingest_id, metadata=meta)
        crash_point("after-incidents")

        if q_seen is None:
            q_rows = [_quarantine_row(c, submission_id, received_at) for c in plan.quarantined]
            touched = [c.key for c in plan.quarantined] + plan.released
            if touched:
                q_seen = replace_rows(store, "quarantine", "incident_key", touched, q_rows,
                                      ingest_id=ingest_id, metadata=meta)
        crash_point("after-quarantine")

        counts = outcome.counts
        counts.accepted = len(plan.accepted)
        counts.quarantined = len(plan.quarantined)
        counts.duplicate = len(plan.duplicate_issues)
        counts.released = len(plan.released)
        residual = [residual_issue(f).located(line=c.line, record=c.index,
                                              record_id=c.record_id)
                    for c in plan.quarantined for f in c.findings]
        records_file = manifest["records"]["file"]
        outcome.issues = sorted(
            [*outcome.issues,
             *(i.located(file=records_file) for i in [*plan.duplicate_issues, *residual])],
            key=lambda i: (-1 if i.record is None else i.record, i.line or 0))
        receipt = _stored_receipt(store, ingest_id)
        if receipt is None:
            status, code = decide_status(counts, outcome.issues)
            receipt = build_receipt(outcome, status=status, status_code=code,
                                    received_at=received_at, store_version=inc_seen,
                                    quarantine_version=q_seen, file_names=file_names)
            store_receipt(store, receipt, ingest_id=ingest_id)
        crash_point("after-receipt")

        if not committed_by(store, "submissions", ingest_id):
            append_rows(store, "submissions", [_ledger_row(manifest, receipt, ingest_id,
                                                           received_at)],
                        ingest_id=ingest_id, metadata=meta)
        crash_point("after-ledger")
    return receipt


def _nothing_new(outcome: Outcome, plan: Plan, records_file: str) -> SubmissionFault:
    """The fault of a submission whose valid records are all duplicates, the rest invalid.

    Nothing would be stored, so it is rejected (status -14, no ledger row) rather than
    "accepted with errors": its submission id stays free for the corrected records. The
    duplicate warnings stay in the receipt and its counts.
    """
    outcome.counts.duplicate = len(plan.duplicate_issues)
    fault = Issue("ingest-no-new-records", Severity.FATAL, "",
                  "no record can be stored: every record that passed validation is already "
                  "stored or repeated in this submission, and the others were rejected",
                  hint="correct the rejected records and send them again (the submission id "
                       "may be reused)")
    return SubmissionFault.from_issues(
        [fault, *(i.located(file=records_file) for i in plan.duplicate_issues)])


def _stored_receipt(store: Path, ingest_id: str) -> dict[str, Any] | None:
    if not committed_by(store, "receipts", ingest_id):
        return None
    rows = (load_table(store, "receipts").filter(pl.col("ingest_id") == ingest_id)
            .select("receipt_json").collect())
    return json.loads(rows.item(0, 0)) if rows.height else None


def store_receipt(store: Path, receipt: dict[str, Any], *, ingest_id: str | None) -> int:
    """Append one receipt to the ``receipts`` table (one commit); return its version."""
    row = {
        "receipt_id": receipt["receipt_id"], "ingest_id": ingest_id,
        "submission_id": receipt["submission_id"], "agency": receipt["agency"],
        "status": receipt["status"], "status_code": receipt["status_code"],
        "store_version": receipt["store_version"],
        "received_at": datetime.strptime(receipt["received_at"] + "+0000",
                                         "%Y-%m-%dT%H:%M:%SZ%z"),
        "receipt_json": json.dumps(receipt, ensure_ascii=False, sort_keys=True),
    }
    return append_rows(store, "receipts", [row], ingest_id=ingest_id)


def _ledger_row(manifest: dict[str, Any], receipt: dict[str, Any], ingest_id: str,
                now: datetime) -> dict[str, Any]:
    counts = receipt["counts"]
    return {
        "submission_id": manifest["submission_id"], "agency": manifest["agency"],
        "period_start": manifest["period"]["start"], "period_end": manifest["period"]["end"],
        "schema_version": manifest.get("incident_schema_version"),
        "records_file": manifest["records"]["file"],
        "records_sha256": receipt["records_sha256"], "ingest_id": ingest_id,
        "status": receipt["status"], "status_code": receipt["status_code"],
        "received": counts["received"], "accepted": counts["accepted"],
        "quarantined": counts["quarantined"], "duplicate": counts["duplicate"],
        "rejected": counts["rejected"], "incidents_version": receipt["store_version"],
        "ingested_at": now, "manifest_json": json.dumps(manifest, sort_keys=True),
    }
