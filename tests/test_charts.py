"""Charts render to inline SVG offline, and small counts never size a bar or a node."""

from __future__ import annotations

import re

import networkx as nx
import polars as pl
import pytest

from nearmiss_lab import charts
from nearmiss_lab.bulletin.checks import page_problems


def svg_texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def bar_widths(svg: str) -> list[float]:
    """Widths of the bars vl-convert draws as ``<path ... d="M0,y hW v ...">`` elements."""
    pattern = r'aria-roledescription="bar" d="M0,[0-9.]+h([0-9.]+)v'
    return [float(w) for w in re.findall(pattern, svg)]


@pytest.fixture(scope="module")
def bars() -> charts.Figure:
    frame = pl.DataFrame({"code": ["HF.FATIGUE", "EQ.RADIO", "ENV.DARKNESS"], "n": [12, 3, 7],
                          "up": [True, False, False]})
    return charts.count_bars(frame, category="code", count="n", k=5, rise="up", title="Top")


def test_bars_label_small_counts_as_less_than_k_and_large_ones_exactly(bars):
    texts = svg_texts(bars.svg)
    assert "&lt; 5" in texts and "12" in texts and "7" in texts
    assert "3" not in texts[texts.index("HF.FATIGUE") + 1:], "the small count must not be drawn"
    assert "n: 3" not in bars.svg and "value: 3" not in bars.svg  # nor hidden in aria labels


def test_a_small_count_draws_no_bar(bars):
    # Two bars with length (12 and 7); the suppressed one has none.
    widths = bar_widths(bars.svg)
    assert len(widths) == 2
    assert widths[0] / widths[1] == pytest.approx(12 / 7, rel=0.02)


def test_chart_html_is_inline_svg_that_needs_no_network(bars):
    markup = bars._repr_html_()
    assert markup.startswith('<figure class="nm-figure"><svg')
    assert page_problems(f"<html><body>{markup}</body></html>") == []
    assert "<script" not in markup


def test_monthly_counts_suppress_small_months():
    frame = pl.DataFrame({"m": ["2024-01", "2024-02", "2024-03"], "n": [4, 9, 0]})
    fig = charts.monthly_counts(frame, month="m", count="n", k=5)
    texts = svg_texts(fig.svg)
    assert texts.count("&lt; 5") == 2 and "9" in texts


def test_network_figure_labels_nodes_with_suppressed_counts_and_is_deterministic():
    graph = nx.Graph()
    graph.add_edge("EQ.RADIO", "HF.COMMUNICATION", lift=2.5)
    graph.add_edge("HF.COMMUNICATION", "TAC.NO_BACKUP", lift=1.4)
    counts = {"EQ.RADIO": 40, "HF.COMMUNICATION": 3, "TAC.NO_BACKUP": 9}
    first = charts.network_figure(graph, k=5, node_counts=counts, title="Net")
    texts = svg_texts(first.svg)
    assert "EQ.RADIO (40)" in texts and "HF.COMMUNICATION (&lt; 5)" in texts
    assert "TAC.NO_BACKUP (9)" in texts
    assert not any("(3)" in t for t in texts)
    again = charts.network_figure(graph, k=5, node_counts=counts, title="Net")
    assert again.svg == first.svg, "seeded layout: the same graph draws the same figure"


def test_network_positions_come_from_networkx_spring_layout():
    graph = nx.path_graph(["A", "B", "C"])
    pos = charts.network_positions(graph, seed=7)
    expected = nx.spring_layout(graph, seed=7, weight="weight")
    for node in graph:
        assert pos[node] == pytest.approx(tuple(expected[node]))


def test_empty_inputs_give_a_figure_that_says_so():
    assert "nothing to show" in charts.count_bars(
        pl.DataFrame({"c": [], "n": []}, schema={"c": pl.String, "n": pl.Int64}),
        category="c", count="n", k=5).svg
    assert "no significant pairs" in charts.network_figure(nx.Graph(), k=5).svg


def test_an_edge_with_a_small_count_is_drawn_at_the_thinnest_width():
    graph = nx.Graph()
    graph.add_edge("A", "B", lift=5.0, count=3)
    graph.add_edge("B", "C", lift=5.0, count=30)
    svg = charts.network_figure(graph, k=5, node_counts={"A": 9, "B": 40, "C": 30}).svg
    lines = re.findall(r'<line [^>]*aria-roledescription="rule mark"[^>]*>', svg)
    widths = sorted(float(re.search(r'stroke-width="([0-9.]+)"', ln).group(1)) for ln in lines)
    assert len(widths) == 2 and widths[0] < widths[1]


def test_components_are_packed_in_a_grid_inside_the_unit_box():
    graph = nx.Graph([("A", "B"), ("B", "C"), ("D", "E"), ("F", "G")])
    pos = charts.network_positions(graph, seed=7)
    assert set(pos) == set(graph)
    assert all(-1 <= x <= 1 and -1 <= y <= 1 for x, y in pos.values())
    # Each component stays in its own grid cell: the components do not overlap.
    boxes = []
    for comp in nx.connected_components(graph):
        xs = [pos[n][0] for n in comp]
        ys = [pos[n][1] for n in comp]
        boxes.append((min(xs), max(xs), min(ys), max(ys)))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a[1] < b[0] or b[1] < a[0] or a[3] < b[2] or b[3] < a[2]


def test_monthly_counts_mask_a_month_withheld_to_protect_a_small_one():
    # 3 + 40 + 41 + 9 under a known window total: the 9 is masked too, and draws no column.
    frame = pl.DataFrame({"m": ["2024-01", "2024-02", "2024-03", "2024-04"], "n": [3, 40, 41, 9],
                          "s": ["primary", "shown", "shown", "secondary"]})
    svg = charts.monthly_counts(frame, month="m", count="n", k=5, status="s").svg
    texts = svg_texts(svg)
    assert "&lt; 5" in texts and "·" in texts and "40" in texts and "41" in texts
    assert "9" not in texts and "3" not in texts
    columns = re.findall(r'aria-roledescription="bar"', svg)
    assert len(columns) == 2, "only the shown months have a column"
