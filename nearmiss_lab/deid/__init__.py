"""De-identification: Presidio with law-enforcement recognizers (the project's first promise).

Public API::

    get_engine(model=None)                     -> DeidEngine (built once per process)
    detect_records(engine, records)            -> detections per field (what deid-eval scores)
    deidentify_records(records) / deidentify_record(record)
                                               -> DeidentifiedRecord(record, entities,
                                                                     detections)
    deidentify_export(export, mapping, agency, out, ...)
                                               -> DeidentifyReport (agency side, whole export)
    residual_scan(record, *, min_score=0.5)    -> list[ResidualFinding]  (hub re-scan)
    residual_scan_batch(records, *, min_score) -> list[list[ResidualFinding]]

Nothing here logs, prints or stores what it removes: only counts by type.
"""

from nearmiss_lab.deid.detect import detect_records
from nearmiss_lab.deid.engine import DeidEngine, get_engine
from nearmiss_lab.deid.pipeline import DeidentifyReport, deidentify_export
from nearmiss_lab.deid.record import DeidentifiedRecord, deidentify_record, deidentify_records
from nearmiss_lab.deid.residual import DEFAULT_MIN_SCORE, residual_scan, residual_scan_batch
from nearmiss_lab.deid.types import TEXT_FIELDS, Detection, ReplacedSpan, ResidualFinding

__all__ = [
    "DEFAULT_MIN_SCORE",
    "DeidEngine",
    "DeidentifiedRecord",
    "DeidentifyReport",
    "Detection",
    "ReplacedSpan",
    "ResidualFinding",
    "TEXT_FIELDS",
    "deidentify_export",
    "deidentify_record",
    "deidentify_records",
    "detect_records",
    "get_engine",
    "residual_scan",
    "residual_scan_batch",
]
