"""The detection engine: Presidio's AnalyzerEngine over an explicit spaCy NLP engine.

Built once per process (:func:`get_engine`) and reused: loading the model and compiling the
recognizers costs about a second. Texts are analysed in batches: spaCy runs once per batch
through ``nlp.pipe`` (the parser, which no recognizer uses, is disabled) and each text's
``NlpArtifacts`` are handed to ``AnalyzerEngine.analyze`` so spaCy never runs twice.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, cast

from nearmiss_lab.deid.context import trim_ner_detection
from nearmiss_lab.deid.registry import (
    RecognizerConfig,
    instantiate_recognizers,
    load_recognizer_config,
)
from nearmiss_lab.deid.types import Detection

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

LANGUAGE = "en"
BATCH_SIZE = 32
# spaCy components no recognizer needs: only the NER (with its own embedding layer) runs.
# The lemmatizer (and the tagger and attribute ruler that feed it) served Presidio's lemma
# context enhancer, replaced by the cheaper one of LawPatternRecognizer; measured on the
# shared gold, dropping them cost < 1 point of precision and no recall, and halved spaCy time.
UNUSED_PIPES = ("tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer")


@contextlib.contextmanager
def quiet_presidio() -> Iterator[None]:
    """Silence Presidio's construction-time chatter (e.g. "Recognizer not added to
    registry" for languages we never load) without hiding warnings raised while analysing."""
    logger = logging.getLogger("presidio-analyzer")
    previous = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(previous)


def nlp_configuration(model: str, ner_labels: dict[str, str] | None = None) -> dict[str, Any]:
    """The explicit NLP-engine configuration (no defaults that would download a model)."""
    config: dict[str, Any] = {
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": LANGUAGE, "model_name": model}],
    }
    if ner_labels is not None:
        config["ner_model_configuration"] = {
            "model_to_presidio_entity_mapping": dict(ner_labels),
            "labels_to_ignore": [],
            "low_score_entity_names": [],
        }
    return config


def create_nlp_engine(model: str, ner_labels: dict[str, str] | None = None) -> Any:
    """Create and load a Presidio spaCy NLP engine for ``model`` (never downloads)."""
    from nearmiss_lab.config import require_spacy_model

    require_spacy_model(model)
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    with quiet_presidio():
        engine = NlpEngineProvider(
            nlp_configuration=nlp_configuration(model, ner_labels)
        ).create_engine()
    return engine


class NoContextEnhancer:
    """Stands in for Presidio's lemma context enhancer, which deep-copies every result and
    needs the lemmatizer: our recognizers score context themselves (see recognizers/base)."""

    def enhance_using_context(
        self,
        text: str,
        raw_results: list,
        nlp_artifacts: Any,
        recognizers: list,
        context: Any = None,
    ) -> list:
        return raw_results


