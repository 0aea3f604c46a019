"""Ingest behaviour: acceptance, partial acceptance, de-duplication, quarantine, versions."""

from __future__ import annotations

import json
import shutil
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

from nearmiss_lab.ingest import ingest_submission
from nearmiss_lab.store import load_incidents, load_table, store_info, store_version


def ingest(folder, store, **kw):
    kw.setdefault("scanner", regex_scanner)
    receipt = ingest_submission(folder, store, **kw)
    assert_valid_receipt(receipt)
    return receipt


def versions(store):
    return {t: store_version(store, t) for t in ("incidents", "submissions", "quarantine")}


@pytest.fixture()
def store(tmp_path) -> Path:
    return tmp_path / "store"


def test_clean_submission_is_accepted_and_stored_with_its_version(tmp_path, store):
    folder = write_submission(tmp_path / "s1", [make_incident(i) for i in range(3)])
    receipt = ingest(folder, store)
    assert (receipt["status"], receipt["status_code"]) == ("accepted", 1)
    assert receipt["counts"] == {"received": 3, "accepted": 3, "quarantined": 0,
                                 "duplicate": 0, "rejected": 0, "released": 0}
    assert receipt["issues"] == [] and receipt["residual_scan"] is True
    df = load_incidents(store, version=receipt["store_version"]).collect()
    assert sorted(df["record_id"]) == ["r-0000", "r-0001", "r-0002"]
    assert set(df["submission_id"]) == {receipt["submission_id"]}
    ledger = load_table(store, "submissions").collect()
    assert ledger.select("submission_id", "accepted", "incidents_version").rows() == [
        (receipt["submission_id"], 3, receipt["store_version"])]
    stored = load_table(store, "receipts").collect()
    assert json.loads(stored["receipt_json"][0]) == receipt


def test_invalid_records_are_rejected_and_the_rest_kept(tmp_path, store):
    bad = make_incident(1, officers_on_scene=0)
    bad["narrative"] = "Officer Jane Q. Public said the suspect's phone was somewhere."
    recs = [make_incident(0), bad, make_incident(2, occurred_month="2024-13")]
    receipt = ingest(write_submission(tmp_path / "s", recs), store)
    assert (receipt["status"], receipt["status_code"]) == ("accepted_with_errors", 3)
    assert receipt["counts"]["accepted"] == 1 and receipt["counts"]["rejected"] == 2
    located = {(i["record"], i["pointer"], i["code"]) for i in receipt["issues"]}
    assert (1, "/officers_on_scene", "schema-minimum") in located
    assert (2, "/occurred_month", "schema-pattern") in located
    assert "Jane" not in json.dumps(receipt)  # issues locate, never quote
    assert load_incidents(store).collect()["record_id"].to_list() == ["r-0000"]


def test_the_same_submission_again_is_a_duplicate_and_adds_nothing(tmp_path, store):
    folder = write_submission(tmp_path / "s", [make_incident(i) for i in range(3)])
    first = ingest(folder, store)
    before = versions(store)
    again = ingest(folder, store)
    assert (again["status"], again["status_code"]) == ("duplicate", -20)
    assert [i["code"] for i in again["issues"]] == ["ingest-duplicate-submission"]
    assert versions(store) == before
    assert again["store_version"] == first["store_version"]
    assert load_incidents(store).collect().height == 3


def test_a_record_seen_before_is_kept_once_by_key_or_by_content(tmp_path, store):
    ingest(write_submission(tmp_path / "a", [make_incident(0), make_incident(1)]), store)
    same_key = make_incident(0, narrative="A revised telling of the same night stop, longer.")
    same_content = make_incident(1, record_id="renamed-1")
    receipt = ingest(write_submission(tmp_path / "b", [same_key, same_content,
                                                       make_incident(2)]), store)
    assert (receipt["status"], receipt["status_code"]) == ("accepted_with_warnings", 2)
    assert receipt["counts"]["duplicate"] == 2 and receipt["counts"]["accepted"] == 1
    dups = [(i["record"], i["severity"]) for i in receipt["issues"]
            if i["code"] == "ingest-duplicate-record"]
    assert dups == [(0, "warning"), (1, "warning")]
    df = load_incidents(store).collect()
    assert sorted(df["record_id"]) == ["r-0000", "r-0001", "r-0002"]
    # the first version is kept, never updated by a later one
    kept = df.filter(pl.col("record_id") == "r-0000")["narrative"].to_list()
    assert kept == [make_incident(0)["narrative"]]


