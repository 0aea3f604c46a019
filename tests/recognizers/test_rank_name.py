"""RankNameRecognizer: must-match and must-not-match texts."""

from __future__ import annotations

import pytest

from nearmiss_lab.deid.recognizers.rank_name import RankNameRecognizer

RECOGNIZER = RankNameRecognizer()
MUST_MATCH = [
    ("Sgt. Ana Diaz arrived first.", "Ana Diaz"),
    ("Ofc. J.R. Smith held cover.", "J.R. Smith"),
    ("Mr A. Demetriades, a lawyer", "Mr A. Demetriades"),
    ("Officers Kowalski, Diaz and Lee searched.", "Diaz"),
    ("the suspect, Ray Dunn, ran.", "Ray Dunn"),
    ("Deputy O'Neil stayed.", "O'Neil"),
    ("We debriefed with Sergeant Still on Monday.", "Still"),
    ("Reporting officer: Ofc Major, radio 2A.", "Major"),
    ("The vehicle was registered to O’Dell Young of Smithville.", "O’Dell Young"),
    ("A report was written by Ofc. Mason.", "Mason"),
    ('The juvenile, aka "Dusty", ran north.', "Dusty"),
    ('Witness #1, Sandra "Sandy" Oyelaran, saw it.', 'Sandra "Sandy" Oyelaran'),
    ("My name is Reserve Deputy Ann Young.", "Ann Young"),
    ("his real name is Marcus Tillery.", "Marcus Tillery"),
    ("Victim Maria Delgado was transported", "Maria Delgado"),
    ("RP Sandra Whitfield called", "Sandra Whitfield"),
    ("I, Officer Daniel Kowalczyk, was dispatched", "Daniel Kowalczyk"),
    ("Juvenile Tyrell Brooks was interviewed", "Tyrell Brooks"),
    ("Complainant Roberto Salas declined.", "Roberto Salas"),
    # Every rank and title the policy names, abbreviated or not, in capitals too.
    ("Lt. Maria Okafor took the call.", "Maria Okafor"),
    ("LT. OKAFOR took it.", "OKAFOR"),
    ("Capt. Brennan approved it.", "Brennan"),
    ("Det. Sam Whitcomb interviewed him.", "Sam Whitcomb"),
    ("Cpl. Ruiz stayed back.", "Ruiz"),
    ("Agent Dana Kim of the FBI arrived.", "Dana Kim"),
    ("Chief Halvorsen spoke to the press.", "Halvorsen"),
    ("Sheriff Tom Brandt was there.", "Tom Brandt"),
    ("Telecommunicator Dana Okafor took the call.", "Dana Okafor"),
]
MUST_NOT_MATCH = [
    "officer safety comes first.",
    "The deputy said nothing.",
    "Sgt. The car stopped.",
    "Submitted by Sgt.",
    "My name is Reserve Deputy.",
    "The suspect, DOB 03/14/1988, was detained.",
    "Stone County Sheriff's Office took the case.",
    "I spoke with Dispatch about it.",
    "The Officer approached the main entrance.",
    "Det. work is slow in the winter.",
    "The Chief of Police said so.",
    "Sheriff's deputies arrived.",
]


def _found(text: str) -> set[str]:
    return {text[r.start : r.end] for r in RECOGNIZER.analyze(text, [RECOGNIZER.ENTITY])}


@pytest.mark.parametrize(("text", "value"), MUST_MATCH)
def test_identifier_is_found(text: str, value: str) -> None:
    assert value in _found(text)


@pytest.mark.parametrize("text", MUST_NOT_MATCH)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert _found(text) == set()


def test_nickname_between_first_name_and_surname_takes_the_whole_name() -> None:
    assert 'Benita "Red" Weir' in _found('a man later identified as Benita "Red" Weir approached')
