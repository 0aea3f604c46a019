"""``nearmiss ingest`` and ``nearmiss store info``: exit codes and exact output."""

from __future__ import annotations

import json

from click.testing import CliRunner
from test_ingest_support import assert_valid_receipt, make_incident, write_submission

from nearmiss_lab.cli import main


def run(*args, env=None):
    return CliRunner().invoke(main, list(map(str, args)), env=env, catch_exceptions=False)


def test_ingest_json_prints_the_receipt_and_exits_0(tmp_path):
    folder = write_submission(tmp_path / "s", [make_incident(0), make_incident(1)])
    result = run("ingest", folder, "--store", tmp_path / "store", "--json", "--no-scan")
    assert result.exit_code == 0, result.output
    receipt = json.loads(result.output)
    assert_valid_receipt(receipt)
    assert (receipt["status"], receipt["counts"]["accepted"]) == ("accepted", 2)


def test_several_folders_give_a_list_and_exit_1_when_one_is_rejected(tmp_path):
    good = write_submission(tmp_path / "a", [make_incident(0)])
    bad = write_submission(tmp_path / "b", [make_incident(1)])
    (bad / "manifest.json").unlink()
    result = run("ingest", good, bad, "--store", tmp_path / "store", "--json", "--no-scan")
    assert result.exit_code == 1
    receipts = json.loads(result.output)
    assert [r["status"] for r in receipts] == ["accepted", "rejected"]


def test_text_output_shows_status_counts_and_located_issues(tmp_path):
    folder = write_submission(tmp_path / "s", [make_incident(0),
                                               make_incident(1, officers_on_scene=0)])
    result = run("ingest", folder, "--store", tmp_path / "store", "--no-scan")
    assert result.exit_code == 1  # a record was rejected
    lines = result.output.splitlines()
    sid = json.loads((folder / "manifest.json").read_text())["submission_id"]
    assert lines[0] == f"{folder}: accepted_with_errors (3) submission {sid}"
    assert lines[1] == ("  received 2, accepted 1, quarantined 0, duplicate 0, rejected 1")
    assert lines[2] == "  store version 1  (residual scan OFF)"
    assert lines[3].split()[:6] == ["error", "schema-minimum", "records.jsonl", "record", "1",
                                     "line"]


def test_duplicate_submission_exits_0(tmp_path):
    folder = write_submission(tmp_path / "s", [make_incident(0)])
    run("ingest", folder, "--store", tmp_path / "store", "--no-scan")
    result = run("ingest", folder, "--store", tmp_path / "store", "--no-scan", "--json")
    assert result.exit_code == 0 and json.loads(result.output)["status"] == "duplicate"


def test_missing_folder_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["ingest", str(tmp_path / "nope"), "--store",
                                       str(tmp_path / "store")])
    assert result.exit_code == 2


def test_store_from_the_environment_and_store_info(tmp_path):
    env = {"NEARMISS_STORE": str(tmp_path / "envstore")}
    folder = write_submission(tmp_path / "s", [make_incident(0), make_incident(1)])
    assert run("ingest", folder, "--no-scan", env=env).exit_code == 0
    info = run("store", "info", "--json", env=env)
    assert info.exit_code == 0
    data = json.loads(info.output)
    assert data["store"] == str(tmp_path / "envstore")
    assert {k: (v["version"], v["rows"]) for k, v in data["tables"].items()} == {
        "incidents": (1, 2), "submissions": (1, 1), "quarantine": (0, 0), "receipts": (1, 1)}
    assert data["periods"] == {"first": "2024-01", "last": "2024-02", "months": 2,
                               "zero_report_months": []}
    assert (data["published_version"], data["incomplete_ingests"],
            data["pending_journals"]) == (1, [], 0)
    text = run("store", "info", env=env).output.splitlines()
    assert text[2:10] == [
        "table        version      rows",
        "incidents          1         2",
        "submissions        1         1",
        "quarantine         0         0",
        "receipts           1         1",
        "",
        "published   incidents version 1",
        "periods     2024-01 .. 2024-02 (2 months with incidents)",
    ]


