"""Names standing in the layout rather than in a sentence: speaker labels of a statement or
transcript ("Vinka: What a wife.", "> Tzigane Lantos") and lines that hold nothing but a name
(a signature, the head of an address block). Every word must be unknown to English or a
census name, and none a verb, adjective, function word or police noun, so headings such as
"Narrative:", "Lessons Learned" or "Location:" are left alone."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern

from nearmiss_lab.deid.lexicon import INITIAL, NAME_WORD
from nearmiss_lab.deid.names import NameKnowledge
from nearmiss_lab.deid.recognizers.base import LawPatternRecognizer

_NAME = rf"{NAME_WORD}(?:[ \t]+(?:{INITIAL}|[A-Z]\b|{NAME_WORD})){{0,3}}"
# Field labels of forms and transcripts that are never names.
LABELS = frozenset(
    """name address phone date time location subject re note notes bot user officer suspect
    witness victim narrative summary mobile desk fax email website zip city state country
    q a question answer interviewer interviewee dispatch dispatcher caller complainant
    reporting employer employment occupation dob age sex race height weight unit badge""".split()
)


class NameLineRecognizer(LawPatternRecognizer):
    """PERSON: speaker labels and lines holding only a name."""

    ENTITY = "PERSON"
    PATTERNS = [
        Pattern("speaker label", rf"(?m)^[ \t>?]*(?P<value>{_NAME})[ \t]*:(?=[ \t]*\S)", 0.55),
        Pattern("name line", rf"(?m)^[ \t>?]*(?P<value>{_NAME})[ \t]*$", 0.5),
    ]
    CONTEXT: ClassVar[list[str]] = []

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(supported_language)
        self._knowledge: NameKnowledge | None = None

    def use_knowledge(self, knowledge: NameKnowledge) -> None:
        """Use the engine's word lists to reject headings and ordinary words."""
        self._knowledge = knowledge

    def validate_result(self, pattern_text: str) -> bool | None:
        words = [w.strip(".") for w in pattern_text.split() if len(w.strip(".")) > 1]
        if not words or any(w.lower() in LABELS for w in words):
            return False
        know = self._knowledge
        if know is None:
            return False  # without word lists every heading would look like a name
        if any(know.is_common_word(w) for w in words):
            return False
        if not any(know.is_name(w) or not know.is_word(w) for w in words):
            return False
        return None