def test_duplicates_inside_one_submission_are_kept_once(tmp_path, store):
    twin = make_incident(1, record_id="twin-of-1")
    receipt = ingest(write_submission(tmp_path / "s", [make_incident(0), make_incident(1), twin]),
                     store)
    assert receipt["counts"]["accepted"] == 2 and receipt["counts"]["duplicate"] == 1
    assert load_incidents(store).collect().height == 2


def test_residual_identifier_quarantines_and_a_correction_replaces_it(tmp_path, store):
    leaky = make_incident(3, narrative=LEAKY_NARRATIVE)
    receipt = ingest(write_submission(tmp_path / "a", [make_incident(0), leaky]), store)
    assert (receipt["status"], receipt["counts"]["quarantined"]) == ("accepted_with_errors", 1)
    residual = [i for i in receipt["issues"] if i["code"] == "ingest-residual-identifier"]
    assert {(i["record"], i["pointer"]) for i in residual} == {(1, "/narrative")}
    assert {i["message"].split()[1] for i in residual} == {"PHONE", "EMAIL"}
    assert "614" not in json.dumps(receipt) and "jdoe" not in json.dumps(receipt)
    assert load_incidents(store).collect()["record_id"].to_list() == ["r-0000"]
    q = load_table(store, "quarantine").collect()
    assert q["incident_key"].to_list() == ["AG-NORTH:r-0003"]
    assert sorted(f["entity_type"] for f in q["findings"][0]) == ["EMAIL",
                                                                   "PHONE"]

    corrected = make_incident(3, narrative="Dispatch said to call the complainant back before "
                                           "we arrived at the house.")
    fixed = ingest(write_submission(tmp_path / "b", [corrected]), store)
    assert (fixed["status"], fixed["counts"]["accepted"], fixed["counts"]["released"]) == (
        "accepted", 1, 1)
    assert load_table(store, "quarantine").collect().height == 0
    assert sorted(load_incidents(store).collect()["record_id"]) == ["r-0000", "r-0003"]


def test_quarantined_again_replaces_the_older_quarantined_version(tmp_path, store):
    ingest(write_submission(tmp_path / "a", [make_incident(3, narrative=LEAKY_NARRATIVE)]), store)
    second = make_incident(3, narrative="Still leaking: call 614-555-0100 for the witness now.")
    receipt = ingest(write_submission(tmp_path / "b", [second]), store)
    assert receipt["counts"]["quarantined"] == 1
    q = load_table(store, "quarantine").collect()
    assert q.height == 1 and q["submission_id"][0] == receipt["submission_id"]


def test_zero_record_submission_is_accepted_and_counts_toward_coverage(tmp_path, store):
    receipt = ingest(write_submission(tmp_path / "z", [], period=("2024-07", "2024-07")), store)
    assert (receipt["status"], receipt["status_code"]) == ("accepted", 1)
    assert receipt["counts"]["received"] == 0
    ledger = load_table(store, "submissions").collect()
    assert ledger.select("agency", "period_start", "period_end", "received").rows() == [
        ("AG-NORTH", "2024-07", "2024-07", 0)]
    assert store_info(store)["agencies"][0]["submissions"] == 1


def test_unknown_major_version_is_rejected_with_a_coded_issue(tmp_path, store):
    folder = write_submission(tmp_path / "s", [make_incident(0)],
                              incident_schema_version="2.0.0")
    receipt = ingest(folder, store)
    assert (receipt["status"], receipt["status_code"]) == ("rejected", -13)
    assert [(i["code"], i["pointer"]) for i in receipt["issues"]] == [
        ("ingest-unsupported-major-version", "/incident_schema_version")]
    assert load_incidents(store).collect().height == 0


