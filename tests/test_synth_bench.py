"""The synth/intake benchmark runs end to end in its --quick smoke mode."""

from __future__ import annotations

import importlib.util
import sys


def test_bench_synth_quick_prints_its_table(repo_dir, capsys):
    path = repo_dir / "benchmarks" / "bench_synth.py"
    spec = importlib.util.spec_from_file_location("bench_synth", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_synth"] = module
    spec.loader.exec_module(module)
    assert module.main(["--quick"]) == 0
    out = capsys.readouterr().out
    assert "| synth, 1 process |" in out and "| synth, 2 processes |" in out
    assert "read_export" in out and "x of plain" in out