def test_store_info_counts_zero_report_months_as_periods(tmp_path):
    # A zero-record submission is coverage: its months are in the store's periods even
    # though no incident occurred in them.
    store = tmp_path / "store"
    zero = write_submission(tmp_path / "z", [], period=("2024-07", "2024-08"))
    assert run("ingest", zero, "--store", store, "--no-scan").exit_code == 0
    data = json.loads(run("store", "info", "--store", store, "--json").output)
    assert data["periods"] == {"first": "2024-07", "last": "2024-08", "months": 0,
                               "zero_report_months": ["2024-07", "2024-08"]}
    assert run("ingest", write_submission(tmp_path / "s", [make_incident(0)]), "--store",
               store, "--no-scan").exit_code == 0
    data = json.loads(run("store", "info", "--store", store, "--json").output)
    assert data["periods"] == {"first": "2024-01", "last": "2024-08", "months": 1,
                               "zero_report_months": ["2024-07", "2024-08"]}
    text = run("store", "info", "--store", store).output
    assert ("periods     2024-01 .. 2024-08 (1 months with incidents; zero reports for "
            "2024-07, 2024-08)") in text.splitlines()


class _LockTakenAfterFirstFolder:
    """The store lock as ingest takes it, except that from the second ingest on another
    writer (a real thread holding the real lock) has it, and the wait is short."""

    def __init__(self, store):
        import threading

        from nearmiss_lab.store import tables

        self.real = tables.store_lock
        self.store, self.calls = store, 0
        self.locked, self.release = threading.Event(), threading.Event()
        self.holder = threading.Thread(target=self._hold)

    def _hold(self):
        with self.real(self.store):
            self.locked.set()
            self.release.wait(60)

    def __call__(self, root, *, timeout=600.0):
        self.calls += 1
        if self.calls == 2:
            self.holder.start()
            assert self.locked.wait(30)
        return self.real(root, timeout=0.2 if self.calls >= 2 else timeout)

    def stop(self):
        self.release.set()
        if self.holder.is_alive():
            self.holder.join(30)


def test_a_store_failure_in_one_folder_prints_what_landed_then_a_coded_error(
        tmp_path, monkeypatch):
    # The store lock is held by another writer when the run reaches its second folder: the
    # first folder's receipt is printed, then a coded error; exit 2, no traceback.
    import nearmiss_lab.ingest.commit as commit
    from nearmiss_lab.store import init_store, load_table

    store = init_store(tmp_path / "store")
    first, second, third = (write_submission(tmp_path / n, [make_incident(i)])
                            for i, n in enumerate("abc"))
    for args in ([first, second, third], [second, third, "--json"]):
        lock = _LockTakenAfterFirstFolder(store)
        monkeypatch.setattr(commit, "store_lock", lock)
        try:
            result = CliRunner().invoke(main, ["ingest", *map(str, args), "--store",
                                               str(store), "--no-scan"])
        finally:
            lock.stop()
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output + result.stderr
        assert result.exception is None or isinstance(result.exception, SystemExit)
        if "--json" in args:
            # the list of what landed, then the error for the third folder
            assert [r["status"] for r in json.loads(result.stdout)] == ["accepted"]
            assert result.stderr.startswith(f"error: {third}: ingest-store-locked: ")
            continue
        assert result.stdout.splitlines()[0].startswith(f"{first}: accepted (1)")
        assert str(second) not in result.stdout
        assert result.stderr.splitlines() == [
            f"error: {second}: ingest-store-locked: TimeoutError: store {store} is locked by "
            "another writer; 1 folder(s) before it were stored, this one did not finish "
            "(what it committed is completed by the next ingest or `nearmiss store "
            "recover`), 1 after it not attempted"]
        assert load_table(store, "submissions").collect().height == 1


def test_a_resent_folder_with_an_altered_records_file_is_a_hash_mismatch(tmp_path):
    folder = write_submission(tmp_path / "s", [make_incident(0), make_incident(1)])
    store = tmp_path / "store"
    assert run("ingest", folder, "--store", store, "--no-scan").exit_code == 0
    data = (folder / "records.jsonl").read_bytes()
    (folder / "records.jsonl").write_bytes(data.replace(b'"OH"', b'"TX"', 1))
    result = run("ingest", folder, "--store", store, "--no-scan", "--json")
    assert result.exit_code == 1, result.output
    receipt = json.loads(result.output)
    assert (receipt["status_code"], [i["code"] for i in receipt["issues"]]) == (
        -12, ["submission-hash-mismatch"])


