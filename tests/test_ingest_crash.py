"""Crash safety and concurrency with real processes.

A child process runs the ingest and SIGKILLs itself at a named point between the Delta
commits (``NEARMISS_INGEST_CRASH_AT``); the store must stay readable and consistent, and
running the same ingest again must end in exactly the state of an uninterrupted run -- also
when the re-run is given other scan settings, and when another ingest comes between the
crash and the re-run. Concurrent ingests are made to contend: the test holds the store lock
until both child processes are waiting for it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
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
scan = sys.argv[4] == "scan"
print(json.dumps(ingest_submission(sys.argv[1], sys.argv[2], scan=scan,
                                   scanner=regex_scanner if scan else None)))
"""


def run_child(folder: Path, store: Path, crash_at: str | None = None, *, scan: bool = True):
    env = {k: v for k, v in os.environ.items() if k != CRASH_ENV}
    if crash_at:
        env[CRASH_ENV] = crash_at
    return subprocess.run([sys.executable, "-c", CHILD, str(folder), str(store), TESTS,
                           "scan" if scan else "no-scan"],
                          env=env, capture_output=True, text=True, timeout=300)


def assert_tables_match_receipts(store: Path) -> None:
    """The invariants every crash test ends with, whatever happened in between.

    No key is both published and quarantined; incident keys are unique; every ledger row
    has its one real receipt with the same counts; a submission's rows in ``incidents`` are
    exactly its accepted records and its rows in ``quarantine`` are records its receipt
    quarantined; nothing is held by a submission without a ledger row.
    """
    inc = load_table(store, "incidents").collect()
    quarantine = load_table(store, "quarantine").collect()
    ledger = load_table(store, "submissions").collect()
    receipts = load_table(store, "receipts").collect().filter(pl.col("ingest_id").is_not_null())
    assert inc["incident_key"].n_unique() == inc.height
    assert not set(inc["incident_key"]) & set(quarantine["incident_key"])
    assert set(inc["submission_id"]) <= set(ledger["submission_id"])
    assert set(quarantine["submission_id"]) <= set(ledger["submission_id"])
    assert sorted(receipts["ingest_id"]) == sorted(ledger["ingest_id"])
    for row in ledger.iter_rows(named=True):
        stored = receipts.filter(pl.col("ingest_id") == row["ingest_id"])
        receipt = json.loads(stored["receipt_json"][0])
        counts = receipt["counts"]
        assert (row["accepted"], row["quarantined"], row["duplicate"], row["rejected"]) == (
            counts["accepted"], counts["quarantined"], counts["duplicate"], counts["rejected"])
        assert row["incidents_version"] == receipt["store_version"]
        mine = inc.filter(pl.col("submission_id") == row["submission_id"])
        assert mine.height == counts["accepted"]
        held = quarantine.filter(pl.col("submission_id") == row["submission_id"])
        residual = {i["record"] for i in receipt["issues"]
                    if i["code"] == "ingest-residual-identifier"}
        assert set(held["record_index"]) <= residual
        assert len(residual) == counts["quarantined"]


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
    assert_tables_match_receipts(store)
    assert not (store / "_pending").exists() or not any((store / "_pending").iterdir())


@pytest.mark.parametrize("point", ["after-incidents", "after-quarantine", "after-receipt"])
@pytest.mark.parametrize("first_scan", [True, False], ids=["scan-then-no-scan",
                                                          "no-scan-then-scan"])
def test_a_rerun_with_other_scan_settings_completes_what_the_first_run_decided(
        point, first_scan, tmp_path):
    # The audit's case: killed after its incidents commit with the scan on, re-run with
    # --no-scan, the leaky record was in neither table while the receipt said accepted 2;
    # the other way round it was published AND quarantined.
    folder = write_submission(tmp_path / "s", [make_incident(0),
                                               make_incident(1, narrative=LEAKY_NARRATIVE)])
    reference = ingest_submission(folder, tmp_path / "ref", scan=first_scan,
                                  scanner=regex_scanner if first_scan else None)
    store = tmp_path / "store"
    killed = run_child(folder, store, crash_at=point, scan=first_scan)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    rerun = run_child(folder, store, scan=not first_scan)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    receipt = json.loads(rerun.stdout)
    assert_valid_receipt(receipt)
    assert (receipt["status"], receipt["counts"], receipt["residual_scan"]) == (
        reference["status"], reference["counts"], first_scan)
    assert state(store) == state(tmp_path / "ref")
    published = sorted(load_incidents(store).collect()["record_id"])
    held = sorted(load_table(store, "quarantine").collect()["record_id"])
    assert (published, held) == ((["r-0000"], ["r-0001"]) if first_scan
                                 else (["r-0000", "r-0001"], []))
    assert_tables_match_receipts(store)


@pytest.mark.parametrize("point", ["after-journal", "after-incidents", "after-quarantine",
                                   "after-receipt"])
