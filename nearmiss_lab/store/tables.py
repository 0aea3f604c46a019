"""Opening, creating, locking and writing the store's Delta tables.

Every write here is exactly one Delta commit. Writes made on behalf of an ingest carry a Delta
*application transaction* (``app_id`` = the ingest id) so that a re-run after a crash can ask
each table "did this ingest already commit here?" and skip what is done: that is what makes an
interrupted ingest complete exactly once.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl

from nearmiss_lab.config import Settings
from nearmiss_lab.store.schema import TABLE_SCHEMAS, TABLES

LOCK_NAME = "_nearmiss.lock"
# Recovery journals of ingests between their commits (nearmiss_lab.ingest.journal).
PENDING_DIR = "_pending"
# Commit-info key naming the ingest that made a commit (to find "the version it landed at").
INGEST_METADATA_KEY = "nearmiss.ingest_id"


class StoreNotFoundError(FileNotFoundError):
    """The store folder (or one of its tables) does not exist."""


class StorePathError(StoreNotFoundError):
    """The store's path holds a character the Delta Lake library reads as part of a URL."""


def resolve_store(store: str | os.PathLike[str] | None) -> Path:
    """Return the store folder: ``store`` if given, else ``$NEARMISS_STORE``, else ``./store``.

    Raises
    ------
    StorePathError
        The path holds ``#`` or ``?``: deltalake takes the table path as a URL, and its commit
        history then reads empty, which would make every version the store cites unfindable.
    """
    path = Path(store) if store is not None else Settings.from_env().store
    if not {"#", "?"}.isdisjoint(str(path.absolute())):
        raise StorePathError(
            f"store path {path} holds '#' or '?', which the Delta Lake library reads as part of "
            "a URL; choose a folder without them")
    return path


def table_path(store: str | os.PathLike[str] | None, table: str) -> Path:
    """Return the folder of one table inside the store."""
    if table not in TABLE_SCHEMAS:
        raise ValueError(f"unknown table {table!r}; the store has {', '.join(TABLES)}")
    return resolve_store(store) / table


def table_exists(store: str | os.PathLike[str] | None, table: str) -> bool:
    """True when ``table`` has a Delta log in the store."""
    return (table_path(store, table) / "_delta_log").is_dir()


# Bulletins cite table versions and are rebuilt by reading those versions again, so the
# commit log must outlive Delta's default 30-day retention: a checkpoint would otherwise
# delete old log files and with them the ability to read old versions. Never VACUUM a store.
TABLE_CONFIGURATION = {
    "delta.enableExpiredLogCleanup": "false",
    "delta.logRetentionDuration": "interval 36500 days",
    "delta.deletedFileRetentionDuration": "interval 36500 days",
}


def init_store(store: str | os.PathLike[str] | None = None) -> Path:
    """Create the store folder and any missing table (empty, version 0); return the folder.

    Safe to call concurrently and repeatedly: creation happens under the store lock and
    existing tables are left untouched.
    """
    root = resolve_store(store)
    if all(table_exists(root, t) for t in TABLES):
        return root
    root.mkdir(parents=True, exist_ok=True)
    with store_lock(root):
        for table in TABLES:
            if not table_exists(root, table):
                pl.DataFrame(schema=TABLE_SCHEMAS[table]).write_delta(
                    table_path(root, table),
                    mode="error",
                    delta_write_options={"configuration": dict(TABLE_CONFIGURATION)},
                )
    return root


@contextlib.contextmanager
def store_lock(store: str | os.PathLike[str] | None, *, timeout: float = 600.0) -> Iterator[None]:
    """Hold the store's exclusive writer lock (an ``flock`` on ``<store>/_nearmiss.lock``).

    Why a lock rather than Delta's optimistic retries: two appends never conflict in Delta,
    so two ingests carrying the same record would both "succeed" and store it twice. The
    duplicate check and the commits must be one critical section. ``flock`` is released by the
    kernel when the holder dies (even by SIGKILL), so a crash never leaves a stale lock.
    Readers never take it: Delta snapshots are consistent on their own.
    """
    root = resolve_store(store)
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"store {root} is locked by another writer") from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the flock


