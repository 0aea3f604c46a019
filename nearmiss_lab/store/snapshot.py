"""One consistent view of every table, named by a single ``incidents`` version.

A bulletin cites one number, the ``incidents`` table version it read, but it also reads the
ledger (coverage), the quarantine and the receipts (what was held back). Reading those at
their latest version would let a later ingest change an old bulletin, so
:func:`snapshot_versions` resolves, for an ``incidents`` version ``v``, the version of every
other table that belongs with it.

The rule follows the ingest's commit order (:mod:`nearmiss_lab.ingest.commit`): an ingest
commits ``incidents`` first, then ``quarantine``, ``receipts`` and last the ``submissions``
ledger, all under the store lock and each tagged with the ingest id. So the state "as of
``incidents`` v" is v's ingest *with its bookkeeping*, and nothing of a later ingest:

* a commit tagged with an ingest id belongs to ``v`` when that ingest's ``incidents`` commit
  is at or before ``v`` (no clock involved: a crashed ingest completed later by a re-run
  still lands on the right side);
* an untagged commit (a table's creation, the receipt of a rejected or duplicate
  submission, which the ingest writes outside the lock) belongs to ``v`` when it was
  committed no later than the last commit of v's ingest, and before the next ``incidents``
  commit. When ``v`` itself is untagged (a table written by hand), everything before the
  next ``incidents`` commit belongs to it.

Each table's version is the longest prefix of its history whose commits all belong to
``v`` (a Delta version holds every commit before it). Once the ingest that made ``v`` has
finished, the answer never changes, whatever is written later: that is what lets a bulletin
be rebuilt exactly from the version it cites. So the versions are resolved while no ingest
is committing (a shared lock on the writers' lock file, held for the few milliseconds it
takes to read the histories).

An ingest killed after its ``incidents`` commit leaves a version whose bookkeeping is still
to come until the next writer completes it from its journal
(:mod:`nearmiss_lab.ingest.journal`). Such an ingest is *incomplete* (an ``incidents``
commit whose tag has no ``submissions`` commit), and the *published* version
(:func:`published_version`) stops before the first incomplete one: the default of
:func:`snapshot_versions`, :func:`~nearmiss_lab.store.load_incidents` and
:func:`~nearmiss_lab.store.store_version`. A bulletin built during the gap therefore cites
a version that is complete, and rebuilding it after the recovery gives the same bulletin.
"""

from __future__ import annotations

import contextlib
import fcntl
import math
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass

from nearmiss_lab.store.schema import TABLES
from nearmiss_lab.store.tables import (
    INGEST_METADATA_KEY,
    LOCK_NAME,
    open_table,
    resolve_store,
    table_exists,
)

StorePath = str | os.PathLike[str] | None


@dataclass(frozen=True)
class Commit:
    """One Delta commit: its table version, commit time (ms since the epoch), ingest tag."""

    version: int
    timestamp: int
    ingest_id: str | None


def table_commits(store: StorePath, table: str) -> list[Commit]:
    """Every commit of ``table``, oldest first (empty when the table does not exist)."""
    if not table_exists(store, table):
        return []
    history = open_table(store, table).history()
    commits = [Commit(int(h["version"]), int(h.get("timestamp") or 0),
                      h.get(INGEST_METADATA_KEY)) for h in history]
    return sorted(commits, key=lambda c: c.version)


@contextlib.contextmanager
def no_commit_in_progress(store: StorePath, *, timeout: float = 600.0) -> Iterator[None]:
    """Wait until no ingest holds the store's writer lock, and keep it so while inside.

    A shared ``flock`` on the file the writers lock exclusively
    (:func:`~nearmiss_lab.store.tables.store_lock`): an ingest holds that lock across all its
    commits, so inside this block every ingest is either complete or not begun. Opens the
    file read-only and does nothing when it does not exist (no writer ever ran, or a
    read-only copy of a store).
    """
    try:
        fd = os.open(resolve_store(store) / LOCK_NAME, os.O_RDONLY)
    except OSError:
        yield
        return
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"an ingest into {store} held its lock for over "
                                       f"{timeout:.0f} s") from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)


def _incomplete(incidents: list[Commit], ledger: list[Commit]) -> list[Commit]:
    done = {c.ingest_id for c in ledger if c.ingest_id}
    return [c for c in incidents if c.ingest_id and c.ingest_id not in done]