def test_another_ingest_between_the_crash_and_the_rerun_keeps_every_key_in_one_table(
        point, tmp_path):
    # s1 is killed with its leaky r-0001 not yet (or just) quarantined; s2 then stores a
    # corrected r-0001 and a new version of s1's r-0000; then s1 is run again. The end state
    # is that of s1 then s2 run one after the other: r-0001 published once (released from
    # quarantine), never also held; r-0000 kept once, as s1 sent it.
    s1 = write_submission(tmp_path / "s1", [make_incident(0),
                                            make_incident(1, narrative=LEAKY_NARRATIVE)])
    s2 = write_submission(tmp_path / "s2", [
        make_incident(1), make_incident(0, narrative="A longer retelling of the same stop."),
        make_incident(2)])
    ref = tmp_path / "ref"
    ref_s1 = ingest_submission(s1, ref, scanner=regex_scanner)
    ref_s2 = ingest_submission(s2, ref, scanner=regex_scanner)
    assert (ref_s2["counts"]["released"], ref_s2["counts"]["duplicate"]) == (1, 1)

    store = tmp_path / "store"
    killed = run_child(s1, store, crash_at=point)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    between = run_child(s2, store)
    assert between.returncode == 0, between.stderr[-2000:]
    got_s2 = json.loads(between.stdout)
    rerun = run_child(s1, store)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    got_s1 = json.loads(rerun.stdout)
    assert_valid_receipt(got_s1)
    assert_valid_receipt(got_s2)
    inc = load_incidents(store).collect()
    quarantine = load_table(store, "quarantine").collect()
    assert not set(inc["incident_key"]) & set(quarantine["incident_key"])
    assert_tables_match_receipts(store)
    if point == "after-journal":
        # died before its commit point: nothing of s1 existed when s2 came, so s2 is
        # ingested first and the re-run of s1 finds both of its records stored
        assert got_s2["counts"] == {**ref_s2["counts"], "accepted": 3, "duplicate": 0,
                                    "released": 0}
        assert (got_s1["status"], got_s1["counts"]["accepted"],
                got_s1["counts"]["duplicate"]) == ("accepted_with_warnings", 0, 2)
        assert sorted(load_incidents(store).collect()["submission_id"]) == sorted(
            [got_s2["submission_id"]] * 3)
        return
    # s2 completed s1 first: s1's re-run finds it stored, s2 answers as after s1
    assert (got_s2["status"], got_s2["counts"]) == (ref_s2["status"], ref_s2["counts"])
    assert got_s1["status"] == "duplicate"
    assert state(store) == state(ref)
    stored_s1 = load_table(store, "receipts").collect().filter(
        pl.col("submission_id") == ref_s1["submission_id"]).filter(
        pl.col("status") != "duplicate")
    assert json.loads(stored_s1["receipt_json"][0])["counts"] == ref_s1["counts"]


def test_a_fixed_file_sent_after_a_crash_meets_the_completed_first_ingest(tmp_path):
    # The agency's first file was killed after its incidents commit; it sends a fixed file
    # instead. The first ingest is completed as decided (it passed its commit point), so
    # the fixed file under the same id is an id reused for other content (-15), exactly as
    # after an uninterrupted ingest; under a new id its correction releases the held record.
    first = write_submission(tmp_path / "a", [make_incident(0),
                                              make_incident(1, narrative=LEAKY_NARRATIVE)],
                             submission_id="AG-NORTH-00000000000000aa")
    fixed = [make_incident(0), make_incident(1)]
    store = tmp_path / "store"
    assert run_child(first, store, crash_at="after-incidents").returncode == -signal.SIGKILL
    same_id = ingest_submission(write_submission(tmp_path / "b", fixed,
                                                 submission_id="AG-NORTH-00000000000000aa"),
                                store, scanner=regex_scanner)
    assert (same_id["status_code"], [i["code"] for i in same_id["issues"]]) == (
        -15, ["ingest-submission-id-conflict"])
    ledger = load_table(store, "submissions").collect()
    assert ledger.select("submission_id", "accepted", "quarantined").rows() == [
        ("AG-NORTH-00000000000000aa", 1, 1)]
    assert load_table(store, "quarantine").collect()["record_id"].to_list() == ["r-0001"]
    assert_tables_match_receipts(store)
    new_id = ingest_submission(write_submission(tmp_path / "c", fixed), store,
                               scanner=regex_scanner)
    assert (new_id["status"], new_id["counts"]["accepted"], new_id["counts"]["duplicate"],
            new_id["counts"]["released"]) == ("accepted_with_warnings", 1, 1, 1)
    assert sorted(load_incidents(store).collect()["record_id"]) == ["r-0000", "r-0001"]
    assert load_table(store, "quarantine").collect().height == 0
    assert_tables_match_receipts(store)


