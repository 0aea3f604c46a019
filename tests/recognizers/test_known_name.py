"""KnownNameRecognizer: must-match and must-not-match texts (needs the engine's spaCy Doc)."""

from __future__ import annotations

import pytest

from nearmiss_lab.deid import get_engine
from nearmiss_lab.deid.recognizers.known_name import KnownNameRecognizer

MUST_MATCH = [
    ("We found Kowalski behind the shed.", "Kowalski"),
    ("I spoke with Maria Kowalczyk at the door.", "Maria Kowalczyk"),
    ("The caller was DANIELS, ROBERT according to dispatch.", "DANIELS, ROBERT"),
    ("Backup came from Delgado and me.", "Delgado"),
    ("Timotea lives on the east side.", "Timotea"),
    ("I misunderstood what deputy Minh Do yelled to me.", "Minh Do"),
    ("Timotea Weir jumped in to help.", "Timotea Weir"),
    ("I called April Kowalski twice.", "April Kowalski"),
    ("Thanks to Jose King for staying.", "Jose King"),
]
MUST_NOT_MATCH = [
    "Young officers often rush the approach.",
    "The Street was dark and the County road was wet.",
    "Will you wait for backup next time?",
    "The suspect lives in Lot 27 of the park.",
    "Stopped a black SUV, OH reg. HKM 4421.",
    "R/O spoke with the RP at the door.",
    "In April Black officers met at the station.",
    "Page 2 of the report shows the price.",
]


@pytest.fixture(scope="module")
def analyse():
    engine = get_engine()
    recognizer = KnownNameRecognizer()
    recognizer.use_knowledge(engine.names)

    def found(text: str) -> set[str]:
        artifacts = engine.nlp_engine.process_text(text, "en")
        return {text[r.start : r.end] for r in recognizer.analyze(text, ["PERSON"], artifacts)}

    return found


@pytest.mark.parametrize(("text", "value"), MUST_MATCH)
def test_identifier_is_found(analyse, text: str, value: str) -> None:
    assert value in analyse(text)


@pytest.mark.parametrize("text", MUST_NOT_MATCH)
def test_ordinary_text_is_left_alone(analyse, text: str) -> None:
    assert analyse(text) == set()


def test_without_nlp_artifacts_it_reports_nothing() -> None:
    assert KnownNameRecognizer().analyze("Kowalski", ["PERSON"], None) == []
