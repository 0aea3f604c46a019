"""Address shapes of police narratives: a unit designator after the house line, a spelled
direction between a house number (or a hundred block) and its street in a re-cased ALL-CAPS
or capital-less report, a direction before a road of an intersection, a named residence
complex, and the town after a mile marker. Each case runs the whole de-identifier on one
record; the texts are made up here.

A MUST_REDACT case lists the strings that must be gone from the output (as whole words) and
the strings that must stay; a MUST_KEEP case lists words that must survive untouched because
they are not part of an address there.
"""

from __future__ import annotations

import re

import pytest
from deid_cases import check_case

from nearmiss_lab.deid.context import grow_addresses
from nearmiss_lab.deid.recognizers.street_address import StreetAddressRecognizer
from nearmiss_lab.deid.types import Detection

MUST_REDACT = [
    # USPS Publication 28 unit designators after the house line, in every case.
    (
        "i was sent to a vacant trailer at 4410 county road 118, space 9 for a welfare check. "
        "nobody answered the door and the lights were off.",
        ["4410", "118", "space", "9"],
        ["for a welfare check"],
    ),
    (
        "I WAS DISPATCHED TO 2210 COUNTY RD. 87, UNIT 12 FOR A DISTURBANCE. THE MALE HALF WAS "
        "GONE WHEN I GOT THERE AND THE FEMALE HALF WOULD NOT TALK.",
        ["2210", "87", "UNIT", "12"],
        ["FOR A DISTURBANCE"],
    ),
    (
        "we took a report at 930 cr 4410, lot 22. the owner said the shed was broken into "
        "overnight and two chainsaws were missing.",
        ["930", "4410", "lot", "22"],
        ["the owner said"],
    ),
    (
        "The caller lives at 1420 Sawmill Rd, Spc 14 with her son and wanted him removed.",
        ["1420", "Sawmill", "Spc", "14"],
        ["with her son"],
    ),
    # A direction after a route number, before the unit; a rural grid number; a half lot.
    (
        "I WAS SENT TO 2310 HWY 9 EAST, LOT 4 FOR A FIGHT BETWEEN TWO BROTHERS. THE OLDER ONE "
        "HAD LEFT BEFORE I GOT THERE.",
        ["2310", "EAST", "LOT", "4"],
        ["FOR A FIGHT"],
    ),
    (
        "Deputies were sent to N1234 County Road K for a fight between two brothers.",
        ["N1234", "K"],
        ["for a fight"],
    ),
    # After an abbreviated street word's dot, the town the gazetteer knows.
    (
        "The letter went to 1420 Main St. Irondale, AL 35210 the next day.",
        ["1420", "Irondale", "35210"],
        ["the next day"],
    ),
    # A spelled direction between a house number and an ordinal street, in any case.
    (
        "i took a domestic call at 3318 north 9th street. the caller met me in the yard and "
        "said her boyfriend had left on foot.",
        ["3318", "north", "9th"],
        ["the caller met me"],
    ),
    (
        "THE COMPLAINANT, WHO LIVES AT 745 EAST 3RD AVENUE, SAID THE DOOR WAS STANDING OPEN "
        "WHEN SHE CAME HOME FROM WORK.",
        ["745", "EAST", "3RD"],
        ["THE COMPLAINANT", "SAID THE DOOR"],
    ),
    # A hundred block with a small direction word keeps no number behind.
    (
        "we stopped a gray pickup in the 4200 block of west 14th ave. the driver bailed out "
        "and ran between the houses.",
        ["4200", "west", "14th"],
        ["the driver bailed out"],
    ),
    # A direction before a road of an intersection.
    (
        "the crash happened near south 23rd road & cr 118 in the rain. the other driver was "
        "not hurt and was cited.",
        ["south", "23rd", "118"],
        ["the crash happened near"],
    ),
    # A named residence complex, however many words its name has.
    (
        "Investigator Pruitt and I went to Old Cedar Mill Mobile Home Park to find the subject.",
        ["Old", "Cedar", "Mill"],
        ["Investigator", "to find the subject"],
    ),
    # In a capital-less report, a town after "in" that is also an ordinary word, before a
    # word that goes on with the sentence.
    (
        "i left the disabled car on hwy 9 at mile marker 40 in enterprise waiting for a tow "
        "truck. it rained all night and nobody stopped.",
        ["enterprise"],
        ["waiting for a tow truck"],
    ),
]


