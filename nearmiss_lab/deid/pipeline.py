"""The agency side in one call: export -> intake -> de-identify -> validate -> submission.

Raw text exists only in this process's memory and, with ``workers > 1``, in the memory of
the worker processes it is piped to; nothing the de-identifier removes is logged, printed,
cached or written. Only counts by type leave this module.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from nearmiss_lab.deid.types import TEXT_FIELDS
from nearmiss_lab.issues import Issue

TOOL = "nearmiss-lab"
CHUNK = 32  # records per worker task: one spaCy batch


@dataclass
class DeidentifyReport:
    """What ``deidentify_export`` did: counts and issues, never text."""

    rows: int = 0
    written: int = 0
    rejected_rows: list[int] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    entities: dict[str, int] = field(default_factory=dict)
    manifest: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "written": self.written,
            "rejected": len(self.rejected_rows),
            "rejected_rows": self.rejected_rows,
            "entities": self.entities,
            "manifest": self.manifest,
            "issues": [i.to_dict() for i in self.issues],
        }


def _worker_init(model: str) -> None:
    from nearmiss_lab.deid.engine import get_engine

    get_engine(model)  # one engine per worker process, built once


def _deidentify_chunk(args: tuple[str, list[dict[str, Any]]]) -> list[tuple[dict, dict]]:
    from nearmiss_lab.deid.engine import get_engine
    from nearmiss_lab.deid.record import deidentify_records

    model, drafts = args
    done = deidentify_records(drafts, engine=get_engine(model))
    return [(d.record, d.entities) for d in done]


def _chunks(items: Sequence[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def deidentify_drafts(
    drafts: Sequence[dict[str, Any]],
    model: str,
    *,
    workers: int = 1,
    on_progress: Callable[[int], None] | None = None,
) -> list[tuple[dict[str, Any], dict[str, int]]]:
    """De-identify draft incidents in order, in this process or in ``workers`` processes.

    Returns
    -------
    list of (record, entity counts)
        In the order of ``drafts``.
    """
    tasks = [(model, chunk) for chunk in _chunks(drafts, CHUNK)]
    out: list[tuple[dict[str, Any], dict[str, int]]] = []
    if workers <= 1:
        for task in tasks:
            out.extend(_deidentify_chunk(task))
            if on_progress:
                on_progress(len(task[1]))
        return out
    with ProcessPoolExecutor(workers, initializer=_worker_init, initargs=(model,)) as pool:
        for (_, chunk), result in zip(tasks, pool.map(_deidentify_chunk, tasks), strict=True):
            out.extend(result)
            if on_progress:
                on_progress(len(chunk))
    return out


def tool_versions(model: str) -> dict[str, str]:
    """Versions of the tools a submission was made with (for the manifest)."""
    from importlib import metadata

    from nearmiss_lab import __version__

    tools = {TOOL: __version__}
    for dist in ("presidio-analyzer", "spacy"):
        try:
            tools[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            pass
    try:
        tools[model] = metadata.version(model.replace("_", "-"))
    except metadata.PackageNotFoundError:
        pass
    return tools


def deidentify_export(
    export: Path | str,
    mapping_path: Path | str,
    agency: str,
    out_dir: Path | str,
    *,
    model: str,
    workers: int = 1,
    policy_path: Path | str | None = None,
    on_progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> DeidentifyReport:
    """Read an agency export through its mapping and write a de-identified submission.

    Parameters
    ----------
    export, mapping_path : Path or str
        The raw export and its field mapping (``nearmiss_lab.intake``).
    agency : str
        The agency pseudonym; must equal the mapping's.
    out_dir : Path or str
        The submission folder (``manifest.json`` + ``records.jsonl``).
    model : str
        spaCy model for the engine.
    workers : int
        Processes that de-identify (one engine each).
    policy_path : Path or str, optional
        Generalisation policy (default: the package's ``nm-deid-1``).
    on_progress, on_total : callable, optional
        Progress callbacks (records done; total records).

    Returns
    -------
    DeidentifyReport
        Rows read, records written, rejected rows with their coded issues, entity counts.

    Raises
    ------
    ValueError
        The mapping belongs to another agency.
    """
    from nearmiss_lab import __version__
    from nearmiss_lab.intake import load_mapping, load_policy, read_export
    from nearmiss_lab.submission import write_submission
    from nearmiss_lab.validate import validate_incident

    mapping = load_mapping(mapping_path)
    if mapping.agency != agency:
        raise ValueError("the mapping is for another agency than --agency")
    policy = load_policy(policy_path) if policy_path else load_policy()
    report = DeidentifyReport()
    drafts: list[dict[str, Any]] = []
    draft_rows: list[int] = []
    for row in read_export(export, mapping, policy=policy):
        report.rows += 1
        report.issues.extend(row.issues)
        if row.draft is None or any(i.severity.blocking for i in row.issues):
            report.rejected_rows.append(row.row)
            continue
        drafts.append(row.draft)
        draft_rows.append(row.row)
    if on_total:
        on_total(len(drafts))
    done = deidentify_drafts(drafts, model, workers=workers, on_progress=on_progress)

    months = sorted(
        r["occurred_month"] for r, _ in done if isinstance(r.get("occurred_month"), str)
    )
    now = datetime.now(UTC).strftime("%Y-%m")
    period = (months[0], months[-1]) if months else (now, now)
    block = {"tool": TOOL, "tool_version": __version__, "policy": policy.id, "model": model}
    total: Counter[str] = Counter()
    accepted = []
    for (record, counts), number in zip(done, draft_rows, strict=True):
        record["deidentification"] = {**block, "entities": counts}
        issues = validate_incident(record, period=period)
        located = [
            i.located(
                file=str(export), line=number, record=number - 1, record_id=record.get("record_id")
            )
            for i in issues
        ]
        report.issues.extend(located)
        if any(i.severity.blocking for i in issues):
            report.rejected_rows.append(number)
            continue
        accepted.append(record)
        total.update(counts)
    report.entities = dict(sorted(total.items()))
    manifest = write_submission(
        accepted,
        Path(out_dir),
        agency=agency,
        period=period,
        deidentification={**block, "entities": report.entities},
        tools=tool_versions(model),
    )
    report.written = len(accepted)
    report.manifest = str(manifest)
    report.rejected_rows.sort()
    return report


__all__ = ["DeidentifyReport", "TEXT_FIELDS", "deidentify_drafts", "deidentify_export"]