@pytest.mark.parametrize("version", ["2.0.0", "0.9.0"])
def test_unknown_major_manifest_version_is_rejected_above_and_below(tmp_path, store, version):
    # 0.9.0 is no older minor of 1: a major this hub never knew, like 2.
    folder = write_submission(tmp_path / "s", [make_incident(0)],
                              manifest_overrides={"schema_version": version})
    receipt = ingest(folder, store)
    assert (receipt["status"], receipt["status_code"]) == ("rejected", -13)
    assert [(i["code"], i["pointer"], i["file"]) for i in receipt["issues"]] == [
        ("ingest-unsupported-major-version", "/schema_version", "manifest.json")]
    assert load_incidents(store).collect().height == 0
    assert load_table(store, "submissions").collect().height == 0


def test_older_minor_version_is_accepted(tmp_path, store, monkeypatch, repo_dir):
    # A hub that knows 1.1.0 receives a 1.0.0 submission.
    spec = tmp_path / "spec"
    shutil.copytree(repo_dir / "schemas", spec)
    for kind in ("incident", "manifest"):
        doc = json.loads((spec / kind / "1.0.0.json").read_text())
        doc["$id"] = doc["$id"].replace("1.0.0", "1.1.0")
        (spec / kind / "1.1.0.json").write_text(json.dumps(doc))
    monkeypatch.setenv("NEARMISS_SCHEMAS", str(spec))
    receipt = ingest(write_submission(tmp_path / "s", [make_incident(0)]), store)
    assert (receipt["status"], receipt["issues"]) == ("accepted", [])


def test_newer_minor_version_is_accepted_with_a_warning(tmp_path, store):
    folder = write_submission(tmp_path / "s", [make_incident(0, schema_version="1.3.0")],
                              incident_schema_version="1.3.0")
    receipt = ingest(folder, store)
    assert receipt["status"] == "accepted_with_warnings"
    assert "ingest-newer-minor-version" in {i["code"] for i in receipt["issues"]}
    assert load_incidents(store).collect()["schema_version"].to_list() == ["1.3.0"]


def test_old_versions_of_the_store_read_exactly_what_they_held(tmp_path, store):
    r1 = ingest(write_submission(tmp_path / "a", [make_incident(0), make_incident(1)]), store)
    snapshot = load_incidents(store, version=r1["store_version"]).collect()
    r2 = ingest(write_submission(tmp_path / "b", [make_incident(2)]), store)
    assert r2["store_version"] > r1["store_version"]
    again = load_incidents(store, version=r1["store_version"]).collect()
    assert again.sort("record_id").equals(snapshot.sort("record_id"))
    assert load_incidents(store).collect().height == 3


def test_without_the_scan_the_receipt_says_so(tmp_path, store):
    folder = write_submission(tmp_path / "s", [make_incident(0, narrative=LEAKY_NARRATIVE)])
    receipt = ingest_submission(folder, store, scan=False)
    assert_valid_receipt(receipt)
    assert receipt["residual_scan"] is False and receipt["status"] == "accepted"


def test_records_of_another_agency_are_rejected(tmp_path, store):
    recs = [make_incident(0), make_incident(1, agency="AG-SOUTH")]
    receipt = ingest(write_submission(tmp_path / "s", recs), store)
    assert receipt["counts"]["rejected"] == 1
    assert ("submission-agency-mismatch", 1) in {(i["code"], i["record"])
                                                 for i in receipt["issues"]}


def test_every_ingest_code_is_published_with_its_severity():
    from nearmiss_lab.ingest import INGEST_CODES
    from nearmiss_lab.spec import load_issue_codes

    published = load_issue_codes()
    for code in INGEST_CODES:
        assert published[code.code]["severity"] == code.severity.value, code.code


def test_status_table_matches_the_receipt_schema():
    from nearmiss_lab.ingest import STATUS_TABLE
    from nearmiss_lab.spec import load_schema

    props = load_schema("receipt", "1.0.0")["properties"]
    assert sorted(s.code for s in STATUS_TABLE) == sorted(props["status_code"]["enum"])
    assert {s.status for s in STATUS_TABLE} == set(props["status"]["enum"])
    assert all((s.code > 0) == s.status.startswith("accepted") for s in STATUS_TABLE)
    described = props["status_code"]["description"]
    assert all(f"{s.code} " in described for s in STATUS_TABLE)  # the spec lists the table


