"""The whole pipeline on a synthetic corpus, in-process: what ``make demo`` runs.

synth (a few agencies, twelve months) -> each agency's de-identification into a submission
-> the hub's ingest into a store -> the network of the last month -> the bulletin. Library
functions are called in one process so Presidio and spaCy load once. A stage whose module is
not in the package yet is reported as skipped with the reason, and the stages that need its
output are skipped too; nothing is ever made up.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Echo = Callable[[str], None]


@dataclass
class StepResult:
    """What one stage did: ``ran`` or ``skipped``, a one-line summary, its duration."""

    name: str
    status: str
    detail: str
    seconds: float = 0.0


@dataclass
class PipelineRun:
    """Paths and outcomes of a pipeline run."""

    work: Path
    steps: list[StepResult] = field(default_factory=list)
    corpus: Path | None = None
    submissions: list[Path] = field(default_factory=list)
    store: Path | None = None
    period: str | None = None
    bulletin: Any = None

    def step(self, name: str) -> StepResult | None:
        return next((s for s in self.steps if s.name == name), None)


def missing(module: str, *attrs: str) -> str | None:
    """Why a stage cannot run: None when ``module`` exists with ``attrs``, else the reason."""
    if importlib.util.find_spec(module) is None:
        return f"{module} is not in the package yet"
    mod = importlib.import_module(module)  # a real import error inside an existing module raises
    absent = [a for a in attrs if not hasattr(mod, a)]
    return f"{module} has no {', '.join(absent)} yet" if absent else None


def _record(run: PipelineRun, echo: Echo, name: str, started: float, detail: str) -> None:
    step = StepResult(name, "ran", detail, time.perf_counter() - started)
    run.steps.append(step)
    echo(f"[{name}] {detail} ({step.seconds:.1f} s)")


def _skip(run: PipelineRun, echo: Echo, name: str, reason: str) -> None:
    run.steps.append(StepResult(name, "skipped", reason))
    echo(f"[{name}] skipped: {reason}")


def synthesise(run: PipelineRun, echo: Echo, *, agencies: int, incidents: int, months: int,
               seed: int) -> None:
    """Stage 1: ``generate_corpus`` into ``<work>/synth``."""
    reason = missing("nearmiss_lab.synth", "generate_corpus")
    if reason:
        return _skip(run, echo, "synth", reason)
    from nearmiss_lab.synth import generate_corpus

    started = time.perf_counter()
    corpus = run.work / "synth"
    info = generate_corpus(corpus, agencies=agencies, incidents=incidents, months=months,
                           seed=seed)
    run.corpus = corpus
    _record(run, echo, "synth", started,
            f"{info.incidents} incidents from {len(info.agencies)} agencies, "
            f"{info.start_month} to {info.end_month} -> {corpus}")


DEID_MODULE = "nearmiss_lab.deid.pipeline"


def _deidentify_function() -> tuple[Callable[..., Any] | None, str | None]:
    reason = missing(DEID_MODULE, "deidentify_export")
    if reason:
        return None, reason
    return importlib.import_module(DEID_MODULE).deidentify_export, None


def deidentify(run: PipelineRun, echo: Echo) -> None:
    """Stage 2: each agency de-identifies its own export into a submission folder."""
    if run.corpus is None:
        return _skip(run, echo, "deidentify", "no synthetic corpus (synth did not run)")
    function, reason = _deidentify_function()
    if function is None:
        return _skip(run, echo, "deidentify", reason or "")
    from nearmiss_lab.config import Settings

    started = time.perf_counter()
    model = Settings.from_env().spacy_model
    entries = json.loads((run.corpus / "agencies.json").read_text(encoding="utf-8"))
    out = run.work / "submissions"
    written = rejected = 0
    entities: dict[str, int] = {}
    for entry in entries:
        folder = out / entry["agency"]
        # In this process (workers=1): the engine loads once and the ingest's re-scan reuses it.
        report = function(run.corpus / entry["export"], run.corpus / entry["mapping"],
                          entry["agency"], folder, model=model, workers=1)
        written += report.written
        rejected += len(report.rejected_rows)
        for kind, n in report.entities.items():
            entities[kind] = entities.get(kind, 0) + n
        run.submissions.append(folder)
    replaced = sum(entities.values())
    _record(run, echo, "deidentify", started,
            f"{len(entries)} agencies: {written} records written, {rejected} rows rejected, "
            f"{replaced} identifiers replaced ({len(entities)} types) -> {out}")


def ingest(run: PipelineRun, echo: Echo) -> None:
    """Stage 3: the hub ingests every submission into ``<work>/store``."""
    if not run.submissions:
        return _skip(run, echo, "ingest", "no submissions (deidentify did not run)")
    reason = missing("nearmiss_lab.ingest", "ingest_many")
    if reason:
        return _skip(run, echo, "ingest", reason)
    from nearmiss_lab.ingest import ingest_many

    started = time.perf_counter()
    store = run.work / "store"
    receipts = ingest_many(run.submissions, store)
    run.store = store
    statuses: dict[str, int] = {}
    accepted = quarantined = 0
    for receipt in receipts:
        statuses[receipt["status"]] = statuses.get(receipt["status"], 0) + 1
        accepted += receipt["counts"]["accepted"]
        quarantined += receipt["counts"]["quarantined"]
    summary = ", ".join(f"{n} {s}" for s, n in sorted(statuses.items()))
    _record(run, echo, "ingest", started,
            f"{len(receipts)} submissions ({summary}); {accepted} records stored, "
            f"{quarantined} quarantined -> {store}")


def network(run: PipelineRun, echo: Echo, *, baseline_months: int, min_count: int,
            fdr: float) -> None:
    """Stage 4: the co-occurrence network of the store's last month, exported to files."""
    if run.store is None:
        return _skip(run, echo, "network", "no store (ingest did not run)")
    reason = missing("nearmiss_lab.network", "analyse", "export_network")
    if reason:
        return _skip(run, echo, "network", reason)
    import polars as pl

    from nearmiss_lab.bulletin.data import latest_month
    from nearmiss_lab.network import analyse, export_network
    from nearmiss_lab.store import load_incidents, store_version

    started = time.perf_counter()
    version = store_version(run.store)
    run.period = latest_month(run.store, version)
    result = analyse(load_incidents(run.store, version=version), period=(run.period, run.period),
                     baseline_months=baseline_months, min_count=min_count, fdr=fdr,
                     store_version=version)
    export_network(result, run.work / "network")
    significant = result.edges.filter(pl.col("significant")).height
    emerging = result.emerging.filter(pl.col("emerging")).height
    _record(run, echo, "network", started,
            f"{run.period}: {result.params.get('incidents', '?')} incidents, {significant} "
            f"significant pairs, {emerging} emerging -> {run.work / 'network'}")


