"""Validate a submission folder: manifest, records file, checksums, counts, every record."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from nearmiss_lab.issues import Issue, Report
from nearmiss_lab.spec import Taxonomy
from nearmiss_lab.validate.reader import DEFAULT_MAX_LINE_BYTES
from nearmiss_lab.validate.records import validate_records_file
from nearmiss_lab.validate.rules import rule_issue

MANIFEST_FILE = "manifest.json"


def member_problem(folder: Path, name: str) -> str | None:
    """Why the file ``name`` of a submission folder must not be read, or None when it may.

    The one file-safety check of a submission, shared by the validator and the hub's ingest:
    ``"symlink"`` (a symbolic link, wherever it points), ``"missing"``, or ``"unsafe"`` (not
    a regular file, or resolving to a place other than directly inside ``folder``).
    """
    path = folder / name
    if path.is_symlink():
        return "symlink"
    if not path.exists():
        return "missing"
    if not path.is_file() or path.resolve().parent != folder.resolve():
        return "unsafe"
    return None


def manifest_file_issues(folder: Path) -> list[Issue]:
    """Check that ``manifest.json`` is safe to read (R-029): not a symbolic link.

    A missing manifest, or one that is not a regular file, is left to
    :func:`nearmiss_lab.submission.read_manifest` (``manifest-missing`` /
    ``manifest-unreadable``); only what that reader would silently follow is reported here.
    """
    if member_problem(folder, MANIFEST_FILE) == "symlink":
        return [rule_issue("submission-manifest-unsafe", "",
                           "manifest.json is a symbolic link; only regular files directly "
                           "inside the submission folder are read").located(
                               file=str(folder / MANIFEST_FILE))]
    return []


def records_file_issues(folder: Path, name: str) -> tuple[Path, list[Issue]]:
    """Locate the records file named by a manifest and check it is safe to read (R-020/R-021).

    The name must resolve to a regular file directly inside ``folder`` and must not be a
    symbolic link: a submission must not make the hub read anything outside it.
    """
    path = folder / name
    file = str(path)
    problem = member_problem(folder, name)
    if problem == "symlink":
        return path, [rule_issue("submission-records-unsafe", "/records/file",
                                 "the records file is a symbolic link").located(file=file)]
    if problem == "missing":
        return path, [rule_issue("submission-records-missing", "/records/file",
                                 "the records file named by the manifest does not exist"
                                 ).located(file=file)]
    if problem == "unsafe":
        return path, [rule_issue("submission-records-unsafe", "/records/file",
                                 "the records file is not a regular file directly inside the "
                                 "submission folder").located(file=file)]
    return path, []


def validate_submission(folder: str | Path, *, taxonomy: Taxonomy | None = None,
                        today: date | None = None,
                        max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
                        on_progress: Callable[[int], None] | None = None,
                        workers: int = 1) -> Report:
    """Validate a submission folder as the hub would before ingesting it.

    Checks, in order: the manifest (not a symbolic link, R-029; present, readable,
    schema-valid, R-025); the records file
    it names (R-020, R-021); its size and sha256 (R-022, R-023); then every record (schema,
    record rules with the manifest's period, R-026 agency, R-027 duplicate ids, R-028 schema
    version) and finally the record count (R-024). Checking stops early only when there is
    nothing further to read. A ``.jsonl.gz`` records file is hashed as stored and read
    through gzip; a zero report (``record_count`` 0) may have an empty records file.

    Parameters
    ----------
    folder : str or Path
        Folder holding ``manifest.json`` and the records file.
    taxonomy : Taxonomy, optional
        Code list (default: the spec's taxonomy).
    today : date, optional
        Reference date for R-005.
    max_line_bytes : int
        Longest accepted record line.
    on_progress : callable, optional
        Called with bytes consumed while reading records.
    workers : int
        Processes that check the records in parallel (see
        :func:`~nearmiss_lab.validate.validate_records_file`; same report for any number).

    Returns
    -------
    Report
        ``valid`` is False on any fatal or error issue.
    """
    from nearmiss_lab.submission import read_manifest, sha256_file

    folder = Path(folder)
    report = Report()
    # The same file-safety checks as the hub's ingest, before anything is opened.
    report.extend(manifest_file_issues(folder))
    if report.issues:
        return report
    manifest, issues = read_manifest(folder)
    report.extend(issues)
    if manifest is None:
        return report
    path, issues = records_file_issues(folder, manifest["records"]["file"])
    report.extend(issues)
    if issues:
        return report
    manifest_file = str(folder / MANIFEST_FILE)
    if path.stat().st_size != manifest["records"]["bytes"]:
        report.extend([rule_issue("submission-size-mismatch", "/records/bytes",
                                  "the records file's size differs from the manifest's"
                                  ).located(file=manifest_file)])
    if sha256_file(path) != manifest["records"]["sha256"]:
        report.extend([rule_issue("submission-hash-mismatch", "/records/sha256",
                                  "the records file's sha256 differs from the manifest's; it "
                                  "changed after the manifest was written").located(
                                      file=manifest_file)])
    period = (manifest["period"]["start"], manifest["period"]["end"])
    records = validate_records_file(
        path, "incident", taxonomy=taxonomy, period=period, today=today,
        agency=manifest["agency"], schema_version=manifest["incident_schema_version"],
        max_line_bytes=max_line_bytes, on_progress=on_progress,
        allow_empty=manifest["record_count"] == 0, workers=workers)
    report.extend(records.issues)
    report.records_checked = records.records_checked
    if records.records_checked != manifest["record_count"]:
        report.extend([rule_issue("submission-count-mismatch", "/record_count",
                                  f"the records file holds {records.records_checked} records, "
                                  f"the manifest says {manifest['record_count']}").located(
                                      file=manifest_file)])
    return report
