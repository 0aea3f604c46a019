"""Ingest with the real residual scan (Presidio + the spaCy model), as the hub runs it."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from test_ingest_support import (
    LEAKY_NARRATIVE,
    assert_valid_receipt,
    make_incident,
    write_submission,
)

from nearmiss_lab.ingest import ingest_submission
from nearmiss_lab.store import load_incidents, load_table

NAMED = ("Officer John Smith and Sgt. Maria Lopez stopped the car on Main Street while the "
         "driver argued.")


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    root = tmp_path_factory.mktemp("scan")
    records = [make_incident(i) for i in range(4)]
    records += [make_incident(4, narrative=LEAKY_NARRATIVE), make_incident(5, narrative=NAMED)]
    folder = write_submission(root / "s", records)
    receipt = ingest_submission(folder, root / "store")  # default: the real residual scan
    return root / "store", receipt


def test_real_scan_quarantines_residual_identifiers_and_keeps_clean_records(scanned):
    store, receipt = scanned
    assert_valid_receipt(receipt)
    assert receipt["residual_scan"] is True
    assert (receipt["status"], receipt["counts"]["accepted"],
            receipt["counts"]["quarantined"]) == ("accepted_with_errors", 4, 2)
    assert sorted(load_incidents(store).collect()["record_id"]) == [
        "r-0000", "r-0001", "r-0002", "r-0003"]
    q = load_table(store, "quarantine").collect()
    assert sorted(q["record_id"]) == ["r-0004", "r-0005"]
    found = {f["entity_type"] for row in q["findings"] for f in row}
    assert {"PERSON", "EMAIL"} <= found


def test_receipt_names_types_and_offsets_never_the_identifiers(scanned):
    _, receipt = scanned
    text = json.dumps(receipt)
    for secret in ("614-555-0199", "jdoe", "John", "Smith", "Lopez", "Main Street"):
        assert secret not in text
    residual = [i for i in receipt["issues"] if i["code"] == "ingest-residual-identifier"]
    assert {i["record"] for i in residual} == {4, 5}
    assert all(i["pointer"] == "/narrative" for i in residual)


def test_real_scan_reads_lessons_learned_too(tmp_path):
    # The residual scan covers every free-text field: a clean narrative does not save a
    # record whose lessons learned still name someone.
    leaky = make_incident(1, lessons_learned="Ask Sgt. Maria Lopez about the tinted-window "
                                             "stops; she trained the squad on them.")
    folder = write_submission(tmp_path / "s", [make_incident(0), leaky])
    receipt = ingest_submission(folder, tmp_path / "store")
    assert_valid_receipt(receipt)
    assert (receipt["counts"]["accepted"], receipt["counts"]["quarantined"]) == (1, 1)
    residual = [i for i in receipt["issues"] if i["code"] == "ingest-residual-identifier"]
    assert residual and {(i["record"], i["pointer"]) for i in residual} == {
        (1, "/lessons_learned")}
    assert "Lopez" not in json.dumps(receipt) and "Maria" not in json.dumps(receipt)
    q = load_table(tmp_path / "store", "quarantine").collect()
    assert q["record_id"].to_list() == ["r-0001"]
    assert {f["field"] for f in q["findings"][0]} == {"lessons_learned"}
    assert "PERSON" in {f["entity_type"] for f in q["findings"][0]}


def test_cli_uses_the_real_scan_by_default(tmp_path):
    from nearmiss_lab.cli import main

    folder = write_submission(tmp_path / "s", [make_incident(0),
                                               make_incident(1, narrative=LEAKY_NARRATIVE)])
    result = CliRunner().invoke(main, ["ingest", str(folder), "--store", str(tmp_path / "st"),
                                       "--json"])
    assert result.exit_code == 1, result.output  # a record was quarantined
    receipt = json.loads(result.output)
    assert (receipt["counts"]["accepted"], receipt["counts"]["quarantined"]) == (1, 1)