def test_a_killed_ingest_is_not_published_until_it_is_completed(submissions, tmp_path):
    # The rows of an ingest killed after its incidents commit are in the table but not in
    # the published view, and a snapshot taken in the gap is the one a rebuild gets later.
    from nearmiss_lab.store import published_version, snapshot_versions, store_version

    s0, s1 = submissions
    store = tmp_path / "store"
    ingest_submission(s0, store, scanner=regex_scanner)
    before = snapshot_versions(store)
    seen = load_incidents(store).collect().sort("incident_key")
    assert run_child(s1, store, crash_at="after-incidents").returncode == -signal.SIGKILL
    assert load_table(store, "incidents").collect().height > seen.height  # committed...
    assert load_incidents(store).collect().sort("incident_key").equals(seen)  # ...unseen
    assert published_version(store) == store_version(store) == before["incidents"]
    assert snapshot_versions(store) == before
    assert [i["incidents_version"] for i in store_info(store)["incomplete_ingests"]] == [
        before["incidents"] + 1]
    rerun = run_child(s1, store)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert published_version(store) == before["incidents"] + 1
    assert snapshot_versions(store, before["incidents"]) == before
    assert load_incidents(store, version=before["incidents"]).collect().sort(
        "incident_key").equals(seen)
    assert store_info(store)["incomplete_ingests"] == []


def _holds_open(pid: int, path: Path) -> bool:
    """True when process ``pid`` has ``path`` open (Linux ``/proc``)."""
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except FileNotFoundError:
        return False
    for fd in fds:
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}") == str(path):
                return True
        except OSError:
            continue
    return False


def _ingest_while_locked(store: Path, folders: list[Path]) -> list[tuple[int, str, str]]:
    """Start one ``nearmiss ingest`` per folder while this test holds the store lock.

    The lock is released only once every child has opened the lock file, i.e. has finished
    reading, validating and de-duplicating nothing yet, and is waiting in ``store_lock``
    (the only place an ingest opens that file, and the store already exists, so
    ``init_store`` does not take it). Until then nothing may have been committed: the
    check-and-commit sections of both ingests really do run one after the other.
    """
    from nearmiss_lab.store import init_store, store_lock, store_version
    from nearmiss_lab.store.tables import LOCK_NAME

    root = init_store(store)
    cli = str(Path(sys.executable).with_name("nearmiss"))
    with store_lock(root):
        procs = [subprocess.Popen([cli, "ingest", str(folder), "--store", str(root),
                                   "--json", "--no-scan"], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for folder in folders]
        waiting: set[int] = set()
        while len(waiting) < len(procs):  # bounded by the children's own 600 s lock timeout
            for p in procs:
                assert p.poll() is None, p.communicate()[1][-2000:]
                if _holds_open(p.pid, root / LOCK_NAME):
                    waiting.add(p.pid)
            time.sleep(0.02)
        assert {t: store_version(root, t) for t in ("incidents", "submissions")} == {
            "incidents": 0, "submissions": 0}
    outs = [p.communicate(timeout=300) for p in procs]
    return [(p.returncode, out, err) for p, (out, err) in zip(procs, outs, strict=True)]


def test_two_ingests_at_once_both_land_without_lost_or_duplicated_rows(tmp_path):
    shared = [make_incident(1000 + i) for i in range(20)]
    a = write_submission(tmp_path / "a", [make_incident(i) for i in range(300)] + shared)
    b = write_submission(tmp_path / "b", [make_incident(500 + i) for i in range(300)] + shared)
    store = tmp_path / "store"
    results = _ingest_while_locked(store, [a, b])
    assert [r[0] for r in results] == [0, 0], [r[2][-2000:] for r in results]
    receipts = [json.loads(r[1]) for r in results]
    for receipt in receipts:
        assert_valid_receipt(receipt)
    # both planned after the lock was released; whichever went second saw the first
    assert sorted(r["counts"]["duplicate"] for r in receipts) == [0, 20]
    assert sum(r["counts"]["accepted"] for r in receipts) == 620
    inc = load_incidents(store).collect()
    assert inc.height == 620 == inc["incident_key"].n_unique()
    assert sorted(load_table(store, "submissions").collect()["submission_id"]) == sorted(
        r["submission_id"] for r in receipts)
    assert sorted(r["store_version"] for r in receipts) == [1, 2]
    assert_tables_match_receipts(store)


def test_the_same_submission_twice_at_once_is_stored_once(tmp_path):
    folder = write_submission(tmp_path / "s", [make_incident(i) for i in range(50)])
    store = tmp_path / "store"
    results = _ingest_while_locked(store, [folder, folder])
    assert [r[0] for r in results] == [0, 0], [r[2][-2000:] for r in results]
    receipts = [json.loads(r[1]) for r in results]
    assert sorted(r["status"] for r in receipts) == ["accepted", "duplicate"]
    first = next(r for r in receipts if r["status"] == "accepted")
    again = next(r for r in receipts if r["status"] == "duplicate")
    assert first["counts"]["accepted"] == 50 and again["counts"]["accepted"] == 0
    assert again["store_version"] == first["store_version"] == 1
    inc = load_incidents(store).collect()
    assert inc.height == 50 == inc["incident_key"].n_unique()
    assert load_table(store, "submissions").collect().height == 1
    assert sorted(load_table(store, "receipts").collect()["status"]) == [
        "accepted", "duplicate"]
    assert_tables_match_receipts(store)
