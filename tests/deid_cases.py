"""Helpers shared by the de-identification case files (must-redact / must-keep tables)."""

from __future__ import annotations

import re

from nearmiss_lab.deid import DeidEngine, deidentify_record


def narrative(engine: DeidEngine, text: str) -> str:
    """The de-identified narrative of a one-field record."""
    return deidentify_record({"narrative": text}, engine=engine).record["narrative"]


def present(value: str, text: str) -> bool:
    """Whether ``value`` stands in ``text`` as whole words."""
    return re.search(r"(?<!\w)" + re.escape(value) + r"(?!\w)", text) is not None
