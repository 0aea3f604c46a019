"""The synthetic corpus: determinism, shapes, gold offsets, planted structure, CLI."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from itertools import combinations
from pathlib import Path

import pytest
from click.testing import CliRunner

from nearmiss_lab.cli import main
from nearmiss_lab.intake import load_mapping, read_export
from nearmiss_lab.spec import load_taxonomy
from nearmiss_lab.synth import SynthError, generate_corpus, month_range, vin_check_digit

GOLD_TYPES = {"PERSON", "LOCATION", "ORGANIZATION", "DATE", "PHONE", "EMAIL", "ID", "AGE"}
MONTH = r"(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
# What a span of each type may look like: offsets that slice anything else are wrong.
SHAPE_OF = {
    "PERSON": re.compile(r"[^\W\d_][\w'\u2019\u201d\".,\- ]*\w\.?"),
    "LOCATION": re.compile(r"\w[\w'\u2019.,#\- ]*"),
    "ORGANIZATION": re.compile(r"\w[\w'\u2019.,\- ]*"),
    "DATE": re.compile(
        rf"(\d{{1,4}}[/-]\d{{1,2}}([/-]\d{{2,4}})?|.*{MONTH}.*|\d{{1,2}}{MONTH}\d{{2}})"),
    "PHONE": re.compile(r"(\+1 )?\(?\d{3}\)?[ .-]?\d{3}[ .-]?\d{4}( (?i:ext)\. \d+)?"),
    "EMAIL": re.compile(r"[\w.]+@[\w.]+\.\w+"),
    "ID": re.compile(r"(?=.*\d)\w[\w -]*"),
    "AGE": re.compile(r"\d{1,3}"),
}


def _digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def medium(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A corpus big enough for rates: 5 agencies, 4000 incidents, 12 months."""
    out = tmp_path_factory.mktemp("synth_medium")
    generate_corpus(out, agencies=5, incidents=4000, months=12, seed=11, end_month="2026-06")
    return out


def test_same_seed_gives_byte_identical_files(tmp_path: Path, synth_small: Path) -> None:
    generate_corpus(tmp_path / "again", agencies=5, incidents=60, months=12, seed=7,
                    end_month="2026-06")
    assert _digest(tmp_path / "again") == _digest(synth_small)


def test_worker_processes_do_not_change_a_byte(tmp_path: Path, synth_small: Path) -> None:
    generate_corpus(tmp_path / "parallel", agencies=5, incidents=60, months=12, seed=7,
                    end_month="2026-06", workers=2)
    assert _digest(tmp_path / "parallel") == _digest(synth_small)


def test_a_rerun_leaves_no_stale_exports(tmp_path: Path) -> None:
    generate_corpus(tmp_path, agencies=3, incidents=9, months=1, seed=1, end_month="2026-06")
    generate_corpus(tmp_path, agencies=2, incidents=9, months=1, seed=2, end_month="2026-06")
    index = json.loads((tmp_path / "agencies.json").read_text())
    assert sorted(p.name for p in (tmp_path / "exports").iterdir()) == sorted(
        Path(a["export"]).name for a in index)
    assert len(list((tmp_path / "mappings").iterdir())) == 2


def test_other_seed_gives_other_corpus(tmp_path: Path, synth_small: Path) -> None:
    generate_corpus(tmp_path / "other", agencies=5, incidents=60, months=12, seed=8,
                    end_month="2026-06")
    assert _digest(tmp_path / "other")["gold/deid.jsonl"] != _digest(synth_small)["gold/deid.jsonl"]


def test_agencies_index_lists_one_export_and_mapping_per_agency(synth_small: Path) -> None:
    index = json.loads((synth_small / "agencies.json").read_text())
    assert len(index) == 5
    assert len({a["agency"] for a in index}) == 5
    for entry in index:
        assert set(entry) == {"agency", "export", "mapping"}
        assert re.fullmatch(r"AG-[A-Z0-9]{3,12}", entry["agency"])
        assert not Path(entry["export"]).is_absolute()
        assert (synth_small / entry["export"]).is_file()
        assert load_mapping(synth_small / entry["mapping"]).agency == entry["agency"]
    suffixes = sorted(Path(a["export"]).suffix for a in index)
    assert suffixes == [".csv", ".csv", ".json", ".jsonl", ".tsv"]


