"""Factor extraction at analysis time: what the factors stage costs the network stage.

Input: the narratives and lessons learned of a seeded ``nearmiss synth`` corpus (read through
the agency intake; synthetic text, so nothing real is read or printed).

- plain NLTK: ``RegexpTokenizer.tokenize`` + ``SnowballStemmer.stem`` of every word, the floor
  any NLTK lexicon matcher pays before matching anything;
- per record: ``add_extracted_factors(record)`` in a loop (the record-at-a-time API);
- ours: ``extract_frame(frame)`` (each distinct text matched once, one list column rebuilt);
- the network stage on the same incidents: ``analyse(extract=False)`` and ``analyse(extract=True)``.

Wall seconds and CPU seconds of this process are both printed (the machine is shared, so CPU
time is the steadier figure); ratios are against plain NLTK in the same run.

    .venv/bin/python benchmarks/bench_factors.py            # 10,000 incidents
    .venv/bin/python benchmarks/bench_factors.py --quick    # smoke run: 300
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import polars as pl


def synth_frame(n: int, seed: int) -> pl.DataFrame:
    from nearmiss_lab.intake import load_mapping, read_export
    from nearmiss_lab.synth import generate_corpus

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate_corpus(root, agencies=4, incidents=n, months=12, seed=seed, workers=1)
        truth = json.loads((root / "truth.json").read_text())
        rows = []
        for agency in truth["agencies"]:
            name = agency["agency"]
            export = next((root / "exports").glob(f"{name}.*"))
            mapping = load_mapping(root / "mappings" / f"{name}.mapping.json")
            for row in read_export(export, mapping):
                d = row.draft
                if d is None:
                    continue
                rows.append({
                    "agency": d["agency"], "record_id": d["record_id"],
                    "occurred_month": d["occurred_month"], "activities": d["activities"],
                    "factors": [{"code": f["code"], "source": f["source"]}
                                for f in d["factors"]],
                    "narrative": d.get("narrative") or "",
                    "lessons_learned": d.get("lessons_learned") or "",
                })
    return pl.DataFrame(rows)


def timed(func, *args, **kwargs):
    wall, cpu = time.perf_counter(), time.process_time()
    out = func(*args, **kwargs)
    return time.perf_counter() - wall, time.process_time() - cpu, out


def plain_nltk(texts: list[str]) -> int:
    from nltk.stem.snowball import SnowballStemmer
    from nltk.tokenize import RegexpTokenizer

    from nearmiss_lab.factors.text import TOKEN_PATTERN

    tokenizer, stemmer = RegexpTokenizer(TOKEN_PATTERN), SnowballStemmer("english")
    return sum(len([stemmer.stem(w) for w in tokenizer.tokenize(t)]) for t in texts)


def per_record(records: list[dict], extractor) -> list[dict]:
    from nearmiss_lab.factors import add_extracted_factors

    return [add_extracted_factors(r, extractor) for r in records]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run on tiny inputs")
    parser.add_argument("--incidents", type=int, default=None)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    n = args.incidents or (300 if args.quick else 10_000)

    from nearmiss_lab.factors import LexiconExtractor, extract_frame
    from nearmiss_lab.factors.text import stem
    from nearmiss_lab.network import analyse

    frame = synth_frame(n, args.seed)
    texts = [t for col in ("narrative", "lessons_learned") for t in frame[col].to_list() if t]
    chars = sum(len(t) for t in texts)
    extractor = LexiconExtractor()

    results = []
    results.append(("plain NLTK: tokenize + Snowball stem every word",
                    *timed(plain_nltk, texts)[:2]))
    stem.cache_clear()  # ours starts with a cold stem cache too
    wall, cpu, out = timed(extract_frame, frame, extractor=extractor)
    results.append(("ours: extract_frame (cold stem cache)", wall, cpu))
    wall, cpu, out = timed(extract_frame, frame, extractor=extractor)
    results.append(("ours: extract_frame (warm)", wall, cpu))
    records = frame.to_dicts()
    wall, cpu, old = timed(per_record, records, extractor)
    results.append(("per record: add_extracted_factors loop (warm)", wall, cpu))
    same = [sorted(f["code"] for f in r) for r in out["factors"].to_list()] == [
        sorted(f["code"] for f in r["factors"]) for r in old]
    assert same, "extract_frame and add_extracted_factors disagree"
    period = (frame["occurred_month"].max(), frame["occurred_month"].max())
    wall, cpu, off = timed(analyse, frame, period=period, baseline_months=11, extract=False)
    results.append(("network: analyse(extract=False), period + 11 months", wall, cpu))
    wall, cpu, on = timed(analyse, frame, period=period, baseline_months=11,
                          extract=True, extractor=extractor)
    results.append(("network: analyse() with extraction, same window", wall, cpu))

    added = int(out["factors"].list.eval(
        pl.element().struct.field("source") == "extracted").list.sum().sum())
    print(f"factors benchmark: {frame.height:,} synthetic incidents, {len(texts):,} texts, "
          f"{chars:,} characters; {added:,} extracted factors added "
          f"(machine shared with other engineers)")
    print(f"{'what':56s} {'wall s':>8s} {'cpu s':>8s} {'cpu / plain':>11s}")
    base_cpu = results[0][2]
    for what, wall, cpu in results:
        print(f"{what:56s} {wall:>8.2f} {cpu:>8.2f} {cpu / base_cpu:>10.2f}x")
    per_1k = results[2][2] / frame.height * 1000
    print(f"extraction per 1,000 incidents (warm, cpu): {per_1k:.2f} s; "
          f"{chars / results[2][2] / 1e6:.2f} M characters/s")
    print(f"edges tested without / with extraction: {off.edges.height} / {on.edges.height}; "
          f"significant {int(off.edges['significant'].sum())} / "
          f"{int(on.edges['significant'].sum())}")


if __name__ == "__main__":
    main()
