"""Incidents with planted factor pairs, for tests and the benchmark.

A small, fast stand-in for the synthetic corpus: every code appears independently with its own
prevalence, and each planted pair is additionally switched on together in a share of incidents,
so the planted pairs (and only they) are truly associated.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from nearmiss_lab.months import shift_month


def planted_codes(
    n_incidents: int,
    n_codes: int,
    *,
    planted: Sequence[tuple[int, int]] = (),
    pair_rate: float = 0.03,
    prevalence: tuple[float, float] = (0.02, 0.15),
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Return (row, col) indices of an incident x code matrix with planted pairs.

    Vectorised, so a million incidents take well under a second.
    """
    rng = np.random.default_rng(seed)
    prev = rng.uniform(prevalence[0], prevalence[1], size=n_codes)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    for k in range(n_codes):
        hit = np.flatnonzero(rng.random(n_incidents) < prev[k])
        rows.append(hit)
        cols.append(np.full(hit.size, k))
    for i, j in planted:
        hit = np.flatnonzero(rng.random(n_incidents) < pair_rate)
        rows += [hit, hit]
        cols += [np.full(hit.size, i), np.full(hit.size, j)]
    return np.concatenate(rows), np.concatenate(cols)


def planted_incidents(
    n_incidents: int,
    codes: Sequence[str],
    *,
    planted: Sequence[tuple[str, str]] = (),
    pair_rate: float = 0.03,
    months: int = 12,
    start: str = "2024-01",
    emerging: tuple[str, str] | None = None,
    emerging_month: str | None = None,
    emerging_rate: float = 0.08,
    seed: int = 0,
) -> pl.DataFrame:
    """A store-shaped frame (``incident_key``, ``agency``, ``record_id``, ``occurred_month``,
    ``activities``, ``factors``) with planted pairs and, optionally, a pair that appears only
    from ``emerging_month`` on. ACT codes go to ``activities``, the rest to reported factors.
    """
    index = {c: i for i, c in enumerate(codes)}
    rows, cols = planted_codes(
        n_incidents, len(codes), planted=[(index[a], index[b]) for a, b in planted],
        pair_rate=pair_rate, seed=seed,
    )
    rng = np.random.default_rng(seed + 1)
    month_of = rng.integers(0, months, size=n_incidents)
    month_names = [shift_month(start, m) for m in range(months)]
    if emerging and emerging_month:
        first = month_names.index(emerging_month)
        eligible = np.flatnonzero(month_of >= first)
        hit = eligible[rng.random(eligible.size) < emerging_rate]
        rows = np.concatenate([rows, hit, hit])
        cols = np.concatenate([cols, np.full(hit.size, index[emerging[0]]),
                               np.full(hit.size, index[emerging[1]])])
    long = pl.DataFrame({"row": rows, "code": np.asarray(codes, dtype=object)[cols].tolist()})
    long = long.unique().sort("row", "code")
    grouped = long.group_by("row").agg(pl.col("code"))
    base = pl.DataFrame({
        "row": np.arange(n_incidents),
        "occurred_month": np.asarray(month_names, dtype=object)[month_of].tolist(),
    })
    frame = base.join(grouped, on="row", how="left").with_columns(
        pl.col("code").fill_null([]).cast(pl.List(pl.String))
    )
    return frame.select(
        pl.format("AG-SIM/{}", pl.col("row")).alias("incident_key"),
        pl.lit("AG-SIM").alias("agency"),
        pl.format("r{}", pl.col("row")).alias("record_id"),
        "occurred_month",
        pl.col("code").list.eval(pl.element().filter(pl.element().str.starts_with("ACT.")))
        .alias("activities"),
        pl.col("code").list.eval(
            pl.struct(
                code=pl.element(),
                source=pl.lit("reported"),
                confidence=pl.lit(None, dtype=pl.Float64),
            ).filter(~pl.element().str.starts_with("ACT."))
        ).alias("factors"),
    ).sort("incident_key")
