"""Submissions: the writer's output validates; every folder-level fault is one coded issue."""

from __future__ import annotations

import copy
import json
import os
from datetime import UTC, date, datetime

import pytest

from nearmiss_lab.submission import read_manifest, sha256_file, submission_id, write_submission
from nearmiss_lab.validate import validate_document, validate_submission

TODAY = date(2024, 6, 15)
CANARY = "Zq9!Canary Jane Doe"
DEID = {"tool": "nearmiss-lab", "tool_version": "0.1.0", "policy": "default-1"}


@pytest.fixture(scope="module")
def record(repo_dir):
    return json.loads((repo_dir / "schemas/examples/valid/incident-full.json").read_text())


def _records(record, n=3):
    out = []
    for i in range(n):
        r = copy.deepcopy(record)
        r["record_id"] = f"r-{i}"
        out.append(r)
    return out


@pytest.fixture
def folder(tmp_path, record):
    write_submission(
        iter(_records(record)),
        tmp_path / "sub",
        agency="AG-K7Q2",
        period=("2024-01", "2024-03"),
        deidentification=DEID,
        tools={"presidio-analyzer": "2.2.366"},
        created=datetime(2024, 4, 1, 12, 0, tzinfo=UTC),
    )
    return tmp_path / "sub"


def _manifest(folder):
    return json.loads((folder / "manifest.json").read_text())


def _rewrite_manifest(folder, **changes):
    manifest = _manifest(folder)
    manifest.update(changes)
    (folder / "manifest.json").write_text(json.dumps(manifest))


def _codes(report):
    return sorted({(i.code, i.rule) for i in report.issues})


def test_written_submission_is_valid_and_manifest_describes_it(folder):
    report = validate_submission(folder, today=TODAY)
    assert report.valid and report.issues == [] and report.records_checked == 3
    manifest = _manifest(folder)
    assert validate_document(manifest, "manifest") == []
    data = (folder / "records.jsonl").read_bytes()
    assert manifest["records"] == {
        "file": "records.jsonl",
        "sha256": sha256_file(folder / "records.jsonl"),
        "bytes": len(data),
    }
    assert manifest["record_count"] == 3 and data.count(b"\n") == 3
    assert b": " not in data and b"\r" not in data  # compact, \n only
    assert manifest["deidentification"]["entities"] == {"PERSON": 3, "LOCATION": 3}
    assert manifest["deidentification"]["records_with_replacements"] == 3
    assert manifest["tools"]["nearmiss-lab"] and manifest["created"] == "2024-04-01T12:00:00Z"
    assert manifest["submission_id"] == submission_id(
        "AG-K7Q2", ("2024-01", "2024-03"), manifest["records"]["sha256"]
    )


def test_submission_id_is_deterministic_from_content(tmp_path, record):
    ids = set()
    for name in ("a", "b"):
        path = write_submission(
            _records(record),
            tmp_path / name,
            agency="AG-K7Q2",
            period=("2024-01", "2024-03"),
            deidentification={"PERSON": 1},
            tools={},
        )
        ids.add(json.loads(path.read_text())["submission_id"])
    assert len(ids) == 1
    assert json.loads(path.read_text())["deidentification"]["entities"] == {"PERSON": 1}


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"period": ("2024-05", "2024-01")}, "period"),
        ({"records_name": "../x.jsonl"}, "plain"),
        ({"agency": "Springfield PD"}, "schema-pattern at /agency"),
    ],
)
def test_writer_refuses_bad_arguments(tmp_path, record, kwargs, match):
    args = {
        "agency": "AG-K7Q2",
        "period": ("2024-01", "2024-03"),
        "deidentification": DEID,
        "tools": {},
        **kwargs,
    }
    with pytest.raises(ValueError, match=match):
        write_submission([record], tmp_path / "x", **args)


def test_zero_report_has_an_empty_records_file_and_is_valid(tmp_path):
    path = write_submission([], tmp_path / "zero", agency="AG-K7Q2",
                            period=("2024-01", "2024-01"), deidentification=DEID, tools={})
    manifest = json.loads(path.read_text())
    assert (manifest["record_count"], manifest["records"]["bytes"]) == (0, 0)
    assert manifest["deidentification"]["entities"] == {}
    report = validate_submission(tmp_path / "zero", today=TODAY)
    assert report.valid and report.issues == [] and report.records_checked == 0


def test_zero_report_with_a_record_in_its_file_is_a_count_mismatch(tmp_path, record):
    folder = tmp_path / "zero"
    write_submission([], folder, agency="AG-K7Q2", period=("2024-01", "2024-01"),
                     deidentification=DEID, tools={})
    _rewrite_records(folder, [record])
    assert ("submission-count-mismatch", "R-024") in _codes(validate_submission(folder))


def test_gzip_records_round_trip_deterministically(tmp_path, record):
    ids = []
    for name in ("a", "b"):
        path = write_submission(_records(record), tmp_path / name, agency="AG-K7Q2",
                                period=("2024-01", "2024-03"), deidentification=DEID, tools={},
                                records_name="records.jsonl.gz")
        ids.append(json.loads(path.read_text())["submission_id"])
        assert (tmp_path / name / "records.jsonl.gz").read_bytes()[:2] == b"\x1f\x8b"
    assert ids[0] == ids[1]
    report = validate_submission(tmp_path / "a", today=TODAY)
    assert report.valid and report.records_checked == 3


