"""The bulletin's top-codes table counts the codes the network counted: same sources, same
incidents, so a code's count in the table is its node's support in the network."""

from __future__ import annotations

import dataclasses

import polars as pl
import pytest
from test_bulletin_content import PERIOD, make_incidents, make_submissions

from nearmiss_lab import bulletin
from nearmiss_lab.bulletin import compute
from nearmiss_lab.network import analyse

# Read by the lexicon as an edged weapon and an animal; never reported in these incidents.
NARRATIVE = "He pulled a knife from his waistband and a dog bit me."


def _incidents() -> pl.DataFrame:
    frame = make_incidents(narrative=NARRATIVE)
    # Every third incident also carries an extracted factor the agency submitted, with
    # evidence: text-derived, so the default network does not count it.
    extra = {"code": "HF.WORKLOAD", "source": "extracted", "confidence": 0.8,
             "evidence": [{"field": "narrative", "start": 0, "end": 1}]}
    factors = [row + [extra] if i % 3 == 0 else row
               for i, row in enumerate(frame["factors"].to_list())]
    return frame.with_columns(pl.Series("factors", factors, dtype=frame["factors"].dtype))


@pytest.fixture(scope="module")
def data() -> bulletin.BulletinData:
    return bulletin.bulletin_data(_incidents(), make_submissions(), period=PERIOD,
                                  baseline_months=6, min_count=5, fdr=0.05, k=5)


def _table_and_nodes(data: bulletin.BulletinData) -> tuple[dict, dict]:
    table = compute.factor_change(data, n=100)
    nodes = data.network.nodes
    return (dict(zip(table["code"], table["count"], strict=True)),
            dict(zip(nodes["code"], nodes["support"], strict=True)))


def _baseline_counts(data: bulletin.BulletinData) -> dict[str, int]:
    codes = data.network.codes.drop_nulls("code").filter(pl.col("occurred_month") < PERIOD)
    counts = codes.group_by("code").agg(pl.col("incident_key").n_unique())
    return dict(zip(counts["code"], counts["incident_key"], strict=True))


def test_top_codes_count_what_the_network_counted_by_default(data):
    table, nodes = _table_and_nodes(data)
    assert data.network.params["text_derived"] is False
    assert table == nodes  # every code, same count
    assert "HF.WORKLOAD" not in table  # the submitted extracted factor is text-derived
    assert "HF.FATIGUE" in table and "ENV.ANIMAL" not in table
    raw = compute.factor_change(data, n=100)
    baseline = _baseline_counts(data)
    assert dict(zip(raw["code"], raw["baseline_count"], strict=True)) == {
        c: baseline.get(c, 0) for c in table}


def test_top_codes_follow_the_network_when_it_counts_text_derived_codes(data):
    network = analyse(data.incidents, period=(PERIOD, PERIOD), baseline_months=6, min_count=5,
                      fdr=0.05, extract=True)
    derived = dataclasses.replace(data, network=network)
    table, nodes = _table_and_nodes(derived)
    assert table == nodes
    # the stored extracted factor and the lexicon's reading of every narrative now count
    assert table["HF.WORKLOAD"] > 0
    assert table["ENV.ANIMAL"] == table["THREAT.EDGED_WEAPON"] == derived.period_incidents.height
    text = dict(zip(network.nodes["code"], network.nodes["text_derived"], strict=True))
    assert text["ENV.ANIMAL"] == table["ENV.ANIMAL"]  # all of it read from text
    assert text["HF.FATIGUE"] == 0  # reported wherever it occurs


def test_reports_picked_for_a_pair_carry_the_codes_the_network_counted(data):
    picked = compute.pick_reports(data, n=3)
    counted = data.network.codes.drop_nulls("code")
    for key, codes in zip(picked["incident_key"], picked["codes"], strict=True):
        assert sorted(codes) == sorted(counted.filter(pl.col("incident_key") == key)["code"])
