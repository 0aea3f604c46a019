"""Small-cell suppression: every count of incidents below ``k`` is shown as ``"< k"``.

One helper serves tables, charts and running text so the rule cannot drift between them.
A figure *derived* from a suppressed count (a share, a change, a lift) would let a reader
recompute the count, so it is masked too (:data:`MASK`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
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
