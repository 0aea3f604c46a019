"""Property-based tests: generated valid incidents pass the schema; mutated ones are reported
at the right pointer without echoing the planted value; the reader never raises on bytes."""

from __future__ import annotations

import copy
import json

import hypothesis_jsonschema._from_schema as _hjs
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.internal.conjecture import utils as _cu
from hypothesis_jsonschema import from_schema

from nearmiss_lab.spec import load_issue_codes, load_schema
from nearmiss_lab.validate import read_jsonl, schema_issues, validate_incident


class _CompatMany:
    """hypothesis-jsonschema 0.23.1 drives ``many`` with the old ``while elements.more()``
    API; the pinned hypothesis only offers ``with many(...) as e: for _ in e``. This adapter
    (for hypothesis-jsonschema's object strategy only) keeps the two in step."""

    def __init__(self, data, **kwargs):
        self._many = _cu.many(data, **kwargs)
        self._many.__enter__()
        self._iter = iter(self._many)

    def more(self) -> bool:
        try:
            next(self._iter)
        except StopIteration:
            self._many.__exit__(None, None, None)
            return False
        return True

    def reject(self, why=None) -> None:
        self._many.reject(why)


if not hasattr(_cu.many, "more"):
    _hjs.cu = type("_CompatUtils", (), {"many": _CompatMany})  # type: ignore[assignment]

CANARY = "Zq9!Canary Jane Doe"
SCHEMA = load_schema("incident")
REQUIRED = SCHEMA["required"]
PUBLISHED = set(load_issue_codes())
# Strings whose type or format the schema constrains (enum or pattern), by pointer.
CONSTRAINED_STRINGS = [
    "/schema_version",
    "/record_id",
    "/agency",
    "/occurred_month",
    "/time_block",
    "/state",
    "/agency_type",
    "/agency_size",
    "/officer/role",
    "/officer/assignment",
    "/officer/service_band",
    "/conditions/lighting",
    "/conditions/weather",
    "/injury_outcome",
]
SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _ecma_safe(record):
    """hypothesis-jsonschema uses Python's re, where ``$`` also matches before a final newline;
    JSON Schema regexes are ECMA-262, where it does not. Such strings are not valid records."""
    return not any(isinstance(v, str) and v.endswith("\n") for v in _strings(record))


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _resolve(record, pointer):
    node = record
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


def _set(record, pointer, value):
    *parents, last = pointer.split("/")[1:]
    node = record
    for token in parents:
        node = node[token]
    node[last] = value


incidents = from_schema(SCHEMA)


@SETTINGS
@given(incidents)
def test_generated_valid_incident_has_no_schema_issue(record):
    assume(_ecma_safe(record))
    assert schema_issues(record, "incident") == []
    for issue in validate_incident(record):  # rules may still fire (e.g. unknown codes)
        assert issue.code in PUBLISHED
        _resolve(record, issue.pointer)  # every pointer resolves inside the record


@SETTINGS
@given(incidents, st.sampled_from(REQUIRED))
def test_deleted_required_field_is_reported_at_its_pointer(record, field):
    assume(_ecma_safe(record))
    del record[field]
    issues = validate_incident(record)
    assert ("schema-required", f"/{field}") in {(i.code, i.pointer) for i in issues}


@SETTINGS
@given(
    incidents,
    st.sampled_from(CONSTRAINED_STRINGS),
    st.sampled_from([CANARY, 12345, None, [CANARY], {"k": CANARY}, True, 1.5]),
)
def test_changed_value_is_reported_at_its_pointer_without_echo(record, pointer, bad):
    assume(_ecma_safe(record))
    _set(record, pointer, bad)
    issues = validate_incident(record)
    assert pointer in {i.pointer for i in issues}
    for issue in issues:
        assert issue.code in PUBLISHED
        assert "Canary" not in issue.message + issue.pointer


@SETTINGS
@given(incidents, st.text(min_size=1, max_size=30).map(lambda s: CANARY + s))
def test_injected_property_is_reported_without_its_name(record, name):
    assume(_ecma_safe(record))
    target = copy.deepcopy(record)
    target[name] = CANARY
    target["officer"][name] = CANARY
    issues = validate_incident(target)
    found = {(i.code, i.pointer) for i in issues}
    assert {("schema-additional-property", ""), ("schema-additional-property", "/officer")} <= found
    assert all("Canary" not in i.message + i.pointer for i in issues)


@SETTINGS
@given(st.lists(st.binary(max_size=60).filter(lambda b: b"\n" not in b), max_size=12))
def test_reader_never_raises_and_keeps_one_entry_per_line(tmp_path_factory, lines):
    path = tmp_path_factory.mktemp("fuzz") / "f.jsonl"
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    entries = list(read_jsonl(path))
    real = [e for e in entries if not any(i.code == "read-empty-file" for i in e.issues)]
    assert [e.line for e in real] == list(range(1, len(lines) + 1))
    for entry in real:
        if entry.record is None:
            assert entry.issues  # an unusable line always says why
        else:
            assert all(i.severity.value == "warning" for i in entry.issues)


@settings(SETTINGS, max_examples=12)
@given(st.lists(incidents, min_size=1, max_size=3))
def test_jsonl_round_trip_reads_back_every_record(tmp_path_factory, records):
    path = tmp_path_factory.mktemp("rt") / "r.jsonl"
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
        encoding="utf-8",
        errors="surrogatepass",
    )
    got = [e.record for e in read_jsonl(path)]
    for original, back in zip(records, got, strict=True):
        if back is None:  # only a lone surrogate escape may be refused
            assert any(any(0xD800 <= ord(c) <= 0xDFFF for c in s) for s in _strings(original))
        else:
            assert back == original


@pytest.mark.parametrize("pointer", CONSTRAINED_STRINGS)
def test_constrained_pointer_list_matches_the_schema(pointer):
    record = json.loads(json.dumps(load_schema("incident")["properties"]))  # shape only
    assert pointer.split("/")[1] in record
