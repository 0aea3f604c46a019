"""Bulletin build time, split into kernel start, computation and export.

``build_bulletin`` (papermill runs notebooks/01-safety-bulletin.ipynb in a fresh kernel,
nbconvert exports offline HTML) is compared, in the same run and on the same store, with
the plain floor: the same library calls made directly in this process (no kernel, no
notebook, no export). The difference is what the notebook machinery costs.

The store is a real Delta store written with the store module's writers from incidents
with planted factor pairs (``nearmiss_lab.network.simulate``) and short de-identified
narratives, so it needs neither Presidio nor the synthetic corpus.

    .venv/bin/python benchmarks/bench_bulletin.py            # 2 000 and 20 000 incidents
    .venv/bin/python benchmarks/bench_bulletin.py --quick    # smoke run, 200 incidents

Every cold start (fresh process, kernel, this process's first call) pays ~5-10 s of imports
and engine loading whatever the data size, so ``--quick`` (a smoke run that checks the
benchmark still works, not a measurement to quote) builds the bulletin only, the one cold
start it cannot skip, and prints the floors and the ratio as "\u2014".
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

CODES = ["ACT.TRAFFIC_STOP", "ACT.DOMESTIC_CALL", "ACT.FOOT_PURSUIT", "HF.FATIGUE",
         "HF.COMMUNICATION", "HF.SITUATIONAL_AWARENESS", "EQ.RADIO", "EQ.LIGHTING",
         "ENV.DARKNESS", "ENV.WEATHER", "TAC.NO_BACKUP", "TAC.POSITIONING", "THREAT.FIREARM",
         "THREAT.EDGED_WEAPON", "THREAT.FEIGNED_COMPLIANCE", "ROAD.STRUCK_BY",
         "PROC.DISPATCH_INFO", "HF.DISTRACTION"]
PLANTED = [("EQ.RADIO", "HF.COMMUNICATION"), ("ENV.DARKNESS", "TAC.POSITIONING")]
EMERGING = ("THREAT.FEIGNED_COMPLIANCE", "TAC.NO_BACKUP")
MONTHS = 12
START = "2024-01"
PERIOD = "2024-12"


def write_store(root: Path, n: int) -> Path:
    """A Delta store of ``n`` incidents over twelve months, three agencies, planted pairs."""
    import polars as pl

    from nearmiss_lab.network.simulate import planted_incidents
    from nearmiss_lab.store import append_rows, init_store
    from nearmiss_lab.store.schema import INCIDENTS_SCHEMA, SUBMISSIONS_SCHEMA

    frame = planted_incidents(n, CODES, planted=PLANTED, pair_rate=0.05, months=MONTHS,
                              start=START, emerging=EMERGING, emerging_month=PERIOD, seed=1)
    agencies = ["AG-NORTH", "AG-SOUTH", "AG-EAST"]
    frame = frame.with_columns(
        agency=pl.Series([agencies[i % 3] for i in range(frame.height)]),
        factors=pl.col("factors").list.eval(pl.element().struct.with_fields(
            evidence=pl.lit([], dtype=pl.List(pl.Struct({"field": pl.String, "start": pl.Int64,
                                                          "end": pl.Int64}))))),
        narrative=pl.lit("[PERSON-1] stopped a vehicle on [LOCATION-1]; the radio cut out "
                         "and backup was minutes away."),
        lessons_learned=pl.lit("Check radio coverage before the stop."),
        schema_version=pl.lit("1.0.0"),
    ).with_columns(
        incident_key=pl.format("{}:{}", "agency", "record_id"),
        content_hash=pl.format("h{}", "record_id"),
    )
    missing = [pl.lit(None, dtype=t).alias(c) for c, t in INCIDENTS_SCHEMA.items()
               if c not in frame.columns]
    frame = frame.with_columns(missing).select(list(INCIDENTS_SCHEMA))
    init_store(root)
    append_rows(root, "incidents", frame)
    ledger = pl.DataFrame({"agency": agencies, "period_start": [START] * 3,
                           "period_end": [PERIOD] * 3, "status": ["accepted"] * 3,
                           "submission_id": [f"{a}-{i:016x}" for i, a in enumerate(agencies)]})
    ledger = ledger.with_columns([pl.lit(None, dtype=t).alias(c)
                                  for c, t in SUBMISSIONS_SCHEMA.items()
                                  if c not in ledger.columns])
    append_rows(root, "submissions", ledger)
    return root


def in_process(store: Path) -> float:
    """The floor: the notebook's library calls made directly, no kernel, no export."""
    from nearmiss_lab import bulletin

    started = time.perf_counter()
    data = bulletin.load_bulletin_data(store, PERIOD, baseline_months=6, min_count=5,
                                       fdr=0.05, k=5)
    for section in (bulletin.headline, bulletin.top_factors, bulletin.network_figure,
                    bulletin.significant_pairs, bulletin.emerging_pairs,
                    bulletin.reports_of_the_week):
        section(data)._repr_html_()
    bulletin.methods_and_provenance(data)
    return time.perf_counter() - started


def cold_floor(store: Path) -> float:
    """The same calls in a fresh Python process: interpreter start and imports included."""
    started = time.perf_counter()
    subprocess.run([sys.executable, __file__, "--floor", str(store)], check=True)
    return time.perf_counter() - started


def measure(n: int, tmp: Path, *, floors: bool = True) -> dict[str, float]:
    from nearmiss_lab.bulletin.build import build_bulletin

    store = write_store(tmp / f"store-{n}", n)
    cold = floor = math.nan
    if floors:
        cold = cold_floor(store)
        in_process(store)  # warm imports and vl-convert so the floor is not charged for them
        floor = in_process(store)
    started = time.perf_counter()
    built = build_bulletin(store, PERIOD, out=tmp / f"out-{n}")
    total = time.perf_counter() - started
    t = built.timings
    return {"incidents": n, "kernel_start": t["kernel_start"], "computation": t["computation"],
            "export": t["export"], "total": total, "floor": floor, "cold": cold,
            "html_kb": built.html.stat().st_size / 1024}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 200 incidents, the bulletin only (no floors)")
    parser.add_argument("--floor", metavar="STORE", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.floor:  # child of cold_floor()
        in_process(Path(args.floor))
        return 0
    sizes = [200] if args.quick else [2_000, 20_000]
    print(f"# bulletin benchmark ({platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}; machine shared with other work)")
    header = ("incidents", "kernel start s", "computation s", "export s", "bulletin total s",
              "fresh-process floor s", "total / fresh", "warm floor s", "HTML KB")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    with tempfile.TemporaryDirectory(prefix="bench-bulletin-") as tmp:
        for n in sizes:
            r = measure(n, Path(tmp), floors=not args.quick)
            cold, warm, ratio = (("\u2014",) * 3 if args.quick else
                                 (f"{r['cold']:.2f}", f"{r['floor']:.2f}",
                                  f"{r['total'] / r['cold']:.2f}x"))
            print(f"| {n:,} | {r['kernel_start']:.2f} | {r['computation']:.2f} | "
                  f"{r['export']:.2f} | {r['total']:.2f} | {cold} | {ratio} | {warm} | "
                  f"{r['html_kb']:.0f} |")
    print("\nkernel start: papermill's wall time outside the cells (kernel launch, notebook "
          "I/O, parameter injection); computation: sum of cell durations, including the "
          "kernel's first imports of polars, altair and networkx; export: nbconvert with the "
          "offline template. Fresh-process floor: the same library calls in a new Python "
          "process (interpreter start and imports included, no kernel, no notebook, no "
          "export); warm floor: the same calls in this already-warm process.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
