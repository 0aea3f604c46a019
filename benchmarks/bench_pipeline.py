"""Scaling curve of the demo pipeline: wall time and peak memory of every stage at 1 k, 10 k
and 100 k incidents, which stage dominates and how each grows.

Every stage calls the library functions ``nearmiss demo`` calls (``nearmiss_lab.bulletin.
pipeline``): ``generate_corpus``; ``deidentify_export`` per agency (intake, de-identification,
validation, submission; the first two timed apart by wrapping ``read_export`` and
``deidentify_drafts``); ``ingest_many`` (the residual scan timed inside the scanner);
``analyse`` + ``export_network`` of the last month; ``build_bulletin``. Each stage runs in its
own child process, which reports its own peak resident set (``ru_maxrss``, RUSAGE_SELF) and
that of its largest child (RUSAGE_CHILDREN: the bulletin's kernel); one-off engine loads are
timed apart. The load average is recorded around every stage: the machine may be shared.

De-identification and the residual scan run Presidio at tens of documents per second, so at
sizes above ``--full-limit`` (default 10 000) they are **projected**: their throughput is
measured on a fixed sample of the same corpus (every k-th record, ``--sample`` records) and
multiplied by the number of documents; downstream stages still run at full size on records
whose gold identifier spans were replaced by the library's own ``replace_identifiers`` (an
oracle de-identifier: same shape and length as real output), and ingest runs ``scan=False``.
At measured sizes the sample is taken too, so the projection's error is shown. ``--full``
runs everything for real at every size. ``--demo-check`` runs the real one-process
``nearmiss demo`` at the smallest size for comparison.

    .venv/bin/python benchmarks/bench_pipeline.py                  # 1 k, 10 k, 100 k
    .venv/bin/python benchmarks/bench_pipeline.py --quick          # smoke run: 100, 200
    .venv/bin/python benchmarks/bench_pipeline.py --sizes 1000,100000 --full --json out.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    children_peak_rss_mb,
    current_rss_mb,
    load_average,
    peak_rss_mb,
    python_command,
    render_pipeline,
    run_child,
)

STAGES = ("synth", "deidentify", "ingest", "network", "bulletin")
PARAMS = {"agencies": 4, "months": 12, "seed": 2024, "baseline_months": 6, "min_count": 5,
          "fdr": 0.05, "k": 5}
SCAN_BATCH = 64  # what ingest's scan_candidates uses


def _docs(records: list[dict[str, Any]]) -> int:
    """Free-text documents: non-empty ``narrative`` and ``lessons_learned`` fields."""
    from nearmiss_lab.deid import TEXT_FIELDS

    return sum(1 for r in records for f in TEXT_FIELDS if isinstance(r.get(f), str) and r[f])


def _stride(items: list[Any], size: int) -> list[Any]:
    """Every k-th item, about ``size`` of them: a fixed, spread-out sample of a seeded corpus."""
    step = max(1, len(items) // max(size, 1))
    return items[::step][:size]


def _records_sample(folders: list[Path], size: int) -> tuple[int, int, list[dict[str, Any]]]:
    """Records and documents in the submissions, and every k-th record (about ``size``),
    read in two streaming passes so this process holds no more records than ingest does."""
    def lines() -> Iterator[str]:
        for folder in folders:
            with (folder / "records.jsonl").open(encoding="utf-8") as handle:
                yield from handle

    total = docs = 0
    for line in lines():
        total += 1
        docs += _docs([json.loads(line)])
    step = max(1, total // max(size, 1))
    picked = [json.loads(line) for i, line in enumerate(lines()) if i % step == 0][:size]
    return total, docs, picked


def _engine_load(model: str) -> float:
    from nearmiss_lab.deid import get_engine

    started = time.perf_counter()
    get_engine(model)
    return time.perf_counter() - started


def _oracle(gold: dict[str, list[dict[str, Any]]]) -> Callable[..., list[tuple[dict, dict]]]:
    """``deidentify_drafts`` replaced by gold-span replacement (detection skipped)."""
    from nearmiss_lab.deid import TEXT_FIELDS, Detection
    from nearmiss_lab.deid.replace import replace_identifiers

    def deidentify_drafts(drafts: list[dict[str, Any]], model: str, **_: Any
                          ) -> list[tuple[dict, dict]]:
        out = []
        for draft in drafts:
            texts = {f: draft[f] for f in TEXT_FIELDS if isinstance(draft.get(f), str)}
            found = {f: [Detection(s["start"], s["end"], s["type"], 1.0, "gold") for s in
                         gold.get(f"{draft['agency']}:{draft['record_id']}:{f}", [])]
                     for f in texts}
            replaced, counts = replace_identifiers(texts, found)
            out.append(({**draft, **replaced}, dict(sorted(counts.items()))))
        return out

    return deidentify_drafts


def stage_synth(work: Path, n: int, **_: Any) -> dict[str, Any]:
    from nearmiss_lab.synth import generate_corpus

    started = time.perf_counter()
    info = generate_corpus(work / "synth", agencies=PARAMS["agencies"], incidents=n,
                           months=PARAMS["months"], seed=PARAMS["seed"])
    return {"seconds": time.perf_counter() - started, "incidents": info.incidents}


def stage_deidentify(work: Path, n: int, projected: bool, sample: int, **_: Any
                     ) -> dict[str, Any]:
    """``deidentify_export`` per agency, as the demo calls it (one process, one engine)."""
    import nearmiss_lab.deid.pipeline as deid_pipeline
    import nearmiss_lab.intake as intake
    from nearmiss_lab.config import Settings

    model = Settings.from_env().spacy_model
    corpus = work / "synth"
    entries = json.loads((corpus / "agencies.json").read_text(encoding="utf-8"))
    out: dict[str, Any] = {"intake": 0.0, "detect_replace": 0.0, "docs": 0}
    drafts_seen: list[dict[str, Any]] = []
    real_read, real_deidentify = intake.read_export, deid_pipeline.deidentify_drafts
    if projected:
        gold: dict[str, list[dict[str, Any]]] = {}
        with (corpus / "gold" / "deid.jsonl").open(encoding="utf-8") as handle:
            for line in handle:
                doc = json.loads(line)
                gold[doc["id"]] = doc["spans"]
        inner = _oracle(gold)
    else:
        out["engine_load"] = _engine_load(model)
        inner = real_deidentify

    def timed_read(*args: Any, **kwargs: Any) -> Iterator[Any]:
        rows = real_read(*args, **kwargs)
        while True:
            started = time.perf_counter()
            row = next(rows, None)
            out["intake"] += time.perf_counter() - started
            if row is None:
                return
            yield row

    def timed_deidentify(drafts: list[dict[str, Any]], model: str, **kwargs: Any) -> Any:
        drafts_seen.extend(drafts)
        out["docs"] += _docs(drafts)
        started = time.perf_counter()
        try:
            return inner(drafts, model, **kwargs)
        finally:
            out["detect_replace"] += time.perf_counter() - started

    intake.read_export, deid_pipeline.deidentify_drafts = timed_read, timed_deidentify
    written = 0
    started = time.perf_counter()
    for entry in entries:
        report = deid_pipeline.deidentify_export(
            corpus / entry["export"], corpus / entry["mapping"], entry["agency"],
            work / "submissions" / entry["agency"], model=model, workers=1)
        written += report.written
    out["seconds"] = time.perf_counter() - started
    intake.read_export, deid_pipeline.deidentify_drafts = real_read, real_deidentify
    out["validate_write"] = out["seconds"] - out["intake"] - out["detect_replace"]
    out["written"] = written
    # The sample: real de-identification of every k-th draft, after the timed run.
    picked = _stride(drafts_seen, sample)
    if "engine_load" not in out:
        out["engine_load"] = _engine_load(model)
    started = time.perf_counter()
    real_deidentify(picked, model, workers=1)
    out["sample_docs"] = _docs(picked)
    out["sample_docs_per_s"] = out["sample_docs"] / (time.perf_counter() - started)
    return out


def stage_ingest(work: Path, n: int, projected: bool, sample: int, **_: Any
                 ) -> dict[str, Any]:
    """``ingest_many`` over the submissions, the residual scan timed inside the scanner."""
    from nearmiss_lab.ingest import default_scanner, ingest_many

    entries = json.loads((work / "synth" / "agencies.json").read_text(encoding="utf-8"))
    folders = [work / "submissions" / e["agency"] for e in entries]
    total, docs, picked = _records_sample(folders, sample)
    scanner = default_scanner()
    inner_batch = scanner.batch
    out: dict[str, Any] = {"scan": 0.0, "docs": docs}
    started = time.perf_counter()
    inner_batch(picked[:1])  # builds the engine: once per process (the demo's is warm)
    out["engine_load"] = time.perf_counter() - started

    def timed_batch(batch: list[dict[str, Any]]) -> Any:
        started = time.perf_counter()
        try:
            return inner_batch(batch)
        finally:
            out["scan"] += time.perf_counter() - started

    scanner.batch = timed_batch  # type: ignore[method-assign]
    started = time.perf_counter()
    if projected:
        receipts = ingest_many(folders, work / "store", scan=False)
    else:
        receipts = ingest_many(folders, work / "store", scanner=scanner)
    out["seconds"] = time.perf_counter() - started
    out["without_scan"] = out["seconds"] - out["scan"]
    for key in ("received", "accepted", "quarantined", "rejected", "duplicate"):
        out[key] = sum(r["counts"][key] for r in receipts)
    started = time.perf_counter()
    for i in range(0, len(picked), SCAN_BATCH):
        inner_batch(picked[i:i + SCAN_BATCH])
    out["sample_docs"] = _docs(picked)
    out["sample_docs_per_s"] = out["sample_docs"] / (time.perf_counter() - started)
    return out


def stage_network(work: Path, n: int, **_: Any) -> dict[str, Any]:
    import polars as pl

    from nearmiss_lab.bulletin.data import latest_month
    from nearmiss_lab.network import analyse, export_network
    from nearmiss_lab.store import load_incidents, store_version

    started = time.perf_counter()
    store = work / "store"
    version = store_version(store)
    period = latest_month(store, version)
    result = analyse(load_incidents(store, version=version), period=(period, period),
                     baseline_months=PARAMS["baseline_months"], min_count=PARAMS["min_count"],
                     fdr=PARAMS["fdr"], store_version=version)
    export_network(result, work / "network")
    return {"seconds": time.perf_counter() - started, "period": period,
            "period_incidents": result.params.get("incidents"),
            "significant": result.edges.filter(pl.col("significant")).height}


def stage_bulletin(work: Path, n: int, period: str = "", **_: Any) -> dict[str, Any]:
    from nearmiss_lab.bulletin.build import build_bulletin

    started = time.perf_counter()
    built = build_bulletin(work / "store", period, out=work / "reports",
                           baseline_months=PARAMS["baseline_months"],
                           min_count=PARAMS["min_count"], fdr=PARAMS["fdr"], k=PARAMS["k"])
    return {"seconds": time.perf_counter() - started, **built.timings}


STAGE_FUNCTIONS = {"synth": stage_synth, "deidentify": stage_deidentify,
                   "ingest": stage_ingest, "network": stage_network, "bulletin": stage_bulletin}


def child_main(args: argparse.Namespace) -> int:
    """One stage in this (child) process; prints its measurements as one JSON line."""
    import nearmiss_lab.bulletin.build  # noqa: F401  imports are not the stage's time
    import nearmiss_lab.deid.pipeline  # noqa: F401
    import nearmiss_lab.ingest  # noqa: F401
    import nearmiss_lab.network  # noqa: F401

    rss_before = current_rss_mb()
    load_before = load_average()
    result = STAGE_FUNCTIONS[args.stage](Path(args.work), args.incidents,
                                         projected=args.projected, sample=args.sample,
                                         period=args.period)
    result.update(rss_before_mb=rss_before, peak_rss_mb=peak_rss_mb(),
                  child_peak_rss_mb=children_peak_rss_mb(), load_before=load_before,
                  load_after=load_average())
    print(json.dumps(result))
    return 0


def run_size(n: int, work: Path, *, projected: bool, sample: int, echo: Callable[[str], None]
             ) -> dict[str, Any]:
    """Every stage at ``n`` incidents, each in a child process, in pipeline order."""
    stages: dict[str, Any] = {}
    period = ""
    for stage in STAGES:
        cmd = python_command(__file__, "--stage", stage, "--work", str(work), "--incidents",
                             str(n), "--sample", str(sample), "--period", period)
        if projected:
            cmd.append("--projected")
        child = run_child(cmd)
        if child.returncode != 0:
            raise SystemExit(f"stage {stage} at {n} incidents failed:\n{child.stderr[-3000:]}")
        stages[stage] = json.loads(child.stdout.strip().splitlines()[-1])
        stages[stage]["process_seconds"] = child.seconds
        period = stages[stage].get("period", period)
        echo(f"  {n:>7,} {stage:<10} {stages[stage]['seconds']:8.1f} s "
             f"(load {child.load_before[0]:.1f} -> {child.load_after[0]:.1f})")
    written, received = stages["deidentify"]["written"], stages["ingest"]["received"]
    if not 0 < written == received:  # the hub must see exactly what the agencies wrote
        raise SystemExit(f"{n} incidents: {written} records written, {received} received")
    return {"incidents": n, "projected": projected, "stages": stages}


def demo_check(n: int, work: Path) -> dict[str, Any]:
    """The real ``nearmiss demo`` (one process) at ``n`` incidents: wall time and peak RSS."""
    cmd = python_command("-c", "from nearmiss_lab.cli import main; main()", "demo",
                         "--work", str(work / "work"), "--out", str(work / "out"),
                         "--agencies", str(PARAMS["agencies"]), "--incidents", str(n),
                         "--months", str(PARAMS["months"]), "--seed", str(PARAMS["seed"]),
                         "--json")
    child = run_child(cmd)
    if child.returncode != 0:
        raise SystemExit(f"nearmiss demo failed:\n{child.stderr[-3000:]}")
    steps = json.loads(child.stdout)["steps"]
    return {"incidents": n, "seconds": child.seconds, "peak_rss_mb": child.peak_rss_mb,
            "steps": {s["name"]: s["seconds"] for s in steps},
            "load_before": child.load_before, "load_after": child.load_after}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: 100 and 200 incidents")
    parser.add_argument("--sizes", help="comma-separated incident counts (default 1000,10000,"
                        "100000)")
    parser.add_argument("--full", action="store_true",
                        help="de-identify and scan for real at every size (hours at 100 k)")
    parser.add_argument("--full-limit", type=int, default=None,
                        help="largest size measured end to end without --full (default 10000)")
    parser.add_argument("--sample", type=int, default=None,
                        help="records in the throughput sample (default 300)")
    parser.add_argument("--demo-check", action=argparse.BooleanOptionalAction, default=True,
                        help="also time the real one-process demo at the smallest size")
    parser.add_argument("--json", metavar="FILE", help="write the measurements as JSON")
    parser.add_argument("--work", metavar="DIR", help="keep working files here (default: temp)")
    # child mode (one stage), used by run_size()
    parser.add_argument("--stage", choices=STAGES, help=argparse.SUPPRESS)
    parser.add_argument("--incidents", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--projected", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--period", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.stage:
        return child_main(args)

    if args.sizes:
        sizes = [int(s) for s in args.sizes.split(",")]
    else:
        sizes = [100, 200] if args.quick else [1_000, 10_000, 100_000]
    full_limit = args.full_limit or (100 if args.quick else 10_000)
    sample = args.sample or (20 if args.quick else 300)
    echo = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    with tempfile.TemporaryDirectory(prefix="bench-pipeline-") as tmp:
        root = Path(args.work) if args.work else Path(tmp)
        runs = []
        for n in sorted(sizes):
            projected = not args.full and n > full_limit
            echo(f"pipeline at {n:,} incidents ({'projected' if projected else 'measured'} "
                 "de-identification and scan)")
            runs.append(run_size(n, root / f"n{n}", projected=projected, sample=sample,
                                 echo=echo))
        demo = demo_check(min(sizes), root / "demo") if args.demo_check else None
    result = {"params": {**PARAMS, "sample": sample, "full_limit": full_limit,
                         "full": args.full}, "runs": runs, "demo": demo}
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1), encoding="utf-8")
    print("\n".join(render_pipeline(result)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
