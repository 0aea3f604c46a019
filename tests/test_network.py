"""Network stage: measures against textbook values, FDR, graph, change, exports, CLI."""

from __future__ import annotations

import json
import math

import networkx as nx
import numpy as np
import polars as pl
import pytest
from click.testing import CliRunner
from scipy.stats import false_discovery_control, fisher_exact

from nearmiss_lab.network import (
    analyse,
    benjamini_hochberg,
    cooccurrence_counts,
    disparity_filter,
    export_network,
    get_measure,
    incidence_matrix,
    incident_codes,
    pair_table,
    shift_month,
)
from nearmiss_lab.network.measures import UnknownMeasureError
from nearmiss_lab.network.simulate import planted_incidents

CODES = [f"HF.C{i:02d}" for i in range(16)] + [f"ACT.A{i}" for i in range(4)]
PLANTED = [("HF.C00", "HF.C01"), ("HF.C02", "ACT.A0"), ("HF.C05", "HF.C09")]


@pytest.fixture(scope="module")
def planted() -> pl.DataFrame:
    return planted_incidents(6000, CODES, planted=PLANTED, pair_rate=0.03, months=12,
                             emerging=("HF.C03", "HF.C04"), emerging_month="2024-12",
                             emerging_rate=0.06, seed=7)


def test_measures_match_a_hand_computed_two_by_two_table():
    # a=30 both, n_i=50, n_j=60, N=200 -> b=20, c=30, d=120
    a, ni, nj, n = np.array([30]), np.array([50]), np.array([60]), 200
    assert get_measure("expected")(a, ni, nj, n)[0] == pytest.approx(15.0)
    assert get_measure("lift")(a, ni, nj, n)[0] == pytest.approx(2.0)
    assert get_measure("pmi")(a, ni, nj, n)[0] == pytest.approx(1.0)
    assert get_measure("npmi")(a, ni, nj, n)[0] == pytest.approx(1.0 / -math.log2(30 / 200))
    assert get_measure("jaccard")(a, ni, nj, n)[0] == pytest.approx(30 / 80)
    assert get_measure("odds_ratio")(a, ni, nj, n)[0] == pytest.approx(30 * 120 / (20 * 30))
    assert get_measure("yule_q")(a, ni, nj, n)[0] == pytest.approx((3600 - 600) / (3600 + 600))
    assert get_measure("association_strength")(a, ni, nj, n)[0] == pytest.approx(30 / 3000)
    expected_p = fisher_exact([[30, 20], [30, 120]], alternative="greater").pvalue
    assert get_measure("p_value")(a, ni, nj, n)[0] == pytest.approx(expected_p, rel=1e-9)


def test_zero_cell_uses_haldane_correction_and_stays_finite():
    table = pair_table(np.array([[10, 10], [10, 10]]), ["A.X", "A.Y"], 10, min_count=1)
    row = table.row(0, named=True)  # every incident has both codes: b = c = d = 0
    assert row["odds_ratio"] == pytest.approx((10.5 * 0.5) / (0.5 * 0.5))
    assert math.isfinite(row["or_low"]) and math.isfinite(row["or_high"])
    assert row["or_low"] < row["odds_ratio"] < row["or_high"]
    assert row["npmi"] == pytest.approx(1.0)


def test_unknown_measure_is_a_named_error():
    with pytest.raises(UnknownMeasureError):
        get_measure("cosine-ish")


def test_benjamini_hochberg_matches_scipy_and_keeps_untested_null():
    rng = np.random.default_rng(3)
    p = rng.uniform(size=200) ** 3
    assert np.allclose(benjamini_hochberg(p), false_discovery_control(p, method="bh"))
    with_nan = np.array([0.01, np.nan, 0.04])
    q = benjamini_hochberg(with_nan)
    assert np.isnan(q[1]) and q[0] == pytest.approx(0.02) and q[2] == pytest.approx(0.04)


