"""Narrative voices: rewrites of the *literal* template text (never of identifiers), so the
same templates read as a third-person report or as hurried shorthand without moving a span."""

from __future__ import annotations

import functools
import re

_THIRD = (
    (re.compile(r"\bI(?:'m| am)\b"), "R/O is"),
    (re.compile(r"\bI(?:'ve| have)\b"), "R/O has"),
    (re.compile(r"\bI work\b"), "R/O works"),
    (re.compile(r"\bI'd\b"), "R/O would"),
    (re.compile(r"\bI\b"), "R/O"),
    (re.compile(r"(^|(?<=[.!?:]\s))My\b"), "R/O's"),
    (re.compile(r"\bmy\b"), "R/O's"),
    (re.compile(r"\bme\b"), "R/O"),
    (re.compile(r"\bmyself\b"), "R/O alone"),
)
_SHORTHAND = (
    (re.compile(r"\bvehicle\b"), "veh"),
    (re.compile(r"\bsuspect\b"), "susp"),
    (re.compile(r"\bwith\b"), "w/"),
    (re.compile(r"\bwithout\b"), "w/o"),
    (re.compile(r"\bapproximately\b"), "approx"),
    (re.compile(r"\bofficers\b"), "ofcrs"),
    (re.compile(r"\bbecause\b"), "b/c"),
    (re.compile(r"\band\b"), "&"),
)


@functools.lru_cache(maxsize=4096)
def third_person(text: str) -> str:
    """'I was alone' -> 'R/O was alone' (a records-system narrator)."""
    for pattern, replacement in _THIRD:
        text = pattern.sub(replacement, text)
    return text


@functools.lru_cache(maxsize=4096)
def shorthand(text: str) -> str:
    """'the suspect vehicle and me' -> 'the susp veh & me' (typed on a phone)."""
    for pattern, replacement in _SHORTHAND:
        text = pattern.sub(replacement, text)
    return text


REWRITES = {"third": third_person, "sloppy": shorthand}
