"""StreetAddressRecognizer: must-match and must-not-match texts."""

from __future__ import annotations

import pytest

from nearmiss_lab.deid.recognizers.street_address import StreetAddressRecognizer

RECOGNIZER = StreetAddressRecognizer()
MUST_MATCH = [
    ("at 1420 Sawmill Road we parked", "1420 Sawmill Road"),
    ("in the 300 block of N. Elm St tonight", "300 block of N. Elm St"),
    ("mail to P.O. Box 118 please", "P.O. Box 118"),
    ("Springfield, IL 62704", "62704"),
    ("He lives in Lot 27 of the park", "27"),
    ("in Room 114 of the motel", "114"),
    ("at 1412 Oak Hollow Dr., Apt. 3B last night", "1412 Oak Hollow Dr., Apt. 3B"),
    ("ZIP 62704 on the form", "62704"),
    # A street named after a person keeps the name's suffix.
    ("a call at 135 Martin Luther King Jr. Road; the subject", "135 Martin Luther King Jr. Road"),
    ("sent to 9678 Ed Hale Sr. Dr. with two units", "9678 Ed Hale Sr. Dr."),
    ("we stopped on Martin Luther King Jr. Blvd near the bank", "Martin Luther King Jr. Blvd"),
]
MUST_NOT_MATCH = [
    "we drove down the road",
    "on the street corner",
    "we waited in the lot for 20 minutes",
    "room 5 minutes later",
    "the parking lot was empty",
]


def _found(text: str) -> set[str]:
    return {text[r.start : r.end] for r in RECOGNIZER.analyze(text, [RECOGNIZER.ENTITY])}


@pytest.mark.parametrize(("text", "value"), MUST_MATCH)
def test_identifier_is_found(text: str, value: str) -> None:
    assert value in _found(text)


@pytest.mark.parametrize("text", MUST_NOT_MATCH)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert _found(text) == set()
