"""The vectorised hypergeometric upper tail against exact arithmetic and scipy's ``sf``."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from scipy.stats import fisher_exact, hypergeom

from nearmiss_lab.network.hypergeom import hypergeom_logpmf, hypergeom_upper_tail


def exact_upper_tail(a: int, N: int, K: int, n: int) -> float:
    """P(X >= a) with integers only: the pmf recurrence divides exactly."""
    lo, hi = max(0, n + K - N), min(K, n)
    if a <= lo:
        return 1.0
    if a > hi:
        return 0.0
    term = math.comb(K, a) * math.comb(N - K, n - a)
    total = 0
    for x in range(a, hi + 1):
        total += term
        if x < hi:
            term = term * (K - x) * (n - x) // ((x + 1) * (N - K - n + x + 1))
    return float(Fraction(total, math.comb(N, n)))


def random_tables(rng: np.random.Generator, count: int, n_max: int, spread: float):
    """(a, N, K, n) with a spread around the mean, from far below to far into the upper tail."""
    out = []
    for _ in range(count):
        N = int(rng.integers(1, n_max + 1))
        K = int(rng.integers(0, N + 1))
        n = int(rng.integers(0, N + 1))
        mean = K * n / N
        sd = math.sqrt(max(mean * (1 - K / N) * (N - n) / max(N - 1, 1), 1e-9))
        lo, hi = max(0, n + K - N), min(K, n)
        a = int(np.clip(round(mean + rng.uniform(-3, spread) * sd), lo, hi + 1))
        out.append((a, N, K, n))
    return np.array(out, dtype=np.int64).T


def test_small_tables_match_exact_arithmetic():
    a, N, K, n = random_tables(np.random.default_rng(0), 300, 3000, 30)
    ours = hypergeom_upper_tail(a, N, K, n)
    exact = np.array([exact_upper_tail(*map(int, t)) for t in zip(a, N, K, n, strict=True)])
    pos = exact > 0
    assert np.all(ours[~pos] == 0)
    assert np.max(np.abs(ours[pos] - exact[pos]) / exact[pos]) < 1e-11


def test_large_tables_match_exact_arithmetic():
    cases = [(309, 261644, 8484, 4804), (1232, 81070, 7576, 9096), (69, 150810, 1683, 1129),
             (1330, 120000, 9000, 15000), (1130, 120000, 9000, 15000),  # tail, bulk
             (1100, 120000, 9000, 15000)]  # below the mode: 1 - lower tail
    for a, N, K, n in cases:
        exact = exact_upper_tail(a, N, K, n)
        ours = float(hypergeom_upper_tail(a, N, K, n))
        assert ours == pytest.approx(exact, rel=1e-11, abs=0)


@pytest.mark.parametrize(("n_max", "seed"), [(200, 1), (50_000, 2), (1_000_000, 3)])
def test_agrees_with_scipy_hypergeom_sf(n_max, seed):
    a, N, K, n = random_tables(np.random.default_rng(seed), 400, n_max, 40)
    ours = hypergeom_upper_tail(a, N, K, n)
    ref = hypergeom.sf(a - 1, N, K, n)
    pos = ref > 1e-300  # both underflow alike below
    assert np.all(ours[ref == 0] < 1e-300)
    # scipy's own error grows to ~1e-10 at a million (it, not ours, drifts from exact values)
    assert np.max(np.abs(ours[pos] - ref[pos]) / ref[pos]) < 1e-8


def test_edges_of_the_support_and_degenerate_tables():
    # a at or below the lowest possible count: certain; above the highest: impossible
    assert hypergeom_upper_tail(0, 10, 3, 4) == 1.0
    assert hypergeom_upper_tail(2, 10, 8, 4) == 1.0  # at least 2 of 4 draws are marked
    assert hypergeom_upper_tail(4, 10, 3, 4) == 0.0
    assert hypergeom_upper_tail(1, 10, 0, 5) == 0.0
    assert hypergeom_upper_tail(5, 10, 10, 5) == 1.0
    assert hypergeom_upper_tail(0, 0, 0, 0) == 1.0
    # hand-checked 2 x 2 table: Fisher's exact test, one-sided
    expected = fisher_exact([[30, 20], [30, 120]], alternative="greater").pvalue
    assert float(hypergeom_upper_tail(30, 200, 50, 60)) == pytest.approx(expected, rel=1e-12)


def test_broadcasts_and_keeps_the_shape():
    a = np.array([[1, 2], [3, 4]])
    out = hypergeom_upper_tail(a, 100, 20, 10)
    assert out.shape == (2, 2)
    assert np.all(np.diff(out.ravel()) < 0)  # a larger count is rarer
    assert np.allclose(out, hypergeom.sf(a - 1, 100, 20, 10), rtol=1e-12)


def test_logpmf_sums_to_one_over_the_support():
    N, K, n = 5000, 1200, 900
    x = np.arange(max(0, n + K - N), min(K, n) + 1)
    pmf = np.exp(hypergeom_logpmf(x, N, K, n))
    assert pmf.sum() == pytest.approx(1.0, rel=1e-13)
    assert np.allclose(pmf, hypergeom.pmf(x, N, K, n), rtol=1e-10, atol=0)