class DeidEngine:
    """Presidio analyzer with the project's recognizers, for batches of texts.

    Parameters
    ----------
    model : str
        spaCy model package (``Settings.spacy_model``).
    recognizers_file : str or Path, optional
        Recognizer declarations; the package's ``recognizers.yaml`` when omitted.
    """

    def __init__(self, model: str, recognizers_file: str | Path | None = None) -> None:
        from presidio_analyzer import AnalyzerEngine, RecognizerRegistry

        self.model = model
        self.config: RecognizerConfig = load_recognizer_config(recognizers_file)
        self.nlp_engine = create_nlp_engine(model, self.config.ner_labels)
        nlp = self.nlp_engine.get_nlp(LANGUAGE)
        # Ignore every NER label we do not map (CARDINAL, MONEY, ...): Presidio would keep
        # them and log a warning per entity per text otherwise.
        if "ner" in nlp.pipe_names:
            ignore = [
                lbl for lbl in nlp.get_pipe("ner").labels if lbl not in self.config.ner_labels
            ]
            self.nlp_engine.ner_model_configuration.labels_to_ignore = ignore
        from nearmiss_lab.deid.names import load_name_knowledge

        # Read the English word list from the lemmatizer's tables before disabling it.
        self.names = load_name_knowledge(nlp)
        from nearmiss_lab.deid.places import us_places

        # Built here, with the other word lists, so that the first re-cased report of a run
        # does not pay for it (about half a second, once per process).
        us_places()
        for pipe in UNUSED_PIPES:
            if pipe in nlp.pipe_names:
                nlp.disable_pipe(pipe)
        with quiet_presidio():
            registry = RecognizerRegistry(supported_languages=[LANGUAGE])
            registry.add_nlp_recognizer(self.nlp_engine)
            self._trim_ner_inside(registry)
            for recognizer in instantiate_recognizers(self.config):
                registry.add_recognizer(recognizer)
            self.analyzer = AnalyzerEngine(
                registry=registry,
                nlp_engine=self.nlp_engine,
                supported_languages=[LANGUAGE],
                context_aware_enhancer=cast(Any, NoContextEnhancer()),
            )
        self._types = self.config.entity_types()
        self.threshold = self.config.score_threshold
        for recognizer in self.analyzer.registry.recognizers:
            if hasattr(recognizer, "use_knowledge"):
                recognizer.use_knowledge(self.names)  # share one copy of the name lists

    def is_common_word(self, word: str) -> bool:
        """True for an ordinary English word (WordNet index of the model's lemmatizer)."""
        return self.names.is_english(word)

    def _convert(self, results: Sequence[Any], floor: float) -> list[Detection]:
        out = []
        for r in results:
            kind = self._types.get(r.entity_type, r.entity_type)
            if r.score < floor or kind not in self._known_types:
                continue
            source = (r.recognition_metadata or {}).get("recognizer_name", "")
            out.append(Detection(r.start, r.end, kind, round(float(r.score), 4), source))
        return out

    def _trim_ner_inside(self, registry: Any) -> None:
        """Clean NER results inside the NER recognizer, before Presidio drops every result
        another one of the same type contains: "K9 Officer Brooks" (NER) would otherwise
        swallow the rank recognizer's "Brooks" and then be dropped for its shorthand."""
        for recognizer in registry.recognizers:
            if type(recognizer).__name__ != "SpacyRecognizer":
                continue

            def analyze(
                text: str,
                entities: list[str],
                nlp_artifacts: Any = None,
                _orig: Any = recognizer.analyze,
                names: Any = self.names,
            ) -> list[Any]:
                kept = []
                for r in _orig(text, entities, nlp_artifacts):
                    d = trim_ner_detection(
                        text,
                        Detection(r.start, r.end, r.entity_type, r.score, "SpacyRecognizer"),
                        names.is_common_word,
                        names.is_english,
                        names.is_name,
                    )
                    if d is not None:
                        r.start, r.end = d.start, d.end
                        kept.append(r)
                return kept

            recognizer.analyze = analyze

    @property
    def _known_types(self) -> set[str]:
        known = getattr(self, "_known_cache", None)
        if known is None:
            known = set(self._types.values())
            for recognizer in self.analyzer.registry.recognizers:
                known.update(recognizer.supported_entities)
            known -= set(self._types) - set(self._types.values())  # raw Presidio names
            self._known_cache = known
        return known

    def analyze_texts(
        self, texts: Sequence[str], batch_size: int = BATCH_SIZE, *, floor: float | None = None
    ) -> list[list[Detection]]:
        """Detect identifiers in each text (no record-level propagation).

        Empty texts are skipped by spaCy and get no detections. ``floor`` is the lowest score
        kept (default: the engine's threshold, below which nothing is replaced); a review
        screen passes 0 to see what was found but not replaced.
        """
        floor = self.threshold if floor is None else floor
        out: list[list[Detection]] = [[] for _ in texts]
        todo = [(i, t) for i, t in enumerate(texts) if t and t.strip()]
        if not todo:
            return out
        # spaCy keeps every new token string (names included) in its vocabulary's string
        # store, lexemes and tokenizer cache for the life of the process; inside a memory
        # zone what these texts added is freed on exit. Nothing made here outlives it but
        # the detections (offsets, types, scores).
        with self.nlp_engine.get_nlp(LANGUAGE).memory_zone():
            processed = self.nlp_engine.process_batch(
                [t for _, t in todo], LANGUAGE, batch_size=batch_size
            )
            for (i, text), (_, artifacts) in zip(todo, processed, strict=True):
                results = self.analyzer.analyze(
                    text=text, language=LANGUAGE, nlp_artifacts=artifacts
                )
                out[i] = self._convert(results, floor)
        return out


_ENGINES: dict[tuple[str, str | None], DeidEngine] = {}


def get_engine(model: str | None = None, recognizers_file: str | Path | None = None) -> DeidEngine:
    """Return this process's engine for ``model``, building it on first use.

    ``model`` defaults to ``Settings.from_env().spacy_model``.
    """
    if model is None:
        from nearmiss_lab.config import Settings

        model = Settings.from_env().spacy_model
    key = (model, str(recognizers_file) if recognizers_file else None)
    engine = _ENGINES.get(key)
    if engine is None:
        engine = _ENGINES[key] = DeidEngine(model, recognizers_file)
    return engine
