"""Per-record checks of an ingest: read and validate (the validator's), re-scan (deid's).

The residual scan is passed in as a plain function ``record -> findings`` so the same ingest
runs with the real Presidio engine (the default) or, in a distributed map step, with one
engine per worker. A finding needs ``field``, ``start``, ``end``, ``entity_type`` and
``score`` (attributes or keys): where the identifier is, never what it is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from nearmiss_lab.issues import Issue, Severity
from nearmiss_lab.store.schema import content_hash, incident_key

Finding = Any
Scanner = Callable[[dict[str, Any]], Sequence[Finding]]


class ScanUnavailableError(RuntimeError):
    """The residual-scan engine cannot be built; the hub never ingests unscanned by accident."""


class DeidScanner:
    """The de-identification stage's residual scan as a scanner (per record, or in batches).

    Batches go through :func:`nearmiss_lab.deid.residual_scan_batch` (one spaCy pipe per
    batch), which is what :func:`scan_candidates` uses.
    """

    def __init__(self, min_score: float | None = None, model: str | None = None) -> None:
        try:
            from nearmiss_lab.deid import residual_scan_batch
        except ImportError as exc:
            raise ScanUnavailableError(
                "the residual scan (nearmiss_lab.deid.residual_scan_batch) is not available; "
                "install the de-identification stage or run with --no-scan deliberately"
            ) from exc
        from nearmiss_lab.config import Settings, require_spacy_model

        # The engine itself loads lazily (a submission may have nothing to scan), but a
        # missing model must stop the ingest here, before any folder is read or committed,
        # with the error that names the package -- not half-way, as a traceback.
        self.model = model or Settings.from_env().spacy_model
        require_spacy_model(self.model)
        self._batch: Callable[..., list[list[Any]]] = residual_scan_batch
        self._options: dict[str, Any] = {} if min_score is None else {"min_score": min_score}
        self._engine: Any = None

    def __call__(self, record: dict[str, Any]) -> Sequence[Finding]:
        return self.batch([record])[0]

    def batch(self, records: list[dict[str, Any]]) -> list[list[Finding]]:
        if self._engine is None:
            from nearmiss_lab.deid.engine import get_engine

            self._engine = get_engine(self.model)
        return self._batch(records, engine=self._engine, **self._options)


def default_scanner(min_score: float | None = None, model: str | None = None) -> Scanner:
    """Return the de-identification stage's residual scan as a ``record -> findings`` function.

    Parameters
    ----------
    min_score : float, optional
        Lowest detector score that counts as a residual identifier (the de-identification
        stage's default when None).
    model : str, optional
        spaCy model package of the scan (default ``Settings.from_env().spacy_model``).

    Raises
    ------
    ScanUnavailableError
        The de-identification stage does not provide the residual scan.
    ModelNotInstalledError
        The spaCy model is not installed (checked now, before anything is read).
    """
    return DeidScanner(min_score, model)


def finding_dict(finding: Finding) -> dict[str, Any]:
    """Normalise one finding (object or mapping) to the quarantine table's struct."""
    def get(key: str) -> Any:
        return finding[key] if isinstance(finding, dict) else getattr(finding, key)

    return {
        "field": str(get("field")),
        "start": int(get("start")),
        "end": int(get("end")),
        "entity_type": str(get("entity_type")),
        "score": float(get("score")),
    }


def residual_issue(found: dict[str, Any]) -> Issue:
    """The issue for one residual identifier: type, score and offsets, never the text."""
    return Issue(
        "ingest-residual-identifier", Severity.ERROR, "/" + found["field"],
        f"residual {found['entity_type']} identifier (score {found['score']:.2f}) at "
        f"characters {found['start']}-{found['end']}; the record is quarantined",
        hint="re-run the de-identifier on this record (or extend its recognizers) and submit "
             "the corrected record; it replaces the quarantined one",
    )


@dataclass
class Candidate:
    """A record that passed validation, waiting for the re-scan and de-duplication."""

    index: int
    line: int
    record: dict[str, Any]
    key: str
    content_hash: str
    record_id: str
    findings: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ReadResult:
    """What reading and validating the records file produced."""

    candidates: list[Candidate] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    entries: int = 0
    rejected: int = 0
    last_unreadable: bool = False


def read_and_validate(path: Path, *, period: tuple[str, str], agency: str,
                      max_line_bytes: int, today: date | None = None,
                      on_progress: Callable[[int], None] | None = None) -> ReadResult:
    """Read the records file with the validator and split valid records from the rest.

    Uses :func:`nearmiss_lab.validate.iter_checked_records` (schema, record rules, agency,
    duplicate ids within the file); nothing is re-implemented here.
    """
    from nearmiss_lab.validate import iter_checked_records

    result = ReadResult()
    checked_iter: Iterator[Any] = iter_checked_records(
        path, "incident", period=period, agency=agency, today=today,
        max_line_bytes=max_line_bytes, on_progress=on_progress)
    for checked in checked_iter:
        result.issues.extend(checked.issues)
        if checked.index is None:
            continue  # blank line: a warning, not a record
        result.entries += 1
        result.last_unreadable = checked.record is None
        if not checked.valid:
            result.rejected += 1
            continue
        record = checked.record
        result.candidates.append(Candidate(
            index=checked.index, line=checked.line, record=record,
            key=incident_key(record["agency"], record["record_id"]),
            content_hash=content_hash(record), record_id=record["record_id"]))
    return result


def scan_candidates(candidates: list[Candidate], scanner: Scanner, *, batch_size: int = 64,
                    on_progress: Callable[[int], None] | None = None) -> None:
    """Run the residual scan on every candidate, storing its findings on it.

    A scanner with a ``batch(records)`` method is called once per ``batch_size`` records.
    """
    batch = getattr(scanner, "batch", None)
    for start in range(0, len(candidates), batch_size):
        chunk = candidates[start:start + batch_size]
        if batch is not None:
            results = batch([c.record for c in chunk])
        else:
            results = [scanner(c.record) for c in chunk]
        for candidate, findings in zip(chunk, results, strict=True):
            candidate.findings = [finding_dict(f) for f in findings]
        if on_progress is not None:
            on_progress(len(chunk))
