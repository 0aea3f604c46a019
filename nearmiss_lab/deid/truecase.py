"""Restore informative capitals to ALL-CAPS or all-lower-case text, keeping its length.

Recognizers and the NER model lean on capitals ("Officer Page" vs "the page"). Police
reports are often typed in capitals, or without them. For such texts the detector analyses
a re-cased copy of the *same length* (offsets stay valid): words unknown to English, census
first names with the word after them, words after a rank or role noun, and the words before
a place or institution word ("walnut high school", "canadian county sheriff's office") get a
capital; codes with digits go upper case ("dxy-0082" -> "DXY-0082").
"""

from __future__ import annotations

import re

from nearmiss_lab.deid.lexicon import PLURAL_RANKS, ROLES, STOP_WORDS, is_rank
from nearmiss_lab.deid.names import NameKnowledge

_TOKEN = re.compile(
    r"(?=[\w-]*\d)(?=[\w-]*[^\W\d_])\w+(?:-\w+)*|[^\W\d_]+(?:['’][^\W\d_]+)?|\w+|[^\w\s]"
)
_SENTENCE_END = {".", "!", "?", ":", ";"}
# Words that name a place or an institution when a name stands before them.
SUFFIX_WORDS = frozenset(
    """street st road rd avenue ave boulevard blvd drive dr lane ln way court ct place pl
    circle cir terrace ter trail trl parkway pkwy highway hwy pike run loop row path crossing
    xing bend cove point ridge hollow walk expressway expy freeway fwy turnpike tpke square sq
    alley county co parish township twp
    police pd department dept sheriff sheriff's sheriff’s office so jail school
    elementary high middle academy church chapel hospital center centre park apartments
    apts plaza mall market store motel hotel inn college university bank library station
    bridge creek river lake heights estates village city town""".split()
)
MONTHS_DAYS = frozenset(
    """january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday
    saturday sunday""".split()
)
# Acronyms that stay unknown to the English list but are not names.
ACRONYMS = frozenset(
    """ems sop vin dui dwi cpr swat dob rms cad dl ssn tac fto sro k9 ems atv suv gps aed
    bwc mvc mva ncic nibrs ppe ptsd ems hrs bolo apb eta""".split()
)
_ROLES = frozenset(ROLES)
_LOCATIVES = frozenset("in from near outside of to toward towards via".split())
_PLURAL_RANKS = frozenset(w.lower() for w in PLURAL_RANKS)
_ORDINAL = re.compile(r"\d{1,3}(?:st|nd|rd|th)")
_WORDS = re.compile(r"[^\W\d_]{2,}")
_AGENCY_ABBREVIATIONS = frozenset({"pd", "sd", "fd", "dps"})


def _alpha(word: str) -> bool:
    return word.replace("'", "").replace("’", "").isalpha()


def case_is_uninformative(text: str) -> bool:
    """True for ALL-CAPS text and for text written (almost) without capitals."""
    words = _WORDS.findall(text)
    if len(words) < 8:
        return False
    letters = [c for c in text if c.isalpha()]
    upper = sum(c.isupper() for c in letters) / len(letters)
    titled = sum(w[0].isupper() and w[1:].islower() for w in words) / len(words)
    return upper > 0.6 or titled < 0.03


def _same_length(word: str, convert: str) -> str:
    return convert if len(convert) == len(word) else word


def truecase(text: str, know: NameKnowledge, *, full: bool = True) -> str:
    """Return a re-cased copy of ``text`` of the same length (see module docstring).

    With ``full=False`` (ordinary mixed-case text) only lower-case names behind a cue get a
    capital ("Sergeant bradley", "between me and greg sylvester", "DANIELS, ROBERT" stays).
    """
    tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
    words = [t[2].lower() for t in tokens]
    n = len(tokens)
    cap = [False] * n
    upper = [False] * n
    if full:
        _full_rules(words, cap, upper, know)
    _cue_rules(words, cap, know, strict=not full)
    out = list(text)
    for (start, end, word), c, u in zip(tokens, cap, upper, strict=True):
        if not full:
            if c and word.islower():
                out[start:end] = _same_length(word, word[:1].upper() + word[1:])
            continue
        if u:
            new = _same_length(word, word.upper())
        elif c:
            new = _same_length(word, word[:1].upper() + word[1:].lower())
        else:
            new = _same_length(word, word.lower())
        out[start:end] = new
    return "".join(out)


