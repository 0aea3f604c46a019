"""Scoring factor predictions against reporter-coded gold labels.

Gold files are JSONL with ``id``, ``text`` and ``labels`` (see ../shared/data/README.md). The
labels scored in a file are the labels its gold uses (its coding form's vocabulary): predicting
a code the form could not express is neither right nor wrong there. A bare category label
(``EQ``) is predicted when any code of that category (or the category itself) is predicted, and
met the same way. Per label: precision, recall, F1; macro-F1 is their unweighted mean.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path


class GoldFormatError(ValueError):
    """A gold file could not be read (exit status 2 at the CLI)."""


@dataclass(frozen=True)
class GoldDoc:
    """One reporter-coded narrative."""

    id: str
    text: str
    labels: frozenset[str]
    source: str = ""


def read_gold(path: str | Path) -> list[GoldDoc]:
    """Read a gold JSONL file; raise :class:`GoldFormatError` naming the line (not its text)."""
    docs = []
    try:
        handle = open(path, encoding="utf-8")
    except OSError as exc:
        raise GoldFormatError(f"cannot read {path}: {exc.strerror}") from None
    with handle:
        for lineno, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                docs.append(GoldDoc(str(row["id"]), str(row["text"]),
                                    frozenset(row.get("labels") or []), str(row.get("source", ""))))
            except (json.JSONDecodeError, KeyError, TypeError):
                raise GoldFormatError(
                    f"{path}:{lineno}: not a gold record (needs JSON with id, text, labels)"
                ) from None
    return docs


def write_gold(docs: Iterable[GoldDoc], path: str | Path) -> None:
    """Write gold docs as JSONL (used by the split helper, outside the repository)."""
    with open(path, "w", encoding="utf-8") as out:
        for d in docs:
            out.write(json.dumps({"id": d.id, "source": d.source, "text": d.text,
                                  "labels": sorted(d.labels)}) + "\n")


def label_predicted(label: str, predicted: Iterable[str]) -> bool:
    """Whether ``predicted`` meets ``label`` (a bare category is met by any of its codes)."""
    if "." in label:
        return label in predicted
    prefix = label + "."
    return any(p == label or p.startswith(prefix) for p in predicted)


def score(
    gold: Sequence[Iterable[str]],
    predicted: Sequence[Iterable[str]],
    labels: Iterable[str] | None = None,
) -> dict[str, object]:
    """Per-label precision, recall, F1 and macro-F1.

    Parameters
    ----------
    gold, predicted : sequences of label sets, aligned by document
    labels : labels to score; default every label in ``gold``.

    Returns
    -------
    dict
        ``macro_f1`` and ``by_label``: label -> ``precision, recall, f1, support, predicted``.
    """
    gold_sets = [set(g) for g in gold]
    pred_sets = [set(p) for p in predicted]
    if len(gold_sets) != len(pred_sets):
        raise ValueError("gold and predicted differ in length")
    space = sorted(set(labels) if labels is not None else set().union(*gold_sets))
    by_label: dict[str, dict[str, float]] = {}
    for label in space:
        tp = fp = fn = 0
        for g, p in zip(gold_sets, pred_sets, strict=True):
            hit = label_predicted(label, p)
            truth = label in g
            tp += hit and truth
            fp += hit and not truth
            fn += truth and not hit
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        by_label[label] = {"precision": round(precision, 4), "recall": round(recall, 4),
                           "f1": round(f1, 4), "support": tp + fn, "predicted": tp + fp}
    macro = sum(v["f1"] for v in by_label.values()) / len(by_label) if by_label else 0.0
    return {"macro_f1": round(macro, 4), "by_label": by_label}


def paired_bootstrap(
    gold: Sequence[Iterable[str]],
    predicted_a: Sequence[Iterable[str]],
    predicted_b: Sequence[Iterable[str]],
    labels: Iterable[str] | None = None,
    *,
    rounds: int = 1000,
    seed: int = 0,
) -> dict[str, object]:
    """Macro-F1 of ``predicted_a`` minus that of ``predicted_b``, with a paired bootstrap over
    documents: both are scored on the same resampled documents each round.

    Returns
    -------
    dict
        ``difference`` (on the documents as given), ``ci95`` (2.5th and 97.5th percentiles of
        the resampled differences), ``share_not_better`` (share of rounds where a did not beat
        b) and ``rounds``. A margin is worth claiming when ``ci95`` lies above zero.
    """
    import numpy as np

    gold_sets = [set(g) for g in gold]
    space = sorted(set(labels) if labels is not None else set().union(*gold_sets))
    truth = np.array([[lab in g for lab in space] for g in gold_sets], dtype=bool)

    def hits(pred: Sequence[Iterable[str]]) -> np.ndarray:
        sets = [set(p) for p in pred]
        return np.array([[label_predicted(lab, p) for lab in space] for p in sets], dtype=bool)

    def macro(weights: np.ndarray, hit: np.ndarray) -> np.ndarray:
        tp = weights @ (hit & truth)
        fp = weights @ (hit & ~truth)
        fn = weights @ (~hit & truth)
        with np.errstate(invalid="ignore", divide="ignore"):
            f1 = np.where(2 * tp + fp + fn > 0, 2 * tp / (2 * tp + fp + fn), 0.0)
        return f1.mean(axis=-1)

    hit_a, hit_b = hits(predicted_a), hits(predicted_b)
    n = len(gold_sets)
    rng = np.random.default_rng(seed)
    # Each round's resample as per-document counts, so scoring is two matrix products.
    weights = rng.multinomial(n, np.full(n, 1.0 / n), size=rounds).astype(float)
    diffs = macro(weights, hit_a) - macro(weights, hit_b)
    ones = np.ones((1, n))
    low, high = np.percentile(diffs, [2.5, 97.5])
    return {
        "difference": round(float((macro(ones, hit_a) - macro(ones, hit_b))[0]), 4),
        "ci95": [round(float(low), 4), round(float(high), 4)],
        "share_not_better": round(float((diffs <= 0).mean()), 4),
        "rounds": rounds,
    }


_YEAR = re.compile(r"\b(19|20)\d\d\b")


def split_by_year(docs: Sequence[GoldDoc],
                  last_train_year: int) -> tuple[list[GoldDoc], list[GoldDoc]]:
    """Train on documents whose ``source`` year is <= ``last_train_year``, test on the rest
    (e.g. SAFENET 1999-2010 / 2011-2015). Documents without a year are left out."""
    train: list[GoldDoc] = []
    test: list[GoldDoc] = []
    for d in docs:
        m = _YEAR.search(d.source)
        if not m:
            continue
        (train if int(m.group(0)) <= last_train_year else test).append(d)
    return train, test


def split_half(docs: Sequence[GoldDoc]) -> tuple[list[GoldDoc], list[GoldDoc]]:
    """Deterministic halves: documents ordered by SHA-256 of their ``id``; the first
    ``len // 2`` train, the rest test. Independent of file order and of any random seed."""
    ordered = sorted(docs, key=lambda d: hashlib.sha256(d.id.encode("utf-8")).hexdigest())
    half = len(ordered) // 2
    return ordered[:half], ordered[half:]


