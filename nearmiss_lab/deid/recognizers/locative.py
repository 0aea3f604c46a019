"""Places the NER model does not know, found by their preposition: "flew to RYSSBY",
"lives in Ullaste", "originally from Costamezzana", "a woman from Cherokee". A capitalised or
upper-case word after a locative preposition that is no verb, adjective, function word or
common police noun is a place name (the engine's word lists decide, see ``names.py``)."""

from __future__ import annotations

from presidio_analyzer import Pattern

from nearmiss_lab.deid.lexicon import NOT_NAMES, STOP_WORDS, UPPER, is_jargon, is_rank
from nearmiss_lab.deid.names import POLICE_NOUNS, NameKnowledge
from nearmiss_lab.deid.recognizers.base import LawPatternRecognizer

_PLACE_WORD = rf"[{UPPER}][^\W\d_]+(?:[-‑][{UPPER}][^\W\d_]+)?"
_DIRECTIONS = frozenset("north south east west new".split())


class LocativePlaceRecognizer(LawPatternRecognizer):
    """LOCATION: unknown proper nouns after in/to/from/near/at."""

    ENTITY = "LOCATION"
    PATTERNS = [
        Pattern(
            "preposition place",
            r"\b(?i:in|to|from|near|outside|toward|towards|into|via|at|of|through|lives\s+in|flew\s+to)"
            rf"\s+(?P<value>{_PLACE_WORD}(?:\s+{_PLACE_WORD})?)",
            0.45,
        ),
        # A capitalised ordinary word that ends its clause after "in" is a town's name:
        # "shopping with my family in Liberal when", "a two-officer car in Hope.", "Apt 25
        # in Auburn.", "registered to a man of Auburn." (capitals mid-sentence say "name";
        # "in Custody" and the other police nouns stay words).
        Pattern(
            "town at clause end",
            r"(?<=[a-z0-9,] )(?i:in|near|outside|through|of|from)"
            rf"\s+(?P<value>[{UPPER}][a-z]{{2,}})"
            r"(?=\s*(?:[.,;:]|$|\s(?:when|where|while|as|and|before|after|on|at|with)\b))",
            0.45,
        ),
    ]
    CONTEXT = ["lives", "city", "town", "village", "flew", "moved", "born"]

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(supported_language)
        self._knowledge: NameKnowledge | None = None

    def use_knowledge(self, knowledge: NameKnowledge) -> None:
        """Use the engine's English word list to reject ordinary words."""
        self._knowledge = knowledge

    def validate_value(self, pattern: Pattern, value: str) -> bool | None:
        if pattern.name != "town at clause end":
            return self.validate_result(value)
        low = value.lower()
        if low in STOP_WORDS or low in NOT_NAMES or low in POLICE_NOUNS or is_jargon(low):
            return False
        return None

    def validate_result(self, pattern_text: str) -> bool | None:
        words = pattern_text.split()
        if len(words) > 1 and words[0].lower() in _DIRECTIONS:
            words = words[1:]  # "through North Miami", "in West Memphis": judge the name
        first = words[0].lower()
        if first in STOP_WORDS or first in NOT_NAMES or is_jargon(first) or is_rank(first):
            return False  # "to Det. Cho", "at approx 2200"
        if self._knowledge is None:
            return None
        # No word that is a verb, adjective or common police noun ("in Custody", "to
        # Dispatch"): "Ullaste", "RYSSBY", "Kyrenia", "Cherokee", "Tecumseh" remain.
        if any(self._knowledge.is_common_word(w) for w in words):
            return False
        return None
