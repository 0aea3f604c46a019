"""Faults and bad input: each rejects what it must, keeps what it can, stores nothing bad."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from test_ingest_support import (
    assert_valid_receipt,
    make_incident,
    regex_scanner,
    write_submission,
)

from nearmiss_lab.ingest import IngestLimits, ingest_submission
from nearmiss_lab.store import load_incidents, load_table


def ingest(folder, store, **kw):
    kw.setdefault("scanner", regex_scanner)
    receipt = ingest_submission(folder, store, **kw)
    assert_valid_receipt(receipt)
    return receipt


def codes(receipt):
    return [i["code"] for i in receipt["issues"]]


def line(record) -> bytes:
    return json.dumps(record).encode() + b"\n"


def assert_nothing_stored(store):
    assert load_incidents(store).collect().height == 0
    assert load_table(store, "submissions").collect().height == 0
    assert load_table(store, "quarantine").collect().height == 0


@pytest.fixture()
def store(tmp_path) -> Path:
    return tmp_path / "store"


def test_missing_folder_is_rejected(tmp_path, store):
    receipt = ingest(tmp_path / "nope", store)
    assert (receipt["status_code"], codes(receipt)) == (-10, ["ingest-folder-missing"])


def test_missing_manifest_is_rejected(tmp_path, store):
    folder = write_submission(tmp_path / "s", [make_incident(0)])
    (folder / "manifest.json").unlink()
    receipt = ingest(folder, store)
    assert (receipt["status"], receipt["status_code"]) == ("rejected", -10)
    assert codes(receipt) == ["manifest-missing"]
    assert receipt["submission_id"] is None
    assert_nothing_stored(store)
    # the rejection itself is on record
    assert load_table(store, "receipts").collect()["status"].to_list() == ["rejected"]


def test_manifest_with_duplicate_keys_is_rejected(tmp_path, store):
    folder = write_submission(tmp_path / "s", [make_incident(0)])
    text = (folder / "manifest.json").read_text()
    (folder / "manifest.json").write_text(text.replace('"agency":', '"agency": "AG-X", "agency":',
                                                       1))
    receipt = ingest(folder, store)
    assert (receipt["status_code"], codes(receipt)) == (-10, ["manifest-unreadable"])


def test_non_utf8_manifest_is_rejected_without_echoing_its_bytes(tmp_path, store):
    folder = write_submission(tmp_path / "s", [make_incident(0)])
    raw = (folder / "manifest.json").read_bytes().replace(b'"AG-NORTH"', b'"AG-N\xd6RTH"', 1)
    assert b"\xd6" in raw
    (folder / "manifest.json").write_bytes(raw)
    receipt = ingest(folder, store)
    assert (receipt["status_code"], codes(receipt)) == (-10, ["manifest-unreadable"])
    assert receipt["issues"][0]["message"] == "manifest.json is unreadable: not valid UTF-8"
    assert "RTH" not in json.dumps(receipt)
    assert_nothing_stored(store)


def test_manifest_hash_mismatch_rejects_everything(tmp_path, store):
    folder = write_submission(tmp_path / "s", [make_incident(i) for i in range(3)])
    data = (folder / "records.jsonl").read_bytes()
    changed = data.replace(b'"OH"', b'"TX"', 1)
    assert changed != data and len(changed) == len(data)
    (folder / "records.jsonl").write_bytes(changed)
    receipt = ingest(folder, store)
    assert (receipt["status_code"], codes(receipt)) == (-12, ["submission-hash-mismatch"])
    assert_nothing_stored(store)


def test_manifest_count_mismatch_rejects_everything(tmp_path, store):
    folder = write_submission(tmp_path / "s", [make_incident(i) for i in range(3)],
                              manifest_overrides={"record_count": 4})
    receipt = ingest(folder, store)
    assert (receipt["status_code"], codes(receipt)) == (-12, ["submission-count-mismatch"])
    assert receipt["counts"]["received"] == 3 == receipt["counts"]["rejected"]
    assert_nothing_stored(store)


def test_truncated_records_file_is_rejected(tmp_path, store):
    # Cut in transit: the manifest describes the whole file, so the hash catches it.
    folder = write_submission(tmp_path / "s", [make_incident(i) for i in range(3)])
    data = (folder / "records.jsonl").read_bytes()
    (folder / "records.jsonl").write_bytes(data[: len(data) - 40])
    receipt = ingest(folder, store)
    assert receipt["status_code"] == -12
    assert codes(receipt)[:2] == ["submission-size-mismatch", "submission-hash-mismatch"]
    # Cut before the manifest was written: the hash matches, the last record is incomplete.
    lines = [line(make_incident(i)) for i in range(3)]
    lines[-1] = lines[-1][:-40]
    folder = write_submission(tmp_path / "t", lines=lines)
    receipt = ingest(folder, store)
    assert receipt["status_code"] == -12
    assert codes(receipt)[0] == "ingest-records-truncated"
    assert_nothing_stored(store)


def test_symlinked_manifest_is_refused(tmp_path, store):
    real = write_submission(tmp_path / "real", [make_incident(0)])
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "records.jsonl").write_bytes((real / "records.jsonl").read_bytes())
    (folder / "manifest.json").symlink_to(real / "manifest.json")
    receipt = ingest(folder, store)
    # the validator's check, so `nearmiss validate` refuses it too
    assert (receipt["status_code"], codes(receipt)) == (-11, ["submission-manifest-unsafe"])
    assert receipt["issues"][0]["file"] == "manifest.json"
    assert_nothing_stored(store)


def test_symlinked_records_file_is_refused_even_inside_the_folder(tmp_path, store):
    folder = write_submission(tmp_path / "s", [make_incident(0)])
    (folder / "records.jsonl").rename(folder / "elsewhere.jsonl")
    (folder / "records.jsonl").symlink_to(folder / "elsewhere.jsonl")
    receipt = ingest(folder, store)
    assert (receipt["status_code"], codes(receipt)) == (-11, ["submission-records-unsafe"])
    assert_nothing_stored(store)


def test_records_file_resolving_outside_the_folder_is_refused(tmp_path, store):
    outside = write_submission(tmp_path / "outside", [make_incident(0)])
    folder = write_submission(tmp_path / "s", [make_incident(0)])
    (folder / "records.jsonl").unlink()
    (folder / "records.jsonl").symlink_to(outside / "records.jsonl")
    receipt = ingest(folder, store)
    assert receipt["status_code"] == -11
    # A name that climbs out is refused by the manifest schema before any file is touched.
    folder = write_submission(tmp_path / "u", [make_incident(0)])
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["records"]["file"] = "../outside/records.jsonl"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    receipt = ingest(folder, store)
    assert (receipt["status"], codes(receipt)) == ("rejected", ["schema-pattern"])
    assert [i["pointer"] for i in receipt["issues"]] == ["/records/file"]
    assert_nothing_stored(store)


def test_gzip_records_file_is_read(tmp_path, store):
    folder = write_submission(tmp_path / "s", [make_incident(i) for i in range(4)], gz=True)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    receipt = ingest(folder, store, tmp_dir=str(scratch))
    assert (receipt["status"], receipt["counts"]["accepted"]) == ("accepted", 4)
    assert list(scratch.iterdir()) == []  # the expanded copy is removed


def test_gzip_bomb_stops_at_the_configured_limit(tmp_path, store):
    # 4 MB of valid-looking lines compress to a few kB; the hub allows 1 MB of expansion.
    one = line(make_incident(0))
    folder = write_submission(tmp_path / "s", lines=[one] * (4_000_000 // len(one)), gz=True)
    assert (folder / "records.jsonl.gz").stat().st_size < 100_000
    receipt = ingest(folder, store, limits=IngestLimits(max_expanded_bytes=1_000_000))
    assert (receipt["status_code"], codes(receipt)) == (-11, ["ingest-expanded-too-large"])
    assert_nothing_stored(store)


def test_corrupt_gzip_is_rejected(tmp_path, store):
    folder = write_submission(tmp_path / "s", [make_incident(i) for i in range(3)], gz=True)
    path = folder / "records.jsonl.gz"
    data = path.read_bytes()[:-30]
    path.write_bytes(data)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["records"].update(sha256=hashlib.sha256(data).hexdigest(), bytes=len(data))
    (folder / "manifest.json").write_text(json.dumps(manifest))
    receipt = ingest(folder, store)
    assert (receipt["status_code"], codes(receipt)) == (-11, ["ingest-compressed-corrupt"])


def test_non_utf8_line_is_rejected_and_the_rest_kept(tmp_path, store):
    bad = line(make_incident(1)).replace(b"lesson one", b"lesson \xffone")
    assert b"\xff" in bad
    folder = write_submission(tmp_path / "s", lines=[line(make_incident(0)), bad,
                                                     line(make_incident(2))])
    receipt = ingest(folder, store)
    assert receipt["status"] == "accepted_with_errors"
    assert [(i["code"], i["record"]) for i in receipt["issues"]] == [("read-invalid-utf8", 1)]
    assert sorted(load_incidents(store).collect()["record_id"]) == ["r-0000", "r-0002"]


def test_duplicate_json_keys_reject_the_record(tmp_path, store):
    dup = line(make_incident(1)).replace(b'"state": "OH"', b'"state": "OH", "state": "TX"')
    assert dup.count(b'"state"') == 2
    folder = write_submission(tmp_path / "s", lines=[line(make_incident(0)), dup])
    receipt = ingest(folder, store)
    assert [(i["code"], i["record"]) for i in receipt["issues"]] == [("read-duplicate-key", 1)]
    assert load_incidents(store).collect()["record_id"].to_list() == ["r-0000"]


_RSS_CHILD = """
import json, resource, sys
sys.path.insert(0, sys.argv[3])
from test_ingest_support import regex_scanner
from nearmiss_lab.ingest import ingest_submission
receipt = ingest_submission(sys.argv[1], sys.argv[2], scanner=regex_scanner)
print(json.dumps({"receipt": receipt,
                  "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def _ingest_in_child(folder: Path, store: Path) -> tuple[dict, int]:
    import subprocess
    import sys

    tests = str(Path(__file__).resolve().parent)
    out = subprocess.run([sys.executable, "-c", _RSS_CHILD, str(folder), str(store), tests],
                         check=True, capture_output=True, text=True, timeout=300)
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return data["receipt"], data["maxrss_kib"] * 1024


def test_a_100_mb_line_is_streamed_past_not_held(tmp_path):
    """A 100 MB line is skipped in bounded chunks: peak memory does not grow with it.

    Measured as the peak resident memory of a child process against a child that ingests
    the same submission without the long line (same imports, same work otherwise).
    """
    folder = tmp_path / "s"
    folder.mkdir()
    digest, size = hashlib.sha256(), 0
    path = folder / "records.jsonl"
    with path.open("wb") as out:
        def put(data: bytes) -> None:
            nonlocal size
            out.write(data)
            digest.update(data)
            size += len(data)

        put(line(make_incident(0)))
        put(b'{"narrative": "')
        block = b"x" * (1 << 20)
        for _ in range(100):
            put(block)  # generated on the fly: the test never holds the line either
        put(b'"}\n')
        put(line(make_incident(2)))
    manifest = {
        "schema_version": "1.0.0", "submission_id": f"AG-NORTH-{digest.hexdigest()[:16]}",
        "agency": "AG-NORTH", "period": {"start": "2024-01", "end": "2024-06"},
        "record_count": 3,
        "records": {"file": "records.jsonl", "sha256": digest.hexdigest(), "bytes": size},
        "incident_schema_version": "1.0.0", "tools": {"nearmiss-lab": "0.1.0"},
        "deidentification": {"entities": {}}, "created": "2024-07-01T12:00:00Z",
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    receipt, peak = _ingest_in_child(folder, tmp_path / "store")
    path.unlink()
    small = write_submission(tmp_path / "small", [make_incident(0), make_incident(2)])
    _, baseline = _ingest_in_child(small, tmp_path / "store2")
    assert_valid_receipt(receipt)
    assert [(i["code"], i["record"]) for i in receipt["issues"]] == [("read-line-too-long", 1)]
    assert receipt["counts"]["accepted"] == 2 and receipt["counts"]["rejected"] == 1
    assert peak - baseline < 40 * (1 << 20), f"grew by {(peak - baseline) / 2**20:.0f} MiB"


def test_submission_id_reused_for_other_content_is_rejected(tmp_path, store):
    first = ingest(write_submission(tmp_path / "a", [make_incident(0)]), store)
    folder = write_submission(tmp_path / "b", [make_incident(1)],
                              submission_id=first["submission_id"])
    receipt = ingest(folder, store)
    assert (receipt["status_code"], codes(receipt)) == (-15, ["ingest-submission-id-conflict"])
    assert load_incidents(store).collect().height == 1


def test_all_records_invalid_is_rejected_and_nothing_stored(tmp_path, store):
    folder = write_submission(tmp_path / "s", lines=[b"not json\n", b"[1, 2]\n"])
    receipt = ingest(folder, store)
    assert receipt["status_code"] == -14
    assert codes(receipt) == ["ingest-no-valid-records", "read-invalid-json",
                              "read-not-an-object"]
    assert_nothing_stored(store)
