"""Factor extraction: lexicon cues, negation, hypotheticals, evidence, scoring, CLI."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from nearmiss_lab.factors import (
    CombinedExtractor,
    LexiconExtractor,
    SupervisedExtractor,
    add_extracted_factors,
    discover_phrases,
    load_lexicon,
    score,
    split_by_year,
    split_half,
)
from nearmiss_lab.factors.evaluate import GoldDoc
from nearmiss_lab.factors.lexicon import LexiconError, parse_lexicon
from nearmiss_lab.spec import load_taxonomy


@pytest.fixture(scope="module")
def ex() -> LexiconExtractor:
    return LexiconExtractor()


def codes(ex: LexiconExtractor, text: str) -> set[str]:
    return {e.code for e in ex.extract({"narrative": text})}


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        ("The subject pulled a knife from his waistband.", {"THREAT.EDGED_WEAPON"}, set()),
        ("No weapon was found on the subject.", set(), {"THREAT.FIREARM"}),
        ("We searched him and a gun was not found.", set(), {"THREAT.FIREARM"}),
        ("If he had been armed with a knife, I would have had no cover.", set(),
         {"THREAT.EDGED_WEAPON", "TAC.NO_COVER", "THREAT.FIREARM"}),
        ("Had he not braked, the truck would have struck me.", {"ROAD.STRUCK_BY"}, set()),
        ("I did not see the knife until he swung it at me.",
         {"THREAT.EDGED_WEAPON", "HF.SITUATIONAL_AWARENESS"}, set()),
        ("There was no communication between units and I had no backup.",
         {"HF.COMMUNICATION", "TAC.NO_BACKUP"}, set()),
        ("Radio traffic was not an issue that night.", set(), {"HF.COMMUNICATION"}),
        ("I was not wearing my body armor.", {"EQ.PPE"}, set()),
        ("I was tired after a double shift and it was raining.", {"HF.FATIGUE", "ENV.WEATHER"},
         {"EQ.VEHICLE"}),
        ("The driver was not armed, but he had a knife in the console.",
         {"THREAT.EDGED_WEAPON"}, {"THREAT.FIREARM"}),
    ],
)
def test_lexicon_cues_negation_and_hypotheticals(ex, text, present, absent):
    found = codes(ex, text)
    assert present <= found, found
    assert not (absent & found), found


def test_evidence_offsets_point_at_the_triggering_phrase(ex):
    text = "Lessons: none.\nThe man reached for my holster and grabbed my gun."
    [*found] = ex.extract({"narrative": text, "lessons_learned": "Always wait for backup."})
    by_code = {e.code: e for e in found}
    spans = {text[m.start:m.end].lower() for m in by_code["EQ.FIREARM"].evidence}
    assert spans == {"holster", "grabbed my gun"}
    assert all(m.field == "narrative" for m in by_code["EQ.FIREARM"].evidence)
    # lessons learned are advice: "always wait for backup" does not say backup was missing
    assert "TAC.NO_BACKUP" not in by_code
    both = LexiconExtractor(fields=("narrative", "lessons_learned"))
    lesson = {e.code: e for e in both.extract(
        {"narrative": text, "lessons_learned": "Always wait for backup."})}["TAC.NO_BACKUP"]
    m = lesson.evidence[0]
    assert m.field == "lessons_learned"
    assert "Always wait for backup."[m.start:m.end].lower() == "wait for backup"


def test_words_inside_a_longer_phrase_support_only_that_phrase(ex):
    # "radio" (EQ.RADIO, HF.COMMUNICATION weak cue) inside "no radio contact";
    # "breakdown" (EQ.VEHICLE weak cue) inside "breakdown in communication"
    text = "We had no radio contact. There was a breakdown in communication with the truck."
    found = {e.code: e for e in ex.extract({"narrative": text})}
    assert set(found) == {"HF.COMMUNICATION"}, set(found)
    assert {text[m.start:m.end] for m in found["HF.COMMUNICATION"].evidence} == {
        "no radio contact", "breakdown in communication"}


def test_a_reported_code_explains_its_clause_for_its_category(ex):
    record = {"narrative": "My TASER cartridge failed to fire. Later my pistol jammed and "
                           "failed to fire.",
              "factors": [{"code": "EQ.LESS_LETHAL", "source": "reported"}]}
    unreported = {f["code"] for f in add_extracted_factors({**record, "factors": []}, ex)[
        "factors"]}
    assert {"EQ.LESS_LETHAL", "EQ.FIREARM"} <= unreported  # the lexicon reads both
    out = add_extracted_factors(record, ex)["factors"]
    firearm = [f for f in out if f["code"] == "EQ.FIREARM"]
    # "failed to fire" in the TASER sentence is the coded less-lethal problem; the firearm
    # code stands on the other sentence only
    assert len(firearm) == 1
    assert all(e["start"] > record["narrative"].index("Later") for e in firearm[0]["evidence"])
    assert "THREAT.FIREARM" not in {f["code"] for f in out}  # "my pistol" is no threat


def test_explain_keeps_cancelled_matches_with_their_reason(ex):
    matches = ex.explain({"narrative": "No weapon was found. If he had a knife, run."})
    status = {(m.phrase, m.status) for m in matches}
    assert ("weapon", "negated") in status
    assert ("knife", "hypothetical") in status


def test_record_keeps_reported_factors_and_adds_extracted_with_evidence(ex):
    record = {
        "narrative": "He fled on foot and I chased him alone with no backup.",
        "lessons_learned": "",
        "factors": [{"code": "TAC.NO_BACKUP", "source": "reported"}],
    }
    out = add_extracted_factors(record, ex)
    by_code = {f["code"]: f for f in out["factors"]}
    assert by_code["TAC.NO_BACKUP"] == {"code": "TAC.NO_BACKUP", "source": "reported"}
    flight = by_code["THREAT.FLIGHT"]
    assert flight["source"] == "extracted" and 0 < flight["confidence"] <= 1
    ev = flight["evidence"][0]
    assert set(ev) == {"field", "start", "end"}
    assert record["narrative"][ev["start"]:ev["end"]] == "fled"
    assert record["factors"] == [{"code": "TAC.NO_BACKUP", "source": "reported"}]  # unchanged


def test_shipped_lexicon_only_names_taxonomy_codes_and_covers_every_factor_code():
    lex = load_lexicon()
    taxonomy = load_taxonomy()
    assert set(lex.by_code) <= taxonomy.codes
    factor_codes = {c for c in taxonomy.codes if not taxonomy.is_activity(c)}
    assert factor_codes <= set(lex.by_code)
    assert all(lex.by_code[c] for c in factor_codes)


def test_lexicon_with_an_unknown_code_is_rejected():
    data = json.loads(load_lexicon().raw and json.dumps(load_lexicon().raw))
    data["codes"]["HF.TELEPATHY"] = {"phrases": ["mind reading"]}
    with pytest.raises(LexiconError, match="HF.TELEPATHY"):
        parse_lexicon(data, known_codes=load_taxonomy().codes)


def test_bare_category_label_is_met_by_any_code_of_the_category():
    gold = [{"EQ"}, {"EQ"}, {"HF.FATIGUE"}, set()]
    pred = [{"EQ.RADIO"}, set(), {"HF.FATIGUE", "EQ.PPE"}, {"HF.FATIGUE"}]
    result = score(gold, pred)
    eq = result["by_label"]["EQ"]
    assert (eq["precision"], eq["recall"]) == (pytest.approx(1 / 2), pytest.approx(1 / 2))
    fat = result["by_label"]["HF.FATIGUE"]
    assert (fat["precision"], fat["recall"]) == (pytest.approx(1 / 2), 1.0)
    assert set(result["by_label"]) == {"EQ", "HF.FATIGUE"}  # only the gold's labels
    assert result["macro_f1"] == pytest.approx((0.5 + 2 / 3) / 2, abs=1e-4)


def test_splits_are_deterministic_and_disjoint():
    docs = [GoldDoc(f"d{i}", "x", frozenset(), f"SAFENET {1999 + i % 17}") for i in range(60)]
    train, test = split_half(docs)
    again, _ = split_half(list(reversed(docs)))
    assert [d.id for d in train] == [d.id for d in again]
    assert len(train) == 30 and not {d.id for d in train} & {d.id for d in test}
    old, new = split_by_year(docs, 2010)
    assert all(int(d.source[-4:]) <= 2010 for d in old)
    assert all(int(d.source[-4:]) > 2010 for d in new)


def _toy_corpus(n: int = 160):
    # The label "HF.WORKLOAD" is signalled by a phrase the lexicon does not know ("call queue").
    texts, labels = [], []
    for i in range(n):
        busy = i % 3 == 0
        text = "Units were at a disturbance downtown. "
        text += "The call queue was long and nobody could clear. " if busy else "It was quiet. "
        text += ["The suspect ran.", "We talked to him.", "He sat down."][i % 3]
        texts.append({"narrative": text})
        labels.append({"HF.WORKLOAD"} if busy else set())
    return texts, labels


def test_supervised_component_learns_agency_coding_and_explains_it(ex):
    texts, labels = _toy_corpus()
    model = SupervisedExtractor(ex, c_grid=(4.0,), folds=3).fit(texts, labels)
    assert "HF.WORKLOAD" in model.models
    probe = [{"narrative": "The call queue was long again."}, {"narrative": "It was quiet."}]
    predicted = CombinedExtractor(ex, model).predict(probe)
    assert "HF.WORKLOAD" in predicted[0] and "HF.WORKLOAD" not in predicted[1]
    why = [name for name, _ in model.explain(probe[0], "HF.WORKLOAD")]
    assert any("queue" in name for name in why)
    assert any("queue" in name for name, _ in model.top_features("HF.WORKLOAD"))


def test_discovery_lists_frequent_uncovered_phrases_only():
    texts = ["The sector map was old and the drip torch leaked."] * 6 + [
        "Body armor was worn."] * 6
    found = discover_phrases(texts, min_freq=5, top=20)
    phrases = {r["phrase"] for r in found["bigrams_llr"]}
    assert {"sector map", "drip torch"} <= phrases
    assert "body armor" not in phrases  # the lexicon already covers it


# --- CLI -----------------------------------------------------------------------------------

def _write(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_cli_factors_eval_lexicon_only_json(tmp_path):
    from nearmiss_lab.cli import main

    gold = _write(tmp_path / "gold.jsonl", [
        {"id": "1", "text": "He pulled a knife on me.", "labels": ["THREAT.EDGED_WEAPON"]},
        {"id": "2", "text": "My radio died in a dead spot.", "labels": ["EQ"]},
        {"id": "3", "text": "It was a quiet night.", "labels": ["THREAT.EDGED_WEAPON"]},
    ])
    result = CliRunner().invoke(main, ["factors-eval", str(gold), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    [f] = data["files"]
    assert f["file"] == str(gold) and f["mode"] == "lexicon"
    assert f["by_label"]["EQ"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1,
                                   "predicted": 1}
    assert f["by_label"]["THREAT.EDGED_WEAPON"]["recall"] == 0.5
    assert f["macro_f1"] == pytest.approx((1.0 + 2 / 3) / 2, abs=1e-4)
    low = CliRunner().invoke(main, ["factors-eval", str(gold), "--min-macro-f1", "0.99"])
    assert low.exit_code == 1


def test_cli_factors_eval_with_training_reports_baselines(tmp_path):
    from nearmiss_lab.cli import main

    texts, labels = _toy_corpus(120)
    rows = [{"id": str(i), "text": t["narrative"], "labels": sorted(lab)}
            for i, (t, lab) in enumerate(zip(texts, labels, strict=True))]
    train = _write(tmp_path / "train.jsonl", rows[:90])
    gold = _write(tmp_path / "gold.jsonl", rows[90:])
    result = CliRunner().invoke(main, ["factors-eval", str(gold), "--train", str(train),
                                       "--json"])
    assert result.exit_code == 0, result.output
    [f] = json.loads(result.output)["files"]
    assert f["mode"] == "lexicon+supervised" and f["macro_f1"] == 1.0
    assert {"baseline", "baseline_balanced", "lexicon"} <= set(f)
    assert f["by_label"]["HF.WORKLOAD"]["support"] == 10
    assert "margin_over_balanced" not in f  # only when asked
    boot = CliRunner().invoke(main, ["factors-eval", str(gold), "--train", str(train),
                                     "--bootstrap", "200"])
    assert boot.exit_code == 0, boot.output
    assert "margin over the balanced baseline" in boot.output and "200 paired" in boot.output


def test_paired_bootstrap_of_a_macro_f1_margin():
    from nearmiss_lab.factors.evaluate import paired_bootstrap

    gold = [{"EQ.RADIO"}, {"HF.FATIGUE"}, set(), {"EQ.RADIO", "HF.FATIGUE"}] * 25
    same = paired_bootstrap(gold, gold, gold, rounds=200)
    assert same["difference"] == 0 and same["ci95"] == [0, 0]
    assert same["share_not_better"] == 1.0  # a tie is no margin
    # perfect against predicting nothing: the whole interval is above zero
    better = paired_bootstrap(gold, gold, [set()] * len(gold), rounds=200)
    assert better["difference"] == 1.0 and better["ci95"][0] > 0.9
    assert better["share_not_better"] == 0.0
    # a bare category is met by any of its codes, as in score()
    category = paired_bootstrap([{"EQ"}] * 10, [{"EQ.RADIO"}] * 10, [set()] * 10, rounds=50)
    assert category["difference"] == 1.0
    # each system finds the label in a different half of the records: no real margin
    radio = [{"EQ.RADIO"}] * 100
    noisy = paired_bootstrap(radio, [g if i % 2 else set() for i, g in enumerate(radio)],
                             [set() if i % 2 else g for i, g in enumerate(radio)], rounds=500)
    assert noisy["difference"] == 0 and noisy["ci95"][0] < 0 < noisy["ci95"][1]


def test_cli_factors_eval_unreadable_gold_is_exit_2(tmp_path):
    from nearmiss_lab.cli import main

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1}\nnot json\n')
    result = CliRunner().invoke(main, ["factors-eval", str(bad)])
    assert result.exit_code == 2
    assert "bad.jsonl:1" in result.output
    missing = CliRunner().invoke(main, ["factors-eval", str(tmp_path / "nope.jsonl")])
    assert missing.exit_code == 2


def test_cli_factors_split_and_discover(tmp_path):
    from nearmiss_lab.cli import main

    src = _write(tmp_path / "src.jsonl", [
        {"id": str(i), "source": f"SAFENET {2008 + i % 5}", "text": "The drip torch leaked.",
         "labels": []} for i in range(20)])
    out = tmp_path / "split"
    result = CliRunner().invoke(main, ["factors-split", str(src), "--by", "year:2010",
                                       "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    assert info["train_records"] == 12 and info["test_records"] == 8
    bad = CliRunner().invoke(main, ["factors-split", str(src), "--by", "odd", "--out", str(out)])
    assert bad.exit_code == 2
    found = CliRunner().invoke(main, ["factors-discover", "--jsonl", str(src), "--min-freq", "5",
                                      "--json"])
    assert found.exit_code == 0, found.output
    assert any(r["phrase"] == "drip torch" for r in json.loads(found.output)["bigrams_llr"])
