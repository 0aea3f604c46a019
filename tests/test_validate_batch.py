"""The block-wise fast path of ``validate_records_file`` reports exactly what the one-record-
at-a-time reference (``iter_checked_records``) reports, in the same order, for any block size
and any number of worker processes; and reading stays bounded in memory."""

from __future__ import annotations

import copy
import gzip
import json
import pickle
import tracemalloc
from datetime import date
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nearmiss_lab.spec import load_taxonomy
from nearmiss_lab.validate import blocks, read_json_file, validate_incident, validate_records_file
from nearmiss_lab.validate.records import _validate_streaming
from nearmiss_lab.validate.rules import RuleContext

CANARY = "Zq9!Canary Jane Doe"
MAX_LINE = 4096
CONTEXT = {"agency": "AG-K7Q2", "schema_version": "1.0.0", "period": ("2024-01", "2024-03"),
           "today": date(2024, 6, 15), "max_line_bytes": MAX_LINE}


@pytest.fixture(scope="module")
def full(repo_dir):
    return json.loads((repo_dir / "schemas/examples/valid/incident-full.json").read_text())


def _line(record: dict) -> bytes:
    return json.dumps(record, separators=(",", ":")).encode()


def _kinds(full: dict) -> dict[str, object]:
    """Line makers by kind; each takes the line's position (for a unique record id)."""

    def rec(i: int, **changes) -> bytes:
        record = copy.deepcopy(full)
        record["record_id"] = f"r-{i}"
        record.update(changes)
        return _line(record)

    def dup_key(i: int) -> bytes:
        return rec(i)[:-1] + b',"subjects":"' + CANARY.encode() + b'"}'

    return {
        "valid": rec,
        "repeated-id": lambda i: rec(0),
        "other-agency": lambda i: rec(i, agency="AG-ZZZ9"),
        "other-version": lambda i: rec(i, schema_version="1.1.0"),
        "schema-broken": lambda i: rec(i, officers_on_scene=CANARY),
        "extra-property": lambda i: rec(i, **{CANARY: 1}),
        "unknown-activity": lambda i: rec(i, activities=["ACT.SKYDIVING"]),
        "future": lambda i: rec(i, occurred_month="2099-01"),
        "late": lambda i: rec(i, occurred_month="2023-11"),
        "short-narrative": lambda i: rec(i, narrative="  too short  "),
        "list-code": lambda i: rec(i, factors=[{"code": [CANARY], "source": "reported"}],
                                   activities=[{"x": CANARY}]),
        "bad-id": lambda i: rec(i, record_id=CANARY),
        "blank": lambda i: b"",
        "spaces": lambda i: b"   \r",
        "crlf": lambda i: rec(i) + b"\r",
        "bom-inside": lambda i: b"\xef\xbb\xbf" + rec(i),  # only the file may start with one
        "duplicate-key": dup_key,
        "nan": lambda i: b'{"x": NaN, "n": "' + CANARY.encode() + b'"}',
        "utf8": lambda i: b'{"a": "\xff' + CANARY.encode() + b'"}',
        "array": lambda i: b"[1, 2]",
        "not-json": lambda i: b"{oops " + CANARY.encode(),
        "truncated": lambda i: rec(i)[:-30],
        "long": lambda i: b'{"narrative": "' + b"x" * MAX_LINE + b'"}',
        "very-long": lambda i: b'{"narrative": "' + b"y" * (3 * MAX_LINE) + b'"}',
    }


def _write(path, lines: list[bytes], *, bom: bool = False, final_newline: bool = True) -> None:
    data = b"\n".join(lines) + (b"\n" if final_newline and lines else b"")
    if bom:
        data = b"\xef\xbb\xbf" + data
    if path.suffix == ".gz":
        data = gzip.compress(data)
    path.write_bytes(data)


def _assert_same(path, kind: str = "incident", workers: int = 1, **context):
    expected = _validate_streaming(path, kind, **context)
    got = validate_records_file(path, kind, workers=workers, **context)
    assert got.records_checked == expected.records_checked
    assert got.issues == expected.issues  # every field, in the same order
    assert all(CANARY not in i.message for i in got.issues)
    return got


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_mix_of_lines_any_block_size_reports_as_the_reference(tmp_path_factory, full, data):
    kinds = _kinds(full)
    names = data.draw(st.lists(st.sampled_from(sorted(kinds)), max_size=30), label="lines")
    bom = data.draw(st.booleans(), label="bom")
    final_newline = data.draw(st.booleans(), label="final newline")
    chunk = data.draw(st.sampled_from([7, 64, 1000, 5000]), label="chunk bytes")
    path = tmp_path_factory.mktemp("mix") / "records.jsonl"
    _write(path, [kinds[n](i) for i, n in enumerate(names)], bom=bom,
           final_newline=final_newline)
    with mock.patch.object(blocks, "CHUNK_BYTES", chunk):
        _assert_same(path, **CONTEXT)


