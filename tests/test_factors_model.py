"""The supervised component fitted on a store's reported codes: recovery of the codes planted in
synthetic narratives, the saved JSON model (round trip, tampering), evidence spans, and its use
at analysis time (extract_frame, `nearmiss factors-train`, `nearmiss network --extract --model`).

The store is a real Delta store holding a `nearmiss synth` corpus read through the agency
intake (de-identification is skipped to stay fast; the model reads whatever text is stored).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from click.testing import CliRunner

from nearmiss_lab.cli import main
from nearmiss_lab.factors import (
    LexiconExtractor,
    ModelFileError,
    TrainingError,
    extract_frame,
    load_model,
    save_model,
    train_from_store,
    train_model,
    training_report,
)
from nearmiss_lab.factors.modelfile import payload_digest
from nearmiss_lab.intake import load_mapping, read_export
from nearmiss_lab.store import append_rows, incident_to_row, init_store, load_incidents
from nearmiss_lab.synth import generate_corpus
from nearmiss_lab.validate import validate_incident

TRAIN_UNTIL = "2026-03"  # the corpus covers 2025-07..2026-06; the last three months are held out


def _drafts(root: Path) -> list[dict]:
    truth = json.loads((root / "truth.json").read_text())
    drafts = []
    for agency in truth["agencies"]:
        name = agency["agency"]
        export = next((root / "exports").glob(f"{name}.*"))
        mapping = load_mapping(root / "mappings" / f"{name}.mapping.json")
        for row in read_export(export, mapping):
            assert row.draft is not None, [i.code for i in row.issues]
            drafts.append(row.draft)
    return drafts


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, list[dict]]:
    """A real store of 1,200 synthetic incidents (2 agencies, 12 months ending 2026-06)."""
    work = tmp_path_factory.mktemp("factors-model")
    generate_corpus(work / "synth", agencies=2, incidents=1200, months=12, seed=21,
                    end_month="2026-06", workers=1)
    drafts = _drafts(work / "synth")
    store = init_store(work / "store")
    at = datetime(2026, 7, 1, tzinfo=UTC)
    append_rows(store, "incidents", [
        incident_to_row(d, submission_id=f"{d['agency']}-00000000000000a1", ingested_at=at)
        for d in drafts])
    return store, drafts


@pytest.fixture(scope="module")
def model(corpus):
    store, _ = corpus
    return train_from_store(store, until=TRAIN_UNTIL, quick=True)


def _reported(draft: dict) -> set[str]:
    return {f["code"] for f in draft["factors"] if f["source"] == "reported"}


def test_model_fitted_on_the_store_recovers_the_codes_planted_in_held_out_narratives(corpus,
                                                                                     model):
    _, drafts = corpus
    held_out = [d for d in drafts if d["occurred_month"] > TRAIN_UNTIL]
    predicted = model.predict_factors([d["narrative"] for d in held_out])
    learned = set(model.labels)
    assert len(learned) >= 30  # most of the taxonomy's factor codes were reported often enough
    tp = fp = fn = 0
    for draft, factors in zip(held_out, predicted, strict=True):
        truth = _reported(draft) & learned
        found = {f["code"] for f in factors}
        assert found <= learned
        tp, fp, fn = tp + len(truth & found), fp + len(found - truth), fn + len(truth - found)
    # measured 0.979 / 0.981 on this corpus; the bar leaves room for other seeds of the folds
    assert tp / (tp + fp) >= 0.9 and tp / (tp + fn) >= 0.9, (tp, fp, fn)


def test_training_reads_the_period_and_records_its_provenance(corpus, model):
    store, drafts = corpus
    prov = model.provenance
    assert prov["store"] == {"version": 1, "since": None, "until": TRAIN_UNTIL,
                             "agencies": None}
    trained = [d for d in drafts if d["occurred_month"] <= TRAIN_UNTIL]
    with_codes = [d for d in trained if _reported(d) and (d.get("narrative") or "").strip()]
    assert prov["records"]["read"] == len(trained)
    assert prov["records"]["used"] == prov["training_records"] == len(with_codes)
    assert prov["records"]["without_reported_factors"] == sum(not _reported(d) for d in trained)
    assert prov["months"] == {"first": "2025-07", "last": TRAIN_UNTIL}
    assert prov["lexicon_version"] == "1.0.0" and prov["package_version"]
    positives: dict[str, int] = {}
    for d in with_codes:
        for code in _reported(d):
            positives[code] = positives.get(code, 0) + 1
    # a code is learned with at least 20 records reporting it, refused (and listed) below that
    assert prov["labels"] == {c: k for c, k in sorted(positives.items()) if k >= 20}
    assert prov["refused"] == {c: k for c, k in sorted(positives.items()) if k < 20}
    assert prov["refused"], "the corpus has rare codes: the refusal must be exercised"
    report = training_report(model)
    assert set(report["labels"]) == set(model.labels) == set(prov["labels"])
    f1 = [m["f1"] for m in report["labels"].values()]
    assert all(0 <= m["precision"] <= 1 and 0 <= m["recall"] <= 1
               for m in report["labels"].values())
    assert report["macro_f1"] == pytest.approx(np.mean(f1), abs=1e-3)


def test_too_few_records_or_positives_is_a_training_error(corpus):
    store, _ = corpus
    with pytest.raises(TrainingError, match="no factor code is reported in at least 300"):
        train_from_store(store, until=TRAIN_UNTIL, min_positive=300, quick=True)
    with pytest.raises(TrainingError, match="training records"):
        train_model(["He was tired."] * 5, [{"HF.FATIGUE"}] * 5, min_positive=2)


def test_save_then_load_gives_identical_predictions(corpus, model, tmp_path):
    _, drafts = corpus
    narratives = [d["narrative"] for d in drafts if d["occurred_month"] > TRAIN_UNTIL]
    path = save_model(model, tmp_path / "model.json")
    text = path.read_text(encoding="utf-8")
    document = json.loads(text)  # plain JSON, no pickle
    assert document["format"] == "nearmiss-factor-model" and document["format_version"] == 1
    assert set(document["model"]["labels"]) == set(model.labels)
    loaded = load_model(path)
    before, after = model.predict_proba(narratives), loaded.predict_proba(narratives)
    assert set(before) == set(after)
    assert all(np.array_equal(before[k], after[k]) for k in before)
    assert loaded.predict_factors(narratives) == model.predict_factors(narratives)
    assert loaded.provenance == model.provenance
    assert loaded.fingerprint == model.fingerprint == document["sha256"]
    assert training_report(loaded) == training_report(model)


def _rewrite(path: Path, change, *, digest: bool = True) -> Path:
    """Apply ``change`` to the saved document; with ``digest``, write a matching sha256 (what a
    deliberate edit would do), so the loader's own checks are what refuses it."""
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    if digest:
        document.pop("sha256")
        document["sha256"] = payload_digest(document)
    out = path.with_name("tampered.json")
    out.write_text(json.dumps(document), encoding="utf-8")
    return out


