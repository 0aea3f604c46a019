"""The plain baseline the factor extractor is measured against: TF-IDF + logistic regression.

What a user would build with scikit-learn's defaults: word TF-IDF, one-vs-rest logistic
regression over the training labels, a label predicted when its probability is >= 0.5. A second
variant with class weights "balanced" is reported too, so the comparison is not only against the
weakest possible baseline.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MultiLabelBinarizer


class TfidfLogisticBaseline:
    """TF-IDF + one-vs-rest logistic regression (scikit-learn defaults)."""

    def __init__(self, *, balanced: bool = False):
        self.balanced = balanced
        self.binarizer = MultiLabelBinarizer()
        self.pipeline: Any = None
        self.constant: dict[str, bool] = {}
        self.columns: list[str] = []

    def fit(self, texts: Sequence[str], labels: Sequence[Sequence[str]]) -> TfidfLogisticBaseline:
        y = self.binarizer.fit_transform(labels)
        # A label present in every (or no) training text cannot train a classifier.
        varying = [j for j in range(y.shape[1]) if 0 < y[:, j].sum() < len(y)]
        self.constant = {self.binarizer.classes_[j]: bool(y[0, j])
                         for j in range(y.shape[1]) if j not in varying}
        self.columns = [self.binarizer.classes_[j] for j in varying]
        lr = LogisticRegression(max_iter=1000,
                                class_weight="balanced" if self.balanced else None)
        self.pipeline = None
        if varying:
            pipeline = make_pipeline(TfidfVectorizer(), OneVsRestClassifier(lr))
            pipeline.fit(list(texts), y[:, varying])
            self.pipeline = pipeline
        return self

    def predict(self, texts: Sequence[str]) -> list[set[str]]:
        if self.pipeline is None:
            return [{lab for lab, on in self.constant.items() if on} for _ in texts]
        proba = np.asarray(self.pipeline.predict_proba(list(texts)))
        if len(self.columns) == 1 and proba.shape[1] == 2:
            proba = proba[:, 1:]  # one label: scikit-learn treats it as binary (two columns)
        out = []
        for row in proba:
            labels = {lab for lab, p in zip(self.columns, row, strict=True) if p >= 0.5}
            labels |= {lab for lab, on in self.constant.items() if on}
            out.append(labels)
        return out
