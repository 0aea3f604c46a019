"""Incident validation: schema issues as our codes and pointers, then the numbered record rules."""

from __future__ import annotations

import copy
import json
from datetime import date

import pytest

from nearmiss_lab.validate import RULES, validate_document, validate_incident

CANARY = "Zq9!Canary Jane Doe"
TODAY = date(2024, 6, 15)


@pytest.fixture(scope="module")
def full(repo_dir):
    return json.loads((repo_dir / "schemas/examples/valid/incident-full.json").read_text())


def _flat(issues):
    return sorted((i.code, i.pointer) for i in issues)


def test_valid_full_example_has_no_issue(full):
    assert validate_incident(full, today=TODAY, period=("2024-01", "2024-03")) == []


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda r: r.pop("narrative"), ("schema-required", "/narrative")),
        (lambda r: r["officer"].pop("role"), ("schema-required", "/officer/role")),
        (lambda r: r.__setitem__("subjects", CANARY), ("schema-type", "/subjects")),
        (lambda r: r.__setitem__("state", CANARY), ("schema-enum", "/state")),
        (lambda r: r.__setitem__("time_block", CANARY), ("schema-enum", "/time_block")),
        (lambda r: r.__setitem__("occurred_month", CANARY), ("schema-pattern", "/occurred_month")),
        (lambda r: r.__setitem__("narrative", CANARY * 2000), ("schema-max-length", "/narrative")),
        (lambda r: r.__setitem__("officers_on_scene", 0), ("schema-minimum", "/officers_on_scene")),
        (lambda r: r.__setitem__("activities", []), ("schema-min-items", "/activities")),
        (
            lambda r: r["activities"].append("ACT.TRAFFIC_STOP"),
            ("schema-unique-items", "/activities"),
        ),
        (lambda r: r.__setitem__(CANARY, 1), ("schema-additional-property", "")),
        (
            lambda r: r["officer"].__setitem__(CANARY, CANARY),
            ("schema-additional-property", "/officer"),
        ),
        (
            lambda r: r["deidentification"]["entities"].__setitem__(CANARY, 1),
            ("schema-property-names", "/deidentification/entities"),
        ),
        (
            lambda r: r["deidentification"]["entities"].__setitem__("JANE_DOE", CANARY),
            ("schema-type", "/deidentification/entities"),
        ),
        (
            lambda r: r["factors"][0].__setitem__("source", CANARY),
            ("schema-enum", "/factors/0/source"),
        ),
    ],
)
def test_schema_issue_has_our_code_and_pointer_and_never_echoes_the_value(full, mutate, expected):
    record = copy.deepcopy(full)
    mutate(record)
    issues = validate_incident(record, today=TODAY)
    assert expected in _flat(issues)
    for issue in issues:
        assert CANARY not in issue.message and CANARY not in issue.pointer
        assert "JANE_DOE" not in issue.pointer + issue.message


def test_additional_property_message_gives_its_position_not_its_name(full):
    record = {**full, CANARY: 1}
    (issue,) = validate_incident(record, today=TODAY)
    assert "property 19 of 19" in issue.message and issue.severity.value == "error"


def test_hf_code_in_activities_is_a_pattern_issue_numbered_r003(full):
    record = copy.deepcopy(full)
    record["activities"] = ["HF.FATIGUE"]
    (issue,) = validate_incident(record, today=TODAY)
    assert (issue.code, issue.pointer, issue.rule) == ("schema-pattern", "/activities/0", "R-003")


def _with(full, **changes):
    record = copy.deepcopy(full)
    record.update(changes)
    return record


def _rule_codes(record, **kw):
    return [
        (i.rule, i.code, i.pointer, i.severity.value)
        for i in validate_incident(record, today=TODAY, **kw)
    ]


def test_r001_unknown_factor_code(full):
    record = copy.deepcopy(full)
    record["factors"][1]["code"] = "ENV.VOLCANO"
    assert _rule_codes(record) == [
        ("R-001", "rule-unknown-factor-code", "/factors/1/code", "error")
    ]


def test_r002_unknown_activity_code(full):
    record = _with(full, activities=["ACT.SKYDIVING"])
    assert _rule_codes(record) == [
        ("R-002", "rule-unknown-activity-code", "/activities/0", "error")
    ]


def test_r004_act_code_in_factors(full):
    record = copy.deepcopy(full)
    record["factors"].append({"code": "ACT.ARREST", "source": "reported"})
    assert _rule_codes(record) == [
        ("R-004", "rule-activity-in-factors", "/factors/4/code", "error")
    ]


def test_r005_future_month_is_an_error_and_this_month_is_fine(full):
    assert _rule_codes(_with(full, occurred_month="2024-07")) == [
        ("R-005", "rule-occurred-in-future", "/occurred_month", "error")
    ]
    assert _rule_codes(_with(full, occurred_month="2024-06")) == []


def test_r006_after_period_end_is_an_error_and_r007_before_start_a_warning(full):
    period = ("2024-03", "2024-04")
    assert _rule_codes(_with(full, occurred_month="2024-05"), period=period) == [
        ("R-006", "rule-occurred-after-period", "/occurred_month", "error")
    ]
    assert _rule_codes(_with(full, occurred_month="2024-02"), period=period) == [
        ("R-007", "rule-occurred-before-period", "/occurred_month", "warning")
    ]
    assert _rule_codes(_with(full, occurred_month="2024-04"), period=period) == []


