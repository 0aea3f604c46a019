"""Names the NER model misses, found with offline name knowledge.

A capitalised word that the US Census lists as a first name or surname is a person's name,
unless it is an institutional or place word ("Street", "County"), an English word standing
alone at the start of a sentence, or (when the pipeline runs a tagger) not tagged a proper
noun. The engine runs no tagger, for speed: capitals and the word lists carry the signal.
A first name followed by a capitalised word takes that word too ("Maria Kowalczyk"). This is a token
recognizer over the spaCy Doc the engine already computed, so it costs one pass over tokens.
"""

from __future__ import annotations

import re
from typing import Any

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult

from nearmiss_lab.deid.lexicon import (
    NOT_NAMES,
    PLACE_WORDS,
    PLURAL_RANKS,
    ROLES,
    STOP_WORDS,
    SURNAME_STOP_WORDS,
    is_jargon,
    is_rank_word,
)
from nearmiss_lab.deid.names import NameKnowledge, load_name_knowledge

# Verbs that follow a person's name in reports and statements.
PERSON_VERBS = frozenset(
    """said says stated told asked yelled shouted screamed replied advised admitted denied
    explained reported called ran fled walked lives lived is was has had began begins became
    got went came left refused agreed pulled pushed grabbed struck hit punched kicked tried
    wanted saw heard knew thought turned drove arrived approached reached""".split()
)
# Verbs of speech: after a sentence-initial surname that is also a word ("Rooks asked"),
# only a person does them.
SPEECH_VERBS = frozenset("said says stated told asked yelled shouted replied advised".split())
_ROLE_WORDS = frozenset(ROLES)
_SENTENCE_END = {".", "!", "?", ":", ";", '"', "“", "”", "(", "-", "—"}


_PLURAL_RANKS = frozenset(w.lower() for w in PLURAL_RANKS)


def _is_plural_role(low: str) -> bool:
    """"neighbors", "deputies", "witnesses": people by role, not by name."""
    if low in _PLURAL_RANKS:
        return True
    return any(
        low.endswith(suffix) and low[: -len(suffix)] + repl in _ROLE_WORDS
        for suffix, repl in (("s", ""), ("es", ""), ("ies", "y"))
    )


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper() and re.sub(r"['’-]", "", word).isalpha()


