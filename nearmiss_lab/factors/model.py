"""A fitted supervised component that writes factors: predictions with evidence.

:class:`FactorModel` wraps a fitted :class:`~nearmiss_lab.factors.SupervisedExtractor` with
its training provenance. It reads the de-identified ``narrative`` only (as the lexicon does by
default: lessons learned are advice, not an account) and turns a prediction into the incident
schema's ``extracted`` factor: ``confidence`` is the label's probability and ``evidence`` the
character offsets, in that narrative, of the features that pushed the label up most:

- ``word:`` a Snowball stem or stem bigram -> every token (pair) of the text with that stem;
- ``char:`` a character 3-4-gram inside a word -> the words holding it (punctuation trimmed);
- ``lexicon:`` a code's or category's lexicon weight -> the asserted lexicon matches behind it.

A label whose probability reaches its threshold but whose contributing features have no span
in the text (a prediction carried by the intercept alone) is not written: a factor without
evidence is an error (rule R-009). Saving and loading: :mod:`nearmiss_lab.factors.modelfile`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nearmiss_lab.factors.supervised import SupervisedExtractor
from nearmiss_lab.factors.text import tokenize

#: The text field the model reads and its evidence points into.
MODEL_FIELD = "narrative"
#: Contributing features whose spans become a prediction's evidence.
EVIDENCE_FEATURES = 5
MAX_EVIDENCE = 32  # the incident schema's maxItems for evidence
_CHUNK = re.compile(r"\S+")  # scikit-learn's char_wb words: runs of non-space characters


@dataclass(frozen=True)
class Contribution:
    """One feature's push on one label for one text, and where the feature is in the text."""

    feature: str  # "word:call queue", "char:queu", "lexicon:HF.WORKLOAD", "lexicon:HF.*"
    weight: float  # coefficient x feature value (positive: towards the label)
    spans: tuple[tuple[int, int], ...]  # character offsets in the narrative


@dataclass
class FactorModel:
    """A fitted supervised component with its provenance, ready to write factors.

    Parameters
    ----------
    supervised : SupervisedExtractor
        The fitted component (one logistic regression and threshold per label).
    provenance : dict
        Where and how it was trained (see :func:`nearmiss_lab.factors.train_model`).

    Examples
    --------
    >>> model = train_from_store("store", until="2024-06")  # doctest: +SKIP
    >>> model.predict_factors(["I had worked a double shift and was exhausted."])  # doctest: +SKIP
    [[{'code': 'HF.FATIGUE', 'source': 'extracted', 'confidence': 0.97,
       'evidence': [{'field': 'narrative', 'start': 36, 'end': 45}]}]]
    """

    supervised: SupervisedExtractor
    provenance: dict[str, Any] = field(default_factory=dict)
    _names: list[str] | None = field(default=None, init=False, repr=False)
    _fingerprint: str | None = field(default=None, init=False, repr=False)

    @property
    def labels(self) -> list[str]:
        """Codes the model predicts (the rest are left to the lexicon)."""
        return sorted(self.supervised.models)

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the saved form: the ``sha256`` a model file carries."""
        if self._fingerprint is None:
            from nearmiss_lab.factors.modelfile import payload_digest, to_payload

            self._fingerprint = payload_digest(to_payload(self))
        return self._fingerprint

    def summary(self) -> dict[str, Any]:
        """What a result computed with this model records about it (no vocabulary)."""
        prov = self.provenance
        return {"sha256": self.fingerprint, "labels": len(self.labels),
                "store_version": (prov.get("store") or {}).get("version"),
                "months": prov.get("months"), "trained_at": prov.get("trained_at")}

    def feature_names(self) -> list[str]:
        if self._names is None:
            self._names = self.supervised.feature_names()
        return self._names

    # -- prediction -------------------------------------------------------------------------
    def predict_proba(self, narratives: Sequence[str | None]) -> dict[str, np.ndarray]:
        """Probability per label, one entry per narrative."""
        return self.supervised.predict_proba(_texts(narratives))

    def predict_factors(self, narratives: Sequence[str | None], *,
                        top: int = EVIDENCE_FEATURES) -> list[list[dict[str, Any]]]:
        """Per narrative, the ``extracted`` factors the model predicts, with evidence.

        Each factor is ``{code, source: "extracted", confidence, evidence}``; ``confidence`` is
        the label's probability (class-balanced logistic regression: a ranking more than a
        calibrated frequency), rounded to 3 places. Strongest first.
        """
        texts = _texts(narratives)
        if not texts or not self.supervised.models:
            return [[] for _ in texts]
        x = self.supervised.transform(texts)
        out: list[list[dict[str, Any]]] = [[] for _ in texts]
        finders: dict[int, _SpanFinder] = {}
        for label, lm in self.supervised.models.items():
            proba = lm.model.predict_proba(x)[:, 1]
            for i in np.flatnonzero(proba >= lm.threshold):
                finder = finders.setdefault(int(i), _SpanFinder(texts[i][MODEL_FIELD], self))
                spans = _evidence(self._contributions(x, int(i), label, finder, top))
                if spans:
                    out[i].append({
                        "code": label, "source": "extracted",
                        "confidence": round(float(proba[i]), 3),
                        "evidence": [{"field": MODEL_FIELD, "start": s, "end": e}
                                     for s, e in spans],
                    })
        for factors in out:
            factors.sort(key=lambda f: (-f["confidence"], f["code"]))
        return out

    def contributions(self, narrative: str, label: str,
                      top: int = EVIDENCE_FEATURES) -> list[Contribution]:
        """The features of ``narrative`` that pushed ``label`` up most, with their spans.

        Only features found in the text are listed (a feature with no span, such as a lexicon
        weight whose matches were cancelled, is skipped), strongest first.
        """
        texts = _texts([narrative])
        x = self.supervised.transform(texts)
        return self._contributions(x, 0, label, _SpanFinder(narrative, self), top)

    def _contributions(self, x, row: int, label: str, finder: _SpanFinder,
                       top: int) -> list[Contribution]:
        coef = self.supervised.models[label].model.coef_.ravel()
        start, end = x.indptr[row], x.indptr[row + 1]
        cols, vals = x.indices[start:end], x.data[start:end]
        push = vals * coef[cols]
        names = self.feature_names()
        found: list[Contribution] = []
        for k in np.argsort(-push, kind="stable"):
            if push[k] <= 0 or len(found) >= top:
                break
            name = names[cols[k]]
            spans = finder.spans(name, label)
            if spans:
                found.append(Contribution(name, float(push[k]), spans))
        return found


def _texts(narratives: Sequence[str | None]) -> list[Mapping[str, str]]:
    return [{MODEL_FIELD: n or ""} for n in narratives]


def _evidence(contributions: Sequence[Contribution]) -> list[tuple[int, int]]:
    """The contributions' spans, overlapping ones joined ("had tunnel" + "tunnel vision"
    -> "had tunnel vision"), in text order."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted({s for c in contributions for s in c.spans}):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged[:MAX_EVIDENCE]


