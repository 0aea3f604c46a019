"""Helpers shared by the de-identification case files (must-redact / must-keep tables)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from nearmiss_lab.deid import DeidEngine, deidentify_record


def narrative(engine: DeidEngine, text: str) -> str:
    """The de-identified narrative of a one-field record."""
    return deidentify_record({"narrative": text}, engine=engine).record["narrative"]


def present(value: str, text: str) -> bool:
    """Whether ``value`` stands in ``text`` as whole words."""
    return re.search(r"(?<!\w)" + re.escape(value) + r"(?!\w)", text) is not None


def check_case(engine: DeidEngine, text: str, gone: Sequence[str], kept: Sequence[str]) -> None:
    """A must-redact / must-keep case: every ``gone`` value is no longer in the de-identified
    narrative as whole words, every ``kept`` string still is in it."""
    out = narrative(engine, text)
    for value in gone:
        assert not present(value, out), f"{value!r} survived in {out!r}"
    for value in kept:
        assert value in out, f"{value!r} was replaced in {out!r}"
