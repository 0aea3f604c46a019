"""``ingest_submission``: one submission folder in, one receipt out.

Stages, in order; the first fatal problem rejects the submission and nothing is stored:
folder and manifest (symlink, readable, known major version, schema) -> records file (safe,
sha256, size: verified before anything is decided from the manifest's claims) -> already
ingested? -> every record (read, schema, rules) -> record count and truncation -> residual
re-scan -> de-duplication and commit (under the store lock, :mod:`.commit`).
The expensive work (validation, scan) happens before the lock is taken.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from nearmiss_lab.ingest.checks import (
    ReadResult,
    Scanner,
    default_scanner,
    read_and_validate,
    scan_candidates,
)
from nearmiss_lab.ingest.commit import (
    check_not_ingested,
    commit_submission,
    ingest_id_for,
    store_receipt,
)
from nearmiss_lab.ingest.files import (
    IngestLimits,
    RecordsFile,
    SubmissionFault,
    check_manifest_path,
    declared_versions,
    digest_records,
)
from nearmiss_lab.ingest.receipt import Outcome, build_receipt, decide_status
from nearmiss_lab.issues import Issue, Severity
from nearmiss_lab.store.read import store_version
from nearmiss_lab.store.tables import committed_by, init_store, resolve_store

MANIFEST_FILE = "manifest.json"


def _version_tuple(version: str) -> tuple[int, ...]:
    try:
        return tuple(int(p) for p in version.split("."))
    except ValueError:
        return ()


def _major_issues(declared: dict[str, str]) -> list[Issue]:
    """Fatal issues for declared versions whose major this hub does not know."""
    from nearmiss_lab.spec import schema_versions

    kinds = {"schema_version": "manifest", "incident_schema_version": "incident"}
    issues = []
    for key, value in declared.items():
        known = {v.split(".")[0] for v in schema_versions(kinds[key])}
        major = value.split(".")[0]
        if major.isdigit() and major not in known:
            issues.append(Issue(
                "ingest-unsupported-major-version", Severity.FATAL, "/" + key,
                f"{kinds[key]} schema major version {major} is not supported by this hub "
                f"(supported: {', '.join(sorted(known))})", file=MANIFEST_FILE,
                hint="write the submission with a version of nearmiss-lab this hub supports"))
    return issues


def _minor_warnings(manifest: dict[str, Any]) -> list[Issue]:
    from nearmiss_lab.spec import schema_versions

    issues = []
    for key, kind in (("schema_version", "manifest"), ("incident_schema_version", "incident")):
        newest = schema_versions(kind)[-1]
        if _version_tuple(manifest[key]) > _version_tuple(newest):
            issues.append(Issue(
                "ingest-newer-minor-version", Severity.WARNING, "/" + key,
                f"newer than the hub's {kind} schema {newest}; checked against {newest}",
                file=MANIFEST_FILE))
    return issues


def _read_manifest(folder: Path, outcome: Outcome) -> dict[str, Any]:
    from nearmiss_lab.submission import read_manifest

    if not folder.is_dir():
        raise SubmissionFault("ingest-folder-missing", "the submission folder does not exist "
                              "or is not a folder")
    check_manifest_path(folder)
    manifest, issues = read_manifest(folder)
    if manifest is None:
        raise SubmissionFault.from_issues(_major_issues(declared_versions(folder)) or issues)
    outcome.submission_id = manifest["submission_id"]
    outcome.agency = manifest["agency"]
    outcome.period = dict(manifest["period"])
    outcome.issues.extend(issues)
    outcome.issues.extend(_minor_warnings(manifest))
    return manifest


def _check_records_file(folder: Path, manifest: dict[str, Any], limits: IngestLimits,
                        tmp_dir: str | None) -> RecordsFile:
    from nearmiss_lab.validate import records_file_issues
    from nearmiss_lab.validate.rules import rule_issue

    path, issues = records_file_issues(folder, manifest["records"]["file"])
    if issues:
        raise SubmissionFault.from_issues(issues)
    rf = digest_records(path, limits, tmp_dir)
    problems = []
    if rf.size != manifest["records"]["bytes"]:
        problems.append(rule_issue("submission-size-mismatch", "/records/bytes",
                                   "the records file's size differs from the manifest's"))
    if rf.sha256 != manifest["records"]["sha256"]:
        problems.append(rule_issue("submission-hash-mismatch", "/records/sha256",
                                   "the records file's sha256 differs from the manifest's; it "
                                   "changed or was truncated after the manifest was written"))
    if problems:
        rf.cleanup()
        raise SubmissionFault.from_issues([p.located(file=MANIFEST_FILE) for p in problems])
    return rf


def _count_faults(manifest: dict[str, Any], rf: RecordsFile, result: ReadResult) -> list[Issue]:
    from nearmiss_lab.validate.rules import rule_issue

    faults = []
    if not rf.ends_with_newline and result.last_unreadable:
        faults.append(Issue("ingest-records-truncated", Severity.FATAL, "",
                            "the records file ends inside a record (no final newline and the "
                            "last line is not complete JSON)", file=rf.name))
    if result.entries != manifest["record_count"]:
        faults.append(rule_issue(
            "submission-count-mismatch", "/record_count",
            f"the records file holds {result.entries} records, the manifest says "
            f"{manifest['record_count']}").located(file=MANIFEST_FILE))
    return faults


def ingest_submission(
    folder: str | os.PathLike[str],
    store: str | os.PathLike[str] | None = None,
    *,
    scan: bool = True,
    scanner: Scanner | None = None,
    min_score: float | None = None,
    limits: IngestLimits | None = None,
    today: date | None = None,
    now: datetime | None = None,
    tmp_dir: str | None = None,
    on_progress: Callable[[int], None] | None = None,
    on_scan: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Verify, validate, re-scan, de-duplicate and store one submission; return its receipt.

    Parameters
    ----------
    folder : path
        Submission folder holding ``manifest.json`` and the records file it names
        (``.jsonl`` or ``.jsonl.gz``).
    store : path, optional
        Store folder (created when missing); default ``$NEARMISS_STORE``, else ``./store``.
    scan : bool
        Re-scan free text for residual identifiers (default). ``False`` is recorded in the
        receipt (``residual_scan: false``).
    scanner : callable, optional
        ``record -> findings`` replacing the default
        :func:`nearmiss_lab.deid.residual_scan` (e.g. one engine per worker process).
    min_score : float, optional
        Lowest score that counts as a residual identifier (the de-identifier's default).
    limits : IngestLimits, optional
        Line length and decompression limits.
    today : date, optional
        Reference date for the "not in the future" rule.
    now : datetime, optional
        Time recorded as ``received_at`` / ``ingested_at`` (default: now, UTC).
    tmp_dir : str, optional
        Where a ``.jsonl.gz`` file is expanded (default: the system temporary folder).
    on_progress : callable, optional
        Called with bytes read, for progress bars.
    on_scan : callable, optional
        Called as ``on_scan(records_done, records_total)`` during the residual scan (the slow
        step), for progress bars.

    Returns
    -------
    dict
        The receipt (schema ``receipt`` 1.0.0), also stored in the ``receipts`` table.

    Raises
    ------
    ScanUnavailableError
        ``scan`` is True and no residual-scan engine is available.
    """
    folder = Path(folder)
    limits = limits or IngestLimits()
    root = init_store(resolve_store(store))
    received_at = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    if scan and scanner is None:
        scanner = default_scanner(min_score)  # fail before reading, not half-way
    outcome = Outcome(residual_scan=scan)
    file_names = {str(folder / MANIFEST_FILE): MANIFEST_FILE}
    rf: RecordsFile | None = None
    try:
        manifest = _read_manifest(folder, outcome)
        # The file is verified before the ledger is asked: a resent folder whose records
        # file was altered is a hash mismatch, not a duplicate of what its manifest claims.
        rf = _check_records_file(folder, manifest, limits, tmp_dir)
        outcome.records_sha256 = rf.sha256
        file_names[str(rf.plain_path)] = rf.name
        if check_not_ingested(root, manifest["submission_id"], rf.sha256):
            return _answer_duplicate(root, outcome, manifest, received_at)
        period = (manifest["period"]["start"], manifest["period"]["end"])
        result = ReadResult()
        if rf.expanded_bytes:
            result = read_and_validate(rf.plain_path, period=period, agency=manifest["agency"],
                                       max_line_bytes=limits.max_line_bytes, today=today,
                                       on_progress=on_progress)
        outcome.issues.extend(result.issues)
        outcome.counts.received = result.entries
        outcome.counts.rejected = result.rejected
        faults = _count_faults(manifest, rf, result)
        if result.entries and not result.candidates:
            faults.append(Issue("ingest-no-valid-records", Severity.FATAL, "",
                                "no record passed validation; nothing is stored"))
        if faults:
            raise SubmissionFault.from_issues(faults)
        # An earlier attempt past its commit point is completed from its journal, as it
        # decided: scanning again would cost minutes and change nothing.
        resumed = committed_by(root, "incidents",
                               ingest_id_for(manifest["submission_id"], rf.sha256))
        if scan and not resumed:
            assert scanner is not None
            total = len(result.candidates)
            done = 0

            def scanned(n: int) -> None:
                nonlocal done
                done += n
                if on_scan is not None:
                    on_scan(done, total)

            scan_candidates(result.candidates, scanner, on_progress=scanned)
        receipt = commit_submission(root, manifest=manifest, outcome=outcome,
                                    candidates=result.candidates, received_at=received_at,
                                    file_names=file_names, scan_skipped=scan and resumed)
        if receipt is None:
            return _answer_duplicate(root, Outcome(
                submission_id=outcome.submission_id, agency=outcome.agency,
                period=outcome.period, records_sha256=outcome.records_sha256,
                residual_scan=scan), manifest, received_at)
        return receipt
    except SubmissionFault as fault:
        return _answer_rejected(root, outcome, fault.issues, received_at, file_names)
    finally:
        if rf is not None:
            rf.cleanup()


