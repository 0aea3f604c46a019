"""Fit the supervised component on a store's reported codes: agencies' own coding teaches it.

:func:`train_from_store` reads incidents with :func:`nearmiss_lab.store.load_incidents` (a
period, agencies, a table version) and fits one classifier per factor code that officers
reported often enough, on the de-identified narratives. Training records are the incidents
whose officers reported at least one factor: a record with none reported may simply not have
been coded, so it is no evidence that every factor was absent. A code reported in fewer than
``min_positive`` training records (or missing from fewer than that) is *refused* -- left to the
lexicon -- and listed as such.

What the analyst reads to judge the model: per label, the out-of-fold precision, recall and F1
at the label's threshold on the training records (the folds that chose the threshold and C, so
slightly optimistic), and their macro-F1 (:func:`training_report`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
import polars as pl

from nearmiss_lab import __version__
from nearmiss_lab.factors.extract import LexiconExtractor
from nearmiss_lab.factors.model import MODEL_FIELD, FactorModel
from nearmiss_lab.factors.supervised import C_GRID, CHAR_NGRAMS, SupervisedExtractor

#: A store-trained label needs this many training records with it (and as many without).
DEFAULT_MIN_POSITIVE = 20
#: ``quick``: one C and no character block (about 25x faster to fit on synthetic corpora).
QUICK_C_GRID = (4.0,)


class TrainingError(ValueError):
    """Too little to train on: too few records, or no code reported often enough."""


def training_set(incidents: pl.LazyFrame | pl.DataFrame) -> tuple[list[str], list[set[str]],
                                                                   dict[str, Any]]:
    """Narratives and reported codes of the records a model can learn from.

    Returns
    -------
    (narratives, labels, counts)
        ``counts``: ``read`` records, ``used``, ``without_narrative``,
        ``without_reported_factors``, and ``months`` ``{first, last}`` of the records used.
    """
    frame = incidents.lazy().select("occurred_month", MODEL_FIELD, "factors").collect()
    narratives: list[str] = []
    labels: list[set[str]] = []
    months: list[str] = []
    no_text = no_codes = 0
    for month, text, factors in frame.iter_rows():
        codes = {f["code"] for f in factors or [] if f.get("source") == "reported"}
        if not text or not text.strip():
            no_text += 1
        elif not codes:
            no_codes += 1
        else:
            narratives.append(text)
            labels.append(codes)
            months.append(month)
    counts = {"read": frame.height, "used": len(narratives), "without_narrative": no_text,
              "without_reported_factors": no_codes,
              "months": {"first": min(months, default=None), "last": max(months, default=None)}}
    return narratives, labels, counts


def train_model(
    narratives: Sequence[str],
    labels: Sequence[set[str]],
    *,
    min_positive: int = DEFAULT_MIN_POSITIVE,
    folds: int = 4,
    seed: int = 0,
    quick: bool = False,
    provenance: dict[str, Any] | None = None,
    lexicon: LexiconExtractor | None = None,
) -> FactorModel:
    """Fit a :class:`FactorModel` on narratives and the codes reported with them.

    Parameters
    ----------
    narratives : sequence of str
        De-identified narratives.
    labels : sequence of set of str
        Reported factor codes, one set per narrative.
    min_positive : int
        Codes with fewer training records (or fewer records without them) are refused.
    folds : int
        Cross-validation folds choosing each label's C and threshold.
    seed : int
        Seed of the fold assignment.
    quick : bool
        One C and no character n-gram block: much faster, a little weaker on real text.
    provenance : dict, optional
        Where the data came from (merged into the model's provenance).
    lexicon : LexiconExtractor, optional
        Lexicon of the lexicon features (the shipped one, narrative only, by default).

    Raises
    ------
    TrainingError
        Fewer than ``2 * folds`` records, or no code reported often enough.
    """
    if min_positive < 2 or folds < 2:
        raise ValueError("min_positive and folds must be at least 2")
    n = len(narratives)
    if n < 2 * folds or n < 2 * min_positive:
        raise TrainingError(f"{n} training records (records with a narrative and a reported "
                            f"factor): at least {max(2 * folds, 2 * min_positive)} are needed")
    positives = Counter(code for codes in labels for code in codes)
    refused = {code: k for code, k in sorted(positives.items())
               if k < min_positive or k > n - min_positive}
    if len(refused) == len(positives):
        raise TrainingError(f"no factor code is reported in at least {min_positive} of the "
                            f"{n} training records (and absent from as many)")
    supervised = SupervisedExtractor(
        lexicon or LexiconExtractor(fields=(MODEL_FIELD,)), min_positive=min_positive,
        folds=folds, seed=seed, c_grid=QUICK_C_GRID if quick else C_GRID,
        char_ngrams=None if quick else CHAR_NGRAMS,
    ).fit([{MODEL_FIELD: t} for t in narratives], [sorted(codes) for codes in labels])
    info = dict(provenance or {})
    info.update({
        "package_version": __version__,
        "lexicon_version": supervised.lexicon.lexicon.version,
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "field": MODEL_FIELD,
        "training_records": n,
        "labels": {code: positives[code] for code in sorted(supervised.models)},
        "refused": refused,
        "settings": {"min_positive": min_positive, "folds": folds, "seed": seed,
                     "quick": quick, "c_grid": list(supervised.c_grid),
                     "char_ngrams": list(CHAR_NGRAMS) if not quick else None},
    })
    return FactorModel(supervised, info)


def train_from_store(
    store: Any = None,
    *,
    since: str | None = None,
    until: str | None = None,
    agencies: Sequence[str] | None = None,
    version: int | None = None,
    **kwargs: Any,
) -> FactorModel:
    """Fit a :class:`FactorModel` on a store's incidents and their reported codes.

    Parameters
    ----------
    store : path, optional
        Store folder (default ``$NEARMISS_STORE``, else ``./store``).
    since, until : str, optional
        Inclusive ``YYYY-MM`` bounds on the months trained on.
    agencies : sequence of str, optional
        Only these agency pseudonyms.
    version : int, optional
        Version of the incidents table (default: the latest), recorded in the provenance.
    **kwargs
        Passed to :func:`train_model` (``min_positive``, ``folds``, ``seed``, ``quick``).

    Examples
    --------
    >>> model = train_from_store("store", until="2024-06", quick=True)  # doctest: +SKIP
    >>> training_report(model)["macro_f1"]  # doctest: +SKIP
    0.97
    """
    from nearmiss_lab.store import load_incidents, store_version

    if version is None:
        version = store_version(store)
    frame = load_incidents(store, since=since, until=until, agencies=agencies, version=version)
    narratives, labels, counts = training_set(frame)
    provenance = {
        "store": {"version": version, "since": since, "until": until,
                  "agencies": sorted(agencies) if agencies else None},
        "months": counts.pop("months"),
        "records": counts,
    }
    return train_model(narratives, labels, provenance=provenance, **kwargs)


def training_report(model: FactorModel) -> dict[str, Any]:
    """Per label: positives, threshold, C and out-of-fold precision / recall / F1; their
    macro-F1; and the refused codes with their positives."""
    by_label = {}
    for label, lm in sorted(model.supervised.models.items()):
        by_label[label] = {"positives": lm.positives, "threshold": round(lm.threshold, 3),
                           "c": lm.c, "precision": _round(lm.cv_precision),
                           "recall": _round(lm.cv_recall), "f1": _round(lm.cv_f1)}
    f1s = [m.cv_f1 for m in model.supervised.models.values() if np.isfinite(m.cv_f1)]
    return {"labels": by_label, "macro_f1": _round(float(np.mean(f1s))) if f1s else None,
            "refused": dict(model.provenance.get("refused") or {})}


def _round(value: float) -> float | None:
    return round(float(value), 4) if np.isfinite(value) else None
