"""De-duplicate and commit one checked submission: the only part that holds the store lock.

Under the lock an ingest first recovers every interrupted ingest
(:mod:`nearmiss_lab.ingest.journal`), then plans against the store as it is, writes its
decision to a recovery journal and makes its commits, each tagged with the ingest id:

1. ``incidents``  the accepted rows (an empty commit when none): the commit point, where
   the data becomes visible and after which the ingest is always completed, never undone;
2. ``quarantine`` new quarantined records, and corrected records' old versions released;
3. ``receipts``   the receipt;
4. ``submissions`` the ledger row, last: only a submission with a ledger row is "already
   ingested". Readers of the published view (:func:`nearmiss_lab.store.load_incidents`)
   see an ingest's rows only from then on.

A process killed before the ``incidents`` commit leaves nothing (its journal is discarded);
killed after it, the next writer -- the same ingest run again, any other ingest, or
``nearmiss store recover`` -- makes the remaining commits exactly as the journal says,
whatever scan settings the re-run was given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

from nearmiss_lab.ingest.checks import Candidate, residual_issue
from nearmiss_lab.ingest.files import SubmissionFault
from nearmiss_lab.ingest.journal import (
    CRASH_ENV,
    CRASH_POINTS,
    Journal,
    check_no_orphan,
    complete_journal,
    crash_point,
    ledger_row,
    recover_pending,
    store_receipt,
    write_journal,
)
from nearmiss_lab.ingest.receipt import Outcome, build_receipt, decide_status
from nearmiss_lab.issues import Issue, Severity
from nearmiss_lab.store.read import load_table
from nearmiss_lab.store.schema import canonical_json, incident_to_row
from nearmiss_lab.store.tables import store_lock

__all__ = ["CRASH_ENV", "CRASH_POINTS", "commit_submission", "crash_point", "ledger_row",
           "store_receipt"]


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


def _stored_state(store: Path, agency: str) -> tuple[set[str], set[str], set[str]]:
    inc = (load_table(store, "incidents").filter(pl.col("agency") == agency)
           .select("incident_key", "content_hash").collect())
    quarantine = (load_table(store, "quarantine").filter(pl.col("agency") == agency)
                  .select("incident_key").collect())
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


def _quarantine_row(c: Candidate, submission_id: str) -> dict[str, Any]:
    # JSON-ready (it goes to the journal); quarantined_at is added when it is committed.
    return {
        "incident_key": c.key, "record_id": c.record_id, "agency": c.record["agency"],
        "submission_id": submission_id, "record_index": c.index,
        "content_hash": c.content_hash, "reason_codes": ["ingest-residual-identifier"],
        "findings": c.findings, "record_json": canonical_json(c.record),
        "schema_version": c.record.get("schema_version"),
    }


def commit_submission(store: Path, *, manifest: dict[str, Any], outcome: Outcome,
                      candidates: list[Candidate], received_at: datetime,
                      file_names: dict[str, str], scan_skipped: bool = False
                      ) -> dict[str, Any] | None:
    """De-duplicate the valid records against the store and commit, under the store lock.

    Returns the receipt (the first attempt's when an earlier, interrupted attempt of this
    ingest passed its commit point), or None when the submission turned out to be stored
    already (the caller answers ``duplicate``).

    ``scan_skipped`` is True when the caller skipped the residual scan because this ingest
    had already committed its incidents: it is then completed from its journal, and planning
    the unscanned records is refused.

    Raises
    ------
    SubmissionFault
        The submission id was already stored with other content, or nothing new to store.
    IncompleteIngestError
        An earlier attempt committed incidents and left no journal (see
        :func:`nearmiss_lab.ingest.journal.check_no_orphan`).
    """
    submission_id, agency = manifest["submission_id"], manifest["agency"]
    sha = outcome.records_sha256 or ""
    ingest_id = ingest_id_for(submission_id, sha)
    with store_lock(store):
        crash_point("before-commit")
        # Dead ingests first: no commit of this one may come between a crash and its
        # completion, or it would plan against a store the dead ingest still changes.
        for done in recover_pending(store):
            if done.ingest_id == ingest_id and done.receipt is not None:
                return done.receipt  # completed as the first attempt decided
        if check_not_ingested(store, submission_id, sha):
            return None  # another process stored it while this one was checking
        check_no_orphan(store, ingest_id)
        if scan_skipped:
            raise RuntimeError("the residual scan was skipped for an ingest that has to be "
                               "planned; run it again")
        keys, hashes, qkeys = _stored_state(store, agency)
        plan = plan_records(candidates, keys, hashes, qkeys)
        if not plan.accepted and not plan.quarantined and outcome.counts.rejected:
            raise _nothing_new(outcome, plan, manifest["records"]["file"])

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
        status, code = decide_status(counts, outcome.issues)
        journal = Journal(
            ingest_id=ingest_id, manifest=manifest, received_at=received_at,
            quarantine_rows=[_quarantine_row(c, submission_id) for c in plan.quarantined],
            touched_keys=[c.key for c in plan.quarantined] + plan.released,
            receipt=build_receipt(outcome, status=status, status_code=code,
                                  received_at=received_at, store_version=None,
                                  file_names=file_names))
        write_journal(store, journal)
        crash_point("after-journal")
        rows = [incident_to_row(c.record, submission_id=submission_id, ingested_at=received_at)
                for c in plan.accepted]
        receipt = complete_journal(store, journal, accepted_rows=rows)
    assert receipt is not None  # accepted_rows given: the journal is never discarded
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
