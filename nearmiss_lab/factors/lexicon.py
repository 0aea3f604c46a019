"""The factor lexicon: a versioned data file mapping taxonomy codes to phrases.

The file (``lexicon-<version>.json`` beside this module) is data, not code: analysts extend it
(``nearmiss factors-discover`` lists frequent phrases it does not cover yet). Phrases are
compiled to Snowball-stem sequences once; ``*`` is a gap of up to :data:`MAX_GAP` tokens.
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from nearmiss_lab.factors.text import Tokens, phrase_stems, stem

LEXICON_VERSION = "1.0.0"
MAX_GAP = 3
_HERE = Path(__file__).resolve().parent


class LexiconError(ValueError):
    """The lexicon file is missing, malformed or names codes the taxonomy does not have."""


@dataclass(frozen=True)
class Phrase:
    """One compiled lexicon phrase."""

    code: str
    text: str
    stems: tuple[str, ...]
    weight: float
    topic: bool  # the factor is signalled even when negated ("no communication")


_Item = tuple[int, tuple[str, ...], object, bool]  # (lexicon order, stems, payload, gapped)


class PhraseSet:
    """Stem sequences, matched at every token position.

    Indexed by first stem, and for phrases of two or more tokens by their first two stems, so
    a token such as "was" or "in", which starts dozens of phrases, costs one lookup of the
    (token, next token) pair instead of a comparison per phrase.
    """

    def __init__(self, items: Iterable[tuple[tuple[str, ...], object]]):
        self._by_first: dict[str, list[_Item]] = defaultdict(list)
        self._single: dict[str, list[_Item]] = defaultdict(list)
        self._by_pair: dict[tuple[str, str], list[_Item]] = defaultdict(list)
        self._gapped: dict[str, list[_Item]] = defaultdict(list)  # "x * y": gap second
        for order, (stems, payload) in enumerate(items):
            if not stems:
                continue
            item = (order, stems, payload, "*" in stems)
            self._by_first[stems[0]].append(item)
            if len(stems) == 1:
                self._single[stems[0]].append(item)
            elif stems[1] == "*":
                self._gapped[stems[0]].append(item)
            else:
                self._by_pair[(stems[0], stems[1])].append(item)

    def items(self) -> list[tuple[tuple[str, ...], object]]:
        """(stems, payload) of every item, in the order given."""
        every = sorted(i for items in self._by_first.values() for i in items)
        return [(stems, payload) for _order, stems, payload, _gapped in every]

    def match_at(self, tokens: Tokens, i: int, stop: int) -> list[tuple[int, object]]:
        """Every (end index, payload) of an item matching from token ``i`` before ``stop``,
        in the order the items were given."""
        return [(end, payload) for _start, end, payload in self.spans_at(tokens.stems, i, stop)]

    def spans_at(self, seq: tuple[str, ...], i: int,
                 stop: int) -> list[tuple[int, int, object]]:
        """Every (start, end, payload) of an item matching stems ``seq`` from ``i`` before
        ``stop``, in the order the items were given."""
        first = seq[i]
        hits: list[tuple[int, int, int, object]] = []
        if i < stop:
            for order, _stems, payload, _gapped in self._single.get(first, ()):
                hits.append((order, i, i + 1, payload))
        if i + 1 < stop:
            for order, stems, payload, gapped in self._by_pair.get((first, seq[i + 1]), ()):
                end = _match(seq, stems, i, stop) if gapped else _match_exact(seq, stems, i,
                                                                              stop)
                if end is not None:
                    hits.append((order, i, end, payload))
        for order, stems, payload, _gapped in self._gapped.get(first, ()):
            end = _match(seq, stems, i, stop)
            if end is not None:
                hits.append((order, i, end, payload))
        if len(hits) > 1:
            hits.sort(key=lambda h: h[0])
        return [(start, end, payload) for _order, start, end, payload in hits]

    def starts(self) -> frozenset[str]:
        """First stems of the items: only tokens with one of these can start a match."""
        return frozenset(self._by_first)

    def find(self, tokens: Tokens, lo: int, hi: int) -> list[tuple[int, int, object]]:
        """Every (start, end, payload) fully inside tokens ``[lo, hi)``."""
        found: list[tuple[int, int, object]] = []
        seq, first = tokens.stems, self._by_first
        hi = min(hi, len(tokens))
        for i in range(max(lo, 0), hi):
            if seq[i] in first:  # most tokens start nothing: one set lookup each
                found.extend(self.spans_at(seq, i, hi))
        return found


def _match_exact(seq: tuple[str, ...], pattern: tuple[str, ...], i: int,
                 stop: int) -> int | None:
    """End index of a gap-free ``pattern`` at ``seq[i]``, else None."""
    end = i + len(pattern)
    return end if end <= stop and seq[i:end] == pattern else None


def _match(seq: tuple[str, ...], pattern: tuple[str, ...], i: int, stop: int) -> int | None:
    """End index of ``pattern`` matched at ``seq[i]`` (shortest gaps first), else None."""
    if not pattern:
        return i
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        for skip in range(MAX_GAP + 1):
            end = _match(seq, rest, i + skip, stop)
            if end is not None:
                return end
        return None
    if i >= stop or seq[i] != head:
        return None
    return _match(seq, rest, i + 1, stop)


@dataclass
class Lexicon:
    """Compiled lexicon: phrases per code plus negation and hypothetical cue lists."""

    version: str
    taxonomy_version: str
    phrases: PhraseSet
    by_code: dict[str, list[Phrase]]
    counterfactual: frozenset[str]
    negation_before: PhraseSet
    negation_after: PhraseSet
    non_issue: PhraseSet
    pseudo_negation: PhraseSet
    condition: PhraseSet
    condition_at_start: PhraseSet
    consequence: PhraseSet
    hypothetical_terminators: frozenset[str]
    scope_terminators: frozenset[str]
    window: int
    strong: float
    weak: float
    assert_at: float
    raw: dict = field(repr=False, default_factory=dict)

    @property
    def codes(self) -> list[str]:
        return sorted(self.by_code)

    @functools.cached_property
    def _cue_index(self) -> PhraseSet:
        # Every cue list in one index, so a text is scanned once instead of once per list.
        kinds = ("negation_before", "negation_after", "non_issue", "pseudo_negation",
                 "condition", "condition_at_start", "consequence")
        return PhraseSet((stems, (kind, payload))
                         for kind in kinds for stems, payload in getattr(self, kind).items())

    def find_cues(self, tokens: Tokens) -> dict[str, list[tuple[int, int, object]]]:
        """Every negation and hypothetical cue in ``tokens``, by list name (the attribute
        names: ``negation_before``, ``condition`` ...), each as (start, end, phrase)."""
        found: dict[str, list[tuple[int, int, object]]] = defaultdict(list)
        for start, end, tagged in self._cue_index.find(tokens, 0, len(tokens)):
            kind, payload = cast(tuple[str, object], tagged)
            found[kind].append((start, end, payload))
        return found


def _cues(words: Iterable[str]) -> PhraseSet:
    return PhraseSet((phrase_stems(w), w) for w in words)


def lexicon_path(version: str = LEXICON_VERSION) -> Path:
    """Path of the shipped lexicon file of ``version``."""
    return _HERE / f"lexicon-{version}.json"


def parse_lexicon(data: dict, *, known_codes: Iterable[str] | None = None) -> Lexicon:
    """Compile lexicon data; raise :class:`LexiconError` for codes outside ``known_codes``."""
    try:
        codes = data["codes"]
        weights = data["weights"]
        neg = data["negation"]
        hyp = data["hypothetical"]
    except KeyError as exc:
        raise LexiconError(f"lexicon lacks the {exc.args[0]!r} section") from None
    if known_codes is not None:
        unknown = sorted(set(codes) - set(known_codes))
        if unknown:
            raise LexiconError(f"lexicon names codes the taxonomy lacks: {', '.join(unknown)}")
    by_code: dict[str, list[Phrase]] = {}
    for code, entry in codes.items():
        # Inflections share stems ("weapon", "weapons"): one phrase per stem sequence, so a
        # code's score counts distinct cues, not spellings.
        compiled: dict[tuple[str, ...], Phrase] = {}
        for kind in ("phrases", "topics"):
            for text in entry.get(kind, []):
                weak = text.startswith("~")
                clean = text.lstrip("~")
                stems = phrase_stems(clean)
                weight = weights["weak"] if weak else weights["strong"]
                prior = compiled.get(stems)
                if prior is not None:
                    weight = max(weight, prior.weight)
                    clean = prior.text
                compiled[stems] = Phrase(code, clean, stems, weight,
                                         kind == "topics" or bool(prior and prior.topic))
        by_code[code] = list(compiled.values())
    return Lexicon(
        version=data.get("lexicon_version", "?"),
        taxonomy_version=data.get("taxonomy_version", "?"),
        phrases=PhraseSet((p.stems, p) for ps in by_code.values() for p in ps),
        by_code=by_code,
        counterfactual=frozenset(c for c, e in codes.items() if e.get("counterfactual")),
        negation_before=_cues(neg["before"]),
        negation_after=_cues(neg["after"]),
        non_issue=_cues(neg["non_issue"]),
        pseudo_negation=_cues(neg.get("pseudo", [])),
        condition=_cues(hyp["condition"]),
        condition_at_start=_cues(hyp.get("condition_at_clause_start", [])),
        consequence=_cues(hyp["consequence"]),
        hypothetical_terminators=frozenset(stem(t) for t in hyp["terminators"]),
        scope_terminators=frozenset(stem(t) for t in data["scope_terminators"]),
        window=int(neg.get("window", 5)),
        strong=float(weights["strong"]),
        weak=float(weights["weak"]),
        assert_at=float(weights["assert_at"]),
        raw=data,
    )


@functools.lru_cache(maxsize=4)
def load_lexicon(version: str = LEXICON_VERSION, path: str | None = None) -> Lexicon:
    """Load and compile the shipped lexicon (or the file at ``path``), checked against the
    taxonomy its ``taxonomy_version`` names."""
    file = Path(path) if path else lexicon_path(version)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LexiconError(f"lexicon file not found: {file}") from None
    except json.JSONDecodeError as exc:
        raise LexiconError(f"lexicon file is not valid JSON (line {exc.lineno})") from None
    from nearmiss_lab.spec import load_taxonomy

    taxonomy = load_taxonomy(data.get("taxonomy_version"))
    return parse_lexicon(data, known_codes=taxonomy.codes)
