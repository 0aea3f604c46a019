"""The supervised component: agencies' own coding teaches the extractor.

One logistic regression per label seen often enough in the training records (taxonomy codes or
bare categories), over three feature blocks:

- TF-IDF of Snowball-stemmed word unigrams and bigrams of the text;
- TF-IDF of character 3-4-grams inside word boundaries, which tolerate the misspellings,
  abbreviations and run-together words of hand-typed reports ("comms", "radio's", "wx");
- the lexicon's asserted weight per code and per category (after negation and hypotheticals),
  so the model starts from the curated phrases and learns how each agency's coding uses them.

Classes are weighted ("balanced") because most labels are rare, and each label's decision
threshold is chosen on out-of-fold predictions of the training data (maximum F1), never on the
data scored. :meth:`SupervisedExtractor.explain` lists the features that pushed a label up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from nearmiss_lab.factors.extract import LexiconExtractor
from nearmiss_lab.factors.text import stem_tokens

# Scale of the lexicon features next to L2-normalised TF-IDF entries; 0.25 had the best
# out-of-fold F1 on the training halves (0.5 and 1.0 were tried).
LEXICON_FEATURE_SCALE = 0.25
# The character block and the C grid were chosen by mean out-of-fold macro-F1 on the SAFENET
# 1999-2010 and ASRS first-half training sets only (README choices list the variants tried).
CHAR_NGRAMS = (3, 4)
CHAR_FEATURES = 30_000
C_GRID = (0.25, 1.0, 4.0, 16.0, 64.0)


def _stem_ngrams(text: str) -> list[str]:
    stems = [s for s in stem_tokens(text) if not s.isdigit()]
    return stems + [f"{a} {b}" for a, b in zip(stems, stems[1:], strict=False)]


@dataclass
class LabelModel:
    """One label's classifier and its tuned threshold."""

    label: str
    model: LogisticRegression
    threshold: float
    positives: int
    cv_f1: float
    c: float
    #: Out-of-fold precision and recall at ``threshold`` (the folds that chose it and ``c``).
    cv_precision: float = float("nan")
    cv_recall: float = float("nan")


