"""Lexicon extraction with negation, hypotheticals and evidence offsets.

For each de-identified text field, phrases of the lexicon are found on Snowball stems inside
clauses (split at sentence punctuation, line breaks and contrast words such as "but"). A match is
then *cancelled* when

- a negation cue precedes it within the window ("no weapon was found", "without a knife") or
  follows it ("the gun was not found") -- unless the phrase is a *topic* whose absence is the
  factor itself ("there was no communication"); look-alike cues such as "did not see" are not
  negations ("I did not see the knife": the knife was there);
- a "not an issue" cue is near ("radio traffic was not a problem"), whatever the phrase kind;
- it lies in a hypothetical: a condition ("if he had a gun", "had he not braked, ...") up to the
  next comma or clause end, or a "would/could have" consequence -- except for codes whose
  definition covers near misses (``counterfactual`` in the lexicon: "would have struck me" is
  a near strike). A negation inside a condition does not reach past it;
- a subject-threat phrase follows "my" or "our" ("my pistol jammed" is the officer's gun).

A match lying inside a longer match of any code is dropped first: one stretch of text supports
one reading ("radio" inside "no radio contact"). A code is asserted when its asserted matches
(distinct phrases) weigh at least ``assert_at`` (one strong cue or two weak ones). Only the
narrative is read by default: lessons learned are advice, not an account of what happened.
Every decision is kept for :meth:`LexiconExtractor.explain`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from nearmiss_lab.factors.lexicon import Lexicon, Phrase, load_lexicon
from nearmiss_lab.factors.text import Tokens, tokenize

TEXT_FIELDS = ("narrative", "lessons_learned")
#: Fields the extractor reads by default: the account of what happened. Lessons learned are
#: advice ("always wait for backup"), so a factor named there did not necessarily happen.
DESCRIPTIVE_FIELDS = ("narrative",)
#: A subject-threat phrase right after these is the officer's own kit ("my rifle was locked in
#: the rack"), not a threat.
OWNER_STEMS = frozenset({"my", "our"})


@dataclass(frozen=True)
class Match:
    """One phrase found in one field, with what became of it."""

    code: str
    field: str
    start: int
    end: int
    phrase: str
    weight: float
    status: str  # asserted | negated | hypothetical | non_issue | own_equipment
    clause: int = 0  # token index where the match's clause starts (groups matches by clause)

    def evidence(self) -> dict[str, object]:
        """The schema's evidence item: field and character offsets."""
        return {"field": self.field, "start": self.start, "end": self.end}


@dataclass
class Extraction:
    """A code the lexicon asserts, its score, confidence and the matches behind it."""

    code: str
    score: float
    confidence: float
    evidence: list[Match] = field(default_factory=list)

    def to_factor(self, max_evidence: int = 32) -> dict[str, object]:
        """The incident schema's factor object (source ``extracted``)."""
        return {
            "code": self.code,
            "source": "extracted",
            "confidence": self.confidence,
            "evidence": [m.evidence() for m in self.evidence[:max_evidence]],
        }


def _clauses(tokens: Tokens, terminators: frozenset[str]) -> tuple[list[int], list[int]]:
    """Per token, the start and (exclusive) end index of its clause."""
    n = len(tokens)
    starts = [0] * n
    begin = 0
    for i in range(n):
        if tokens.breaks_before[i]:
            begin = i
        starts[i] = begin
        if tokens.stems[i] in terminators:
            begin = i + 1
    ends = [n] * n
    end = n
    for i in range(n - 1, -1, -1):
        if i + 1 < n and (tokens.breaks_before[i + 1] or tokens.stems[i] in terminators):
            end = i + 1
        ends[i] = end
    return starts, ends