def _published(incidents: list[Commit], ledger: list[Commit]) -> int:
    pending = _incomplete(incidents, ledger)
    return pending[0].version - 1 if pending else incidents[-1].version


def published_version(store: StorePath = None) -> int:
    """Return the latest ``incidents`` version whose ingests have all completed.

    An ingest is complete once its ledger row is written (the last of its commits). The
    latest version is the answer unless an ingest is committing right now or was killed
    after its ``incidents`` commit and not yet recovered; the answer is then the version
    just before that ingest's commit.

    Raises
    ------
    StoreNotFoundError
        The store has no ``incidents`` table.
    """
    # incidents first: a ledger commit read after it can only complete more of it
    incidents = table_commits(store, "incidents")
    if not incidents:
        open_table(store, "incidents")  # raises StoreNotFoundError with the usual message
    return _published(incidents, table_commits(store, "submissions"))


def incomplete_ingests(store: StorePath = None) -> list[dict[str, object]]:
    """Ingests with an ``incidents`` commit and no ledger row yet, oldest first.

    Each is ``{ingest_id, submission_id, incidents_version}``: an ingest committing right
    now, or one killed between its commits that the next writer (any ingest, or
    ``nearmiss store recover``) completes.
    """
    if not table_exists(store, "incidents"):
        return []
    history = {int(h["version"]): h for h in open_table(store, "incidents").history()}
    pending = _incomplete(table_commits(store, "incidents"), table_commits(store, "submissions"))
    return [{"ingest_id": c.ingest_id,
             "submission_id": history[c.version].get("nearmiss.submission_id"),
             "incidents_version": c.version} for c in pending]


def snapshot_versions(store: StorePath, incidents_version: int | None = None
                      ) -> dict[str, int | None]:
    """Return the version of every table that goes with one ``incidents`` version.

    Parameters
    ----------
    store : path, optional
        Store folder; default ``$NEARMISS_STORE``, else ``./store``.
    incidents_version : int, optional
        ``incidents`` version to pin; the published one (:func:`published_version`, the
        latest unless an ingest is incomplete) when None or negative.

    Returns
    -------
    dict
        ``{table: version}`` for every table of :data:`~nearmiss_lab.store.schema.TABLES`
        (``incidents`` first); None for a table that does not exist, or did not exist yet at
        that point.

    Raises
    ------
    StoreNotFoundError
        The store has no ``incidents`` table.
    ValueError
        ``incidents_version`` is not a version of the table.

    Examples
    --------
    >>> from nearmiss_lab.store import snapshot_versions                # doctest: +SKIP
    >>> snapshot_versions("store", 3)                                    # doctest: +SKIP
    {'incidents': 3, 'submissions': 3, 'quarantine': 1, 'receipts': 4}
    """
    with no_commit_in_progress(store):
        incidents = table_commits(store, "incidents")
        if not incidents:
            open_table(store, "incidents")  # raises StoreNotFoundError with the usual message
        others = {t: table_commits(store, t) for t in TABLES if t != "incidents"}
    latest = incidents[-1].version
    v = (_published(incidents, others["submissions"])
         if incidents_version is None or incidents_version < 0 else incidents_version)
    if v > latest:
        raise ValueError(f"incidents has versions 0..{latest}; version {v} does not exist")
    # Which incidents version each ingest landed at: the clock-free order of tagged commits.
    landed = {c.ingest_id: c.version for c in incidents if c.ingest_id}
    later = [c for c in incidents if c.version > v]
    next_ts = later[0].timestamp if later else math.inf
    own = next(c for c in incidents if c.version == v).ingest_id
    if own is None:
        cut = next_ts - 1
    else:
        own_ts = [c.timestamp for cs in (incidents, *others.values()) for c in cs
                  if c.ingest_id == own]
        cut = min(max(own_ts), next_ts - 1)

    def belongs(commit: Commit) -> bool:
        if commit.ingest_id is not None:
            return landed.get(commit.ingest_id, math.inf) <= v
        return commit.timestamp <= cut

    versions: dict[str, int | None] = {"incidents": v}
    for table, commits in others.items():
        resolved: int | None = None
        for commit in commits:
            if not belongs(commit):
                break
            resolved = commit.version
        versions[table] = resolved
    return versions
