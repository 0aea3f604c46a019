"""Escaped HTML building blocks for notebook outputs.

Everything that came from data (narratives, codes, agency pseudonyms, table cells) goes
through :func:`escape`; only markup written here and SVG produced by vl-convert is trusted.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

import polars as pl

#: A small stylesheet carried inside the first section, so the page needs no external CSS.
STYLE = """<style>
.nm-section{max-width:72rem;margin:0 0 1.6rem 0;font-size:15px;line-height:1.45}
.nm-section h2{border-bottom:2px solid #2f5d8a;padding-bottom:.2rem}
.nm-table{border-collapse:collapse;margin:.5rem 0;font-size:13px}
.nm-section .nm-table th,.nm-section .nm-table td{border:1px solid #ccd;padding:.2rem .5rem;
text-align:left}
.nm-section .nm-table td.num{text-align:right;font-variant-numeric:tabular-nums;
white-space:nowrap}
.nm-section .nm-table th{white-space:nowrap}
.nm-table caption{caption-side:top;text-align:left;font-weight:600;padding:.2rem 0}
.nm-headline{display:flex;gap:1.2rem;flex-wrap:wrap}
.nm-stat{border:1px solid #ccd;border-radius:6px;padding:.5rem .9rem;min-width:9rem}
.nm-stat b{display:block;font-size:1.6rem}
.nm-report{border-left:4px solid #2f5d8a;padding:.4rem .9rem;margin:.8rem 0;background:#f6f8fb}
.nm-section pre{white-space:pre-wrap;word-break:normal;overflow-wrap:break-word;
font-family:inherit;font-size:14px}
.nm-note{color:#555;font-size:13px}
.nm-repl{background:#fff2b3;border-radius:3px}
.nm-low{background:#ffd7d0}
.nm-miss{background:none;text-decoration:underline wavy #b5442c}
</style>"""


class Html:
    """Markup that notebooks display as ``text/html`` (and nbconvert inlines)."""

    def __init__(self, markup: str, text: str = "") -> None:
        self.markup = markup
        self.text = text

    def _repr_html_(self) -> str:
        return self.markup

    def __repr__(self) -> str:  # text/plain fallback shown by consoles and kept by nbval
        return self.text or f"<Html {len(self.markup):,} characters>"

    def __str__(self) -> str:
        return self.markup


def escape(value: object) -> str:
    """HTML-escape any value's text (quotes included, so it is safe in attributes too)."""
    return html.escape("" if value is None else str(value), quote=True)


def paragraph(text: str, cls: str = "") -> str:
    """One escaped paragraph."""
    attr = f' class="{escape(cls)}"' if cls else ""
    return f"<p{attr}>{escape(text)}</p>"


def table(
    frame: pl.DataFrame,
    *,
    caption: str = "",
    numeric: Iterable[str] = (),
    headers: dict[str, str] | None = None,
    empty: str = "nothing to show",
) -> str:
    """Render a (display) frame as an HTML table with every cell escaped.

    Parameters
    ----------
    frame : polars.DataFrame
        Rows to show, already suppressed and formatted.
    caption : str
        Table caption.
    numeric : iterable of str
        Columns aligned right.
    headers : dict, optional
        Column name to header text.
    empty : str
        Text shown instead of an empty table.
    """
    if frame.is_empty():
        return paragraph(f"{caption}: {empty}" if caption else empty, "nm-note")
    numeric = set(numeric)
    headers = headers or {}
    head = "".join(f"<th>{escape(headers.get(c, c))}</th>" for c in frame.columns)
    body = []
    for row in frame.iter_rows():
        cells = "".join(
            f'<td class="num">{escape(v)}</td>' if col in numeric else f"<td>{escape(v)}</td>"
            for col, v in zip(frame.columns, row, strict=True)
        )
        body.append(f"<tr>{cells}</tr>")
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    return (f'<table class="nm-table">{cap}<thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')


def section(title: str, parts: Sequence[str], *, level: int = 2, style: bool = False) -> Html:
    """Wrap already-safe ``parts`` under an escaped heading."""
    css = STYLE if style else ""
    markup = (
        f'{css}<section class="nm-section"><h{level}>{escape(title)}</h{level}>'
        + "".join(parts)
        + "</section>"
    )
    return Html(markup, text=title)


def highlight_spans(text: str, spans: Iterable[tuple[int, int, str]]) -> str:
    """Escape ``text`` and wrap each ``(start, end, css_class)`` span in a ``<mark>``.

    Overlapping spans are resolved by keeping the earlier-starting (then longer) one, so
    the output is always well-formed.
    """
    out: list[str] = []
    cursor = 0
    for start, end, cls in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if start < cursor or end <= start or end > len(text):
            continue
        out.append(escape(text[cursor:start]))
        out.append(f'<mark class="{escape(cls)}">{escape(text[start:end])}</mark>')
        cursor = end
    out.append(escape(text[cursor:]))
    return "".join(out)
