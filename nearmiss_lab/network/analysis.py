"""One-call network analysis of a period: the entry point for the CLI and the bulletin."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np
import polars as pl

from nearmiss_lab.months import shift_month
from nearmiss_lab.network.change import emerging_pairs, pair_counts
from nearmiss_lab.network.graph import (
    add_centralities,
    category_of,
    detect_communities,
    disparity_filter,
)
from nearmiss_lab.network.graph import build_graph as _build_graph
from nearmiss_lab.network.matrix import (
    DEFAULT_SOURCES,
    REPORTED_SOURCES,
    IncidenceMatrix,
    cooccurrence_counts,
    incidence_matrix,
    incident_codes,
)
from nearmiss_lab.network.measures import pair_table

if TYPE_CHECKING:
    from nearmiss_lab.factors import FactorModel, LexiconExtractor

JSON_EDGE_KEYS = (
    "source", "target", "count", "expected", "lift", "pmi", "npmi", "jaccard",
    "association_strength", "yule_q", "odds_ratio", "or_low", "or_high", "p_value", "q_value",
    "significant", "backbone", "text_derived",
)


@dataclass
class NetworkResult:
    """Everything the network stage computed for one period.

    Attributes
    ----------
    edges : polars.DataFrame
        Every pair with at least ``min_count`` co-occurrences this period, with all measures,
        ``significant`` and ``backbone`` flags, and ``text_derived``: how many of the pair's
        co-occurrences rest on a code read from the narrative rather than reported (0 unless
        extracted codes were counted).
    nodes : polars.DataFrame
        One row per code seen this period: support, label, category, community, centralities
        and ``text_derived`` (incidents where the code was extracted, not reported).
    emerging : polars.DataFrame
        Pairs tested against the baseline window (see :func:`emerging_pairs`).
    communities : list of list of str
        Louvain communities of the significant graph, largest first.
    graph : networkx.Graph
        Significant edges with node and edge attributes.
    params : dict
        The arguments and what they led to (``incidents``, ``sources``, ``extract``,
        ``lexicon_version``, and ``text_derived``: whether any code counted was read from
        text, so the figures are about co-mention in narratives, not officers' coding).
    codes : polars.DataFrame, optional
        The codes counted, one row per (incident, code) of the period and baseline window
        (``incident_key, occurred_month, code``; extracted codes included when counted), so a
        caller can count codes, or find the incidents behind a pair, exactly as the network did.
    """

    edges: pl.DataFrame
    nodes: pl.DataFrame
    emerging: pl.DataFrame
    communities: list[list[str]]
    graph: nx.Graph
    params: dict[str, Any] = field(default_factory=dict)
    store_version: int | None = None
    codes: pl.DataFrame | None = None

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict: ``nodes``, ``edges``, ``emerging``, ``communities``,
        ``store_version`` and ``params``; non-finite numbers become null."""
        edge_cols = [c for c in JSON_EDGE_KEYS if c in self.edges.columns]
        return {
            "store_version": self.store_version,
            "params": self.params,
            "nodes": _records(self.nodes),
            "edges": _records(self.edges.select(edge_cols)),
            "emerging": _records(self.emerging.filter(pl.col("emerging"))),
            "communities": [
                {"id": i, "size": len(members), "members": members}
                for i, members in enumerate(self.communities)
            ],
        }


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _records(frame: pl.DataFrame) -> list[dict[str, Any]]:
    return [{k: _clean(v) for k, v in row.items()} for row in frame.iter_rows(named=True)]


def _window(frame, since: str | None, until: str | None):
    """Rows of ``frame`` (DataFrame or LazyFrame) with ``occurred_month`` in since..until."""
    cond = pl.lit(True)
    if since:
        cond = cond & (pl.col("occurred_month") >= since)
    if until:
        cond = cond & (pl.col("occurred_month") <= until)
    return frame.filter(cond)


_NEEDED = ("incident_key", "agency", "record_id", "occurred_month", "activities", "factors",
           "narrative", "lessons_learned")


def _needed_columns(frame: pl.LazyFrame) -> list[str]:
    # A store row has ~30 columns; extraction and the network read these.
    names = frame.collect_schema().names()
    return [c for c in _NEEDED if c in names]


def _taxonomy_labels() -> dict[str, str]:
    try:
        from nearmiss_lab.spec import load_taxonomy
    except ImportError:
        return {}
    taxonomy = load_taxonomy()
    return {code: taxonomy.label(code) for code in taxonomy.codes}


def analyse(
    incidents: pl.LazyFrame | pl.DataFrame,
    *,
    period: tuple[str | None, str | None] | None = None,
    baseline_months: int = 12,
    min_count: int = 5,
    fdr: float = 0.05,
    sources: Sequence[str] | None = None,
    include_activities: bool = True,
    seed: int = 0,
    backbone_alpha: float = 0.05,
    labels: dict[str, str] | None = None,
    store_version: int | None = None,
    emerging_min_count: int | None = None,
    extract: bool = False,
    extractor: LexiconExtractor | None = None,
    model: FactorModel | None = None,
) -> NetworkResult:
    """Co-occurrence network of incident factors for a period, and what changed.

    Parameters
    ----------
    incidents : polars LazyFrame or DataFrame
        Store rows (see :func:`nearmiss_lab.network.incident_codes`); may hold months before
        the period, which then serve as the baseline window.
    period : (since, until) of ``YYYY-MM`` strings, optional
        Inclusive months analysed; None or a None bound means open-ended.
    baseline_months : int
        Months immediately before ``since`` that form the baseline for emerging pairs
        (0 disables the comparison; it also needs ``since``).
    min_count : int
        Minimum support for a pair to be tested as an edge.
    fdr : float
        Benjamini-Hochberg level for both the edges and the emerging pairs.
    sources : sequence of str, optional
        Factor sources that enter the network: ``("reported",)`` by default, ``("reported",
        "extracted")`` when ``extract`` is on. Naming ``extracted`` without ``extract`` counts
        the extracted factors the records already carry.
    include_activities : bool
        Whether ACT activity codes are nodes.
    seed : int
        Louvain seed.
    backbone_alpha : float
        Disparity-filter level.
    labels : dict, optional
        Code -> human label; defaults to the taxonomy's labels.
    store_version : int, optional
        Carried into :meth:`NetworkResult.to_json` for provenance.
    emerging_min_count : int, optional
        Minimum co-occurrences this period for a pair to be tested against the baseline
        (default ``max(2, ceil(min_count / 2))``: a period is often one month, so fewer).
    extract : bool
        Off by default: significance is tested on what officers reported (reported factors
        and activities). On, the factors stage runs first
        (:func:`nearmiss_lab.factors.extract_frame` over the narratives of the period and
        baseline window) and its ``extracted`` codes count too. The results then describe
        co-mention in narratives, and their false-discovery control does not carry over to
        what happened: on synthetic corpora whose narratives describe exactly the reported
        factors, most significant pairs with extraction are activities linked to the words
        that describe them (traffic stop -- approach, foot pursuit -- flight), not planted
        associations (README figures). ``params["text_derived"]`` and the ``text_derived``
        columns label such results. ``params["extract"]`` says whether extraction ran,
        ``params["lexicon_version"]`` with which lexicon.
    extractor : LexiconExtractor, optional
        The extractor to use (default: the shipped lexicon).
    model : FactorModel, optional
        With ``extract``: a supervised component fitted on reported codes
        (:func:`nearmiss_lab.factors.train_from_store`) decides the codes it models, with
        evidence; the lexicon the rest. Its codes are text-derived like the lexicon's, and
        ``params["model"]`` records which model (``sha256``, training store version and
        months). Ignored without ``extract``.

    Examples
    --------
    >>> result = analyse(load_incidents(store), period=("2024-01", "2024-03"))  # doctest: +SKIP
    >>> result.edges.filter(pl.col("significant")).head()  # doctest: +SKIP
    """
    since, until = period if period else (None, None)
    if emerging_min_count is None:
        emerging_min_count = max(2, math.ceil(min_count / 2))
    # Only the period and its baseline window are read (and extracted from).
    first = shift_month(since, -baseline_months) if since and baseline_months > 0 else since
    frame = _window(incidents.lazy(), first, until)
    lexicon_version = None
    if sources is None:
        sources = DEFAULT_SOURCES if extract else REPORTED_SOURCES
    extract = bool(extract) and "extracted" in sources
    if extract:
        from nearmiss_lab.factors import LexiconExtractor, extract_frame

        extractor = extractor or LexiconExtractor()
        lexicon_version = extractor.lexicon.version
        frame = extract_frame(frame.select(_needed_columns(frame)), extractor=extractor,
                              model=model)
    codes_long = incident_codes(frame, sources=sources, include_activities=include_activities)
    current = _window(codes_long, since, until)
    inc = incidence_matrix(current)
    counts = cooccurrence_counts(inc.matrix)
    n = inc.n_incidents
    pairs = pair_table(counts, inc.codes, n, min_count=min_count, fdr=fdr)
    text_derived = "extracted" in sources
    from_text = (_text_derived(frame, inc, counts, sources, include_activities, since, until)
                 if text_derived else np.zeros_like(counts))
    iu, ju = np.triu_indices(len(inc.codes), 1)
    pairs = pairs.join(
        pl.DataFrame({
            "source": [inc.codes[i] for i in iu], "target": [inc.codes[j] for j in ju],
            "text_derived": from_text[iu, ju].astype(np.int64),
        }, schema={"source": pl.String, "target": pl.String, "text_derived": pl.Int64}),
        on=["source", "target"], how="left", maintain_order="left",
    )
    text_support = dict(zip(inc.codes, np.diag(from_text).tolist(), strict=True))
    support = dict(zip(inc.codes, inc.support.tolist(), strict=True))
    if labels is None:
        labels = _taxonomy_labels()
    graph = _build_graph(pairs, support, labels=labels)
    add_centralities(graph)
    disparity_filter(graph, alpha=backbone_alpha)
    communities = detect_communities(graph, seed=seed)
    community_of = {code: i for i, members in enumerate(communities) for code in members}
    for code in graph.nodes:
        graph.nodes[code]["community"] = community_of.get(code, -1)

    backbone = {
        tuple(sorted((u, v))) for u, v, d in graph.edges(data=True) if d.get("backbone")
    }
    edges = (
        pairs.filter(pl.col("tested"))
        .with_columns(
            backbone=pl.Series(
                [(s, t) in backbone for s, t in pairs.filter(pl.col("tested"))
                 .select("source", "target").iter_rows()],
                dtype=pl.Boolean,
            )
        )
        .sort(["significant", "q_value", "count"], descending=[True, False, True])
    )
    nodes = pl.DataFrame(
        [
            {
                "code": code,
                "label": data["label"],
                "category": category_of(code),
                "support": data["support"],
                "community": data["community"],
                "degree": data["degree"],
                "strength": data["strength"],
                "degree_centrality": data["degree_centrality"],
                "betweenness": data["betweenness"],
                "text_derived": int(text_support.get(code, 0)),
            }
            for code, data in graph.nodes(data=True)
        ],
        schema={
            "code": pl.String, "label": pl.String, "category": pl.String, "support": pl.Int64,
            "community": pl.Int64, "degree": pl.Int64, "strength": pl.Float64,
            "degree_centrality": pl.Float64, "betweenness": pl.Float64,
            "text_derived": pl.Int64,
        },
    ).sort("support", descending=True)

    emerging = _emerging(codes_long, current, counts, inc.codes, n, since, baseline_months,
                         min_count=emerging_min_count, fdr=fdr)
    params = {
        "since": since, "until": until, "baseline_months": baseline_months,
        "min_count": min_count, "fdr": fdr, "sources": list(sources),
        "include_activities": include_activities, "seed": seed, "incidents": n,
        "backbone_alpha": backbone_alpha, "emerging_min_count": emerging_min_count,
        "extract": extract, "lexicon_version": lexicon_version,
        "model": model.summary() if extract and model is not None else None,
        "text_derived": text_derived,
    }
    return NetworkResult(edges, nodes, emerging, communities, graph, params, store_version,
                         codes=codes_long)


def _text_derived(frame, inc: IncidenceMatrix, counts: np.ndarray, sources: Sequence[str],
                  include_activities: bool, since: str | None,
                  until: str | None) -> np.ndarray:
    """Co-occurrence counts that rest on at least one extracted (not reported) code: the
    counts minus those over what officers reported, on the same rows and columns."""
    officer = [s for s in sources if s != "extracted"]
    reported_long = _window(incident_codes(frame, sources=officer,
                                           include_activities=include_activities),
                            since, until)
    reported = incidence_matrix(reported_long, codes=inc.codes, incidents=inc.incidents)
    return counts - cooccurrence_counts(reported.matrix)


def _emerging(
    codes_long: pl.DataFrame,
    current: pl.DataFrame,
    counts,
    codes: list[str],
    n: int,
    since: str | None,
    baseline_months: int,
    *,
    min_count: int,
    fdr: float,
) -> pl.DataFrame:
    if since and baseline_months > 0:
        base_long = _window(codes_long, shift_month(since, -baseline_months),
                            shift_month(since, -1))
    else:
        base_long = current.clear()
    if base_long.height:
        base = incidence_matrix(base_long)
        base_pairs = pair_counts(cooccurrence_counts(base.matrix), base.codes)
        n_base = base.n_incidents
    else:
        base_pairs = pair_counts(counts[:0, :0], [])
        n_base = 0
    return emerging_pairs(pair_counts(counts, codes), n, base_pairs, n_base,
                          min_count=min_count, fdr=fdr)