def _first_label(document: dict) -> dict:
    return document["model"]["labels"][sorted(document["model"]["labels"])[0]]


def _rename_label(document: dict) -> None:
    labels = document["model"]["labels"]
    labels["HF.TELEPATHY"] = labels.pop(sorted(labels)[0])


@pytest.mark.parametrize(("change", "digest", "message"), [
    (lambda d: _first_label(d).update(threshold=0.01), False, "sha256 does not match"),
    (lambda d: d["model"]["word"]["vocabulary"].append("zzz"), False, "sha256 does not match"),
    (lambda d: _first_label(d).update(threshold=1.5), True, "threshold is outside"),
    (_rename_label, True, "is not a factor code of the taxonomy"),
    (lambda d: _first_label(d).update(coef=_first_label(d)["coef"][:-12]), True,
     "does not have"),
    (lambda d: d["model"]["word"]["vocabulary"].pop(), True, "does not have"),
    (lambda d: d["model"].update(lexicon_version="9.9.9"), True, "another lexicon"),
    (lambda d: d["model"]["tokenizer"].update(pattern=r"\w+"), True, "another tokenizer"),
    (lambda d: d.update(format_version=2), True, "format_version is not 1"),
    (lambda d: d.update(format="pickle"), True, "not a nearmiss factor model"),
    (lambda d: d["model"].pop("labels"), True, "/model/labels is missing"),
])
def test_a_tampered_model_file_is_refused_with_a_clear_error(model, tmp_path, change, digest,
                                                             message):
    path = save_model(model, tmp_path / "model.json")
    bad = _rewrite(path, change, digest=digest)
    with pytest.raises(ModelFileError, match=message) as caught:
        load_model(bad)
    assert "tampered.json" in str(caught.value)
    assert "TELEPATHY" not in str(caught.value) and "zzz" not in str(caught.value)


def test_a_file_that_is_no_json_is_refused(tmp_path):
    import pickle

    path = tmp_path / "model.json"
    path.write_bytes(pickle.dumps({"format": "nearmiss-factor-model"}))
    with pytest.raises(ModelFileError, match="cannot be read|not a JSON document"):
        load_model(path)
    with pytest.raises(ModelFileError, match="cannot be read"):
        load_model(tmp_path / "missing.json")


# --- evidence -----------------------------------------------------------------------------------

