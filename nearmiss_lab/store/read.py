"""Reading the store: the researcher's one-liner, versions and a summary."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Any

import polars as pl

from nearmiss_lab.months import month_range
from nearmiss_lab.store.schema import TABLE_SCHEMAS, TABLES
from nearmiss_lab.store.tables import open_table, resolve_store, table_exists, table_path

_YEAR_MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")
# Characters a file URL carries as they are: paths made only of these read through polars.
_URL_PLAIN = re.compile(r"^[A-Za-z0-9/._~-]*$")

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
    path = table_path(store, table)
    if _URL_PLAIN.match(str(path.absolute())):
        lf = pl.scan_delta(str(path), version=version)
    else:
        # polars' Delta reader percent-encodes the data files' paths and then opens them as
        # written ("my store" -> "my%20store": file not found), so a store under a folder
        # with a space, '%' or '<' in its name is read through deltalake's own dataset.
        if version is not None:
            dt.load_as_version(version)
        lf = pl.scan_pyarrow_dataset(dt.to_pyarrow_dataset()).cast(
            TABLE_SCHEMAS[table], strict=False)
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
        rows that version held, so a bulletin that names its version can be rebuilt. When
        None, the published version (:func:`~nearmiss_lab.store.snapshot.published_version`):
        the latest, except that an ingest still committing, or killed between its commits
        and not yet recovered, is not seen until its ledger row is written.

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
    from nearmiss_lab.store.snapshot import published_version

    _check_month("since", since)
    _check_month("until", until)
    if version is None:
        version = published_version(store)
    lf = load_table(store, "incidents", version=version)
    if since is not None:
        lf = lf.filter(pl.col("occurred_month") >= since)
    if until is not None:
        lf = lf.filter(pl.col("occurred_month") <= until)
    if agencies is not None:
        lf = lf.filter(pl.col("agency").is_in(list(agencies)))
    return lf


def store_version(store: StorePath = None, table: str = "incidents") -> int:
    """Return the version of ``table`` a reader should cite (a receipt, a bulletin).

    The latest version, except for ``incidents``: its published version
    (:func:`~nearmiss_lab.store.snapshot.published_version`), which leaves out an ingest
    whose ledger row is not written yet. ``store_info`` shows both.
    """
    if table == "incidents":
        from nearmiss_lab.store.snapshot import published_version

        return published_version(store)
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
        "published_version": int, "incomplete_ingests": [{ingest_id, submission_id,
        incidents_version}], "pending_journals": int,
        "agencies": [{agency, incidents, submissions, first_month, last_month}],
        "periods": {first, last, months, zero_report_months}, "statuses": {status: n}}``.
        Tables are described as they are; agencies and periods as readers see them (the
        published incidents, the ledger). ``periods`` spans the months with incidents and
        the months of zero-record submissions (``months`` counts the former,
        ``zero_report_months`` lists the latter). Counts and pseudonyms only, never text.
    """
    from nearmiss_lab.store.snapshot import incomplete_ingests, published_version
    from nearmiss_lab.store.tables import PENDING_DIR

    root = resolve_store(store)
    if not root.is_dir():
        from nearmiss_lab.store.tables import StoreNotFoundError

        raise StoreNotFoundError(f"store folder {root} does not exist")
    info: dict[str, Any] = {"store": str(root), "tables": {}}
    for table in TABLES:
        info["tables"][table] = _table_summary(root, table)
    pending = root / PENDING_DIR
    info["pending_journals"] = len(list(pending.glob("*.json"))) if pending.is_dir() else 0

    per_agency: dict[str, dict[str, Any]] = {}
    incident_months: list[str] = []
    info["published_version"] = None
    info["incomplete_ingests"] = []
    if info["tables"]["incidents"]["exists"]:
        info["published_version"] = published_version(root)
        info["incomplete_ingests"] = incomplete_ingests(root)
        published = load_table(root, "incidents", version=info["published_version"])
        inc = (
            published.group_by("agency")
            .agg(
                pl.len().alias("incidents"),
                pl.col("occurred_month").min().alias("first_month"),
                pl.col("occurred_month").max().alias("last_month"),
            )
            .collect()
        )
        for row in inc.iter_rows(named=True):
            per_agency[row["agency"]] = {**row, "submissions": 0}
        incident_months = (published.select(pl.col("occurred_month").unique()).collect()
                           )["occurred_month"].drop_nulls().to_list()
    statuses: dict[str, int] = {}
    zero_months: set[str] = set()
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
        zeros = sub.filter(pl.col("received") == 0).select("period_start", "period_end")
        for start, end in zeros.iter_rows():
            if start and end and _YEAR_MONTH.match(start) and _YEAR_MONTH.match(end):
                zero_months.update(month_range(start, end))
    months = sorted(set(incident_months) | zero_months)
    info["agencies"] = [per_agency[a] for a in sorted(per_agency)]
    info["periods"] = {"first": months[0] if months else None,
                       "last": months[-1] if months else None,
                       "months": len(set(incident_months)),
                       "zero_report_months": sorted(zero_months)}
    info["statuses"] = dict(sorted(statuses.items()))
    return info
