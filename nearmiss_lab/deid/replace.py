"""Typed, consistent replacement: ``[PERSON-1]`` is the same person in every field.

Mentions of one person are clustered by their name words: "Sgt. Ana Diaz", "Diaz", "DIAZ"
and "Ofc. Diaz" share the word "diaz" and become the same placeholder, as "Tom Major" and
"Major" share a surname that is also a rank. Other identifiers
are the same when their text is the same up to case, spacing and punctuation. Numbers are
given per type in order of first appearance (narrative first, then lessons learned).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence

from nearmiss_lab.deid.propagate import guarded_surnames, person_name_words
from nearmiss_lab.deid.types import Detection, ReplacedSpan

PLACEHOLDER = re.compile(r"\[[A-Z][A-Z_]{0,31}-\d+\]")
_NORMALISE = re.compile(r"[\W_]+")


def _other_key(entity_type: str, surface: str) -> tuple[str, str]:
    return entity_type, _NORMALISE.sub(" ", surface.casefold()).strip()


def replace_identifiers(
    texts: Mapping[str, str], detections: Mapping[str, Sequence[Detection]]
) -> tuple[dict[str, str], Counter[str]]:
    """Replace every detection with a typed placeholder; see :func:`replace_with_spans`."""
    out, counts, _spans = replace_with_spans(texts, detections)
    return out, counts


def replace_with_spans(
    texts: Mapping[str, str], detections: Mapping[str, Sequence[Detection]]
) -> tuple[dict[str, str], Counter[str], list[ReplacedSpan]]:
    """Replace every detection with a typed placeholder, consistent across fields.

    Parameters
    ----------
    texts : mapping of field name to text
        The record's free-text fields, in reading order.
    detections : mapping of field name to detections
        Disjoint detections per field (as :func:`detect_records` returns them).

    Returns
    -------
    (dict, Counter, list of ReplacedSpan)
        The de-identified texts, the number of replaced mentions per type, and where each
        placeholder sits in the de-identified texts (field order, then position).
    """
    mentions = [
        (field, d)
        for field in texts
        for d in sorted(detections.get(field, ()), key=lambda d: d.start)
    ]
    # Cluster people: longer names first so "Diaz" joins "Ana Diaz" rather than founding its own.
    person_of: dict[tuple[str, int], int] = {}
    clusters: list[set[str]] = []
    people = [(f, d) for f, d in mentions if d.entity_type == "PERSON"]
    # A rank or stop word standing as a surname ("Tom Major") is one of the name's words, so
    # that "Major" alone joins "Tom Major".
    words_of = {
        (f, d.start): {
            w.casefold()
            for w in (
                person_name_words(texts[f][d.start : d.end])
                + guarded_surnames(texts[f][d.start : d.end])
            )
        }
        or {texts[f][d.start : d.end].casefold()}
        for f, d in people
    }
    for f, d in sorted(people, key=lambda m: -len(words_of[(m[0], m[1].start)])):
        words = words_of[(f, d.start)]
        for index, cluster in enumerate(clusters):
            if words <= cluster:
                person_of[(f, d.start)] = index
                break
        else:
            clusters.append(set(words))
            person_of[(f, d.start)] = len(clusters) - 1

    numbers: dict[object, str] = {}
    next_number: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    labels: dict[tuple[str, int], str] = {}
    for f, d in mentions:
        if d.entity_type == "PERSON":
            key: object = ("PERSON", person_of[(f, d.start)])
        else:
            key = _other_key(d.entity_type, texts[f][d.start : d.end])
        if key not in numbers:
            next_number[d.entity_type] += 1
            numbers[key] = f"[{d.entity_type}-{next_number[d.entity_type]}]"
        labels[(f, d.start)] = numbers[key]
        counts[d.entity_type] += 1

    out: dict[str, str] = {}
    spans: list[ReplacedSpan] = []
    for field, text in texts.items():
        parts: list[str] = []
        cursor = 0
        length = 0  # of the output built so far
        for d in sorted(detections.get(field, ()), key=lambda d: d.start):
            kept = text[cursor : d.start]
            label = labels[(field, d.start)]
            parts += (kept, label)
            length += len(kept)
            spans.append(
                ReplacedSpan(field, length, length + len(label), d.entity_type, d.score, d.source)
            )
            length += len(label)
            cursor = d.end
        parts.append(text[cursor:])
        out[field] = "".join(parts)
    return out, counts, spans