def _queue_corpus(n: int = 160) -> tuple[list[str], list[set[str]]]:
    # HF.WORKLOAD is signalled by a phrase the lexicon does not know ("call queue").
    texts, labels = [], []
    for i in range(n):
        busy = i % 3 == 0
        text = "Units were at a disturbance downtown. "
        text += "The call queue was long and nobody could clear. " if busy else "It was quiet. "
        text += ["The suspect ran.", "We talked to him.", "He sat down."][i % 3]
        texts.append(text)
        labels.append({"HF.WORKLOAD", "THREAT.FLIGHT"} if busy else {"THREAT.FLIGHT"})
    return texts, labels


@pytest.fixture(scope="module")
def queue_model():
    texts, labels = _queue_corpus()
    return train_model(texts, labels, min_positive=8, folds=3, quick=True)


def test_evidence_offsets_slice_the_phrase_that_carried_the_prediction(queue_model):
    assert queue_model.labels == ["HF.WORKLOAD"]  # THREAT.FLIGHT is on every record: refused
    assert queue_model.provenance["refused"] == {"THREAT.FLIGHT": 160}
    text = "It was the end of a shift. Again the call queue was long."
    [factors] = queue_model.predict_factors([text])
    [factor] = factors
    assert factor["code"] == "HF.WORKLOAD" and factor["source"] == "extracted"
    assert 0 < factor["confidence"] <= 1
    slices = [text[e["start"]:e["end"]] for e in factor["evidence"]]
    assert all(e["field"] == "narrative" for e in factor["evidence"])
    assert "call queue" in slices, slices  # the stem bigram, sliced exactly
    # every span is a word of the sentence that signalled the code in training
    assert all(s.lower() in "the call queue was long and nobody could clear" for s in slices)
    top = queue_model.contributions(text, "HF.WORKLOAD")
    assert top and all(c.weight > 0 for c in top)
    assert [c.weight for c in top] == sorted((c.weight for c in top), reverse=True)
    queue = next(c for c in top if c.feature == "word:queue")
    assert [text[a:b] for a, b in queue.spans] == ["queue"]
    assert queue_model.predict_factors(["It was quiet. He sat down."]) == [[]]
    # above its (loose, toy) threshold, yet nothing in the text pushed the code up: no
    # evidence, so no factor
    bare = "He pulled a knife."
    lm = queue_model.supervised.models["HF.WORKLOAD"]
    assert queue_model.predict_proba([bare])["HF.WORKLOAD"][0] >= lm.threshold
    assert queue_model.contributions(bare, "HF.WORKLOAD") == []
    assert queue_model.predict_factors([bare]) == [[]]


def test_predicted_factors_make_records_that_pass_the_evidence_rules(corpus, model):
    _, drafts = corpus
    held_out = [d for d in drafts if d["occurred_month"] > TRAIN_UNTIL][:120]
    predicted = model.predict_factors([d["narrative"] for d in held_out])
    assert sum(map(len, predicted)) > 100
    for draft, factors in zip(held_out, predicted, strict=True):
        record = {**draft, "factors": [f for f in draft["factors"]
                                       if f["code"] not in {g["code"] for g in factors}]
                  + factors}
        codes = [i.code for i in validate_incident(record)]
        assert "rule-extracted-without-evidence" not in codes
        assert "rule-evidence-out-of-bounds" not in codes
        for f in factors:
            assert f["evidence"] and len(f["evidence"]) <= 32
            spans = [(e["start"], e["end"]) for e in f["evidence"]]
            assert spans == sorted(spans)
            assert all(a < b <= c for (a, b), (c, _) in zip(spans, spans[1:], strict=False))


def test_extract_frame_takes_modelled_codes_from_the_model_and_the_rest_from_the_lexicon(
        queue_model):
    narratives = [
        "The call queue was long. He pulled a knife from his waistband.",
        "I was overwhelmed by my workload that night.",  # the lexicon's HF.WORKLOAD words
        "The call queue was long.",
    ]
    frame = pl.DataFrame({
        "incident_key": ["a", "b", "c"], "occurred_month": ["2024-01"] * 3,
        "narrative": narratives,
        "factors": [[], [], [{"code": "HF.WORKLOAD", "source": "reported"}]],
    }, schema_overrides={"factors": pl.List(pl.Struct({"code": pl.String,
                                                         "source": pl.String}))})
    lexicon_only = extract_frame(frame, extractor=LexiconExtractor())["factors"].to_list()
    assert "HF.WORKLOAD" in {f["code"] for f in lexicon_only[1]}
    rows = extract_frame(frame, model=queue_model)["factors"].to_list()
    first = {f["code"]: f for f in rows[0]}
    assert set(first) == {"HF.WORKLOAD", "THREAT.EDGED_WEAPON"}  # model + lexicon
    assert first["HF.WORKLOAD"]["confidence"] == queue_model.predict_factors(
        [narratives[0]])[0][0]["confidence"]
    assert any("queue" in narratives[0][e["start"]:e["end"]]
               for e in first["HF.WORKLOAD"]["evidence"])
    # the model decides the code it was trained on: the lexicon's reading of "workload" is
    # replaced by the model's own prediction, with its probability and evidence
    [lexical] = [f for f in lexicon_only[1] if f["code"] == "HF.WORKLOAD"]
    [learned] = [f for f in rows[1] if f["code"] == "HF.WORKLOAD"]
    assert learned == queue_model.predict_factors([narratives[1]])[0][0]
    assert learned["confidence"] != lexical["confidence"]
    # a code the record reports is not added again as extracted
    assert [(f["code"], f["source"]) for f in rows[2]] == [("HF.WORKLOAD", "reported")]


