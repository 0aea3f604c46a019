"""NameLineRecognizer: must-match and must-not-match texts (needs the engine's word lists)."""

from __future__ import annotations

import pytest

from nearmiss_lab.deid import get_engine
from nearmiss_lab.deid.recognizers.name_line import NameLineRecognizer

MUST_MATCH = [
    ("Vinka: What a wife.\nLisa: Remember me?", "Vinka"),
    ("Thanks for the help.\n\nEinojuhani Pyysalo\nLocal transit bus driver", "Einojuhani Pyysalo"),
    ("> Tzigane Lantos\n> 76556 Rue de Tanger", "Tzigane Lantos"),
]
MUST_NOT_MATCH = [
    "Narrative:\nWe arrived at the scene.",
    "Lessons Learned\nWait for backup.",
    "Location: the parking lot behind the store.",
    "Suddenly he ran.\nNobody was hurt.",
]


@pytest.fixture(scope="module")
def found():
    recognizer = NameLineRecognizer()
    recognizer.use_knowledge(get_engine().names)
    return lambda text: {text[r.start : r.end] for r in recognizer.analyze(text, ["PERSON"])}


@pytest.mark.parametrize(("text", "value"), MUST_MATCH)
def test_identifier_is_found(found, text: str, value: str) -> None:
    assert value in found(text)


@pytest.mark.parametrize("text", MUST_NOT_MATCH)
def test_ordinary_text_is_left_alone(found, text: str) -> None:
    assert found(text) == set()


def test_without_word_lists_nothing_is_reported() -> None:
    assert NameLineRecognizer().analyze("Vinka: What a wife.", ["PERSON"]) == []
