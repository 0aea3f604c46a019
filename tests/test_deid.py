"""De-identification with the real engine: placeholders, propagation, overlaps, re-casing,
the recognizer declaration file and synth gold recall."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nearmiss_lab.deid import Detection, deidentify_record, detect_records
from nearmiss_lab.deid.evaluate import engine_detector, evaluate_documents, read_gold
from nearmiss_lab.deid.registry import RecognizerConfigError, load_recognizer_config
from nearmiss_lab.deid.spans import resolve_overlaps


def _deid(engine, narrative: str, lessons: str = "") -> dict:
    record = {"narrative": narrative, "lessons_learned": lessons}
    return deidentify_record(record, engine=engine).record


def test_same_person_gets_the_same_placeholder_in_narrative_and_lessons(engine):
    out = _deid(
        engine,
        "Sgt. Ana Kowalczyk and Ofc. Brett Halloran stopped the van. Kowalczyk took cover.",
        "Halloran says Kowalczyk was right to wait.",
    )
    assert "Kowalczyk" not in out["narrative"] + out["lessons_learned"]
    assert "Halloran" not in out["narrative"] + out["lessons_learned"]
    assert out["narrative"].count("[PERSON-1]") == 2
    assert out["narrative"].count("[PERSON-2]") == 1
    assert out["lessons_learned"] == "[PERSON-2] says [PERSON-1] was right to wait."


def test_rank_stays_readable_beside_the_placeholder(engine):
    out = _deid(engine, "Sgt. Ana Kowalczyk arrived and Ofc. Halloran followed her inside.")
    assert out["narrative"].startswith("Sgt. [PERSON-1] arrived and Ofc. [PERSON-2]")


def test_surname_alone_is_found_after_the_full_name(engine):
    # "Beck" alone, capitalised at a sentence start, is no name to any recognizer:
    # only propagation from "Marla Beck" finds it, in both fields.
    out = _deid(
        engine,
        "The caller, Marla Beck, met us outside. Beck pointed at the garage.",
        "Beck was calm.",
    )
    assert "Beck" not in out["narrative"] and "Beck" not in out["lessons_learned"]
    assert out["lessons_learned"] == "[PERSON-1] was calm."


def test_surname_that_is_a_rank_or_stop_word_propagates_where_a_person_stands(engine):
    # "Major" and "Still" are ranks and stop words: alone they name no one, but after the
    # full names they are the surnames wherever a person stands (before a verb people do,
    # after "asked"), in every field; as a rank before a name or a plain word they stay.
    out = _deid(
        engine,
        "We spoke to Tom Major outside. Major was upset. Mary Still waited; Still, he ran.",
        "Later I asked Major. Major Smith said Still was right. The Major said no.",
    )
    assert out["narrative"] == (
        "We spoke to [PERSON-1] outside. [PERSON-1] was upset. [PERSON-2] waited; Still, he ran."
    )
    assert out["lessons_learned"] == (
        "Later I asked [PERSON-1]. Major [PERSON-3] said [PERSON-2] was right. The Major said no."
    )


def test_found_names_are_not_kept_in_the_re_cache_or_spacy_vocabulary(engine):
    import re

    from nearmiss_lab.deid.engine import LANGUAGE

    name = "Xavantiqua Wrzblewicz"
    out = _deid(engine, f"Ofc. {name} stood by. Wrzblewicz said so.", "Thanks, Wrzblewicz.")
    assert "Wrzblewicz" not in out["narrative"] + out["lessons_learned"]
    # The names were matched without compiling a pattern of them (the re module keeps the
    # last compiled patterns), and spaCy freed the strings these texts added to its store.
    caches = [getattr(re, attr) for attr in ("_cache", "_cache2") if hasattr(re, attr)]
    assert caches, "the re module's cache is where this test looks"
    for cache in caches:
        assert not any("Wrzblewicz" in repr(key) for key in cache)
    strings = engine.nlp_engine.get_nlp(LANGUAGE).vocab.strings
    assert "Wrzblewicz" not in strings and "Xavantiqua" not in strings
    assert "officer" in strings  # the model's own vocabulary stays


_WORDISH = st.text(alphabet="aAbB_-'. 1é", min_size=1, max_size=4)


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet="aAbB_-'. 1é\n", max_size=40),
    words=st.lists(_WORDISH, max_size=4),
    ignore_case=st.booleans(),
)
def test_find_mentions_finds_what_a_regex_alternation_would(text, words, ignore_case):
    import re

    from nearmiss_lab.deid.propagate import find_mentions

    ordered = sorted(set(words), key=len, reverse=True)
    pattern = r"(?<!\w)(?:" + "|".join(re.escape(w) for w in ordered) + r")(?!\w)"
    flags = re.IGNORECASE if ignore_case else 0
    expected = [m.span() for m in re.finditer(pattern, text, flags)] if ordered else []
    assert find_mentions(text, words, ignore_case=ignore_case) == expected


def test_word_endings_follow_english_morphology(engine):
    # A comparative is of an adjective, "-es" follows a sibilant or "o": occupational and
    # other surnames are no inflections of a verb or noun ("hunter" is not "hunt" + "er").
    names = engine.names
    for word in ("faster", "longer", "bigger", "boxes", "goes", "stopped", "worked"):
        assert names.is_common_word(word) and names.is_english(word), word
    for word in ("asher", "harper", "keyes", "bowles"):
        assert not names.is_common_word(word), word
    assert not names.is_english("keyes") and not names.is_english("asher")


def test_rank_and_surname_and_capitals_propagate(engine):
    out = _deid(engine, "Deputy Okonkwo-Reyes took the rear. Later DEPUTY OKONKWO-REYES said so.")
    assert "Okonkwo" not in out["narrative"] and "OKONKWO" not in out["narrative"]


def test_all_caps_report_is_recased_for_detection(engine):
    out = _deid(
        engine,
        "I WORK FOR THE CLARKSVILLE POLICE DEPARTMENT. ON 25SEP25 DEPUTY GAGE "
        "AND I STOPPED TRAVIS SHOWALTER ON ELM DRIVE, PLATE SPU6003.",
    )
    text = out["narrative"]
    for value in ("CLARKSVILLE", "25SEP25", "GAGE", "SHOWALTER", "ELM DRIVE", "SPU6003"):
        assert value not in text
    assert text.startswith("I WORK FOR THE [AGENCY-1].")


def test_overlaps_leave_no_fragment_and_grow_to_whole_words():
    text = "Plate ABC-1234x seen near Kowalski's truck"
    found = resolve_overlaps(
        text,
        [
            Detection(6, 10, "PLATE", 0.9, "PlateRecognizer"),  # "ABC-" cut short
            Detection(8, 14, "ID", 0.5, "KeywordIdRecognizer"),  # overlaps, inside a word
            Detection(26, 34, "PERSON", 0.85, "SpacyRecognizer"),  # "Kowalski"
        ],
    )
    assert [(text[d.start : d.end], d.entity_type) for d in found] == [
        ("ABC-1234x", "PLATE"),
        ("Kowalski", "PERSON"),
    ]


def test_pattern_recognizer_type_beats_the_ner_type_on_overlap():
    text = "call 555-0142 now"
    found = resolve_overlaps(
        text,
        [
            Detection(5, 13, "PERSON", 0.85, "SpacyRecognizer"),
            Detection(5, 13, "PHONE", 0.6, "PhoneFormsRecognizer"),
        ],
    )
    assert [(d.entity_type, d.start, d.end) for d in found] == [("PHONE", 5, 13)]


def test_relative_dates_stay_and_exact_dates_go(engine):
    out = _deid(
        engine,
        "Last night it rained. On 03/14/2023 at 0230 hours we waited fifteen minutes for backup.",
    )
    assert out["narrative"].startswith("Last night it rained. On [DATE-1]")
    assert "fifteen minutes" in out["narrative"]


def test_counts_by_type_only(engine):
    result = deidentify_record(
        {"narrative": "Ofc. Halloran called 602-272-9781.", "lessons_learned": ""}, engine=engine
    )
    assert result.entities == {"PERSON": 1, "PHONE": 1}
    assert all(isinstance(v, int) for v in result.entities.values())


def test_record_carries_each_placeholder_position_in_the_output_text(engine):
    from nearmiss_lab.deid import ReplacedSpan
    from nearmiss_lab.deid.replace import PLACEHOLDER

    result = deidentify_record(
        {
            "narrative": "Sgt. Ana Kowalczyk called 602-272-9781 from Stone County.",
            "lessons_learned": "Kowalczyk was right.",
        },
        engine=engine,
    )
    spans = result.detections
    assert all(isinstance(s, ReplacedSpan) for s in spans)
    assert [s.field for s in spans] == ["narrative"] * 3 + ["lessons_learned"]
    for s in spans:
        text = result.record[s.field]
        placeholder = text[s.start : s.end]
        assert PLACEHOLDER.fullmatch(placeholder), placeholder
        assert placeholder.startswith(f"[{s.entity_type}-") and 0 < s.score <= 1
    assert sum(result.entities.values()) == len(spans)
    assert not any("Kowalczyk" in repr(s) for s in spans)  # positions, never the text


def test_deidentify_export_is_part_of_the_package_api():
    import nearmiss_lab.deid as deid
    from nearmiss_lab.deid.pipeline import deidentify_export

    assert deid.deidentify_export is deidentify_export and "deidentify_export" in deid.__all__


def test_recognizer_declaration_file_is_validated(tmp_path):
    with pytest.raises(RecognizerConfigError, match="cannot read"):
        load_recognizer_config(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "version: 1\nscore_threshold: 0.3\nner_labels: {PERSON: PERSON}\n"
        "project: []\nsurprise: 1\n",
        encoding="utf-8",
    )
    with pytest.raises(RecognizerConfigError, match="unknown keys"):
        load_recognizer_config(bad)
    config = load_recognizer_config()
    assert ("rank_name", "RankNameRecognizer") in config.project


def test_every_declared_recognizer_has_its_own_test_file(repo_dir: Path):
    for module, _ in load_recognizer_config().project:
        assert (repo_dir / "tests" / "recognizers" / f"test_{module}.py").is_file(), module


def test_plain_presidio_baseline_never_loads_project_recognizers(engine):
    from presidio_analyzer import AnalyzerEngine

    from nearmiss_lab.deid.engine import create_nlp_engine, quiet_presidio

    with quiet_presidio():
        plain = AnalyzerEngine(
            nlp_engine=create_nlp_engine(engine.model), supported_languages=["en"]
        )
    modules = {type(r).__module__ for r in plain.registry.recognizers}
    assert not any(m.startswith("nearmiss_lab") for m in modules)


def test_synth_gold_recall_and_precision(engine, synth_small: Path):
    docs = read_gold(synth_small / "gold" / "deid.jsonl")
    score = evaluate_documents("synth", docs, engine_detector(engine))
    assert score.total.gold_tokens > 1000
    assert score.total.recall >= 0.99
    assert score.total.precision >= 0.85


def test_detection_is_the_same_for_one_record_or_a_batch(engine, synth_small: Path):
    lines = (synth_small / "gold" / "deid.jsonl").read_text(encoding="utf-8").splitlines()[:6]
    records = [{"text": json.loads(line)["text"]} for line in lines]
    assert detect_records(engine, records) == [detect_records(engine, [r])[0] for r in records]


def test_lower_case_report_streets_towns_and_lists(engine):
    out = _deid(
        engine,
        "on 2025-09-22 i was on patrol in jones as a one-person unit. we went "
        "to 13674 forest rd. after ofcs. higgins and revis arrived, a woman from "
        "cherokee said her brother was drinking at a bar on eighth ln.",
    )
    text = out["narrative"]
    for value in ("jones", "forest rd", "revis", "higgins", "cherokee", "eighth ln"):
        assert value not in text
    assert "we went to [ADDRESS-1]" in text


def test_bracketed_other_name_of_a_found_name_is_taken(engine):
    out = _deid(
        engine,
        "He worked for the Irondale Police Department (IPD) and met Ray Dunn (deceased) there.",
    )
    assert "IPD" not in out["narrative"]
    assert "(deceased)" in out["narrative"]


# Name forms that survived de-identification of the demo corpus (shapes, with names made
# up here): each text, the words that must be gone, and words that must stay.
LEAK_FORMS = [
    # Capital-less report: a list with an initial and an ordinary-word surname.
    (
        "neither of us knew the suspect had moved. walsh, k. young and mary kowalczyk "
        "arrived a few minutes later.",
        ["walsh", "k.", "young", "mary", "kowalczyk"],
        ["suspect had moved", "arrived a few minutes later"],
    ),
    # Capital-less report: an ordinary-word surname alone, found elsewhere as a full name.
    (
        "complacency set in b/c young had always been cooperative before. the driver gave "
        "the name tom young at the scene and we moved on from there.",
        ["young", "tom"],
        ["the driver gave the name", "complacency set in"],
    ),
    # ALL-CAPS report: a surname found after a rank is found alone at the end of a sentence.
    (
        "A SUPPLEMENTAL REPORT WAS WRITTEN ON MONDAY BY MASON. DEPUTY JOHN MASON HELPED "
        "SECURE THE SCENE AND WE LEFT.",
        ["MASON", "JOHN"],
        ["HELPED SECURE THE SCENE"],
    ),
    # ALL-CAPS report: "SURNAME, FIRST" then the surname alone before a verb.
    (
        "I TOLD MASON, JAMES HE WAS UNDER ARREST. I MISJUDGED HOW DANGEROUS MASON WAS. WE "
        "MOVED THROUGH THE YARD TOO QUICKLY.",
        ["MASON", "JAMES"],
        ["MISJUDGED HOW DANGEROUS", "THROUGH THE YARD"],
    ),
    # A surname that is a stop word, capitalised after a first name and after a rank.
    (
        "I misunderstood what deputy Minh Do (Badge #4471) yelled to me. Later Sergeant "
        "Still called.",
        ["Minh", "Do", "4471", "Still"],
        ["yelled to me", "Sergeant"],
    ),
    # Rank, lower-case initial and surname inside "my name is".
    (
        "My name is Reserve Deputy l. young and I work for the Stone County Sheriff's Office.",
        ["l.", "young", "Stone County"],
        ["Reserve Deputy", "and I work for the"],
    ),
    # ALL-CAPS and capital-less reports: a surname-like word after a preposition that only
    # looks like an inflection ("fowler" is no "fowl" + "er", "hunter" no "hunt" + "er").
    (
        "ON 12/26 I WAS ON PATROL IN FOWLER AS A ONE-PERSON UNIT. THE DRIVER RAN OFF.",
        ["FOWLER"],
        ["I WAS ON PATROL IN", "AS A ONE-PERSON UNIT"],
    ),
    (
        "i did not realize how close i had drifted to hunter. also, the driver never stopped.",
        ["hunter"],
        ["how close i had drifted to", "the driver never stopped"],
    ),
    # A capital-less street named after a person, a direction before it.
    (
        "at 9:15 am i responded to 8594 south martin luther king jr. trail #104. the door was "
        "open and we went in.",
        ["8594", "south", "martin", "king", "jr", "trail", "104"],
        ["i responded to", "the door was open"],
    ),
    (
        "ON JANUARY 2ND I WAS DISPATCHED TO 9678 MARTIN LUTHER KING JR. RD. I PLACED THE "
        "DRIVER UNDER ARREST.",
        ["9678", "MARTIN", "KING", "JR", "RD"],
        ["I WAS DISPATCHED TO", "I PLACED THE DRIVER UNDER ARREST"],
    ),
    # Re-cased reports: the town after an address and a comma, an ordinary word included,
    # when it ends the clause; a police noun or stop word there stays.
    (
        "THE SUBJECT WAS IN CRISIS AT 8035 BIRCH PIKE, STONEWALL. I MISUNDERSTOOD WHAT THE "
        "DRIVER SAID.",
        ["8035", "BIRCH", "PIKE", "STONEWALL"],
        ["I MISUNDERSTOOD WHAT THE DRIVER SAID"],
    ),
    (
        "the call was at the corner of stage coach drive and hill street, auburn. we were "
        "sent to 114 main street, then we drove to 52 elm road, traffic. it was late.",
        ["stage", "coach", "hill", "auburn", "114", "main", "52", "elm"],
        ["the call was at the corner of", ", then we drove to", ", traffic. it was late."],
    ),
    # A direction that is part of a town's name after a preposition; a state stays.
    (
        "she refused to stop & i pursued him through north miami. we drove through north "
        "dakota later and i called for backup.",
        ["north miami", "miami"],
        ["i pursued him through", "we drove through north dakota later"],
    ),
    (
        "WE WERE NEAR COUNTY ROAD 628 & 12TH STREET IN NORTH MIAMI. I INITIATED A TRAFFIC "
        "STOP ON A GOLD SEDAN THERE.",
        ["NORTH", "MIAMI", "628"],
        ["I INITIATED A TRAFFIC STOP"],
    ),
    # An address in its town, in ordinary words: after the address and "in".
    (
        "THERE WAS A FAMILY DISTURBANCE AT 3670 WATER ROAD IN BROKEN ARROW WHERE THE MOTHER "
        "LIVES. WE WERE AT 52 ELM ROAD IN THE RAIN.",
        ["3670", "WATER", "BROKEN", "ARROW", "52", "ELM"],
        ["WHERE THE MOTHER LIVES", "IN THE RAIN"],
    ),
    (
        "We were at 114 Main Street in pursuit, then at 3 Oak Lane in Broken Arrow.",
        ["114", "Main", "Oak", "Broken", "Arrow"],
        ["in pursuit, then at"],
    ),
    # A unit number after a highway address.
    (
        "He ran two blocks from 17751 County Road 3509 #6 before we caught up to him.",
        ["17751", "3509", "6"],
        ["He ran two blocks from", "before we caught up to him."],
    ),
    # The town after a found institution and a comma, closing the sentence.
    (
        "It was 3:19 am near the Mill Methodist Church, Auburn. We were working a protest.",
        ["Mill", "Methodist", "Auburn"],
        ["We were working a protest."],
    ),
    # A town ending its clause after a preposition, an apartment number before it.
    (
        "It was a crash at 4265 Memorial Avenue Apt 25 in Auburn.  I approached on foot.",
        ["4265", "Memorial", "25", "Auburn"],
        ["I approached on foot"],
    ),
    # Hyphenated names with a lower-case half, a middle initial after "Surname, First".
    (
        "Mrs. young-green had called twice. Driver Brown, John A.. Brown acted cooperative.",
        ["young", "green", "Brown", "John", "A."],
        ["had called twice", "acted cooperative"],
    ),
]


@pytest.mark.parametrize(("text", "gone", "kept"), LEAK_FORMS)
def test_name_forms_that_leaked_from_the_demo_corpus_are_found(engine, text, gone, kept):
    import re

    out = _deid(engine, text)["narrative"]
    for value in gone:
        assert not re.search(r"(?<!\w)" + re.escape(value) + r"(?!\w)", out), value
    for value in kept:
        assert value in out


def test_a_name_read_as_a_town_elsewhere_stays_a_person(engine):
    # "to Zamboniwicz" alone looks like a place; the rank elsewhere says it is a person.
    out = _deid(
        engine,
        "Sgt. Quintavious Zamboniwicz held the door; Zamboniwicz saw the knife first.",
        "Thanks to Zamboniwicz.",
    )
    assert out["narrative"] == "Sgt. [PERSON-1] held the door; [PERSON-1] saw the knife first."
    assert out["lessons_learned"] == "Thanks to [PERSON-1]."
