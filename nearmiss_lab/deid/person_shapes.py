"""Person-name shapes that token recognizers miss, found over a field's text and detections.

Run on each field before propagation, so that what they find spreads like any other name:

- A nickname in quotes between a first name and a surname, in any case: ``Edward "Lil Man"
  Reed``, ``penelope 'slim' foster`` (the quoted part identifies the person too).
- A sign-off at the end of a text: ``-- fletcher (fhp)``, ``- Diaz``, ``— Sgt. J. Ruiz``.
- A found name grows over the rest of it where the census says the neighbour is a name part:
  the first name before a found surname or initial (``ima [williams]``, ``josh [m.
  willoughby]``), the surname after a found first name (``[Lane] English``, ``[yolanda]
  west gave``), and the word after a found initial (``[C.] Warden``).

Capitals decide in text whose case is informative; in a re-cased (ALL-CAPS or capital-less)
field the census lists decide, with a verb people do as the tie-breaker for ordinary words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from nearmiss_lab.deid.lexicon import (
    DETERMINERS,
    NAME_VERBS,
    NOT_NAMES,
    PLACE_WORDS,
    ROLES,
    STOP_WORDS,
    is_jargon,
    is_rank,
)
from nearmiss_lab.deid.names import NameKnowledge
from nearmiss_lab.deid.types import Detection

SOURCE = "person-shape"
SCORE = 0.6
_ROLES = frozenset(ROLES)
_WORD = r"[^\W\d_][\w'’-]*"
_QUOTES_OPEN = "\"“”'‘’"
_QUOTES_CLOSE = "\"“”'’"
_NICKNAME = re.compile(
    rf"(?P<first>{_WORD})[ \t]+[{_QUOTES_OPEN}](?P<nick>{_WORD}\.?(?:[ \t]+{_WORD}\.?)?)"
    rf"[{_QUOTES_CLOSE}][ \t]+(?P<last>{_WORD})"
)
# The last line of a text, after a dash: "-- fletcher (fhp)", "— Sgt. J. Ruiz".
_SIGN_OFF = re.compile(
    rf"(?:^|\n|(?<=[.!?])[ \t]+)[ \t]*(?:-{{1,2}}|–|—)[ \t]*"
    rf"(?P<name>(?:{_WORD}\.?[ \t]+){{0,3}}{_WORD})[ \t]*(?:\([^()\n]{{1,40}}\))?[ \t]*\Z"
)
_INITIAL = re.compile(r"[^\W\d_]\.")
_BEFORE = re.compile(rf"(?:^|(?<=[\s(\[,;:\"“]))({_WORD})[ \t]+$")
_AFTER = re.compile(rf"[ \t]+({_WORD})")
_NEXT_WORD = re.compile(rf"[ \t]*({_WORD}|[.,;:!?)]|$)")


def _plain(word: str) -> str:
    return word.lower().rstrip("'’-")


def _function_or_role(word: str, ranks: bool = True) -> bool:
    """Function words, role nouns, police shorthand and (with ``ranks``) ranks: never a name
    part a rule here adds."""
    low = _plain(word)
    return (
        len(low) < 2
        or low in STOP_WORDS
        or low in _ROLES
        or is_jargon(word)
        or (ranks and is_rank(word))
    )


def _excluded(word: str) -> bool:
    """Words that are never the name part a rule here adds."""
    return _function_or_role(word) or _plain(word) in NOT_NAMES


_DIRECTIONS = frozenset("north south east west".split())


def _surname_excluded(word: str) -> bool:
    """Words that never stand as the surname after a first name: function and role words,
    ranks and street or place words; a direction and any other word of the capitalised
    non-name list can be a surname ("Della West", "Lane English")."""
    low = _plain(word)
    if low in _DIRECTIONS:
        return False
    return _function_or_role(word) or low in PLACE_WORDS


def _is_first_name(word: str, know: NameKnowledge) -> bool:
    """A census first name, accents aside ("José", "Zoë": the census writes "jose", "zoe")."""
    if know.is_first_name(word):
        return True
    bare = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
    return bare != word and know.is_first_name(bare)


def _name_part(word: str, know: NameKnowledge) -> bool:
    """A word the census lists as a name, or one no word list knows."""
    return know.is_name(word) or not know.is_word(word)


def nicknamed_names(text: str, know: NameKnowledge, caseless: bool = False) -> list[Detection]:
    """``First "Nick" Last``: the whole run is a person when first and last are name words."""
    out = []
    for m in _NICKNAME.finditer(text):
        first, last = m.group("first"), m.group("last")
        if _excluded(first) or _excluded(last):
            continue
        if not (_is_first_name(first, know) and know.is_surname(last)):
            continue
        # In text with capitals the name has them, or the whole run has none ("penelope
        # 'slim' foster"); "see “Relevant domestic law” below" is no name.
        if (caseless or first[:1].isupper() == last[:1].isupper()) and not (
            know.is_english(first) and know.is_english(last)
        ):
            out.append(Detection(m.start(), m.end(), "PERSON", SCORE, SOURCE))
    return out


def sign_off_names(text: str, know: NameKnowledge) -> list[Detection]:
    """The name in a closing ``-- name`` line (ranks and initials stay outside the span)."""
    m = _SIGN_OFF.search(text)
    if not m:
        return []
    tokens = list(re.finditer(rf"{_WORD}\.?", m.group("name")))
    # Leading ranks and initials are kept readable or grown later; the name words decide.
    while tokens and (is_rank(tokens[0].group()) or _INITIAL.fullmatch(tokens[0].group())):
        tokens = tokens[1:]
    words = [t for t in tokens if not _INITIAL.fullmatch(t.group())]
    if not words or len(words) > 2:
        return []
    if any(_excluded(w.group().rstrip(".")) for w in words):
        return []
    if not all(_name_part(w.group().rstrip("."), know) for w in words):
        return []
    base = m.start("name")
    start = base + tokens[0].start()
    end = base + tokens[-1].end()
    if text[end - 1] == "." and not _INITIAL.fullmatch(tokens[-1].group()):
        end -= 1
    return [Detection(start, end, "PERSON", SCORE, SOURCE)]


def _follower(text: str, end: int) -> str:
    """The lower-cased word or clause mark after ``end`` ("" at the end of the text)."""
    nxt = _NEXT_WORD.match(text, end)
    return nxt.group(1).lower() if nxt else ""


def _surname_after(text: str, word: str, end: int, know: NameKnowledge, caseless: bool) -> bool:
    """Whether ``word`` (after a found first name, ending at ``end``) is its surname."""
    if _surname_excluded(word) or not know.is_surname(word):
        return False
    if not caseless:
        # Informative capitals: the surname is written with its capital ("Lane English").
        return word[:1].isupper() and not (word.isupper() and len(word) <= 3)
    if _plain(word) in NAME_VERBS:
        return False  # "williams ran": the verb after a name
    if not know.is_english(word):
        return True
    # An ordinary word ("west") is the surname when a verb people do or a clause end follows.
    follower = _follower(text, end)
    return follower in NAME_VERBS or follower in {"", ".", ",", ";", ":", "!", "?", ")"}


def _first_name_before(word: str, detection_text: str, know: NameKnowledge, caseless: bool) -> bool:
    """Whether ``word`` (just before a found name) is that person's first name."""
    if _excluded(word) or not _is_first_name(word, know):
        return False
    if not know.is_word(word):
        return True  # "ima williams": a first name and no English word
    # "josh m. willoughby", "JARED J. KATZ": a first name before an initial.
    return bool(_INITIAL.match(detection_text)) and (caseless or word[:1].isupper())


