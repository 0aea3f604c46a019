"""``nearmiss validate``: check record files and submission folders against the spec."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from nearmiss_lab.cli._common import EXIT_INVALID, EXIT_OK, InputError, emit_json, json_option

#: Keys of each issue in ``--json`` output, in this order.
ISSUE_KEYS = ("code", "severity", "pointer", "file", "line", "record", "record_id", "rule",
              "message")
#: Inputs at least this large get a progress bar on stderr.
PROGRESS_MIN_BYTES = 8 << 20
KIND_CHOICES = ("incident", "manifest", "receipt", "taxonomy", "mapping", "policy")


def _format_issue(issue: Any) -> str:
    """One line: ``file:line: severity code [rule] pointer (record i, id x): message``."""
    where = issue.file or "-"
    if issue.line is not None:
        where += f":{issue.line}"
    rule = f" [{issue.rule}]" if issue.rule else ""
    record = ""
    if issue.record is not None:
        record = f" (record {issue.record}" + (f", id {issue.record_id}" if issue.record_id
                                               else "") + ")"
    return (f"{where}: {issue.severity.value} {issue.code}{rule} {issue.pointer or '/'}"
            f"{record}: {issue.message}")


def _progress(total: int, label: str) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, unit="B", unit_scale=True, desc=label, file=sys.stderr,
                leave=False, disable=total < PROGRESS_MIN_BYTES)


def _input_size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.glob("*.jsonl") if p.is_file())
    return path.stat().st_size


def _validate_one(path: Path, kind: str | None, max_line_bytes: int, workers: int) -> Any:
    from nearmiss_lab.spec import SpecError
    from nearmiss_lab.validate import validate_records_file, validate_submission

    try:
        with _progress(_input_size(path), path.name) as bar:
            if path.is_dir():
                if kind not in (None, "incident"):
                    raise InputError(f"{path} is a folder: only a submission (incident records "
                                     "with manifest.json) can be validated as a folder")
                return validate_submission(path, max_line_bytes=max_line_bytes,
                                           on_progress=bar.update, workers=workers)
            return validate_records_file(path, kind or "incident", max_line_bytes=max_line_bytes,
                                         on_progress=bar.update, workers=workers)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or 'OS error'}") from None
    except SpecError as exc:
        raise InputError(str(exc)) from None


@click.command("validate")
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, readable=True, path_type=Path))
@click.option("--kind", type=click.Choice(KIND_CHOICES), default=None,
              help="Document kind of the files (default: incident records). Folders are "
                   "always submissions.")
@click.option("--max-line-bytes", type=click.IntRange(min=1024), default=None,
              help="Longest accepted JSON Lines line in bytes (default 1 MiB).")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Processes that check JSON Lines records in parallel (same report, same "
                   "order); worth it for files of many megabytes on a machine with free cores.")
@json_option
def validate_command(paths: tuple[Path, ...], kind: str | None, max_line_bytes: int | None,
                     workers: int, as_json: bool) -> None:
    """Validate record files (JSON Lines or JSON) and submission folders.

    A folder holding manifest.json is checked as a submission (manifest, checksums, counts,
    every record); a file is taken as incident records unless --kind names another kind.
    Exit status: 0 valid, 1 a fatal or error issue, 2 usage error or unreadable path.
    Messages never contain the offending values.
    """
    from nearmiss_lab.issues import Report
    from nearmiss_lab.validate import DEFAULT_MAX_LINE_BYTES

    total = Report()
    for path in paths:
        report = _validate_one(path, kind, max_line_bytes or DEFAULT_MAX_LINE_BYTES, workers)
        total.extend(report.issues)
        total.records_checked += report.records_checked
    if as_json:
        emit_json({"valid": total.valid,
                   "issues": [{k: getattr(i, k) if k != "severity" else i.severity.value
                               for k in ISSUE_KEYS} for i in total.issues]})
    else:
        for issue in total.issues:
            click.echo(_format_issue(issue))
        counts = {s: sum(1 for i in total.issues if i.severity.value == s)
                  for s in ("fatal", "error", "warning")}
        verdict = "valid" if total.valid else "INVALID"
        click.echo(f"{verdict}: {total.records_checked} record(s) in {len(paths)} input(s); "
                   f"{counts['fatal']} fatal, {counts['error']} error(s), "
                   f"{counts['warning']} warning(s)", err=True)
    sys.exit(EXIT_OK if total.valid else EXIT_INVALID)


COMMANDS = [validate_command]
