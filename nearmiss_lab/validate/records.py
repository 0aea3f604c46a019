"""Validate single documents and record files: schema issues plus the record rules."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from nearmiss_lab.issues import Issue, Report, Severity
from nearmiss_lab.spec import Taxonomy, load_taxonomy
from nearmiss_lab.validate.reader import (
    DEFAULT_MAX_LINE_BYTES,
    READ_BLANK_LINE,
    READ_EMPTY_FILE,
    read_jsonl,
)
from nearmiss_lab.validate.rules import CASE_NUMBER_ID, YEAR_MONTH, RuleContext, rule_issue
from nearmiss_lab.validate.schema import schema_issues

_RECORD_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\Z")
_AGENCY = re.compile(r"^AG-[A-Z0-9]{3,12}\Z")
_VERSION = re.compile(r"^1\.[0-9]+\.[0-9]+\Z")
_NOT_AN_ENTRY = frozenset({READ_BLANK_LINE, READ_EMPTY_FILE})
#: Document kinds whose schema issues reject the whole document set they describe.
_FATAL_KINDS = frozenset({"manifest"})


def safe_record_id(record: Any) -> str | None:
    """Return the record's ``record_id`` when it is well-formed, else None.

    Only an id matching the schema's pattern is ever copied into an issue: a malformed one may
    be a case number or a name that should not have been there. An id shaped like a case
    number (R-012) is withheld too; such a record is rejected, so it needs no duplicate check.
    """
    if isinstance(record, dict):
        rid = record.get("record_id")
        if isinstance(rid, str) and _RECORD_ID.match(rid) and not CASE_NUMBER_ID.match(rid):
            return rid
    return None


def validate_incident(record: dict[str, Any], *, taxonomy: Taxonomy | None = None,
                      period: tuple[str, str] | None = None,
                      today: date | None = None) -> list[Issue]:
    """Validate one incident against the incident schema and the record rules.

    Parameters
    ----------
    record : dict
        A parsed incident.
    taxonomy : Taxonomy, optional
        Code list for R-001/R-002 (default: :func:`nearmiss_lab.spec.load_taxonomy`).
    period : (str, str), optional
        Submission period ``(start, end)`` as ``YYYY-MM``, enabling R-006/R-007.
    today : date, optional
        Reference date for R-005 (default: today, UTC).

    Returns
    -------
    list of Issue
        Schema issues first, then rule issues; no location fields (callers add them).

    Examples
    --------
    >>> [i.code for i in validate_incident({"record_id": "r1"})][:1]
    ['schema-required']
    """
    return _checked_incident(record, RuleContext(taxonomy or load_taxonomy(), period, today))


def _checked_incident(record: dict[str, Any], context: RuleContext) -> list[Issue]:
    issues = schema_issues(record, "incident")
    rules = context.check(record)
    if issues and rules:
        flagged = {i.pointer for i in issues}
        rules = [r for r in rules if r.pointer not in flagged]
    issues.extend(rules)
    return issues


def manifest_rule_issues(manifest: dict[str, Any]) -> list[Issue]:
    """Rules on a manifest by itself (R-025: period start not after end)."""
    period = manifest.get("period")
    if isinstance(period, dict):
        start, end = period.get("start"), period.get("end")
        if (isinstance(start, str) and isinstance(end, str) and YEAR_MONTH.match(start)
                and YEAR_MONTH.match(end) and start > end):
            return [rule_issue("submission-period-order", "/period",
                               "the period's start is after its end")]
    return []


def validate_document(document: Any, kind: str, *, version: str | None = None,
                      **rule_context: Any) -> list[Issue]:
    """Validate one document of any kind of the spec.

    Parameters
    ----------
    document : Any
        Parsed JSON.
    kind : str
        ``incident``, ``manifest``, ``receipt`` or ``taxonomy``.
    version : str, optional
        Schema version (newest when omitted; incidents use the newest).
    **rule_context
        For incidents: ``taxonomy``, ``period``, ``today`` (see :func:`validate_incident`).

    Returns
    -------
    list of Issue
        Manifest schema issues are ``fatal`` (a bad manifest rejects the submission).
    """
    if kind == "incident":
        if not isinstance(document, dict):
            return schema_issues(document, "incident")
        return validate_incident(document, **rule_context)
    severity = Severity.FATAL if kind in _FATAL_KINDS else Severity.ERROR
    issues = schema_issues(document, kind, version=version, severity=severity)
    if kind == "manifest" and isinstance(document, dict):
        issues.extend(manifest_rule_issues(document))
    return issues


@dataclass
class CheckedRecord:
    """One entry of a record file with every issue found on it (location filled in).

    ``record`` is None when the line could not be read; ``index`` is the 0-based position
    among the file's entries (blank lines are not entries).
    """

    line: int
    index: int | None
    record: dict[str, Any] | None
    record_id: str | None
    issues: list[Issue] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        """True when the record can be used (read, and no fatal or error issue)."""
        return self.record is not None and not any(i.severity.blocking for i in self.issues)


def iter_checked_records(path: str | Path, kind: str = "incident", *,
                         taxonomy: Taxonomy | None = None,
                         period: tuple[str, str] | None = None, today: date | None = None,
                         agency: str | None = None,
                         max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
                         on_progress: Callable[[int], None] | None = None,
                         allow_empty: bool = False) -> Iterator[CheckedRecord]:
    """Read a record file and validate each entry, streaming.

    For incidents this also checks, across the file, that record ids are unique (R-027) and,
    when ``agency`` is given, that each record's agency equals it (R-026). Ingest uses this
    to quarantine bad records and keep the good ones.

    Parameters
    ----------
    path : str or Path
        JSON Lines file, or ``.json`` file with one object or an array of objects.
    kind : str
        Document kind of every entry.
    taxonomy, period, today
        Rule context for incidents (see :func:`validate_incident`).
    agency : str, optional
        Agency pseudonym every record must carry (the manifest's).
    max_line_bytes : int
        Longest accepted line.
    on_progress : callable, optional
        Called with the bytes consumed by each entry (for a progress bar).
    allow_empty : bool
        When True an empty file is fine (a zero report).

    Yields
    ------
    CheckedRecord
        Blank lines are yielded too (``index`` None, a warning), so no issue is lost.

    Raises
    ------
    OSError
        The file cannot be opened.
    """
    file = str(path)
    incident = kind == "incident"
    context = RuleContext(taxonomy or load_taxonomy(), period, today) if incident else None
    seen: dict[str, int] = {}
    index = 0
    for parsed in read_jsonl(path, max_line_bytes=max_line_bytes, allow_empty=allow_empty):
        if on_progress is not None:
            on_progress(parsed.nbytes)
        if not parsed.entry or (parsed.record is None
                                and all(i.code in _NOT_AN_ENTRY for i in parsed.issues)):
            yield CheckedRecord(parsed.line, None, None, None, parsed.issues)
            continue
        record = parsed.record
        rid = safe_record_id(record) if incident else None
        issues = list(parsed.issues)
        if record is not None:
            if context is not None:
                issues.extend(_checked_incident(record, context))
                issues.extend(_file_rule_issues(record, rid, parsed.line, seen, agency))
            else:
                issues.extend(validate_document(record, kind))
        if issues:
            issues = [i.located(file=file, line=parsed.line, record=index, record_id=rid)
                      for i in issues]
        yield CheckedRecord(parsed.line, index, record, rid, issues)
        index += 1


def _file_rule_issues(record: dict[str, Any], rid: str | None, line: int, seen: dict[str, int],
                      agency: str | None) -> list[Issue]:
    issues = []
    if rid is not None:
        if rid in seen:
            issues.append(rule_issue("submission-duplicate-record-id", "/record_id",
                                     f"record_id is already used by the record on line "
                                     f"{seen[rid]}"))
        else:
            seen[rid] = line
    if agency is not None:
        value = record.get("agency")
        if isinstance(value, str) and _AGENCY.match(value) and value != agency:
            issues.append(rule_issue("submission-agency-mismatch", "/agency",
                                     "agency differs from the manifest's agency"))
    return issues


def validate_records_file(path: str | Path, kind: str = "incident", *,
                          taxonomy: Taxonomy | None = None,
                          period: tuple[str, str] | None = None, today: date | None = None,
                          agency: str | None = None, schema_version: str | None = None,
                          max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
                          on_progress: Callable[[int], None] | None = None,
                          allow_empty: bool = False, workers: int = 1) -> Report:
    """Validate every entry of a record file and return one :class:`Report`.

    Parameters
    ----------
    path : str or Path
        JSON Lines file (optionally ``.gz``), or ``.json`` file with one object or an array
        of objects.
    kind : str
        Document kind of every entry (default ``incident``).
    taxonomy, period, today, agency
        Rule context (see :func:`iter_checked_records`).
    schema_version : str, optional
        Incident schema version the records should declare (R-028, reported once per file).
    max_line_bytes : int
        Longest accepted line.
    on_progress : callable, optional
        Called with bytes consumed, for progress bars (once per block of about 1 MiB).
    allow_empty : bool
        When True an empty file is fine (a zero report).
    workers : int
        Processes that check JSON Lines blocks in parallel (default 1: this process only).
        The report, issue order included, is the same for any number; ``.json`` files are
        always read here.

    Returns
    -------
    Report
        ``records_checked`` counts entries (non-blank lines), readable or not. The same
        issues, in the same order, as :func:`iter_checked_records` yields.

    Raises
    ------
    OSError
        The file cannot be opened.
    """
    if workers < 1:
        raise ValueError("workers must be at least 1")
    if Path(path).suffix.lower() == ".json":
        return _validate_streaming(path, kind, taxonomy=taxonomy, period=period, today=today,
                                   agency=agency, schema_version=schema_version,
                                   max_line_bytes=max_line_bytes, on_progress=on_progress,
                                   allow_empty=allow_empty)
    from nearmiss_lab.validate.batch import FileJob, validate_lines_file

    rules = RuleContext(taxonomy or load_taxonomy(), period, today) if kind == "incident" \
        else None
    job = FileJob(str(path), kind, max_line_bytes, rules, agency, schema_version)
    return validate_lines_file(path, job, workers=workers, on_progress=on_progress,
                               allow_empty=allow_empty)


def _validate_streaming(path: str | Path, kind: str = "incident", *,
                        taxonomy: Taxonomy | None = None,
                        period: tuple[str, str] | None = None, today: date | None = None,
                        agency: str | None = None, schema_version: str | None = None,
                        max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
                        on_progress: Callable[[int], None] | None = None,
                        allow_empty: bool = False) -> Report:
    """:func:`validate_records_file` one :class:`CheckedRecord` at a time.

    Used for ``.json`` files, and by the tests as the reference the block-wise path must
    agree with.
    """
    report = Report()
    other_version = 0
    first: CheckedRecord | None = None
    for checked in iter_checked_records(path, kind, taxonomy=taxonomy, period=period,
                                        today=today, agency=agency,
                                        max_line_bytes=max_line_bytes, on_progress=on_progress,
                                        allow_empty=allow_empty):
        report.extend(checked.issues)
        if checked.index is None:
            continue
        report.records_checked += 1
        if schema_version is not None and checked.record is not None:
            declared = checked.record.get("schema_version")
            if isinstance(declared, str) and _VERSION.match(declared) and \
                    declared != schema_version:
                other_version += 1
                first = first or checked
    if other_version and first is not None:
        report.extend([rule_issue(
            "submission-schema-version-mismatch", "/schema_version",
            f"{other_version} record(s) declare another incident schema version than the "
            f"manifest (the first on line {first.line})").located(
                file=str(path), line=first.line, record=first.index, record_id=first.record_id)])
    return report