# "block, philip, was slow": a surname, a comma, the found first name.
_REVERSED = re.compile(rf"(?:^|(?<=[\s(\[;:\"“]))({_WORD}),[ \t]+$")
_DETERMINER_BEFORE = re.compile(rf"\b(?i:{'|'.join(sorted(DETERMINERS))})[ \t]+$")


def _reversed_surname(text: str, start: int, end: int, know: NameKnowledge) -> int | None:
    """Where the surname starts when the word and comma before a found first name
    (``text[start:end]``) are its surname written first, as records list people ("lam,
    james called"); None otherwise."""
    name = text[start:end]
    if not _is_first_name(name, know) or know.is_english(name):
        return None
    m = _REVERSED.search(text, max(0, start - 40), start)
    if not m:
        return None
    word = m.group(1)
    if _surname_excluded(word) or not know.is_surname(word):
        return None
    if _DETERMINER_BEFORE.search(text, max(0, m.start(1) - 12), m.start(1)):
        return None  # "at the block, james ran"
    # An ordinary word ("block") only where the pair stands as a person: a comma or a verb
    # people do follows ("block, philip, was slow").
    follower = _follower(text, end)
    if know.is_english(word) and follower != "," and follower not in NAME_VERBS:
        return None
    return m.start(1)


def extend_names(
    text: str, detections: Sequence[Detection], know: NameKnowledge, caseless: bool
) -> list[Detection]:
    """Grow each PERSON detection over neighbouring name parts (see the module docstring)."""
    out = []
    for d in detections:
        if d.entity_type != "PERSON":
            out.append(d)
            continue
        start, end = d.start, d.end
        for _ in range(3):
            grown = False
            surface = text[start:end]
            words = re.findall(rf"{_WORD}\.?", surface)
            before = _BEFORE.search(text, max(0, start - 40), start)
            if before and _first_name_before(before.group(1), surface, know, caseless):
                start, grown = before.start(1), True
            elif len(words) == 1:
                surname_at = _reversed_surname(text, start, end, know)
                if surname_at is not None:
                    start, grown = surname_at, True
            after = _AFTER.match(text, end)
            if after and words:
                last = words[-1]
                nxt = after.group(1)
                # An initial is followed by the name it abbreviates, and a rank never
                # follows an initial ("C. Warden" is the name): a capitalised word, or without
                # capitals a name word.
                if _INITIAL.fullmatch(last) and not _function_or_role(nxt, ranks=False):
                    if _name_part(nxt, know) if caseless else nxt[:1].isupper():
                        end, grown = after.end(1), True
                elif (
                    len(words) == 1
                    and _is_first_name(last, know)
                    # Without capitals only a word that is no surname itself is a first name
                    # for sure ("yolanda west"; "williams ran" is a surname and a verb).
                    and not (caseless and know.is_surname(last))
                    and _surname_after(text, nxt, after.end(1), know, caseless)
                ):
                    end, grown = after.end(1), True
            if not grown:
                break
        out.append(
            d
            if (start, end) == (d.start, d.end)
            else Detection(start, end, d.entity_type, max(d.score, SCORE), SOURCE)
        )
    return out


def person_shapes(
    text: str, detections: Sequence[Detection], know: NameKnowledge, caseless: bool
) -> list[Detection]:
    """The field's detections with the shapes above added (overlaps not yet resolved)."""
    found = list(detections) + nicknamed_names(text, know, caseless) + sign_off_names(text, know)
    return extend_names(text, found, know, caseless)
