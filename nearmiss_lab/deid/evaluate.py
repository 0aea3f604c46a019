"""Token-level evaluation of detection against gold spans (DESIGN.md "Measures").

A token is a maximal run of ``\\w``. A gold token (one that overlaps a ``spans`` entry) is
*leaked* unless some detected span overlaps it; recall is type-agnostic. Precision counts the
detected tokens (tokens a detected span overlaps) that overlap ``spans`` or ``optional``.
F2 weighs recall four times as much as precision: one leaked name is a breach.

Nothing here returns or prints token text: only counts, so evaluating a real file can never
turn into a leak.
"""

from __future__ import annotations

import bisect
import json
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TOKEN = re.compile(r"\w+")

Span = tuple[int, int]


@dataclass
class TokenCounts:
    """Counts behind the token metric for one file (or one type inside it)."""

    gold_tokens: int = 0
    leaked_tokens: int = 0
    detected_tokens: int = 0
    detected_correct: int = 0

    @property
    def recall(self) -> float:
        return 1.0 if self.gold_tokens == 0 else 1 - self.leaked_tokens / self.gold_tokens

    @property
    def precision(self) -> float:
        return 1.0 if self.detected_tokens == 0 else self.detected_correct / self.detected_tokens

    @property
    def f2(self) -> float:
        p, r = self.precision, self.recall
        return 0.0 if p + r == 0 else 5 * p * r / (4 * p + r)


@dataclass
class FileScore:
    """Result of evaluating one gold file."""

    file: str
    documents: int
    characters: int
    seconds: float
    total: TokenCounts
    by_type: dict[str, TokenCounts] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (counts and ratios only, never text)."""
        return {
            "file": self.file,
            "documents": self.documents,
            "characters": self.characters,
            "token_recall": round(self.total.recall, 4),
            "token_precision": round(self.total.precision, 4),
            "f2": round(self.total.f2, 4),
            "gold_tokens": self.total.gold_tokens,
            "leaked_tokens": self.total.leaked_tokens,
            "detected_tokens": self.total.detected_tokens,
            "seconds": round(self.seconds, 3),
            "chars_per_second": round(self.characters / self.seconds, 1) if self.seconds else None,
            "by_type": {
                name: {
                    "gold_tokens": c.gold_tokens,
                    "leaked_tokens": c.leaked_tokens,
                    "token_recall": round(c.recall, 4),
                }
                for name, c in sorted(self.by_type.items())
            },
        }


class _Cover:
    """Answers "does any span overlap [a, b)?" for sorted, merged spans in O(log n)."""

    def __init__(self, spans: Iterable[Span]) -> None:
        merged: list[list[int]] = []
        for start, end in sorted(s for s in spans if s[1] > s[0]):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self.starts = [m[0] for m in merged]
        self.ends = [m[1] for m in merged]

    def overlaps(self, a: int, b: int) -> bool:
        i = bisect.bisect_left(self.starts, b) - 1  # last span starting before b
        return i >= 0 and self.ends[i] > a


def score_document(
    text: str,
    gold: Sequence[dict[str, Any]],
    optional: Sequence[dict[str, Any]],
    detected: Iterable[Span],
    counts: TokenCounts,
    by_type: dict[str, TokenCounts],
) -> None:
    """Add one document's token counts to ``counts`` and ``by_type`` (in place)."""
    det = _Cover(detected)
    gold_cover = _Cover((g["start"], g["end"]) for g in gold)
    allowed = _Cover(
        [(g["start"], g["end"]) for g in gold] + [(o["start"], o["end"]) for o in optional]
    )
    typed = [(g["start"], g["end"], g["type"]) for g in gold]
    for match in TOKEN.finditer(text):
        a, b = match.span()
        hit = det.overlaps(a, b)
        if gold_cover.overlaps(a, b):
            counts.gold_tokens += 1
            counts.leaked_tokens += not hit
            for kind in {t for s, e, t in typed if s < b and a < e}:
                c = by_type.setdefault(kind, TokenCounts())
                c.gold_tokens += 1
                c.leaked_tokens += not hit
        if hit:
            counts.detected_tokens += 1
            counts.detected_correct += allowed.overlaps(a, b)


def read_gold(path: str | Path) -> list[dict[str, Any]]:
    """Read a gold JSONL file (``id``, ``text``, ``spans``, ``optional``)."""
    docs = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                doc = json.loads(line)
                if not isinstance(doc.get("text"), str):
                    raise ValueError("no text")
            except (json.JSONDecodeError, ValueError, AttributeError) as exc:
                # The message names the line, never its content.
                raise ValueError(f"{path}: line {number} is not a gold document") from exc
            doc.setdefault("spans", [])
            doc.setdefault("optional", [])
            docs.append(doc)
    return docs


def evaluate_documents(
    name: str,
    docs: Sequence[dict[str, Any]],
    detect: Callable[[list[str]], list[list[Span]]],
) -> FileScore:
    """Score ``detect`` (texts -> detected spans per text) on gold documents.

    Parameters
    ----------
    name : str
        File name reported in the result.
    docs : sequence of dict
        Gold documents as read by :func:`read_gold`.
    detect : callable
        Batch detector returning, for each text, its detected ``(start, end)`` spans.

    Returns
    -------
    FileScore
        Token counts overall and by gold type, plus timing of ``detect`` alone.
    """
    texts = [d["text"] for d in docs]
    started = time.perf_counter()
    detected = detect(texts)
    seconds = time.perf_counter() - started
    total = TokenCounts()
    by_type: dict[str, TokenCounts] = {}
    for doc, spans in zip(docs, detected, strict=True):
        score_document(doc["text"], doc["spans"], doc["optional"], spans, total, by_type)
    return FileScore(
        file=name,
        documents=len(docs),
        characters=sum(len(t) for t in texts),
        seconds=seconds,
        total=total,
        by_type=by_type,
    )


def engine_detector(engine: Any, batch_size: int = 32) -> Callable[[list[str]], list[list[Span]]]:
    """The detection ``deidentify`` runs, as a batch detector: each text is one record."""
    from nearmiss_lab.deid.detect import detect_records

    def detect(texts: list[str]) -> list[list[Span]]:
        found = detect_records(engine, [{"text": t} for t in texts], batch_size=batch_size)
        return [[(d.start, d.end) for d in f["text"]] for f in found]

    return detect


def plain_presidio_detector(model: str) -> Callable[[list[str]], list[list[Span]]]:
    """Plain Presidio for comparison: default recognizers, same model, explicit NLP engine,
    one ``AnalyzerEngine.analyze`` call per text (what a user would otherwise run)."""
    from presidio_analyzer import AnalyzerEngine

    from nearmiss_lab.deid.engine import create_nlp_engine, quiet_presidio

    nlp_engine = create_nlp_engine(model)
    with quiet_presidio():
        analyzer = AnalyzerEngine(nlp_engine=nlp_engine, supported_languages=["en"])

    def detect(texts: list[str]) -> list[list[Span]]:
        return [[(r.start, r.end) for r in analyzer.analyze(t, language="en")] for t in texts]

    return detect
