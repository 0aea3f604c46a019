"""Names after ranks, titles, honorifics and role nouns, single or in lists.

"Sgt. Ana Diaz", "Ofc. J.R. Smith", "Mr A. Demetriades", "suspect Ray Dunn", "Officers
Kowalski, Diaz and Lee". The rank word itself is kept (it is how a narrative stays
readable); honorifics (Mr, Mrs, Dr) are part of the name span. Name words must be capitalised:
"officer safety" and "the deputy said" do not match.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from presidio_analyzer import Pattern

from nearmiss_lab.deid.lexicon import (
    CUE_PHRASES,
    GUARDED_NAME_WORD,
    HONORIFICS,
    NOT_NAMES,
    PERSON_NAME,
    PLURAL_RANK_RE,
    RANK_MODIFIERS,
    RANK_RE,
    ROLE_RE,
    STOP_WORDS,
    SURNAME_STOP_WORDS,
    is_jargon,
    is_rank_word,
)
from nearmiss_lab.deid.names import POLICE_NOUNS
from nearmiss_lab.deid.recognizers.base import LawPatternRecognizer

_STOP_SURNAME = "(?:" + "|".join(w.capitalize() for w in sorted(SURNAME_STOP_WORDS)) + ")"
_CUE_PHRASE = r"(?i:" + "|".join(sorted(rf"{a}\s+{b}" for a, b in CUE_PHRASES)) + r")"
_HONORIFIC = r"(?:" + "|".join(HONORIFICS) + r")\.?"
_LIST_SEP = r"(?:\s*,\s*(?:and\s+|&\s+)?|\s+(?:and|&)\s+)"
_NAME_LIST = rf"{PERSON_NAME}(?:{_LIST_SEP}{PERSON_NAME})+"
_ONE_NAME = re.compile(PERSON_NAME)
_STOPS = "|".join(sorted(STOP_WORDS, key=len, reverse=True))
_WORD = re.compile(r"[\w'’.-]+")
_WORD_BEFORE = re.compile(r"([\w'’.]+)\s+$")
# Words that make "Sheriff's Office" or "Police Department" an institution, not a person.
INSTITUTION_WORDS = frozenset(
    """office department dept division bureau unit squad team station precinct headquarters
    academy agency patrol police county city state court jail detention services""".split()
)


class RankNameRecognizer(LawPatternRecognizer):
    """PERSON: capitalised names introduced by a rank, title, honorific or role noun."""

    ENTITY = "PERSON"
    PATTERNS = [
        # Honorific and name together: "Mrs Anna Christou" -> the whole phrase.
        Pattern("honorific name", rf"\b(?P<value>{_HONORIFIC}\s+{PERSON_NAME})", 0.85),
        Pattern("rank name", rf"\b{RANK_RE}\s+(?P<value>{PERSON_NAME})", 0.85),
        # A surname that is a stop word, capitalised after a rank: "Sergeant Still".
        Pattern("rank stop-word surname", rf"\b{RANK_RE}\s+(?P<value>{_STOP_SURNAME})(?!\w)", 0.6),
        # "Officers Diaz and Lee", "Deputies A. Brown, C. Ortiz & Kim": each name separately.
        Pattern("plural rank list", rf"\b{PLURAL_RANK_RE}\s+(?P<list>{_NAME_LIST})", 0.85),
        Pattern(
            "role name",
            rf"\b(?i:{ROLE_RE}),?\s+(?:as\s+|was\s+)?[\"“'‘]?(?P<value>{PERSON_NAME})",
            0.6,
        ),
        # "registered to Dale Ortiz", "written by Ofc. Mason", "known as Dusty".
        Pattern(
            "cue phrase name", rf"\b{_CUE_PHRASE}\s+(?:{RANK_RE}\s+)?(?P<value>{PERSON_NAME})", 0.6
        ),
        # Self-introductions, where lower-case names are names too: "my name is ana diaz".
        Pattern(
            "name is",
            r"\b(?i:my\s+name\s+is|name\s+is|name's|names\s+are|last\s+name\s+is|"
            r"first\s+name\s+is|maiden\s+name\s+is|surname\s+is|name:|named\s+(?:him|her|it)|"
            r"call\s+me|signed,?|sincerely,?)[ \t]+"
            rf"(?!(?i:{_STOPS})\b)(?!{RANK_RE}\s)"
            r"(?P<value>[^\W\d_][\w'’-]+(?:[ \t]+[^\W\d_][\w'’.-]*){0,2})",
            0.7,
        ),
        # First name, middle initial, surname: "Juliusz A Kwiatkowski", "Vide A. Persson".
        Pattern(
            "middle initial",
            rf"\b(?P<value>{GUARDED_NAME_WORD}\s+[A-Z]\.?\s+{GUARDED_NAME_WORD})(?!\w)",
            0.55,
        ),
        # Nicknames between a first name and a surname, with both: Benita "Red" Weir.
        Pattern(
            "nickname",
            rf"\b(?P<value>{GUARDED_NAME_WORD}\s+[\"“”'‘’][^\W\d_][\w'’ -]{{0,20}}?[\"“”'‘’]\s+"
            rf"{GUARDED_NAME_WORD})",
            0.7,
        ),
        # Names followed by a parenthesised role or age: "Ray Dunn (suspect)", "Ray Dunn, 34,".
        Pattern(
            "name with age",
            rf"\b(?P<value>{GUARDED_NAME_WORD}\s+{GUARDED_NAME_WORD}),?\s+\(?(?:age\s+)?\d{{1,2}}\)?,",
            0.5,
        ),
    ]

    def validate_value(self, pattern: Pattern, value: str) -> bool | None:
        # After a cue phrase a capitalised word may still be a unit or a place ("spoke with
        # Dispatch", "registered to Enterprise Rent-A-Car" is left to other recognizers).
        first = value.split()[0].lower().strip(".")
        if pattern.name == "cue phrase name" and (first in NOT_NAMES or first in POLICE_NOUNS):
            return False
        return None

    def value_spans(self, match: re.Match[str]) -> Iterator[tuple[int, int]]:
        if "list" in match.re.groupindex and match.group("list") is not None:
            offset = match.start("list")
            for name in _ONE_NAME.finditer(match.group("list")):
                yield offset + name.start(), offset + name.end()
        else:
            for start, end in super().value_spans(match):
                # Trailing function words are not part of a name ("Eliane and I"); ranks
                # are kept readable ("Reserve Deputy L. Young" -> "L. Young").
                words = list(_WORD.finditer(match.string, start, end))
                while len(words) > 1 and words[-1].group().lower() in STOP_WORDS:
                    words.pop()
                while words and is_jargon(words[0].group()):
                    words.pop(0)  # "suspect, DOB 1/2/88": shorthand is no name
                while len(words) > 1 and is_rank_word(words[0].group()):
                    words.pop(0)
                if len(words) == 1 and is_rank_word(words[0].group()):
                    # A rank word right after a rank is a surname ("Ofc Major", "Sgt.
                    # Ranger"); after a modifier or a cue it is the rank ("Reserve Deputy",
                    # "submitted by Sgt.").
                    before = _WORD_BEFORE.search(match.string, 0, words[0].start())
                    if (
                        not before
                        or not is_rank_word(before.group(1))
                        or (before.group(1).lower() in RANK_MODIFIERS)
                    ):
                        continue
                if not words or words[0].group().lower().rstrip(".") in INSTITUTION_WORDS:
                    continue  # "Sheriff's Office", "Police Department": not a person
                last = words[-1].group()
                # A full stop after a name ends the sentence; after an initial it is its own.
                trim = 1 if last.endswith(".") and len(last.rstrip(".")) > 1 else 0
                yield words[0].start(), words[-1].end() - trim