def _answer_rejected(store: Path, outcome: Outcome, faults: list[Issue], received_at: datetime,
                     file_names: dict[str, str]) -> dict[str, Any]:
    outcome.issues = [*faults, *outcome.issues]
    counts = outcome.counts
    counts.accepted = counts.quarantined = counts.released = 0
    # Nothing is stored; records found already stored (ingest-no-new-records) keep their
    # count, every other received record counts as rejected.
    counts.rejected = counts.received - counts.duplicate
    status, code = decide_status(counts, outcome.issues)
    receipt = build_receipt(outcome, status=status, status_code=code, received_at=received_at,
                            store_version=store_version(store), file_names=file_names)
    store_receipt(store, receipt, ingest_id=None)
    return receipt


def _answer_duplicate(store: Path, outcome: Outcome, manifest: dict[str, Any],
                      received_at: datetime) -> dict[str, Any]:
    outcome.issues = [Issue("ingest-duplicate-submission", Severity.WARNING, "/submission_id",
                            "this submission was already ingested; nothing changed",
                            file=MANIFEST_FILE)]
    outcome.records_sha256 = outcome.records_sha256 or manifest["records"]["sha256"]
    outcome.counts.received = outcome.counts.duplicate = int(manifest["record_count"])
    receipt = build_receipt(outcome, status="duplicate", status_code=-20,
                            received_at=received_at, store_version=store_version(store))
    store_receipt(store, receipt, ingest_id=None)
    return receipt


