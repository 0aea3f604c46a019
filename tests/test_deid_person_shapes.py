"""Person-name shapes with the real engine: nicknames, sign-offs, names grown over their
census neighbours, capitalised and lower-case mentions of a whole found name, name lists.

Each case is a shape seen in synthetic reports (the generator writes names as hurried
officers do); each has a near miss beside it that must stay readable.
"""

from __future__ import annotations

import pytest

from nearmiss_lab.deid import Detection, deidentify_record, detect_records
from nearmiss_lab.deid.person_shapes import extend_names


def _people(engine, text: str, lessons: str | None = None) -> list[str]:
    record = {"narrative": text} if lessons is None else {"narrative": text, "lessons": lessons}
    found = detect_records(engine, [record])[0]
    return [
        (record[field])[d.start : d.end]
        for field in record
        for d in found[field]
        if d.entity_type == "PERSON"
    ]


def _kept(engine, text: str) -> str:
    return deidentify_record({"narrative": text}, engine=engine).record["narrative"]


@pytest.mark.parametrize(
    "text, name",
    [
        ('I went after penelope "slim" foster on foot.', 'penelope "slim" foster'),
        ("EDWARD ”LIL MAN” REED ACTED COOPERATIVE AND THEN TURNED ON ME.", "EDWARD ”LIL MAN” REED"),
        ('The suspect, Ray "Bubba" Dunn, ran.', 'Ray "Bubba" Dunn'),
    ],
)
def test_a_quoted_nickname_between_first_name_and_surname_is_part_of_the_name(engine, text, name):
    assert name in _people(engine, text)


def test_a_quoted_phrase_between_ordinary_words_is_no_name(engine):
    text = "The scheme took effect that year (see “Relevant domestic law” below)."
    assert _kept(engine, text) == text


@pytest.mark.parametrize(
    "lessons, name",
    [
        ("Clear every intersection before you go.\n-- fletcher (fhp)", "fletcher"),
        ("Keep your head on a swivel.\n- Kowalczyk", "Kowalczyk"),
    ],
)
def test_the_name_in_a_closing_sign_off_line_is_found(engine, lessons, name):
    assert any(name in found for found in _people(engine, "We cleared the call.", lessons))


def test_a_closing_dash_line_that_is_advice_stays(engine):
    lessons = "Keep your head on a swivel.\n- watch the hands"
    out = deidentify_record(
        {"narrative": "We cleared the call.", "lessons_learned": lessons}, engine=engine
    ).record
    assert out["lessons_learned"] == lessons


@pytest.mark.parametrize(
    "text, name",
    [
        # A first name found by propagation takes the surname written after it.
        (
            "While arresting Lane English at the store, things changed. I ran Lane's name.",
            "Lane English",
        ),
        # Capital-less report: an ordinary word is the surname when a verb people do follows.
        (
            "it was late. dispatcher craig handled it. yolanda west gave a statement & left.",
            "yolanda west",
        ),
        (
            "on may 17th i responded w/ josé robinson to the 6000 blk of elm street.",
            "josé robinson",
        ),
        # The first name before a found surname, or before an initial.
        ("the caller said that ima williams was off her medication.", "ima williams"),
        (
            "i later learned josh m. willoughby had a warrant out of the county.",
            "josh m. willoughby",
        ),
        # An initial is followed by the name it abbreviates, even a rank word.
        ("W. Martinez, L. Kline, and C. Warden arrived a few minutes later.", "C. Warden"),
        # Surname, comma, first name, without capitals, in a report that has them.
        ("The driver, block, philip, was slow to pull over.", "block, philip"),
        ("Near the exit. lam, james called to report a fight.", "lam, james"),
    ],
)
def test_found_names_grow_over_their_census_neighbours(engine, text, name):
    assert name in _people(engine, text)


@pytest.mark.parametrize(
    "text, found, caseless",
    [
        # "ran" is a census surname, but a verb people do is never the surname after a name.
        ("the caller said williams ran off.", "williams", True),
        # A direction after a first name in a capital-less report, with no verb after it.
        ("we found yolanda west of the bridge.", "yolanda", True),
        # In text with capitals the surname has one.
        ("We found Yolanda west of the bridge.", "Yolanda", False),
        # An ordinary word before a comma and a first name, after a determiner.
        ("We walked the block, james ran ahead.", "james", False),
        # A first name that is an ordinary word before a found surname, without an initial.
        ("We will Diaz the plan.", "Diaz", False),
    ],
)
def test_name_growth_leaves_ordinary_neighbours(engine, text, found, caseless):
    start = text.index(found)
    d = Detection(start, start + len(found), "PERSON", 0.85, "test")
    assert extend_names(text, [d], engine.names, caseless) == [d]


