"""In-record propagation: once an identifier is found anywhere in a record, every other
mention of it in every free-text field is found too.

A person found as "Sgt. Ana Diaz" in the narrative makes "Diaz", "DIAZ", "Ana" and "Sgt.
Diaz" identifiers in the narrative *and* the lessons learned, even where no recognizer
would have fired ("Diaz froze."). Other identifiers (places, agencies, plates) propagate as
whole strings ("Kyrenia" found once is found everywhere).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from nearmiss_lab.deid.lexicon import STOP_WORDS, is_rank
from nearmiss_lab.deid.types import Detection

_NAME_TOKEN = re.compile(r"[^\W\d_][\w'’-]*")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n]\s*|[\"“(]\s*)$")
SOURCE = "propagation"
PERSON_SCORE = 0.7
EXACT_SCORE = 0.6


def person_name_words(surface: str) -> list[str]:
    """The words of a found name that identify the person alone (no ranks, initials, stops)."""
    words = []
    for match in _NAME_TOKEN.finditer(surface):
        word = match.group().rstrip("'’-")
        if word.endswith(("'s", "’s")):
            word = word[:-2]
        if len(word) < 2 or not word[0].isupper() or word.lower() in STOP_WORDS or is_rank(word):
            continue
        words.append(word)
    return words


def _alternation(words: Sequence[str]) -> re.Pattern[str] | None:
    if not words:
        return None
    ordered = sorted(set(words), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in ordered) + r")(?!\w)")


def propagate(
    texts: Mapping[str, str],
    detections: Mapping[str, Sequence[Detection]],
    is_common_word: Callable[[str], bool] | None = None,
) -> dict[str, list[Detection]]:
    """Add a detection for every further mention of an identifier found in the record.

    Parameters
    ----------
    texts : mapping of field name to text
        The record's free-text fields.
    detections : mapping of field name to detections
        What the recognizers found in each field.
    is_common_word : callable, optional
        True for ordinary English words; such a name word is not propagated to the start of
        a sentence, where capitalisation says nothing ("Young" the officer vs "Young people").

    Returns
    -------
    dict of field name to list of Detection
        The input detections plus the propagated ones (overlaps not yet resolved).
    """
    name_words: list[str] = []
    exact: dict[str, tuple[str, str]] = {}
    for field, found in detections.items():
        text = texts[field]
        for d in found:
            surface = text[d.start : d.end]
            if d.entity_type == "PERSON":
                for word in person_name_words(surface):
                    name_words.append(word)
                    if len(word) > 2:
                        name_words.append(word.upper())
            else:
                stripped = surface.strip()
                if len(stripped) >= 3 and stripped.lower() not in STOP_WORDS:
                    # The copy keeps its source: an NER guess spread further is still a guess.
                    exact.setdefault(stripped, (d.entity_type, d.source))
    person_rx = _alternation(name_words)
    exact_rx = _alternation(list(exact))
    out: dict[str, list[Detection]] = {}
    for field, text in texts.items():
        found = list(detections.get(field, ()))
        if person_rx is not None:
            for m in person_rx.finditer(text):
                word = m.group()
                if (
                    len(word) < 3
                    and is_common_word is not None
                    and is_common_word(word)
                    and _SENTENCE_START.search(text, 0, m.start())
                ):
                    continue  # "Al" the man vs "Al" at a sentence start: too short to trust
                found.append(Detection(m.start(), m.end(), "PERSON", PERSON_SCORE, SOURCE))
        if exact_rx is not None:
            for m in exact_rx.finditer(text):
                kind, source = exact[m.group()]
                found.append(Detection(m.start(), m.end(), kind, EXACT_SCORE, source))
        out[field] = found
    return out
