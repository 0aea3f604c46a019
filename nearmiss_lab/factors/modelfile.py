"""The saved form of a :class:`~nearmiss_lab.factors.model.FactorModel`: JSON, checked on load.

A model file is one JSON document (never a pickle: loading it runs no code) holding what
prediction needs and where it came from::

    {"format": "nearmiss-factor-model", "format_version": 1, "sha256": "<hex>",
     "provenance": {store version, period, counts, package and lexicon versions, settings},
     "model": {"lexicon_version", "taxonomy_version", "fields", "tokenizer",
               "lexicon_feature_scale",
               "word": {"vocabulary": [...], "idf": <array>},
               "char": {"ngram_range": [3, 4], "vocabulary": [...], "idf": <array>} or null,
               "lexicon_columns": [...], "settings": {...},
               "labels": {CODE: {"coef": <array>, "intercept", "threshold", "c", "positives",
                                 "cv_f1", "cv_precision", "cv_recall"}}}}

An ``<array>`` is little-endian float64 in base64 (exact, and half the size of decimal text);
its length is the vocabulary's (``idf``) or the number of features (``coef``: word, then char,
then lexicon columns). ``sha256`` is the digest of the document without it, as canonical JSON
(sorted keys, no spaces): a file changed after saving is refused. That is integrity, not
authenticity: anyone can write a new digest, so :func:`load_model` also checks everything it
reads (types, lengths, finite numbers, thresholds in [0, 1], taxonomy codes) and that the
lexicon, tokenizer and feature scale are the ones this package ships, since the vocabulary
and lexicon columns mean nothing under others. Errors name what is wrong, never a value (the
vocabulary comes from narratives).

The vocabulary holds word stems and character n-grams seen in at least two training
narratives: share a model file as you would the de-identified narratives it was fitted on.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import os
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from nearmiss_lab.factors.extract import TEXT_FIELDS, LexiconExtractor
from nearmiss_lab.factors.lexicon import LEXICON_VERSION
from nearmiss_lab.factors.model import FactorModel
from nearmiss_lab.factors.supervised import (
    LEXICON_FEATURE_SCALE,
    LabelModel,
    SupervisedExtractor,
    _stem_ngrams,
)
from nearmiss_lab.factors.text import STEM_OVERRIDES, TOKEN_PATTERN

FORMAT = "nearmiss-factor-model"
FORMAT_VERSION = 1


class ModelFileError(ValueError):
    """A model file that cannot be used: unreadable, changed after saving, malformed, or made
    for another lexicon or tokenizer."""


# -- writing ----------------------------------------------------------------------------------

def _encode(values: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(values, dtype="<f8").tobytes()).decode("ascii")


def _number(value: float) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def to_payload(model: FactorModel) -> dict[str, Any]:
    """The model file's content without its ``sha256``."""
    sup = model.supervised
    if sup.vectorizer is None:
        raise ValueError("the supervised component is not fitted")
    char = None
    if sup.char_vectorizer is not None:
        char = {"ngram_range": list(sup.char_vectorizer.ngram_range),
                "vocabulary": [str(w) for w in sup.char_vectorizer.get_feature_names_out()],
                "idf": _encode(sup.char_vectorizer.idf_)}
    labels = {}
    for label, lm in sorted(sup.models.items()):
        labels[label] = {
            "coef": _encode(lm.model.coef_.ravel()),
            "intercept": float(lm.model.intercept_[0]),
            "threshold": float(lm.threshold), "c": float(lm.c), "positives": int(lm.positives),
            "cv_f1": _number(lm.cv_f1), "cv_precision": _number(lm.cv_precision),
            "cv_recall": _number(lm.cv_recall),
        }
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "provenance": model.provenance,
        "model": {
            "lexicon_version": sup.lexicon.lexicon.version,
            "taxonomy_version": sup.lexicon.lexicon.taxonomy_version,
            "fields": list(sup.lexicon.fields),
            "tokenizer": {"pattern": TOKEN_PATTERN, "stem_overrides": dict(STEM_OVERRIDES)},
            "lexicon_feature_scale": LEXICON_FEATURE_SCALE,
            "word": {"vocabulary": [str(w) for w in sup.vectorizer.get_feature_names_out()],
                     "idf": _encode(sup.vectorizer.idf_)},
            "char": char,
            "lexicon_columns": list(sup.lexicon_columns),
            "settings": {"min_positive": sup.min_positive, "folds": sup.folds,
                         "c_grid": list(sup.c_grid), "seed": sup.seed},
            "labels": labels,
        },
    }


