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

from nearmiss_lab.deid.lexicon import (
    ACRONYMS,
    CUE_PHRASES,
    DETERMINERS,
    HONORIFICS,
    NAME_VERBS,
    NOT_NAMES,
    PLURAL_RANKS,
    ROLES,
    STOP_WORDS,
    is_jargon,
    is_rank,
)
from nearmiss_lab.deid.names import NameKnowledge
from nearmiss_lab.deid.places import US_STATES, state_length, us_places

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
    police pd department dept sheriff sheriff's sheriff’s office so jail school hp sp sd fd dps
    elementary high middle academy church chapel hospital center centre park apartments
    apts plaza mall market store motel hotel inn college university bank library station
    bridge creek river lake heights estates village city town""".split()
)
MONTHS_DAYS = frozenset(
    """january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday
    saturday sunday""".split()
)
_ROLES = frozenset(ROLES)
_LOCATIVES = frozenset("in from near outside of to toward towards via through".split())
# Where a town's name closes: punctuation, a clause word or a state ("in auburn as", "from
# hope.", "in broken arrow, florida", "auburn indiana").
_TOWN_PREPOSITIONS = _LOCATIVES | {"at"}
# "Of" is locative after a direction, "out" or a place's kind ("north of auburn", "just
# outside of seminole", "working out of auburn.", "the city of hope"); elsewhere it is
# followed by nouns ("built of stone.").
_PLACE_BEFORE_OF = frozenset(
    """out outside north south east west northeast northwest southeast southwest city town
    village county township limits resident residents native natives""".split()
)
_TOWN_CLOSERS = frozenset(", . ; : ! ? ) as when where while and before after".split())
_PLURAL_RANKS = frozenset(w.lower() for w in PLURAL_RANKS)
_ORDINAL = re.compile(r"\d{1,3}(?:st|nd|rd|th)")
_WORDS = re.compile(r"[^\W\d_]{2,}")
_CLAUSE_OPENERS = frozenset(
    """, ; : . ! ? and & but because cause cuz that when while after before since until so
    then where if though although once as""".split()
)
_HONORIFICS = frozenset(h.lower() for h in HONORIFICS)
_AFTER_NAME = frozenset(
    """, ( ) # . ; : and & for on at with to from of in who 's ’s reporting responding
    speaking assisting here -""".split()
)
_NOT_AFTER_RANK = frozenset("down up out back away home safety presence involved".split())
_ORDER = frozenset("next last first second third other same".split())
_ARTICLES = frozenset("the a an his her their my our your its".split())
_AGENCY_ABBREVIATIONS = frozenset({"pd", "sd", "fd", "dps"})
# Highway and state patrol: agency words after a name ("florida hp"), and also "horsepower"
# ("a 300 hp engine"), so upper case only there.
_PATROL_ABBREVIATIONS = frozenset({"hp", "sp"})
# A town's fire, rescue or ambulance service is often named without "department" ("w/ yukon
# fire.", "muskogee ems arrived").
_SERVICE_WORDS = frozenset({"fire", "rescue", "ems"})
_SERVICE_AFTER = frozenset(
    """department dept rescue ems district & / until on at for to with then so arrived
    responded assisted""".split()
)
_NAME_SUFFIXES = frozenset({"jr", "sr"})
# Rank abbreviations that are also everyday particles.
_PARTICLE_RANKS = frozenset({"off"})
_DIRECTIONS = frozenset("north south east west northeast northwest southeast southwest".split())
# "North Dakota", "West Virginia": a direction that is part of a state's name.
_DIRECTION_STATES = frozenset(" ".join(s) for s in US_STATES if s[0] in _DIRECTIONS)


def _alpha(word: str) -> bool:
    return word.replace("'", "").replace("’", "").isalpha()


_SENTENCE_STARTS = re.compile(r"(?:^|[.!?]\s+|\n\s*)([^\W\d_])")


def case_is_uninformative(text: str) -> bool:
    """True for ALL-CAPS text and for text written (almost) without capitals.

    A text whose sentences start with capitals is written with capitals even when no other
    word has one ("I will mark the spot."): only a text whose sentence starts are mostly
    lower-case counts as capital-less.
    """
    words = _WORDS.findall(text)
    if len(words) < 8:
        return False
    letters = [c for c in text if c.isalpha()]
    upper = sum(c.isupper() for c in letters) / len(letters)
    if upper > 0.6:
        return True
    titled = sum(w[0].isupper() and w[1:].islower() for w in words) / len(words)
    if titled >= 0.03:
        return False
    starts = _SENTENCE_STARTS.findall(text)
    return sum(c.islower() for c in starts) * 2 >= len(starts)


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
    # "sgt. smith", "officer: rivera" (a form's label)
    while j < len(words) and words[j] in {".", ",", ":"}:
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
            if (
                low in _AGENCY_ABBREVIATIONS
                or (
                    3 <= len(low) <= 6
                    and low.endswith(("pd", "so", "sd", "hp", "sp"))
                    and not know.is_word(low)  # "ccso", "ohp", "lapd"; "also" is a word
                )
                or (
                    2 <= len(low) <= 5
                    and not set(low) & set("aeiouy")
                    and low.isalpha()
                    and low not in SUFFIX_WORDS  # "rd", "st", "blvd" are street words
                )
            ):
                upper[i] = True  # "pd", "mhp", "ccso": agency and unit acronyms
            elif sentence_start or low == "i" or low in MONTHS_DAYS:
                cap[i] = True
            elif len(low) == 1 and i + 2 < len(words) and words[i + 1] == ".":
                cap[i] = _alpha(words[i + 2])  # an initial: "k. brennan"
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
        # "through north miami", "in west memphis": a direction before such a name is part
        # of the place's name.
        if (
            i > 1
            and words[i - 2] in _LOCATIVES
            and words[i - 1] in _DIRECTIONS
            and _alpha(low)
            and low not in STOP_WORDS
            and len(low) > 2
            and not know.is_common_word(low)
            and f"{words[i - 1]} {low}" not in _DIRECTION_STATES  # a state may stay
        ):
            cap[i - 1] = cap[i] = True
        _town_rules(words, i, cap, upper, know)
        if low == "so" and i > 0 and words[i - 1] in ("county", "parish"):
            upper[i] = True  # "Canadian County SO"
        # "walnut high school", "canadian county sheriff's office", "8800 blk jefferson drive".
        if low in SUFFIX_WORDS:
            j = i - 1
            taken = 0
            if j > 1 and words[j] == "." and words[j - 1] in _NAME_SUFFIXES:
                cap[j - 1] = True  # "martin luther king jr. trail": the name's suffix
                j -= 2
            while j >= 0 and taken < 3 and _alpha(words[j]) and words[j] not in STOP_WORDS:
                cap[j] = True
                taken += 1
                j -= 1
            if taken and j >= 0 and words[j] in _DIRECTIONS:
                cap[j] = True  # "8594 south martin luther king jr. trail"
            if taken or (i > 0 and words[i - 1][:1].isdigit()):
                cap[i] = True
            if taken and low in _PATROL_ABBREVIATIONS:
                upper[i] = True  # "the mississippi hp", "florida sp": a state's patrol
        _fire_department(words, i, cap, know)


def _town_rules(
    words: list[str], i: int, cap: list[bool], upper: list[bool], know: NameKnowledge
) -> None:
    """Capitals for a town whose name is an ordinary word, where a place is expected: after a
    locative preposition when the name closes the clause ("on patrol in auburn as", "a woman
    from hope.", "in broken arrow, florida"), and before a comma and a state ("auburn, in.",
    "port st. lucie, fl"), where the state's code gets its capitals too. The gazetteer
    (``places.py``) must list the name; colours, weather, police nouns and idioms stay words
    ("dressed in black.", "in custody", "remains at large"), and so do a noun after "of"
    that follows no direction ("built of stone,") and a verb after "to" ("to transfer,")."""
    if not _alpha(words[i]):
        return
    n = us_places().place_at(words, i)
    if not n:
        return
    after = i + n
    before_state = (
        after + 1 < len(words) and words[after] == "," and state_length(words, after + 1) > 0
    )
    prep = words[i - 1] if i > 0 else ""
    placed = prep in _TOWN_PREPOSITIONS and not (
        (prep == "of" and not (i >= 2 and _of_a_place(words, i - 2, cap, know)))
        or (prep == "to" and n == 1 and know.is_verb(words[i]))
    )
    closes = after == len(words) or words[after] in _TOWN_CLOSERS or state_length(words, after)
    if not (before_state or (placed and closes)):
        return
    for k in range(i, after):
        cap[k] = cap[k] or _alpha(words[k])
    if before_state:
        m = state_length(words, after + 1)
        if m == 1 and len(words[after + 1]) == 2:
            upper[after + 1] = True  # "Auburn, IN": a code in capitals, as the place rules read it
        else:
            for k in range(after + 1, after + 1 + m):
                cap[k] = True


def _of_a_place(words: list[str], j: int, cap: list[bool], know: NameKnowledge) -> bool:
    """True when "of" after word ``j`` introduces a place: after a direction, "out", a place's
    kind or "resident" ("north of auburn", "a resident of hope"), and after a person's name
    ("registered to garry wotring of stonewall."): a capitalised unknown word or a surname
    that is no ordinary word; "built of stone." and "a man of hope." stay words."""
    word = words[j]
    if word in _PLACE_BEFORE_OF:
        return True
    if not _alpha(word) or word in STOP_WORDS or know.is_common_word(word):
        return False
    return cap[j] or (know.is_surname(word) and not know.is_english(word))


def _fire_department(words: list[str], i: int, cap: list[bool], know: NameKnowledge) -> None:
    """Capitals for a town's fire, rescue or EMS service named by the town alone ("w/ yukon fire.",
    "hastings fire and ems", "tulsa fire responded"): the gazetteer must know the town, a
    one-word town must be no ordinary word, verb or noun after a determiner ("structure fire",
    "shots fire", "returned fire", "the sedan fire" stay words), and "fire" must close the
    clause or go on with a clause word, an action or "department" ("tulsa fire hydrant")."""
    if words[i] not in _SERVICE_WORDS or i == 0:
        return
    after = words[i + 1] if i + 1 < len(words) else "."
    if after not in _TOWN_CLOSERS and after not in _SERVICE_AFTER:
        return
    places = us_places()
    for n in range(min(places.longest, i), 0, -1):
        start = i - n
        if places.place_at(words, start) != n:
            continue
        if n == 1 and (know.is_common_word(words[start]) or know.is_verb(words[start])):
            return
        if start > 0 and words[start - 1] in DETERMINERS and n == 1:
            return  # "the mobile fire": an ordinary noun phrase
        for k in range(start, i + 1):
            cap[k] = cap[k] or _alpha(words[k])
        return


def _initials(words: list[str], j: int) -> int:
    """Index of the first word after initials starting at ``j`` ("j . r . smith"), or ``j``."""
    while j + 2 < len(words) and len(words[j]) == 1 and words[j].isalpha() and words[j + 1] == ".":
        j += 2
    return j


def _clause_start(words: list[str], i: int) -> bool:
    """True when word ``i`` starts a clause ("..., young had", "because young had", "b/c")."""
    if i == 0 or words[i - 1] in _CLAUSE_OPENERS:
        return True
    return i >= 3 and words[i - 3 : i] == ["b", "/", "c"]


def _ends_name(words: list[str], j: int) -> bool:
    """True when what follows word ``j`` closes a name ("Sergeant young (employee #12)",
    "Officer young for", "Sergeant young said") rather than a verb phrase ("the next
    officer goes home")."""
    if words[j] in _NOT_AFTER_RANK:
        return False
    return j + 1 == len(words) or words[j + 1] in _AFTER_NAME or words[j + 1] in NAME_VERBS


def _past_tense_after(words: list[str], j: int, know: NameKnowledge) -> bool:
    """True when a past-tense verb follows word ``j`` ("dispatcher cable handled the radio"):
    after a rank, the word before it is the one who did it."""
    if j + 1 >= len(words) or words[j] in _NOT_AFTER_RANK or is_rank(words[j]):
        return False
    nxt = words[j + 1]
    if not (nxt.endswith("ed") and len(nxt) > 4):
        return False
    return any(know.is_verb(stem) for stem in (nxt[:-1], nxt[:-2], nxt[:-3]))


def _name_slot(words: list[str], i: int, common: bool = False) -> bool:
    """True where a word stands as a person would: no determiner before it and a verb people
    do after it ("i misunderstood what john yelled", "by then mason was gone"). An ordinary
    word ("young") must also start its clause ("b/c young had been cooperative"), which
    keeps "semi trucks kept passing" and "command staff should" apart."""
    if i > 0 and words[i - 1] in DETERMINERS:
        return False
    if common and not _clause_start(words, i):
        return False
    return i + 1 < len(words) and words[i + 1] in NAME_VERBS


def _cue_rules(words: list[str], cap: list[bool], know: NameKnowledge, *, strict: bool) -> None:
    """Names after ranks, role nouns, cue phrases ("registered to", "written by") and first
    names, and "SURNAME, FIRSTNAME"."""

    def namelike(word: str) -> bool:
        if is_jargon(word):
            return False  # "aka", "dob", "w/m" follow role nouns too
        return not know.is_english(word) or (not strict and know.is_name(word))

    for i, low in enumerate(words):
        if not _alpha(low):
            continue
        # Plural ranks and ranks are checked before stop words: "officer" and "officers"
        # are stop words elsewhere (they never start a name) but always introduce one here.
        if low.rstrip(".") in _PLURAL_RANKS:
            _cap_list(words, i + 1, cap, know)
            continue
        # A rank inside a compound ("a two-officer car") or after a determiner ("so the next
        # officer goes home": a common noun, not a title) introduces no name.
        compound = i > 1 and words[i - 1] == "-" and _alpha(words[i - 2])
        rank = is_rank(low) and not (
            compound or (i > 0 and (words[i - 1] in DETERMINERS or words[i - 1] in _ORDER))
        )
        if low in _PARTICLE_RANKS and not (i + 1 < len(words) and words[i + 1] == "."):
            rank = False  # "took off running": "Off" is a rank only as "off." ("Off. Smith")
        cue = rank or low in _ROLES or (i > 0 and (words[i - 1], low) in CUE_PHRASES)
        if low in STOP_WORDS and not cue:
            continue
        if strict and len(low) > 3 and know.is_surname(low) and not know.is_word(low):
            cap[i] = True  # "suddenly rodriguez slipped": a surname, lower-cased
        if cue:
            start = i + 1
            while start < len(words) and words[start] == ".":
                start += 1  # "sgt. smith"
            name_at = _initials(words, start)
            if (
                name_at > start
                and name_at < len(words)
                and _alpha(words[name_at])
                and words[name_at] not in STOP_WORDS
            ):
                # "lieutenant j. smith": after a rank and initials, the next word is the
                # surname whatever else it means ("Sgt. J. Young").
                for pos in range(start, name_at + 1, 2):
                    cap[pos] = True
                continue
        if (
            not strict
            and not cue
            and know.is_name(low)
            and low not in NOT_NAMES
            and _name_slot(words, i, know.is_common_word(low))
        ):
            cap[i] = True  # "i misunderstood what john yelled", "b/c young had been"
        j = _next_word(words, i)
        if j is None:
            continue
        if cue:
            if know.is_common_word(words[j]) and j + 1 < len(words) and words[j + 1] in _ARTICLES:
                continue  # "the driver gave the name": a verb before an article
            # "sergeant bonnie hector (badge 383)": a first name and a surname that closes the
            # name, ordinary words or not.
            k = _next_word(words, j)
            full_name = (
                k is not None
                and k == j + 1
                and know.is_first_name(words[j])
                and know.is_surname(words[k])
                and _ends_name(words, k)
            )
            if full_name:
                assert k is not None
                cap[j] = cap[k] = True
                continue
            # "dispatcher burl j. scrivner": a first name, initials, then the surname.
            end = _initials(words, j + 1)
            if (
                end > j + 1
                and end < len(words)
                and know.is_first_name(words[j])
                and _alpha(words[end])
                and words[end] not in STOP_WORDS
            ):
                for m in (j, *range(j + 1, end + 1, 2)):
                    cap[m] = True
                continue
            if know.is_common_word(words[j]) and not (
                low in _HONORIFICS
                or _ends_name(words, j)
                or (rank and _past_tense_after(words, j, know))
            ):
                continue  # "the suspect ran off": an ordinary word that goes on as a verb
            if (
                namelike(words[j])
                or (
                    rank
                    and know.is_surname(words[j])
                    and (
                        not know.is_common_word(words[j])
                        or _ends_name(words, j)
                        or _past_tense_after(words, j, know)
                    )
                )
                # "mrs. young": an honorific is followed by a name, whatever else it means
                or (low in _HONORIFICS and know.is_name(words[j]))
            ):
                cap[j] = True
                end = _initials(words, j + 1)
                if (
                    end > j + 1
                    and end < len(words)
                    and _alpha(words[end])
                    and words[end] not in STOP_WORDS
                ):
                    for m in range(j + 1, end + 1, 2):
                        cap[m] = True  # "ofc. john s. smith": a middle initial and the surname
                    continue
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
        elif (
            not strict
            and j == i + 1
            and know.is_name(low)
            and not know.is_english(low)
            and know.is_name(words[j])
            and words[j] not in NAME_VERBS
            and words[j] not in NOT_NAMES
            # An ordinary second word ends the name only where the clause ends ("by garcia
            # young.", "me & ortiz will;"); "smith gave a statement" is a verb.
            and (
                not know.is_common_word(words[j])
                or j + 1 == len(words)
                or words[j + 1] in _CLAUSE_OPENERS
            )
        ):
            cap[i] = cap[j] = True
        # "DANIELS, ROBERT" / "daniels, robert": surname, comma, first name; an English
        # surname too after a cue or before a middle initial ("the caller, young, mary",
        # "young, mary a.").
        if j == i + 2 and words[i + 1] == "," and know.is_first_name(words[j]):
            cued = i > 0 and (is_rank(words[i - 1]) or words[i - 1] in _ROLES)
            middle = _initials(words, j + 1) > j + 1
            if not know.is_english(low) or (
                know.is_surname(low) and (not strict or cued or middle)
            ):
                cap[i] = cap[j] = True


def _cap_list(words: list[str], j: int, cap: list[bool], know: NameKnowledge) -> None:
    """Capitalise the names of a list after a plural rank: "ofcs. higgins and revis"."""
    taken = 0
    while j < len(words) and taken < 8:
        word = words[j]
        if word in {",", ".", "&", "and"}:
            j += 1
            continue
        if len(word) == 1 and word.isalpha() and j + 1 < len(words) and words[j + 1] == ".":
            cap[j] = True  # an initial: "ofcs. a. higgins and revis"
            j += 2
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
