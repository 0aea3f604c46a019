"""Tokens with character offsets, Snowball stems and clause boundaries.

Only NLTK parts that need no downloaded data are used (``word_tokenize`` and stop-word lists
raise LookupError offline): a :class:`~nltk.tokenize.RegexpTokenizer` whose ``span_tokenize``
gives exact offsets into the de-identified text, and the Snowball stemmer.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from nltk.stem.snowball import SnowballStemmer
from nltk.tokenize import RegexpTokenizer

# Words, "n't" split off its verb (did|n't), words joined by - or ', and single punctuation.
TOKEN_PATTERN = r"(?i:[a-z]+(?=n't\b)|n't\b)|\w+(?:['\-]\w+)*|[^\w\s]"
_TOKENIZER = RegexpTokenizer(TOKEN_PATTERN)
# RegexpTokenizer's own flags, so both give the same spans.
_SPAN_RE = re.compile(TOKEN_PATTERN, re.UNICODE | re.MULTILINE | re.DOTALL)
_STEMMER = SnowballStemmer("english")


# Snowball conflates words the lexicon must keep apart ("tired" -> "tire", as in a tyre).
STEM_OVERRIDES = {"tired": "tired", "tiredness": "tired", "tiring": "tired"}


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball stem of a lower-cased word (cached: narratives repeat their vocabulary)."""
    lower = word.lower()
    return STEM_OVERRIDES.get(lower) or _STEMMER.stem(lower)


@dataclass(frozen=True)
class Tokens:
    """A text's tokens: offsets, stems and, per token, whether a line break precedes it."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    stems: tuple[str, ...]
    breaks_before: tuple[bool, ...]

    def __len__(self) -> int:
        return len(self.stems)


def tokenize(text: str) -> Tokens:
    """Tokenize ``text`` keeping character offsets (Python string indices).

    The spans are exactly ``_TOKENIZER.span_tokenize(text)`` (a test holds them equal); the
    same pattern runs through :mod:`re` directly because NLTK's per-match ReDoS timeout
    wrapper made tokenizing 2.5x slower, and this pattern cannot backtrack catastrophically.
    """
    starts: list[int] = []
    ends: list[int] = []
    stems: list[str] = []
    for m in _SPAN_RE.finditer(text):
        starts.append(m.start())
        ends.append(m.end())
        stems.append(stem(m.group()))
    if "\n" in text:
        breaks = tuple(
            i > 0 and "\n" in text[ends[i - 1]:starts[i]] for i in range(len(starts))
        )
    else:
        breaks = (False,) * len(starts)
    return Tokens(text, tuple(starts), tuple(ends), tuple(stems), breaks)


def phrase_stems(phrase: str) -> tuple[str, ...]:
    """Stems of a lexicon phrase, tokenized exactly like narratives (``*`` stays a gap)."""
    return tuple("*" if tok == "*" else stem(tok) for tok in _TOKENIZER.tokenize(phrase))


def word_tokens(text: str) -> list[str]:
    """Lower-cased word tokens (no punctuation), for collocations and features."""
    return [t.lower() for t in _TOKENIZER.tokenize(text) if t[0].isalnum()]


def stem_tokens(text: str) -> list[str]:
    """Snowball stems of the word tokens of ``text``."""
    return [stem(t) for t in word_tokens(text)]