@pytest.fixture(scope="module")
def every_kind_file(tmp_path_factory, full):
    """Every kind of line several times over, in an order that spreads them across blocks."""
    kinds = _kinds(full)
    names = [name for _ in range(6) for name in sorted(kinds)] + ["valid"] * 60
    path = tmp_path_factory.mktemp("every") / "records.jsonl"
    _write(path, [kinds[n](i) for i, n in enumerate(names)], bom=True)
    return path


def test_every_kind_of_line_is_reported_as_the_reference(every_kind_file):
    report = _assert_same(every_kind_file, **CONTEXT)
    codes = set(report.codes())
    assert {"read-bom", "read-blank-line", "read-duplicate-key", "read-non-finite-number",
            "read-invalid-utf8", "read-not-an-object", "read-invalid-json",
            "read-line-too-long", "schema-type", "schema-additional-property",
            "rule-unknown-activity-code", "rule-occurred-in-future",
            "rule-occurred-before-period", "rule-narrative-too-short",
            "submission-duplicate-record-id", "submission-agency-mismatch",
            "submission-schema-version-mismatch"} <= codes


@pytest.mark.parametrize("chunk", [64, 2000])
def test_two_workers_give_the_same_report_in_the_same_order(every_kind_file, chunk):
    with mock.patch.object(blocks, "CHUNK_BYTES", chunk):
        assert len(list(blocks.iter_blocks(every_kind_file, MAX_LINE))) > 10
        report = _assert_same(every_kind_file, workers=2, **CONTEXT)
    assert report.records_checked > 100


def test_a_worker_whose_range_starts_mid_file_takes_no_line_as_the_file_start(tmp_path, full):
    kinds = _kinds(full)
    path = tmp_path / "r.jsonl"
    _write(path, [kinds[n](i) for i, n in enumerate(
        ["valid", "valid", "bom-inside", "valid", "duplicate-key", "valid", "long", "valid"])])
    with mock.patch.object(blocks, "CHUNK_BYTES", 64):  # every long line starts a range
        starts = {start for start, _ in blocks.iter_ranges(path, 64 * blocks.RANGE_CHUNKS)}
        assert path.read_bytes().index(b"\xef\xbb\xbf") in starts
        report = _assert_same(path, workers=2, **CONTEXT)
    assert [(i.line, i.code) for i in report.issues][:1] == [(3, "read-invalid-json")]


def test_a_file_of_other_documents_is_reported_as_the_reference(tmp_path):
    path = tmp_path / "tax.jsonl"
    _write(path, [b"{}", b"", b"not json", b'{"taxonomy_version": 3}'] * 5)
    with mock.patch.object(blocks, "CHUNK_BYTES", 16):
        _assert_same(path, "taxonomy", workers=2)
        _assert_same(path, "manifest")


@pytest.mark.parametrize("cut", [None, -40, 30])
def test_gzip_files_whole_truncated_or_cut_early_report_as_the_reference(tmp_path, full, cut):
    kinds = _kinds(full)
    path = tmp_path / "records.jsonl.gz"
    _write(path, [kinds["valid"](i) for i in range(200)] + [b"", kinds["nan"](0)])
    if cut is not None:
        path.write_bytes(path.read_bytes()[:cut])
    with mock.patch.object(blocks, "CHUNK_BYTES", 512):
        report = _assert_same(path, **CONTEXT)
        _assert_same(path, workers=2, **CONTEXT)  # decompressed here, blocks sent to workers
    assert ("read-compressed-corrupt" in report.codes()) == (cut is not None)


@pytest.mark.parametrize("data", [b"", b"\n\n  \n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\n{}"])
def test_empty_and_blank_files_report_as_the_reference(tmp_path, data):
    path = tmp_path / "r.jsonl"
    path.write_bytes(data)
    _assert_same(path)
    _assert_same(path, allow_empty=True)


def test_progress_adds_up_to_the_bytes_read(every_kind_file):
    seen: list[int] = []
    validate_records_file(every_kind_file, on_progress=seen.append, **CONTEXT)
    assert sum(seen) == every_kind_file.stat().st_size


def test_workers_must_be_positive(every_kind_file):
    with pytest.raises(ValueError, match="workers"):
        validate_records_file(every_kind_file, workers=0)


def test_a_code_of_the_wrong_type_is_a_schema_issue_not_a_crash(full):
    record = copy.deepcopy(full)
    record["factors"] = [{"code": ["HF.FATIGUE"], "source": "reported"}]
    record["activities"] = [{"code": "ACT.ARREST"}, "ACT.SKYDIVING"]
    got = {(i.code, i.pointer) for i in validate_incident(record)}
    assert ("schema-type", "/factors/0/code") in got
    assert ("schema-type", "/activities/0") in got
    assert ("rule-unknown-activity-code", "/activities/1") in got


