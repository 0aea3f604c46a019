"""Change between periods: pairs whose rate rose against a baseline window, and new pairs.

For a pair seen in ``a_p`` of ``N_p`` incidents this period and ``a_b`` of ``N_b`` in the
baseline window, the one-sided test of "the rate rose" is Fisher's exact test on the 2 x 2
table of (period, baseline) x (pair, no pair): conditional on ``a_p + a_b``, ``a_p`` is
hypergeometric, so the p-value is ``P(X >= a_p)`` for ``X ~ Hypergeometric(N_p + N_b,
a_p + a_b, N_p)``, vectorised over all pairs. Benjamini-Hochberg q-values are taken over
pairs with at least ``min_count`` co-occurrences this period.

A pair's rate also rises when only one of its codes became more common; such a pair is not a new
*combination*. So a pair counts as ``emerging`` only when it rose (or is new) **and** its two
codes are positively associated within the period itself (one-sided hypergeometric test, BH
q <= fdr over the same tested pairs).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from nearmiss_lab.network.hypergeom import hypergeom_upper_tail
from nearmiss_lab.network.measures import benjamini_hochberg


def pair_counts(counts: np.ndarray, codes: list[str]) -> pl.DataFrame:
    """Upper-triangle pairs of a co-occurrence matrix as ``source, target, count, n_source,
    n_target`` (the last two are the codes' supports, from the diagonal)."""
    iu, ju = np.triu_indices(len(codes), 1)
    names = np.asarray(codes, dtype=object)
    support = np.diag(counts)
    return pl.DataFrame(
        {"source": names[iu].tolist(), "target": names[ju].tolist(), "count": counts[iu, ju],
         "n_source": support[iu], "n_target": support[ju]},
        schema={"source": pl.String, "target": pl.String, "count": pl.Int64,
                "n_source": pl.Int64, "n_target": pl.Int64},
    )


def emerging_pairs(
    period: pl.DataFrame,
    n_period: int,
    baseline: pl.DataFrame,
    n_baseline: int,
    *,
    min_count: int = 3,
    fdr: float = 0.05,
) -> pl.DataFrame:
    """Compare pair rates in a period with a baseline window.

    Parameters
    ----------
    period : polars.DataFrame
        ``source, target, count, n_source, n_target`` this period (:func:`pair_counts`).
    baseline : polars.DataFrame
        ``source, target, count`` in the baseline window.
    n_period, n_baseline : int
        Incidents in each window.
    min_count : int
        Pairs seen fewer times this period are not tested.
    fdr : float
        Benjamini-Hochberg level for ``rose``.

    Returns
    -------
    polars.DataFrame
        Tested pairs with ``count, baseline_count, rate, baseline_rate, rate_ratio, p_value,
        q_value, rose`` (q <= fdr), ``new`` (never seen in the baseline, which is not empty),
        ``assoc_p_value, assoc_q_value, associated`` (within-period association) and
        ``emerging`` ((rose or new) and associated), emerging and most significant first.
    """
    joined = period.join(
        baseline.select("source", "target", pl.col("count").alias("baseline_count")),
        on=["source", "target"], how="left",
    ).with_columns(
        pl.col("count").fill_null(0), pl.col("baseline_count").fill_null(0)
    ).filter(pl.col("count") >= max(min_count, 1))
    a_p = joined.get_column("count").to_numpy().astype(np.int64)
    a_b = joined.get_column("baseline_count").to_numpy().astype(np.int64)
    total = n_period + n_baseline
    if len(a_p) and n_baseline > 0:
        p = hypergeom_upper_tail(a_p, total, a_p + a_b, n_period)
    else:
        p = np.full(len(a_p), np.nan)  # no baseline: nothing to compare against
    q = benjamini_hochberg(p)
    n_i = joined.get_column("n_source").to_numpy().astype(np.int64)
    n_j = joined.get_column("n_target").to_numpy().astype(np.int64)
    assoc_p = hypergeom_upper_tail(a_p, n_period, n_i, n_j) if len(a_p) else np.zeros(0)
    assoc_q = benjamini_hochberg(assoc_p)
    rate = a_p / max(n_period, 1)
    base_rate = a_b / n_baseline if n_baseline else np.full(len(a_p), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(a_b > 0, rate / base_rate, np.inf)
    out = joined.with_columns(
        pl.Series("rate", rate),
        pl.Series("baseline_rate", base_rate),
        pl.Series("rate_ratio", ratio),
        pl.Series("p_value", p),
        pl.Series("q_value", q),
        pl.Series("assoc_p_value", assoc_p, dtype=pl.Float64),
        pl.Series("assoc_q_value", assoc_q, dtype=pl.Float64),
    ).with_columns(
        rose=(pl.col("q_value") <= fdr).fill_null(False),
        new=(pl.col("baseline_count") == 0) & pl.lit(n_baseline > 0),
        associated=(pl.col("assoc_q_value") <= fdr).fill_null(False),
    ).with_columns(emerging=(pl.col("rose") | pl.col("new")) & pl.col("associated"))
    return out.sort(["emerging", "p_value", "count"], descending=[True, False, True],
                    nulls_last=True)