class _SpanFinder:
    """Where a feature occurs in one narrative (token stems and lexicon matches made once)."""

    def __init__(self, text: str, model: FactorModel):
        self.text = text
        self.model = model
        self._words: list[tuple[str, int, int]] | None = None
        self._matches: list[tuple[str, int, int]] | None = None

    def words(self) -> list[tuple[str, int, int]]:
        # The word block's tokens: word tokens (first character alphanumeric) whose stem is
        # not a number, in order, so that consecutive entries are the block's bigrams.
        if self._words is None:
            tokens = tokenize(self.text)
            self._words = [
                (s, a, b) for s, a, b in zip(tokens.stems, tokens.starts, tokens.ends,
                                             strict=True)
                if self.text[a].isalnum() and not s.isdigit()
            ]
        return self._words

    def matches(self) -> list[tuple[str, int, int]]:
        if self._matches is None:
            lexicon = self.model.supervised.lexicon
            self._matches = [(m.code, m.start, m.end)
                             for m in lexicon.explain({MODEL_FIELD: self.text}, one_reading=False)
                             if m.status == "asserted" and m.field == MODEL_FIELD]
        return self._matches

    def spans(self, feature: str, label: str) -> tuple[tuple[int, int], ...]:
        """Where ``feature`` is in the text, as evidence for ``label``."""
        kind, _, value = feature.partition(":")
        if kind == "word":
            words = self.words()
            parts = value.split(" ")
            if len(parts) == 1:
                return tuple((a, b) for s, a, b in words if s == value)
            first, second = parts
            return tuple((words[i][1], words[i + 1][2]) for i in range(len(words) - 1)
                         if words[i][0] == first and words[i + 1][0] == second)
        if kind == "char":
            out = []
            for m in _CHUNK.finditer(self.text):
                if value in f" {m.group().lower()} ":
                    out.append(_trim(self.text, m.start(), m.end()))
            return tuple(out)
        if kind == "lexicon":
            if value.endswith(".*"):
                # A category's weight sums its codes' matches; the label's own matches say
                # more about the label ("fled" is no evidence of resistance) when it has any.
                prefix = value[:-1]
                own = {(a, b) for c, a, b in self.matches() if c == label}
                if label.startswith(prefix) and own:
                    return tuple(sorted(own))
                return tuple(sorted({(a, b) for c, a, b in self.matches()
                                     if c.startswith(prefix)}))
            return tuple(sorted({(a, b) for c, a, b in self.matches() if c == value}))
        return ()


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """A word's span without the punctuation around it (kept when it is all punctuation)."""
    a, b = start, end
    while a < b and not text[a].isalnum():
        a += 1
    while b > a and not text[b - 1].isalnum():
        b -= 1
    return (a, b) if a < b else (start, end)

