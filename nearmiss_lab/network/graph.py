"""The networkx graph of significant pairs: attributes, communities, centralities, backbone.

Only codes (tens of nodes) become graph nodes; incidents never do.
"""

from __future__ import annotations

import math
from typing import Any

import networkx as nx
import polars as pl

EDGE_ATTRS = (
    "count",
    "expected",
    "lift",
    "pmi",
    "npmi",
    "jaccard",
    "association_strength",
    "yule_q",
    "odds_ratio",
    "or_low",
    "or_high",
    "p_value",
    "q_value",
    "text_derived",
)
_INT_ATTRS = frozenset({"count", "text_derived"})


def category_of(code: str) -> str:
    """Category prefix of a taxonomy code (``HF.FATIGUE`` -> ``HF``)."""
    return code.split(".", 1)[0]


def build_graph(
    pairs: pl.DataFrame,
    support: dict[str, int],
    *,
    labels: dict[str, str] | None = None,
    only_significant: bool = True,
) -> nx.Graph:
    """Graph with a node per code seen in the period and an edge per significant pair.

    Node attributes: ``label``, ``category``, ``support``. Edge attributes: the measures in
    :data:`EDGE_ATTRS` (floats; GraphML cannot hold nulls, so untested values are omitted).
    """
    graph = nx.Graph()
    for code, count in sorted(support.items()):
        graph.add_node(
            code,
            label=(labels or {}).get(code, code),
            category=category_of(code),
            support=int(count),
        )
    rows = pairs.filter(pl.col("significant")) if only_significant else pairs
    for row in rows.iter_rows(named=True):
        attrs: dict[str, Any] = {}
        for key in EDGE_ATTRS:
            value = row.get(key)
            if value is None or (isinstance(value, float) and not math.isfinite(value)):
                continue
            attrs[key] = int(value) if key in _INT_ATTRS else float(value)
        graph.add_edge(row["source"], row["target"], **attrs)
    return graph


def detect_communities(
    graph: nx.Graph, *, weight: str = "npmi", seed: int = 0, resolution: float = 1.0
) -> list[list[str]]:
    """Louvain communities of the significant graph, seeded so a bulletin is reproducible.

    Isolated codes form singleton communities. Returned largest first, members sorted.
    """
    if graph.number_of_nodes() == 0:
        return []
    found = nx.community.louvain_communities(
        graph, weight=weight, seed=seed, resolution=resolution
    )
    groups = [sorted(c) for c in found]
    return sorted(groups, key=lambda g: (-len(g), g[0]))


def add_centralities(graph: nx.Graph, *, weight: str = "npmi") -> None:
    """Set node attributes ``degree``, ``strength``, ``degree_centrality``, ``betweenness``.

    Betweenness uses the distance ``1 / weight`` so strongly associated codes are close.
    """
    for _u, _v, data in graph.edges(data=True):
        w = data.get(weight, 0.0)
        data["distance"] = 1.0 / w if w and w > 0 else 1e9
    degree_c = nx.degree_centrality(graph) if graph.number_of_nodes() > 1 else {}
    between = nx.betweenness_centrality(graph, weight="distance", normalized=True)
    for node in graph.nodes:
        graph.nodes[node]["degree"] = int(graph.degree(node))
        graph.nodes[node]["strength"] = float(graph.degree(node, weight=weight))
        graph.nodes[node]["degree_centrality"] = float(degree_c.get(node, 0.0))
        graph.nodes[node]["betweenness"] = float(between.get(node, 0.0))


def disparity_filter(graph: nx.Graph, *, weight: str = "count", alpha: float = 0.05) -> None:
    """Mark the disparity-filter backbone (Serrano, Boguna & Vespignani 2009) in place.

    For a node of degree ``k > 1`` and an edge carrying share ``p`` of its strength, the edge's
    significance is ``(1 - p) ** (k - 1)``; an edge is in the backbone when that is below
    ``alpha`` for either endpoint. Sets edge attributes ``disparity_alpha`` and ``backbone``.
    """
    for u, v, data in graph.edges(data=True):
        best = 1.0
        for node in (u, v):
            k = graph.degree(node)
            strength = graph.degree(node, weight=weight)
            if k > 1 and strength > 0:
                share = data.get(weight, 0.0) / strength
                best = min(best, (1.0 - share) ** (k - 1))
            elif k == 1:
                best = min(best, 0.0)  # a node's only edge is always kept
        data["disparity_alpha"] = float(best)
        data["backbone"] = bool(best < alpha)