def test_r008_short_or_blank_narrative_warns(full):
    full = _with(full, factors=full["factors"][:2])  # drop evidence spans into the narrative
    assert _rule_codes(_with(full, narrative="Nearly hit.")) == [
        ("R-008", "rule-narrative-too-short", "/narrative", "warning")
    ]
    assert _rule_codes(_with(full, narrative=" " * 50)) == [
        ("R-008", "rule-narrative-too-short", "/narrative", "warning")
    ]
    # empty text is the schema's minLength, not reported twice
    assert [i.code for i in validate_incident(_with(full, narrative=""), today=TODAY)] == [
        "schema-min-length"
    ]


def test_r009_extracted_factor_without_evidence(full):
    record = copy.deepcopy(full)
    del record["factors"][2]["evidence"]
    record["factors"][3]["evidence"] = []
    assert _rule_codes(record) == [
        ("R-009", "rule-extracted-without-evidence", "/factors/2", "error"),
        ("R-009", "rule-extracted-without-evidence", "/factors/3", "error"),
    ]


@pytest.mark.parametrize(("start", "end"), [(5, 5), (9, 3), (0, 10_000)])
def test_r010_evidence_span_empty_reversed_or_past_the_text(full, start, end):
    record = copy.deepcopy(full)
    record["factors"][3]["evidence"] = [{"field": "lessons_learned", "start": start, "end": end}]
    assert _rule_codes(record) == [
        ("R-010", "rule-evidence-out-of-bounds", "/factors/3/evidence/0", "error")
    ]


def test_r011_same_code_and_source_twice_warns_but_reported_plus_extracted_is_fine(full):
    record = copy.deepcopy(full)
    record["factors"].append({"code": "ROAD.STRUCK_BY", "source": "reported"})
    assert _rule_codes(record) == [("R-011", "rule-duplicate-factor", "/factors/4", "warning")]
    record["factors"][4] = {
        "code": "ROAD.STRUCK_BY",
        "source": "extracted",
        "evidence": [{"field": "narrative", "start": 0, "end": 4}],
    }
    assert _rule_codes(record) == []


@pytest.mark.parametrize("rid", ["SO25-004809", "2024-001234", "RPT-2025-00123",
                                 "250101-0042"])
def test_r012_a_record_id_shaped_like_a_case_number_is_an_error(full, rid):
    record = {**full, "record_id": rid}
    assert [(i.code, i.rule, i.severity.value, i.pointer) for i in validate_incident(record)] \
        == [("rule-record-id-case-number", "R-012", "error", "/record_id")]


@pytest.mark.parametrize("rid", ["AG-K7Q2.7f3a9c", "r-0007", "NM-000123",
                                 "3f9a0c1d2e4b5a6978a0b1c2",
                                 "3f9a0c1d-2e4b-4a69-8a0b-1c2d3e4f5a6b", "c-12"])
def test_r012_opaque_ids_pass(full, rid):
    assert validate_incident({**full, "record_id": rid}) == []


@pytest.mark.parametrize("workers", [1, 2])
def test_r012_rejects_the_record_and_never_repeats_its_id(tmp_path, full, workers):
    # Both record-file paths (block-wise JSON Lines and the streaming .json reader) withhold
    # the id in every issue of the record, so the case number is never printed.
    from nearmiss_lab.validate import validate_records_file

    records = [{**full, "record_id": "r-1"}, {**full, "record_id": "SO25-004809", "state": "XX"},
               {**full, "record_id": "SO25-004809", "officers_on_scene": 3}]
    lines = tmp_path / "r.jsonl"
    lines.write_text("".join(json.dumps(r) + "\n" for r in records))
    array = tmp_path / "r.json"
    array.write_text(json.dumps(records))
    for path in (lines, array):
        report = validate_records_file(path, workers=workers)
        assert not report.valid
        assert sorted(report.flatten(["record", "code", "record_id"])) == [
            [1, "rule-record-id-case-number", None], [1, "schema-enum", None],
            [2, "rule-record-id-case-number", None]]
        assert "SO25-004809" not in json.dumps(report.to_dict())


def test_rules_skip_values_the_schema_rejected(full):
    record = _with(full, factors="not a list", activities=[7], occurred_month=202401, narrative=5)
    issues = validate_incident(record, today=TODAY)
    assert issues and all(i.code.startswith("schema-") for i in issues)


def test_non_object_incident_document_is_a_type_issue():
    assert [(i.code, i.pointer) for i in validate_document([1], "incident")] == [
        ("schema-type", "")
    ]


def test_rules_are_numbered_uniquely_with_text_and_severity():
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids)) and ids == sorted(ids)
    assert all(r.text and r.scope in {"record", "submission", "schema"} for r in RULES)


def test_manifest_schema_issues_are_fatal(repo_dir):
    issues = validate_document({"schema_version": "1.0.0"}, "manifest")
    assert issues and {i.severity.value for i in issues} == {"fatal"}
