"""The US place gazetteer (``nearmiss_lab.deid.places``) and where the re-casing asks it.

The gazetteer is real package data (``zipcodes``); the texts are made up here.
"""

from __future__ import annotations

import pytest

from nearmiss_lab.deid.places import state_length, us_places
from nearmiss_lab.deid.truecase import truecase


@pytest.fixture(scope="module")
def places():
    return us_places()


@pytest.fixture(scope="module")
def know():
    from nearmiss_lab.deid import get_engine

    return get_engine().names


@pytest.mark.parametrize(
    "name",
    [
        "auburn",
        "broken arrow",
        "port st . lucie",  # the re-casing's tokens: "st." is "st" and "."
        "port st lucie",
        "port saint lucie",
        "ft worth",
        "mt . pleasant",
        "winston - salem",
        "seminole",  # a county, without "County"
        "tallahassee",
    ],
)
def test_gazetteer_holds_cities_counties_and_abbreviated_forms_in_lower_case(places, name):
    assert tuple(name.split()) in places.names


@pytest.mark.parametrize("name", ["seminole county", "orange county", "at&t", "115 firms"])
def test_gazetteer_leaves_out_kind_words_and_mail_stops(places, name):
    assert tuple(name.split()) not in places.names


def test_the_longest_name_at_a_position_wins(places):
    words = "broken arrow , florida".split()
    assert places.length_at(words, 0) == 2
    assert places.place_at("port st . lucie , fl".split(), 0) == 4


@pytest.mark.parametrize(
    "word", ["black", "orange", "snow", "large", "person", "tow", "park", "home", "normal"]
)
def test_words_of_the_sentence_that_are_also_towns_are_refused(places, word):
    assert places.length_at([word], 0) == 1  # the gazetteer has the town ...
    assert places.place_at([word], 0) == 0  # ... but after a preposition it is a word


@pytest.mark.parametrize(("word", "length"), [("auburn", 1), ("liberal", 1), ("hope", 1)])
def test_ordinary_words_that_are_towns_are_accepted(places, word, length):
    assert places.place_at([word], 0) == length


def test_a_name_in_text_ends_where_the_gazetteer_name_ends(places):
    text = "palm bay where the driver stopped"
    assert text[: places.place_end(text, 0)] == "palm bay"
    assert places.place_end("grand theft charges", 0) == len("grand")  # not "grand theft"
    assert places.place_end("black male", 0) is None


@pytest.mark.parametrize(
    ("words", "length"),
    [
        ("indiana and".split(), 1),
        ("new york .".split(), 2),
        ("in .".split(), 1),  # "AUBURN, IN."
        ("in the morning".split(), 0),  # "auburn, in the morning": the preposition
        ("or 97401".split(), 1),
        ("or we".split(), 0),
        ("tx and".split(), 1),
    ],
)
def test_a_state_code_that_is_a_word_counts_only_where_the_clause_ends(words, length):
    assert state_length(words, 0) == length


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("we were in auburn as a unit", "We were in Auburn as a unit"),
        ("a woman from auburn.", "A woman from Auburn."),
        ("we lived in broken arrow, florida", "We lived in Broken Arrow, Florida"),
        ("we lived in auburn, in.", "We lived in Auburn, IN."),
        ("his home was auburn, indiana", "His home was Auburn, Indiana"),
        ("we drove to port st. lucie, fl", "We drove to Port St. Lucie, FL"),
        ("we live just outside of auburn.", "We live just outside of Auburn."),
        ("i work day shift out of liberal.", "I work day shift out of Liberal."),
        ("it was just north of liberal, then", "It was just north of Liberal, then"),
    ],
)
def test_recasing_capitalises_a_known_town_where_a_place_is_expected(know, text, expected):
    assert truecase(text, know) == expected


@pytest.mark.parametrize(
    "text",
    [
        "the auburn sedan was parked",  # no preposition, no state: a colour
        "she was in auburn slacks and a coat",  # the clause goes on
        "dressed in black.",
        "he remains at large.",
        "we went in person.",
        "it was built of stone, with a yard",  # "of" after no direction: a material
        "we agreed to transfer, then left",  # "to" before a verb: an infinitive
        "the truck ran out of gas.",
    ],
)
def test_recasing_leaves_a_town_name_that_stands_as_a_word(know, text):
    out = truecase(text, know)
    assert out[1:] == text[1:]  # only the sentence's first letter gets a capital


def test_mixed_case_text_is_never_re_cased_by_the_gazetteer(know):
    text = "We met him in auburn as the sun rose."
    assert truecase(text, know, full=False) == text
