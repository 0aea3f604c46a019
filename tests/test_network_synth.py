"""Validity of the network statistics on `nearmiss synth` corpora (planted truth in truth.json).

Incidents are read from the synthetic exports through the agency intake with their narratives
and lessons learned (de-identification is skipped to stay fast: the raw text holds more
distractors, names of places and agencies, than the stored text would). The truth is what the
generator had officers report; the narratives describe exactly those factors.

Two modes:

- the default (what the CLI, the demo and the bulletin use): significance on what officers
  reported (reported factors + activities). The narratives are in the frame and must change
  nothing. Every validity check of the issue holds.
- ``extract=True`` (``nearmiss network --extract``): codes the lexicon reads in the narratives
  count too. The planted pairs are still found, but the issue's false-discovery checks fail:
  activities are linked to the words that describe them (traffic stop -- approach, foot
  pursuit -- flight). Those checks are kept as strict xfails, so the day extraction meets them
  the marker must go; what the mode does promise -- every such discovery is labelled as resting
  on text-derived codes -- is tested.
- ``extract=True`` with a supervised model fitted on a third corpus's reported codes
  (``nearmiss network --extract --model``): the model decides the codes it learned, and the
  planted-pair false-discovery check holds.
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

EXTRACTION_FAILS = pytest.mark.xfail(
    strict=True,
    reason="text-derived codes: activities co-occur with the words describing them (README: "
           "network with --extract); the default mode meets this check")


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
                "narrative": d.get("narrative"), "lessons_learned": d.get("lessons_learned"),
            })
    frame = pl.DataFrame(rows)
    assert frame["narrative"].null_count() == 0  # the validity checks see the narratives
    return frame, truth


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


def _whole(incidents: pl.DataFrame, truth: dict, **kwargs):
    return analyse(incidents, period=(truth["start_month"], truth["end_month"]),
                   baseline_months=0, min_count=5, fdr=0.05, labels={}, **kwargs)


def _significant(result) -> set[tuple[str, str]]:
    sig = result.edges.filter(pl.col("significant")).select("source", "target")
    return {tuple(sorted(p)) for p in sig.iter_rows()}


def _recall_and_false_share(result, truth) -> tuple[float, float, set]:
    found = _significant(result)
    planted_pairs = {tuple(sorted(p)) for p in truth["planted_pairs"]}
    false = found - planted_pairs - {tuple(sorted(truth["emerging_pair"]))}
    return len(planted_pairs & found) / len(planted_pairs), len(false) / max(len(found), 1), false


def _emerging(incidents, truth, **kwargs) -> set[tuple[str, str]]:
    month = truth["emerging_month"]
    result = analyse(incidents, period=(month, month), baseline_months=11, labels={}, **kwargs)
    emerging = result.emerging.filter(pl.col("emerging"))
    return {tuple(sorted(p)) for p in emerging.select("source", "target").iter_rows()}


# --- the default: what officers reported --------------------------------------------------------

def test_planted_pairs_found_with_few_false_discoveries(planted):
    incidents, truth = planted
    result = _whole(incidents, truth)
    assert result.params["extract"] is False and result.params["text_derived"] is False
    recall, false_share, false = _recall_and_false_share(result, truth)
    assert recall >= 0.9, _significant(result)
    assert false_share <= 0.1, false
    # the narratives in the frame changed nothing: the same network as without them
    bare = _whole(incidents.drop("narrative", "lessons_learned"), truth)
    assert result.edges.equals(bare.edges)


def _planted_corpus(tmp_path_factory, seed: int) -> tuple[pl.DataFrame, dict]:
    root = tmp_path_factory.mktemp(f"synth-planted-{seed}")
    generate_corpus(root, agencies=2, incidents=2000, months=12, seed=seed, workers=1)
    return _incidents(root)


def test_planted_pairs_on_a_second_seed(tmp_path_factory):
    incidents, truth = _planted_corpus(tmp_path_factory, 13)
    recall, false_share, false = _recall_and_false_share(_whole(incidents, truth), truth)
    assert recall >= 0.9
    assert false_share <= 0.1, false
    assert tuple(sorted(truth["emerging_pair"])) in _emerging(incidents, truth)


def test_false_discovery_proportion_averaged_over_consecutive_seeds(tmp_path_factory):
    # BH bounds the expected false-discovery proportion, not each corpus's: with 5-7
    # discoveries a single false pair is 0.14 (seed 14 has one, ACT.OFF_DUTY -- TAC.NO_BACKUP).
    # The mean over consecutive seeds is the check that matches what BH promises.
    shares = []
    for seed in (13, 14, 15):
        incidents, truth = _planted_corpus(tmp_path_factory, seed)
        recall, false_share, _false = _recall_and_false_share(_whole(incidents, truth), truth)
        assert recall >= 0.9, seed
        shares.append(false_share)
    assert sum(shares) / len(shares) <= 0.1, shares


def test_planted_emerging_pair_is_reported_for_its_month(planted):
    incidents, truth = planted
    pairs = _emerging(incidents, truth)
    assert tuple(sorted(truth["emerging_pair"])) in pairs
    assert len(pairs) <= 3  # the planted pair, not a list of everything that moved


def test_independent_factors_keep_significant_share_near_nominal(independent):
    incidents, truth = independent
    assert truth["planted_pairs"] == []
    result = _whole(incidents, truth)
    tested = result.edges.height
    assert tested > 500
    found = _significant(result)
    assert len(found) / tested <= 0.05
    # BH at q = 0.05 under a complete null rejects anything at all with probability <= 0.05
    assert len(found) <= 1, found


# --- extract=True: codes read from the narratives count too --------------------------------------

@pytest.fixture(scope="module")
def planted_extracted(planted):
    incidents, truth = planted
    return _whole(incidents, truth, extract=True), truth


def test_extraction_mode_finds_the_planted_pairs_and_labels_every_other_discovery(
        planted_extracted):
    result, truth = planted_extracted
    assert result.params["extract"] is True and result.params["text_derived"] is True
    recall, _false_share, false = _recall_and_false_share(result, truth)
    assert recall >= 0.9
    derived = dict(zip(result.edges.select("source", "target").iter_rows(),
                       result.edges["text_derived"], strict=True))
    # every significant pair beyond the planted ones rests partly on text-derived codes, and
    # says so; none of them is a pair of reported codes alone
    assert false and all(derived[p] > 0 for p in false)


def test_extraction_mode_still_reports_the_emerging_pair(planted):
    incidents, truth = planted
    assert tuple(sorted(truth["emerging_pair"])) in _emerging(incidents, truth, extract=True)


@EXTRACTION_FAILS
def test_extraction_mode_false_discoveries(planted_extracted):
    result, truth = planted_extracted
    assert _recall_and_false_share(result, truth)[1] <= 0.1


@EXTRACTION_FAILS
def test_extraction_mode_on_independent_factors(independent):
    incidents, truth = independent
    assert len(_significant(_whole(incidents, truth, extract=True))) <= 1


# --- extract=True with a model fitted on another corpus's reported codes -------------------------

@pytest.fixture(scope="module")
def model(tmp_path_factory):
    """The supervised component fitted (factors-train --quick settings) on a third corpus, so
    it never saw the corpora it reads."""
    from nearmiss_lab.factors import train_model

    incidents, _truth = _planted_corpus(tmp_path_factory, 31)
    rows = [(text, {f["code"] for f in factors if f["source"] == "reported"})
            for text, factors in incidents.select("narrative", "factors").iter_rows()]
    rows = [(text, codes) for text, codes in rows if text and codes]
    return train_model([t for t, _ in rows], [c for _, c in rows], quick=True)


def test_extraction_with_a_trained_model_meets_the_false_discovery_checks(planted, model):
    incidents, truth = planted
    result = _whole(incidents, truth, extract=True, model=model)
    assert result.params["model"]["sha256"] == model.fingerprint
    recall, false_share, false = _recall_and_false_share(result, truth)
    assert recall >= 0.9
    assert false_share <= 0.1, false  # measured 0.00 (the lexicon alone: 0.81)
    # far fewer codes read from text than the lexicon's 1,261: the model learned to read the
    # narratives as officers coded them
    assert 0 < result.nodes["text_derived"].sum() < 300
    pairs = _emerging(incidents, truth, extract=True, model=model)
    assert tuple(sorted(truth["emerging_pair"])) in pairs


def test_extraction_with_a_trained_model_on_independent_factors(independent, model):
    incidents, truth = independent
    result = _whole(incidents, truth, extract=True, model=model)
    found = _significant(result)
    # the share stays under the nominal level (measured 2 of 1,137 tested, both resting on
    # text-derived codes); the default mode's stricter "at most one" is not met
    assert len(found) / result.edges.height <= 0.05
    derived = dict(zip(result.edges.select("source", "target").iter_rows(),
                       result.edges["text_derived"], strict=True))
    assert all(derived[p] > 0 for p in found)