def _next_word(words: list[str], i: int) -> int | None:
    j = i + 1
    while j < len(words) and words[j] in {".", ","}:
        j += 1
    ok = j < len(words) and _alpha(words[j]) and words[j] not in STOP_WORDS
    return j if ok else None


def _full_rules(words: list[str], cap: list[bool], upper: list[bool], know: NameKnowledge) -> None:
    sentence_start = True
    for i, low in enumerate(words):
        if not low[0].isalnum():
            sentence_start = low in _SENTENCE_END or (sentence_start and low in '"“(')
            continue
        if _ORDINAL.fullmatch(low):
            pass  # "36th" stays as it is
        elif any(c.isdigit() for c in low) and any(c.isalpha() for c in low):
            upper[i] = True
        elif _alpha(low):
            if low in _AGENCY_ABBREVIATIONS or (
                2 <= len(low) <= 5
                and not set(low) & set("aeiouy")
                and low.isalpha()
                and low not in SUFFIX_WORDS  # "rd", "st", "blvd" are street words
            ):
                upper[i] = True  # "pd", "mhp", "ccso": agency and unit acronyms
            elif sentence_start or low == "i" or low in MONTHS_DAYS:
                cap[i] = True
            elif (
                len(low) > 1
                and low not in STOP_WORDS
                and low not in ACRONYMS
                and not know.is_word(low)
            ):
                cap[i] = True
        sentence_start = False
    for i, low in enumerate(words):
        # "in jones", "out of troy", "from cherokee": a name-like word after a preposition.
        if (
            i > 0
            and words[i - 1] in _LOCATIVES
            and _alpha(low)
            and low not in STOP_WORDS
            and len(low) > 2
            and not know.is_common_word(low)
        ):
            cap[i] = True
        if low == "so" and i > 0 and words[i - 1] in ("county", "parish"):
            upper[i] = True  # "Canadian County SO"
        # "walnut high school", "canadian county sheriff's office", "8800 blk jefferson drive".
        if low in SUFFIX_WORDS:
            j = i - 1
            taken = 0
            while j >= 0 and taken < 3 and _alpha(words[j]) and words[j] not in STOP_WORDS:
                cap[j] = True
                taken += 1
                j -= 1
            if taken or (i > 0 and words[i - 1][:1].isdigit()):
                cap[i] = True


def _cue_rules(words: list[str], cap: list[bool], know: NameKnowledge, *, strict: bool) -> None:
    """Names after ranks, role nouns and first names, and "SURNAME, FIRSTNAME"."""

    def namelike(word: str) -> bool:
        return not know.is_english(word) or (not strict and know.is_name(word))

    for i, low in enumerate(words):
        if not _alpha(low) or low in STOP_WORDS:
            continue
        if strict and len(low) > 3 and know.is_surname(low) and not know.is_word(low):
            cap[i] = True  # "suddenly rodriguez slipped": a surname, lower-cased
        if low.rstrip(".") in _PLURAL_RANKS:
            _cap_list(words, i + 1, cap, know)
            continue
        j = _next_word(words, i)
        if j is None:
            continue
        if is_rank(low) or low in _ROLES:
            if namelike(words[j]) or (is_rank(low) and know.is_surname(words[j])):
                cap[j] = True
                k = _next_word(words, j)
                if k is not None and (know.is_name(words[k]) and namelike(words[k])):
                    cap[k] = True
        elif know.is_first_name(low) and (
            not know.is_english(words[j])
            or (know.is_name(words[j]) and not strict)
            # "jeff pollock": a first name that is no English word, then any surname
            or (know.is_surname(words[j]) and not know.is_english(low))
        ):
            cap[i] = cap[j] = True
        # "DANIELS, ROBERT" / "daniels, robert": surname, comma, first name.
        if j == i + 2 and words[i + 1] == "," and know.is_first_name(words[j]):
            if not know.is_english(low) or (know.is_surname(low) and not strict):
                cap[i] = cap[j] = True


def _cap_list(words: list[str], j: int, cap: list[bool], know: NameKnowledge) -> None:
    """Capitalise the names of a list after a plural rank: "ofcs. higgins and revis"."""
    taken = 0
    while j < len(words) and taken < 8:
        word = words[j]
        if word in {",", ".", "&", "and"}:
            j += 1
            continue
        if (
            not _alpha(word)
            or word in STOP_WORDS
            or (know.is_english(word) and not know.is_name(word))
        ):
            return
        cap[j] = True
        taken += 1
        j += 1
