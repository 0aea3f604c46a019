"""Offline US place knowledge: the city, other accepted city names and county of every ZIP code.

The ``zipcodes`` package (MIT licence) embeds the US ZIP code list with each code's city,
``acceptable_cities`` and county: about 18,800 distinct city names and 2,000 counties. Many
towns are ordinary English words ("Auburn", "Hope", "Broken Arrow", "Liberal"); in a text with
capitals the author's capital says "name", but an ALL-CAPS or capital-less report has none.
The gazetteer answers the one question the re-casing rules (``truecase.py``) and the address
growth (``context.py``) cannot: "is this ordinary word, *where a place is expected*, a town?"

It is never matched against a text as a word list: the callers ask only at the positions of
a place (after a locative preposition at the end of a clause, after an address and a comma,
before a state), and only in re-cased text. Loaded once per process, on first use, from the
installed package; nothing is downloaded.
"""

from __future__ import annotations

import functools
import gc
import re
from collections.abc import Sequence
from dataclasses import dataclass

from nearmiss_lab.deid.lexicon import NOT_NAMES, STOP_WORDS, is_jargon
from nearmiss_lab.deid.names import POLICE_NOUNS

# Tokens as the re-casing splits them: "port st. lucie" -> port, st, ., lucie (names in the
# gazetteer and the text they are looked up in are cut the same way).
_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?|[^\w\s]")
# County-level units whose kind word is dropped: "Seminole County" -> "seminole".
_COUNTY_KINDS = re.compile(
    r"\s+(?:county|parish|city and borough|borough|census area|municipality|municipio|city)$"
)
# Reports abbreviate these words of a place's name ("Port St. Lucie", "Ft Worth", "Mt. Airy").
_ABBREVIATED = {
    "saint": ("st", "st ."),
    "sainte": ("ste", "ste ."),
    "fort": ("ft", "ft ."),
    "mount": ("mt", "mt ."),
}
_LONG_FORM = {short: long for long, shorts in _ABBREVIATED.items() for short in shorts}
_ABBREVIABLE = frozenset(_ABBREVIATED) | frozenset(_LONG_FORM)
_PLAIN = re.compile(r"[a-z]+(?: [a-z]+)*")
_NOT_A_PLACE = re.compile(r"[\d&/@]")
_NUMBER_WORDS = frozenset(
    """one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty
    sixty seventy eighty ninety hundred""".split()
)

# Words that follow a preposition and end a clause without naming a place, although a town
# has that name: what people wear or what the weather did ("dressed in black.", "out in the
# snow"), idioms of police prose ("remains at large.", "met in person.", "out of range.").
COLOURS = frozenset(
    """black white blue red green orange yellow brown gray grey pink purple violet tan silver
    gold golden khaki navy maroon olive ivory cream beige camo camouflage plaid denim leather
    scarlet crimson amber ruby""".split()
)
WEATHER = frozenset(
    """rain rains snow hail sleet fog frost ice wind winds storm thunder lightning sun sunshine
    heat cold cloud clouds mist dawn dusk twilight sunrise sunset daylight darkness night
    winter summer spring fall""".split()
)
IDIOM_NOUNS = frozenset(
    """large home hand person range shock tow check cash force power love time place line order
    advance reserve speed will issue best last least first once length stock turn play light
    normal view sight touch flight motion position peace war bed work ground cover shade
    public private standard common full short stop start bloom gas""".split()
)


# States may stay in the output (DESIGN: place -> state); after a town they confirm it.
US_STATES = frozenset(
    tuple(state.split())
    for state in """alabama|alaska|arizona|arkansas|california|colorado|connecticut|delaware|
    florida|georgia|hawaii|idaho|illinois|indiana|iowa|kansas|kentucky|louisiana|maine|maryland|
    massachusetts|michigan|minnesota|mississippi|missouri|montana|nebraska|nevada|new hampshire|
    new jersey|new mexico|new york|north carolina|north dakota|ohio|oklahoma|oregon|pennsylvania|
    rhode island|south carolina|south dakota|tennessee|texas|utah|vermont|virginia|washington|
    west virginia|wisconsin|wyoming|puerto rico""".replace("\n", "").split("|")
)
STATE_CODES = frozenset(
    """al ak az ar ca co ct de dc fl ga hi id il in ia ks ky la me md ma mi mn ms mo mt ne nv nh
    nj nm ny nc nd oh ok or pa ri sc sd tn tx ut vt va wa wv wi wy pr""".split()
)
# Codes that are also words ("in", "or", "me", "ok", "hi"): a state only where the clause ends.
WORD_CODES = frozenset("al co de hi id in la ma me mo ms oh ok or pa".split())
_TOKEN_GAP = re.compile(r"[ \t]?")


def state_length(words: Sequence[str], j: int) -> int:
    """Tokens of the US state name or code at ``words[j]`` (lower case), or 0; a code that is
    also a word ("in", "or") only before the end of a clause or a ZIP code."""
    if j >= len(words):
        return 0
    for n in (2, 1):
        if j + n <= len(words) and tuple(words[j : j + n]) in US_STATES:
            return n
    code = words[j]
    if code not in STATE_CODES:
        return 0
    if code in WORD_CODES:
        after = words[j + 1] if j + 1 < len(words) else ""
        if after and after not in (".", ",", ";", ":", "!", "?", ")") and not after.isdigit():
            return 0
    return 1


