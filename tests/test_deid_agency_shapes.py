"""Ages, agency names and towns in the shapes police reports write them: an age in brackets
after a date of birth, a state's patrol abbreviated ("the MISSISSIPPI HP"), a town's fire
service named by the town alone ("w/ muskogee fire."), place names with a capital inside them
("McAlester PD", "DeKalb County"), a person "of" a town in ALL-CAPS text, and the town after
a highway's mile marker. Each case runs the whole de-identifier on one record (recognizers,
re-casing, propagation, overlaps); the texts are made up here.

A MUST_REDACT case lists the strings that must be gone from the output (as whole words) and
the strings that must stay; a MUST_KEEP case lists words that must survive untouched because
they are no identifier there (the near misses of each rule).
"""

from __future__ import annotations

import pytest
from deid_cases import check_case
from deid_cases import narrative as _narrative
from deid_cases import present as _present

MUST_REDACT = [
    # An age in brackets after a date of birth, in or out of the date's own brackets.
    (
        "Then Marla Quintero (DOB: Feb. 11, 1990) ((35)) walked out of the bar toward me.",
        ["35", "Quintero"],
        ["walked out of the bar"],
    ),
    (
        "i spoke with dwayne okafor (dob: march 9) ((41)) who had been drinking all night long.",
        ["41"],
        ["who had been drinking"],
    ),
    (
        "The passenger, Tom Arkwright, DOB 04/19/1988, (37), was detained for the warrant.",
        ["37"],
        ["was detained for the warrant"],
    ),
    # A town's fire service named by the town alone, in capital-less text.
    (
        "i was working a crash on hwy 9 w/ muskogee fire.  i went in by myself and it was bad.",
        ["muskogee"],
        ["i went in by myself"],
    ),
    (
        "we staged with durant fire and ems until the scene was safe to enter for all of us.",
        ["durant"],
        ["until the scene was safe"],
    ),
    (
        "the driver was hurt, so tulsa ems arrived and took him to the hospital right away.",
        ["tulsa"],
        ["took him to the hospital"],
    ),
    # Place names with a capital inside them, before an agency or county word.
    ("He was released to the McKinney PD on a hold.", ["McKinney", "PD"], ["on a hold"]),
    ("He was released to the LaGrange Police Dept. on a hold.", ["LaGrange", "Dept"], []),
    ("I covered the east side of McIntosh county alone that night.", ["McIntosh", "county"], []),
    # A person "of" a town in ALL-CAPS text, the town an ordinary word.
    (
        "THE TRUCK WAS REGISTERED TO DARNELL KWIATEK OF BROKEN ARROW. NOBODY WAS HURT AT ALL.",
        ["BROKEN", "ARROW", "KWIATEK"],
        ["NOBODY WAS HURT"],
    ),
    (
        "THE TRUCK WAS REGISTERED TO DARNELL KWIATEK OF LIBERAL. NOBODY WAS HURT IN THE CRASH.",
        ["LIBERAL"],
        ["NOBODY WAS HURT"],
    ),
    (
        "THE DRIVER WAS A RESIDENT OF AUBURN. HE WAS NOT HURT AND WALKED AWAY FROM THE TRUCK.",
        ["AUBURN"],
        ["THE DRIVER WAS A RESIDENT OF"],
    ),
]


@pytest.mark.parametrize(("text", "gone", "kept"), MUST_REDACT)
def test_identifier_shape_is_redacted_and_the_sentence_stays(engine, text, gone, kept):
    check_case(engine, text, gone, kept)


# Shapes other recognizers sometimes cover by chance (the NER model calls "TEXAS HP" an
# organisation or "Checotah" one): the placeholder's type says which rule found them.
TYPED = [
    # A state's patrol abbreviated after the state, in capitals or without them.
    (
        "AT 0300 I WAS ASSIGNED AS UNIT 12 OF THE TEXAS HP. THE DRIVER FLED FROM THE STOP ON FOOT.",
        "AGENCY",
        ["TEXAS", "HP"],
    ),
    (
        "i worked the night shift for the oregon sp and then the driver fled from the stop.",
        "AGENCY",
        ["oregon", "sp"],
    ),
    # The town after a highway's mile marker, closing the clause.
    (
        "The crash was on US-69 near the 40 mile marker, Checotah. I called for a wrecker.",
        "LOCATION",
        ["Checotah"],
    ),
]


@pytest.mark.parametrize(("text", "kind", "gone"), TYPED)
def test_identifier_shape_gets_its_type(engine, text, kind, gone):
    out = _narrative(engine, text)
    assert f"[{kind}-1]" in out
    for value in gone:
        assert not _present(value, out), value


MUST_KEEP = [
    # A bracketed number with no date of birth before it is a count, not an age.
    ("DOB verified by dispatch. Casings recovered: (28). We cleared at 0400.", ["28"]),
    ("Date of birth unknown; page (14) of the supplement has the property list.", ["14"]),
    # "fire" after an ordinary word is the fire, not a department.
    (
        "we were sent to a structure fire. the suspect set a brush fire and shots fire at us.",
        ["structure", "brush", "shots"],
    ),
    ("we called ems and the medics came fast. the ems crew took him in.", ["ems"]),
    (
        "it was a car fire. the mobile fire crew arrived late and we all stood back.",
        ["car", "mobile"],
    ),
    # "hp" after a number is horsepower.
    ("the truck had a 300 hp engine and he floored it down the road toward the lake.", ["hp"]),
    # "of" after an ordinary word is no residence.
    ("the house was built of stone. a man of hope and faith came out to talk to us.", ["stone"]),
]


@pytest.mark.parametrize(("text", "kept"), MUST_KEEP)
def test_near_miss_of_a_rule_is_left_alone(engine, text, kept):
    out = _narrative(engine, text)
    for value in kept:
        assert _present(value, out), value
