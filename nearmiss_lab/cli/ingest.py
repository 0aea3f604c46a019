"""``nearmiss ingest SUBMISSION_DIR... --store DIR``: the hub's intake of submissions."""

from __future__ import annotations

from typing import Any

import click

from nearmiss_lab.cli._common import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    InputError,
    emit_json,
    json_option,
    settings,
    store_option,
)

#: Statuses that make the command exit 1: something in the data was refused.
FAILING_STATUSES = frozenset({"rejected", "accepted_with_errors"})
_SHOWN_ISSUES = 20


def format_receipt(receipt: dict[str, Any], folder: str) -> str:
    """Render a receipt for a terminal: status, counts, then the first issues."""
    c = receipt["counts"]
    lines = [
        f"{folder}: {receipt['status']} ({receipt['status_code']}) "
        f"submission {receipt['submission_id'] or '-'}",
        f"  received {c['received']}, accepted {c['accepted']}, quarantined {c['quarantined']}, "
        f"duplicate {c['duplicate']}, rejected {c['rejected']}"
        + (f", released from quarantine {c['released']}" if c.get("released") else ""),
        f"  store version {receipt['store_version']}"
        + ("" if receipt["residual_scan"] else "  (residual scan OFF)"),
    ]
    for issue in receipt["issues"][:_SHOWN_ISSUES]:
        where = [f"{issue['file'] or ''}"]
        if issue.get("record") is not None:
            where.append(f"record {issue['record']}")
        if issue.get("line") is not None:
            where.append(f"line {issue['line']}")
        lines.append(f"  {issue['severity']:<7} {issue['code']:<34} "
                     f"{' '.join(w for w in where if w)} {issue['pointer'] or '/'}: "
                     f"{issue['message']}")
    hidden = len(receipt["issues"]) - _SHOWN_ISSUES
    if hidden > 0:
        lines.append(f"  ... {hidden} more issue(s); --json shows them all")
    return "\n".join(lines)


class _ScanBar:
    """A tqdm bar on stderr for the residual scan, shown only for long scans on a terminal."""

    MIN_RECORDS = 200

    def __init__(self) -> None:
        self._bar: Any = None

    def update(self, done: int, total: int) -> None:
        import sys

        if self._bar is None:
            if total < self.MIN_RECORDS or not sys.stderr.isatty():
                return
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit="record", desc="residual scan", leave=False)
        self._bar.n = done
        self._bar.refresh()
        if done >= total:
            self.close()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


@click.command("ingest")
@click.argument("submissions", nargs=-1, required=True,
                type=click.Path(exists=True, file_okay=False, path_type=str))
@store_option
@json_option
@click.option("--no-scan", is_flag=True,
              help="Skip the residual-identifier re-scan (recorded in the receipt).")
@click.option("--min-score", type=click.FloatRange(0, 1), default=None,
              help="Lowest detector score that quarantines a record (de-identifier default).")
@click.option("--max-expanded-bytes", type=click.IntRange(min=1), default=None,
              help="Largest expansion of a .jsonl.gz records file (default 2 GiB).")
def ingest_command(submissions: tuple[str, ...], store: str | None, as_json: bool,
                   no_scan: bool, min_score: float | None,
                   max_expanded_bytes: int | None) -> None:
    """Verify, validate, re-scan and store submission folders; print one receipt each.

    Exit status: 0 when every submission was accepted (possibly with warnings) or was a
    duplicate, 1 when any was rejected or had records rejected or quarantined, 2 on
    unreadable input, an unavailable scan engine (e.g. the spaCy model is not installed) or
    a store that could not be written (the receipts of the folders before it are printed,
    then the coded error).
    """
    import os

    os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
    from nearmiss_lab.config import ModelNotInstalledError
    from nearmiss_lab.ingest import IngestAborted, IngestLimits, ScanUnavailableError, ingest_many

    path = settings(store=store).store
    limits = IngestLimits()
    if max_expanded_bytes is not None:
        limits = IngestLimits(max_line_bytes=limits.max_line_bytes,
                              max_expanded_bytes=max_expanded_bytes)
    bar = _ScanBar()
    aborted: IngestAborted | None = None
    try:
        receipts = ingest_many(submissions, path, scan=not no_scan, min_score=min_score,
                               limits=limits, on_scan=bar.update)
    except (ScanUnavailableError, ModelNotInstalledError) as exc:
        # The scan engine is checked before the first folder is read: exit 2, store untouched.
        raise InputError(str(exc)) from None
    except IngestAborted as exc:
        aborted, receipts = exc, exc.receipts  # what landed is still answered
    finally:
        bar.close()
    if as_json:
        if len(submissions) > 1:
            emit_json(receipts)
        elif receipts:
            emit_json(receipts[0])
    else:
        for folder, receipt in zip(submissions, receipts, strict=False):
            click.echo(format_receipt(receipt, folder))
    if aborted is not None:
        skipped = len(submissions) - len(receipts) - 1
        click.echo(f"error: {aborted.folder}: {aborted.code}: {aborted.reason}; "
                   f"{len(receipts)} folder(s) before it were stored, this one did not finish "
                   "(what it committed is completed by the next ingest or `nearmiss store "
                   "recover`)" + (f", {skipped} after it not attempted" if skipped else ""),
                   err=True)
        raise SystemExit(EXIT_USAGE)
    failing = any(r["status"] in FAILING_STATUSES for r in receipts)
    raise SystemExit(EXIT_INVALID if failing else EXIT_OK)


COMMANDS = [ingest_command]