def test_name_growth_rules_fire_on_the_same_words_where_they_are_names(engine):
    text = "the caller said yolanda west gave a statement."
    start = text.index("yolanda")
    d = Detection(start, start + len("yolanda"), "PERSON", 0.85, "test")
    (grown,) = extend_names(text, [d], engine.names, True)
    assert text[grown.start : grown.end] == "yolanda west"


def test_a_capitals_surname_before_a_first_name_is_a_person_even_when_a_place_word(engine):
    text = (
        "Ashley Turley called to report that LAKE, Ruben was off his medication. "
        "A pickup hit my car. Lake took off running. The lake was calm."
    )
    out = _kept(engine, text)
    assert "LAKE" not in out and "Lake took" not in out
    assert "The lake was calm" in out


def test_a_stop_word_surname_after_a_first_name_spreads_where_a_person_stands(engine):
    text = "The owner came back to Rodrigo To, (27).\n\nTo pulled away and fought us."
    out = _kept(engine, text)
    assert "Rodrigo" not in out and "To pulled" not in out
    assert "came back to" in out


def test_lower_case_mentions_of_a_whole_found_name_are_the_person(engine):
    text = (
        "Diana Monroe was the driver. I had drifted to monroe before I saw it. "
        "Corporal Gibson played the role. Between me and gibson, nobody moved."
    )
    out = _kept(engine, text)
    assert "monroe" not in out and "gibson" not in out
    assert "I had drifted to" in out


def test_an_ordinary_lower_case_word_spreads_only_where_a_person_stands(engine):
    text = (
        "The driver, block, philip, was slow to pull over. Later block came at me. "
        "We walked the block twice."
    )
    out = _kept(engine, text)
    assert "block came" not in out and "block, philip" not in out
    assert "the block twice" in out


def test_a_whole_name_word_that_is_also_english_needs_a_person_slot(engine):
    # "Threat" is a census surname: its lower-case copy is the noun.
    out = _kept(engine, "John Threat left. We logged the threat at 0300.")
    assert "logged the threat" in out


def test_a_partner_named_after_a_direction_is_found_beside_the_writer(engine):
    out = _kept(engine, "Sgt. Della West joined me. West and I ended up in a crossfire.")
    assert "West and I" not in out and "and I ended up" in out


@pytest.mark.parametrize(
    "text, names",
    [
        ("shout out to officers garay-meador, hammers and bock for the help.", ["hammers", "bock"]),
        ("SHOUT OUT TO R. JACKSON, E. SHANNON, AND CRANE FOR THE HELP.", ["CRANE"]),
        ("O'Connor, Hetz, and Too arrived a few minutes later.", ["Too"]),
    ],
)
def test_lists_of_names_take_ordinary_words_as_items(engine, text, names):
    found = _people(engine, text)
    for name in names:
        assert name in found


def test_a_list_with_one_name_does_not_take_ordinary_words(engine):
    text = "Thanks to Diaz, the crane operator and the rest."
    assert "crane operator" in _kept(engine, text)


def test_a_sentence_initial_surname_that_speaks_is_a_person(engine):
    found = _people(engine, "Stay out of the lane. Rooks asked me to write this up.")
    assert "Rooks" in found
    text = "Witnesses said it was fast. Neighbors said it was loud. Deputies said so."
    assert _kept(engine, text) == text


def test_an_ordinary_word_after_a_rank_is_the_name_when_a_past_tense_verb_follows(engine):
    # Re-cased ALL-CAPS text: "cable" is an English word and a census surname.
    assert "CABLE" in _people(engine, "IT WAS A SETUP. DISPATCHER CABLE HANDLED THE RADIO.")
    text = "IT WAS A SETUP. THE TOW CABLE SNAPPED AND THE DISPATCHER RADIO FAILED."
    assert _kept(engine, text) == text


def test_an_ordinary_word_before_and_i_is_no_person_inside_a_clause(engine):
    # "Call" found as a name (after a placeholder it looks mid-sentence) must not make the
    # noun in "a routine call and I" a person.
    text = (
        "Came to [ADDRESS-1] Call came out late. "
        "It felt like a routine call and I let my guard down."
    )
    assert "a routine call and I" in _kept(engine, text)