# --- CLI ----------------------------------------------------------------------------------------

def test_cli_factors_train_prints_each_code_and_writes_a_loadable_model(corpus, tmp_path):
    store, _ = corpus
    out = tmp_path / "m.json"
    result = CliRunner().invoke(main, ["factors-train", "--store", str(store), "--until",
                                       TRAIN_UNTIL, "--quick", "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("trained on ") and "store version 1, 2025-07..2026-03" in lines[0]
    assert "codes learned; out-of-fold macro-F1" in lines[1]
    assert any(line.strip().startswith("HF.FATIGUE") and " F1 " in line for line in lines)
    assert any("codes refused (fewer than 20" in line for line in lines)
    assert lines[-1].startswith(f"wrote {out} (sha256 ")
    model = load_model(out)
    assert model.provenance["store"]["until"] == TRAIN_UNTIL
    data = CliRunner().invoke(main, ["factors-train", "--store", str(store), "--until",
                                     TRAIN_UNTIL, "--quick", "--out", str(out), "--json"])
    assert data.exit_code == 0, data.output
    report = json.loads(data.output)
    assert report["model"] == str(out) and report["sha256"] == load_model(out).fingerprint
    assert set(report) >= {"provenance", "labels", "macro_f1", "refused"}
    assert set(report["labels"]["HF.FATIGUE"]) == {"positives", "threshold", "c", "precision",
                                                  "recall", "f1"}


def test_cli_factors_train_errors(corpus, tmp_path):
    store, _ = corpus
    out = tmp_path / "m.json"
    nothing = CliRunner().invoke(main, ["factors-train", "--store", str(store), "--quick",
                                        "--min-positive", "900", "--out", str(out)])
    assert nothing.exit_code == 1 and "nothing trained" in nothing.output
    assert not out.exists()
    missing = CliRunner().invoke(main, ["factors-train", "--store", str(tmp_path / "none"),
                                        "--out", str(out)])
    assert missing.exit_code == 2 and "Traceback" not in missing.output
    month = CliRunner().invoke(main, ["factors-train", "--store", str(store), "--since",
                                      "2026-13", "--out", str(out)])
    assert month.exit_code == 2


def test_cli_network_extract_with_a_model(corpus, model, tmp_path):
    store, _ = corpus
    path = save_model(model, tmp_path / "model.json")
    args = ["network", "--store", str(store), "--since", "2026-04", "--until", "2026-06",
            "--baseline-months", "0"]
    result = CliRunner().invoke(main, [*args, "--extract", "--model", str(path), "--json"])
    assert result.exit_code == 0, result.output
    params = json.loads(result.output)["params"]
    assert params["extract"] is True and params["text_derived"] is True
    assert params["model"]["sha256"] == model.fingerprint
    assert params["model"]["store_version"] == 1
    assert params["model"]["months"] == {"first": "2025-07", "last": TRAIN_UNTIL}
    shown = CliRunner().invoke(main, [*args, "--extract", "--model", str(path)])
    assert shown.exit_code == 0, shown.output
    assert f"model {model.fingerprint[:12]} trained on store version 1 2025-07..2026-03" in (
        shown.output)
    plain = json.loads(CliRunner().invoke(main, [*args, "--extract", "--json"]).output)
    assert plain["params"]["model"] is None
    no_extract = CliRunner().invoke(main, [*args, "--model", str(path)])
    assert no_extract.exit_code == 2 and "--model needs --extract" in no_extract.output
    bad = _rewrite(path, lambda d: _first_label(d).update(threshold=0.5), digest=False)
    refused = CliRunner().invoke(main, [*args, "--extract", "--model", str(bad)])
    assert refused.exit_code == 2 and "sha256 does not match" in refused.output
    assert "Traceback" not in refused.output


def test_store_training_reads_only_the_agencies_asked_for(corpus):
    store, drafts = corpus
    agency = sorted({d["agency"] for d in drafts})[0]
    one = train_from_store(store, agencies=[agency], quick=True, min_positive=10)
    assert one.provenance["store"]["agencies"] == [agency]
    assert one.provenance["records"]["read"] == load_incidents(
        store, agencies=[agency]).select(pl.len()).collect().item()
