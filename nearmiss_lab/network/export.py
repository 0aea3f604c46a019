"""Writing a :class:`NetworkResult` to disk: GraphML (Gephi), node-link JSON, CSV, Parquet."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx
import polars as pl

if TYPE_CHECKING:
    from nearmiss_lab.network.analysis import NetworkResult


def _graphml_safe(graph: nx.Graph) -> nx.Graph:
    """Copy without attributes GraphML cannot store (None) and with plain Python scalars."""
    out = nx.Graph()
    for node, data in graph.nodes(data=True):
        out.add_node(node, **{k: v for k, v in data.items() if v is not None})
    for u, v, data in graph.edges(data=True):
        out.add_edge(u, v, **{k: v2 for k, v2 in data.items() if v2 is not None})
    return out


def export_network(result: NetworkResult, out_dir: str | Path) -> dict[str, Path]:
    """Write the result into ``out_dir`` and return the paths written by kind.

    Files: ``network.graphml``, ``network.json`` (node-link), ``edges.csv``, ``nodes.csv``,
    ``emerging.csv``, ``edges.parquet``, ``nodes.parquet``, ``emerging.parquet``,
    ``summary.json`` (what ``nearmiss network --json`` prints).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    paths["graphml"] = out / "network.graphml"
    nx.write_graphml(_graphml_safe(result.graph), paths["graphml"])
    paths["node_link"] = out / "network.json"
    paths["node_link"].write_text(
        json.dumps(nx.node_link_data(result.graph, edges="links"), indent=1, default=str)
    )
    frames: dict[str, pl.DataFrame] = {
        "edges": result.edges,
        "nodes": result.nodes,
        "emerging": result.emerging,
    }
    for name, frame in frames.items():
        paths[f"{name}_csv"] = out / f"{name}.csv"
        frame.write_csv(paths[f"{name}_csv"])
        paths[f"{name}_parquet"] = out / f"{name}.parquet"
        frame.write_parquet(paths[f"{name}_parquet"])
    paths["summary"] = out / "summary.json"
    paths["summary"].write_text(json.dumps(result.to_json(), indent=1) + "\n")
    return paths
