"""The streaming reader keeps going past bad lines; each bad line is one coded issue on its line."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nearmiss_lab.validate import read_jsonl, validate_records_file

GOOD = json.dumps({"a": 1})
CANARY = "Zq9!Canary Jane Doe"


def _write(tmp_path, data: bytes, name: str = "r.jsonl"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _codes(path, **kw):
    return [
        (p.line, p.record is not None, [i.code for i in p.issues]) for p in read_jsonl(path, **kw)
    ]


@pytest.mark.parametrize(
    ("bad", "code"),
    [
        (b"{not json " + CANARY.encode(), "read-invalid-json"),
        (b'{"a": "\xff\xfe' + CANARY.encode() + b'"}', "read-invalid-utf8"),
        (('{"a": 1, "a": "' + CANARY + '"}').encode(), "read-duplicate-key"),
        (b'{"nested": {"k": 1, "k": 2}}', "read-duplicate-key"),
        (b'{"x": NaN}', "read-non-finite-number"),
        (b'{"x": -Infinity}', "read-non-finite-number"),
        (b'[{"a": 1}]', "read-not-an-object"),
        (b'"' + CANARY.encode() + b'"', "read-not-an-object"),
        (b"42", "read-not-an-object"),
        (b"[" * 100_000, "read-nesting-too-deep"),
        (b"1" * 5000, "read-invalid-json"),
    ],
)
def test_a_bad_line_is_one_issue_on_its_line_and_the_next_line_is_still_read(tmp_path, bad, code):
    path = _write(tmp_path, GOOD.encode() + b"\n" + bad + b"\n" + GOOD.encode() + b"\n")
    entries = list(read_jsonl(path))
    assert [(e.line, e.record is not None) for e in entries] == [(1, True), (2, False), (3, True)]
    assert [i.code for i in entries[1].issues] == [code]
    assert entries[1].issues[0].line == 2 and entries[1].issues[0].file == str(path)
    assert all(CANARY not in i.message for e in entries for i in e.issues)


def test_bom_is_a_warning_and_the_first_record_is_still_parsed(tmp_path):
    path = _write(tmp_path, b"\xef\xbb\xbf" + GOOD.encode() + b"\n" + GOOD.encode())
    entries = list(read_jsonl(path))
    assert entries[0].record == {"a": 1} and [i.code for i in entries[0].issues] == ["read-bom"]
    assert entries[0].issues[0].severity.value == "warning"
    assert entries[1].record == {"a": 1}  # last line without newline is read


def test_empty_file_is_an_issue(tmp_path):
    assert _codes(_write(tmp_path, b"")) == [(1, False, ["read-empty-file"])]


def test_file_of_blank_lines_is_empty_and_each_blank_line_warns(tmp_path):
    assert _codes(_write(tmp_path, b"\n  \n")) == [
        (1, False, ["read-blank-line"]),
        (2, False, ["read-blank-line"]),
        (2, False, ["read-empty-file"]),
    ]


def test_crlf_line_endings_are_read(tmp_path):
    assert _codes(_write(tmp_path, b'{"a":1}\r\n{"b":2}\r\n')) == [(1, True, []), (2, True, [])]


def test_a_10_mb_line_is_skipped_in_bounded_memory_and_the_next_line_is_read(tmp_path):
    huge = b'{"narrative": "' + b"x" * (10 * 1024 * 1024) + b'"}'
    path = _write(tmp_path, GOOD.encode() + b"\n" + huge + b"\n" + GOOD.encode() + b"\n")
    entries = list(read_jsonl(path))
    assert [(e.line, e.record is not None) for e in entries] == [(1, True), (2, False), (3, True)]
    assert [i.code for i in entries[1].issues] == ["read-line-too-long"]
    assert entries[1].nbytes == len(huge) + 1


def test_max_line_bytes_is_configurable_and_exact(tmp_path):
    line = b'{"a":"' + b"y" * 10 + b'"}'  # 18 bytes
    path = _write(tmp_path, line + b"\n" + line)
    assert _codes(path, max_line_bytes=18) == [(1, True, []), (2, True, [])]
    assert _codes(path, max_line_bytes=17) == [
        (1, False, ["read-line-too-long"]),
        (2, False, ["read-line-too-long"]),
    ]


def test_json_file_with_one_object(tmp_path):
    path = _write(tmp_path, b'\n  {"a": 1}\n', "one.json")
    assert [(e.line, e.record) for e in read_jsonl(path)] == [(2, {"a": 1})]


def test_json_file_with_an_array_gives_each_element_its_start_line(tmp_path):
    path = _write(tmp_path, b'[\n {"a": 1},\n {"b": 2, "b": 3},\n 7,\n {"c":\n 3}\n]\n', "arr.json")
    got = [(e.line, e.record, [i.code for i in e.issues]) for e in read_jsonl(path)]
    assert got == [
        (2, {"a": 1}, []),
        (3, None, ["read-duplicate-key"]),
        (4, None, ["read-not-an-object"]),
        (5, {"c": 3}, []),
    ]


def test_json_file_with_a_broken_element_keeps_the_elements_before_it(tmp_path):
    path = _write(tmp_path, b'[{"a": 1},\n{"b": oops}]', "arr.json")
    got = [(e.line, e.record, [i.code for i in e.issues]) for e in read_jsonl(path)]
    assert got == [(1, {"a": 1}, []), (2, None, ["read-invalid-json"])]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "read-empty-file"),
        (b"[ ]", "read-empty-file"),
        (b'{"a":1} x', "read-invalid-json"),
        (b"\xff{}", "read-invalid-utf8"),
        (b'[{"a":1} {"b":2}]', "read-invalid-json"),
    ],
)
def test_json_file_problems_are_coded(tmp_path, data, code):
    path = _write(tmp_path, data, "bad.json")
    assert code in [i.code for e in read_jsonl(path) for i in e.issues]


def test_json_file_over_the_size_limit_is_not_read(tmp_path):
    from nearmiss_lab.validate import read_json_file

    path = _write(tmp_path, b'{"a": "' + b"z" * 100 + b'"}', "big.json")
    assert [i.code for e in read_json_file(path, max_bytes=50) for i in e.issues] == [
        "read-file-too-large"
    ]


def test_unopenable_file_raises_oserror(tmp_path):
    with pytest.raises(OSError):
        list(read_jsonl(tmp_path / "missing.jsonl"))


def test_records_file_counts_entries_not_blank_lines_and_indexes_records(tmp_path):
    path = _write(tmp_path, b"{}\n\nnot json\n{}\n")
    report = validate_records_file(path, "taxonomy")
    assert report.records_checked == 3
    located = {(i.code, i.line, i.record) for i in report.issues}
    assert ("read-blank-line", 2, None) in located
    assert ("read-invalid-json", 3, 1) in located
    assert ("schema-required", 4, 2) in located


# -- a .json array is read past a broken element (every element checked and counted) ---------
def _entries(path):
    return [(e.line, e.record, [i.code for i in e.issues], e.entry) for e in read_jsonl(path)]


def test_json_array_keeps_checking_after_a_broken_element(tmp_path, repo_dir):
    # The audit's case: [good, {bad}, {"state": "XX"}] reported only the syntax error, never
    # checked the third record, and counted 2 records.
    record = json.loads((repo_dir / "schemas/examples/valid/incident-full.json").read_text())
    good = json.dumps({**record, "record_id": "r-1"})
    bad = json.dumps({**record, "record_id": "r-2", "narrative": CANARY})[:-1] + ", oops}"
    other = json.dumps({**record, "record_id": "r-3", "state": "XX"})
    path = _write(tmp_path, f"[\n{good},\n{bad},\n{other}\n]\n".encode(), "arr.json")
    report = validate_records_file(path)
    assert report.records_checked == 3
    assert report.flatten(["code", "pointer", "line", "record", "record_id"]) == [
        ["read-invalid-json", "", 3, 1, None],
        ["schema-enum", "/state", 4, 2, "r-3"],
    ]
    assert all(CANARY not in i.message for i in report.issues)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # a missing comma is an issue between elements; both elements are read
        (b'[{"a": 1} {"b": 2}]',
         [(1, {"a": 1}, [], True), (1, None, ["read-invalid-json"], False),
          (1, {"b": 2}, [], True)]),
        # an empty element (two commas, a trailing comma) is no record
        (b'[{"a": 1},,\n{"b": 2}]',
         [(1, {"a": 1}, [], True), (1, None, ["read-invalid-json"], False),
          (2, {"b": 2}, [], True)]),
        (b'[{"a": 1},\n]', [(1, {"a": 1}, [], True), (2, None, ["read-invalid-json"], False)]),
        # brackets inside a broken element's strings do not confuse the step-over
        (b'[{"a": "],{", oops},\n{"b": 2}]',
         [(1, None, ["read-invalid-json"], True), (2, {"b": 2}, [], True)]),
        # stray characters after an element are stepped over to the next comma
        (b'[{"a": 1} x x,\n{"b": 2}]',
         [(1, {"a": 1}, [], True), (1, None, ["read-invalid-json"], False),
          (2, {"b": 2}, [], True)]),
        # a non-object element is an issue at its own index
        (b'[{"a": 1},\n"x",\n{"b": 2}]',
         [(1, {"a": 1}, [], True), (2, None, ["read-not-an-object"], True),
          (3, {"b": 2}, [], True)]),
        # data after the array, and a file that ends inside it
        (b'[{"a": 1}]\nx', [(1, {"a": 1}, [], True), (2, None, ["read-invalid-json"], False)]),
        (b'[{"a": 1},\n', [(1, {"a": 1}, [], True), (2, None, ["read-invalid-json"], False)]),
        # an element that cannot be stepped over (unclosed string) ends the reading: one issue
        (b'[{"a": 1},\n{"b": "open, {"c": 3}]',
         [(1, {"a": 1}, [], True), (2, None, ["read-invalid-json"], True)]),
    ],
)
def test_json_array_structure_problems(tmp_path, data, expected):
    path = _write(tmp_path, data, "arr.json")
    assert _entries(path) == expected


def test_json_array_that_cannot_be_stepped_over_says_so(tmp_path):
    path = _write(tmp_path, b'[{"a": 1}, {"b": [1, 2}, {"c": 3}]', "arr.json")
    entries = list(read_jsonl(path))
    assert [e.record for e in entries] == [{"a": 1}, None]
    assert entries[1].issues[0].message.endswith("cannot be read past this element")


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(elements=st.lists(st.tuples(
    st.dictionaries(st.text(max_size=5), st.text(max_size=8) | st.integers(), max_size=3),
    st.booleans()), min_size=1, max_size=8))
def test_every_array_element_is_an_entry_on_its_line(tmp_path, elements):
    # Each element on its own line; broken ones have junk before their closing brace. Every
    # element is one entry on its line, and each unbroken one is read as written.
    parts = []
    for obj, broken in elements:
        text = json.dumps(obj)
        parts.append(text[:-1] + (", oops]}" if obj else "oops}") if broken else text)
    path = _write(tmp_path, ("[\n" + ",\n".join(parts) + "\n]\n").encode(), "prop.json")
    got = [(e.line, e.record) for e in read_jsonl(path) if e.entry]
    assert got == [(i + 2, None if broken else obj)
                   for i, (obj, broken) in enumerate(elements)]
