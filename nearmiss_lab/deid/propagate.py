"""In-record propagation: once an identifier is found anywhere in a record, every other
mention of it in every free-text field is found too.

A person found as "Sgt. Ana Diaz" in the narrative makes "Diaz", "DIAZ", "Ana" and "Sgt.
Diaz" identifiers in the narrative *and* the lessons learned, even where no recognizer
would have fired ("Diaz froze."). Other identifiers (places, agencies, plates) propagate as
whole strings ("Kyrenia" found once is found everywhere).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence

from nearmiss_lab.deid.lexicon import ACRONYMS, DETERMINERS, NAME_VERBS, ROLES, STOP_WORDS, is_rank
from nearmiss_lab.deid.spans import NER_SOURCES
from nearmiss_lab.deid.types import Detection

_NAME_TOKEN = re.compile(r"[^\W\d_][\w'’-]*")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n]\s*|[\"“(]\s*)$")
SOURCE = "propagation"
_RANK_SOURCE = "RankNameRecognizer"
PERSON_SCORE = 0.7
EXACT_SCORE = 0.6


def _says_who_alone(word: str) -> bool:
    """Whether a word of a found name identifies the person by itself: no function word,
    role noun, acronym or rank."""
    low = word.lower()
    return not (low in STOP_WORDS or low in _ROLES or low in ACRONYMS or is_rank(word))


def person_name_words(surface: str) -> list[str]:
    """The words of a found name that identify the person alone (no ranks, initials, stops)."""
    words = []
    for match in _NAME_TOKEN.finditer(surface):
        word = match.group().rstrip("'’-")
        if word.endswith(("'s", "’s")):
            word = word[:-2]
        if len(word) < 2 or not word[0].isupper() or not _says_who_alone(word):
            continue
        words.append(word)
    return words


def guarded_surnames(surface: str) -> list[str]:
    """Rank and stop words that stand as the surname of a found full name ("Tom Major",
    "Mary Still", "Minh Do"): left out by :func:`person_name_words`, they spread only to
    mentions where a person stands (see :func:`propagate`)."""
    tokens = [m.group().rstrip("'’-") for m in _NAME_TOKEN.finditer(surface)]
    out = []
    for prev, word in zip(tokens, tokens[1:], strict=False):
        low = word.lower()
        if len(word) < 2 or not word[0].isupper() or low in _ROLES or low in ACRONYMS:
            continue
        # After a rank or a stop word the word is no surname ("Sergeant Major", "and Still").
        if is_rank(prev) or prev.lower() in STOP_WORDS:
            continue
        if low in STOP_WORDS or is_rank(word):
            out.append(word)
    return out


# A rank before a name ("Major Smith", "Major [PERSON-1]"): the word is the rank there.
_BEFORE_A_NAME = re.compile(r"[ \t]+(?:[A-Z]|\[[A-Z])")


def _fold(text: str) -> str:
    """Lower case of the same length (so offsets stay valid); the rare character whose lower
    case is longer ("İ") is kept as it is."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"  # what the re module's \w matches


def find_mentions(
    text: str, words: Collection[str], ignore_case: bool = False
) -> list[tuple[int, int]]:
    """Where any of ``words`` stands in ``text`` as a whole (no word character either side):
    leftmost first, the longest at one position, never overlapping, as a regex alternation
    of the words would find them.

    The words are looked for with ``str.find``: no pattern is compiled from a record's names,
    so none stays behind in the ``re`` module's cache of compiled patterns once the record
    is done (a long-running process would otherwise hold the last few hundred records'
    names).
    """
    hay = _fold(text) if ignore_case else text
    needles = {_fold(w) if ignore_case else w for w in words if w}
    found = []
    for needle in needles:
        start = hay.find(needle)
        while start >= 0:
            end = start + len(needle)
            if (start == 0 or not _is_word_char(text[start - 1])) and (
                end == len(text) or not _is_word_char(text[end])
            ):
                found.append((start, end))
            start = hay.find(needle, start + 1)
    found.sort(key=lambda span: (span[0], -span[1]))
    out: list[tuple[int, int]] = []
    for start, end in found:
        if not out or start >= out[-1][1]:
            out.append((start, end))
    return out


_ROLES = frozenset(ROLES)
_WORD_BEFORE = re.compile(r"([^\W\d_][\w'’]*)[ \t]*$")
_WORD_AFTER = re.compile(r"[ \t]*([^\W\d_][\w'’]*)")


# "West and I ended up ...", "between me and gibson": a word paired with the writer.
_WITH_WRITER_AFTER = re.compile(r"[ \t]+(?:and|&)[ \t]+(?:I|i|me)\b")
_WITH_WRITER_BEFORE = re.compile(r"\b(?:I|i|me)[ \t]+(?:and|&)[ \t]+$")