def test_incident_total_and_months(synth_small: Path) -> None:
    truth = json.loads((synth_small / "truth.json").read_text())
    assert sum(a["incidents"] for a in truth["agencies"]) == 60
    assert truth["start_month"] == "2025-07" and truth["end_month"] == "2026-06"
    assert truth["seed"] == 7 and truth["emerging_month"] == "2026-06"
    assert len(truth["planted_pairs"]) >= 4


def test_every_gold_span_slices_a_clean_identifier(synth_small: Path) -> None:
    docs = _jsonl(synth_small / "gold" / "deid.jsonl")
    assert docs
    for doc in docs:
        assert set(doc) == {"id", "source", "text", "spans", "optional"}
        text = doc["text"]
        for span in doc["spans"]:
            assert span["type"] in GOLD_TYPES
            piece = text[span["start"]:span["end"]]
            assert piece and piece == piece.strip(), (doc["id"], span)
            assert SHAPE_OF[span["type"]].fullmatch(piece), (span["type"], doc["id"], span)
        for span in doc["optional"]:
            assert 0 <= span["start"] < span["end"] <= len(text)
        starts = sorted((s["start"], s["end"]) for s in doc["spans"])
        assert all(a[1] <= b[0] for a, b in zip(starts, starts[1:], strict=False)), "overlap"


def test_gold_text_equals_the_export_field_read_by_intake(synth_small: Path) -> None:
    gold = {d["id"]: d for d in _jsonl(synth_small / "gold" / "deid.jsonl")}
    seen = 0
    for entry in json.loads((synth_small / "agencies.json").read_text()):
        mapping = load_mapping(synth_small / entry["mapping"])
        for row in read_export(synth_small / entry["export"], mapping):
            assert row.draft is not None, [i.code for i in row.issues]
            base = f"{entry['agency']}:{row.draft['record_id']}"
            assert gold.pop(f"{base}:narrative")["text"] == row.draft["narrative"]
            if row.draft["lessons_learned"]:
                assert gold.pop(f"{base}:lessons_learned")["text"] == row.draft["lessons_learned"]
            seen += 1
    assert seen == 60
    assert not gold, "gold lines without an export record"


def test_gold_covers_every_identifier_kind(medium: Path) -> None:
    counts: Counter[str] = Counter()
    forms: Counter[str] = Counter()
    for doc in _jsonl(medium / "gold" / "deid.jsonl"):
        for span in doc["spans"]:
            counts[span["type"]] += 1
            piece = doc["text"][span["start"]:span["end"]]
            if span["type"] == "PERSON":
                forms["lower" if piece.islower() else "upper" if piece.isupper() else "mixed"] += 1
                forms["hyphen"] += "-" in piece
                forms["initial"] += bool(re.match(r"\w\. ", piece))
                forms["comma"] += "," in piece
    assert set(counts) == GOLD_TYPES
    assert min(counts.values()) >= 20
    assert all(forms[k] >= 10 for k in ("lower", "upper", "mixed", "hyphen", "initial", "comma"))


# Where an identifier stands, read from the text around its gold span (type, form, test).
_LOCATION_FORMS = {
    "street number": lambda piece, before, after: re.match(r"\d{1,6} \w", piece),
    "block": lambda piece, before, after: re.search(r"(block|blk)", after[:12]),
    "mile marker": lambda piece, before, after: (re.search(r"(mile marker|\bmm)\s*$", before)
                                                 or after.startswith(" mile marker")),
    "highway": lambda piece, before, after: re.search(
        r"\b(i-\d+|interstate|highway|hwy|us-?\d+|sr-?\d+|route)\b", piece.lower()),
}
_ID_FORMS = {
    "plate": r"(plate|tag|reg\.?|registration)\W*(#|number|no\.?)?\s*$",
    "badge": r"(badge|#)\s*$",
    "case, report, CAD or warrant number": (
        r"(case|report|incident|cad|warrant)\W*(#|number|no\.?)?\s*$"),
    "unit or call sign": r"(unit|car|call sign|callsign)\W*\s*$",
}


