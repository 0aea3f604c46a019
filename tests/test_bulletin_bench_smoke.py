"""Smoke run of benchmarks/bench_bulletin.py --quick (the benchmark itself is not a test)."""

from __future__ import annotations

import re
import subprocess
import sys


def test_bulletin_benchmark_quick_builds_a_bulletin_and_prints_the_time_split(repo_dir):
    # --quick pays for one cold start (the notebook's kernel) on 200 incidents: ~20 s on the
    # shared 2-core machine. The floors need two more cold starts and only run in full mode.
    proc = subprocess.run([sys.executable, "benchmarks/bench_bulletin.py", "--quick"],
                          cwd=repo_dir, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "| incidents | kernel start s | computation s | export s |" in proc.stdout
    row = re.search(r"^\| 200 \|(.*)\|$", proc.stdout, re.MULTILINE)
    assert row, proc.stdout
    cells = [c.strip() for c in row.group(1).split("|")]
    kernel, computation, export, total = (float(c) for c in cells[:4])
    assert kernel > 0 and computation > 0 and export > 0
    assert total >= kernel + computation + export - 0.5
    assert cells[4:7] == ["\u2014"] * 3, "quick mode measures no floor, so prints no ratio"
    assert 50 < float(cells[7]) < 5 * 1024, "the page is there and under 5 MB"