def test_scan_progress_is_reported_up_to_the_number_of_valid_records(tmp_path, store):
    seen = []
    folder = write_submission(tmp_path / "s", [make_incident(i) for i in range(70)] + [{}])
    ingest(folder, store, on_scan=lambda done, total: seen.append((done, total)))
    assert seen == [(64, 70), (70, 70)]


def test_record_id_shaped_like_a_case_number_is_rejected_and_never_stored(tmp_path, store):
    # R-012 at the hub: whatever tool made the submission, a case number as record_id is not
    # stored (researchers load record_id with every incident) and not repeated in the receipt.
    records = [make_incident(0), make_incident(1, record_id="SO25-004809")]
    receipt = ingest(write_submission(tmp_path / "s", records), store)
    assert (receipt["status"], receipt["counts"]["accepted"], receipt["counts"]["rejected"]) \
        == ("accepted_with_errors", 1, 1)
    assert [(i["code"], i["record"], i["record_id"]) for i in receipt["issues"]] == [
        ("rule-record-id-case-number", 1, None)]
    assert "SO25-004809" not in json.dumps(receipt)
    assert load_incidents(store).collect()["record_id"].to_list() == ["r-0000"]


def test_nothing_new_to_store_is_rejected_not_accepted_with_errors(tmp_path, store):
    # The audit's case: 2 records already stored + 3 invalid ones stored nothing, yet the
    # receipt said accepted_with_errors ("valid records stored"). It is rejected (-14): no
    # ledger row, no new version, and the same submission id can carry the corrected file.
    ingest(write_submission(tmp_path / "first", [make_incident(0), make_incident(1)]), store)
    before = versions(store)
    invalid = [make_incident(i, officers_on_scene=0) for i in (2, 3, 4)]
    folder = write_submission(tmp_path / "second",
                              [make_incident(0), make_incident(1), *invalid],
                              submission_id="AG-NORTH-0123456789abcdef")
    receipt = ingest(folder, store)
    assert (receipt["status"], receipt["status_code"]) == ("rejected", -14)
    assert receipt["counts"] == {"received": 5, "accepted": 0, "quarantined": 0,
                                 "duplicate": 2, "rejected": 3, "released": 0}
    codes = [i["code"] for i in receipt["issues"]]
    assert codes[0] == "ingest-no-new-records"
    assert codes.count("ingest-duplicate-record") == 2 and codes.count("schema-minimum") == 3
    assert versions(store) == before
    assert load_table(store, "submissions").collect().height == 1
    # corrected: the same id is accepted (the two repeats stay duplicates, warnings only)
    fixed = write_submission(tmp_path / "third", [make_incident(i) for i in range(5)],
                             submission_id="AG-NORTH-0123456789abcdef")
    receipt = ingest(fixed, store)
    assert (receipt["status"], receipt["counts"]["accepted"], receipt["counts"]["duplicate"]) \
        == ("accepted_with_warnings", 3, 2)


def test_only_duplicates_or_quarantine_still_count_as_stored(tmp_path, store):
    ingest(write_submission(tmp_path / "first", [make_incident(0)]), store)
    # a resend of stored records alone: nothing invalid, coverage recorded, warnings only
    receipt = ingest(write_submission(tmp_path / "again", [make_incident(0)],
                                      submission_id="AG-NORTH-fedcba9876543210"), store)
    assert receipt["status"] == "accepted_with_warnings"
    # a quarantined record is stored (in quarantine) beside an invalid one
    records = [make_incident(5, narrative=LEAKY_NARRATIVE), make_incident(6, subjects=-1)]
    receipt = ingest(write_submission(tmp_path / "q", records), store)
    assert (receipt["status"], receipt["counts"]["quarantined"], receipt["counts"]["rejected"]) \
        == ("accepted_with_errors", 1, 1)