def _texts(docs: Sequence[GoldDoc]) -> list[dict[str, str]]:
    return [{"narrative": d.text} for d in docs]


def evaluate(
    gold: Sequence[GoldDoc],
    train: Sequence[GoldDoc] | None = None,
    *,
    baseline: bool = True,
    lexicon=None,
    supervised=None,
    bootstrap: int = 0,
) -> dict[str, object]:
    """Score the extractor on ``gold``: lexicon only, and lexicon + supervised when ``train``
    (or an already fitted ``supervised``) is given, with the TF-IDF baselines on ``train``.

    Returns
    -------
    dict
        ``mode``, ``n``, ``macro_f1`` and ``by_label`` of the extractor as shipped or trained,
        ``lexicon`` (its own scores), and with training data ``baseline`` and
        ``baseline_balanced``, each ``{macro_f1, by_label}``. With ``bootstrap`` rounds and a
        baseline, ``margin_over_balanced``: the paired bootstrap of our macro-F1 minus the
        balanced baseline's (:func:`paired_bootstrap`).
    """
    from nearmiss_lab.factors.extract import LexiconExtractor
    from nearmiss_lab.factors.supervised import CombinedExtractor, SupervisedExtractor

    lex = lexicon or LexiconExtractor()
    truth = [d.labels for d in gold]
    space = sorted(set().union(*truth)) if truth else []
    ours = lexical_pred = CombinedExtractor(lex).predict(_texts(gold))
    lexical = score(truth, lexical_pred, space)
    result: dict[str, object] = {"n": len(gold), "lexicon": lexical}
    if supervised is None and train:
        supervised = SupervisedExtractor(lex).fit(_texts(train),
                                                  [sorted(d.labels) for d in train])
    if supervised is not None:
        ours = CombinedExtractor(lex, supervised).predict(_texts(gold))
        combined = score(truth, ours, space)
        result.update(mode="lexicon+supervised", **combined)
        result["supervised_labels"] = {
            label: {"threshold": round(m.threshold, 3), "cv_f1": round(m.cv_f1, 4), "C": m.c,
                    "train_positives": m.positives}
            for label, m in supervised.models.items()
        }
    else:
        result.update(mode="lexicon", **lexical)
    if baseline and train:
        from nearmiss_lab.factors.baseline import TfidfLogisticBaseline

        texts = [d.text for d in train]
        labels = [sorted(d.labels) for d in train]
        for key, balanced in (("baseline", False), ("baseline_balanced", True)):
            model = TfidfLogisticBaseline(balanced=balanced).fit(texts, labels)
            theirs = model.predict([d.text for d in gold])
            result[key] = score(truth, theirs, space)
            if balanced and bootstrap > 0:
                result["margin_over_balanced"] = paired_bootstrap(truth, ours, theirs, space,
                                                                  rounds=bootstrap)
    return result
