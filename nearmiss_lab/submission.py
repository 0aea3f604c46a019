"""The federated unit of exchange: a folder with ``records.jsonl`` and ``manifest.json``.

An agency writes one with :func:`write_submission` after de-identifying its records; the hub
reads the manifest with :func:`read_manifest` and checks the folder with
:func:`nearmiss_lab.validate.validate_submission` before reading any record.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from nearmiss_lab import __version__
from nearmiss_lab.issues import Issue, Severity
from nearmiss_lab.spec import INCIDENT_SCHEMA_VERSION, MANIFEST_SCHEMA_VERSION

MANIFEST_NAME = "manifest.json"
#: A manifest is small; anything bigger is not one.
MANIFEST_MAX_BYTES = 1 << 20

MANIFEST_MISSING = "manifest-missing"
MANIFEST_UNREADABLE = "manifest-unreadable"
SUBMISSION_CODES = (MANIFEST_MISSING, MANIFEST_UNREADABLE)

_YEAR_MONTH = re.compile(r"^(19|20)[0-9]{2}-(0[1-9]|1[0-2])\Z")
_RECORDS_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}\.jsonl(\.gz)?\Z")


def sha256_file(path: str | Path, *, chunk_size: int = 1 << 20) -> str:
    """Return the lower-case hex sha256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while block := handle.read(chunk_size):
            digest.update(block)
    return digest.hexdigest()


def submission_id(agency: str, period: tuple[str, str], records_sha256: str) -> str:
    """Return the content-derived submission id: ``<agency>-<16 hex of sha256>``.

    The same agency, period and records bytes always give the same id, so a resubmission of
    identical content is recognisable as such.
    """
    key = f"{agency}\n{period[0]}\n{period[1]}\n{records_sha256}".encode()
    return f"{agency}-{hashlib.sha256(key).hexdigest()[:16]}"