def _tokens(name: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(name.lower()))


def _variants(tokens: tuple[str, ...]) -> set[tuple[str, ...]]:
    """The name with "saint", "fort", "mount" spelled out and abbreviated, with or without dot."""
    forms: list[tuple[str, ...]] = [()]
    i = 0
    while i < len(tokens):
        word = tokens[i]
        if word in _LONG_FORM or (word + " .") in _LONG_FORM:
            dotted = i + 1 < len(tokens) and tokens[i + 1] == "."
            long = _LONG_FORM.get(word) or _LONG_FORM[word + " ."]
            i += 2 if dotted else 1
        elif word in _ABBREVIATED:
            long = word
            i += 1
        else:
            forms = [f + (word,) for f in forms]
            i += 1
            continue
        spellings = [(long,)] + [tuple(s.split()) for s in _ABBREVIATED[long]]
        forms = [f + s for f in forms for s in spellings]
    return set(forms)


@dataclass(frozen=True)
class Gazetteer:
    """Lower-case US place names as token tuples ("broken", "arrow"), with their longest length."""

    names: frozenset[tuple[str, ...]]
    longest: int
    function_words: frozenset[str] = frozenset()

    def length_at(self, words: Sequence[str], i: int) -> int:
        """Tokens of the longest place name that starts at ``words[i]`` (lower case), or 0."""
        for n in range(min(self.longest, len(words) - i), 0, -1):
            if tuple(words[i : i + n]) in self.names:
                return n
        return 0

    def place_end(self, text: str, pos: int) -> int | None:
        """End offset of the place name :meth:`place_at` accepts at ``text[pos:]``, or None.

        The name's words are separated by single spaces or stand beside punctuation
        ("port st. lucie", "winston-salem").
        """
        tokens: list[re.Match[str]] = []
        at = pos
        while len(tokens) < self.longest:
            m = _TOKEN.match(text, at)
            if m is None:
                break
            tokens.append(m)
            gap = _TOKEN_GAP.match(text, m.end())
            at = gap.end() if gap else m.end()
        n = self.place_at([t.group().lower() for t in tokens], 0)
        return tokens[n - 1].end() if n else None

    def place_at(self, words: Sequence[str], i: int) -> int:
        """Like :meth:`length_at`, refusing names that, after a preposition, are as often a
        word of the sentence: a single word that is a function word, a police noun, a place
        or rank word, shorthand, a colour, a weather word or an idiom's noun ("in black",
        "in custody", "at large"), and a longer name that starts with a function word or is
        made of police nouns only ("the rock", "county line")."""
        n = self.length_at(words, i)
        if not n:
            return 0
        name = [w for w in words[i : i + n] if w != "."]
        if n == 1:
            word = name[0]
            refused = (
                word in STOP_WORDS
                or word in self.function_words
                or word in POLICE_NOUNS
                or word in NOT_NAMES
                or word in COLOURS
                or word in WEATHER
                or word in IDIOM_NOUNS
                or is_jargon(word)
            )
            return 0 if refused else 1
        if name[0] in STOP_WORDS or name[0] in self.function_words:
            return 0
        if all(w in POLICE_NOUNS or w in STOP_WORDS or w in NOT_NAMES for w in name):
            return 0
        return n


@functools.lru_cache(maxsize=1)
def us_places() -> Gazetteer:
    """Return the process's US place gazetteer, read from the ``zipcodes`` package once.

    Names of cities, their other accepted city names and counties without their kind word
    ("Seminole County" -> "seminole"), lower case; "Saint", "Fort" and "Mount" also in their
    abbreviated forms. Names holding a number ("29 Palms", "Six Mile") are left out.
    """
    import zipcodes  # an offline, embedded data set; the first query decompresses it
    from spacy.lang.en.stop_words import STOP_WORDS as FUNCTION_WORDS

    # Building 42,000 small dicts and 30,000 tuples triggers the cyclic garbage collector
    # again and again (none of them is garbage): paused, the load takes a third of the time.
    paused = gc.isenabled()
    gc.disable()
    try:
        cities: set[str] = set()
        counties: set[str] = set()
        # filter_by() without filters: every ZIP code as fresh dicts that are dropped after
        # this loop (list_all() would keep all 42,000 in the module for good, and the
        # garbage collector would walk them for the rest of the process).
        for entry in zipcodes.filter_by():
            cities.add(entry["city"])
            cities.update(entry["acceptable_cities"])
            counties.add(entry["county"] or "")
        raw = {c.lower() for c in cities}
        raw.update(_COUNTY_KINDS.sub("", c.lower()) for c in counties if c)
        names: set[tuple[str, ...]] = set()
        for name in raw:
            if _PLAIN.fullmatch(name):
                tokens = tuple(name.split())  # most names: letters and single spaces
            elif _NOT_A_PLACE.search(name):
                continue  # "115 Firms", "At&t", "Time/Life": mail stops, not places
            else:
                tokens = _tokens(name)
            if not tokens or not _NUMBER_WORDS.isdisjoint(tokens):
                continue
            if _ABBREVIABLE.isdisjoint(tokens):
                names.add(tokens)
            else:
                names.update(_variants(tokens))
    finally:
        if paused:
            gc.enable()
    return Gazetteer(
        frozenset(names),
        max(len(n) for n in names),
        frozenset(w for w in FUNCTION_WORDS if w.isalpha()),
    )
