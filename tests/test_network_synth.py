"""Validity of the network statistics on `nearmiss synth` corpora (planted truth in truth.json).

Incidents are read from the synthetic exports through the agency intake (structured fields
only: reported factors and activities), skipping de-identification to stay fast.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from nearmiss_lab.intake import load_mapping, read_export
from nearmiss_lab.network import analyse
from nearmiss_lab.synth import generate_corpus

pytestmark = pytest.mark.slow


def _incidents(root: Path) -> tuple[pl.DataFrame, dict]:
    truth = json.loads((root / "truth.json").read_text())
    rows = []
    for agency in truth["agencies"]:
        name = agency["agency"]
        export = next((root / "exports").glob(f"{name}.*"))
        mapping = load_mapping(root / "mappings" / f"{name}.mapping.json")
        for row in read_export(export, mapping):
            assert row.draft is not None, [i.code for i in row.issues]
            d = row.draft
            rows.append({
                "agency": d["agency"], "record_id": d["record_id"],
                "occurred_month": d["occurred_month"], "activities": d["activities"],
                "factors": [{"code": f["code"], "source": f["source"]} for f in d["factors"]],
            })
    return pl.DataFrame(rows), truth


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> tuple[pl.DataFrame, dict]:
    root = tmp_path_factory.mktemp("synth-planted")
    generate_corpus(root, agencies=2, incidents=2000, months=12, seed=11, workers=1)
    return _incidents(root)


@pytest.fixture(scope="module")
def independent(tmp_path_factory) -> tuple[pl.DataFrame, dict]:
    root = tmp_path_factory.mktemp("synth-independent")
    generate_corpus(root, agencies=2, incidents=2000, months=12, seed=12, independent=True,
                    workers=1)
    return _incidents(root)


def _significant(result) -> set[tuple[str, str]]:
    sig = result.edges.filter(pl.col("significant")).select("source", "target")
    return {tuple(sorted(p)) for p in sig.iter_rows()}


def test_planted_pairs_found_with_few_false_discoveries(planted):
    incidents, truth = planted
    result = analyse(incidents, period=(truth["start_month"], truth["end_month"]),
                     baseline_months=0, min_count=5, fdr=0.05, labels={})
    found = _significant(result)
    planted_pairs = {tuple(sorted(p)) for p in truth["planted_pairs"]}
    recall = len(planted_pairs & found) / len(planted_pairs)
    false_share = len(found - planted_pairs - {tuple(sorted(truth["emerging_pair"]))}) / max(
        len(found), 1)
    assert recall >= 0.9, (found, planted_pairs)
    assert false_share <= 0.1, found - planted_pairs


def test_planted_emerging_pair_is_reported_for_its_month(planted):
    incidents, truth = planted
    month = truth["emerging_month"]
    result = analyse(incidents, period=(month, month), baseline_months=11, labels={})
    emerging = result.emerging.filter(pl.col("emerging"))
    pairs = {tuple(sorted(p)) for p in emerging.select("source", "target").iter_rows()}
    assert tuple(sorted(truth["emerging_pair"])) in pairs
    assert len(pairs) <= 3  # the planted pair, not a list of everything that moved


def test_independent_factors_keep_significant_share_near_nominal(independent):
    incidents, truth = independent
    assert truth["planted_pairs"] == []
    result = analyse(incidents, period=(truth["start_month"], truth["end_month"]),
                     baseline_months=0, min_count=5, fdr=0.05, labels={})
    tested = result.edges.height
    assert tested > 500
    assert len(_significant(result)) / tested <= 0.05
