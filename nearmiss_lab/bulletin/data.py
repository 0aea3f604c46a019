"""What one bulletin is computed from: incidents, the submissions ledger and the network.

:func:`load_bulletin_data` reads a store at one pinned table version (so every section of a
bulletin sees the same data, and the version it cites rebuilds it); :func:`bulletin_data`
does the same from frames already in memory, which is what the tests use.
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


def shift_month(month: str, delta: int) -> str:
    """Return ``YYYY-MM`` moved by ``delta`` months.

    Examples
    --------
    >>> shift_month("2024-01", -1), shift_month("2024-12", 1)
    ('2023-12', '2025-01')
    """
    year, mon = int(month[:4]), int(month[5:7])
    index = year * 12 + (mon - 1) + delta
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_range(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` inclusive."""
    months = []
    current = first
    while current <= last:
        months.append(current)
        current = shift_month(current, 1)
    return months


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
        Table versions read (``incidents``, ``submissions``), or None for in-memory frames.
    store : str
        Name of the store folder (its last path component, never the full path).
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

    Returns
    -------
    BulletinData
    """
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
    """Read a store at one table version and compute a bulletin's inputs.

    Parameters
    ----------
    store : path or ``"sample"``
        Store folder; ``"sample"`` is a small synthetic store built on first use.
    period : str
        ``YYYY-MM``, or ``"latest"`` for the store's most recent month.
    baseline_months, min_count, fdr, k
        See the 01-safety-bulletin notebook's parameters.
    version : int, optional
        ``incidents`` table version to read; the latest when None or negative. The bulletin
        cites it, so reading that version again rebuilds the bulletin.

    Returns
    -------
    BulletinData
    """
    from nearmiss_lab.store import load_incidents, load_table, store_version
    from nearmiss_lab.store.tables import table_exists

    root = resolve_store(store)
    versions: dict[str, int | None] = {
        "incidents": store_version(root, "incidents") if version is None or version < 0
        else version,
    }
    if table_exists(root, "submissions"):
        versions["submissions"] = store_version(root, "submissions")
        submissions = load_table(root, "submissions", version=versions["submissions"]).collect()
    else:  # incidents before any ledger row: the coverage section says there is no ledger
        versions["submissions"] = None
        submissions = pl.DataFrame()
    if period == LATEST:
        period = latest_month(root, versions["incidents"])
    first = shift_month(period, -baseline_months)
    incidents = load_incidents(root, since=first, until=period,
                               version=versions["incidents"]).collect()
    return bulletin_data(
        incidents, submissions, period=period, baseline_months=baseline_months,
        min_count=min_count, fdr=fdr, k=k, versions=versions, store=root.name,
    )
