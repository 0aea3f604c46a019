"""LocativePlaceRecognizer: must-match and must-not-match texts."""

from __future__ import annotations

import pytest

from nearmiss_lab.deid.recognizers.locative import LocativePlaceRecognizer

RECOGNIZER = LocativePlaceRecognizer()
MUST_MATCH = [
    ("she flew to RYSSBY on Sunday", "RYSSBY"),
    ("he lives in Ullaste now", "Ullaste"),
    ("I pursued him through Quapaw before he stopped", "Quapaw"),
]
MUST_NOT_MATCH = [
    "we went to Court today",
    "he ran into The Store",
    "Case 12 was assigned to Det. Cho",
    "at approx 2200 hrs",
]


def _found(text: str) -> set[str]:
    return {text[r.start : r.end] for r in RECOGNIZER.analyze(text, [RECOGNIZER.ENTITY])}


@pytest.mark.parametrize(("text", "value"), MUST_MATCH)
def test_identifier_is_found(text: str, value: str) -> None:
    assert value in _found(text)


@pytest.mark.parametrize("text", MUST_NOT_MATCH)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert _found(text) == set()


def test_with_word_lists_ordinary_nouns_after_in_are_rejected_and_places_kept() -> None:
    from nearmiss_lab.deid import get_engine

    recognizer = LocativePlaceRecognizer()
    recognizer.use_knowledge(get_engine().names)
    found = {
        t[r.start : r.end]
        for t in (
            "he was taken in Custody",
            "a woman from Cherokee",
            "we called to Dispatch",
            "we drove through Traffic",
        )
        for r in recognizer.analyze(t, ["LOCATION"])
    }
    assert found == {"Cherokee"}


def test_with_word_lists_an_ordinary_word_ending_its_clause_after_a_preposition_is_a_town():
    from nearmiss_lab.deid import get_engine

    recognizer = LocativePlaceRecognizer()
    recognizer.use_knowledge(get_engine().names)
    texts = {
        "a crash at 4265 Memorial Avenue Apt 25 in Auburn.": "Auburn",
        "it was registered to a man of Auburn.": "Auburn",
        "a woman from Hope, then another.": "Hope",
        "we drove through North Miami before": "North Miami",  # a direction, then the name
        "a sense of Duty.": None,  # a police noun stays a word
        "she was in Custody when we left": None,
    }
    for text, town in texts.items():
        found = {text[r.start : r.end] for r in recognizer.analyze(text, ["LOCATION"])}
        assert found == ({town} if town else set()), text