def test_identifier_forms_vary_like_real_reports(medium: Path) -> None:
    """Every address and number form the de-identification policy names is planted, often."""
    forms: Counter[str] = Counter()
    for doc in _jsonl(medium / "gold" / "deid.jsonl"):
        text = doc["text"]
        spans = sorted(doc["spans"], key=lambda s: s["start"])
        for span in spans:
            piece = text[span["start"]:span["end"]]
            before = text[max(0, span["start"] - 30):span["start"]].lower()
            after = text[span["end"]:span["end"] + 25].lower()
            if span["type"] == "LOCATION":
                forms.update(k for k, seen in _LOCATION_FORMS.items() if seen(piece, before, after))
            if span["type"] == "ID":
                forms.update(k for k, pattern in _ID_FORMS.items() if re.search(pattern, before))
        for first, second in zip(spans, spans[1:], strict=False):  # "Elm St & 5th Ave"
            if first["type"] == second["type"] == "LOCATION" and text[
                    first["end"]:second["start"]] in (" and ", " & ", "/"):
                forms["intersection"] += 1
    expected = [*_LOCATION_FORMS, *_ID_FORMS, "intersection"]
    assert {k: forms[k] for k in expected if forms[k] < 100} == {}


def test_sentence_forms_are_many_and_none_dominates(medium: Path) -> None:
    """With identifiers and digits masked, thousands of distinct sentences, none above 2 %:
    a recognizer that learned a handful of templates would not score well on this corpus."""
    skeletons: Counter[str] = Counter()
    for doc in _jsonl(medium / "gold" / "deid.jsonl"):
        text, pos, parts = doc["text"], 0, []
        for span in sorted(doc["spans"], key=lambda s: s["start"]):
            if span["start"] >= pos:
                parts += [text[pos:span["start"]], f"<{span['type']}>"]
                pos = span["end"]
        parts.append(text[pos:])
        masked = re.sub(r"\d+", "0", "".join(parts).lower())
        skeletons.update(s for s in re.split(r"(?<=[.!?])\s+", masked) if len(s) > 15)
    total = sum(skeletons.values())
    assert len(skeletons) >= 3000
    assert skeletons.most_common(1)[0][1] / total < 0.02


def test_planted_vins_have_valid_check_digits(medium: Path) -> None:
    vins = [d["text"][s["start"]:s["end"]] for d in _jsonl(medium / "gold" / "deid.jsonl")
            for s in d["spans"] if s["type"] == "ID" and s["end"] - s["start"] == 17]
    vins = [v.upper() for v in vins if re.fullmatch(r"[A-HJ-NPR-Z0-9]{17}", v.upper())]
    assert len(vins) >= 20
    assert all(vin_check_digit(v) == v[8] for v in vins)
    assert vin_check_digit("1M8GDM9AXKP042788") == "X"  # the textbook example


def test_factor_gold_matches_reported_codes(synth_small: Path) -> None:
    gold = {d["id"]: d for d in _jsonl(synth_small / "gold" / "factors.jsonl")}
    for entry in json.loads((synth_small / "agencies.json").read_text()):
        mapping = load_mapping(synth_small / entry["mapping"])
        for row in read_export(synth_small / entry["export"], mapping):
            assert row.draft is not None
            doc = gold[f"{entry['agency']}:{row.draft['record_id']}"]
            reported = row.draft["activities"] + [f["code"] for f in row.draft["factors"]]
            assert sorted(reported) == doc["labels"]
            assert doc["text"] == row.draft["narrative"]
            assert all(f["source"] == "reported" for f in row.draft["factors"])


def _code_sets(root: Path) -> list[set[str]]:
    return [set(d["labels"]) for d in _jsonl(root / "gold" / "factors.jsonl")]


def test_planted_pairs_co_occur_far_beyond_chance(medium: Path) -> None:
    truth = json.loads((medium / "truth.json").read_text())
    sets = _code_sets(medium)
    n = len(sets)
    count = Counter(c for s in sets for c in s)
    for a, b in truth["planted_pairs"]:
        observed = sum(1 for s in sets if a in s and b in s)
        expected = count[a] * count[b] / n
        assert observed > 2.5 * expected, (a, b, observed, expected)
    # Pairs of other codes stay near chance on average.
    planted = {c for pair in truth["planted_pairs"] for c in pair} | set(truth["emerging_pair"])
    others = sorted(c for c in count if c not in planted and not c.startswith("ACT."))
    ratios = []
    for a, b in combinations(others, 2):
        expected = count[a] * count[b] / n
        if expected >= 5:
            ratios.append(sum(1 for s in sets if a in s and b in s) / expected)
    assert 0.85 < sum(ratios) / len(ratios) < 1.15


def test_marginal_rates_are_realistic_and_many_codes_are_used(medium: Path) -> None:
    sets = _code_sets(medium)
    count = Counter(c for s in sets for c in s)
    assert 40 <= len(count) <= 60
    assert set(count) <= load_taxonomy().codes
    for code, k in count.items():
        assert 0.01 <= k / len(sets) <= 0.35, code


