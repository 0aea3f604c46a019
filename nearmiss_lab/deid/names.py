"""Offline name knowledge: US Census name lists and an English word list.

The ``names`` package ships the 1990 US Census first-name (male, female) and surname lists;
the spaCy model's lemmatizer ships WordNet's English word index. Together they answer the
question the NER model gets wrong most often on short police prose: "is this capitalised
word somebody's name?" A census name that is not also an English word ("Kowalski",
"Delgado") is strong evidence; a name that is also a word ("Rose", "Young", "Will") needs
another cue (a first name beside it, a rank before it).

Nothing is downloaded: both lists are package data already installed.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

# Nouns that follow "in", "to", "at" in police prose without naming a place.
POLICE_NOUNS = frozenset(
    """custody handcuffs cuffs uniform backup scene house car vehicle area neighborhood
    neighbourhood yard street road traffic court jail dispatch patrol records evidence property
    booking narcotics investigations headquarters training academy hospital school church
    store station office apartment apartments building parking lot alley residence bedroom
    kitchen garage basement field woods trailer motel hotel bar restaurant county city town
    state district precinct department unit division sector beat zone shift team squad
    english spanish french german chinese vietnamese arabic russian sign language mile
    miles marker milepost exit lane shoulder median ramp lesson lessons note step item
    detention pursuit service duty chase progress transit route traffic control charge
    question general part particular fact practice person writing""".split()
)
_BRANDS_AND_NAMES = frozenset(
    "smith wesson ford chevrolet dodge toyota honda nissan jeep tesla glock taser narcan "
    "miranda god lord king queen prince".split()
)
US_STATE_WORDS = frozenset(
    """alabama alaska arizona arkansas california colorado connecticut delaware florida georgia
    hawaii idaho illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts
    michigan minnesota mississippi missouri montana nebraska nevada ohio oklahoma oregon
    pennsylvania tennessee texas utah vermont virginia washington wisconsin wyoming""".split()
)
_INFLECTIONS = (
    ("ies", "y"),
    ("ied", "y"),
    ("ing", ""),
    ("ing", "e"),
    ("ed", ""),
    ("ed", "e"),
    ("es", ""),
    ("s", ""),
    ("er", ""),
    ("est", ""),
    ("ly", ""),
    ("'s", ""),
    ("’s", ""),
)


def _census_key(word: str) -> str:
    low = word.lower()
    if low.endswith(("'s", "’s")):
        low = low[:-2]  # a possessive is the name's ("driver's" is not "drivers")
    return low.replace("'", "").replace("’", "")


def _read_census(path: Path) -> frozenset[str]:
    # Lines look like "SMITH          1.006  1.006      1"; only the name is kept.
    with path.open(encoding="ascii") as handle:
        return frozenset(line.split(None, 1)[0].lower() for line in handle if line.strip())


@dataclass(frozen=True)
class NameKnowledge:
    """Lower-cased first names, surnames and English words."""

    first_names: frozenset[str]
    surnames: frozenset[str]
    english_words: frozenset[str]
    all_words: frozenset[str] = frozenset()
    common_words: frozenset[str] = frozenset()
    adjectives: frozenset[str] = frozenset()
    verbs: frozenset[str] = frozenset()

    def _inflected(self, low: str, words: frozenset[str]) -> bool:
        """True when ``low`` is a regular inflection of a word of ``words``.

        English morphology decides which endings fit which stem: a comparative is of an
        adjective ("faster", "longer"; "hunter", "asher" and "walker" are no inflections of
        hunt, ash and walk), and "-es" follows a sibilant or an "o" ("boxes", "goes"; not
        "keyes" or "bowles").
        """
        for suffix, repl in _INFLECTIONS:
            if not low.endswith(suffix) or len(low) <= len(suffix) + 2:
                continue
            stem = low[: -len(suffix)] + repl
            if stem not in words:
                continue
            if suffix in ("er", "est") and self.adjectives and stem not in self.adjectives:
                continue
            if suffix == "es" and not stem.endswith(("s", "x", "z", "ch", "sh", "o")):
                continue
            return True
        return False

    # The census writes "O'Neil" as "oneil".
    def is_first_name(self, word: str) -> bool:
        return _census_key(word) in self.first_names

    def is_surname(self, word: str) -> bool:
        return _census_key(word) in self.surnames

    def is_name(self, word: str) -> bool:
        low = _census_key(word)
        return low in self.first_names or low in self.surnames

    def is_verb(self, word: str) -> bool:
        """True for the base form of a verb ("transfer", "check"): after "to", an infinitive."""
        return word.lower() in self.verbs

    def is_common_word(self, word: str) -> bool:
        """True for a verb, adjective, adverb or function word (or an inflection of one), or a
        common noun of police work: words that follow "in" without being a place."""
        low = word.lower()
        if low in self.common_words or low in POLICE_NOUNS:
            return True
        return self._inflected(low, self.common_words)

    def is_word(self, word: str) -> bool:
        """True for any word of the lexicon, noun-only census names included ("price")."""
        low = word.lower()
        if low in self.all_words or self.is_english(word):
            return True
        # Inflected nouns: "threats", "driver's" (a census name that is a plural noun).
        return any(
            low.endswith(suffix) and low[: -len(suffix)] + repl in self.all_words
            for suffix, repl in _INFLECTIONS
            if len(low) > len(suffix) + 2
        )

    def is_english(self, word: str) -> bool:
        """True for an English word or a regular inflection of one ("worked", "stopped");
        a census name that is only a noun ("jones", "price") is not."""
        low = word.lower()
        words = self.english_words
        if low in words:
            return True
        if self._inflected(low, words):
            return True
        for suffix, repl in _INFLECTIONS:
            # A doubled final consonant: "stopped", "bigger".
            if low.endswith(suffix) and len(low) > len(suffix) + 2 and repl == "":
                stem = low[: -len(suffix)]
                if len(stem) > 2 and stem[-1] == stem[-2] and stem[:-1] in words:
                    if suffix in ("er", "est") and self.adjectives:
                        if stem[:-1] not in self.adjectives:
                            continue  # "ledder" is no comparative of "led"
                    return True
        return False


@functools.lru_cache(maxsize=1)
def census_names() -> tuple[frozenset[str], frozenset[str]]:
    """Return (first names, surnames) from the installed ``names`` package."""
    import names  # the package holds only data files and a tiny generator

    folder = Path(names.__file__).resolve().parent
    first = _read_census(folder / "dist.male.first") | _read_census(folder / "dist.female.first")
    return first, _read_census(folder / "dist.all.last")


def english_words_from(nlp: object) -> frozenset[str]:
    """English words of a loaded spaCy pipeline (see :func:`load_name_knowledge`)."""
    return _word_lists(nlp)[0]


def _word_lists(
    nlp: object,
) -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str], frozenset[str]]:
    """English words from a loaded spaCy pipeline's lemmatizer tables (WordNet index).

    Returns an empty set when the pipeline has no rule lemmatizer: then every census name
    counts as "not an English word", which errs towards redacting.
    """
    try:
        lookups = nlp.get_pipe("lemmatizer").lookups  # type: ignore[attr-defined]
        index = lookups.get_table("lemma_index")
    except (KeyError, AttributeError, ValueError):
        return frozenset(), frozenset(), frozenset(), frozenset(), frozenset()
    strings = getattr(getattr(nlp, "vocab", None), "strings", None)
    # The table is keyed by the hash of its POS name; looking a string up never adds it.
    adjective_key = strings["adj"] if strings is not None else None
    verb_key = strings["verb"] if strings is not None else None
    words: set[str] = set()
    nouns: set[str] = set()
    adjectives: set[str] = set()
    verbs: set[str] = set()
    for key in index:
        pos = strings[key] if strings is not None and key in strings else ""
        entries = {w.lower() for w in index[key] if w.isalpha()}
        (nouns if pos == "noun" else words).update(entries)
        if key == adjective_key:
            adjectives.update(entries)
        if key == verb_key:
            verbs.update(entries)
    # WordNet's noun index holds proper nouns too ("jones", "alabama", "lincoln"). A census
    # name or a US state that is only a noun is taken for a name; one that is also a verb,
    # adjective or adverb ("young", "brown", "will") stays an English word.
    common = set(words)
    first, last = census_names()
    words.update(nouns - first - last - US_STATE_WORDS)
    # Place, institution and function words stay English even when they are census names.
    # spaCy's stop words hold function words WordNet lacks ("how", "himself", "whether").
    from spacy.lang.en.stop_words import STOP_WORDS as FUNCTION_WORDS

    from nearmiss_lab.deid.lexicon import NOT_NAMES, STOP_WORDS

    function_words = {w for w in FUNCTION_WORDS if w.isalpha()}
    # Nouns of police work are words, never names, in a report ("Car 214", "Field notes").
    words.update((NOT_NAMES | STOP_WORDS | function_words | POLICE_NOUNS) - _BRANDS_AND_NAMES)
    common.update(STOP_WORDS | function_words)
    try:  # irregular forms: "went", "gave", "fought", "children"
        exceptions = lookups.get_table("lemma_exc")
        for key in exceptions:
            forms = {w.lower() for w in exceptions[key] if w.isalpha()}
            words.update(forms)
            common.update(forms)
    except (KeyError, ValueError):
        pass
    return (
        frozenset(words),
        frozenset(words | nouns),
        frozenset(common),
        frozenset(adjectives),
        frozenset(verbs),
    )


def load_name_knowledge(nlp: object) -> NameKnowledge:
    """Build the name knowledge for a loaded spaCy pipeline."""
    first, last = census_names()
    english, every, common, adjectives, verbs = _word_lists(nlp)
    return NameKnowledge(
        first_names=first,
        surnames=last,
        english_words=english,
        all_words=every,
        common_words=common,
        adjectives=adjectives,
        verbs=verbs,
    )
