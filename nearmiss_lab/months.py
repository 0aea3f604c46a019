"""Calendar-month arithmetic on ``YYYY-MM`` strings, shared by the store, the network and
the bulletin (every stage that reasons about periods)."""

from __future__ import annotations


def shift_month(month: str, delta: int) -> str:
    """Return ``YYYY-MM`` moved by ``delta`` months (negative goes back).

    Examples
    --------
    >>> shift_month("2024-01", -1), shift_month("2024-12", 1), shift_month("2023-11", 14)
    ('2023-12', '2025-01', '2025-01')
    """
    year, mon = int(month[:4]), int(month[5:7])
    index = year * 12 + (mon - 1) + delta
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_range(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` inclusive (empty when ``last`` is earlier).

    Examples
    --------
    >>> month_range("2024-11", "2025-02")
    ['2024-11', '2024-12', '2025-01', '2025-02']
    >>> month_range("2024-03", "2024-02")
    []
    """
    months = []
    current = first
    while current <= last:
        months.append(current)
        current = shift_month(current, 1)
    return months