class KnownNameRecognizer(EntityRecognizer):
    """PERSON: proper nouns that census name lists know, and first-name + surname pairs."""

    ENTITY = "PERSON"
    SCORE_PAIR = 0.7  # first name + capitalised word
    SCORE_RARE = 0.6  # census name that is not an English word
    SCORE_WORD = 0.4  # census name that is also an English word, tagged proper noun
    SCORE_UNKNOWN = 0.5  # unknown capitalised word before a verb people do

    def __init__(self, supported_language: str = "en", knowledge: NameKnowledge | None = None):
        self._knowledge = knowledge
        super().__init__(
            supported_entities=[self.ENTITY],
            name=type(self).__name__,
            supported_language=supported_language,
        )

    def use_knowledge(self, knowledge: NameKnowledge) -> None:
        """Use name knowledge the engine already loaded."""
        self._knowledge = knowledge

    def load(self) -> None:  # knowledge is loaded lazily from the analysed Doc's pipeline
        pass

    def _get_knowledge(self, nlp_artifacts: Any) -> NameKnowledge:
        if self._knowledge is None:
            nlp = nlp_artifacts.nlp_engine.get_nlp(self.supported_language)
            self._knowledge = load_name_knowledge(nlp)
        return self._knowledge

    @staticmethod
    def _sentence_initial(doc: Any, i: int) -> bool:
        j = i - 1
        while j >= 0 and doc[j].is_space:
            j -= 1
        return j < 0 or doc[j].text in _SENTENCE_END or "\n" in doc[j].whitespace_ + doc[j].text

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: Any = None
    ) -> list[RecognizerResult]:
        """Report name tokens; needs the engine's NlpArtifacts (returns [] without them)."""
        if nlp_artifacts is None or nlp_artifacts.tokens is None:
            return []
        know = self._get_knowledge(nlp_artifacts)
        doc = nlp_artifacts.tokens
        metadata = {
            RecognizerResult.RECOGNIZER_NAME_KEY: type(self).__name__,
            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
        }
        results: list[RecognizerResult] = []

        def add(start: int, end: int, score: float) -> None:
            results.append(
                RecognizerResult(
                    self.ENTITY,
                    start,
                    end,
                    score,
                    analysis_explanation=AnalysisExplanation(type(self).__name__, score),
                    recognition_metadata=dict(metadata),
                )
            )

        n = len(doc)
        for i, tok in enumerate(doc):
            word = tok.text
            if len(word) < 2 or not _is_capitalised(word):
                continue
            low = word.lower()
            nxt = doc[i + 1] if i + 1 < n else None
            after = doc[i + 2] if i + 2 < n else None
            # "Daniels, Robert": the word stands before a comma and a capitalised first name.
            before_first_name = (
                nxt is not None
                and after is not None
                and nxt.text == ","
                and _is_capitalised(after.text)
                and know.is_first_name(after.text)
            )
            if (
                before_first_name
                and after is not None
                and word.isupper()
                and after.text[1:].islower()
                and know.is_surname(word)
            ):
                # "LAKE, Ruben", "WHITE, Emmanuel": a surname in capitals before a first name
                # in mixed case is the records convention, even for a place or stop word.
                add(tok.idx, after.idx + len(after.text), self.SCORE_PAIR)
                continue
            if low in PLACE_WORDS or low in STOP_WORDS or low in _ROLE_WORDS or is_jargon(low):
                continue
            if is_rank_word(word):
                continue  # "Sgt Martinez": the rank stays readable, the name is the next word
            initial = self._sentence_initial(doc, i)
            pair = (
                nxt is not None
                and not tok.whitespace_.count("\n")
                and len(nxt.text) > 1
                and _is_capitalised(nxt.text)
                and nxt.text.lower() not in PLACE_WORDS
                and (
                    nxt.text.lower() not in STOP_WORDS
                    # "Mary Still": a surname that is a stop word, written with its capital
                    or (nxt.text.lower() in SURNAME_STOP_WORDS and nxt.text[1:].islower())
                )
            )
            if pair and nxt is not None:
                second = nxt.text
                # First name + capitalised word: "Maria Kowalczyk", "Kevin O'Brien". A word
                # that is also a month, a title or a brand ("April", "King", "Smith") pairs
                # only with a name that is no English word ("April Kowalski", "Jose King").
                if know.is_first_name(word) and (
                    not know.is_english(second) or know.is_name(second)
                ):
                    plain = low not in NOT_NAMES and second.lower() not in NOT_NAMES
                    if plain or (
                        not (know.is_english(word) and know.is_english(second))
                        and know.is_name(second)
                    ):
                        add(tok.idx, nxt.idx + len(second), self.SCORE_PAIR)
                        continue
                # A word no list knows before a census surname: "Timotea Weir jumped in".
                if (
                    len(word) > 2
                    and word[1:].islower()
                    and low not in NOT_NAMES
                    and not know.is_word(word)
                    and know.is_surname(second)
                    and second.lower() not in NOT_NAMES
                ):
                    add(tok.idx, nxt.idx + len(second), self.SCORE_RARE)
                    continue
            if low in NOT_NAMES:
                continue
            # "DANIELS, ROBERT" / "Daniels, Robert": surname, comma, first name.
            if (
                before_first_name
                and after is not None
                and (know.is_surname(word) or not know.is_english(word))
            ):
                add(tok.idx, after.idx + len(after.text), self.SCORE_PAIR)
                continue
            # A word no list knows, doing what people do: "Timotea lives", "Irenka said".
            if (
                nxt is not None
                and nxt.text in PERSON_VERBS
                and len(word) > 2
                and word[1:].islower()
                and not know.is_word(word)
            ):
                add(tok.idx, tok.idx + len(word), self.SCORE_UNKNOWN)
                continue
            if not know.is_name(word) or (tok.tag_ and tok.tag_ not in ("NNP", "NNPS")):
                continue
            if low in _ROLE_WORDS:
                continue  # "Driver [PERSON-1] ...": a role noun introduces a name
            english = know.is_english(word)
            if (
                initial
                and english
                and nxt is not None
                and nxt.text in SPEECH_VERBS
                and know.is_surname(word)
                and not word.isupper()
                and not _is_plural_role(low)
            ):
                # "Rooks asked me to write this up": a census surname that says or asks.
                add(tok.idx, tok.idx + len(word), self.SCORE_WORD)
                continue
            if initial and english:
                continue  # "Will you..." / "Young officers..." at a sentence start
            if english and nxt is not None and (nxt.text[:1].isdigit() or nxt.text in "[#"):
                continue  # "Lot 27", "Beat 4", "Car [BADGE-1]": a label before its number
            if word.isupper() and len(word) <= 3:
                continue  # "OH", "TX", "PD" in mixed-case text: abbreviations
            add(tok.idx, tok.idx + len(word), self.SCORE_WORD if english else self.SCORE_RARE)
        return results