class SupervisedExtractor:
    """Per-label logistic regression over stem n-grams and lexicon evidence.

    Parameters
    ----------
    lexicon : LexiconExtractor, optional
        Source of the lexicon features (the shipped lexicon by default).
    min_positive : int
        Labels with fewer positive training records are left to the lexicon.
    folds : int
        Cross-validation folds used to choose each label's threshold and regularisation.
    c_grid : sequence of float
        Inverse regularisation strengths tried per label (best out-of-fold F1 wins).
    seed : int
        Seed of the fold assignment.
    char_ngrams : (int, int) or None
        Character n-gram range of the second TF-IDF block (None leaves the block out: about
        3x faster to fit).
    """

    def __init__(self, lexicon: LexiconExtractor | None = None, *, min_positive: int = 8,
                 folds: int = 4, c_grid: Sequence[float] = C_GRID, seed: int = 0,
                 char_ngrams: tuple[int, int] | None = CHAR_NGRAMS):
        self.lexicon = lexicon or LexiconExtractor()
        self.min_positive = min_positive
        self.folds = folds
        self.c_grid = tuple(c_grid)
        self.seed = seed
        self.char_ngrams = char_ngrams
        self.vectorizer: TfidfVectorizer | None = None
        self.char_vectorizer: TfidfVectorizer | None = None
        self.lexicon_columns: list[str] = []
        self.models: dict[str, LabelModel] = {}

    # -- features ---------------------------------------------------------------------------
    def _lexicon_block(self, texts: Sequence[Mapping[str, str]]) -> sp.csr_matrix:
        index = {name: i for i, name in enumerate(self.lexicon_columns)}
        rows, cols, vals = [], [], []
        for r, t in enumerate(texts):
            per_cat: dict[str, float] = {}
            for code, weight in self.lexicon.scores(t).items():
                per_cat[code.split(".")[0]] = per_cat.get(code.split(".")[0], 0.0) + weight
                if code in index:
                    rows.append(r)
                    cols.append(index[code])
                    vals.append(np.log1p(weight) * LEXICON_FEATURE_SCALE)
            for cat, weight in per_cat.items():
                key = f"{cat}.*"
                if key in index:
                    rows.append(r)
                    cols.append(index[key])
                    vals.append(np.log1p(weight) * LEXICON_FEATURE_SCALE)
        return sp.csr_matrix((vals, (rows, cols)), shape=(len(texts), len(self.lexicon_columns)))

    def transform(self, texts: Sequence[Mapping[str, str]]) -> sp.csr_matrix:
        """Feature matrix of ``texts`` (one row per text, columns :meth:`feature_names`)."""
        return self._features(texts)

    def _features(self, texts: Sequence[Mapping[str, str]]) -> sp.csr_matrix:
        assert self.vectorizer is not None
        joined = [" \n".join(t.get(k, "") or "" for k in ("narrative", "lessons_learned"))
                  for t in texts]
        blocks = [self.vectorizer.transform(joined)]
        if self.char_vectorizer is not None:
            blocks.append(self.char_vectorizer.transform(joined))
        blocks.append(self._lexicon_block(texts))
        return sp.hstack(blocks).tocsr()

    def feature_names(self) -> list[str]:
        assert self.vectorizer is not None
        names = [f"word:{w}" for w in self.vectorizer.get_feature_names_out()]
        if self.char_vectorizer is not None:
            names += [f"char:{c}" for c in self.char_vectorizer.get_feature_names_out()]
        return names + [f"lexicon:{c}" for c in self.lexicon_columns]

    # -- training ---------------------------------------------------------------------------
    def fit(self, texts: Sequence[Mapping[str, str]],
            labels: Sequence[Sequence[str]]) -> SupervisedExtractor:
        """Fit on records whose factors were reported (``labels``: codes or categories)."""
        joined = [" \n".join(t.get(k, "") or "" for k in ("narrative", "lessons_learned"))
                  for t in texts]
        self.vectorizer = TfidfVectorizer(analyzer=_stem_ngrams, min_df=2, sublinear_tf=True,
                                          max_features=60_000)
        self.vectorizer.fit(joined)
        self.char_vectorizer = None
        if self.char_ngrams is not None:
            self.char_vectorizer = TfidfVectorizer(
                analyzer="char_wb", ngram_range=self.char_ngrams, min_df=2, sublinear_tf=True,
                max_features=CHAR_FEATURES)
            self.char_vectorizer.fit(joined)
        codes = self.lexicon.lexicon.codes
        self.lexicon_columns = codes + sorted({f"{c.split('.')[0]}.*" for c in codes})
        x = self._features(texts)
        self.models = {}
        for label in sorted({lab for ls in labels for lab in ls}):
            y = np.array([label in ls for ls in labels], dtype=int)
            positives = int(y.sum())
            if positives < self.min_positive or positives > len(y) - self.min_positive:
                continue
            best = max((self._tune_threshold(x, y, c) + (c,) for c in self.c_grid),
                       key=lambda r: r[1])
            threshold, cv_f1, cv_precision, cv_recall, c = best
            model = self._new_model(c).fit(x, y)
            self.models[label] = LabelModel(label, model, threshold, positives, cv_f1, c,
                                            cv_precision, cv_recall)
        return self

    @staticmethod
    def _new_model(c: float) -> LogisticRegression:
        return LogisticRegression(C=c, class_weight="balanced", max_iter=2000,
                                  solver="liblinear")

    def _tune_threshold(self, x: sp.csr_matrix, y: np.ndarray,
                        c: float) -> tuple[float, float, float, float]:
        """Best threshold on out-of-fold probabilities: (threshold, F1, precision, recall)."""
        folds = min(self.folds, int(y.sum()), int(len(y) - y.sum()))
        oof = np.zeros(len(y))
        splitter = StratifiedKFold(n_splits=max(folds, 2), shuffle=True, random_state=self.seed)
        for train, test in splitter.split(x, y):
            oof[test] = self._new_model(c).fit(x[train], y[train]).predict_proba(x[test])[:, 1]
        best_t, best_f1, best_p, best_r = 0.5, -1.0, 0.0, 0.0
        for t in np.linspace(0.1, 0.9, 33):
            pred = oof >= t
            tp = float((pred & (y == 1)).sum())
            f1 = 2 * tp / (pred.sum() + y.sum()) if pred.sum() + y.sum() else 0.0
            if f1 > best_f1 + 1e-12:
                best_t, best_f1 = float(t), f1
                best_p = tp / float(pred.sum()) if pred.sum() else 0.0
                best_r = tp / float(y.sum()) if y.sum() else 0.0
        return best_t, best_f1, best_p, best_r

    # -- prediction -------------------------------------------------------------------------
    def predict_proba(self, texts: Sequence[Mapping[str, str]]) -> dict[str, np.ndarray]:
        """Probability per modelled label, one array entry per text."""
        x = self._features(texts)
        return {label: m.model.predict_proba(x)[:, 1] for label, m in self.models.items()}

    def predict(self, texts: Sequence[Mapping[str, str]]) -> list[set[str]]:
        """Labels whose probability reaches the label's tuned threshold."""
        probs = self.predict_proba(texts)
        out: list[set[str]] = [set() for _ in texts]
        for label, p in probs.items():
            for i in np.flatnonzero(p >= self.models[label].threshold):
                out[i].add(label)
        return out

    def explain(self, text: Mapping[str, str], label: str, top: int = 8) -> list[tuple[str, float]]:
        """Features of ``text`` that pushed ``label`` up most (feature, coef x value)."""
        x = self._features([text])
        coef = self.models[label].model.coef_.ravel()
        contrib = x.multiply(coef).tocsr()
        names = self.feature_names()
        pairs = [(names[j], float(v)) for j, v in zip(contrib.indices, contrib.data, strict=True)
                 if v > 0]
        return sorted(pairs, key=lambda kv: -kv[1])[:top]

    def top_features(self, label: str, top: int = 15) -> list[tuple[str, float]]:
        """The label's most positively weighted features overall."""
        coef = self.models[label].model.coef_.ravel()
        names = self.feature_names()
        order = np.argsort(-coef)[:top]
        return [(names[j], float(coef[j])) for j in order]


class CombinedExtractor:
    """Supervised labels where training covered them, the lexicon elsewhere.

    A lexicon code is kept when the code itself was not modelled and its category either was not
    modelled or is predicted by the category model for this text: when an agency codes at
    category level (``EQ``), its trained category model decides whether the category is present
    and the lexicon only names the codes inside it.
    """

    def __init__(self, lexicon: LexiconExtractor | None = None,
                 supervised: SupervisedExtractor | None = None):
        self.lexicon = lexicon or LexiconExtractor()
        self.supervised = supervised

    def predict(self, texts: Sequence[Mapping[str, str]]) -> list[set[str]]:
        lexical = [{e.code for e in self.lexicon.extract(t)} for t in texts]
        if self.supervised is None or not self.supervised.models:
            return lexical
        modelled = set(self.supervised.models)
        learned = self.supervised.predict(texts)
        out = []
        for learn, lex in zip(learned, lexical, strict=True):
            extra = {
                c for c in lex
                if c not in modelled
                and (c.split(".")[0] not in modelled or c.split(".")[0] in learn)
            }
            out.append(learn | extra)
        return out
