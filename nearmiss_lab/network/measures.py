"""Association measures, significance and false-discovery control for every code pair.

All functions are vectorised over numpy arrays of pair counts: for a pair (i, j) among ``N``
incidents, ``a`` incidents carry both codes, ``n_i`` carry i and ``n_j`` carry j. The 2 x 2
table is ``a, b = n_i - a, c = n_j - a, d = N - n_i - n_j + a``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import polars as pl

from nearmiss_lab.network.hypergeom import hypergeom_upper_tail

Z_95 = 1.959963984540054

# Registry of measures by name so callers (and the bulletin) can pick one by its name.
_MEASURES: dict[str, Callable[..., np.ndarray]] = {}


class UnknownMeasureError(KeyError):
    """Raised by :func:`get_measure` for a name that was never registered."""


def register_measure(name: str, func: Callable[..., np.ndarray]) -> None:
    """Register an association measure ``func(a, n_i, n_j, n) -> array`` under ``name``."""
    _MEASURES[name] = func


def get_measure(name: str) -> Callable[..., np.ndarray]:
    """Return the measure registered under ``name``."""
    try:
        return _MEASURES[name]
    except KeyError:
        raise UnknownMeasureError(f"no association measure named {name!r}") from None


def expected_count(a, n_i, n_j, n):  # noqa: ARG001 - uniform signature for the registry
    """Expected co-occurrences under independence, ``n_i * n_j / N``."""
    return n_i.astype(float) * n_j / n


def lift(a, n_i, n_j, n):
    """Observed over expected co-occurrences (1 under independence)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return a * n / (n_i.astype(float) * n_j)


def pmi(a, n_i, n_j, n):
    """Pointwise mutual information in bits, ``log2(lift)`` (-inf when a = 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log2(lift(a, n_i, n_j, n))


def npmi(a, n_i, n_j, n):
    """PMI normalised by ``-log2 p(i, j)`` into [-1, 1] (-1 when a = 0, 1 when a = N)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        p_ij = a / float(n) if np.isscalar(n) else a / n.astype(float)
        out = pmi(a, n_i, n_j, n) / -np.log2(p_ij)
    out = np.where(a == 0, -1.0, out)
    return np.where(a == n, 1.0, out)


def jaccard(a, n_i, n_j, n):  # noqa: ARG001
    """Incidents with both codes over incidents with either."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return a / (n_i + n_j - a).astype(float)


def association_strength(a, n_i, n_j, n):  # noqa: ARG001
    """Van Eck & Waltman's association strength ``a / (n_i * n_j)`` (lift divided by N)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return a / (n_i.astype(float) * n_j)


def _cells(a, n_i, n_j, n):
    a = a.astype(float)
    b = n_i - a
    c = n_j - a
    d = n - n_i - n_j + a
    # Haldane-Anscombe correction: add 0.5 to every cell of tables with a zero cell, so the
    # odds ratio and its interval stay finite.
    zero = (a == 0) | (b == 0) | (c == 0) | (d == 0)
    corr = np.where(zero, 0.5, 0.0)
    return a + corr, b + corr, c + corr, d + corr


def odds_ratio(a, n_i, n_j, n):
    """Odds ratio ``ad / bc`` (Haldane-corrected when a cell is zero)."""
    a_, b_, c_, d_ = _cells(a, n_i, n_j, n)
    return (a_ * d_) / (b_ * c_)


def odds_ratio_ci(a, n_i, n_j, n, z: float = Z_95) -> tuple[np.ndarray, np.ndarray]:
    """Woolf (log) 95 % interval of the odds ratio, Haldane-corrected when a cell is zero."""
    a_, b_, c_, d_ = _cells(a, n_i, n_j, n)
    log_or = np.log((a_ * d_) / (b_ * c_))
    se = np.sqrt(1 / a_ + 1 / b_ + 1 / c_ + 1 / d_)
    return np.exp(log_or - z * se), np.exp(log_or + z * se)


