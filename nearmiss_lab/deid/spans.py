"""Overlap resolution: turn raw detections into disjoint, whole-word spans.

Rules, in order:

1. Each detection grows to word boundaries, so no fragment of an identifier survives
   ("Kowalski" found inside "Kowalski's" or "ABC-1234x" takes the whole run of ``\\w``).
2. Overlapping detections merge into their union (recall first: if any recognizer thought a
   character was part of an identifier, it goes).
3. The merged span takes the type of the most trusted detection in it: a project or
   Presidio pattern recognizer beats the statistical NER; then the higher score; then the
   longer detection.
4. Two PERSON spans separated only by spaces on one line merge ("Ana" + "Diaz").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from nearmiss_lab.deid.types import Detection

_WORD = re.compile(r"\w")
_ARTICLE = re.compile(r"(?:the|The|THE|a|an)\s+")
NER_SOURCES = frozenset({"SpacyRecognizer"})


def _grow(text: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and _WORD.match(text[start - 1]) and _WORD.match(text[start]):
        start -= 1
    while end < len(text) and _WORD.match(text[end]) and _WORD.match(text[end - 1]):
        end += 1
    # Surrounding spaces and a leading article are never part of an identifier.
    while start < end and text[start].isspace():
        start += 1
    lead = _ARTICLE.match(text, start, end)
    if lead and lead.end() < end:
        start = lead.end()
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _rank(d: Detection) -> tuple[int, float, int]:
    return (0 if d.source in NER_SOURCES else 1, d.score, d.end - d.start)


def resolve_overlaps(text: str, detections: Iterable[Detection]) -> list[Detection]:
    """Return disjoint detections covering every character any detection covered.

    Parameters
    ----------
    text : str
        The analysed text.
    detections : iterable of Detection
        Raw detections, possibly overlapping and cutting words.

    Returns
    -------
    list of Detection
        Sorted, non-overlapping, word-aligned detections.
    """
    grown = []
    for d in detections:
        start, end = _grow(text, max(0, d.start), min(len(text), d.end))
        if end > start:
            grown.append(Detection(start, end, d.entity_type, d.score, d.source))
    grown.sort(key=lambda d: (d.start, -d.end))
    groups: list[list[Detection]] = []
    group_end = -1
    for d in grown:
        if groups and d.start < group_end:
            groups[-1].append(d)
            group_end = max(group_end, d.end)
        else:
            groups.append([d])
            group_end = d.end
    merged: list[Detection] = []
    for group in groups:
        best = max(group, key=_rank)
        start = min(d.start for d in group)
        end = max(d.end for d in group)
        current = Detection(start, end, best.entity_type, max(d.score for d in group), best.source)
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and previous.entity_type == current.entity_type == "PERSON"
            and text[previous.end : current.start].strip(" \t") == ""
            and current.start - previous.end <= 2
        ):
            merged[-1] = Detection(
                previous.start,
                current.end,
                "PERSON",
                max(previous.score, current.score),
                previous.source,
            )
        else:
            merged.append(current)
    return merged
