"""AgencyRecognizer: must-match and must-not-match texts."""

from __future__ import annotations

import pytest

from nearmiss_lab.deid.recognizers.agency import AgencyRecognizer

RECOGNIZER = AgencyRecognizer()
MUST_MATCH = [
    ("a unit from Irondale Police Department arrived", "Irondale Police Department"),
    ("Stone County Sheriff's Office took over", "Stone County Sheriff's Office"),
    ("released to Irondale PD on a hold", "Irondale PD"),
    ("the Ohio State Highway Patrol", "Ohio State Highway Patrol"),
    ("released to the Stone County SO on a hold", "Stone County SO"),
    ("Michigan State Police took over the scene", "Michigan State Police"),
    ("State Police responded to assist", "State Police"),
    ("The Greer Co. Sheriff's Office joined in", "Greer Co. Sheriff's Office"),
    ("Port St. Lucie Police Department units", "Port St. Lucie Police Department"),
]
MUST_NOT_MATCH = [
    "the police department policy says",
    "called the sheriff about it",
    "ALSO noted",
    "so the SO said",  # no place before it: which office is not said
    "the state police said",
]


def _found(text: str) -> set[str]:
    return {text[r.start : r.end] for r in RECOGNIZER.analyze(text, [RECOGNIZER.ENTITY])}


@pytest.mark.parametrize(("text", "value"), MUST_MATCH)
def test_identifier_is_found(text: str, value: str) -> None:
    assert value in _found(text)


@pytest.mark.parametrize("text", MUST_NOT_MATCH)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert _found(text) == set()
