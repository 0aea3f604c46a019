"""Incident factors: lexicon extraction with evidence, a supervised component, evaluation.

- :class:`LexiconExtractor` finds taxonomy codes in de-identified text with the shipped lexicon
  (NLTK tokenizer and Snowball stems), handling negation and hypotheticals, with character
  offsets as evidence.
- :class:`SupervisedExtractor` learns from records whose factors were reported;
  :class:`CombinedExtractor` joins both.
- :func:`train_from_store` fits it on a store's reported codes into a :class:`FactorModel`,
  which writes the codes it predicts as ``extracted`` factors with evidence spans;
  :func:`save_model` / :func:`load_model` keep it as checked JSON.
- :func:`add_extracted_factors` gives a record its ``extracted`` factors (reported ones stay);
  :func:`extract_frame` does it for a polars frame of incidents (the network's factors stage).
- :func:`evaluate` and :func:`score` measure against reporter-coded gold;
  :func:`discover_phrases` lists frequent phrases the lexicon does not cover.
"""

from nearmiss_lab.factors.discover import discover_phrases
from nearmiss_lab.factors.evaluate import (
    GoldDoc,
    evaluate,
    read_gold,
    score,
    split_by_year,
    split_half,
)
from nearmiss_lab.factors.extract import (
    Extraction,
    LexiconExtractor,
    Match,
    add_extracted_factors,
    extract_factors,
    merge_factors,
)
from nearmiss_lab.factors.frame import extract_frame, merge_extracted
from nearmiss_lab.factors.lexicon import LEXICON_VERSION, Lexicon, LexiconError, load_lexicon
from nearmiss_lab.factors.model import Contribution, FactorModel
from nearmiss_lab.factors.modelfile import ModelFileError, load_model, save_model
from nearmiss_lab.factors.supervised import CombinedExtractor, SupervisedExtractor
from nearmiss_lab.factors.train import (
    TrainingError,
    train_from_store,
    train_model,
    training_report,
)

__all__ = [
    "LEXICON_VERSION",
    "CombinedExtractor",
    "Contribution",
    "Extraction",
    "FactorModel",
    "GoldDoc",
    "Lexicon",
    "LexiconError",
    "LexiconExtractor",
    "Match",
    "ModelFileError",
    "SupervisedExtractor",
    "TrainingError",
    "add_extracted_factors",
    "discover_phrases",
    "evaluate",
    "extract_factors",
    "extract_frame",
    "load_lexicon",
    "load_model",
    "merge_extracted",
    "merge_factors",
    "read_gold",
    "save_model",
    "score",
    "split_by_year",
    "split_half",
    "train_from_store",
    "train_model",
    "training_report",
]
