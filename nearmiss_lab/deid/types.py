"""Plain data passed between the de-identifier's parts. None of them carries text."""

from __future__ import annotations

from dataclasses import dataclass

# Free-text fields of an incident that the de-identifier and the residual scan cover.
TEXT_FIELDS: tuple[str, ...] = ("narrative", "lessons_learned")


@dataclass(frozen=True, order=True)
class Detection:
    """One identifier found in a text: character offsets, placeholder type, score, source.

    ``source`` names the recognizer (or ``propagation``); it is for diagnostics and never
    holds the identifier itself.
    """

    start: int
    end: int
    entity_type: str
    score: float
    source: str = ""


@dataclass(frozen=True)
class ResidualFinding:
    """An identifier still present in a de-identified record, as the hub's re-scan sees it.

    Offsets point into ``record[field]``; the text itself is never carried.
    """

    field: str
    start: int
    end: int
    entity_type: str
    score: float


@dataclass(frozen=True)
class ReplacedSpan:
    """A placeholder in de-identified text: where it sits in ``record[field]`` *after*
    replacement, its type, the detection's score and the recognizer that found it.

    For review screens (highlight a placeholder, list the least certain ones); the replaced
    text itself is never carried.
    """

    field: str
    start: int
    end: int
    entity_type: str
    score: float
    source: str = ""