def _canonical(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def payload_digest(payload: dict[str, Any]) -> str:
    """SHA-256 (hex) of ``payload`` as canonical JSON."""
    return hashlib.sha256(_canonical(payload)).hexdigest()


def save_model(model: FactorModel, path: str | Path) -> Path:
    """Write ``model`` to ``path`` as JSON (atomically: a reader never sees half a file).

    Returns
    -------
    Path
        The file written.
    """
    payload = to_payload(model)
    document = {"sha256": payload_digest(payload), **payload}
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(json.dumps(document, sort_keys=True, indent=1, ensure_ascii=False,
                              allow_nan=False) + "\n", encoding="utf-8")
    os.replace(tmp, target)
    model._fingerprint = document["sha256"]
    return target


# -- reading ----------------------------------------------------------------------------------

def _reject_constant(name: str) -> float:
    raise ValueError(f"non-finite number {name}")


def load_model(path: str | Path) -> FactorModel:
    """Read and check a model file written by :func:`save_model`.

    Raises
    ------
    ModelFileError
        Unreadable or not JSON, another format or format version, a checksum that does not
        match (changed after saving), a field missing or of the wrong type or length, a
        non-finite number, a threshold outside [0, 1], a label that is no taxonomy factor
        code, or a lexicon / tokenizer / feature scale other than this package's.
    """
    where = f"model file {Path(path).name}"
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelFileError(f"{where}: cannot be read ({type(exc).__name__})") from None
    try:
        document = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise ModelFileError(f"{where}: not a JSON document") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ModelFileError(f"{where}: not a nearmiss factor model (format is not {FORMAT})")
    if document.get("format_version") != FORMAT_VERSION:
        raise ModelFileError(f"{where}: format_version is not {FORMAT_VERSION}: made by "
                             "another version of nearmiss-lab; retrain with this one")
    digest = document.pop("sha256", None)
    if not isinstance(digest, str) or digest != payload_digest(document):
        raise ModelFileError(f"{where}: sha256 does not match the content: the file was "
                             "changed after it was saved (retrain or restore it)")
    try:
        model = from_payload(document)
    except ModelFileError as exc:
        raise ModelFileError(f"{where}: {exc}") from None
    model._fingerprint = digest
    return model


def _need(cond: bool, message: str) -> None:
    if not cond:
        raise ModelFileError(message)


def _get(obj: Any, key: str, kind: type | tuple[type, ...], pointer: str) -> Any:
    _need(isinstance(obj, dict) and key in obj, f"{pointer}/{key} is missing")
    value = obj[key]
    # no field of the format is a boolean, and bool is an int to isinstance
    _need(isinstance(value, kind) and not isinstance(value, bool),
          f"{pointer}/{key} has the wrong type")
    return value


def _float(obj: Any, key: str, pointer: str) -> float:
    value = float(_get(obj, key, (int, float), pointer))
    _need(math.isfinite(value), f"{pointer}/{key} is not a finite number")
    return value


def _array(obj: Any, key: str, length: int, pointer: str) -> np.ndarray:
    raw = _get(obj, key, str, pointer)
    try:
        data = base64.b64decode(raw.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise ModelFileError(f"{pointer}/{key} is not base64") from None
    _need(len(data) == 8 * length, f"{pointer}/{key} does not have {length} float64 values")
    values = np.frombuffer(data, dtype="<f8").astype(np.float64)
    _need(bool(np.isfinite(values).all()), f"{pointer}/{key} holds non-finite values")
    return values


def _vocabulary(obj: Any, pointer: str) -> list[str]:
    vocab = _get(obj, "vocabulary", list, pointer)
    _need(all(isinstance(w, str) for w in vocab), f"{pointer}/vocabulary holds a non-string")
    _need(len(set(vocab)) == len(vocab), f"{pointer}/vocabulary repeats an entry")
    _need(len(vocab) > 0, f"{pointer}/vocabulary is empty")
    return vocab


def _vectorizer(vocab: list[str], idf: np.ndarray, **kwargs: Any) -> TfidfVectorizer:
    # The fitted vectorizer's vocabulary and idf; min_df and max_features only shaped fitting.
    vectorizer = TfidfVectorizer(vocabulary={w: i for i, w in enumerate(vocab)},
                                 sublinear_tf=True, **kwargs)
    vectorizer.idf_ = idf
    return vectorizer


def from_payload(payload: dict[str, Any]) -> FactorModel:
    """Rebuild a :class:`FactorModel` from a checked payload (see :func:`load_model`)."""
    from nearmiss_lab.spec import load_taxonomy

    provenance = _get(payload, "provenance", dict, "")
    body = _get(payload, "model", dict, "")
    version = _get(body, "lexicon_version", str, "/model")
    _need(version == LEXICON_VERSION,
          f"trained with another lexicon than this package's {LEXICON_VERSION}: retrain")
    tokenizer = _get(body, "tokenizer", dict, "/model")
    _need(tokenizer.get("pattern") == TOKEN_PATTERN
          and tokenizer.get("stem_overrides") == dict(STEM_OVERRIDES),
          "trained with another tokenizer or stemmer than this package's: retrain")
    _need(_float(body, "lexicon_feature_scale", "/model") == LEXICON_FEATURE_SCALE,
          "trained with another lexicon feature scale than this package's: retrain")
    fields = _get(body, "fields", list, "/model")
    _need(bool(fields) and all(f in TEXT_FIELDS for f in fields),
          "/model/fields names an unknown text field")
    lexicon = LexiconExtractor(fields=fields)

    word = _get(body, "word", dict, "/model")
    word_vocab = _vocabulary(word, "/model/word")
    word_idf = _array(word, "idf", len(word_vocab), "/model/word")
    char = body.get("char")
    char_vectorizer = None
    char_ngrams: tuple[int, int] | None = None
    char_size = 0
    if char is not None:
        _need(isinstance(char, dict), "/model/char has the wrong type")
        ngram = _get(char, "ngram_range", list, "/model/char")
        _need(len(ngram) == 2 and all(isinstance(n, int) and not isinstance(n, bool)
                                      for n in ngram) and 1 <= ngram[0] <= ngram[1] <= 10,
              "/model/char/ngram_range is not a range of n-gram sizes")
        char_ngrams = (ngram[0], ngram[1])
        char_vocab = _vocabulary(char, "/model/char")
        char_idf = _array(char, "idf", len(char_vocab), "/model/char")
        char_vectorizer = _vectorizer(char_vocab, char_idf, analyzer="char_wb",
                                      ngram_range=char_ngrams)
        char_size = len(char_vocab)
    columns = _get(body, "lexicon_columns", list, "/model")
    codes = lexicon.lexicon.codes
    _need(columns == codes + sorted({f"{c.split('.')[0]}.*" for c in codes}),
          "/model/lexicon_columns are not this lexicon's codes and categories")

    settings = _get(body, "settings", dict, "/model")
    c_grid = _get(settings, "c_grid", list, "/model/settings")
    _need(bool(c_grid) and all(isinstance(c, (int, float)) and not isinstance(c, bool)
                               and c > 0 for c in c_grid),
          "/model/settings/c_grid is not a list of positive numbers")
    sup = SupervisedExtractor(
        lexicon,
        min_positive=_get(settings, "min_positive", int, "/model/settings"),
        folds=_get(settings, "folds", int, "/model/settings"),
        c_grid=[float(c) for c in c_grid], seed=_get(settings, "seed", int, "/model/settings"),
        char_ngrams=char_ngrams,
    )
    sup.vectorizer = _vectorizer(word_vocab, word_idf, analyzer=_stem_ngrams)
    sup.char_vectorizer = char_vectorizer
    sup.lexicon_columns = list(columns)
    n_features = len(word_vocab) + char_size + len(columns)

    taxonomy = load_taxonomy(_get(body, "taxonomy_version", str, "/model"))
    labels = _get(body, "labels", dict, "/model")
    for i, (label, entry) in enumerate(sorted(labels.items())):
        pointer = f"/model/labels/{i}"  # by position: a label that is no code is not echoed
        _need(label in taxonomy.codes and not taxonomy.is_activity(label),
              f"{pointer} is not a factor code of the taxonomy")
        _need(isinstance(entry, dict), f"{pointer} has the wrong type")
        coef = _array(entry, "coef", n_features, pointer)
        threshold = _float(entry, "threshold", pointer)
        _need(0.0 <= threshold <= 1.0, f"{pointer}/threshold is outside [0, 1]")
        c = _float(entry, "c", pointer)
        _need(c > 0, f"{pointer}/c is not positive")
        positives = _get(entry, "positives", int, pointer)
        _need(positives >= 1, f"{pointer}/positives is not positive")
        lr = SupervisedExtractor._new_model(c)
        lr.classes_ = np.array([0, 1])
        lr.coef_ = coef.reshape(1, -1)
        lr.intercept_ = np.array([_float(entry, "intercept", pointer)])
        lr.n_features_in_ = n_features
        cv = [entry.get(k) for k in ("cv_f1", "cv_precision", "cv_recall")]
        _need(all(v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)
                                and 0.0 <= v <= 1.0) for v in cv),
              f"{pointer} has an out-of-fold figure outside [0, 1]")
        f1, precision, recall = (float("nan") if v is None else float(v) for v in cv)
        sup.models[label] = LabelModel(label, lr, threshold, positives, f1, c, precision,
                                       recall)
    return FactorModel(sup, provenance)