def test_rule_context_survives_pickling_for_worker_processes(full):
    context = RuleContext(load_taxonomy(), ("2024-03", "2024-04"), date(2024, 1, 15))
    copied = pickle.loads(pickle.dumps(context))
    assert copied.month_now == "2024-01"  # the month it was made in, not the month it arrives
    record = copy.deepcopy(full)
    record["activities"] = ["ACT.SKYDIVING"]
    record["factors"].append({"code": "HF.NOT_A_CODE", "source": "reported"})
    assert copied.check(record) == context.check(record) != []


def test_reading_a_small_json_file_allocates_about_its_size(tmp_path):
    path = tmp_path / "small.json"
    path.write_text(json.dumps({"a": 1, "b": [1, 2, 3]}))
    tracemalloc.start()
    try:
        entries = list(read_json_file(path))  # 256 MiB limit by default
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert entries[0].record == {"a": 1, "b": [1, 2, 3]}
    assert peak < 256 * 1024, peak


def test_a_json_file_longer_than_its_size_said_is_still_cut_at_the_limit(tmp_path):
    path = tmp_path / "grows.json"
    path.write_bytes(b'{"a": "' + b"z" * 5000 + b'"}')
    # A pipe or a growing file reports a size below what it holds: read on, up to the limit.
    with mock.patch("os.fstat", side_effect=OSError):
        codes = [i.code for e in read_json_file(path, max_bytes=3000) for i in e.issues]
        assert codes == ["read-file-too-large"]
        assert [e.record for e in read_json_file(path)][0]["a"] == "z" * 5000


def _naive_lines(data: bytes, max_line: int) -> list[tuple[int, bytes | None, int]]:
    """(line, content or None when too long, bytes) by splitting the whole file at once."""
    parts = data.split(b"\n")
    if data.endswith(b"\n"):
        parts.pop()
    out = []
    for number, part in enumerate(parts if data else [], start=1):
        nbytes = len(part) + (number < len(parts) or data.endswith(b"\n"))
        out.append((number, part if len(part) <= max_line else None, nbytes))
    return out


def _block_lines(path, max_line: int) -> list[tuple[int, bytes | None, int]]:
    out = []
    for block in blocks.iter_blocks(path, max_line):
        if block.kind == blocks.LONG:
            out.append((block.first_line, None, block.nbytes))
            continue
        lines = blocks.split_lines(block.data)
        assert blocks.count_lines(block.data) == len(lines)
        for offset, line in enumerate(lines):
            newline = offset < len(lines) - 1 or block.data.endswith(b"\n")
            out.append((block.first_line + offset, line if len(line) <= max_line else None,
                        len(line) + newline))
    return out


@settings(max_examples=200, deadline=None)
@given(lengths=st.lists(st.integers(0, 60), max_size=25), final_newline=st.booleans(),
       chunk=st.integers(1, 70), max_line=st.integers(0, 40))
def test_blocks_hold_the_lines_a_plain_split_finds(tmp_path_factory, lengths, final_newline,
                                                   chunk, max_line):
    data = b"\n".join(bytes([97 + i % 26]) * n for i, n in enumerate(lengths))
    data += b"\n" if final_newline and lengths else b""
    path = tmp_path_factory.mktemp("blocks") / "r.jsonl"
    path.write_bytes(data)
    with mock.patch.object(blocks, "CHUNK_BYTES", chunk):
        assert _block_lines(path, max_line) == _naive_lines(data, max_line)


@settings(max_examples=200, deadline=None)
@given(lengths=st.lists(st.integers(0, 60), max_size=25), final_newline=st.booleans(),
       range_bytes=st.integers(1, 90))
def test_ranges_cover_the_file_and_each_starts_a_line(tmp_path_factory, lengths, final_newline,
                                                      range_bytes):
    data = b"\n".join(b"x" * n for n in lengths) + (b"\n" if final_newline and lengths else b"")
    path = tmp_path_factory.mktemp("ranges") / "r.jsonl"
    path.write_bytes(data)
    ranges = list(blocks.iter_ranges(path, range_bytes))
    assert ranges[0][0] == 0 and ranges[-1][1] is None
    assert all(end is not None and end > start for start, end in ranges[:-1])
    assert [start for start, _ in ranges[1:]] == [end for _, end in ranges[:-1]]
    assert all(data[start - 1:start] == b"\n" for start, _ in ranges[1:])
    assert all(ranges[i + 1][0] - ranges[i][0] >= range_bytes for i in range(len(ranges) - 1))
    assert ranges[-1][0] < len(data) or len(ranges) == 1  # no empty range at the end
