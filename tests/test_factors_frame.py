"""The factors stage over a polars frame, and the network analysing what it extracts."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from nearmiss_lab.factors import LEXICON_VERSION, LexiconExtractor, extract_frame
from nearmiss_lab.factors.text import _TOKENIZER, tokenize
from nearmiss_lab.network import (
    analyse,
    cooccurrence_counts,
    incidence_matrix,
    incident_codes,
    pair_table,
)

FATIGUE = "I was on my fourth twelve-hour shift in a row and was exhausted."
WEATHER = "It was raining heavily and visibility was poor."
NEUTRAL = "We stood by the patrol car and talked about the call for a while."
NEGATED = "There was no rain that night and I was not tired. No weapon was found on him."


def _frame(narratives, lessons=None, factors=None) -> pl.DataFrame:
    n = len(narratives)
    return pl.DataFrame({
        "incident_key": [f"k{i:04d}" for i in range(n)],
        "occurred_month": ["2024-06"] * n,
        "activities": [["ACT.TRAFFIC_STOP"]] * n,
        "factors": factors if factors is not None else [[] for _ in range(n)],
        "narrative": narratives,
        "lessons_learned": lessons if lessons is not None else [""] * n,
    }, schema_overrides={"factors": pl.List(pl.Struct({"code": pl.String,
                                                         "source": pl.String}))})


@pytest.fixture(scope="module")
def ex() -> LexiconExtractor:
    return LexiconExtractor()


def _extracted(row_factors):
    return {f["code"]: f for f in row_factors if f["source"] == "extracted"}


def test_extraction_adds_evidence_bearing_extracted_codes_to_a_frame(ex):
    frame = _frame(
        [f"{NEUTRAL} {FATIGUE}", NEUTRAL, None],
        lessons=["Wait for backup.", "", "He pulled a knife from his waistband."],
        factors=[[{"code": "EQ.RADIO", "source": "reported"}], [], []],
    )
    out = extract_frame(frame.lazy(), extractor=ex)
    assert out.columns == frame.columns and out.height == 3
    assert out["narrative"].to_list() == frame["narrative"].to_list()
    rows = out["factors"].to_list()
    assert rows[0][0] == {"code": "EQ.RADIO", "source": "reported", "confidence": None,
                          "evidence": []}  # reported factors stay first and unchanged
    first = _extracted(rows[0])
    # lessons learned ("Wait for backup.") are advice, not read by default
    assert set(first) == {"HF.FATIGUE"}
    for factor in first.values():
        assert 0 < factor["confidence"] <= 1 and factor["evidence"]
    assert rows[1] == []  # nothing to find
    assert rows[2] == []  # a null narrative is skipped, and the lesson is advice
    both = extract_frame(frame, fields=("narrative", "lessons_learned"))["factors"].to_list()
    assert set(_extracted(both[0])) == {"HF.FATIGUE", "TAC.NO_BACKUP"}
    assert _extracted(both[0])["TAC.NO_BACKUP"]["evidence"][0]["field"] == "lessons_learned"
    assert set(_extracted(both[2])) == {"THREAT.EDGED_WEAPON"}


def test_offsets_slice_the_triggering_phrase_in_the_stored_text(ex):
    narrative = f"Line one.\n{WEATHER} {FATIGUE}"
    lesson = "Always wait for backup before you go in."
    out = extract_frame(_frame([narrative], lessons=[lesson]), extractor=ex,
                        fields=("narrative", "lessons_learned"))
    stored = {"narrative": out["narrative"][0], "lessons_learned": out["lessons_learned"][0]}
    spans = {
        code: {stored[e["field"]][e["start"]:e["end"]].lower() for e in f["evidence"]}
        for code, f in _extracted(out["factors"][0]).items()
    }
    assert spans["ENV.WEATHER"] == {"raining", "visibility"}
    assert spans["HF.FATIGUE"] == {"exhausted"}
    assert spans["TAC.NO_BACKUP"] == {"wait for backup"}


def test_negated_and_hypothetical_mentions_are_not_added(ex):
    out = extract_frame(_frame([NEGATED, "If it had been raining, I would have slipped.",
                                "The weather was not a factor."]), extractor=ex)
    assert out["factors"].to_list() == [[], [], []]


def test_submitted_extracted_factors_are_kept_and_duplicates_merged(ex):
    text = f"{WEATHER} {FATIGUE}"
    weather_at = text.index("visibility")
    factors = [[
        {"code": "HF.FATIGUE", "source": "reported"},
        {"code": "ENV.WEATHER", "source": "extracted", "confidence": 0.4,
         "evidence": [{"field": "narrative", "start": weather_at, "end": weather_at + 10}]},
        {"code": "EQ.LIGHTING", "source": "extracted", "confidence": 0.6,
         "evidence": [{"field": "narrative", "start": 0, "end": 2}]},
        {"code": "HF.FATIGUE", "source": "reported"},
    ]]
    frame = _frame([text]).with_columns(
        pl.Series("factors", factors, dtype=pl.List(pl.Struct({
            "code": pl.String, "source": pl.String, "confidence": pl.Float64,
            "evidence": pl.List(pl.Struct({"field": pl.String, "start": pl.Int64,
                                           "end": pl.Int64}))}))))
    row = extract_frame(frame, extractor=ex)["factors"][0]
    keys = [(f["code"], f["source"]) for f in row]
    assert keys == [("HF.FATIGUE", "reported"), ("ENV.WEATHER", "extracted"),
                    ("EQ.LIGHTING", "extracted")]  # one entry per code and source
    weather = row[1]
    spans = [(e["start"], e["end"]) for e in weather["evidence"]]
    assert spans[0] == (weather_at, weather_at + 10)  # the agency's span first, not repeated
    assert len(spans) == len(set(spans)) == 2
    assert weather["confidence"] > 0.4  # the higher of the two
    assert row[2]["confidence"] == 0.6  # the agency's own extracted factor is kept


def test_extraction_is_deterministic(ex):
    frame = _frame([f"{WEATHER} {FATIGUE}", NEGATED, NEUTRAL] * 3)
    assert extract_frame(frame).equals(extract_frame(frame, extractor=ex))


def test_tokenizer_spans_equal_nltk_regexp_tokenizer():
    texts = ["I didn't see the O.C. spray can't-stop it's 10-4, [PERSON-1] café naïve\n\nok",
             FATIGUE, NEGATED, "Ünïcödé — dash… 3.5 rounds; e-mail @ 22:10"]
    for text in texts:
        tokens = tokenize(text)
        assert list(zip(tokens.starts, tokens.ends, strict=True)) == list(
            _TOKENIZER.span_tokenize(text))


# --- the network over extracted factors -------------------------------------------------------

def _planted_narrative_pair(n: int = 400, seed: int = 5) -> pl.DataFrame:
    """Reported factors independent of each other; fatigue and weather appear together in the
    narratives of 15 % of incidents and nowhere in the reported factors."""
    rng = np.random.default_rng(seed)
    reported = ["EQ.RADIO", "HF.DISTRACTION", "TAC.NO_COVER"]
    narratives, factors = [], []
    for i in range(n):
        factors.append([{"code": c, "source": "reported"} for c in reported
                        if rng.random() < 0.2])
        u = rng.random()
        if u < 0.15:
            narratives.append(f"{NEUTRAL} {WEATHER} {FATIGUE}")
        elif u < 0.20:
            narratives.append(f"{NEUTRAL} {FATIGUE}")
        elif u < 0.25:
            narratives.append(f"{NEUTRAL} {WEATHER}")
        elif u < 0.45:
            narratives.append(f"{NEUTRAL} {NEGATED}")
        else:
            narratives.append(f"{NEUTRAL} Nothing else happened on incident {i}.")
    return _frame(narratives, factors=factors)


def test_a_narrative_only_factor_pair_becomes_visible_with_extraction(ex):
    frame = _planted_narrative_pair()
    pair = (pl.col("source") == "ENV.WEATHER") & (pl.col("target") == "HF.FATIGUE")
    off = analyse(frame, period=("2024-06", "2024-06"), baseline_months=0, labels={},
                  extract=False)
    assert off.edges.filter(pair).height == 0
    assert "HF.FATIGUE" not in set(off.nodes["code"])
    default = analyse(frame, period=("2024-06", "2024-06"), baseline_months=0, labels={})
    assert default.edges.equals(off.edges)  # what officers reported, unless asked
    assert default.params["text_derived"] is False
    on = analyse(frame, period=("2024-06", "2024-06"), baseline_months=0, labels={},
                 extract=True, extractor=ex)
    row = on.edges.filter(pair)
    assert row.height == 1 and row["significant"][0]
    expected_count = sum("raining" in t and "exhausted" in t for t in frame["narrative"])
    assert row["count"][0] == expected_count  # negated mentions added nothing
    assert row["text_derived"][0] == expected_count  # and every one of them is read from text
    assert on.params["extract"] is True and on.params["lexicon_version"] == LEXICON_VERSION
    assert on.params["text_derived"] is True
    fatigue = on.nodes.filter(pl.col("code") == "HF.FATIGUE")
    assert fatigue["text_derived"][0] == fatigue["support"][0]
    both = on.codes.filter(pl.col("code").is_in(["ENV.WEATHER", "HF.FATIGUE"])).group_by(
        "incident_key").len().filter(pl.col("len") == 2)
    assert both.height == expected_count  # the incidents behind the pair, as counted
    assert off.params["extract"] is False and off.params["lexicon_version"] is None


def test_analyse_without_extraction_is_the_stored_factors_network():
    frame = _planted_narrative_pair(300, seed=9).with_columns(
        occurred_month=pl.Series(["2024-05", "2024-06", "2024-07"] * 100))
    result = analyse(frame, period=("2024-06", "2024-07"), baseline_months=1, labels={},
                     min_count=3, extract=False)
    # the stage-by-stage computation over the stored factors, as analyse did before extraction
    long = incident_codes(frame)
    window = long.filter(pl.col("occurred_month") >= "2024-06")
    inc = incidence_matrix(window)
    table = pair_table(cooccurrence_counts(inc.matrix), inc.codes, inc.n_incidents,
                       min_count=3).filter(pl.col("tested"))
    key = ["source", "target"]
    got = result.edges.select(table.columns).sort(key)
    assert got.equals(table.sort(key))
    assert result.params["incidents"] == 200
    # reported-only sources never run the extractor
    reported = analyse(frame, period=("2024-06", "2024-07"), baseline_months=1, labels={},
                       min_count=3, sources=("reported",))
    assert reported.params["extract"] is False
    assert reported.edges.select(table.columns).sort(key).equals(got)
