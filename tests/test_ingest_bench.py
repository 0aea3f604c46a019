"""The ingest benchmark's smoke mode runs end to end (no timing is asserted)."""

from __future__ import annotations

import subprocess
import sys


def test_bench_ingest_quick_runs_and_prints_its_table(repo_dir):
    out = subprocess.run([sys.executable, str(repo_dir / "benchmarks" / "bench_ingest.py"),
                          "--quick"], capture_output=True, text=True, timeout=600, check=True)
    lines = out.stdout.splitlines()
    assert lines[0].startswith("ingest benchmark: 40 records")
    assert [line.split("  ")[0] for line in lines[2:5]] == [
        "plain json.loads + write_delta", "nearmiss ingest --no-scan",
        "nearmiss ingest (residual scan)"]
    assert "residual scan share" in lines[5]
