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
    assert data["periods"] == {"first": "2024-01", "last": "2024-02", "months": 2}
    text = run("store", "info", env=env).output.splitlines()
    assert text[2:7] == [
        "table        version      rows",
        "incidents          1         2",
        "submissions        1         1",
        "quarantine         0         0",
        "receipts           1         1",
    ]


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
