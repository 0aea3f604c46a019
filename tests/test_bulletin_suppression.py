"""Complementary suppression: no "< k" cell can be solved from a printed total and its line.

The property is checked by brute force: for every line of a table (a row or column with its
printed total), every assignment of the hidden cells that a reader would allow ("< k" means
[lower, k - 1], the mask means at least k) is enumerated, and each hidden cell must keep at
least two possible values.
"""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nearmiss_lab.bulletin.suppression import (
    MASK,
    PRIMARY,
    SECONDARY,
    SHOWN,
    complementary_suppression,
    public_range,
)


def solutions(parts: list[tuple[int, str, int, float]], total: tuple[int, str] | None,
              k: int) -> list[set[int]]:
    """Every value each hidden part can take in a line, by enumeration.

    ``parts`` are ``(value, status, lower, upper)``; ``total`` is ``(value, status)`` or
    None when the line has no printed total (then nothing is solvable from it).
    """
    hidden = [i for i, (_v, s, _lo, _hi) in enumerate(parts) if s != SHOWN]
    shown_sum = sum(v for v, s, _lo, _hi in parts if s == SHOWN)
    if total is None:
        return []
    t_value, t_status = total
    ranges = []
    open_ = []  # whether the printed label alone leaves more than one value
    for i in hidden:
        v, s, lo, hi = parts[i]
        low, high = public_range(s, k, lo, hi)
        open_.append(high > low)
        if t_status == SHOWN:
            high = min(high, t_value - shown_sum)
        elif math.isinf(high):
            high = v + 1  # unbounded: the true value and one more are both possible
        ranges.append(range(int(low), int(high) + 1))
    if t_status == SHOWN:
        t_range = range(t_value, t_value + 1)
    else:
        t_low, t_high = public_range(t_status, k)
        t_range = range(t_low, int(min(t_high, 10**6)) + 1)
    seen: list[set[int]] = [set() for _ in hidden]
    for combo in itertools.product(*ranges):
        if shown_sum + sum(combo) in t_range:
            for n, x in enumerate(combo):
                seen[n].add(x)
    return [seen[n] for n in range(len(hidden)) if open_[n]]


def assert_no_line_solvable(table, result, k, *, row_totals, col_totals, lower=None, upper=None):
    n_rows, n_cols = len(table), len(table[0])

    def part(i, j):
        lo = lower[i][j] if lower else 0
        hi = upper[i][j] if upper and upper[i][j] is not None else math.inf
        return table[i][j], result.cells[i][j], lo, hi

    lines = []
    if row_totals:
        lines += [([part(i, j) for j in range(n_cols)], (sum(table[i]), result.row_totals[i]))
                  for i in range(n_rows)]
    if col_totals:
        lines += [([part(i, j) for i in range(n_rows)],
                   (sum(table[i][j] for i in range(n_rows)), result.col_totals[j]))
                  for j in range(n_cols)]
    for parts, total in lines:
        for values in solutions(parts, total, k):
            assert len(values) >= 2, (table, result, parts, total)


def test_the_audit_example_no_longer_gives_the_small_agency_back():
    # 42 - (13 + 14 + 13) = 2: the bulletin's near-miss total beside its agencies.
    counts = [[13], [14], [13], [2]]
    result = complementary_suppression(counts, 5, col_totals=True, fixed_totals=True)
    assert result.cells[3] == (PRIMARY,)
    assert sum(c == (SECONDARY,) for c in result.cells) == 1
    assert result.col_totals == (SHOWN,) and not result.exposed
    assert [result.display(i, 0, v[0], 5) for i, v in enumerate(counts)].count(MASK) == 1
    assert_no_line_solvable(counts, result, 5, row_totals=False, col_totals=True)


def test_a_line_without_a_small_cell_is_left_alone():
    result = complementary_suppression([[13], [14], [9]], 5, col_totals=True)
    assert result.cells == ((SHOWN,), (SHOWN,), (SHOWN,)) and not result.exposed


def test_two_small_cells_protect_each_other_unless_their_bounds_pin_them():
    # 0 and 2 under a total: each "< 5" keeps several values, no second cell is needed.
    assert complementary_suppression([[0], [2], [9]], 5, col_totals=True).cells == (
        (PRIMARY,), (PRIMARY,), (SHOWN,))
    # 4 + 4 = 8 with 9 + 8 = 17: the hidden pair must sum to 8, so both are 4.
    result = complementary_suppression([[4], [4], [9]], 5, col_totals=True)
    assert result.cells[2] == (SECONDARY,)