class IngestAborted(RuntimeError):
    """A folder failed for a reason outside its submission; the folders before it landed.

    Attributes
    ----------
    receipts : list of dict
        Receipts of the folders ingested before the failure (stored).
    folder : str
        The folder that failed (nothing of it is stored beyond what recovery completes).
    code : str
        ``ingest-store-locked`` (the lock timed out) or ``ingest-store-error``.
    reason : str
        The failure's type and message (about the store or the system, never record text).
    """

    def __init__(self, receipts: list[dict[str, Any]], folder: str, cause: BaseException
                 ) -> None:
        self.receipts = receipts
        self.folder = folder
        self.code = ("ingest-store-locked" if isinstance(cause, TimeoutError)
                     else "ingest-store-error")
        text = str(cause)
        self.reason = f"{type(cause).__name__}: {text[:300]}" if text else type(cause).__name__
        super().__init__(f"{folder}: {self.code}: {self.reason}")


def ingest_many(folders: Iterable[str | os.PathLike[str]],
                store: str | os.PathLike[str] | None = None, **options: Any
                ) -> list[dict[str, Any]]:
    """Ingest several submission folders in order; return one receipt per folder.

    ``options`` are those of :func:`ingest_submission`; the residual-scan engine is built
    once and shared.

    Raises
    ------
    IngestAborted
        A folder failed for a reason outside its submission (the store lock timed out, a
        file-system or Delta error); the exception carries the earlier folders' receipts
        and later folders are not attempted.
    """
    if options.get("scan", True) and options.get("scanner") is None:
        options["scanner"] = default_scanner(options.pop("min_score", None))
    receipts: list[dict[str, Any]] = []
    for folder in folders:
        try:
            receipts.append(ingest_submission(folder, store, **options))
        except Exception as exc:  # a data problem is a receipt, never an exception
            raise IngestAborted(receipts, str(folder), exc) from exc
    return receipts
