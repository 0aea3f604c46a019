"""Smoke run of benchmarks/bench_bulletin.py --quick (the benchmark itself is not a test)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest


@pytest.mark.slow
def test_bulletin_benchmark_quick_prints_the_time_split(repo_dir):
    proc = subprocess.run([sys.executable, "benchmarks/bench_bulletin.py", "--quick"],
                          cwd=repo_dir, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "| incidents | kernel start s | computation s | export s |" in proc.stdout
    row = re.search(r"^\| 600 \|(.*)\|$", proc.stdout, re.MULTILINE)
    assert row, proc.stdout
    cells = [c.strip() for c in row.group(1).split("|")]
    kernel, computation, export, total = (float(c) for c in cells[:4])
    assert kernel > 0 and computation > 0 and export > 0
    assert total >= kernel + computation + export - 0.5
    assert cells[5].endswith("x")
