"""Network and discovery behaviour checked against hand computations and networkx directly:
new emerging pairs, the minimum-support rule, the odds ratio's Woolf interval, centralities,
NLTK collocation lists and their frequency floor, and the CLI's store filters."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime

import networkx as nx
import numpy as np
import polars as pl
import pytest
from click.testing import CliRunner

from nearmiss_lab.cli import main
from nearmiss_lab.factors import discover_phrases
from nearmiss_lab.network import (
    add_centralities,
    analyse,
    benjamini_hochberg,
    emerging_pairs,
    pair_counts,
    pair_table,
)
from nearmiss_lab.network.simulate import planted_incidents


def _frame(rows: list[tuple[str, list[str]]]) -> pl.DataFrame:
    """Incidents as (month, reported codes)."""
    return pl.DataFrame({
        "incident_key": [f"k{i:05d}" for i in range(len(rows))],
        "occurred_month": [m for m, _ in rows],
        "activities": [[] for _ in rows],
        "factors": [[{"code": c, "source": "reported"} for c in codes] for _, codes in rows],
    }, schema_overrides={"activities": pl.List(pl.String)})


# --- emerging pairs ---------------------------------------------------------------------------

def test_a_pair_absent_from_the_baseline_is_new():
    period = pl.DataFrame({"source": ["HF.A", "HF.A"], "target": ["HF.B", "HF.C"],
                           "count": [8, 8], "n_source": [10, 10], "n_target": [9, 30]})
    baseline = pl.DataFrame({"source": ["HF.A"], "target": ["HF.C"], "count": [20]})
    out = emerging_pairs(period, 100, baseline, 400, min_count=3)
    by_pair = {(r["source"], r["target"]): r for r in out.iter_rows(named=True)}
    fresh, known = by_pair["HF.A", "HF.B"], by_pair["HF.A", "HF.C"]
    assert fresh["new"] is True and fresh["baseline_count"] == 0
    assert fresh["rate_ratio"] == math.inf
    assert fresh["emerging"] is True  # new and associated within the period (8 of 9 and 10)
    assert known["new"] is False and known["baseline_count"] == 20
    assert known["rate_ratio"] == pytest.approx((8 / 100) / (20 / 400))
    # with no baseline at all nothing is "new": there was nothing to be absent from
    none = emerging_pairs(period, 100, baseline.clear(), 0, min_count=3)
    assert not none["new"].any() and none["p_value"].is_nan().all()


def test_analyse_reports_a_pair_first_seen_this_month_as_new():
    rng = np.random.default_rng(4)
    rows = []
    for month in ("2024-01", "2024-02", "2024-03", "2024-04"):
        for _ in range(150):
            codes = [c for c in ("HF.FATIGUE", "EQ.RADIO", "ENV.WEATHER") if rng.random() < 0.3]
            rows.append((month, codes))
    rows += [("2024-04", ["HF.FATIGUE", "EQ.RADIO", "TAC.NO_COVER", "THREAT.AMBUSH"])] * 6
    result = analyse(_frame(rows), period=("2024-04", "2024-04"), baseline_months=3,
                     labels={}, min_count=3)
    row = result.emerging.filter((pl.col("source") == "TAC.NO_COVER")
                                 & (pl.col("target") == "THREAT.AMBUSH"))
    assert row.height == 1
    assert row["new"][0] and row["baseline_count"][0] == 0 and row["emerging"][0]
    old = result.emerging.filter((pl.col("source") == "EQ.RADIO")
                                 & (pl.col("target") == "HF.FATIGUE"))
    assert not old["new"][0]


# --- minimum support --------------------------------------------------------------------------

def test_pairs_below_min_count_have_no_p_or_q_and_are_not_significant():
    # A and B only ever occur together (4 times in 1000): as extreme as association gets, yet
    # below the support threshold; C and D co-occur 40 times.
    counts = np.array([[4, 4, 0, 0], [4, 4, 0, 0], [0, 0, 60, 40], [0, 0, 40, 50]])
    codes = ["HF.A", "HF.B", "HF.C", "HF.D"]
    table = pair_table(counts, codes, 1000, min_count=5)
    ab = table.filter((pl.col("source") == "HF.A") & (pl.col("target") == "HF.B")).row(
        0, named=True)
    assert ab["tested"] is False and ab["significant"] is False
    assert ab["p_value"] is None and ab["q_value"] is None
    assert ab["lift"] == pytest.approx(250.0)  # the measures are still there to read
    tested = table.filter(pl.col("tested"))
    assert tested.height == 1 and tested["significant"][0]
    # the BH family is the tested pairs only: q equals p when one pair is tested
    assert tested["q_value"][0] == pytest.approx(tested["p_value"][0])
    everything = pair_table(counts, codes, 1000, min_count=1).filter(pl.col("tested"))
    assert everything.height == 2  # pairs with count 0 are never tested
    assert np.allclose(everything["q_value"].to_numpy(),
                       benjamini_hochberg(everything["p_value"].to_numpy()))
    # analyse lists only tested pairs as edges
    rows = [("2024-01", ["HF.A", "HF.B"])] * 4 + [("2024-01", ["HF.C", "HF.D"])] * 40
    rows += [("2024-01", ["HF.C"])] * 20 + [("2024-01", ["HF.D"])] * 10 + [("2024-01", [])] * 926
    result = analyse(_frame(rows), period=("2024-01", "2024-01"), baseline_months=0,
                     labels={}, min_count=5)
    assert [(r["source"], r["target"]) for r in result.edges.iter_rows(named=True)] == [
        ("HF.C", "HF.D")]
    assert not result.graph.has_edge("HF.A", "HF.B")


# --- odds ratio interval ----------------------------------------------------------------------

def test_odds_ratio_interval_is_woolfs_log_interval():
    # a=30 both, b=20 only i, c=30 only j, d=120 neither (N=200)
    table = pair_table(np.array([[50, 30], [30, 60]]), ["HF.I", "HF.J"], 200, min_count=1)
    row = table.row(0, named=True)
    log_or = math.log(30 * 120 / (20 * 30))
    se = math.sqrt(1 / 30 + 1 / 20 + 1 / 30 + 1 / 120)
    assert row["odds_ratio"] == pytest.approx(6.0)
    assert row["or_low"] == pytest.approx(math.exp(log_or - 1.959963984540054 * se), rel=1e-9)
    assert row["or_high"] == pytest.approx(math.exp(log_or + 1.959963984540054 * se), rel=1e-9)
    # by hand: se = sqrt(0.125) = 0.35355, 1.96 se = 0.69295, ln 6 = 1.79176
    assert row["or_low"] == pytest.approx(math.exp(1.79176 - 0.69295), abs=1e-3)
    assert row["or_high"] == pytest.approx(math.exp(1.79176 + 0.69295), abs=1e-3)


# --- centralities -----------------------------------------------------------------------------

def test_centralities_equal_networkx_on_a_small_weighted_graph():
    g = nx.Graph()
    # a-b-c is short (npmi 0.5 each: distance 2 + 2); the direct a-c edge is long (0.1: 10)
    for u, v, w in [("a", "b", 0.5), ("b", "c", 0.5), ("a", "c", 0.1), ("c", "d", 0.4),
                    ("d", "e", 0.8)]:
        g.add_edge(u, v, npmi=w)
    reference = g.copy()
    add_centralities(g)
    between = nx.betweenness_centrality(reference, weight=lambda u, v, d: 1 / d["npmi"],
                                        normalized=True)
    degree = nx.degree_centrality(reference)
    for node in g.nodes:
        data = g.nodes[node]
        assert data["betweenness"] == pytest.approx(between[node])
        assert data["degree_centrality"] == pytest.approx(degree[node])
        assert data["degree"] == reference.degree(node)
        assert data["strength"] == pytest.approx(sum(d["npmi"] for *_, d in
                                                     reference.edges(node, data=True)))
    # by hand: the short a-b-c route puts b on a-c, a-d and a-e (3 of the 6 pairs among the
    # other four nodes), not on the 0.1 edge a-c
    assert g.nodes["b"]["betweenness"] == pytest.approx(3 / 6)
    # c lies on a-d, a-e, b-d, b-e: 4 of 6; d on a-e, b-e, c-e: 3 of 6
    assert g.nodes["c"]["betweenness"] == pytest.approx(4 / 6)
    assert g.nodes["d"]["betweenness"] == pytest.approx(3 / 6)


def test_analyse_node_centralities_are_networkx_on_the_significant_graph():
    codes = [f"HF.C{i:02d}" for i in range(10)]
    frame = planted_incidents(3000, codes, planted=[("HF.C00", "HF.C01"), ("HF.C01", "HF.C02"),
                                                    ("HF.C02", "HF.C03")],
                              pair_rate=0.05, months=1, seed=2)
    result = analyse(frame, baseline_months=0, labels={})
    g = result.graph
    assert g.number_of_edges() >= 3
    between = nx.betweenness_centrality(g, weight=lambda u, v, d: 1 / d["npmi"])
    degree = nx.degree_centrality(g)
    for row in result.nodes.iter_rows(named=True):
        assert row["betweenness"] == pytest.approx(between[row["code"]])
        assert row["degree_centrality"] == pytest.approx(degree[row["code"]])
    chain = result.nodes.filter(pl.col("code") == "HF.C01")
    assert chain["betweenness"][0] > 0  # on the planted chain's shortest paths


# --- discovery --------------------------------------------------------------------------------

def test_discovery_pmi_and_trigram_lists_respect_the_frequency_floor():
    texts = (["The drip torch leaked near the sector map table."] * 6
             + ["Crews staged beside the helispot."] * 5
             + ["A bucket drop missed the hotline."] * 4)
    found = discover_phrases(texts, min_freq=5, top=50)
    assert set(found) == {"bigrams_llr", "bigrams_pmi", "trigrams_llr"}
    for key in found:
        assert all(r["count"] >= 5 for r in found[key]), key
    pmi = {r["phrase"]: r for r in found["bigrams_pmi"]}
    assert {"drip torch", "sector map", "crews staged"} <= set(pmi)
    assert "bucket drop" not in pmi  # 4 times: under the floor
    scores = [r["score"] for r in found["bigrams_pmi"]]
    assert scores == sorted(scores, reverse=True)
    # PMI by hand: log2(n_ab * N / (n_a * n_b)) over the words kept by NLTK's finder (all word
    # tokens; stop words are filtered after counting)
    words = sum(len([w for w in t.replace(".", " ").split()]) for t in texts)
    assert pmi["crews staged"]["score"] == pytest.approx(math.log2(5 * words / (5 * 5)),
                                                          abs=1e-3)
    trigrams = {r["phrase"] for r in found["trigrams_llr"]}
    assert "sector map table" in trigrams
    assert "drip torch leaked" not in trigrams  # "leaked" is a lexicon cue: covered
    assert all(len(p.split()) == 3 for p in trigrams)
    lower = discover_phrases(texts, min_freq=4, top=50)
    assert "bucket drop" in {r["phrase"] for r in lower["bigrams_pmi"]}


# --- CLI filters over a real store ------------------------------------------------------------

def _store(path, incidents: list[dict]):
    from test_ingest_support import make_incident

    from nearmiss_lab.store import append_rows, incident_to_row, init_store

    store = init_store(path)
    at = datetime(2025, 1, 1, tzinfo=UTC)
    rows = [incident_to_row(make_incident(i, **fields), submission_id=f"{fields['agency']}-"
                            "00000000000000e1", ingested_at=at)
            for i, fields in enumerate(incidents)]
    append_rows(store, "incidents", rows)
    return store


def test_cli_factors_discover_reads_only_the_months_asked_for(tmp_path):
    early = "The drip torch leaked again at the staging area."
    late = "The sector map was outdated for the new division."
    store = _store(tmp_path / "store", [
        {"agency": "AG-NORTH", "occurred_month": "2024-01", "narrative": early,
         "lessons_learned": ""} for _ in range(6)] + [
        {"agency": "AG-NORTH", "occurred_month": "2024-03", "narrative": late,
         "lessons_learned": ""} for _ in range(6)])
    found = {}
    for since, until in (("2024-01", "2024-01"), ("2024-03", "2024-03"), ("2024-01", "2024-03")):
        result = CliRunner().invoke(main, ["factors-discover", "--store", str(store),
                                           "--since", since, "--until", until, "--min-freq",
                                           "5", "--json"])
        assert result.exit_code == 0, result.output
        data = json.loads(result.output)
        found[since, until] = (data["texts"],
                               {r["phrase"] for r in data["bigrams_llr"]})
    assert found["2024-01", "2024-01"][0] == 6
    assert "drip torch" in found["2024-01", "2024-01"][1]
    assert "sector map" not in found["2024-01", "2024-01"][1]
    assert "sector map" in found["2024-03", "2024-03"][1]
    assert "drip torch" not in found["2024-03", "2024-03"][1]
    assert found["2024-01", "2024-03"][0] == 12
    assert {"drip torch", "sector map"} <= found["2024-01", "2024-03"][1]
    bad = CliRunner().invoke(main, ["factors-discover", "--store", str(store), "--since",
                                    "2024-1"])
    assert bad.exit_code == 2


def test_cli_network_agency_filter_counts_only_that_agency(tmp_path):
    rng = np.random.default_rng(8)
    incidents = []
    for i in range(300):
        agency = "AG-NORTH" if i % 3 else "AG-SOUTH"
        codes = [c for c in ("HF.FATIGUE", "EQ.RADIO", "ENV.WEATHER") if rng.random() < 0.4]
        if agency == "AG-SOUTH" and i % 2:
            codes = sorted(set(codes) | {"HF.FATIGUE", "TAC.NO_BACKUP"})
        incidents.append({"agency": agency, "occurred_month": f"2024-0{1 + i % 3}",
                          "activities": ["ACT.TRAFFIC_STOP"],
                          "factors": [{"code": c, "source": "reported"} for c in codes]})
    store = _store(tmp_path / "store", incidents)
    south = [x for x in incidents if x["agency"] == "AG-SOUTH"]
    args = ["network", "--store", str(store), "--since", "2024-01", "--until", "2024-03",
            "--baseline-months", "0", "--min-count", "3", "--json"]
    one = json.loads(CliRunner().invoke(main, [*args, "--agency", "AG-SOUTH"]).output)
    assert one["params"]["incidents"] == len(south) == 100
    support = {n["code"]: n["support"] for n in one["nodes"]}
    assert support["TAC.NO_BACKUP"] == sum(
        any(f["code"] == "TAC.NO_BACKUP" for f in x["factors"]) for x in south)
    assert support["ACT.TRAFFIC_STOP"] == 100
    both = json.loads(CliRunner().invoke(main, [*args, "--agency", "AG-SOUTH", "--agency",
                                                "AG-NORTH"]).output)
    everyone = json.loads(CliRunner().invoke(main, args).output)
    assert both["params"]["incidents"] == everyone["params"]["incidents"] == 300
    assert both["edges"] == everyone["edges"]
    unknown = json.loads(CliRunner().invoke(main, [*args, "--agency", "AG-NONE"]).output)
    assert unknown["params"]["incidents"] == 0 and unknown["edges"] == []


def test_pair_counts_are_the_upper_triangle():
    counts = np.array([[5, 2, 1], [2, 4, 0], [1, 0, 3]])
    out = pair_counts(counts, ["A.X", "A.Y", "A.Z"])
    assert out.rows() == [("A.X", "A.Y", 2, 5, 4), ("A.X", "A.Z", 1, 5, 3),
                          ("A.Y", "A.Z", 0, 4, 3)]