def test_counts_are_the_sparse_product_of_the_incidence_matrix():
    frame = pl.DataFrame({
        "incident_key": ["a", "b", "c", "d"],
        "occurred_month": ["2024-01"] * 4,
        "activities": [["ACT.X"], ["ACT.X"], [], ["ACT.Y"]],
        "factors": [
            [{"code": "HF.F", "source": "reported"}, {"code": "HF.F", "source": "extracted"}],
            [{"code": "HF.F", "source": "extracted"}, {"code": "EQ.R", "source": "reported"}],
            [],
            [{"code": "EQ.R", "source": "other"}],
        ],
    })
    long = incident_codes(frame)
    inc = incidence_matrix(long)
    assert inc.n_incidents == 4  # incident c has no code and still counts in N
    counts = cooccurrence_counts(inc.matrix)
    idx = {c: i for i, c in enumerate(inc.codes)}
    assert inc.codes == ["ACT.X", "ACT.Y", "EQ.R", "HF.F"]  # "other" source left out
    assert counts[idx["HF.F"], idx["HF.F"]] == 2  # duplicate per incident counted once
    assert counts[idx["ACT.X"], idx["HF.F"]] == 2
    assert counts[idx["EQ.R"], idx["HF.F"]] == 1
    no_act = incidence_matrix(incident_codes(frame, include_activities=False))
    assert no_act.codes == ["EQ.R", "HF.F"]


def test_planted_pairs_are_significant_and_few_others(planted):
    result = analyse(planted, period=("2024-01", "2024-12"), baseline_months=0, labels={})
    sig = result.edges.filter(pl.col("significant"))
    found = {tuple(sorted(p)) for p in sig.select("source", "target").iter_rows()}
    truth = {tuple(sorted(p)) for p in PLANTED} | {("HF.C03", "HF.C04")}
    assert truth <= found
    assert len(found - truth) / len(found) <= 0.1
    assert (sig["q_value"] <= 0.05).all() and (sig["lift"] > 1).all()
    assert set(result.edges.columns) >= {"count", "expected", "lift", "npmi", "jaccard",
                                         "yule_q", "odds_ratio", "p_value", "q_value"}


def test_graph_carries_attributes_communities_and_backbone(planted):
    result = analyse(planted, period=("2024-01", "2024-12"), baseline_months=0, labels={},
                     seed=1)
    g = result.graph
    assert g.has_edge("HF.C00", "HF.C01")
    data = g.edges["HF.C00", "HF.C01"]
    assert data["count"] > 0 and data["lift"] > 1 and "backbone" in data
    assert g.nodes["HF.C00"]["category"] == "HF" and g.nodes["HF.C00"]["support"] > 0
    community = next(c for c in result.communities if "HF.C00" in c)
    assert "HF.C01" in community
    again = analyse(planted, period=("2024-01", "2024-12"), baseline_months=0, labels={},
                    seed=1)
    assert again.communities == result.communities  # seeded Louvain is reproducible
    assert set(result.nodes["code"]) == set(g.nodes)


def test_disparity_filter_keeps_the_dominant_edge_of_a_hub():
    g = nx.Graph()
    g.add_edge("hub", "big", count=100)
    for i in range(6):
        g.add_edge("hub", f"small{i}", count=1)
        g.add_edge(f"small{i}", f"small{(i + 1) % 6}", count=1)
    disparity_filter(g, weight="count", alpha=0.05)
    assert g.edges["hub", "big"]["backbone"]
    assert not g.edges["hub", "small0"]["backbone"]


def test_emerging_pair_is_reported_for_its_month(planted):
    result = analyse(planted, period=("2024-12", "2024-12"), baseline_months=6, labels={})
    emerging = result.emerging.filter(pl.col("emerging"))
    pairs = {tuple(sorted(p)) for p in emerging.select("source", "target").iter_rows()}
    assert ("HF.C03", "HF.C04") in pairs
    row = emerging.filter((pl.col("source") == "HF.C03") & (pl.col("target") == "HF.C04"))
    assert row["rose"][0] and row["q_value"][0] <= 0.05
    # the same month with no planted change: nothing (or almost nothing) emerges
    quiet = analyse(planted, period=("2024-06", "2024-06"), baseline_months=5, labels={})
    assert quiet.emerging.filter(pl.col("emerging")).height <= 1


def test_shift_month_crosses_years():
    assert shift_month("2024-01", -1) == "2023-12"
    assert shift_month("2023-11", 14) == "2025-01"


def test_exports_round_trip(planted, tmp_path):
    result = analyse(planted, period=("2024-12", "2024-12"), baseline_months=6, labels={})
    paths = export_network(result, tmp_path / "net")
    g = nx.read_graphml(paths["graphml"])
    assert set(g.nodes) == set(result.graph.nodes)
    assert g.number_of_edges() == result.graph.number_of_edges()
    link = json.loads(paths["node_link"].read_text())
    assert len(link["links"]) == result.graph.number_of_edges()
    assert pl.read_parquet(paths["edges_parquet"]).height == result.edges.height
    assert pl.read_csv(paths["nodes_csv"]).height == result.nodes.height
    summary = json.loads(paths["summary"].read_text())
    assert set(summary) >= {"nodes", "edges", "emerging", "communities", "store_version"}


