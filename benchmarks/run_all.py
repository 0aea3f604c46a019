"""Run every benchmark, print one table and write ``benchmarks/RESULTS.md`` (``make bench``).

Each ``benchmarks/bench_*.py`` runs in its own child process (its wall time, its peak memory
from ``os.wait4`` and the load average before and after are recorded); its printed table is
read back into figures, each a ratio against the plain alternative measured in the same run.
A benchmark without a reader here still runs and its output is kept. One comparison no
``bench_*.py`` makes is run here: de-identification with two worker processes against plain
Presidio with two worker processes (same corpus as ``bench_deid.py``).

    .venv/bin/python benchmarks/run_all.py                 # everything (tens of minutes)
    .venv/bin/python benchmarks/run_all.py --quick         # smoke run -> benchmarks/out/
    .venv/bin/python benchmarks/run_all.py --only validate,network --results /tmp/R.md
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _common import (  # noqa: E402
    ChildRun,
    describe_machine_markdown,
    machine_description,
    markdown_table,
    python_command,
    render_pipeline,
    run_child,
)
from _readers import NOTES, READERS, Figure, ParseError, pipeline_figures  # noqa: E402

ORDER = ("deid", "deid-workers", "validate", "synth", "ingest", "network", "factors",
         "bulletin", "pipeline")
TABLE_HEAD = ["area", "figure", "ours", "plain alternative (same run)", "ratio",
              "load 1 min before -> after"]


# --- de-identification, two worker processes each (run here as a child: --deid-workers) ----

_PLAIN: Any = None


def _plain_init(model: str) -> None:
    global _PLAIN
    from nearmiss_lab.deid.evaluate import plain_presidio_detector

    _PLAIN = plain_presidio_detector(model)


def _plain_detect(args: tuple[str, list[str]]) -> int:
    return sum(len(found) for found in _PLAIN(args[1]))


def deid_workers(quick: bool, workers: int = 2) -> int:
    """Plain Presidio and ours, each in ``workers`` processes, best of interleaved rounds."""
    import bench_deid

    from nearmiss_lab.config import Settings

    model = Settings.from_env().spacy_model
    docs = bench_deid.corpus(12 if quick else 150)  # bench_deid.py's corpus and default size
    parts = [(model, docs[i:i + 32]) for i in range(0, len(docs), 32)]
    plain = ProcessPoolExecutor(workers, initializer=_plain_init, initargs=(model,))
    ours = ProcessPoolExecutor(workers, initializer=bench_deid._worker_init, initargs=(model,))
    best = {"plain": 0.0, "ours": 0.0}
    try:
        list(plain.map(_plain_detect, [(model, docs[:2])] * (2 * workers)))  # engines built
        list(ours.map(bench_deid._worker_detect, [(model, docs[:2])] * (2 * workers)))
        for _ in range(1 if quick else 3):
            for name, pool, func in (("plain", plain, _plain_detect),
                                     ("ours", ours, bench_deid._worker_detect)):
                started = time.perf_counter()
                list(pool.map(func, parts))
                best[name] = max(best[name], len(docs) / (time.perf_counter() - started))
    finally:
        plain.shutdown()
        ours.shutdown()
    print(f"corpus: {len(docs)} texts (bench_deid.py's); model {model}; {workers} worker "
          "processes each, one engine per process; best of interleaved rounds")
    print("| engine | docs/s | ratio vs plain |")
    print("|---|---|---|")
    print(f"| plain Presidio analyze(), {workers} processes | {best['plain']:.1f} | 1.00x |")
    print(f"| nearmiss, {workers} processes | {best['ours']:.1f} | "
          f"{best['ours'] / best['plain']:.2f}x |")
    return 0


# --- running and reporting -------------------------------------------------------------------

def command_for(name: str, quick: bool, full: bool, json_path: Path) -> list[str]:
    if name == "deid-workers":
        return python_command(__file__, "--deid-workers", *(["--quick"] if quick else []))
    args = ["--quick"] if quick else []
    if name == "pipeline":
        args += ["--json", str(json_path)] + (["--full"] if full else [])
    return python_command(str(HERE / f"bench_{name}.py"), *args)


def discover() -> list[str]:
    """Every benchmark: the known order first, then any other ``bench_*.py``."""
    found = {p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py")}
    return [n for n in ORDER if n in found or n == "deid-workers"] + sorted(found - set(ORDER))


def run_benchmark(name: str, quick: bool, full: bool, tmp: Path) -> dict[str, Any]:
    json_path = tmp / "pipeline.json"
    cmd = command_for(name, quick, full, json_path)
    print(f"== {name}: {' '.join(Path(c).name if '/' in c else c for c in cmd)}",
          file=sys.stderr, flush=True)
    def echo(line: str) -> None:
        print(f"   {line}", file=sys.stderr, flush=True)

    # Benchmarks print their tables on stdout; bench_pipeline.py its progress on stderr.
    child = run_child(cmd, on_line=echo, on_err=echo if name == "pipeline" else None)
    out: dict[str, Any] = {"name": name, "cmd": cmd, "child": child, "figures": [],
                           "error": None, "pipeline": None}
    load = f"{child.load_before[0]:.1f} -> {child.load_after[0]:.1f}"
    if child.returncode != 0:
        out["error"] = f"exit status {child.returncode}: {child.stderr.strip()[-1500:]}"
        return out
    try:
        if name == "pipeline":
            out["pipeline"] = json.loads(json_path.read_text(encoding="utf-8"))
            out["figures"] = pipeline_figures(out["pipeline"])
        elif name in READERS:
            out["figures"] = [f.with_load(load) for f in READERS[name](child.stdout)]
        else:
            out["figures"] = [Figure(name, f"no reader in run_all.py: see bench_{name}.py's "
                                     "output below", "", "", "", load)]
    except (ParseError, KeyError, ValueError, StopIteration, IndexError) as exc:
        out["error"] = f"could not read the figures ({type(exc).__name__}: {exc})"
    return out


def _code(name: str, quick: bool, full: bool) -> str:
    if name == "deid-workers":
        return ".venv/bin/python benchmarks/run_all.py --deid-workers" + (" --quick" * quick)
    extra = (" --quick" if quick else "") + (" --full" if full and name == "pipeline" else "")
    return f".venv/bin/python benchmarks/bench_{name}.py{extra}"


def results_markdown(results: list[dict[str, Any]], machine: dict[str, object], quick: bool,
                     full: bool, seconds: float) -> str:
    rows = [f.row() for r in results for f in r["figures"]]
    rows += [[r["name"], f"**FAILED**: {r['error']}", "", "", "", ""] for r in results
             if r["error"]]
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`.venv/bin/python benchmarks/run_all.py`"
        + (" --quick: a smoke run, figures meaningless" if quick else "")
        + f") in {seconds / 60:.0f} min; regenerate rather than edit. Every figure is set "
        "against the plain alternative measured in the same run; a ratio above 1x means ours "
        "is faster.",
        "",
        "## Machine",
        "",
        *describe_machine_markdown(machine),
        "- **The machine is shared**: about six engineers run tests and benchmarks on its two "
        "cores, so absolute rates move with their load. Ratios are measured in the same run "
        "(most benchmarks interleave ours and the plain tool in rounds), and every figure "
        "carries the 1-minute load average before and after its benchmark: above 2 means "
        "other jobs were competing for the cores.",
        "",
        "## Summary",
        "",
        *markdown_table(TABLE_HEAD, rows),
        "",
    ]
    for r in results:
        child: ChildRun = r["child"]
        note = NOTES.get(r["name"])
        lines += [f"## {note.title if note else r['name']}", "",
                  f"`{_code(r['name'], quick, full)}`: {child.seconds / 60:.1f} min, "
                  f"peak {child.peak_rss_mb:,.0f} MB (largest process, `os.wait4`), load "
                  f"{child.load_before[0]:.1f} -> {child.load_after[0]:.1f}.", ""]
        if r["error"]:
            lines += [f"**FAILED**: {r['error']}", ""]
        for f in r["figures"]:
            lines.append(f"- {f.figure}: **{f.ours}**"
                         + (f" against {f.plain}" if f.plain else "")
                         + (f" — {f.ratio}" if f.ratio else ""))
        lines.append("")
        if r["pipeline"]:
            lines += ["### Scaling curve", "", *render_pipeline(r["pipeline"])]
        if note:
            lines += [f"**What limits it.** {note.limits}", "",
                      f"**What would move it.** {note.move}", ""]
        if not r["pipeline"]:  # the scaling curve above is what bench_pipeline.py prints
            lines += ["<details><summary>printed output</summary>", "", "```",
                      child.stdout.rstrip(), "```", "", "</details>", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="every benchmark's smoke mode")
    parser.add_argument("--full", action="store_true",
                        help="bench_pipeline.py --full: de-identify 100 k for real (hours)")
    parser.add_argument("--only", help="comma-separated benchmark names (default: all)")
    parser.add_argument("--results", type=Path, help="Markdown file to write (default "
                        "benchmarks/RESULTS.md; benchmarks/out/RESULTS-quick.md with --quick)")
    parser.add_argument("--deid-workers", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.deid_workers:
        return deid_workers(args.quick)
    names = discover()
    if args.only:
        wanted = args.only.split(",")
        unknown = set(wanted) - set(names)
        if unknown:
            parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
        names = [n for n in names if n in wanted]
    results_path = args.results or (HERE / "out" / "RESULTS-quick.md" if args.quick
                                    else HERE / "RESULTS.md")
    machine = machine_description()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="run-all-") as tmp:
        results = [run_benchmark(name, args.quick, args.full, Path(tmp)) for name in names]
    text = results_markdown(results, machine, args.quick, args.full,
                            time.perf_counter() - started)
    results_path.parent.mkdir(parents=True, exist_ok=True)
    results_path.write_text(text, encoding="utf-8")
    rows = [f.row() for r in results for f in r["figures"]]
    print("\n".join(markdown_table(TABLE_HEAD, rows)))
    failed = [r["name"] for r in results if r["error"]]
    for r in results:
        if r["error"]:
            print(f"FAILED {r['name']}: {r['error']}", file=sys.stderr)
    print(f"\nwritten: {results_path}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
