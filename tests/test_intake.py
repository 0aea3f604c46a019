"""Intake: mappings, readers for every synth shape, direct identifiers, bad rows."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nearmiss_lab.intake import (
    ExportReadError,
    IntakeRow,
    MappingError,
    UnknownReaderError,
    derive_record_id,
    get_reader,
    load_mapping,
    mapping_from_dict,
    read_export,
    reader_names,
    register_reader,
)
from nearmiss_lab.intake.readers import read_csv
from nearmiss_lab.spec import load_schema

CANARY = "CANARY-Zq7Xw"
KEY = "0123456789abcdef0123"


def _agencies(root: Path) -> list[dict[str, str]]:
    return json.loads((root / "agencies.json").read_text())


def _rows(export: Path, mapping: Any) -> list[IntakeRow]:
    return list(read_export(export, mapping))


def _mapping(**overrides: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "mapping_version": "1.0.0", "agency": "AG-TEST1",
        "format": {"reader": "csv"},
        "record_id": {"column": "Case", "derive": "keyed_hash", "key": KEY},
        "direct_identifiers": ["Case", "Officer"],
        "fields": {
            "occurred": {"column": "When", "formats": ["%m/%d/%Y %H:%M"]},
            "state": {"value": "OK"}, "agency_type": {"value": "sheriff"},
            "officer.years_of_service": {"column": "Yrs"},
            "activities": {"column": "Call", "map": {"Traffic Stop": "ACT.TRAFFIC_STOP",
                                                     "Arrest": "ACT.ARREST"}},
            "factors": {"column": "Codes", "split": ";"},
            "officers_on_scene": {"column": "N"}, "subjects": {"value": 1},
            "narrative": {"column": "Narr"}, "lessons_learned": {"column": "Lessons"},
        },
    }
    doc.update(overrides)
    return doc


HEADER = ["Case", "Officer", "When", "Yrs", "Call", "Codes", "N", "Narr", "Lessons"]
GOOD = ["24-0001", "Jane Doe", "01/31/2024 23:59", "2", "Traffic Stop",
        "EQ.RADIO;HF.FATIGUE", "1", "Narrative, with comma", ""]


def _csv(path: Path, rows: list[list[str]], header: list[str] = HEADER,
         encoding: str = "utf-8") -> Path:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


# -- every synth shape -------------------------------------------------------------------------
def test_every_synth_shape_reads_into_schema_conforming_drafts(synth_small: Path) -> None:
    schema = load_schema("incident", "1.0.0")
    validator = jsonschema.Draft202012Validator(schema)
    shapes = set()
    for entry in _agencies(synth_small):
        mapping = load_mapping(synth_small / entry["mapping"])
        shapes.add((mapping.reader, mapping.encoding, mapping.delimiter))
        rows = _rows(synth_small / entry["export"], mapping)
        assert rows and [r.row for r in rows] == list(range(1, len(rows) + 1)) or \
            mapping.reader == "jsonl"
        for row in rows:
            assert row.draft is not None, [i.code for i in row.issues]
            assert not [i for i in row.issues if i.severity.blocking]
            draft = row.draft
            assert "deidentification" not in draft
            assert draft["agency"] == entry["agency"] and draft["schema_version"] == "1.0.0"
            complete = {**draft, "deidentification": {"tool": "t", "tool_version": "1",
                                                       "policy": "nm-deid-1", "entities": {}}}
            errors = [e.message for e in validator.iter_errors(complete)]
            assert not errors, errors[:3]
    assert len(shapes) == 5  # five different readers / encodings / delimiters


def test_case_numbers_never_become_record_ids(synth_small: Path) -> None:
    for entry in _agencies(synth_small):
        mapping = load_mapping(synth_small / entry["mapping"])
        if mapping.record_id.derive != "keyed_hash":
            continue
        raw = (synth_small / entry["export"]).read_bytes().decode(mapping.encoding)
        for row in _rows(synth_small / entry["export"], mapping):
            rid = row.draft["record_id"]
            assert len(rid) == 24 and rid not in raw


# -- direct identifiers -----------------------------------------------------------------------
def _plant_canary(obj: Any, path: tuple[str, ...]) -> None:
    for key in path[:-1]:
        obj = obj[key]
    obj[path[-1]] = f"{CANARY} {path[-1]}"


def _canary_export(src: Path, dst: Path, mapping: Any) -> None:
    """Copy an export with every direct-identifier column (except the hashed record id) and
    one unmapped column replaced by the canary."""
    targets = [ref for ref in mapping.direct_identifiers if ref != mapping.record_id.ref]
    if mapping.reader == "csv":
        text = src.read_bytes().decode(mapping.encoding)
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=mapping.delimiter))
        header = rows[0] + ["Unmapped Note"]
        idx = [header.index(ref[0]) for ref in targets]
        out = io.StringIO(newline="")
        writer = csv.writer(out, delimiter=mapping.delimiter, lineterminator="\r\n")
        writer.writerow(header)
        for cells in rows[1:]:
            cells = cells + [CANARY]
            for i in idx:
                cells[i] = CANARY
            writer.writerow(cells)
        dst.write_bytes(out.getvalue().encode(mapping.encoding))
        return
    if mapping.reader == "jsonl":
        records = [json.loads(line) for line in src.read_text(encoding="utf-8").splitlines()]
    else:
        records = json.loads(src.read_text(encoding="utf-8"))
    for record in records:
        for ref in targets:
            _plant_canary(record, ref)
        record["unmapped_note"] = CANARY
    if mapping.reader == "jsonl":
        dst.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    else:
        dst.write_text(json.dumps(records), encoding="utf-8")


def test_direct_identifier_canary_never_reaches_a_draft_or_issue(synth_small: Path,
                                                                 tmp_path: Path) -> None:
    for entry in _agencies(synth_small):
        mapping = load_mapping(synth_small / entry["mapping"])
        assert len(mapping.direct_identifiers) >= 4
        planted = tmp_path / Path(entry["export"]).name
        _canary_export(synth_small / entry["export"], planted, mapping)
        assert CANARY in planted.read_bytes().decode(mapping.encoding)
        rows = _rows(planted, mapping)
        assert rows and all(r.draft is not None for r in rows)
        assert CANARY not in repr(rows)


def test_mapping_reading_a_direct_identifier_is_refused() -> None:
    doc = _mapping()
    doc["fields"]["lessons_learned"] = {"column": "Officer"}
    with pytest.raises(MappingError, match="direct_identifiers"):
        mapping_from_dict(doc)


# -- broken mappings are errors, never fallbacks ------------------------------------------------
@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["fields"].pop("narrative"), "does not conform"),
    (lambda d: d["fields"].update(colour={"value": "red"}), "does not conform"),
    (lambda d: d.update(agency="Irondale PD"), "does not conform"),
    (lambda d: d["record_id"].pop("key"), "does not conform"),
    (lambda d: d["fields"].update({"officer.role": {"column": "R", "map": {"x": "captain"}}}),
     "outside the incident schema"),
    (lambda d: d["fields"].update(activities={"column": "Call", "map": {"x": "HF.FATIGUE"}}),
     "outside the ACT category"),
    (lambda d: d["fields"].update(factors={"column": "F", "map": {"x": "radio"}}),
     "not a taxonomy code"),
    (lambda d: d["format"].update(reader="xlsx"), "registered reader"),
    (lambda d: d["format"].update(encoding="klingon-8"), "encoding"),
    (lambda d: d["fields"].update(subjects={"value": "one"}), "not an integer"),
])
def test_broken_mapping_raises_a_clear_error(change: Any, message: str) -> None:
    doc = _mapping()
    change(doc)
    with pytest.raises(MappingError, match=message):
        mapping_from_dict(doc)


def test_mapping_file_errors(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="not found"):
        load_mapping(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(MappingError, match="not readable JSON"):
        load_mapping(tmp_path / "bad.json")
    (tmp_path / "ok.json").write_text(json.dumps(_mapping()), encoding="utf-8")
    assert load_mapping(tmp_path / "ok.json").agency == "AG-TEST1"


def test_key_env_supplies_the_hash_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = _mapping(record_id={"column": "Case", "derive": "keyed_hash", "key_env": "NM_TEST_KEY"})
    mapping = mapping_from_dict(doc)
    export = _csv(tmp_path / "e.csv", [GOOD])
    monkeypatch.delenv("NM_TEST_KEY", raising=False)
    with pytest.raises(MappingError, match="NM_TEST_KEY"):
        _rows(export, mapping)
    monkeypatch.setenv("NM_TEST_KEY", KEY)
    (row,) = _rows(export, mapping)
    assert row.draft["record_id"] == derive_record_id(KEY, "AG-TEST1", "24-0001")


# -- bad rows ----------------------------------------------------------------------------------
def _codes(row: IntakeRow) -> list[tuple[str, str]]:
    return [(i.code, i.pointer) for i in row.issues]


def test_bad_rows_get_coded_issues_and_good_rows_still_pass(tmp_path: Path) -> None:
    def bad(**cells: str) -> list[str]:
        row = dict(zip(HEADER, GOOD, strict=True))
        row.update(cells)
        return list(row.values())

    rows = [
        GOOD,
        bad(When=f"{CANARY} 13/45/2024"),
        bad(Call=CANARY),
        bad(Codes=f"EQ.RADIO;{CANARY}"),
        bad(Codes="HF.NOT_A_CODE"),
        bad(N=CANARY),
        bad(N="0"),
        bad(Narr="   "),
        bad(Case=""),
        GOOD[:4],
        GOOD + ["extra"],
        bad(Yrs="75"),
    ]
    out = _rows(_csv(tmp_path / "e.csv", rows), mapping_from_dict(_mapping()))
    assert [r.row for r in out] == list(range(1, 13))
    assert out[0].draft is not None and out[0].issues == []
    expected = {
        2: ("intake-bad-date", "/occurred_month"),
        3: ("intake-unknown-label", "/activities"),
        4: ("intake-bad-code", "/factors"),
        5: ("intake-unknown-code", "/factors"),
        6: ("intake-bad-number", "/officers_on_scene"),
        7: ("intake-out-of-range", "/officers_on_scene"),
        8: ("intake-missing-value", "/narrative"),
        9: ("intake-missing-value", "/record_id"),
        10: ("intake-short-row", ""),
        11: ("intake-long-row", ""),
    }
    for number, code in expected.items():
        row = out[number - 1]
        assert row.draft is None and code in _codes(row), (number, _codes(row))
        for issue in row.issues:
            assert issue.line == number and issue.record == number - 1
            assert issue.code.startswith("intake-") and issue.message
    # Out-of-range tenure is generalised to unknown with a warning, not a rejection.
    last = out[11]
    assert last.draft is not None and last.draft["officer"]["service_band"] == "unknown"
    assert _codes(last) == [("intake-out-of-range", "/officer/service_band")]
    assert CANARY not in repr([i.to_dict() for r in out for i in r.issues])


def test_missing_column_is_reported_on_every_row(tmp_path: Path) -> None:
    header = [h for h in HEADER if h != "When"]
    cells = [c for h, c in zip(HEADER, GOOD, strict=True) if h != "When"]
    out = _rows(_csv(tmp_path / "e.csv", [cells, cells], header), mapping_from_dict(_mapping()))
    assert [_codes(r) for r in out] == [[("intake-missing-column", "/occurred_month")]] * 2


def test_bytes_invalid_in_the_declared_encoding_mark_only_their_row(tmp_path: Path) -> None:
    export = _csv(tmp_path / "e.csv", [GOOD, GOOD, GOOD])
    data = export.read_bytes().replace(b"Narrative, with comma", b"Narr\xe9 ok", 1)
    export.write_bytes(data)
    out = _rows(export, mapping_from_dict(_mapping()))
    assert _codes(out[0]) == [("intake-bad-encoding", "/narrative")] and out[0].draft is None
    assert out[1].draft is not None and out[2].draft is not None
    latin = mapping_from_dict(_mapping(format={"reader": "csv", "encoding": "latin-1"}))
    assert _rows(export, latin)[0].draft["narrative"] == "Narré ok"


def test_multiline_quoted_fields_count_as_one_row(tmp_path: Path) -> None:
    multi = GOOD[:7] + ["line one\nline two\n\nline four", "lesson"]
    out = _rows(_csv(tmp_path / "e.csv", [multi, GOOD]), mapping_from_dict(_mapping()))
    assert [r.row for r in out] == [1, 2]
    assert out[0].draft["narrative"] == "line one\nline two\n\nline four"


def _json_mapping(reader: str) -> Any:
    return mapping_from_dict(_mapping(
        format={"reader": reader}, direct_identifiers=[["case", "number"], "officer"],
        record_id={"path": ["case", "number"], "derive": "keyed_hash", "key": KEY}))


def _json_record(**changes: Any) -> dict[str, Any]:
    record = {"case": {"number": "24-9"}, "officer": CANARY, "When": "01/31/2024 23:59",
              "Yrs": 4, "Call": ["Traffic Stop", "Arrest"], "Codes": "EQ.RADIO", "N": 2,
              "Narr": "text"}
    record.update(changes)
    return record


def test_jsonl_bad_lines_keep_their_line_numbers(tmp_path: Path) -> None:
    lines = [json.dumps(_json_record()), "{not json", "", json.dumps([1, 2]),
             json.dumps(_json_record(Narr=7)), json.dumps(_json_record(case={}))]
    export = tmp_path / "e.jsonl"
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = _rows(export, _json_mapping("jsonl"))
    assert [r.row for r in out] == [1, 2, 4, 5, 6]
    assert out[0].draft["activities"] == ["ACT.ARREST", "ACT.TRAFFIC_STOP"]
    assert out[0].draft["officer"]["service_band"] == "3-5"
    assert [_codes(r)[0][0] for r in out[1:]] == [
        "intake-bad-json", "intake-not-object", "intake-bad-type", "intake-missing-column"]
    assert CANARY not in repr(out)


def test_json_array_rows_are_index_plus_one(tmp_path: Path) -> None:
    export = tmp_path / "e.json"
    export.write_text(json.dumps([_json_record(), "x", _json_record(When="yesterday")]),
                      encoding="utf-8")
    out = _rows(export, _json_mapping("json"))
    assert [r.row for r in out] == [1, 2, 3]
    assert out[0].draft is not None
    assert _codes(out[1]) == [("intake-not-object", "")]
    assert _codes(out[2]) == [("intake-bad-date", "/occurred_month")]
    export.write_text("{\"not\": \"an array\"}", encoding="utf-8")
    with pytest.raises(ExportReadError, match="array"):
        _rows(export, _json_mapping("json"))
    export.write_text("[{", encoding="utf-8")
    with pytest.raises(ExportReadError, match="not valid JSON"):
        _rows(export, _json_mapping("json"))


def test_repeated_json_keys_reject_only_their_row(tmp_path: Path) -> None:
    # json.loads keeps the last of a repeated key: a planted value would become the record id
    # (or any field). The row is not used, whatever depth the repeat is at.
    good = json.dumps(_json_record())
    top = good[:-1] + ', "When": "' + CANARY + '"}'
    nested = json.dumps(_json_record()).replace('{"number": "24-9"}',
                                                '{"number": "24-9", "number": "' + CANARY + '"}')
    assert CANARY in nested
    export = tmp_path / "e.jsonl"
    export.write_text("\n".join([good, top, nested, good]) + "\n", encoding="utf-8")
    out = _rows(export, _json_mapping("jsonl"))
    assert [(r.row, r.draft is None, _codes(r)) for r in out] == [
        (1, False, []), (2, True, [("intake-duplicate-key", "")]),
        (3, True, [("intake-duplicate-key", "")]), (4, False, [])]
    assert CANARY not in repr(out)
    array = tmp_path / "e.json"
    array.write_text("[" + ",".join([good, nested, good]) + "]", encoding="utf-8")
    out = _rows(array, _json_mapping("json"))
    assert [(r.row, _codes(r)) for r in out] == [
        (1, []), (2, [("intake-duplicate-key", "")]), (3, [])]
    assert CANARY not in repr(out)


def test_half_a_surrogate_pair_rejects_only_its_row(tmp_path: Path) -> None:
    # "\ud800" (or its low half alone) in a JSON string decodes to a lone surrogate, which
    # cannot be written as UTF-8; a complete pair is an ordinary character.
    lines = [json.dumps(_json_record()), json.dumps(_json_record(Narr=f"{CANARY} \ud800")),
             json.dumps(_json_record(Call=["Arrest\udfff"])),
             json.dumps(_json_record(Narr="a pair \ud83d\ude00 is fine"))]
    assert "\\ud800" in lines[1]
    export = tmp_path / "e.jsonl"
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = _rows(export, _json_mapping("jsonl"))
    assert [(r.row, r.draft is None, _codes(r)) for r in out] == [
        (1, False, []), (2, True, [("intake-bad-character", "/narrative")]),
        (3, True, [("intake-bad-character", "/activities")]), (4, False, [])]
    assert out[3].draft["narrative"] == "a pair \U0001f600 is fine"
    assert CANARY not in repr([i.to_dict() for r in out for i in r.issues])
    array = tmp_path / "e.json"
    array.write_text("[" + ",".join(lines) + "]", encoding="utf-8")
    assert [r.draft is None for r in _rows(array, _json_mapping("json"))] == [
        False, True, True, False]


def test_free_text_longer_than_the_schema_allows_rejects_its_row_before_deid(
    tmp_path: Path,
) -> None:
    from nearmiss_lab.intake.convert import free_text_limits

    limit = load_schema("incident", "1.0.0")["properties"]["narrative"]["maxLength"]
    assert free_text_limits()["narrative"] == limit
    lessons = load_schema("incident", "1.0.0")["properties"]["lessons_learned"]["maxLength"]
    rows = [GOOD[:7] + ["n" * limit, "l" * lessons], GOOD[:7] + ["n" * (limit + 1), ""],
            GOOD[:7] + ["x", "l" * (lessons + 1)]]
    out = _rows(_csv(tmp_path / "e.csv", rows), mapping_from_dict(_mapping()))
    assert [(r.row, r.draft is None, _codes(r)) for r in out] == [
        (1, False, []), (2, True, [("intake-text-too-long", "/narrative")]),
        (3, True, [("intake-text-too-long", "/lessons_learned")])]
    # Past spaCy's 1,000,000 characters (a CSV field that long is already unreadable to the
    # csv module, intake-bad-row).
    export = tmp_path / "e.jsonl"
    export.write_text(json.dumps(_json_record(Narr="n" * 1_000_001)) + "\n", encoding="utf-8")
    assert [_codes(r) for r in _rows(export, _json_mapping("jsonl"))] == [
        [("intake-text-too-long", "/narrative")]]


def test_repeated_csv_header_of_a_mapped_column_rejects_every_row(tmp_path: Path) -> None:
    header = HEADER + ["N"]  # the officers-on-scene column twice
    export = _csv(tmp_path / "e.csv", [GOOD + ["9"], GOOD + ["9"]], header)
    out = _rows(export, mapping_from_dict(_mapping()))
    assert [(r.row, r.draft, _codes(r)) for r in out] == [
        (1, None, [("intake-duplicate-column", "/officers_on_scene")]),
        (2, None, [("intake-duplicate-column", "/officers_on_scene")])]
    # a repeated column the mapping does not read is harmless
    export = _csv(tmp_path / "f.csv", [GOOD + ["x", "y"]], HEADER + ["Note", "Note"])
    (row,) = _rows(export, mapping_from_dict(_mapping()))
    assert row.draft is not None and row.issues == []


def test_unreadable_exports_raise(tmp_path: Path) -> None:
    mapping = mapping_from_dict(_mapping())
    with pytest.raises(ExportReadError):
        _rows(tmp_path / "missing.csv", mapping)
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(ExportReadError, match="empty"):
        _rows(tmp_path / "empty.csv", mapping)


def _opaque_mapping() -> Any:
    return mapping_from_dict(_mapping(record_id={"column": "Case", "derive": "none"},
                                      direct_identifiers=["Officer"]))


def test_opaque_ids_must_look_opaque(tmp_path: Path) -> None:
    rows = [["NM-000123"] + GOOD[1:], ["bad id with spaces"] + GOOD[1:]]
    out = _rows(_csv(tmp_path / "e.csv", rows), _opaque_mapping())
    assert out[0].draft["record_id"] == "NM-000123"
    assert _codes(out[1]) == [("intake-bad-record-id", "/record_id")]


def test_record_id_passed_through_from_a_direct_identifier_is_refused() -> None:
    # The audit's mapping: the case number column listed as a direct identifier, yet copied
    # into every record by derive none. Only keyed_hash may read such a column.
    doc = _mapping(record_id={"column": "Case", "derive": "none"})
    assert "Case" in doc["direct_identifiers"]
    with pytest.raises(MappingError, match="direct_identifiers"):
        mapping_from_dict(doc)
    doc = _mapping(record_id={"path": ["case", "number"], "derive": "none"},
                   direct_identifiers=[["case", "number"]], format={"reader": "jsonl"})
    with pytest.raises(MappingError, match="derive keyed_hash"):
        mapping_from_dict(doc)


@pytest.mark.parametrize("case_number", [
    "SO25-004809", "2024-001234", "24-0001", "RPT2025-00123", "CR-2024-0042", "250101-0042"])
def test_an_id_shaped_like_a_case_number_never_passes_through(tmp_path: Path,
                                                                case_number: str) -> None:
    rows = [[case_number] + GOOD[1:], ["3f9a0c1d-2e4b-4a69-8a0b-1c2d3e4f5a6b"] + GOOD[1:]]
    out = _rows(_csv(tmp_path / "e.csv", rows), _opaque_mapping())
    assert out[0].draft is None
    assert _codes(out[0]) == [("intake-case-number-id", "/record_id")]
    assert out[0].issues[0].record_id is None and case_number not in repr(out[0])
    assert out[1].draft is not None  # a UUID is opaque


def test_reader_registry(tmp_path: Path) -> None:
    assert {"csv", "jsonl", "json"} <= set(reader_names())
    with pytest.raises(UnknownReaderError, match="registered"):
        get_reader("xlsx")
    register_reader("semicolon_csv", read_csv)
    assert get_reader("semicolon_csv") is read_csv
    mapping = mapping_from_dict(_mapping(format={"reader": "semicolon_csv", "delimiter": ";"}))
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=";").writerows([HEADER, GOOD])
    (tmp_path / "e.csv").write_text(buffer.getvalue(), encoding="utf-8")
    assert _rows(tmp_path / "e.csv", mapping)[0].draft is not None
    with pytest.raises(ValueError):
        register_reader("Bad Name", read_csv)


def test_every_intake_code_is_published() -> None:
    from nearmiss_lab.intake import MESSAGES
    from nearmiss_lab.spec import load_issue_codes

    published = load_issue_codes()
    assert set(MESSAGES) <= set(published)
    assert all(code.startswith("intake-") for code in MESSAGES)


# -- property tests: no input row makes the intake raise or echo a value ----------------------

def _messages() -> set[str]:
    from nearmiss_lab.intake import MESSAGES

    return {message for message, _ in MESSAGES.values()}


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.text(max_size=30), min_size=len(HEADER), max_size=len(HEADER)))
def test_any_csv_row_gives_a_draft_or_issues(tmp_path: Path, cells: list[str]) -> None:
    export = _csv(tmp_path / "prop.csv", [cells])
    rows = _rows(export, mapping_from_dict(_mapping()))
    assert len(rows) <= 1  # a row of blank cells may be a blank line
    for row in rows:
        assert row.draft is not None or row.issues
        assert {i.message for i in row.issues} <= _messages()


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(line=st.binary(max_size=80))
def test_any_jsonl_line_gives_a_draft_or_issues(tmp_path: Path, line: bytes) -> None:
    export = tmp_path / "prop.jsonl"
    export.write_bytes(line.replace(b"\n", b" ") + b"\n")
    for row in _rows(export, _json_mapping("jsonl")):
        assert row.row == 1 and row.draft is None and row.issues
        assert {i.message for i in row.issues} <= _messages()