def yule_q(a, n_i, n_j, n):
    """Yule's Q ``(ad - bc) / (ad + bc) = (OR - 1) / (OR + 1)`` in [-1, 1]."""
    ratio = odds_ratio(a, n_i, n_j, n)
    return (ratio - 1) / (ratio + 1)


def hypergeom_pvalue(a, n_i, n_j, n):
    """One-sided P(X >= a) for X ~ Hypergeometric(N, n_i, n_j): Fisher's exact test of
    positive association (vectorised; see :mod:`nearmiss_lab.network.hypergeom`)."""
    return hypergeom_upper_tail(a, n, n_i, n_j)


def benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values); NaN p-values stay NaN, untested."""
    p = np.asarray(p, dtype=float)
    q = np.full_like(p, np.nan)
    ok = ~np.isnan(p)
    m = int(ok.sum())
    if m == 0:
        return q
    pv = p[ok]
    order = np.argsort(pv)
    ranked = pv[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(adjusted, 1.0)
    q[ok] = out
    return q


for _name, _func in {
    "expected": expected_count,
    "lift": lift,
    "pmi": pmi,
    "npmi": npmi,
    "jaccard": jaccard,
    "association_strength": association_strength,
    "yule_q": yule_q,
    "odds_ratio": odds_ratio,
    "p_value": hypergeom_pvalue,
}.items():
    register_measure(_name, _func)


def pair_table(
    counts: np.ndarray,
    codes: list[str],
    n: int,
    *,
    min_count: int = 5,
    fdr: float = 0.05,
) -> pl.DataFrame:
    """Every unordered code pair with its count, measures, p-value and q-value.

    Parameters
    ----------
    counts : ndarray
        Square co-occurrence matrix; the diagonal holds each code's support.
    codes : list of str
        Code of each row/column.
    n : int
        Number of incidents (the matrix's rows, including those with no code).
    min_count : int
        Minimum support: pairs seen fewer times are listed but not tested (their p and q are
        null), so the false-discovery family is the pairs that could be discoveries at all.
    fdr : float
        Benjamini-Hochberg level; ``significant`` is ``q <= fdr`` with ``lift > 1``.

    Returns
    -------
    polars.DataFrame
        One row per pair ``source < target`` with columns ``source, target, count, n_source,
        n_target, expected, lift, pmi, npmi, jaccard, association_strength, yule_q,
        odds_ratio, or_low, or_high, p_value, q_value, tested, significant``.
    """
    k = len(codes)
    iu, ju = np.triu_indices(k, 1)
    a = counts[iu, ju].astype(np.int64)
    support = np.diag(counts).astype(np.int64)
    n_i, n_j = support[iu], support[ju]
    low, high = odds_ratio_ci(a, n_i, n_j, n)
    tested = a >= max(min_count, 1)
    p = np.full(a.shape, np.nan)
    p[tested] = hypergeom_pvalue(a[tested], n_i[tested], n_j[tested], n)
    q = benjamini_hochberg(p)
    ratio = lift(a, n_i, n_j, n)
    names = np.asarray(codes, dtype=object)
    return pl.DataFrame(
        {
            "source": names[iu].tolist(),
            "target": names[ju].tolist(),
            "count": a,
            "n_source": n_i,
            "n_target": n_j,
            "expected": expected_count(a, n_i, n_j, n),
            "lift": ratio,
            "pmi": pmi(a, n_i, n_j, n),
            "npmi": npmi(a, n_i, n_j, n),
            "jaccard": jaccard(a, n_i, n_j, n),
            "association_strength": association_strength(a, n_i, n_j, n),
            "yule_q": yule_q(a, n_i, n_j, n),
            "odds_ratio": odds_ratio(a, n_i, n_j, n),
            "or_low": low,
            "or_high": high,
            "p_value": p,
            "q_value": q,
            "tested": tested,
            "significant": tested & (q <= fdr) & (ratio > 1),
        },
        schema_overrides={"source": pl.String, "target": pl.String},
        nan_to_null=True,
    )
