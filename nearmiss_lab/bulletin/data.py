"""What one bulletin is computed from: incidents, the ledger, what was held back, the network.

:func:`load_bulletin_data` reads a store at one pinned ``incidents`` version and every other
table at the version that goes with it (:func:`nearmiss_lab.store.snapshot_versions`), so
every section of a bulletin sees one consistent state and the version it cites rebuilds it
exactly, whatever was ingested since; :func:`bulletin_data` does the same from frames already
in memory, which is what the tests use.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from nearmiss_lab.bulletin.params import LATEST, PERIOD_RE, SAMPLE
from nearmiss_lab.bulletin.suppression import check_k

# Re-exported: the bulletin computes its windows with them (nearmiss_lab.bulletin.shift_month).
from nearmiss_lab.months import month_range as month_range
from nearmiss_lab.months import shift_month as shift_month


@dataclass
class BulletinData:
    """Inputs of every bulletin section.

    Attributes
    ----------
    period : str
        The bulletin's month, ``YYYY-MM``.
    baseline : list of str
        The months before ``period`` that form the baseline window.
    incidents : polars.DataFrame
        Store rows of the baseline window and the period (store ``incidents`` columns).
    submissions : polars.DataFrame
        The submissions ledger (store ``submissions`` columns).
    network : NetworkResult
        :func:`nearmiss_lab.network.analyse` of the period against the baseline.
    k, min_count, fdr, baseline_months : parameters of the run.
    versions : dict
        Version of every table read (``incidents``, ``submissions``, ``quarantine``,
        ``receipts``; None for a table that did not exist), empty for in-memory frames.
    store : str
        Name of the store folder (its last path component, never the full path).
    quarantined : polars.DataFrame
        ``agency`` and ``occurred_month`` of each record in quarantine (nothing else of it).
    rejected : polars.DataFrame
        Submissions rejected outright (:func:`~nearmiss_lab.bulletin.coverage.
        rejected_submissions`).
    """

    period: str
    baseline: list[str]
    incidents: pl.DataFrame
    submissions: pl.DataFrame
    network: Any
    k: int
    min_count: int
    fdr: float
    baseline_months: int
    versions: dict[str, int | None] = field(default_factory=dict)
    store: str = ""
    quarantined: pl.DataFrame = field(default_factory=pl.DataFrame)
    rejected: pl.DataFrame = field(default_factory=pl.DataFrame)

    @property
    def period_incidents(self) -> pl.DataFrame:
        """Rows whose ``occurred_month`` is the bulletin's period."""
        return self.incidents.filter(pl.col("occurred_month") == self.period)

    @property
    def parameters(self) -> dict[str, Any]:
        """The run's parameters as they are cited in the provenance block."""
        return {
            "period": self.period, "baseline_months": self.baseline_months,
            "min_count": self.min_count, "fdr": self.fdr, "k": self.k,
        }


def data_hash(incidents: pl.DataFrame) -> str:
    """sha256 over the sorted ``(incident_key, content_hash)`` pairs a bulletin read.

    Two bulletins with the same hash were computed from the same incidents, whatever the
    store's physical layout.
    """
    if incidents.is_empty():
        return hashlib.sha256(b"").hexdigest()
    cols = [c for c in ("incident_key", "content_hash") if c in incidents.columns]
    if len(cols) < 2:  # frames built by hand: hash the canonical JSON of every row instead
        rows = sorted(json.dumps(r, sort_keys=True, default=str) for r in incidents.to_dicts())
    else:
        rows = sorted("\t".join(r) for r in incidents.select(cols).iter_rows())
    digest = hashlib.sha256()
    for row in rows:
        digest.update(row.encode("utf-8") + b"\n")
    return digest.hexdigest()


