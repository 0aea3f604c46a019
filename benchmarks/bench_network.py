"""Co-occurrence network speed: counts + every association measure + FDR, against networkx.

Ours: a boolean incident x code matrix (scipy.sparse CSR) -> ``X.T @ X`` -> every pair's count,
expected count, lift, PMI, NPMI, Jaccard, association strength, Yule's Q, odds ratio with its
95 % interval, one-sided hypergeometric p-value and Benjamini-Hochberg q-value
(:func:`nearmiss_lab.network.pair_table`). Timed from integer (incident, code) index arrays, and
from a polars long frame with string keys as the store gives them (``incident_codes`` output).
The one-sided p-values alone are also timed before (``scipy.stats.hypergeom.sf``) and after
(:func:`nearmiss_lab.network.hypergeom.hypergeom_upper_tail`) at both sizes.

Plain tool: networkx ``bipartite.weighted_projected_graph`` over a bipartite graph of incidents
and codes -- counts only, no measures -- at a size it can finish, with ours at that same size for
the ratio. Inputs have 60 codes and planted pairs (``nearmiss_lab.network.simulate``).

    .venv/bin/python benchmarks/bench_network.py           # 1 000 000; networkx at 50 000
    .venv/bin/python benchmarks/bench_network.py --quick   # smoke run: 20 000 / 2 000
    .venv/bin/python benchmarks/bench_network.py --validity

``--validity`` measures statistics, not speed: the figures behind ``tests/test_network_synth.py``
(``nearmiss synth`` corpora of 2,000 incidents read through the intake with their narratives,
seed 11 with planted pairs and seed 12 with independent factors), for the default network
(what officers reported), with ``extract=True`` (text-derived codes counted too), and with
``extract=True`` plus a supervised model (``factors-train --quick`` settings) fitted on the
reported codes of a third corpus (seed 31), so the model never saw the corpora it reads.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import polars as pl

from nearmiss_lab.network import (
    cooccurrence_counts,
    incidence_from_indices,
    incidence_matrix,
    pair_table,
)
from nearmiss_lab.network.hypergeom import hypergeom_upper_tail
from nearmiss_lab.network.simulate import planted_codes

GOAL_SECONDS = 2.0  # 1 M incidents x 60 factors, counts + every measure + FDR (issue 5)
N_CODES = 60
PLANTED = [(0, 1), (2, 3), (4, 10), (20, 30), (40, 59)]
CODES = [f"HF.C{i:02d}" for i in range(N_CODES)]


def ours_from_indices(rows: np.ndarray, cols: np.ndarray, n: int) -> pl.DataFrame:
    x = incidence_from_indices(rows, cols, n, N_CODES)
    return pair_table(cooccurrence_counts(x), CODES, n, min_count=5, fdr=0.05)


def ours_from_frame(long: pl.DataFrame) -> pl.DataFrame:
    inc = incidence_matrix(long)
    return pair_table(cooccurrence_counts(inc.matrix), inc.codes, inc.n_incidents,
                      min_count=5, fdr=0.05)


def networkx_projection(rows: np.ndarray, cols: np.ndarray) -> tuple[object, float, float]:
    import networkx as nx
    from networkx.algorithms import bipartite

    t0 = time.perf_counter()
    g = nx.Graph()
    g.add_nodes_from(CODES, bipartite=1)
    g.add_edges_from((f"i{r}", CODES[c]) for r, c in zip(rows.tolist(), cols.tolist(),
                                                           strict=True))
    t1 = time.perf_counter()
    projected = bipartite.weighted_projected_graph(g, CODES)
    t2 = time.perf_counter()
    return projected, t1 - t0, t2 - t1


def pvalue_inputs(rows: np.ndarray, cols: np.ndarray, n: int):
    counts = cooccurrence_counts(incidence_from_indices(rows, cols, n, N_CODES))
    iu, ju = np.triu_indices(N_CODES, 1)
    support = np.diag(counts)
    return counts[iu, ju], n, support[iu], support[ju]


def scipy_pvalues(a, n, n_i, n_j):
    from scipy.stats import hypergeom

    return hypergeom.sf(a - 1, n, n_i, n_j)


def our_pvalues(a, n, n_i, n_j):
    return hypergeom_upper_tail(a, n, n_i, n_j)


def best_of(repeat: int, func, *args) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = func(*args)
        best = min(best, time.perf_counter() - t0)
    return best, out


def _synth_frame(root, seed: int, independent: bool):
    import json

    from nearmiss_lab.intake import load_mapping, read_export
    from nearmiss_lab.synth import generate_corpus

    generate_corpus(root, agencies=2, incidents=2000, months=12, seed=seed,
                    independent=independent, workers=1)
    truth = json.loads((root / "truth.json").read_text())
    rows = []
    for agency in truth["agencies"]:
        name = agency["agency"]
        mapping = load_mapping(root / "mappings" / f"{name}.mapping.json")
        for row in read_export(next((root / "exports").glob(f"{name}.*")), mapping):
            d = row.draft
            rows.append({"agency": d["agency"], "record_id": d["record_id"],
                         "occurred_month": d["occurred_month"], "activities": d["activities"],
                         "factors": [{"code": f["code"], "source": f["source"]}
                                     for f in d["factors"]],
                         "narrative": d.get("narrative"),
                         "lessons_learned": d.get("lessons_learned")})
    return pl.DataFrame(rows), truth


def validity() -> None:
    """Print the network's validity figures on synth corpora, both modes."""
    import tempfile
    from pathlib import Path

    from nearmiss_lab.network import analyse

    def pairs(frame: pl.DataFrame) -> set[tuple[str, str]]:
        return {tuple(sorted(p)) for p in frame.select("source", "target").iter_rows()}

    print("network validity on nearmiss synth corpora (2 agencies, 2,000 incidents, 12 months, "
          "narratives in the frame), q = 0.05, min count 5")
    print(f"{'corpus':20s} {'mode':9s} {'tested':>6s} {'signif':>6s} {'planted':>7s} "
          f"{'false':>5s} {'FDP':>5s} {'false text-derived':>18s} {'codes from text':>15s}  "
          f"emerging pairs in its month")
    from nearmiss_lab.factors import train_model

    with tempfile.TemporaryDirectory() as tmp:
        train, _ = _synth_frame(Path(tmp) / "s31", 31, False)
        rows = [(t, {f["code"] for f in fs if f["source"] == "reported"})
                for t, fs in train.select("narrative", "factors").iter_rows()]
        rows = [(t, codes) for t, codes in rows if t and codes]
        model = train_model([t for t, _ in rows], [c for _, c in rows], quick=True)
        print(f"model: {len(model.labels)} codes learned from {len(rows)} records of seed 31")
        for seed, independent in ((11, False), (12, True)):
            frame, truth = _synth_frame(Path(tmp) / f"s{seed}", seed, independent)
            planted = {tuple(sorted(p)) for p in truth["planted_pairs"]}
            emerging_pair = tuple(sorted(truth["emerging_pair"])) if not independent else None
            for mode, extract, with_model in (("default", False, None),
                                              ("extract", True, None),
                                              ("ex+model", True, model)):
                result = analyse(frame, period=(truth["start_month"], truth["end_month"]),
                                 baseline_months=0, labels={}, extract=extract,
                                 model=with_model)
                sig_rows = result.edges.filter(pl.col("significant"))
                sig = pairs(sig_rows)
                false = sig - planted - {emerging_pair}
                derived = {tuple(sorted((a, b))): t for a, b, t in
                           sig_rows.select("source", "target", "text_derived").iter_rows()}
                month = truth["emerging_month"]
                moved = analyse(frame, period=(month, month), baseline_months=11, labels={},
                                extract=extract, model=with_model).emerging.filter(
                                    pl.col("emerging"))
                got = pairs(moved)
                em = (f"{len(got)}, planted {'found' if emerging_pair in got else 'MISSED'}"
                      if emerging_pair else f"{len(got)}")
                name = f"seed {seed}" + (" independent" if independent else " planted")
                print(f"{name:20s} {mode:9s} "
                      f"{result.edges.height:>6d} {len(sig):>6d} "
                      f"{len(planted & sig):>3d}/{len(planted):<3d} {len(false):>5d} "
                      f"{len(false) / max(len(sig), 1):>5.2f} "
                      f"{sum(derived[p] > 0 for p in false):>18d} "
                      f"{int(result.nodes['text_derived'].sum()):>15d}  {em}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run on tiny inputs")
    parser.add_argument("--validity", action="store_true",
                        help="print the statistics' validity figures on synth corpora instead")
    parser.add_argument("--incidents", type=int, default=None)
    parser.add_argument("--nx-incidents", type=int, default=None)
    args = parser.parse_args()
    if args.validity:
        validity()
        return
    big = args.incidents or (20_000 if args.quick else 1_000_000)
    small = args.nx_incidents or (2_000 if args.quick else 50_000)
    repeat = 1 if args.quick else 3

    rows, cols = planted_codes(big, N_CODES, planted=PLANTED, seed=1)
    long = pl.DataFrame({
        "incident_key": pl.Series(rows, dtype=pl.Int64).cast(pl.String),
        "occurred_month": pl.repeat("2024-01", len(rows), eager=True),
        "code": np.asarray(CODES, dtype=object)[cols].tolist(),
    })
    t_big, table = best_of(repeat, ours_from_indices, rows, cols, big)
    t_big_frame, table_frame = best_of(repeat, ours_from_frame, long)
    assert table["count"].to_list() == table_frame["count"].to_list()

    s_rows, s_cols = planted_codes(small, N_CODES, planted=PLANTED, seed=2)
    t_small, small_table = best_of(max(repeat, 3), ours_from_indices, s_rows, s_cols, small)
    projected, t_build, t_project = networkx_projection(s_rows, s_cols)
    # Same counts from both, or the comparison means nothing.
    for row in small_table.filter(pl.col("count") > 0).head(200).iter_rows(named=True):
        assert projected[row["source"]][row["target"]]["weight"] == row["count"]

    # p-values alone, before (scipy.stats.hypergeom.sf, one Boost call per pair) and after
    p_lines = []
    for r, c, size in ((s_rows, s_cols, small), (rows, cols, big)):
        args_p = pvalue_inputs(r, c, size)
        t_scipy, ref = best_of(max(repeat, 3), scipy_pvalues, *args_p)
        t_ours, got = best_of(max(repeat, 3), our_pvalues, *args_p)
        ok = ref > 1e-300
        rel = float(np.max(np.abs(got[ok] - ref[ok]) / ref[ok])) if ok.any() else 0.0
        p_lines.append((size, t_scipy, t_ours, rel))

    pairs = table.height
    sig = int(table["significant"].sum())
    print(f"network benchmark: {big:,} incidents x {N_CODES} codes ({len(rows):,} incident-code "
          f"entries), {pairs} pairs, {sig} significant; networkx compared at {small:,} incidents "
          f"(machine shared with other engineers)")
    print(f"{'what':62s} {'incidents':>10s} {'seconds':>9s}")
    lines = [
        ("ours: counts + every measure + FDR (index arrays)", big, t_big),
        ("ours: same from a polars long frame with string keys", big, t_big_frame),
        ("ours: counts + every measure + FDR (index arrays)", small, t_small),
        ("networkx: build bipartite graph", small, t_build),
        ("networkx: bipartite.weighted_projected_graph (counts only)", small, t_project),
        ("networkx: build + project", small, t_build + t_project),
    ]
    for size, t_scipy, t_ours, _rel in p_lines:
        lines.append(("p-values before: scipy.stats.hypergeom.sf, 1770 pairs", size, t_scipy))
        lines.append(("p-values after: hypergeom_upper_tail, same pairs", size, t_ours))
    for what, n, secs in lines:
        print(f"{what:62s} {n:>10,} {secs:>9.3f}")
    for size, t_scipy, t_ours, rel in p_lines:
        print(f"p-values at {size:,} incidents: scipy / ours = {t_scipy / t_ours:.1f}x, "
              f"largest relative difference {rel:.1e}")
    print(f"ratio at {small:,} incidents: networkx build+project / ours = "
          f"{(t_build + t_project) / t_small:.1f}x (projection alone {t_project / t_small:.1f}x)")
    print(f"networkx projection per incident {t_project / small * 1e6:.1f} us vs ours at "
          f"{big:,} {t_big / big * 1e6:.2f} us")
    verdict = "met" if t_big <= GOAL_SECONDS else "NOT met"
    print(f"goal <= {GOAL_SECONDS:.1f} s at {big:,} incidents: {verdict} ({t_big:.3f} s)")


if __name__ == "__main__":
    main()