def test_emerging_pair_rises_in_the_last_month(medium: Path) -> None:
    truth = json.loads((medium / "truth.json").read_text())
    a, b = truth["emerging_pair"]
    by_month: dict[bool, list[int]] = {True: [0, 0], False: [0, 0]}
    gold = {d["id"]: d for d in _jsonl(medium / "gold" / "factors.jsonl")}
    for entry in json.loads((medium / "agencies.json").read_text()):
        mapping = load_mapping(medium / entry["mapping"])
        for row in read_export(medium / entry["export"], mapping):
            labels = set(gold[f"{entry['agency']}:{row.draft['record_id']}"]["labels"])
            last = row.draft["occurred_month"] == truth["emerging_month"]
            by_month[last][0] += 1
            by_month[last][1] += a in labels and b in labels
    rate_last = by_month[True][1] / by_month[True][0]
    rate_before = by_month[False][1] / by_month[False][0]
    assert rate_last > 5 * rate_before and rate_last > 0.08


def test_independent_mode_plants_nothing(tmp_path: Path) -> None:
    info = generate_corpus(tmp_path, agencies=2, incidents=3000, months=6, seed=3,
                           independent=True, end_month="2026-06")
    truth = json.loads((tmp_path / "truth.json").read_text())
    assert info.planted_pairs == [] and truth["planted_pairs"] == []
    assert truth["emerging_pair"] is None and truth["parameters"]["independent"] is True
    sets = _code_sets(tmp_path)
    count = Counter(c for s in sets for c in s)
    worst = 0.0
    for a, b in [("EQ.RADIO", "HF.COMMUNICATION"), ("ENV.DARKNESS", "EQ.LIGHTING"),
                 ("TAC.NO_BACKUP", "HF.RISK_ASSESSMENT")]:
        expected = count[a] * count[b] / len(sets)
        worst = max(worst, sum(1 for s in sets if a in s and b in s) / expected)
    assert worst < 1.8


def test_bad_parameters_are_refused(tmp_path: Path) -> None:
    with pytest.raises(SynthError):
        generate_corpus(tmp_path, agencies=0, incidents=5, months=1, seed=1)
    with pytest.raises(SynthError):
        generate_corpus(tmp_path, agencies=1, incidents=5, months=1, seed=1, end_month="2026-13")
    assert month_range("2026-02", 3) == [(2025, 12), (2026, 1), (2026, 2)]


def test_every_agency_gets_an_incident_when_there_are_enough(tmp_path: Path) -> None:
    # What the README promises: shares are unequal, at least one each when --incidents >=
    # --agencies; with fewer incidents some agencies export none (their export is empty).
    from nearmiss_lab.synth.corpus import SynthRandom, _split

    for parts in range(1, 7):
        for total in range(1, 14):
            for seed in range(12):
                counts = _split(SynthRandom(seed), total, parts)
                assert sum(counts) == total and len(counts) == parts
                if total >= parts:
                    assert min(counts) >= 1, (parts, total, seed)
    info = generate_corpus(tmp_path / "even", agencies=4, incidents=4, months=1, seed=3)
    assert [a.incidents for a in info.agencies] == [1, 1, 1, 1]
    info = generate_corpus(tmp_path / "few", agencies=2, incidents=1, months=1, seed=1)
    assert sorted(a.incidents for a in info.agencies) == [0, 1]


def test_cli_synth_json_reports_what_it_wrote(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["synth", "--agencies", "2", "--incidents", "20",
                                       "--months", "3", "--seed", "5", "--out", str(tmp_path),
                                       "--end-month", "2026-03", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["incidents"] == 20 and data["end_month"] == "2026-03"
    assert [a["agency"] for a in data["agencies"]] == [
        a["agency"] for a in json.loads((tmp_path / "agencies.json").read_text())]
    assert len(data["planted_pairs"]) >= 4


@pytest.mark.parametrize("args", [["--agencies", "0"], ["--end-month", "2026-13"],
                                  ["--months", "x"]])
def test_cli_synth_usage_errors_exit_2(tmp_path: Path, args: list[str]) -> None:
    base = {"--agencies": "1", "--incidents": "5", "--months": "2", "--seed": "1",
            "--out": str(tmp_path)}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    argv = ["synth"] + [x for kv in base.items() for x in kv]
    assert CliRunner().invoke(main, argv).exit_code == 2