def bulletin_data(
    incidents: pl.DataFrame,
    submissions: pl.DataFrame,
    *,
    period: str,
    baseline_months: int = 6,
    min_count: int = 5,
    fdr: float = 0.05,
    k: int = 5,
    versions: dict[str, int | None] | None = None,
    store: str = "",
    quarantined: pl.DataFrame | None = None,
    rejected: pl.DataFrame | None = None,
) -> BulletinData:
    """Compute a bulletin's inputs from frames in memory.

    Parameters
    ----------
    incidents : polars.DataFrame
        Store ``incidents`` rows; rows outside the baseline window and the period are dropped.
    submissions : polars.DataFrame
        Store ``submissions`` rows (the ledger).
    period : str
        Bulletin month ``YYYY-MM``.
    baseline_months, min_count, fdr, k
        See the 01-safety-bulletin notebook's parameters.
    versions : dict, optional
        Table versions the frames came from.
    store : str
        Store name for the provenance block.
    quarantined : polars.DataFrame, optional
        ``quarantine`` rows, or :func:`~nearmiss_lab.bulletin.coverage.quarantined_months`
        of them (coverage: records of the month held back).
    rejected : polars.DataFrame, optional
        :func:`~nearmiss_lab.bulletin.coverage.rejected_submissions` of the receipts.

    Returns
    -------
    BulletinData
    """
    from nearmiss_lab.bulletin.coverage import quarantined_months
    from nearmiss_lab.network import analyse

    if not PERIOD_RE.match(period):
        raise ValueError("period must be YYYY-MM")
    check_k(k)
    baseline = month_range(shift_month(period, -baseline_months), shift_month(period, -1))
    window = incidents.filter(
        (pl.col("occurred_month") >= baseline[0]) & (pl.col("occurred_month") <= period)
    )
    version = (versions or {}).get("incidents")
    network = analyse(window, period=(period, period), baseline_months=baseline_months,
                      min_count=min_count, fdr=fdr, store_version=version)
    return BulletinData(
        period=period, baseline=baseline, incidents=window, submissions=submissions,
        network=network, k=k, min_count=min_count, fdr=fdr, baseline_months=baseline_months,
        versions=dict(versions or {}), store=store,
        quarantined=quarantined_months(quarantined if quarantined is not None
                                       else pl.DataFrame()),
        rejected=rejected if rejected is not None else pl.DataFrame(),
    )


def resolve_store(store: str | os.PathLike[str]) -> Path:
    """Return the store folder; ``"sample"`` builds (once) and returns the sample store."""
    if str(store) == SAMPLE:
        from nearmiss_lab.bulletin.sample import sample_store

        return sample_store()
    return Path(store)


def latest_month(store: str | os.PathLike[str], version: int | None = None) -> str:
    """The most recent ``occurred_month`` in the store's incidents table."""
    from nearmiss_lab.store import load_incidents

    month = (
        load_incidents(store, version=version).select(pl.col("occurred_month").max()).collect()
    ).item()
    if month is None:
        raise ValueError("the store holds no incidents, so 'latest' has no month")
    return str(month)


def load_bulletin_data(
    store: str | os.PathLike[str],
    period: str,
    *,
    baseline_months: int = 6,
    min_count: int = 5,
    fdr: float = 0.05,
    k: int = 5,
    version: int | None = None,
) -> BulletinData:
    """Read a store as of one ``incidents`` version and compute a bulletin's inputs.

    Parameters
    ----------
    store : path or ``"sample"``
        Store folder; ``"sample"`` is a small synthetic store built on first use.
    period : str
        ``YYYY-MM``, or ``"latest"`` for the most recent month at that version.
    baseline_months, min_count, fdr, k
        See the 01-safety-bulletin notebook's parameters.
    version : int, optional
        ``incidents`` table version to read; the latest when None or negative. The ledger,
        quarantine and receipts are read at the versions that go with it
        (:func:`nearmiss_lab.store.snapshot_versions`), so the bulletin cites one number and
        reading that version again, after any number of later ingests, rebuilds it exactly.

    Returns
    -------
    BulletinData

    Raises
    ------
    ValueError
        ``version`` is not a version of the incidents table, or ``"latest"`` on an empty one.
    """
    from nearmiss_lab.bulletin.coverage import rejected_submissions
    from nearmiss_lab.store import load_incidents, load_table, snapshot_versions

    root = resolve_store(store)
    versions = snapshot_versions(root, version)

    def read(table: str) -> pl.LazyFrame | None:
        pinned = versions.get(table)
        return None if pinned is None else load_table(root, table, version=pinned)

    ledger = read("submissions")
    # No ledger yet (incidents written by hand): the coverage section says so.
    submissions = ledger.collect() if ledger is not None else pl.DataFrame()
    held = read("quarantine")
    # Only who and which month: the held record's text never leaves the store.
    quarantined = held.select(
        "agency", pl.col("record_json").str.json_path_match("$.occurred_month")
        .alias("occurred_month")).collect() if held is not None else pl.DataFrame()
    answers = read("receipts")
    rejected = rejected_submissions(
        answers.filter(pl.col("status") == "rejected")
        .select("agency", "submission_id", "status", "receipt_json").collect()
    ) if answers is not None else pl.DataFrame()
    if period == LATEST:
        period = latest_month(root, versions["incidents"])
    first = shift_month(period, -baseline_months)
    incidents = load_incidents(root, since=first, until=period,
                               version=versions["incidents"]).collect()
    return bulletin_data(
        incidents, submissions, period=period, baseline_months=baseline_months,
        min_count=min_count, fdr=fdr, k=k, versions=versions, store=root.name,
        quarantined=quarantined, rejected=rejected,
    )