@pytest.mark.parametrize(("text", "gone", "kept"), MUST_REDACT)
def test_address_parts_are_redacted(engine, text, gone, kept):
    check_case(engine, text, gone, kept)


MUST_KEEP = [
    # A patrol unit with no address nearby, a lot that is a car park, a side of it.
    ("Unit 54 arrived and we walked to the north side of the lot.", ["Unit", "north side", "lot"]),
    ("He ran across the parking lot toward the back fence.", ["parking lot"]),
    # After an address, a unit that does what people do is a car on the call.
    ("We met at 1420 Sawmill Rd, unit 12 arrived a minute later.", ["unit", "arrived"]),
    # After a bare numbered road a unit is a car, not a flat.
    ("We drove on I-40 West, Unit 4 followed us to the exit.", ["Unit"]),
    # A street's last word with a dot ends the sentence unless a number, a unit or a known
    # town follows.
    (
        "We served the warrant at the 6000 blk of Jackson Road. Looking back, it went badly.",
        ["Looking back"],
    ),
    ("The call was near 900 Airport Pkwy. Dense fog had rolled in by then.", ["Dense fog"]),
    # A direction of travel is no part of the street.
    ("He drove north on 5th Street and turned into the alley.", ["He drove north on"]),
    # A direction of travel before a road, an exit on a road: no part of a street's name,
    # no second road of an intersection.
    ("We made a traffic stop on SB Cedar Lane near the school and the driver ran.", ["SB"]),
    ("We were on I-20 at Exit 14 when the truck stalled in the right lane.", ["at Exit"]),
    # "trailer park" without a capitalised designator is a description.
    ("Several trailer park residents came out to watch.", ["Several trailer park residents"]),
    # In a capital-less report an ordinary word after the town goes on with the sentence.
    (
        "i left the car at the hickory apartments in mcloud waiting for a wrecker. it took an "
        "hour and the driver was rude.",
        ["waiting for a wrecker"],
    ),
]


@pytest.mark.parametrize(("text", "kept"), MUST_KEEP)
def test_words_that_are_not_address_parts_stay(engine, text, kept):
    check_case(engine, text, (), kept)


@pytest.mark.parametrize(
    "text",
    [
        "The crash was on I-40 just past the 212 mile marker, Sallisaw. Nobody was hurt.",
        "We closed US-69 at the 140 mile marker, Eufaula, until the wrecker came.",
    ],
)
def test_a_known_town_after_a_mile_marker_is_taken(text):
    # The growth over address words cannot step over "mile marker": the gazetteer finds the
    # capitalised town after it (the recognizers report the marker's number alone).
    number = re.search(r"\d+(?= mile marker)", text)
    found = grow_addresses(text, [Detection(*number.span(), "ADDRESS", 0.75, "test")])
    towns = [text[d.start : d.end] for d in found if d.entity_type == "LOCATION"]
    assert towns == [re.search(r"marker, (\w+)", text).group(1)]


def test_a_lower_case_word_after_a_mile_marker_is_no_town_in_a_capitalised_report():
    text = "We closed US-69 at the 140 mile marker, eufaula was the closest exit."
    number = re.search(r"\d+(?= mile marker)", text)
    found = grow_addresses(text, [Detection(*number.span(), "ADDRESS", 0.75, "test")])
    assert [d for d in found if d.entity_type == "LOCATION"] == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("sent to 1420 1/2 Main Street for noise", "1420 1/2 Main Street"),
        ("sent to 1420 1/2 south 5th Street for noise", "1420 1/2 south 5th Street"),
        ("sent to 4410 Cedar Hill Road, Trlr 9 for noise", "4410 Cedar Hill Road, Trlr 9"),
    ],
)
def test_the_recognizer_takes_a_half_lot_number_a_small_direction_and_the_unit(text, value):
    recognizer = StreetAddressRecognizer()
    found = {text[r.start : r.end] for r in recognizer.analyze(text, [recognizer.ENTITY])}
    assert value in found


@pytest.mark.parametrize(
    "text",
    ["at 1420 Main Street units were staged", "at 1420 Main Street, unit was empty"],
)
def test_the_recognizer_takes_no_word_after_a_unit_designator(text):
    recognizer = StreetAddressRecognizer()
    found = {text[r.start : r.end] for r in recognizer.analyze(text, [recognizer.ENTITY])}
    assert "1420 Main Street" in found
    assert not any("unit" in f for f in found)