def _in_name_slot(text: str, start: int, end: int) -> bool:
    """True where a word stands as a person does: not after a determiner ("the young"), and
    after a rank, a role noun or "by", before a verb people do ("young had"), or paired with
    the writer ("West and I", "me and gibson")."""
    before = _WORD_BEFORE.search(text, max(0, start - 40), start)
    prev = before.group(1).lower() if before else ""
    if prev in DETERMINERS:
        return False
    if prev and (is_rank(prev) or prev in _ROLES or prev in ("by", "told", "asked")):
        return True
    # Paired with the writer: as a clause's subject ("West and I ended up"; "a routine call
    # and I let my guard down" is no person) or after "me and".
    if (_WITH_WRITER_AFTER.match(text, end) and _SENTENCE_START.search(text, 0, start)) or (
        _WITH_WRITER_BEFORE.search(text, max(0, start - 12), start)
    ):
        return True
    after = _WORD_AFTER.match(text, end)
    return after is not None and after.group(1).lower() in NAME_VERBS


def _other_case_is_name(
    text: str,
    start: int,
    end: int,
    is_common_word: Callable[[str], bool],
    is_word: Callable[[str], bool] | None,
) -> bool:
    """Whether a mention of a found name word in another case ("young" after "Tom Young",
    "mason" in a re-cased ALL-CAPS report) is the person.

    An ordinary word (verb, adjective) counts only where a person stands. So does any word of
    the lexicon when ``is_word`` is given (text with informative capitals: a lower-case
    "threats" is the noun even if a "Threats" was found); otherwise any other word does,
    unless a determiner makes it a noun ("the mason").
    """
    word = text[start:end]
    if is_common_word(word) or (is_word is not None and is_word(word)):
        return _in_name_slot(text, start, end)
    before = _WORD_BEFORE.search(text, max(0, start - 40), start)
    return not (before and before.group(1).lower() in DETERMINERS)


_INITIAL_TOKEN = re.compile(r"[^\W\d_]\.")
_SURFACE_TOKEN = re.compile(r"[^\W\d_][\w'’-]*\.?|,")


def _surnames_of(
    surface: str,
    source: str,
    is_first_name: Callable[[str], bool] | None,
    is_common_word: Callable[[str], bool] | None,
) -> set[str]:
    """Lower-cased words of a found name that make it a person for sure: a surname after an
    initial or a first name that is no English word ("D. Webb", "Jon Mallon", both words),
    a surname before a comma and a first name ("Work, Cyrus", both), or the name after a
    rank ("Corporal Gibson"). A capitalised run taken for a name ("Grant Child", where
    "grant" is a verb) anchors nothing."""
    if source == _RANK_SOURCE:
        return {w.lower() for w in _NAME_TOKEN.findall(surface) if not is_rank(w)}
    if is_first_name is None or is_common_word is None:
        return set()
    tokens = [
        t if _INITIAL_TOKEN.fullmatch(t) else t.rstrip(".") for t in _SURFACE_TOKEN.findall(surface)
    ]

    def first(word: str) -> bool:
        return is_first_name(word) and not is_common_word(word)

    out = set()
    for i, word in enumerate(tokens):
        if word == "," or _INITIAL_TOKEN.fullmatch(word):
            continue
        prev = tokens[i - 1] if i else ""
        after = tokens[i + 2] if i + 2 < len(tokens) and tokens[i + 1] == "," else ""
        if _INITIAL_TOKEN.fullmatch(prev):
            out.add(word.lower())
        elif prev and prev != "," and first(prev):
            out.update((prev.lower(), word.lower()))
        elif after and first(after):
            out.update((word.lower(), after.lower()))
    return out


def _lower_case_words(
    surface: str,
    is_common_word: Callable[[str], bool],
    name_words: list[str],
    guarded: set[str],
    anchored: set[str],
) -> None:
    """The lower-case words of a whole found name ("block, philip", "ima williams"), which
    :func:`person_name_words` leaves out: a word that is no ordinary English word spreads
    like any name word, an ordinary one ("block") only where a person stands."""
    for match in _NAME_TOKEN.finditer(surface):
        word = match.group().rstrip("'’-")
        if len(word) < 3 or not word.islower() or not _says_who_alone(word):
            continue
        if is_common_word(word):
            guarded.update((word, word.capitalize(), word.upper()))
        else:
            name_words.append(word)
            anchored.add(word)