def open_table(store: str | os.PathLike[str] | None, table: str) -> Any:
    """Return the ``deltalake.DeltaTable`` of one table (raises :class:`StoreNotFoundError`)."""
    from deltalake import DeltaTable

    path = table_path(store, table)
    if not table_exists(store, table):
        raise StoreNotFoundError(
            f"no {table!r} table in store {resolve_store(store)} (ingest a submission first, "
            "or pass --store / set NEARMISS_STORE)"
        )
    return DeltaTable(str(path))


def _commit_properties(ingest_id: str | None, metadata: dict[str, Any] | None) -> Any:
    from deltalake import CommitProperties, Transaction

    custom = dict(metadata or {})
    if ingest_id is None:
        return CommitProperties(custom_metadata=custom or None)
    custom[INGEST_METADATA_KEY] = ingest_id
    return CommitProperties(custom_metadata=custom, app_transactions=[Transaction(ingest_id, 1)])


def committed_by(store: str | os.PathLike[str] | None, table: str, ingest_id: str) -> bool:
    """True when ``ingest_id`` already made its commit in ``table``."""
    return open_table(store, table).transaction_version(ingest_id) is not None


def commit_version(store: str | os.PathLike[str] | None, table: str, ingest_id: str) -> int | None:
    """Return the table version made by ``ingest_id``'s commit, or None when there is none."""
    for entry in open_table(store, table).history():
        if entry.get(INGEST_METADATA_KEY) == ingest_id:
            return int(entry["version"])
    return None


def append_rows(
    store: str | os.PathLike[str] | None,
    table: str,
    rows: list[dict[str, Any]] | pl.DataFrame,
    *,
    ingest_id: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> int:
    """Append rows to ``table`` in one Delta commit and return the new table version.

    Parameters
    ----------
    store : path or None
        Store folder (default location when None).
    table : str
        One of :data:`~nearmiss_lab.store.schema.TABLES`.
    rows : list of dict or polars.DataFrame
        Rows with the table's columns; cast to the table schema.
    ingest_id : str, optional
        When given, the commit records it as a Delta application transaction, so
        :func:`committed_by` can tell later that it happened.
    metadata : dict, optional
        Extra commit-info entries (JSON values).
    """
    df = rows if isinstance(rows, pl.DataFrame) else pl.DataFrame(
        rows, schema=TABLE_SCHEMAS[table]
    )
    df = df.select(list(TABLE_SCHEMAS[table])).cast(TABLE_SCHEMAS[table])
    df.write_delta(
        table_path(store, table),
        mode="append",
        delta_write_options={"commit_properties": _commit_properties(ingest_id, metadata)},
    )
    return int(open_table(store, table).version())


def replace_rows(
    store: str | os.PathLike[str] | None,
    table: str,
    key_column: str,
    keys: list[str],
    rows: list[dict[str, Any]],
    *,
    ingest_id: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> int:
    """Replace every row whose ``key_column`` is in ``keys`` by ``rows``, in one commit.

    A Delta "replace where": rows of matching keys without a new row are deleted, so one
    commit both stores new quarantined records and releases corrected ones.
    """
    if not keys:
        return int(open_table(store, table).version())
    df = pl.DataFrame(rows, schema=TABLE_SCHEMAS[table])
    extra = set(df[key_column].to_list()) - set(keys)
    if extra:
        raise ValueError("every replacement row's key must be among the replaced keys")
    # Keys come from validated record ids and agency pseudonyms (no quotes possible), but
    # quote-escape anyway: the predicate is SQL text.
    listed = ", ".join("'" + k.replace("'", "''") + "'" for k in sorted(set(keys)))
    df.write_delta(
        table_path(store, table),
        mode="overwrite",
        delta_write_options={
            "predicate": f"{key_column} IN ({listed})",
            "commit_properties": _commit_properties(ingest_id, metadata),
        },
    )
    return int(open_table(store, table).version())
