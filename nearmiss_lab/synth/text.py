"""A text builder that records the offsets of every planted identifier, and tiny templates.

Templates are strings with slots in braces, ``"{OFC} stepped out near {PLACE}."``; a slot is
rendered by a function that appends text to the :class:`TextBuilder` and marks identifier
spans (must be masked) and optional spans (may be masked: ranks, labels, times, states).
Templates are compiled once; rendering is list appends, fast enough for 100 k incidents.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

_SLOT = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?::([A-Za-z0-9_]+))?\}")


@dataclass
class TextBuilder:
    """Accumulates text; ``spans`` and ``optional`` hold ``(start, end, type)`` offsets."""

    parts: list[str] = field(default_factory=list)
    pos: int = 0
    spans: list[tuple[int, int, str]] = field(default_factory=list)
    optional: list[tuple[int, int, str]] = field(default_factory=list)
    #: Applied to literal template text only (a narrative voice); identifiers are untouched.
    rewrite: Callable[[str], str] | None = None

    def lit(self, text: str) -> None:
        self.parts.append(text)
        self.pos += len(text)

    def ent(self, text: str, kind: str) -> None:
        """Append an identifier that must be masked."""
        start = self.pos
        self.parts.append(text)
        self.pos += len(text)
        self.spans.append((start, self.pos, kind))

    def opt(self, start: int, kind: str) -> None:
        """Mark ``[start, pos)`` as optional (masking it costs no precision)."""
        if self.pos > start:
            self.optional.append((start, self.pos, kind))

    def text(self) -> str:
        return "".join(self.parts)


# A compiled template: literal strings and (slot, argument, capitalise) triples.
Piece = str | tuple[Any, str | None, bool]
Template = tuple[Piece, ...]
SlotFn = Callable[[Any, TextBuilder, str | None, bool], None]


def compile_template(text: str) -> Template:
    """Split a template into literals and slots; a slot at a sentence start is capitalised."""
    pieces: list[Piece] = []
    last = 0
    for match in _SLOT.finditer(text):
        if match.start() > last:
            pieces.append(text[last:match.start()])
        before = text[:match.start()].rstrip(" ")
        cap = before == "" or before.endswith((".", "!", "?", "\n", ":"))
        pieces.append((match.group(1), match.group(2), cap))
        last = match.end()
    if last < len(text):
        pieces.append(text[last:])
    return tuple(pieces)


def compile_all(texts: dict[str, tuple[str, ...]]) -> dict[str, tuple[Template, ...]]:
    return {key: tuple(compile_template(t) for t in value) for key, value in texts.items()}


def bind(templates: dict[str, tuple[Template, ...]],
         slots: dict[str, SlotFn]) -> dict[str, tuple[Template, ...]]:
    """Replace slot names by their renderers once, so rendering skips the lookups.

    Raises KeyError naming the first slot without a renderer (a typo in a template).
    """
    return {key: tuple(tuple(p if isinstance(p, str) else (slots[p[0]], p[1], p[2])
                             for p in template) for template in value)
            for key, value in templates.items()}


def render(template: Template, scene: Any, builder: TextBuilder,
           slots: dict[str, SlotFn] | None = None) -> None:
    """Append one rendered template (bound by :func:`bind`, or with ``slots``) to ``builder``."""
    for piece in template:
        if isinstance(piece, str):
            if builder.rewrite is not None:
                piece = builder.rewrite(piece)
            builder.parts.append(piece)
            builder.pos += len(piece)
        else:
            fn, arg, cap = piece
            (slots[fn] if slots is not None else fn)(scene, builder, arg, cap)


def cap_first(text: str, cap: bool) -> str:
    return text[:1].upper() + text[1:] if cap and text else text
