"""Synthetic corpus: multi-agency raw exports with planted identifiers and factor structure.

``generate_corpus`` writes, for a seed, byte-identical files: one raw export per agency in
that agency's own shape with its field mapping, ``agencies.json``, the de-identification and
factor gold (``gold/deid.jsonl``, ``gold/factors.jsonl``) and the planted structure
(``truth.json``). See the README section "nearmiss synth".
"""

from nearmiss_lab.synth.corpus import (
    DEFAULT_END_MONTH,
    AgencyInfo,
    CorpusInfo,
    SynthError,
    generate_corpus,
    month_range,
)
from nearmiss_lab.synth.idgen import vin_check_digit

__all__ = [
    "DEFAULT_END_MONTH",
    "AgencyInfo",
    "CorpusInfo",
    "SynthError",
    "generate_corpus",
    "month_range",
    "vin_check_digit",
]