def test_to_json_has_the_documented_keys_and_no_infinities(planted):
    data = analyse(planted, period=("2024-12", "2024-12"), baseline_months=6,
                   labels={}).to_json()
    text = json.dumps(data, allow_nan=False)  # raises on NaN/inf
    assert text
    edge = data["edges"][0]
    for key in ("source", "target", "count", "expected", "lift", "npmi", "jaccard", "yule_q",
                "odds_ratio", "p_value", "q_value", "significant"):
        assert key in edge


# --- CLI over a real Delta store -------------------------------------------------------------

def _store_from(frame: pl.DataFrame, path):
    from datetime import UTC, datetime

    from test_ingest_support import make_incident

    from nearmiss_lab.store import append_rows, incident_to_row, init_store

    store = init_store(path)
    rows = []
    for i, rec in enumerate(frame.iter_rows(named=True)):
        factors = [{"code": f["code"], "source": f["source"]} for f in rec["factors"]]
        incident = make_incident(i, occurred_month=rec["occurred_month"],
                                 activities=rec["activities"] or ["ACT.ARREST"],
                                 factors=factors)
        rows.append(incident_to_row(incident, submission_id="AG-NORTH-00000000000000e1",
                                    ingested_at=datetime(2025, 1, 1, tzinfo=UTC)))
    append_rows(store, "incidents", rows)
    return store


def test_cli_network_json_over_a_store(tmp_path):
    from nearmiss_lab.cli import main

    codes = ["HF.FATIGUE", "HF.DISTRACTION", "EQ.RADIO", "ENV.WEATHER", "TAC.NO_BACKUP",
             "ACT.TRAFFIC_STOP", "ACT.ARREST", "THREAT.FLIGHT"]
    frame = planted_incidents(600, codes, planted=[("HF.FATIGUE", "HF.DISTRACTION")],
                              pair_rate=0.15, months=6, start="2024-01", seed=3)
    store = _store_from(frame, tmp_path / "store")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["network", "--store", str(store), "--since", "2024-04",
                                       "--until", "2024-06", "--baseline-months", "3",
                                       "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["store_version"] == 1
    sig = {(e["source"], e["target"]) for e in data["edges"] if e["significant"]}
    assert ("HF.DISTRACTION", "HF.FATIGUE") in sig
    assert {n["code"] for n in data["nodes"]} >= {"HF.FATIGUE", "ACT.TRAFFIC_STOP"}
    assert (out / "network.graphml").is_file() and (out / "edges.parquet").is_file()
    # by default the network is what officers reported: no extraction, nothing from text
    assert data["params"]["extract"] is False and data["params"]["lexicon_version"] is None
    assert data["params"]["text_derived"] is False
    assert all(e["text_derived"] == 0 for e in data["edges"])
    text = CliRunner().invoke(main, ["network", "--store", str(store), "--since", "2024-01",
                                     "--until", "2024-06"])
    assert text.exit_code == 0 and "significant" in text.output
    assert "as officers reported them" in text.output
    derived = CliRunner().invoke(main, ["network", "--store", str(store), "--since", "2024-04",
                                        "--until", "2024-06", "--extract", "--json"])
    assert derived.exit_code == 0, derived.output
    params = json.loads(derived.output)["params"]
    assert params["extract"] is True and params["lexicon_version"] == "1.0.0"
    assert params["text_derived"] is True and params["sources"] == ["reported", "extracted"]
    shown = CliRunner().invoke(main, ["network", "--store", str(store), "--since", "2024-04",
                                      "--until", "2024-06", "--extract"])
    assert shown.exit_code == 0 and "TEXT-DERIVED" in shown.output
    helptext = " ".join(CliRunner().invoke(main, ["network", "--help"]).output.split())
    assert "--extract" in helptext and "do NOT meet the false-discovery checks" in helptext


def test_cli_network_usage_errors(tmp_path):
    from nearmiss_lab.cli import main

    bad = CliRunner().invoke(main, ["network", "--store", str(tmp_path), "--since", "2024-13",
                                    "--until", "2024-12"])
    assert bad.exit_code == 2
    missing = CliRunner().invoke(main, ["network", "--store", str(tmp_path / "none"),
                                        "--since", "2024-01", "--until", "2024-02"])
    assert missing.exit_code == 2
    assert "Traceback" not in missing.output
