"""Base class of the project's pattern recognizers.

Each recognizer module holds one small subclass with class-level ``ENTITY``, ``PATTERNS`` and
``CONTEXT`` and, where false positives are possible, a ``validate_result`` that rejects them
(the presidio ``email_recognizer.py`` layout). Two things Presidio's PatternRecognizer lacks:

- a named group ``value`` narrows the result to the identifier itself, so a pattern may
  require its keyword ("badge #", "the 300 block of") without redacting the keyword;
- ``value_spans`` may split one match into several results (a list of names after a plural
  rank: "Officers Smith, Jones and Lee").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from presidio_analyzer import (
    AnalysisExplanation,
    EntityRecognizer,
    Pattern,
    PatternRecognizer,
    RecognizerResult,
)

# Case-sensitive by default: capitalisation is most of what separates "Officer Brown" from
# "officer brown shirt"; patterns opt into case-insensitivity with (?i:...).
CASE_SENSITIVE = re.DOTALL | re.MULTILINE
CONTEXT_WINDOW = 40  # characters before a match searched for context words
CONTEXT_BOOST = 0.35
CONTEXT_CEILING = 0.95


class LawPatternRecognizer(PatternRecognizer):
    """A PatternRecognizer whose results can be narrowed to a ``value`` group.

    Subclasses set ``ENTITY`` (placeholder type), ``PATTERNS`` and ``CONTEXT``.
    """

    ENTITY: ClassVar[str] = ""
    PATTERNS: ClassVar[list[Pattern]] = []
    CONTEXT: ClassVar[list[str]] = []
    FLAGS: ClassVar[int] = CASE_SENSITIVE

    def __init__(self, supported_language: str = "en") -> None:
        if not self.ENTITY or not re.fullmatch(r"[A-Z][A-Z_]{0,31}", self.ENTITY):
            raise ValueError(f"{type(self).__name__}.ENTITY must be an upper-case type name")
        if not self.PATTERNS:
            raise ValueError(f"{type(self).__name__} declares no PATTERNS")
        # Context words right before a match raise its score (Presidio's enhancer does this
        # with lemmas; a lower-cased look-back window is as good for short cue words).
        self._context = (
            re.compile(r"\b(?:" + "|".join(re.escape(w.lower()) for w in self.CONTEXT) + r")\b")
            if self.CONTEXT
            else None
        )
        super().__init__(
            supported_entity=self.ENTITY,
            name=type(self).__name__,
            supported_language=supported_language,
            patterns=list(self.PATTERNS),
            context=list(self.CONTEXT),
            global_regex_flags=self.FLAGS,
        )
        # Compile once, at construction, so a broken pattern fails when the engine is built.
        self._compiled = [(p, re.compile(p.regex, self.FLAGS)) for p in self.PATTERNS]

    def value_spans(self, match: re.Match[str]) -> Iterator[tuple[int, int]]:
        """Yield the spans of one match to report (default: the ``value`` group, else all)."""
        if "value" in match.re.groupindex and match.group("value") is not None:
            yield match.span("value")
        else:
            yield match.span()

    def validate_value(self, pattern: Pattern, value: str) -> bool | None:
        """Per-pattern validation hook; the default asks ``validate_result``."""
        return self.validate_result(value)

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: object = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """Match every pattern; report validated ``value`` spans with the pattern's score."""
        results: list[RecognizerResult] = []
        metadata = {
            RecognizerResult.RECOGNIZER_NAME_KEY: type(self).__name__,
            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
        }
        for pattern, regex in self._compiled:
            for match in regex.finditer(text):
                for start, end in self.value_spans(match):
                    if end <= start:
                        continue
                    verdict = self.validate_value(pattern, text[start:end])
                    if verdict is False:
                        continue
                    score = EntityRecognizer.MAX_SCORE if verdict else pattern.score
                    if score < CONTEXT_CEILING and self._context is not None:
                        window = text[max(0, start - CONTEXT_WINDOW) : start].lower()
                        if self._context.search(window):
                            score = min(CONTEXT_CEILING, max(score + CONTEXT_BOOST, 0.4))
                    if self.invalidate_result(text[start:end]):
                        continue
                    results.append(
                        RecognizerResult(
                            entity_type=self.ENTITY,
                            start=start,
                            end=end,
                            score=score,
                            # The context enhancer writes its reasons here.
                            analysis_explanation=AnalysisExplanation(
                                recognizer=type(self).__name__,
                                original_score=score,
                                pattern_name=pattern.name,
                                validation_result=verdict is True,
                            ),
                            recognition_metadata=dict(metadata),
                        )
                    )
        return EntityRecognizer.remove_duplicates(results)
