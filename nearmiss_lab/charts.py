"""Charts for notebooks and bulletins: altair specs rendered to inline SVG by vl-convert.

Altair's default renderers load vega from a CDN (blank offline) and its 6.3 mimetype bundle
breaks papermill (see ENVIRONMENT.md), so every chart here is converted to SVG in-process and
returned as markup that nbconvert inlines. Counts below the small-cell threshold ``k`` never
set a bar length or a node size: they are drawn as a label ``"< k"`` instead.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from typing import Any

import altair as alt
import networkx as nx
import polars as pl

from nearmiss_lab.bulletin.suppression import (
    SECONDARY,
    check_k,
    display_count,
    is_small,
    suppress_count,
)

SUPPRESSED_COLOUR = "#9e9e9e"
BAR_COLOUR = "#2f5d8a"
RISE_COLOUR = "#b5442c"


class Figure:
    """An SVG figure that renders inline in notebooks and in exported HTML.

    ``_repr_html_`` (not ``_repr_svg_``) so nbconvert writes the SVG into the page as markup,
    not as a base64 image: the text in it stays searchable and no file is referenced.
    """

    def __init__(self, svg: str, caption: str = "") -> None:
        self.svg = svg
        self.caption = caption

    def _repr_html_(self) -> str:
        cap = f"<figcaption>{html.escape(self.caption)}</figcaption>" if self.caption else ""
        return f'<figure class="nm-figure">{self.svg}{cap}</figure>'

    def __repr__(self) -> str:  # text/plain fallback; the HTML is what readers see
        return f"<Figure {self.caption!r} ({len(self.svg):,} bytes of SVG)>"


def to_svg(chart: alt.TopLevelMixin) -> str:
    """Render an altair chart to an SVG string with vl-convert (no browser, no network)."""
    import vl_convert as vlc

    return vlc.vegalite_to_svg(chart.to_dict())


def empty_figure(message: str) -> Figure:
    """A figure that says there is nothing to draw (keeps the page layout honest)."""
    chart = (
        alt.Chart(pl.DataFrame({"t": [message]}))
        .mark_text(fontSize=13, color="#555")
        .encode(text="t:N")
        .properties(width=420, height=40)
    )
    return Figure(to_svg(chart))


def count_bars(
    frame: pl.DataFrame,
    *,
    category: str,
    count: str,
    k: int,
    title: str = "",
    rise: str | None = None,
) -> Figure:
    """Horizontal bars of incident counts with small counts suppressed.

    Parameters
    ----------
    frame : polars.DataFrame
        One row per bar.
    category, count : str
        Column names of the bar label and of its incident count.
    k : int
        Small-cell threshold: bars for counts below ``k`` get no length, only ``"< k"``.
    title : str
        Chart title.
    rise : str, optional
        Boolean column; true rows are coloured as rising against the baseline.

    Returns
    -------
    Figure
    """
    check_k(k)
    if frame.is_empty():
        return empty_figure(title + ": nothing to show" if title else "nothing to show")
    counts = frame[count].to_list()
    data = pl.DataFrame({
        "category": frame[category].cast(pl.String),
        "value": [None if is_small(c, k) else c for c in counts],
        "label": [suppress_count(c, k) for c in counts],
        "suppressed": [is_small(c, k) for c in counts],
        "rise": frame[rise].to_list() if rise else [False] * frame.height,
    })
    y = alt.Y("category:N", sort=data["category"].to_list(), title=None)
    colour = alt.condition(alt.datum.rise, alt.value(RISE_COLOUR), alt.value(BAR_COLOUR))
    bars = alt.Chart(data).mark_bar().encode(y=y, x=alt.X("value:Q", title=count), color=colour)
    labels = (
        alt.Chart(data)
        .mark_text(align="left", dx=4, fontSize=11)
        .encode(
            y=y,
            x=alt.X("value:Q"),
            text="label:N",
            color=alt.condition(
                alt.datum.suppressed, alt.value(SUPPRESSED_COLOUR), alt.value("#222")
            ),
        )
        # A suppressed bar has no length; its label sits at the axis origin.
        .transform_calculate(value="datum.value === null ? 0 : datum.value")
    )
    chart = (bars + labels).properties(width=420, height=max(60, 18 * frame.height), title=title)
    return Figure(to_svg(chart))


def monthly_counts(
    frame: pl.DataFrame, *, month: str, count: str, k: int, title: str = "",
    status: str | None = None,
) -> Figure:
    """Incidents per month as columns; months below ``k`` show ``"< k"`` and no column.

    ``status`` names a column of suppression statuses
    (:func:`~nearmiss_lab.bulletin.suppression.complementary_suppression`): a month marked
    secondary is masked too (label ``·``, no column), so that a small month cannot be
    worked out from the window's total.
    """
    check_k(k)
    if frame.is_empty():
        return empty_figure(title + ": nothing to show" if title else "nothing to show")
    counts = frame[count].to_list()
    statuses = frame[status].to_list() if status else [None] * frame.height
    hidden = [is_small(c, k) or s == SECONDARY for c, s in zip(counts, statuses, strict=True)]
    data = pl.DataFrame({
        "month": frame[month].cast(pl.String),
        "value": [None if h else c for c, h in zip(counts, hidden, strict=True)],
        "label": [display_count(c, s or "", k) for c, s in zip(counts, statuses, strict=True)],
    })
    x = alt.X("month:O", title=None)
    cols = alt.Chart(data).mark_bar(color=BAR_COLOUR).encode(x=x, y=alt.Y("value:Q", title=count))
    labels = (
        alt.Chart(data)
        .transform_calculate(value="datum.value === null ? 0 : datum.value")
        .mark_text(dy=-6, fontSize=10)
        .encode(x=x, y="value:Q", text="label:N")
    )
    chart = (cols + labels).properties(width=460, height=160, title=title)
    return Figure(to_svg(chart))


def network_positions(graph: nx.Graph, seed: int = 7) -> dict[Any, tuple[float, float]]:
    """Node positions in [-1, 1]², from networkx's spring layout, seeded.

    Each connected component is laid out on its own and the components are packed in a
    grid, largest first: one spring layout of a disconnected graph pushes the components to
    the corners and leaves the middle empty. A connected graph gets exactly
    ``nx.spring_layout(graph, seed=seed)``.
    """
    if graph.number_of_nodes() == 0:
        return {}
    components = sorted((sorted(c, key=str) for c in nx.connected_components(graph)),
                        key=lambda c: (-len(c), str(c[0])))
    cols = math.ceil(math.sqrt(len(components)))
    rows = math.ceil(len(components) / cols)
    shrink = 1.0 if len(components) == 1 else 0.75
    pos: dict[Any, tuple[float, float]] = {}
    for i, nodes in enumerate(components):
        sub = graph.subgraph(nodes)
        layout = nx.spring_layout(sub, seed=seed, weight="weight") if len(nodes) > 1 \
            else {nodes[0]: (0.0, 0.0)}
        r, c = divmod(i, cols)
        cx, cy = -1 + (2 * c + 1) / cols, 1 - (2 * r + 1) / rows
        for node, (x, y) in layout.items():
            pos[node] = (cx + float(x) * shrink / cols, cy + float(y) * shrink / rows)
    return pos


def network_figure(
    graph: nx.Graph,
    *,
    k: int,
    node_counts: Mapping[Any, int] | None = None,
    highlight: set[frozenset[Any]] | None = None,
    title: str = "",
    seed: int = 7,
) -> Figure:
    """The co-occurrence network as an SVG: nodes at networkx positions, edges as lines.

    Parameters
    ----------
    graph : networkx.Graph
        Significant edges; edge attribute ``lift`` (or ``weight``) sets line width, except
        for edges whose ``count`` is below ``k``, drawn at the thinnest width.
    k : int
        Small-cell threshold: nodes whose incident count is below ``k`` get the smallest
        size and a ``"< k"`` label, so size never reveals a small count.
    node_counts : mapping, optional
        Incidents per node; defaults to the node attribute ``count`` when present.
    highlight : set of frozenset, optional
        Edges to draw in the "rising" colour (emerging pairs).
    title : str
        Chart title.
    seed : int
        Layout seed.

    Returns
    -------
    Figure
    """
    check_k(k)
    if graph.number_of_nodes() == 0:
        return empty_figure("no significant pairs this period")
    pos = network_positions(graph, seed)
    counts = dict(node_counts or {})
    for node, attrs in graph.nodes(data=True):
        counts.setdefault(node, attrs.get("count"))
    highlight = highlight or set()
    edge_rows = []
    for a, b, attrs in graph.edges(data=True):
        strength = attrs.get("lift", attrs.get("weight", 1.0)) or 1.0
        if is_small(attrs.get("count"), k):
            strength = 1.0  # with the node counts, a width would let a reader recompute it
        edge_rows.append({
            "x": pos[a][0], "y": pos[a][1], "x2": pos[b][0], "y2": pos[b][1],
            "width": float(min(max(strength, 1.0), 6.0)),
            "emerging": frozenset((a, b)) in highlight,
        })
    node_rows = []
    for node in graph.nodes:
        c = counts.get(node)
        small = c is None or is_small(c, k)
        node_rows.append({
            "x": pos[node][0], "y": pos[node][1], "code": str(node),
            "size": 60.0 if small or c is None else float(60 + 12 * min(c, 400) ** 0.75),
            "label": f"{node} ({suppress_count(c, k)})" if c is not None else str(node),
            "small": small,
        })
    def x() -> alt.X:
        return alt.X("x:Q", scale=alt.Scale(domain=[-1.25, 1.25]), axis=None)

    def y() -> alt.Y:
        return alt.Y("y:Q", scale=alt.Scale(domain=[-1.15, 1.15]), axis=None)

    edges = (
        alt.Chart(pl.DataFrame(edge_rows))
        .mark_rule(opacity=0.55)
        .encode(
            x=x(), y=y(), x2="x2:Q", y2="y2:Q",
            strokeWidth=alt.StrokeWidth("width:Q", legend=None),
            color=alt.condition(alt.datum.emerging, alt.value(RISE_COLOUR), alt.value("#8aa1b8")),
        )
    )
    nodes = (
        alt.Chart(pl.DataFrame(node_rows))
        .mark_circle(opacity=0.9, stroke="white", strokeWidth=1)
        .encode(
            x=x(), y=y(),
            size=alt.Size("size:Q", legend=None, scale=None),
            color=alt.condition(alt.datum.small, alt.value(SUPPRESSED_COLOUR),
                                alt.value(BAR_COLOUR)),
        )
    )
    labels = (
        alt.Chart(pl.DataFrame(node_rows))
        .mark_text(dy=-11, fontSize=10, color="#222")
        .encode(x=x(), y=y(), text="label:N")
    )
    layers = [nodes, labels] if not edge_rows else [edges, nodes, labels]
    chart = alt.layer(*layers).properties(width=640, height=480, title=title)
    chart = chart.configure_view(stroke=None)
    return Figure(to_svg(chart))
