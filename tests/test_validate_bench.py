"""The validation benchmark's smoke mode runs end to end and prints its table (no timing is
asserted: speed is a benchmark, never a unit test)."""

from __future__ import annotations

import subprocess
import sys


def test_bench_validate_quick_prints_both_inputs_and_all_tools(repo_dir):
    out = subprocess.run([sys.executable, str(repo_dir / "benchmarks" / "bench_validate.py"),
                          "--quick"], capture_output=True, text=True, timeout=600, check=True)
    lines = out.stdout.splitlines()
    assert lines[0].startswith("validate benchmark: 500 records")
    tools = [line.split("  ")[0] for line in lines
             if line.startswith(("plain", "json.", "jiter", "near"))]
    assert tools == ["plain jsonschema (Draft202012Validator, iter_errors)",
                     "json.loads + jsonschema-rs is_valid (no report)",
                     "jiter strict parse only (no validation)",
                     "nearmiss validate_records_file (full report)",
                     "nearmiss validate_records_file, 2 workers"] * 2
    assert sum(line.startswith("input: ") and "load average" in line for line in lines) == 2
    assert any(line.startswith("goal >= 100,000 records/s on valid data: ") for line in lines)
    # on the broken input ours reports more issues than jsonschema: the rules find unknown codes
    broken = lines[lines.index(next(x for x in lines if x.startswith("input: 10% invalid"))):]
    rows = [line.split() for line in broken if line.startswith(("plain", "near"))]
    assert [int(row[-2]) for row in rows] == [33, 50, 50]  # issues, then us CPU/record
    assert all(float(row[-1]) > 0 for row in rows)