def propagate(
    texts: Mapping[str, str],
    detections: Mapping[str, Sequence[Detection]],
    is_common_word: Callable[[str], bool] | None = None,
    *,
    is_word: Callable[[str], bool] | None = None,
    caseless: Collection[str] = (),
    is_first_name: Callable[[str], bool] | None = None,
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
        a sentence, where capitalisation says nothing ("Young" the officer vs "Young people"),
        and in another case ("young", the lower-cased copy of an ALL-CAPS report) only where
        it stands as a person does. Without it, only the found capitalisations propagate.
    is_word : callable, optional
        True for any word of the lexicon, nouns included; in fields with informative
        capitals such a word in another case than found counts only where a person stands.
    caseless : collection of str
        Fields that were re-cased from ALL-CAPS or capital-less text (where a lower-case
        copy of a name says nothing about it).
    is_first_name : callable, optional
        True for a census first name. With it, a surname found after a first name or an
        initial ("Diana Monroe") also spreads to lower-case mentions in fields with
        informative capitals ("drifted to monroe") unless it is an ordinary English word.

    Returns
    -------
    dict of field name to list of Detection
        The input detections plus the propagated ones (overlaps not yet resolved).
    """
    name_words: list[str] = []
    guarded: set[str] = set()
    anchored: set[str] = set()
    exact: dict[str, tuple[str, str]] = {}
    for field, found in detections.items():
        text = texts[field]
        for d in found:
            surface = text[d.start : d.end]
            if d.entity_type == "PERSON":
                anchored.update(_surnames_of(surface, d.source, is_first_name, is_common_word))
                for word in person_name_words(surface):
                    name_words.append(word)
                    if len(word) > 2:
                        name_words.append(word.upper())
                for word in guarded_surnames(surface):
                    guarded.update((word, word.upper()))
                whole = len(_NAME_TOKEN.findall(surface)) > 1 or d.source == _RANK_SOURCE
                if (
                    whole
                    and surface.islower()
                    and d.source not in NER_SOURCES
                    and is_common_word is not None
                ):
                    # A name written without capitals and found by a rule with census
                    # evidence ("block, philip", "ima williams"); the statistical NER's
                    # lower-case guesses ("lub służby w organach") do not spread.
                    _lower_case_words(surface, is_common_word, name_words, guarded, anchored)
            else:
                stripped = surface.strip()
                if len(stripped) >= 3 and stripped.lower() not in STOP_WORDS:
                    # The copy keeps its source: an NER guess spread further is still a guess.
                    exact.setdefault(stripped, (d.entity_type, d.source))
    known = set(name_words)
    # A string found as a person's name and elsewhere as a place ("Thanks to Zamboniwicz."
    # read as a town) is the person: it does not spread as a place.
    lowered = {w.lower() for w in name_words}
    exact = {k: v for k, v in exact.items() if k.lower() not in lowered}
    # Other capitalisations of name words of 3+ letters are looked at one by one below.
    fold = is_common_word is not None
    out: dict[str, list[Detection]] = {}
    for field, text in texts.items():
        found = list(detections.get(field, ()))
        # A mention already found as a person keeps its own score: propagation adds mentions,
        # it does not vouch for the ones it came from (the hub's re-scan reads the scores).
        # It still marks them, so that the person outranks a place guessed from the same
        # word elsewhere ("Thanks to Zamboniwicz." is no town).
        people = [(d.start, d.end, d.score) for d in found if d.entity_type == "PERSON"]
        for start, end in find_mentions(text, name_words, ignore_case=fold):
            covering = [sc for s, e, sc in people if s <= start and end <= e]
            if covering:
                score = min(PERSON_SCORE, max(covering))
                found.append(Detection(start, end, "PERSON", score, SOURCE))
                continue
            word = text[start:end]
            if word not in known:
                if is_common_word is None or len(word) < 3:
                    continue
                strict = None if field in caseless else is_word
                if word.lower() in anchored and not is_common_word(word):
                    # "drifted to monroe" after "Diana Monroe": a lower-case copy of a whole
                    # name's word that is no ordinary English word is the person.
                    strict = None
                if not _other_case_is_name(text, start, end, is_common_word, strict):
                    continue
            elif (
                len(word) < 3
                and is_common_word is not None
                and is_common_word(word)
                and _SENTENCE_START.search(text, 0, start)
            ):
                continue  # "Al" the man vs "Al" at a sentence start: too short to trust
            found.append(Detection(start, end, "PERSON", PERSON_SCORE, SOURCE))
        # "Tom Major ... Major was upset": the surname alone where a person stands, and
        # never as the rank before a name ("Major Smith" keeps its rank readable).
        for start, end in find_mentions(text, guarded):
            if any(s <= start and end <= e for s, e, _ in people):
                continue
            if _BEFORE_A_NAME.match(text, end):
                continue
            if _in_name_slot(text, start, end):
                found.append(Detection(start, end, "PERSON", PERSON_SCORE, SOURCE))
        for start, end in find_mentions(text, exact):
            kind, source = exact[text[start:end]]
            found.append(Detection(start, end, kind, EXACT_SCORE, source))
        out[field] = found
    return out
