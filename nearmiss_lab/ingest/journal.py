"""The recovery journal: what an ingest has decided and still has to commit, kept on disk.

Delta Lake commits one table at a time, so an ingest is four commits and a process can die
between any two. The ingest therefore decides everything first, under the store lock: which
records are accepted, quarantined, released or duplicates, the receipt and the ledger row.
It writes that decision to ``<store>/_pending/<id>.json`` (a temporary file, fsync, rename:
the journal is there whole or not at all) and only then commits ``incidents``. The
``incidents`` commit is the commit point:

* a journal whose ingest has **no** ``incidents`` commit is discarded: nothing of it was
  ever visible, and running the ingest again plans it afresh;
* a journal whose ingest **has** its ``incidents`` commit is rolled forward: the quarantine,
  receipt and ledger commits it names are made (each skipped when the table already holds
  the ingest's tag), then the journal is removed.

Every writer recovers every journal at the start of its critical section
(:func:`recover_pending`, called by :func:`nearmiss_lab.ingest.commit.commit_submission`
and ``nearmiss store recover``). Since the lock is held across all of an ingest's commits,
a journal found by the lock holder belongs to a dead process, and no other ingest can
commit between a crash and its recovery: the store ends in the state of the same ingests
run one after the other without the crash, whatever settings the re-run is given.

The journal holds the quarantined records themselves (the quarantine rows it will write),
so it is created readable by its owner only, lives inside the store folder like the
quarantine table, and is removed as soon as the ledger row is written.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

from nearmiss_lab.store.read import load_table
from nearmiss_lab.store.tables import (
    PENDING_DIR,
    append_rows,
    commit_version,
    committed_by,
    replace_rows,
    store_lock,
)

JOURNAL_VERSION = 1

#: Fault injection for the crash-safety tests: the ingest SIGKILLs itself at this point.
CRASH_ENV = "NEARMISS_INGEST_CRASH_AT"
CRASH_POINTS = ("before-commit", "after-journal", "after-incidents", "after-quarantine",
                "after-receipt", "after-ledger")


def crash_point(name: str) -> None:
    """Kill this process (SIGKILL, no clean-up) when ``$NEARMISS_INGEST_CRASH_AT == name``."""
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


class IncompleteIngestError(RuntimeError):
    """An ingest committed its incidents but its recovery journal is missing.

    Only a store written by a release without journals (or a journal removed by hand) gets
    here: the ingest cannot be completed safely, and nothing more is written for it.
    """


def _timestamp(value: datetime) -> str:
    return value.isoformat()


@dataclass
class Journal:
    """One ingest's decision: everything its remaining commits need.

    Attributes
    ----------
    ingest_id : str
        The tag of every commit of the ingest.
    manifest : dict
        The submission's manifest (the ledger row is built from it).
    received_at : datetime
        Time of the first attempt (receipt, rows and ledger keep it on a re-run).
    quarantine_rows : list of dict
        New quarantine rows, without ``quarantined_at`` (``received_at`` is used).
    touched_keys : list of str
        Keys the quarantine commit replaces: the new rows' and the released ones'.
    receipt : dict
        The receipt without ``store_version`` / ``quarantine_version`` (known once the
        commits are made).
    """

    ingest_id: str
    manifest: dict[str, Any]
    received_at: datetime
    quarantine_rows: list[dict[str, Any]]
    touched_keys: list[str]
    receipt: dict[str, Any]

    def to_json(self) -> str:
        return json.dumps({
            "journal_version": JOURNAL_VERSION, "ingest_id": self.ingest_id,
            "manifest": self.manifest, "received_at": _timestamp(self.received_at),
            "quarantine_rows": self.quarantine_rows, "touched_keys": self.touched_keys,
            "receipt": self.receipt,
        }, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Journal:
        data = json.loads(text)
        if data.get("journal_version") != JOURNAL_VERSION:
            raise IncompleteIngestError("a recovery journal of an unknown version is pending; "
                                        "complete it with the release that wrote it")
        return cls(ingest_id=data["ingest_id"], manifest=data["manifest"],
                   received_at=datetime.fromisoformat(data["received_at"]),
                   quarantine_rows=data["quarantine_rows"], touched_keys=data["touched_keys"],
                   receipt=data["receipt"])


def journal_path(store: Path, ingest_id: str) -> Path:
    """Where the journal of ``ingest_id`` lives (a digest: ingest ids hold ``:``)."""
    digest = hashlib.sha256(ingest_id.encode("utf-8")).hexdigest()[:32]
    return store / PENDING_DIR / f"{digest}.json"


def write_journal(store: Path, journal: Journal) -> Path:
    """Write the journal durably and atomically (temporary file, fsync, rename, fsync dir)."""
    path = journal_path(store, journal.ingest_id)
    path.parent.mkdir(exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, journal.to_json().encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    _fsync_dir(path.parent)
    return path


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def pending_journals(store: Path) -> list[Journal]:
    """Every journal in the store, oldest first (by the time its ingest was received)."""
    folder = store / PENDING_DIR
    if not folder.is_dir():
        return []
    journals = [Journal.from_json(p.read_text(encoding="utf-8"))
                for p in sorted(folder.glob("*.json"))]
    return sorted(journals, key=lambda j: (j.received_at, j.ingest_id))


def _remove(store: Path, ingest_id: str) -> None:
    path = journal_path(store, ingest_id)
    path.unlink(missing_ok=True)
    _fsync_dir(path.parent)


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


def ledger_row(manifest: dict[str, Any], receipt: dict[str, Any], ingest_id: str,
               now: datetime) -> dict[str, Any]:
    """The ``submissions`` row of a stored submission (written last, from its receipt)."""
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


def complete_journal(store: Path, journal: Journal, *,
                     accepted_rows: list[dict[str, Any]] | None = None,
                     ) -> dict[str, Any] | None:
    """Make the commits ``journal`` still lacks, in the ingest's order; return the receipt.

    Must be called under the store lock. ``accepted_rows`` are given by the ingest that
    wrote the journal (its first attempt); recovery passes None, and a journal whose
    ``incidents`` commit is missing is then discarded (None is returned).
    """
    iid = journal.ingest_id
    meta = {"nearmiss.submission_id": journal.manifest["submission_id"]}
    inc_version = commit_version(store, "incidents", iid)
    if inc_version is None:
        if accepted_rows is None:
            _remove(store, iid)  # died before its commit point: nothing was ever visible
            return None
        inc_version = append_rows(store, "incidents", accepted_rows, ingest_id=iid,
                                  metadata=meta)
    crash_point("after-incidents")

    q_version = commit_version(store, "quarantine", iid)
    if q_version is None and journal.touched_keys:
        rows = [{**row, "quarantined_at": journal.received_at}
                for row in journal.quarantine_rows]
        q_version = replace_rows(store, "quarantine", "incident_key", journal.touched_keys,
                                 rows, ingest_id=iid, metadata=meta)
    crash_point("after-quarantine")

    receipt = _stored_receipt(store, iid)
    if receipt is None:
        receipt = {**journal.receipt, "store_version": inc_version,
                   "quarantine_version": q_version}
        store_receipt(store, receipt, ingest_id=iid)
    crash_point("after-receipt")

    if not committed_by(store, "submissions", iid):
        append_rows(store, "submissions",
                    [ledger_row(journal.manifest, receipt, iid, journal.received_at)],
                    ingest_id=iid, metadata=meta)
    _remove(store, iid)
    crash_point("after-ledger")
    return receipt


@dataclass(frozen=True)
class Recovered:
    """What recovery did with one journal: ``completed`` (receipt given) or ``discarded``."""

    ingest_id: str
    submission_id: str
    outcome: str
    receipt: dict[str, Any] | None


def recover_pending(store: Path) -> list[Recovered]:
    """Complete or discard every journal in the store; the caller holds the store lock.

    A journal whose ledger row was already written (the process died
    while removing it) is only removed, and reported as ``completed`` with no receipt.
    """
    for stale in (store / PENDING_DIR).glob("*.tmp"):
        stale.unlink(missing_ok=True)  # a writer died before its rename: never a journal
    done = []
    for journal in pending_journals(store):
        iid = journal.ingest_id
        sid = journal.manifest["submission_id"]
        if committed_by(store, "submissions", iid):
            _remove(store, iid)
            done.append(Recovered(iid, sid, "completed", None))
            continue
        receipt = complete_journal(store, journal)
        done.append(Recovered(iid, sid, "discarded" if receipt is None else "completed",
                              receipt))
    return done


def check_no_orphan(store: Path, ingest_id: str) -> None:
    """Raise :class:`IncompleteIngestError` when ``ingest_id`` has incidents but no journal.

    Called after recovery, so a journal of this ingest would have been completed already.
    """
    if committed_by(store, "incidents", ingest_id) and not committed_by(
            store, "submissions", ingest_id):
        raise IncompleteIngestError(
            "this submission's earlier ingest committed its incidents but left no recovery "
            "journal (a store written by an older release?); it cannot be completed safely")


def recover_store(store: Path) -> list[Recovered]:
    """Take the store lock and recover every pending journal (``nearmiss store recover``)."""
    with store_lock(store):
        return recover_pending(store)