class LexiconExtractor:
    """Find taxonomy codes in text with the lexicon.

    Parameters
    ----------
    lexicon : Lexicon, optional
        Compiled lexicon; the shipped one by default.
    fields : sequence of str
        Text fields read by :meth:`explain` and :meth:`extract`: the narrative by default.
        Lessons learned are advice ("always wait for backup" does not say backup was missing),
        so they are read only when named here.

    Examples
    --------
    >>> ex = LexiconExtractor()
    >>> [e.code for e in ex.extract({"narrative": "He pulled a knife from his waistband."})]
    ['THREAT.EDGED_WEAPON']
    >>> ex.extract({"narrative": "No weapon was found on him."})
    []
    """

    def __init__(self, lexicon: Lexicon | None = None, *,
                 fields: Sequence[str] = DESCRIPTIVE_FIELDS):
        self.lexicon = lexicon or load_lexicon()
        self.fields = tuple(fields)
        self._phrase_starts = self.lexicon.phrases.starts()

    # -- matching ---------------------------------------------------------------------------
    def matches(self, text: str, field_name: str = "narrative", *,
                one_reading: bool = True) -> list[Match]:
        """Every lexicon match in ``text`` with its status (asserted or why cancelled).

        ``one_reading=False`` keeps a match inside a longer match of another code (each code's
        own longest match still wins): every reading the lexicon sees, as features.
        """
        lex = self.lexicon
        tokens = tokenize(text)
        n = len(tokens)
        if n == 0:
            return []
        c_start, c_end = _clauses(tokens, lex.scope_terminators)
        cues = lex.find_cues(tokens)
        pseudo = {s for s, _e, _p in cues["pseudo_negation"]}
        negs_before = [(s, e) for s, e, _ in cues["negation_before"] if s not in pseudo]
        negs_after = [(s, e) for s, e, _ in cues["negation_after"]]
        non_issue = [(s, e) for s, e, _ in cues["non_issue"]]
        conditions = self._scopes(tokens, cues["condition"], c_end)
        conditions += self._scopes(
            tokens,
            [(s, e, p) for s, e, p in cues["condition_at_start"]
             if s == c_start[s] or (s > 0 and tokens.stems[s - 1] == ",")],
            c_end,
        )
        consequences = self._scopes(tokens, cues["consequence"], c_end)

        raw: list[tuple[int, int, Phrase]] = []
        first, seq = self._phrase_starts, tokens.stems
        for i, token_stem in enumerate(seq):
            if token_stem in first:
                raw.extend(lex.phrases.spans_at(seq, i, c_end[i]))  # type: ignore[arg-type]
        if not raw:
            return []
        raw = _one_code_per_phrase(raw) if one_reading else _longest_per_code(raw)

        out = []
        window = lex.window
        for s, e, phrase in raw:
            lo, hi = c_start[s], c_end[s]

            def in_scope(a: int, b: int, scopes: list[tuple[int, int]]) -> bool:
                return any(x <= a and b <= y for x, y in scopes)

            status = "asserted"
            if phrase.code.startswith("THREAT.") and s > 0 and seq[s - 1] in OWNER_STEMS:
                status = "own_equipment"  # "my pistol jammed": the officer's gun, no threat
            elif any(lo <= ns and ne <= s and s - ne <= window for ns, ne in non_issue) or any(
                e <= ns < hi and ns - e <= window for ns, _ne in non_issue
            ):
                status = "non_issue"
            elif in_scope(s, e, conditions) or (
                phrase.code not in lex.counterfactual and in_scope(s, e, consequences)
            ):
                status = "hypothetical"
            elif not phrase.topic:
                before = [
                    (ns, ne) for ns, ne in negs_before
                    if lo <= ns and ne <= s and s - ne <= window
                    # a negation inside a condition ("had he not braked") stays inside it
                    and not any(x <= ns < y and not (x <= s < y) for x, y in conditions)
                ]
                after = [(ns, ne) for ns, ne in negs_after if e <= ns < hi and ns - e <= window]
                if before or after:
                    status = "negated"
            out.append(Match(phrase.code, field_name, tokens.starts[s], tokens.ends[e - 1],
                             phrase.text, phrase.weight, status, lo))
        return out

    @staticmethod
    def _scopes(tokens: Tokens, found, c_end: list[int]) -> list[tuple[int, int]]:
        # A hypothetical runs from its cue to the next comma/"then" or the clause end.
        scopes = []
        for s, e, _ in found:
            stop = c_end[s]
            for j in range(e, stop):
                if tokens.stems[j] in {",", ";", "then"}:
                    stop = j
                    break
            scopes.append((s, stop))
        return scopes

    # -- aggregation ------------------------------------------------------------------------
    def explain(self, texts: Mapping[str, str], *, one_reading: bool = True) -> list[Match]:
        """All matches over the text fields, asserted and cancelled, in text order."""
        found: list[Match] = []
        for name in self.fields:
            text = texts.get(name) or ""
            if text:
                found.extend(self.matches(text, name, one_reading=one_reading))
        return found

    def extract(self, texts: Mapping[str, str]) -> list[Extraction]:
        """Codes asserted by the lexicon in ``texts`` (``narrative``, ``lessons_learned``),
        strongest first."""
        return self.aggregate(self.explain(texts))

    def aggregate(self, matches: Iterable[Match]) -> list[Extraction]:
        """Codes whose asserted ``matches`` (over all of a record's fields) reach the
        threshold, strongest first."""
        by_code: dict[str, list[Match]] = {}
        for m in matches:
            if m.status == "asserted":
                by_code.setdefault(m.code, []).append(m)
        out = []
        for code, ms in by_code.items():
            distinct: dict[str, float] = {}
            for m in ms:
                distinct[m.phrase] = max(distinct.get(m.phrase, 0.0), m.weight)
            score = sum(distinct.values())
            if score + 1e-9 >= self.lexicon.assert_at:
                confidence = round(1.0 - math.exp(-1.5 * score), 3)
                out.append(Extraction(code, score, confidence, ms))
        return sorted(out, key=lambda x: (-x.score, x.code))

    def scores(self, texts: Mapping[str, str]) -> dict[str, float]:
        """Asserted weight per code (below the threshold too): features for the supervised
        component. Every reading counts here ("radio" inside "no radio contact" weighs for the
        radio codes too): the model learns from the agencies' coding which reading matters,
        and these are the inputs its settings were chosen with (README choices)."""
        totals: dict[str, dict[str, float]] = {}
        for m in self.explain(texts, one_reading=False):
            if m.status == "asserted":
                d = totals.setdefault(m.code, {})
                d[m.phrase] = max(d.get(m.phrase, 0.0), m.weight)
        return {code: sum(d.values()) for code, d in totals.items()}


