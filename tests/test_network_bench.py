"""The network benchmark's smoke mode runs end to end (no timing is asserted)."""

from __future__ import annotations

import subprocess
import sys


def test_bench_network_quick_runs_and_prints_its_table(repo_dir):
    out = subprocess.run([sys.executable, str(repo_dir / "benchmarks" / "bench_network.py"),
                          "--quick"], capture_output=True, text=True, timeout=600, check=True)
    lines = out.stdout.splitlines()
    assert lines[0].startswith("network benchmark: 20,000 incidents x 60 codes")
    assert "1770 pairs" in lines[0]
    assert any(line.startswith("networkx: bipartite.weighted_projected_graph") for line in lines)
    assert sum(line.startswith("p-values before: scipy.stats.hypergeom.sf") for line in lines) == 2
    assert any(line.startswith("p-values at 20,000 incidents: scipy / ours") for line in lines)
    assert lines[-3].startswith("ratio at 2,000 incidents")
    assert lines[-1].startswith("goal <= 2.0 s")