def bulletin(run: PipelineRun, echo: Echo, *, out: Path, baseline_months: int, min_count: int,
             fdr: float, k: int) -> None:
    """Stage 5: the safety bulletin of the last month."""
    if run.store is None or run.period is None:
        return _skip(run, echo, "bulletin", "no store and period (ingest or network did not run)")
    from nearmiss_lab.bulletin.build import build_bulletin

    started = time.perf_counter()
    built = build_bulletin(run.store, run.period, out=out, baseline_months=baseline_months,
                           min_count=min_count, fdr=fdr, k=k)
    run.bulletin = built
    _record(run, echo, "bulletin", started, f"{built.id} -> {built.html}")


def run_pipeline(
    work: str | Path,
    out: str | Path,
    *,
    agencies: int = 4,
    incidents: int = 1200,
    months: int = 12,
    seed: int = 2024,
    baseline_months: int = 6,
    min_count: int = 5,
    fdr: float = 0.05,
    k: int = 5,
    echo: Echo = print,
    stop_after: str | None = None,
) -> PipelineRun:
    """Run every stage that exists, in order, and say what each did or why it was skipped.

    Parameters
    ----------
    work : path
        Working folder (synthetic exports, submissions, store, network files).
    out : path
        Bulletin output folder.
    agencies, incidents, months, seed
        Size and seed of the synthetic corpus.
    baseline_months, min_count, fdr, k
        Network and bulletin parameters.
    echo : callable
        Receives one line per stage.
    stop_after : str, optional
        Name of the last stage to run (e.g. ``"ingest"`` to build a store only).

    Returns
    -------
    PipelineRun
    """
    run = PipelineRun(Path(work))
    run.work.mkdir(parents=True, exist_ok=True)
    stages: list[tuple[str, Callable[[], None]]] = [
        ("synth", lambda: synthesise(run, echo, agencies=agencies, incidents=incidents,
                                     months=months, seed=seed)),
        ("deidentify", lambda: deidentify(run, echo)),
        ("ingest", lambda: ingest(run, echo)),
        ("network", lambda: network(run, echo, baseline_months=baseline_months,
                                    min_count=min_count, fdr=fdr)),
        ("bulletin", lambda: bulletin(run, echo, out=Path(out), baseline_months=baseline_months,
                                      min_count=min_count, fdr=fdr, k=k)),
    ]
    for name, stage in stages:
        stage()
        if name == stop_after:
            break
    return run