def test_truncated_gzip_records_are_a_coded_issue(tmp_path, record):
    folder = tmp_path / "gz"
    write_submission(_records(record, 50), folder, agency="AG-K7Q2",
                     period=("2024-01", "2024-03"), deidentification=DEID, tools={},
                     records_name="records.jsonl.gz")
    path = folder / "records.jsonl.gz"
    path.write_bytes(path.read_bytes()[:-30])
    codes = _codes(validate_submission(folder, today=TODAY))
    assert ("read-compressed-corrupt", None) in codes
    assert ("submission-hash-mismatch", "R-023") in codes


def test_missing_manifest(tmp_path):
    manifest, issues = read_manifest(tmp_path)
    assert manifest is None and [(i.code, i.severity.value) for i in issues] == [
        ("manifest-missing", "fatal")
    ]


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"\xff\xfe", b'{"a": 1, "a": 2}', b"[{}, {}]", b"", b"42"],
)
def test_unreadable_manifest(folder, content):
    (folder / "manifest.json").write_bytes(content)
    manifest, issues = read_manifest(folder)
    assert manifest is None and "manifest-unreadable" in [i.code for i in issues]
    assert validate_submission(folder).valid is False


def test_manifest_that_is_a_folder_is_unreadable(tmp_path):
    (tmp_path / "manifest.json").mkdir()
    assert [i.code for i in read_manifest(tmp_path)[1]] == ["manifest-unreadable"]


def test_schema_invalid_manifest_is_fatal_and_stops_before_records(folder):
    _rewrite_manifest(folder, agency=CANARY, extra=CANARY)
    report = validate_submission(folder)
    assert {(i.code, i.pointer, i.severity.value) for i in report.issues} == {
        ("schema-pattern", "/agency", "fatal"),
        ("schema-additional-property", "", "fatal"),
    }
    assert report.records_checked == 0


def test_period_start_after_end_is_fatal(folder):
    _rewrite_manifest(folder, period={"start": "2024-04", "end": "2024-01"})
    assert ("submission-period-order", "R-025") in _codes(validate_submission(folder))


def test_missing_records_file(folder):
    os.remove(folder / "records.jsonl")
    assert _codes(validate_submission(folder)) == [("submission-records-missing", "R-020")]


def test_symlinked_records_file_is_unsafe(folder, tmp_path):
    outside = tmp_path / "outside.jsonl"
    os.replace(folder / "records.jsonl", outside)
    os.symlink(outside, folder / "records.jsonl")
    assert _codes(validate_submission(folder)) == [("submission-records-unsafe", "R-021")]


def test_records_name_with_a_folder_is_refused_by_the_manifest_schema(folder):
    manifest = _manifest(folder)
    manifest["records"]["file"] = "../records.jsonl"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    assert ("schema-pattern", None) in _codes(validate_submission(folder))


def test_changed_records_file_fails_hash_and_size(folder):
    with (folder / "records.jsonl").open("ab") as handle:
        handle.write(b"\n")
    codes = _codes(validate_submission(folder, today=TODAY))
    assert ("submission-hash-mismatch", "R-023") in codes
    assert ("submission-size-mismatch", "R-022") in codes


def _rewrite_records(folder, records):
    data = "".join(json.dumps(r) + "\n" for r in records).encode()
    (folder / "records.jsonl").write_bytes(data)
    manifest = _manifest(folder)
    manifest["records"].update(sha256=sha256_file(folder / "records.jsonl"), bytes=len(data))
    (folder / "manifest.json").write_text(json.dumps(manifest))


def test_count_mismatch_is_fatal(folder, record):
    _rewrite_records(folder, _records(record, 2))
    assert _codes(validate_submission(folder, today=TODAY)) == [
        ("submission-count-mismatch", "R-024")
    ]


def test_duplicate_record_id_agency_mismatch_and_schema_version(folder, record):
    records = _records(record, 3)
    records[2]["record_id"] = "r-0"
    records[1]["agency"] = "AG-OTHER"
    records[0]["schema_version"] = records[1]["schema_version"] = "1.1.0"
    _rewrite_records(folder, records)
    report = validate_submission(folder, today=TODAY)
    got = {(i.code, i.rule, i.line, i.record_id) for i in report.issues}
    assert got == {
        ("submission-duplicate-record-id", "R-027", 3, "r-0"),
        ("submission-agency-mismatch", "R-026", 2, "r-1"),
        ("submission-schema-version-mismatch", "R-028", 1, "r-0"),
    }
    (version_issue,) = [i for i in report.issues if i.rule == "R-028"]
    assert version_issue.message.startswith("2 record(s)")
    assert not report.valid


def test_record_after_period_and_bad_lines_are_located(folder, record):
    records = _records(record, 2)
    records[1]["occurred_month"] = "2024-05"
    _rewrite_records(folder, records)
    with (folder / "records.jsonl").open("ab") as handle:
        handle.write(b"garbage\n")
    manifest = _manifest(folder)
    data = (folder / "records.jsonl").read_bytes()
    manifest["records"].update(sha256=sha256_file(folder / "records.jsonl"), bytes=len(data))
    manifest["record_count"] = 3
    (folder / "manifest.json").write_text(json.dumps(manifest))
    report = validate_submission(folder, today=TODAY)
    assert {(i.code, i.line, i.record) for i in report.issues} == {
        ("rule-occurred-after-period", 2, 1),
        ("read-invalid-json", 3, 2),
    }
