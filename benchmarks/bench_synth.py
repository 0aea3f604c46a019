"""Synthetic corpus generation and intake throughput.

Generation: incidents per second of ``generate_corpus`` (5 agencies, one per export shape),
with one process and with two worker processes, wall clock and CPU seconds; the goal is 100 k
incidents well under a minute. There is no plain tool to compare generation with.

Intake: rows per second of ``read_export`` over the five exports it just wrote, compared in the
same run with the plain tool a user would otherwise reach for: ``csv.DictReader`` /
``json.loads`` over the same files (decoding only: no mapping, no generalisation, no issues).

    .venv/bin/python benchmarks/bench_synth.py            # 100 000 incidents
    .venv/bin/python benchmarks/bench_synth.py --quick    # smoke run, 1 000 incidents
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
import time
from pathlib import Path


def _timed(func):  # type: ignore[no-untyped-def]
    wall, cpu = time.perf_counter(), time.process_time()
    result = func()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def plain_read(export: Path, mapping_doc: dict) -> int:
    """Decode every record the way a script without the mapping machinery would."""
    fmt = mapping_doc["format"]
    encoding = fmt.get("encoding", "utf-8")
    if fmt["reader"] == "csv":
        with export.open(encoding=encoding, newline="") as handle:
            return sum(1 for _ in csv.DictReader(handle, delimiter=fmt.get("delimiter", ",")))
    if fmt["reader"] == "jsonl":
        with export.open(encoding=encoding) as handle:
            return sum(1 for line in handle if json.loads(line))
    return len(json.loads(export.read_text(encoding=encoding)))


def run(incidents: int) -> list[tuple[str, str, str, str]]:
    from nearmiss_lab.intake import load_mapping, read_export
    from nearmiss_lab.synth import generate_corpus

    rows: list[tuple[str, str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        timings = {}
        for workers in (1, 2):
            out = Path(tmp) / f"w{workers}"
            _, wall, cpu = _timed(lambda out=out, workers=workers: generate_corpus(
                out, agencies=5, incidents=incidents, months=24, seed=1, workers=workers))
            timings[workers] = wall
            cpu_note = f"{cpu:.1f} s CPU in the parent" if workers > 1 else f"{cpu:.1f} s CPU"
            rows.append((f"synth, {workers} process{'es' if workers > 1 else ''}",
                         f"{incidents / wall:,.0f} incidents/s", f"{wall:.1f} s wall, {cpu_note}",
                         "—" if workers == 1 else f"{timings[1] / wall:.2f}x of 1 process"))
        root = Path(tmp) / "w1"
        entries = json.loads((root / "agencies.json").read_text())
        _, plain_wall, _ = _timed(lambda: [plain_read(
            root / e["export"], json.loads((root / e["mapping"]).read_text())) for e in entries])
        maps = [(root / e["export"], load_mapping(root / e["mapping"])) for e in entries]
        drafts, ours_wall, _ = _timed(lambda: sum(
            1 for path, m in maps for r in read_export(path, m) if r.draft is not None))
        if drafts != incidents:
            raise SystemExit(f"intake produced {drafts} drafts for {incidents} incidents")
        rows.append(("plain csv.DictReader / json.loads", f"{incidents / plain_wall:,.0f} rows/s",
                     f"{plain_wall:.2f} s", "1.00x"))
        rows.append(("read_export (mapping + generalisation + issues)",
                     f"{incidents / ours_wall:,.0f} rows/s", f"{ours_wall:.2f} s",
                     f"{plain_wall / ours_wall:.2f}x of plain"))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run with 1 000 incidents")
    args = parser.parse_args(argv)
    incidents = 1_000 if args.quick else 100_000
    rows = run(incidents)
    print(f"## synth and intake, {incidents:,} incidents, 5 agencies, 24 months "
          "(machine shared with other jobs)\n")
    print("| what | throughput | time | ratio |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
