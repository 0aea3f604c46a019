"""Reading the store: the researcher's one-liner, versions and a summary."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Any

import polars as pl

from nearmiss_lab.store.schema import TABLE_SCHEMAS, TABLES
from nearmiss_lab.store.tables import open_table, resolve_store, table_exists, table_path

_YEAR_MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")

StorePath = str | os.PathLike[str] | None


def _check_month(name: str, value: str | None) -> None:
    if value is not None and not _YEAR_MONTH.match(value):
        raise ValueError(f"{name} must be a year and month YYYY-MM")


def load_table(store: StorePath = None, table: str = "incidents", *,
               version: int | None = None) -> pl.LazyFrame:
    """Return one store table as a polars LazyFrame, optionally as of an older version.

    Parameters
    ----------
    store : path, optional
        Store folder; default ``$NEARMISS_STORE``, else ``./store``.
    table : str
        ``incidents``, ``submissions``, ``quarantine`` or ``receipts``.
    version : int, optional
        Delta table version to read (time travel); latest when None.
    """
    dt = open_table(store, table)
    if version is not None:
        latest = int(dt.version())
        if not 0 <= version <= latest:
            raise ValueError(f"{table} has versions 0..{latest}; version {version} does not exist")
    lf = pl.scan_delta(str(table_path(store, table)), version=version)
    return lf.select(list(TABLE_SCHEMAS[table]))


def load_incidents(
    store: StorePath = None,
    *,
    since: str | None = None,
    until: str | None = None,
    agencies: Sequence[str] | None = None,
    version: int | None = None,
) -> pl.LazyFrame:
    """Load de-identified incidents as a polars LazyFrame: the researcher's one-liner.

    Parameters
    ----------
    store : path, optional
        Store folder; default ``$NEARMISS_STORE``, else ``./store``.
    since, until : str, optional
        Inclusive bounds ``YYYY-MM`` on ``occurred_month``.
    agencies : sequence of str, optional
        Keep only these agency pseudonyms.
    version : int, optional
        Version of the ``incidents`` table to read. Reading at a version returns exactly the
        rows that version held, so a bulletin that names its version can be rebuilt.

    Returns
    -------
    polars.LazyFrame
        Columns of :data:`~nearmiss_lab.store.schema.INCIDENTS_SCHEMA`: every incident field
        flattened (``officer_role``, ``lighting``, ``factors`` as a list of structs
        ``{code, source, confidence, evidence}``, ``deid_entities`` as JSON), plus
        ``incident_key``, ``submission_id``, ``ingested_at`` and ``content_hash``.
        Quarantined records are never included.

    Examples
    --------
    >>> from nearmiss_lab.store import load_incidents                     # doctest: +SKIP
    >>> load_incidents("store", since="2024-01", agencies=["AG-NORTH"]).collect()  # doctest: +SKIP
    """
    _check_month("since", since)
    _check_month("until", until)
    lf = load_table(store, "incidents", version=version)
    if since is not None:
        lf = lf.filter(pl.col("occurred_month") >= since)
    if until is not None:
        lf = lf.filter(pl.col("occurred_month") <= until)
    if agencies is not None:
        lf = lf.filter(pl.col("agency").is_in(list(agencies)))
    return lf


def store_version(store: StorePath = None, table: str = "incidents") -> int:
    """Return the latest version of ``table`` (the number a receipt or bulletin cites)."""
    return int(open_table(store, table).version())


def _table_summary(store: StorePath, table: str) -> dict[str, Any]:
    if not table_exists(store, table):
        return {"exists": False, "version": None, "rows": 0}
    dt = open_table(store, table)
    version = int(dt.version())
    rows = load_table(store, table).select(pl.len()).collect().item()
    history = dt.history(1)
    updated = history[0].get("timestamp") if history else None
    return {"exists": True, "version": version, "rows": int(rows), "updated_ms": updated}


def store_info(store: StorePath = None) -> dict[str, Any]:
    """Summarise the store: tables with versions and row counts, agencies and periods.

    Returns
    -------
    dict
        ``{"store": path, "tables": {name: {exists, version, rows, updated_ms}},
        "agencies": [{agency, incidents, submissions, first_month, last_month}],
        "periods": {first, last, months}, "statuses": {status: submissions}}``.
        Counts and pseudonyms only, never incident text.
    """
    root = resolve_store(store)
    if not root.is_dir():
        from nearmiss_lab.store.tables import StoreNotFoundError

        raise StoreNotFoundError(f"store folder {root} does not exist")
    info: dict[str, Any] = {"store": str(root), "tables": {}}
    for table in TABLES:
        info["tables"][table] = _table_summary(root, table)

    per_agency: dict[str, dict[str, Any]] = {}
    periods: dict[str, Any] = {"first": None, "last": None, "months": 0}
    if info["tables"]["incidents"]["exists"]:
        inc = (
            load_table(root, "incidents")
            .group_by("agency")
            .agg(
                pl.len().alias("incidents"),
                pl.col("occurred_month").min().alias("first_month"),
                pl.col("occurred_month").max().alias("last_month"),
            )
            .collect()
        )
        for row in inc.iter_rows(named=True):
            per_agency[row["agency"]] = {**row, "submissions": 0}
        months = (
            load_table(root, "incidents").select(pl.col("occurred_month").unique()).collect()
        )["occurred_month"].drop_nulls().sort()
        if len(months):
            periods = {"first": months[0], "last": months[-1], "months": len(months)}
    statuses: dict[str, int] = {}
    if info["tables"]["submissions"]["exists"]:
        sub = load_table(root, "submissions").collect()
        for row in sub.group_by("agency").agg(pl.len().alias("n")).iter_rows(named=True):
            entry = per_agency.setdefault(
                row["agency"],
                {"agency": row["agency"], "incidents": 0, "first_month": None, "last_month": None},
            )
            entry["submissions"] = int(row["n"])
        for row in sub.group_by("status").agg(pl.len().alias("n")).iter_rows(named=True):
            statuses[row["status"]] = int(row["n"])
    info["agencies"] = [per_agency[a] for a in sorted(per_agency)]
    info["periods"] = periods
    info["statuses"] = dict(sorted(statuses.items()))
    return info
