"""Crash safety and concurrency with real processes.

A child process runs the ingest and SIGKILLs itself at a named point between the Delta
commits (``NEARMISS_INGEST_CRASH_AT``); the store must stay readable and consistent, and
running the same ingest again must end in exactly the state of an uninterrupted run.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from test_ingest_support import (
    LEAKY_NARRATIVE,
    assert_valid_receipt,
    make_incident,
    regex_scanner,
    write_submission,
)

from nearmiss_lab.ingest import CRASH_ENV, CRASH_POINTS, ingest_submission
from nearmiss_lab.store import load_incidents, load_table, store_info

TESTS = str(Path(__file__).resolve().parent)
CHILD = """
import json, sys
sys.path.insert(0, sys.argv[3])
from test_ingest_support import regex_scanner
from nearmiss_lab.ingest import ingest_submission
print(json.dumps(ingest_submission(sys.argv[1], sys.argv[2], scanner=regex_scanner)))
"""


def run_child(folder: Path, store: Path, crash_at: str | None = None):
    env = {k: v for k, v in os.environ.items() if k != CRASH_ENV}
    if crash_at:
        env[CRASH_ENV] = crash_at
    return subprocess.run([sys.executable, "-c", CHILD, str(folder), str(store), TESTS],
                          env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def submissions(tmp_path_factory):
    root = tmp_path_factory.mktemp("subs")
    s0 = write_submission(root / "s0", [
        make_incident(100), make_incident(101, narrative=LEAKY_NARRATIVE)])
    s1 = write_submission(root / "s1", [
        make_incident(0), make_incident(1), make_incident(2),
        make_incident(3, narrative="Call me at 614-555-0142 about the stop, said the witness."),
        make_incident(101, narrative="Dispatch said to call the complainant back; we did."),
        make_incident(100),  # already stored by s0
    ])
    return s0, s1


def state(store: Path) -> dict:
    inc = load_incidents(store).collect()
    return {
        "incidents": sorted(zip(inc["incident_key"], inc["content_hash"], strict=True)),
        "quarantine": sorted(load_table(store, "quarantine").collect()["incident_key"]),
        "ledger": sorted(load_table(store, "submissions").collect()["submission_id"]),
    }


@pytest.fixture(scope="module")
def reference(submissions, tmp_path_factory):
    store = tmp_path_factory.mktemp("ref") / "store"
    s0, s1 = submissions
    ingest_submission(s0, store, scanner=regex_scanner)
    receipt = ingest_submission(s1, store, scanner=regex_scanner)
    return state(store), receipt


@pytest.mark.parametrize("point", CRASH_POINTS)
def test_killed_ingest_leaves_a_consistent_store_and_reruns_exactly_once(
        point, submissions, reference, tmp_path):
    s0, s1 = submissions
    ref_state, ref_receipt = reference
    store = tmp_path / "store"
    ingest_submission(s0, store, scanner=regex_scanner)

    killed = run_child(s1, store, crash_at=point)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]

    # Readable and consistent right after the crash.
    info = store_info(store)
    assert all(t["exists"] for t in info["tables"].values())
    inc = load_incidents(store).collect()
    assert inc["incident_key"].n_unique() == inc.height
    mine = inc.filter(pl.col("submission_id") == ref_receipt["submission_id"])
    assert mine.height in (0, ref_receipt["counts"]["accepted"])  # all or nothing
    assert "AG-NORTH:r-0003" not in inc["incident_key"].to_list()  # never published
    ledger = load_table(store, "submissions").collect()["submission_id"].to_list()
    assert (ref_receipt["submission_id"] in ledger) == (point == "after-ledger")

    rerun = run_child(s1, store)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    receipt = json.loads(rerun.stdout)
    assert_valid_receipt(receipt)
    if point == "after-ledger":
        assert receipt["status"] == "duplicate"
    else:
        assert (receipt["status"], receipt["counts"]) == (ref_receipt["status"],
                                                          ref_receipt["counts"])
    assert state(store) == ref_state
    receipts = load_table(store, "receipts").collect()
    stored = receipts.filter((pl.col("submission_id") == ref_receipt["submission_id"])
                             & (pl.col("status") != "duplicate"))
    assert stored.height == 1  # one real answer, however many attempts

    again = ingest_submission(s1, store, scanner=regex_scanner)
    assert again["status"] == "duplicate" and state(store) == ref_state


def test_two_ingests_at_once_both_land_without_lost_or_duplicated_rows(tmp_path):
    shared = [make_incident(1000 + i) for i in range(20)]
    a = write_submission(tmp_path / "a", [make_incident(i) for i in range(300)] + shared)
    b = write_submission(tmp_path / "b", [make_incident(500 + i) for i in range(300)] + shared)
    store = tmp_path / "store"
    cli = str(Path(sys.executable).with_name("nearmiss"))
    procs = [subprocess.Popen([cli, "ingest", str(folder), "--store", str(store), "--json",
                               "--no-scan"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for folder in (a, b)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1][-2000:] for o in outs]
    receipts = [json.loads(o[0]) for o in outs]
    for receipt in receipts:
        assert_valid_receipt(receipt)
    assert sorted(r["counts"]["duplicate"] for r in receipts) == [0, 20]
    assert sum(r["counts"]["accepted"] for r in receipts) == 620
    inc = load_incidents(store).collect()
    assert inc.height == 620 == inc["incident_key"].n_unique()
    assert sorted(load_table(store, "submissions").collect()["submission_id"]) == sorted(
        r["submission_id"] for r in receipts)