def test_store_recover_completes_a_killed_ingest_and_then_has_nothing_to_do(tmp_path):
    from test_ingest_crash import run_child

    from nearmiss_lab.store import load_incidents

    folder = write_submission(tmp_path / "s", [make_incident(0), make_incident(1)])
    store = tmp_path / "store"
    assert run_child(folder, store, crash_at="after-quarantine").returncode == -9
    sid = json.loads((folder / "manifest.json").read_text())["submission_id"]
    info = json.loads(run("store", "info", "--store", store, "--json").output)
    assert (info["published_version"], info["pending_journals"]) == (0, 1)
    assert info["incomplete_ingests"] == [{"ingest_id": info["incomplete_ingests"][0][
        "ingest_id"], "submission_id": sid, "incidents_version": 1}]
    text = run("store", "info", "--store", store).output.splitlines()
    assert text[8:10] == [
        "published   incidents version 0",
        f"  incomplete ingest of {sid} (incidents version 1): unpublished until its ledger "
        "row is written (if it was killed: `nearmiss store recover` or the next ingest)"]
    assert load_incidents(store).collect().height == 0  # not published yet
    result = run("store", "recover", "--store", store)
    assert (result.exit_code, result.output) == (0, f"{sid}: completed (accepted)\n")
    assert load_incidents(store).collect().height == 2
    info = json.loads(run("store", "info", "--store", store, "--json").output)
    assert (info["published_version"], info["incomplete_ingests"],
            info["pending_journals"]) == (1, [], 0)
    assert run("store", "recover", "--store", store).output == "nothing to recover\n"
    assert json.loads(run("store", "recover", "--store", store, "--json").output) == []
    missing = CliRunner().invoke(main, ["store", "recover", "--store", str(tmp_path / "no")])
    assert missing.exit_code == 2


def test_store_info_on_a_missing_store_exits_2(tmp_path):
    result = CliRunner().invoke(main, ["store", "info", "--store", str(tmp_path / "none")])
    assert result.exit_code == 2 and "does not exist" in result.output


def test_missing_spacy_model_is_a_usage_error_before_anything_is_read(tmp_path):
    # The scan engine's model is checked before the first folder: exit 2 with the message
    # naming the package, no traceback, and no store created.
    folder = write_submission(tmp_path / "s", [make_incident(0)])
    store = tmp_path / "store"
    result = CliRunner().invoke(main, ["ingest", str(folder), "--store", str(store)],
                                env={"NEARMISS_SPACY_MODEL": "en_core_web_lg"})
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "spaCy model 'en_core_web_lg' is not installed" in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert not store.exists()
    # --no-scan needs no model
    result = CliRunner().invoke(main, ["ingest", str(folder), "--store", str(store),
                                       "--no-scan"], env={"NEARMISS_SPACY_MODEL": "en_core_web_lg"})
    assert result.exit_code == 0


def test_an_ingest_whose_incidents_have_no_journal_is_a_coded_store_error(tmp_path):
    # A store written by a release without journals, killed after its incidents commit:
    # the ingest cannot be completed safely, so nothing more is written and the CLI says so.
    from datetime import UTC, datetime

    from nearmiss_lab.ingest.commit import ingest_id_for
    from nearmiss_lab.store import append_rows, incident_to_row, init_store, load_table
    from nearmiss_lab.store.tables import PENDING_DIR

    folder = write_submission(tmp_path / "s", [make_incident(0)])
    manifest = json.loads((folder / "manifest.json").read_text())
    store = init_store(tmp_path / "store")
    (store / PENDING_DIR).mkdir()
    (store / PENDING_DIR / "0123.tmp").write_text("{")  # a writer died before its rename
    append_rows(store, "incidents", [incident_to_row(
        make_incident(0), submission_id=manifest["submission_id"],
        ingested_at=datetime(2024, 7, 1, tzinfo=UTC))],
        ingest_id=ingest_id_for(manifest["submission_id"], manifest["records"]["sha256"]))
    result = CliRunner().invoke(main, ["ingest", str(folder), "--store", str(store),
                                       "--no-scan"])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: {folder}: ingest-store-error: "
                                    "IncompleteIngestError: this submission's earlier ingest "
                                    "committed its incidents but left no recovery journal")
    assert "Traceback" not in result.output + result.stderr
    assert load_table(store, "submissions").collect().height == 0
    assert load_table(store, "receipts").collect().height == 0
    assert list((store / PENDING_DIR).iterdir()) == []