def _deid_summary(given: Mapping[str, Any], summed: dict[str, int],
                  records_with: int) -> dict[str, Any]:
    if "entities" in given:
        summary = dict(given)
        summary["entities"] = dict(given["entities"])
    elif given and all(isinstance(v, int) for v in given.values()):
        summary = {"entities": dict(given)}  # a bare {TYPE: count} map
    else:
        summary = {**given, "entities": summed}
    summary.setdefault("records_with_replacements", records_with)
    return summary


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def write_submission(records: Iterable[dict[str, Any]], out_dir: Path, *, agency: str,
                     period: tuple[str, str], deidentification: Mapping[str, Any],
                     tools: Mapping[str, str], records_name: str = "records.jsonl",
                     created: datetime | None = None) -> Path:
    """Write a submission folder: the records as JSON Lines and its manifest.

    Parameters
    ----------
    records : iterable of dict
        De-identified incidents; streamed, one compact JSON object per line (UTF-8, ``\\n``).
    out_dir : Path
        Folder to write into (created when missing). Existing files of the same names are
        replaced atomically.
    agency : str
        Agency pseudonym (``AG-...``).
    period : (str, str)
        First and last month covered, ``YYYY-MM``.
    deidentification : mapping
        The de-identification summary: either ``{"tool": ..., "tool_version": ...,
        "policy": ..., "entities": {TYPE: count}}`` or a bare ``{TYPE: count}`` map. Without
        counts, the records' own ``deidentification.entities`` are summed.
    tools : mapping of str to str
        Tool versions by name; ``nearmiss-lab`` is added when absent.
    records_name : str
        Name of the records file: a plain ``*.jsonl`` or ``*.jsonl.gz`` file name.
    created : datetime, optional
        Creation time (default: now, UTC).

    Returns
    -------
    Path
        The path of ``manifest.json``.

    Raises
    ------
    ValueError
        Bad period, agency or file name, or a manifest that would not validate (the message
        names codes and pointers, never values).

    Notes
    -----
    No records is a *zero report* (nothing happened in the period, which still counts toward
    coverage): an empty records file and ``record_count`` 0. A name ending in ``.jsonl.gz``
    is written gzip-compressed; size and sha256 are those of the compressed bytes.
    """
    start, end = period
    if not (_YEAR_MONTH.match(start) and _YEAR_MONTH.match(end)) or start > end:
        raise ValueError("period must be (start, end) as YYYY-MM with start <= end")
    if not _RECORDS_NAME.match(records_name):
        raise ValueError("records_name must be a plain file name ending in .jsonl or .jsonl.gz")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    records_path = out_dir / records_name
    tmp = records_path.with_name(f".{records_name}.tmp")
    count, records_with = 0, 0
    summed: dict[str, int] = {}
    with tmp.open("wb") as raw:
        # mtime=0 and no file name in the gzip header: same records, same bytes, same id.
        handle = (gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0)
                  if records_name.endswith(".gz") else raw)
        with handle:
            for record in records:
                handle.write((json.dumps(record, ensure_ascii=False, separators=(",", ":"),
                                         allow_nan=False) + "\n").encode("utf-8"))
                count += 1
                entities = (record.get("deidentification") or {}).get("entities")
                if isinstance(entities, dict) and entities:
                    for kind, n in entities.items():
                        if isinstance(n, int):
                            summed[kind] = summed.get(kind, 0) + n
                    records_with += any(isinstance(n, int) and n > 0 for n in entities.values())
    os.replace(tmp, records_path)
    sha, size = sha256_file(records_path), records_path.stat().st_size
    manifest = {
        "schema_version": MANIFEST_SCHEMA_VERSION,
        "submission_id": submission_id(agency, (start, end), sha),
        "agency": agency,
        "period": {"start": start, "end": end},
        "record_count": count,
        "records": {"file": records_name, "sha256": sha, "bytes": size},
        "incident_schema_version": INCIDENT_SCHEMA_VERSION,
        "tools": {**dict(tools), "nearmiss-lab": tools.get("nearmiss-lab", __version__)},
        "deidentification": _deid_summary(deidentification, summed, records_with),
        "created": (created or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    from nearmiss_lab.validate import validate_document

    problems = [i for i in validate_document(manifest, "manifest") if i.severity.blocking]
    if problems:
        where = ", ".join(f"{i.code} at {i.pointer or '/'}" for i in problems)
        raise ValueError(f"the manifest would not validate: {where}")
    manifest_path = out_dir / MANIFEST_NAME
    _atomic_write(manifest_path, (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
                  .encode("utf-8"))
    return manifest_path


def read_manifest(folder: str | Path) -> tuple[dict[str, Any] | None, list[Issue]]:
    """Read and validate ``manifest.json`` of a submission folder.

    Parameters
    ----------
    folder : str or Path
        The submission folder.

    Returns
    -------
    (dict or None, list of Issue)
        The manifest, or None when it is missing (``manifest-missing``), unreadable
        (``manifest-unreadable``: not a file, too large, not UTF-8, not one JSON object,
        duplicate keys) or schema-invalid (fatal ``schema-*`` issues, R-025); the issues
        carry ``file``. Warnings (e.g. a byte order mark) do not make it None.
    """
    from nearmiss_lab.validate import read_jsonl, validate_document

    path = Path(folder) / MANIFEST_NAME
    file = str(path)
    if not path.exists() and not path.is_symlink():
        return None, [Issue(MANIFEST_MISSING, Severity.FATAL, "",
                            "the submission folder has no manifest.json", file=file)]
    try:
        if not path.is_file() or path.stat().st_size > MANIFEST_MAX_BYTES:
            return None, [Issue(MANIFEST_UNREADABLE, Severity.FATAL, "",
                                f"manifest.json is not a regular file of at most "
                                f"{MANIFEST_MAX_BYTES} bytes", file=file)]
        entries = list(read_jsonl(path))
    except OSError as exc:
        return None, [Issue(MANIFEST_UNREADABLE, Severity.FATAL, "",
                            f"manifest.json cannot be read ({exc.strerror or 'OS error'})",
                            file=file)]
    issues: list[Issue] = []
    for entry in entries:
        for issue in entry.issues:
            if issue.severity.blocking:
                issues.append(Issue(MANIFEST_UNREADABLE, Severity.FATAL, "",
                                    f"manifest.json is unreadable: {issue.message}",
                                    file=file, line=issue.line))
            else:
                issues.append(issue)
    if len(entries) != 1 or entries[0].record is None:
        if not any(i.code == MANIFEST_UNREADABLE for i in issues):
            issues.append(Issue(MANIFEST_UNREADABLE, Severity.FATAL, "",
                                "manifest.json must hold exactly one JSON object", file=file))
        return None, issues
    manifest = entries[0].record
    issues.extend(i.located(file=file) for i in validate_document(manifest, "manifest"))
    if any(i.severity.blocking for i in issues):
        return None, issues
    return manifest, issues
