"""Cells of ``02-factor-network``: a researcher's look at the co-occurrence network.

Same suppression rule as the bulletin (counts below ``k`` read ``"< k"``), because executed
notebooks travel; the exact numbers stay available in the files :func:`export` writes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import polars as pl

from nearmiss_lab import charts
from nearmiss_lab.bulletin.data import resolve_store
from nearmiss_lab.bulletin.html import Html, escape, paragraph, section, table
from nearmiss_lab.bulletin.sections import MEASURES
from nearmiss_lab.bulletin.suppression import check_k, suppress_count, suppress_frame


@dataclass
class Exploration:
    """A network analysis of one window of the store."""

    network: Any
    incidents: int
    since: str
    until: str
    version: int
    store: str
    k: int


def load_network(
    store: str | os.PathLike[str],
    *,
    since: str = "",
    until: str = "",
    baseline_months: int = 6,
    min_count: int = 5,
    fdr: float = 0.05,
    k: int = 5,
) -> Exploration:
    """Analyse the incidents of ``since``..``until`` ('' = open) at the store's latest version.

    Returns
    -------
    Exploration
        ``network`` is :class:`nearmiss_lab.network.NetworkResult` with every measure.
    """
    from nearmiss_lab.network import analyse
    from nearmiss_lab.store import load_incidents, store_version

    check_k(k)
    root = resolve_store(store)
    version = store_version(root, "incidents")
    frame = load_incidents(root, version=version).collect()
    months = sorted(frame["occurred_month"].drop_nulls().unique().to_list())
    first: str = since or (months[0] if months else "")
    last: str = until or (months[-1] if months else "")
    network = analyse(frame, period=(first or None, last or None),
                      baseline_months=baseline_months, min_count=min_count, fdr=fdr,
                      store_version=version)
    in_window = pl.col("occurred_month").is_between(pl.lit(first), pl.lit(last))
    n = frame.filter(in_window).height if first else 0
    return Exploration(network, n, str(first), str(last), version, root.name, k)


def summary(exp: Exploration) -> Html:
    """Window, incidents, codes, tested and significant pairs, communities."""
    edges = exp.network.edges
    significant = edges.filter(pl.col("significant")).height if not edges.is_empty() else 0
    rows = [
        ("store (incidents table version)", f"{exp.store} (v{exp.version})"),
        ("window", f"{exp.since} to {exp.until}"),
        ("incidents", suppress_count(exp.incidents, exp.k)),
        ("codes seen", str(exp.network.nodes.height)),
        ("pairs tested", str(edges.height)),
        ("significant pairs", str(significant)),
        ("communities of 2+ codes", str(sum(len(c) > 1 for c in exp.network.communities))),
    ]
    frame = pl.DataFrame(rows, schema={"item": pl.String, "value": pl.String}, orient="row")
    return section("Factor network: summary", [table(frame)], style=True)


def pairs(exp: Exploration, n: int = 30) -> Html:
    """Every tested pair (significant first) with its measures; counts suppressed below k."""
    edges = exp.network.edges.head(n)
    cols = [c for c in ("source", "target", "count", *MEASURES, "significant")
            if c in edges.columns]
    shown = suppress_frame(edges.select(cols), exp.k, ["count"],
                           {c: MEASURES[c] for c in cols if c in MEASURES})
    return section("Tested pairs", [table(shown, caption=f"Top {n} by significance",
                                           numeric=[c for c in cols if c in MEASURES])])


def figure(exp: Exploration) -> Html:
    """The significant-edge graph (positions from networkx)."""
    nodes = exp.network.nodes
    support = dict(nodes.select("code", "support").iter_rows()) if not nodes.is_empty() else {}
    graph = exp.network.graph.copy()
    graph.remove_nodes_from([v for v in list(graph.nodes) if graph.degree(v) == 0])
    fig = charts.network_figure(graph, k=exp.k, node_counts=support,
                                title=f"Significant co-occurrence, {exp.since} to {exp.until}")
    return section("Network", [fig._repr_html_()])


def communities(exp: Exploration) -> Html:
    """Louvain communities of the significant graph, with member labels."""
    nodes = exp.network.nodes
    labels = dict(nodes.select("code", "label").iter_rows()) if not nodes.is_empty() else {}
    groups = [members for members in exp.network.communities if len(members) > 1]
    items = "".join(
        f"<li>{escape(', '.join(f'{c} ({labels.get(c) or c})' for c in members))}</li>"
        for members in groups
    )
    body = f"<ol>{items}</ol>" if items else paragraph("No communities: no significant pairs.")
    alone = len(exp.network.communities) - len(groups)
    note = paragraph(f"{alone} code(s) with no significant pair are not listed.", "nm-note")
    return section("Communities", [body, note])


def emerging(exp: Exploration, n: int = 15) -> Html:
    """Pairs tested against the baseline window, most significant first."""
    frame = exp.network.emerging.head(n)
    cols = [c for c in ("source", "target", "count", "baseline_count", "rate_ratio", "q_value",
                        "rose", "new") if c in frame.columns]
    # "new" is "baseline count is 0", and the q-value and "rose" test the rise against the
    # baseline count: beside a baseline shown as "< k" each would give it back.
    derived = {"rate_ratio": "\u00d7{:.2f}", "q_value": "{:.2g}", "rose": "{}", "new": "{}"}
    shown = suppress_frame(frame.select(cols), exp.k, ["count", "baseline_count"],
                           {c: f for c, f in derived.items() if c in cols})
    return section("Change against the baseline", [table(shown, numeric=("rate_ratio",
                                                                          "q_value"))])


def export(exp: Exploration, out: str) -> Html:
    """Write GraphML (Gephi), node-link JSON, CSV and Parquet to ``out`` ('' = skip)."""
    if not out:
        return section("Exports", [paragraph("Set the parameter out to a folder to write "
                                             "GraphML, JSON, CSV and Parquet files.")])
    from nearmiss_lab.network import export_network

    paths = export_network(exp.network, out)
    names = "".join(f"<li>{escape(p.name)}</li>" for p in paths.values())
    return section("Exports", [paragraph(f"Written to {out} (exact counts: keep them "
                                         "inside the hub):"), f"<ul>{names}</ul>"])