def test_a_secondary_cell_at_exactly_k_beside_a_zero_takes_a_third_cell():
    # 0 + 5 = 5 once 5 is masked (mask means >= 5): both are pinned; a third cell must go.
    counts = [[0], [5], [7], [30]]
    result = complementary_suppression(counts, 5, col_totals=True)
    assert [c[0] for c in result.cells] == [PRIMARY, SECONDARY, SECONDARY, SHOWN]
    assert_no_line_solvable(counts, result, 5, row_totals=False, col_totals=True)


def test_known_bounds_count_and_a_fixed_total_that_cannot_be_protected_is_reported():
    # Two reporting agencies (each >= 1) with 1 and 5 under a printed 6: hiding both still
    # leaves 1 + 5 as the only split, and the total cannot be hidden.
    result = complementary_suppression([[1], [5]], 5, col_totals=True, lower=[[1], [1]],
                                       fixed_totals=True)
    assert result.exposed and result.col_totals == (SHOWN,)
    # The same with a total that may be hidden: the total goes.
    free = complementary_suppression([[1], [5]], 5, col_totals=True, lower=[[1], [1]])
    assert free.col_totals == (SECONDARY,) and not free.exposed


def test_zero_cells_known_from_elsewhere_are_not_protected_and_do_not_protect():
    # An agency listed as "zero report" had 0: its "< 5" hides nothing and covers nothing.
    counts = [[0], [2], [20], [9]]
    result = complementary_suppression(counts, 5, col_totals=True,
                                       lower=[[0], [1], [1], [1]], upper=[[0], [None], [None],
                                                                          [None]])
    assert result.cells[3] == (SECONDARY,)
    assert_no_line_solvable(counts, result, 5, row_totals=False, col_totals=True,
                            lower=[[0], [1], [1], [1]], upper=[[0], [None], [None], [None]])


def test_a_two_way_table_protects_rows_and_columns_together():
    table = [[20, 3, 15], [12, 18, 9], [7, 11, 30]]
    result = complementary_suppression(table, 5, row_totals=True, col_totals=True,
                                       grand_total=True)
    assert result.cells[0][1] == PRIMARY
    hidden = sum(c != SHOWN for row in result.cells for c in row)
    assert hidden >= 4  # the classic pattern: a rectangle of four hidden cells
    assert not result.exposed
    assert_no_line_solvable(table, result, 5, row_totals=True, col_totals=True)


def test_rows_must_have_equal_length_and_counts_be_non_negative():
    with pytest.raises(ValueError):
        complementary_suppression([[1, 2], [3]], 5)
    with pytest.raises(ValueError):
        complementary_suppression([[-1]], 5)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 3).flatmap(lambda cols: st.lists(
        st.lists(st.integers(0, 12), min_size=cols, max_size=cols), min_size=1, max_size=4)),
    st.integers(2, 5),
    st.booleans(),
    st.booleans(),
)
def test_property_no_hidden_cell_is_solvable_from_its_row_or_column(table, k, rows, cols):
    result = complementary_suppression(table, k, row_totals=rows, col_totals=cols,
                                       grand_total=rows or cols)
    if result.exposed:  # only when nothing is left to hide: every entry of a line hidden
        assert any(s == SECONDARY for s in (*result.row_totals, *result.col_totals,
                                            result.grand_total))
    else:
        assert_no_line_solvable(table, result, k, row_totals=rows, col_totals=cols)
    for i, row in enumerate(table):
        for j, v in enumerate(row):
            if v < k:
                assert result.cells[i][j] == PRIMARY
            else:
                assert result.cells[i][j] in (SHOWN, SECONDARY)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 15), min_size=1, max_size=7), st.integers(2, 6),
       st.data())
def test_property_a_column_with_a_fixed_total_and_known_lower_bounds(counts, k, data):
    lower = [[data.draw(st.integers(0, min(1, c)))] for c in counts]
    table = [[c] for c in counts]
    result = complementary_suppression(table, k, col_totals=True, lower=lower,
                                       fixed_totals=True)
    assert result.col_totals[0] == (PRIMARY if sum(counts) < k else SHOWN)
    if result.exposed:
        assert all(c != (SHOWN,) for c in result.cells), "exposed while a part was left"
    else:
        assert_no_line_solvable(table, result, k, row_totals=False, col_totals=True,
                                lower=lower)
