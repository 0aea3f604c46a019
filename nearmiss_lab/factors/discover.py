"""Discovery aid: frequent phrases of a period's narratives that the lexicon does not cover.

NLTK collocation finders over de-identified narratives, scored two ways: Dunning's
log-likelihood ratio (frequent, reliably associated phrases) and PMI with a frequency floor
(PMI alone favours one-off rarities). Stop words (scikit-learn's English list, as NLTK's needs a
download), numbers and de-identification placeholders are left out, and so is any phrase in
which the lexicon already finds a cue. Analysts read the list to extend the lexicon.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from nltk.collocations import (
    BigramAssocMeasures,
    BigramCollocationFinder,
    TrigramAssocMeasures,
    TrigramCollocationFinder,
)
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from nearmiss_lab.factors.lexicon import Lexicon, load_lexicon
from nearmiss_lab.factors.text import stem, word_tokens

_PLACEHOLDER = re.compile(r"^[a-z]+-\d+$")  # "person-1" from "[PERSON-1]"


def _keep(word: str) -> bool:
    return (len(word) > 2 and word.isalpha() and word not in ENGLISH_STOP_WORDS
            and not _PLACEHOLDER.match(word))


def _covered(words: tuple[str, ...], lexicon: Lexicon) -> bool:
    stems = tuple(stem(w) for w in words)
    for phrases in lexicon.by_code.values():
        for p in phrases:
            n = len(p.stems)
            if "*" in p.stems or n > len(stems):
                continue
            if any(stems[i:i + n] == p.stems for i in range(len(stems) - n + 1)):
                return True
    return False


def discover_phrases(
    texts: Iterable[str],
    *,
    top: int = 25,
    min_freq: int = 5,
    lexicon: Lexicon | None = None,
) -> dict[str, list[dict[str, object]]]:
    """Uncovered collocations of ``texts``.

    Parameters
    ----------
    texts : iterable of str
        De-identified narratives (and lessons learned) of a period.
    top : int
        Phrases listed per measure.
    min_freq : int
        Frequency floor applied before scoring (both measures).
    lexicon : Lexicon, optional
        Lexicon whose cues count as covered (the shipped one by default).

    Returns
    -------
    dict
        ``bigrams_llr``, ``bigrams_pmi``, ``trigrams_llr``: lists of ``{phrase, count, score}``.
    """
    lex = lexicon or load_lexicon()
    docs = [word_tokens(t) for t in texts if t]
    out: dict[str, list[dict[str, object]]] = {}
    bi = BigramCollocationFinder.from_documents(docs)
    bi.apply_freq_filter(min_freq)
    bi.apply_word_filter(lambda w: not _keep(w))
    tri = TrigramCollocationFinder.from_documents(docs)
    tri.apply_freq_filter(min_freq)
    tri.apply_word_filter(lambda w: not _keep(w))
    jobs = (
        ("bigrams_llr", bi, BigramAssocMeasures.likelihood_ratio),
        ("bigrams_pmi", bi, BigramAssocMeasures.pmi),
        ("trigrams_llr", tri, TrigramAssocMeasures.likelihood_ratio),
    )
    for key, finder, measure in jobs:
        rows = []
        for gram, value in finder.score_ngrams(measure):
            if _covered(gram, lex):
                continue
            rows.append({"phrase": " ".join(gram), "count": int(finder.ngram_fd[gram]),
                         "score": round(float(value), 3)})
            if len(rows) >= top:
                break
        out[key] = rows
    return out
