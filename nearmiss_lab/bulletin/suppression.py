"""Small-cell suppression: every count of incidents below ``k`` is shown as ``"< k"``.

One helper serves tables, charts and running text so the rule cannot drift between them.
A figure *derived* from a suppressed count (a share, a change, a lift) would let a reader
recompute the count, so it is masked too (:data:`MASK`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

#: What a masked derived figure (share, change, measure of a suppressed cell) shows.
MASK = "·"
DEFAULT_K = 5

#: ``{column: format}`` (depends on every count column of the row) or
#: ``{column: (format, [count columns it is computed from])}``.
Derived = Mapping[str, "str | tuple[str, Sequence[str]]"]


def check_k(k: int) -> int:
    """Return ``k`` when it is a usable threshold (an int >= 1), else raise ``ValueError``."""
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError("small-cell threshold k must be an integer >= 1")
    return k


def is_small(count: int | float | None, k: int) -> bool:
    """True when ``count`` must not be shown (below ``k``; missing counts are not small)."""
    if count is None or (isinstance(count, float) and math.isnan(count)):
        return False
    return count < k


def suppress_count(count: int | None, k: int) -> str:
    """Return the count as text, or ``"< k"`` when it is below ``k``.

    Examples
    --------
    >>> suppress_count(12, 5), suppress_count(3, 5), suppress_count(0, 5)
    ('12', '< 5', '< 5')
    """
    check_k(k)
    if count is None:
        return MASK
    return f"< {k}" if count < k else f"{int(count):,}"


def format_value(value: Any, fmt: str = "{:.2f}") -> str:
    """Format a number for display; missing values show :data:`MASK`, infinities as ``∞``."""
    if value is None:
        return MASK
    if isinstance(value, float) and not math.isfinite(value):
        return MASK if math.isnan(value) else ("∞" if value > 0 else "−∞")
    return fmt.format(value)


def suppress_derived(value: Any, counts: Iterable[int | None], k: int, fmt: str = "{:.2f}") -> str:
    """Format ``value`` unless any count it was computed from is below ``k`` (then :data:`MASK`)."""
    check_k(k)
    if any(is_small(c, k) for c in counts):
        return MASK
    return format_value(value, fmt)


def suppress_frame(
    frame: pl.DataFrame,
    k: int,
    count_columns: Sequence[str],
    derived_columns: Derived | None = None,
) -> pl.DataFrame:
    """Return a display copy of ``frame`` with small counts suppressed, every column as text.

    Parameters
    ----------
    frame : polars.DataFrame
        Rows to show.
    k : int
        Small-cell threshold.
    count_columns : sequence of str
        Columns holding incident counts: each value below ``k`` becomes ``"< k"``.
    derived_columns : mapping, optional
        ``{column: format}`` for figures computed from the row's counts, masked on rows where
        any count column is below ``k``; or ``{column: (format, [count columns])}`` to name
        the counts a figure depends on. Other columns are shown as they are.

    Returns
    -------
    polars.DataFrame
        Same columns and order, all ``pl.String``.

    Examples
    --------
    >>> f = pl.DataFrame({"code": ["A", "B"], "n": [9, 2], "share": [0.9, 0.2]})
    >>> suppress_frame(f, 5, ["n"], {"share": "{:.0%}"}).rows()
    [('A', '9', '90%'), ('B', '< 5', '·')]
    """
    check_k(k)
    derived: dict[str, tuple[str, Sequence[str]]] = {}
    for col, spec in (derived_columns or {}).items():
        derived[col] = (spec, list(count_columns)) if isinstance(spec, str) else spec
    needed = [*count_columns, *derived, *(c for _f, deps in derived.values() for c in deps)]
    missing = sorted({c for c in needed if c not in frame.columns})
    if missing:
        raise KeyError(f"columns not in frame: {missing}")
    rows = []
    for row in frame.iter_rows(named=True):
        shown: dict[str, str] = {}
        for col in frame.columns:
            value = row[col]
            if col in count_columns:
                shown[col] = suppress_count(value, k)
            elif col in derived:
                fmt, deps = derived[col]
                shown[col] = suppress_derived(value, [row[d] for d in deps], k, fmt)
            else:
                shown[col] = "" if value is None else str(value)
        rows.append(shown)
    return pl.DataFrame(rows, schema={c: pl.String for c in frame.columns})


def suppressed_values(counts: Sequence[int | None], k: int) -> list[int | None]:
    """Counts for plotting: small ones become ``None`` so no bar or size reveals them."""
    check_k(k)
    return [None if is_small(c, k) else c for c in counts]


# --- Complementary (secondary) suppression --------------------------------------------------
#
# "< k" alone is not enough where a total is printed with its parts: 42 - (13 + 14 + 13) = 2
# gives the suppressed cell back. Statistical agencies then suppress a second cell of the same
# row or column (the next smallest), so that the hidden cells of every line share what the
# total leaves over. We audit what a reader can work out rather than applying a fixed rule:
# a reader knows each "< k" cell lies in [lower, k - 1] and each secondary cell (shown as
# MASK, so it is not passed off as small) in [k, inf), solves each line for each hidden cell,
# and narrows the bounds line after line until nothing moves. A hidden cell whose range
# shrinks to one value is exposed, and the line that pins it loses another cell.

SHOWN = "shown"
PRIMARY = "primary"  # below k: shown as "< k"
SECONDARY = "secondary"  # at least k, hidden so that a primary cell cannot be solved: MASK

_Entry = tuple[str, int, int]  # ("cell", row, col) | ("row", row, 0) | ("col", col, 0) | ...


@dataclass(frozen=True)
class TableSuppression:
    """What to show of a table with margins (see :func:`complementary_suppression`).

    Attributes
    ----------
    cells : tuple of tuple of str
        :data:`SHOWN`, :data:`PRIMARY` or :data:`SECONDARY` per cell.
    row_totals, col_totals : tuple of str
        The same per row / column total (empty when the table has no such margin).
    grand_total : str
        The same for the grand total ("" when the table has none).
    exposed : tuple of tuple
        Hidden entries a reader can still solve exactly, as ``("cell", row, col)``,
        ``("row", row, 0)``, ``("col", col, 0)`` or ``("grand", 0, 0)``: left only when a
        fixed total cannot be hidden and no part of its line is left to hide. Empty means
        every hidden entry keeps at least two possible values.
    """

    cells: tuple[tuple[str, ...], ...]
    row_totals: tuple[str, ...] = ()
    col_totals: tuple[str, ...] = ()
    grand_total: str = ""
    exposed: tuple[_Entry, ...] = ()

    def hidden(self, row: int, col: int) -> bool:
        """True when cell ``(row, col)`` is not shown (primary or secondary)."""
        return self.cells[row][col] != SHOWN

    def display(self, row: int, col: int, value: int, k: int) -> str:
        """The text of cell ``(row, col)``: its count, ``"< k"`` or :data:`MASK`."""
        return display_count(value, self.cells[row][col], k)


def display_count(value: int, status: str, k: int) -> str:
    """Show a count by its suppression status: the count, ``"< k"`` or :data:`MASK`."""
    if status == SECONDARY:
        return MASK
    return suppress_count(value, k)


def _status(value: int, k: int) -> str:
    return PRIMARY if value < k else SHOWN


def complementary_suppression(
    cells: Sequence[Sequence[int]],
    k: int,
    *,
    row_totals: bool = False,
    col_totals: bool = False,
    grand_total: bool = False,
    lower: Sequence[Sequence[int]] | None = None,
    upper: Sequence[Sequence[int | None]] | None = None,
    fixed_totals: bool = False,
) -> TableSuppression:
    """Choose the cells to hide so that no small count can be worked out from the margins.

    Every count below ``k`` is *primary* (shown ``"< k"``). Then, as long as a reader could
    solve a hidden entry exactly from a printed total and the printed parts of its line
    (bounds narrowed across all lines), the smallest shown part of that line becomes
    *secondary* (shown as :data:`MASK`); a line with no part left to hide loses its total,
    unless ``fixed_totals``. Totals are counts too: a total below ``k`` is primary.

    Parameters
    ----------
    cells : sequence of sequence of int
        The table's counts, rows of equal length. A single column with its total is
        ``[[a], [b], ...]`` with ``col_totals=True``.
    k : int
        Small-cell threshold.
    row_totals, col_totals, grand_total : bool
        Which margins are printed: each row's sum, each column's sum, the sum of all.
    lower, upper : sequence of sequence, optional
        Per-cell bounds a reader knows from elsewhere on the page (default 0 and none):
        an agency listed as "reported" had at least 1 incident; one listed as "zero
        report" had exactly 0 (lower = upper = 0: nothing to protect).
    fixed_totals : bool
        The totals are known whatever this table shows (the page prints them elsewhere, or
        they can be derived from other figures): never hide them, and report in
        ``exposed`` what still cannot be protected.

    Returns
    -------
    TableSuppression

    Examples
    --------
    >>> s = complementary_suppression([[13], [14], [13], [2]], 5, col_totals=True)
    >>> [s.display(i, 0, v, 5) for i, v in enumerate([13, 14, 13, 2])], s.col_totals
    (['·', '14', '13', '< 5'], ('shown',))
    """
    check_k(k)
    values = [list(map(int, row)) for row in cells]
    n_rows = len(values)
    n_cols = len(values[0]) if values else 0
    if any(len(row) != n_cols for row in values):
        raise ValueError("every row of the table must have the same length")
    if any(v < 0 for row in values for v in row):
        raise ValueError("counts must be >= 0")
    value: dict[_Entry, int] = {}
    low: dict[_Entry, int] = {}
    high: dict[_Entry, float] = {}
    for i, row in enumerate(values):
        for j, v in enumerate(row):
            e = ("cell", i, j)
            value[e] = v
            low[e] = int(lower[i][j]) if lower is not None else 0
            cap = upper[i][j] if upper is not None else None
            high[e] = math.inf if cap is None else int(cap)
    lines: list[tuple[list[_Entry], _Entry]] = []
    if row_totals:
        for i in range(n_rows):
            value[("row", i, 0)] = sum(values[i])
            lines.append(([("cell", i, j) for j in range(n_cols)], ("row", i, 0)))
    if col_totals:
        for j in range(n_cols):
            value[("col", j, 0)] = sum(values[i][j] for i in range(n_rows))
            lines.append(([("cell", i, j) for i in range(n_rows)], ("col", j, 0)))
    if grand_total:
        value[("grand", 0, 0)] = sum(map(sum, values))
        if row_totals:
            lines.append(([("row", i, 0) for i in range(n_rows)], ("grand", 0, 0)))
        if col_totals:
            lines.append(([("col", j, 0) for j in range(n_cols)], ("grand", 0, 0)))
        if not row_totals and not col_totals:
            lines.append(([("cell", i, j) for i in range(n_rows) for j in range(n_cols)],
                          ("grand", 0, 0)))
    for e in value:
        if e[0] != "cell":  # a total's parts bound it; nothing else is known of it
            low[e], high[e] = 0, math.inf
    status = {e: _status(v, k) for e, v in value.items()}
    totals = {total for _parts, total in lines}
    while True:
        exposed = _exposed(lines, value, status, low, high, k)
        if not exposed:
            break
        # An entry pinned only through another one (a cell through its hidden total) is
        # protected by hiding more of the other's lines: try each exposed entry in turn.
        target = next((t for e in exposed if (t := _next_to_hide(
            e, lines, value, status, totals, fixed_totals)) is not None), None)
        if target is None:
            break
        status[target] = SECONDARY
    exposed = _exposed(lines, value, status, low, high, k)
    return TableSuppression(
        cells=tuple(tuple(status[("cell", i, j)] for j in range(n_cols)) for i in range(n_rows)),
        row_totals=tuple(status[("row", i, 0)] for i in range(n_rows)) if row_totals else (),
        col_totals=tuple(status[("col", j, 0)] for j in range(n_cols)) if col_totals else (),
        grand_total=status[("grand", 0, 0)] if grand_total else "",
        exposed=tuple(exposed),
    )


def public_range(status: str, k: int, lower: int = 0, upper: float = math.inf) -> tuple[int, float]:
    """The values a reader allows for an entry shown with ``status`` (``inf``: unbounded)."""
    if status == PRIMARY:
        return lower, min(upper, k - 1)
    if status == SECONDARY:
        return max(lower, k), upper
    raise ValueError("a shown entry has no range: its value is printed")


def _exposed(
    lines: list[tuple[list[_Entry], _Entry]],
    value: dict[_Entry, int],
    status: dict[_Entry, str],
    low: dict[_Entry, int],
    high: dict[_Entry, float],
    k: int,
) -> list[_Entry]:
    """Hidden entries whose every consistent value is one number, after bound propagation."""
    lo: dict[_Entry, float] = {}
    hi: dict[_Entry, float] = {}
    for e, s in status.items():
        if s == SHOWN:
            lo[e] = hi[e] = value[e]
        else:
            lo[e], hi[e] = public_range(s, k, low[e], high[e])
    start = {e: (lo[e], hi[e]) for e in status if status[e] != SHOWN}
    changed = True
    while changed:
        changed = False
        for parts, total in lines:
            entries = [*parts, total]
            # sum(parts) - total = 0: each unknown lies between what the others allow.
            sign = {e: 1 for e in parts}
            sign[total] = -1
            for e in entries:
                if status[e] == SHOWN:
                    continue
                rest_lo = sum(sign[o] * (lo[o] if sign[o] > 0 else hi[o])
                              for o in entries if o != e)
                rest_hi = sum(sign[o] * (hi[o] if sign[o] > 0 else lo[o])
                              for o in entries if o != e)
                # sign[e] * x = -rest, so x lies in [-rest_hi, -rest_lo] times sign[e].
                new_lo, new_hi = (-rest_hi, -rest_lo) if sign[e] > 0 else (rest_lo, rest_hi)
                if new_lo > lo[e]:
                    lo[e], changed = new_lo, True
                if new_hi < hi[e]:
                    hi[e], changed = new_hi, True
    return [e for e in sorted(start) if start[e][0] < start[e][1] and lo[e] >= hi[e]]


def _next_to_hide(
    exposed: _Entry,
    lines: list[tuple[list[_Entry], _Entry]],
    value: dict[_Entry, int],
    status: dict[_Entry, str],
    totals: set[_Entry],
    fixed_totals: bool,
) -> _Entry | None:
    """The smallest shown part of a line through ``exposed``; else that line's total."""
    through = [(parts, total) for parts, total in lines if exposed in (*parts, total)]
    candidates = [e for parts, _total in through for e in parts
                  if status[e] == SHOWN and not (fixed_totals and e in totals)]
    if candidates:
        return min(candidates, key=lambda e: (value[e], e))
    if fixed_totals:
        return None
    open_totals = [total for _parts, total in through if status[total] == SHOWN]
    return min(open_totals, key=lambda e: (value[e], e)) if open_totals else None
