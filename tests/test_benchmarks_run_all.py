"""``make bench`` machinery: run_all.py and bench_pipeline.py in their --quick smoke mode, and
the helpers whose arithmetic the results rest on. No timing is asserted: speed is measured by
the benchmarks themselves, never by tests."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCH))

import _common  # noqa: E402
import _readers  # noqa: E402


def _stage(seconds: float, **extra: float) -> dict:
    return {"seconds": seconds, "peak_rss_mb": 100.0, "rss_before_mb": 50.0,
            "child_peak_rss_mb": 0.0, "load_before": [1.0, 1.0, 1.0],
            "load_after": [1.5, 1.0, 1.0], **extra}


def _run(n: int, projected: bool) -> dict:
    return {"incidents": n, "projected": projected, "stages": {
        "synth": _stage(1.0),
        "deidentify": _stage(10.0, intake=2.0, detect_replace=7.0 if not projected else 0.5,
                             validate_write=1.0, engine_load=3.0, docs=2 * n,
                             sample_docs=40, sample_docs_per_s=20.0),
        "ingest": _stage(5.0, without_scan=2.0, scan=3.0 if not projected else 0.0,
                         engine_load=3.0, docs=2 * n, sample_docs=40, sample_docs_per_s=50.0,
                         accepted=n, quarantined=0),
        "network": _stage(0.5, period="2026-06"),
        "bulletin": _stage(12.0, kernel_start=2.0, computation=9.0, export=1.0),
    }}


def test_growth_exponent_is_one_for_linear_and_zero_for_fixed_cost():
    assert _common.growth_exponent(1_000, 2.0, 10_000, 20.0) == pytest.approx(1.0)
    assert _common.growth_exponent(1_000, 5.0, 100_000, 5.0) == pytest.approx(0.0)
    assert _common.growth_exponent(1_000, 0.0, 10_000, 1.0) is None


def test_projected_sizes_take_presidio_time_from_the_sample_rate():
    measured, projected = _run(100, False), _run(1_000, True)
    times = _common.pipeline_times(measured)
    assert times["deid"] == (7.0, False) and times["scan"] == (3.0, False)
    times = _common.pipeline_times(projected)
    # 2 000 documents at 20 docs/s and at 50 docs/s, whatever the oracle run took
    assert times["deid"] == (100.0, True) and times["scan"] == (40.0, True)
    summary = _common.pipeline_summary(projected)
    assert summary["dominant"] == "deid" and summary["projected"] is True
    assert summary["total"] == pytest.approx(1 + 2 + 100 + 1 + 3 + 2 + 40 + 0.5 + 12)


def test_pipeline_report_marks_projections_and_names_the_dominant_stage():
    text = "\n".join(_common.render_pipeline({
        "params": {"agencies": 4, "months": 12, "seed": 1, "sample": 20, "full_limit": 100},
        "runs": [_run(100, False), _run(1_000, True)], "demo": None}))
    deid_row = next(line for line in text.splitlines() if line.startswith("| de-identification"))
    cells = [c.strip() for c in deid_row.strip("|").split("|")]
    assert "projected" not in cells[1] and cells[2] == "≈ 100.0 s **projected**"
    assert cells[3].startswith("x14.3 (n^1.15)")  # 7 s -> 100 s over 10x the incidents
    assert "| dominant stage (share of total) | bulletin " in text
    assert "de-identification 62%" in text


def test_readers_fail_loudly_when_a_row_is_missing():
    out = ("ingest benchmark: 40 records, 2 CPUs\n"
           "plain json.loads + write_delta         0.01       7380           1.0\n"
           "nearmiss ingest (residual scan)        0.57         71         104.3\n"
           "residual scan share of the scanned ingest: 86% measured inside the scanner\n")
    with pytest.raises(_readers.ParseError, match="--no-scan"):
        _readers.read_ingest(out)


def test_run_child_reports_the_peak_memory_of_the_child(tmp_path):
    big = _common.run_child([sys.executable, "-c",
                             "b = bytearray(300 * 1024 * 1024); print(len(b))"])
    # The measuring process itself is large here (as a pytest worker holding spaCy is):
    # a child must not inherit its high-water mark.
    ballast = b"\x01" * (400 * 1024 * 1024)  # touched pages, not lazily zeroed ones
    small = _common.run_child([sys.executable, "-c", "print(1)"])
    del ballast
    assert big.returncode == 0 and big.stdout.strip() == str(300 * 1024 * 1024)
    assert big.peak_rss_mb >= 300 > small.peak_rss_mb
    assert len(big.load_before) == 3 and big.seconds > 0


def test_machine_description_names_cpu_cores_memory_and_versions():
    from importlib import metadata

    machine = _common.machine_description()
    assert machine["logical_cores"] and machine["ram_gb"] and machine["cpu"]
    assert machine["packages"]["presidio-analyzer"] == metadata.version("presidio-analyzer")
    text = "\n".join(_common.describe_machine_markdown(machine))
    assert "load average at the start" in text and "GB RAM" in text


@pytest.mark.slow
def test_run_all_quick_runs_every_benchmark_and_writes_results(repo_dir, tmp_path):
    results = tmp_path / "RESULTS.md"
    proc = subprocess.run([sys.executable, str(BENCH / "run_all.py"), "--quick", "--results",
                           str(results)], cwd=repo_dir, capture_output=True, text=True,
                          timeout=1500)
    assert proc.returncode == 0, proc.stderr[-4000:]
    table = proc.stdout
    areas = [line.split("|")[1].strip() for line in table.splitlines()[2:] if line.startswith("|")]
    for area in ("de-identification", "validation", "synth + intake", "ingest", "network",
                 "factors", "bulletin", "demo pipeline"):
        assert area in areas, table
    assert re.search(r"\| docs/s, 2 worker processes each \| [\d.]+ \| [\d.]+ plain Presidio "
                     r"in 2 processes \| [\d.]+x", table)
    assert re.search(r"\| records/s with the residual scan \| [\d,]+ \|", table)
    assert "| 200 incidents: wall time, sum of stages (de-id + scan projected) | ≈ " in table
    assert "| 100 incidents: wall time, sum of stages | " in table

    text = results.read_text(encoding="utf-8")
    assert "## Machine" in text and "**The machine is shared**" in text
    assert "FAILED" not in text
    outside_code = re.sub(r"\n```.*?\n```", "", text, flags=re.DOTALL)  # printed outputs
    sections = outside_code.split("\n## ")[3:]  # after the title, Machine and Summary
    assert len(sections) == len(_discovered())
    for section in sections:
        assert "load " in section.splitlines()[2]  # command line: time, peak, load
        assert "**What limits it.**" in section and "**What would move it.**" in section
    curve = text.split("### Scaling curve")[1]
    row = next(line for line in curve.splitlines() if line.startswith("| residual scan"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert "projected" not in cells[1] and cells[2].endswith("**projected**")
    assert "Cross-check: the real one-process `nearmiss demo` at 100 incidents" in curve
    assert re.search(r"\| bulletin \| [\d,]+ MB \(after imports [\d,]+\); kernel [\d,]+ MB",
                     curve)


def _discovered() -> list[str]:
    import run_all

    return run_all.discover()
