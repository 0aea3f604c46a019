"""The factors benchmark's smoke mode runs end to end (no timing is asserted)."""

from __future__ import annotations

import subprocess
import sys


def test_bench_factors_quick_runs_and_prints_its_table(repo_dir):
    out = subprocess.run([sys.executable, str(repo_dir / "benchmarks" / "bench_factors.py"),
                          "--quick"], capture_output=True, text=True, timeout=600, check=True)
    lines = out.stdout.splitlines()
    assert lines[0].startswith("factors benchmark: 300 synthetic incidents")
    assert lines[2].startswith("plain NLTK: tokenize + Snowball stem every word")
    assert any(line.startswith("ours: extract_frame (warm)") for line in lines)
    assert any(line.startswith("network: analyse() with extraction") for line in lines)
    assert lines[-2].startswith("extraction per 1,000 incidents")