def _one_code_per_phrase(raw: list[tuple[int, int, Phrase]]) -> list[tuple[int, int, Phrase]]:
    """One stretch of text is evidence for one reading of it: a match lying inside a longer
    match is dropped, whatever its code, because the longer phrase says what the words meant
    ("radio" inside "no radio contact", "out of nowhere" inside "came out of nowhere",
    "breakdown" inside "breakdown in communication"). A phrase the lexicon lists under several
    codes keeps them all ("carbon monoxide" is a hazard and an exposure)."""
    return [
        (s, e, p) for s, e, p in raw
        if not any(s2 <= s and e <= e2 and (e2 - s2) > (e - s) for s2, e2, _p in raw)
    ]


def _longest_per_code(raw: list[tuple[int, int, Phrase]]) -> list[tuple[int, int, Phrase]]:
    """Drop a match lying inside a longer match of the same code ("radio" in "radio failed")."""
    by_code: dict[str, list[tuple[int, int]]] = {}
    for s, e, p in raw:
        by_code.setdefault(p.code, []).append((s, e))
    return [
        (s, e, p) for s, e, p in raw
        if not any(s2 <= s and e <= e2 and (e2 - s2) > (e - s) for s2, e2 in by_code[p.code])
    ]


def drop_explained(matches: Iterable[Match], reported: Iterable[str]) -> list[Match]:
    """Drop matches that a reported code of the same category already explains.

    When a clause holds an asserted match of a code the record reports, other codes of that
    category found in the same clause are the lexicon's second reading of the sentence the
    officer coded, not a second factor: "my TASER cartridge failed to fire" coded as less-lethal
    equipment does not add a firearm problem; "a second subject came out of nowhere" coded as
    multiple subjects does not add an ambush. Matches in other clauses are untouched.
    """
    matches = list(matches)
    codes = set(reported)
    explained = {(m.field, m.clause, m.code.split(".")[0])
                 for m in matches if m.code in codes and m.status == "asserted"}
    if not explained:
        return matches
    return [m for m in matches if m.code in codes
            or (m.field, m.clause, m.code.split(".")[0]) not in explained]


def extract_factors(
    record: Mapping[str, object], extractor: LexiconExtractor | None = None
) -> list[dict[str, object]]:
    """Extracted factor objects for a de-identified incident record (schema shape).

    The extractor's ``fields`` are read (the narrative by default); codes the record reports
    explain the clauses that evidence them (:func:`drop_explained`).
    """
    ex = extractor or LexiconExtractor()
    texts = {k: str(record.get(k) or "") for k in TEXT_FIELDS}
    reported = [str(f["code"]) for f in record.get("factors") or []  # type: ignore[attr-defined]
                if f.get("source") == "reported"]
    matches = drop_explained(ex.explain(texts), reported)
    return [e.to_factor() for e in ex.aggregate(matches) if not e.code.startswith("ACT.")]


def merge_factors(
    reported: Sequence[Mapping[str, Any]], extracted: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Reported factors unchanged, plus extracted ones for codes not already reported."""
    seen = {f["code"] for f in reported}
    merged = [dict(f) for f in reported]
    merged += [dict(f) for f in extracted if f["code"] not in seen]
    return merged


def add_extracted_factors(
    record: Mapping[str, Any], extractor: LexiconExtractor | None = None
) -> dict[str, Any]:
    """Copy of ``record`` whose ``factors`` gain extracted codes (reported ones stay)."""
    out = dict(record)
    reported = [f for f in (record.get("factors") or []) if f.get("source") != "extracted"]
    out["factors"] = merge_factors(reported, extract_factors(record, extractor))
    return out
