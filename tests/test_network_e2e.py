"""End to end through the CLI: `nearmiss synth` exports -> `nearmiss deidentify` (real Presidio)
-> `nearmiss ingest` (with the residual re-scan) -> the Delta store -> `nearmiss network`.

`nearmiss demo` runs the same stages through the library; this test drives the commands a
user types and checks that the network counts exactly what the agencies submitted and the hub
stored, and prints no incident text.
"""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path

import pytest
from click.testing import CliRunner

from nearmiss_lab.cli import main
from nearmiss_lab.store import load_incidents

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pipeline(synth_small: Path, tmp_path_factory) -> dict:
    work = tmp_path_factory.mktemp("network-e2e")
    entries = json.loads((synth_small / "agencies.json").read_text(encoding="utf-8"))
    folders = []
    for entry in entries:
        folder = work / "submissions" / entry["agency"]
        result = CliRunner().invoke(main, [
            "deidentify", str(synth_small / entry["export"]), "--mapping",
            str(synth_small / entry["mapping"]), "--agency", entry["agency"], "--out",
            str(folder), "--json"])
        assert result.exit_code == 0, result.output
        report = json.loads(result.output)
        assert report["written"] == report["rows"] > 0
        folders.append(folder)
    store = work / "store"
    ingested = CliRunner().invoke(main, ["ingest", *map(str, folders), "--store", str(store),
                                         "--json"])
    assert ingested.exit_code == 0, ingested.output
    truth = json.loads((synth_small / "truth.json").read_text(encoding="utf-8"))
    return {"store": store, "folders": folders, "receipts": json.loads(ingested.output),
            "period": (truth["start_month"], truth["end_month"])}


def _network(pipeline: dict, *extra: str):
    since, until = pipeline["period"]
    return CliRunner().invoke(main, ["network", "--store", str(pipeline["store"]), "--since",
                                     since, "--until", until, "--baseline-months", "0",
                                     "--min-count", "2", *extra])


def test_network_counts_what_the_agencies_submitted_and_the_hub_stored(pipeline):
    receipts = pipeline["receipts"]
    assert {r["status"] for r in receipts} <= {"accepted", "accepted_with_warnings"}
    stored = load_incidents(pipeline["store"]).collect()
    assert stored.height == sum(r["counts"]["accepted"] for r in receipts) > 0
    kept = set(stored["incident_key"].to_list())
    # the codes of every submitted record the hub stored, read from the submission files
    codes: dict[str, set[str]] = {}
    for folder in pipeline["folders"]:
        for line in (folder / "records.jsonl").read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            key = f"{record['agency']}:{record['record_id']}"
            if key in kept:
                codes[key] = {f["code"] for f in record["factors"]
                              if f["source"] == "reported"} | set(record["activities"])
    assert len(codes) == stored.height

    result = _network(pipeline, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["store_version"] == max(r["store_version"] for r in receipts)
    assert data["params"]["incidents"] == stored.height
    assert data["params"]["extract"] is False
    support = {n["code"]: n["support"] for n in data["nodes"]}
    expected = {}
    for record_codes in codes.values():
        for code in record_codes:
            expected[code] = expected.get(code, 0) + 1
    assert support == expected
    pairs: dict[tuple[str, str], int] = {}
    for record_codes in codes.values():
        for pair in combinations(sorted(record_codes), 2):
            pairs[pair] = pairs.get(pair, 0) + 1
    edges = {(e["source"], e["target"]): e["count"] for e in data["edges"]}
    assert edges == {p: n for p, n in pairs.items() if n >= 2}
    # counts and codes only: no stored narrative reaches the network's output
    for narrative in stored["narrative"].drop_nulls().to_list():
        assert narrative[:60] not in result.output


def test_network_text_output_over_the_de_identified_store(pipeline, tmp_path):
    result = _network(pipeline, "--out", str(tmp_path / "net"))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("store version ") and " incidents " in lines[0]
    assert lines[1] == "factors: as officers reported them (no text-derived codes)"
    assert (tmp_path / "net" / "network.graphml").is_file()
    extracted = _network(pipeline, "--extract", "--json")
    assert extracted.exit_code == 0, extracted.output
    params = json.loads(extracted.output)["params"]
    assert params["extract"] is True and params["text_derived"] is True
