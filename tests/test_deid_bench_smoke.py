"""The de-identification benchmark runs end to end in --quick mode (a smoke test, not a timing)."""

from __future__ import annotations

import subprocess
import sys


def test_bench_deid_quick_prints_a_ratio_table(repo_dir):
    result = subprocess.run(
        [sys.executable, str(repo_dir / "benchmarks" / "bench_deid.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=repo_dir,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert any(line.startswith("| plain Presidio analyze()") for line in lines)
    row = next(line for line in lines if line.startswith("| nearmiss, 1 process"))
    assert row.rstrip().endswith("x |")
