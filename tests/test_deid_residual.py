"""The hub's residual scan: same engine, findings carry offsets and types, never text."""

from __future__ import annotations

import dataclasses

import pytest

from nearmiss_lab.deid import ResidualFinding, deidentify_record, residual_scan, residual_scan_batch

RAW = {
    "record_id": "r1",
    "narrative": "Sgt. Ana Kowalczyk stopped plate ABC-1234 at 1420 Sawmill Road on 03/14/2023.",
    "lessons_learned": "Kowalczyk says: call (205) 555-0142 before you approach.",
}


@pytest.fixture(scope="module")
def engine():
    from nearmiss_lab.deid import get_engine

    return get_engine()


def test_raw_record_yields_findings_with_offsets_into_each_field(engine):
    findings = residual_scan(RAW, engine=engine)
    fields = {f.field for f in findings}
    assert fields == {"narrative", "lessons_learned"}
    for f in findings:
        assert isinstance(f, ResidualFinding)
        assert 0 <= f.start < f.end <= len(RAW[f.field])
        assert 0 <= f.score <= 1
    found = {RAW[f.field][f.start : f.end] for f in findings}
    assert {"Ana Kowalczyk", "ABC-1234", "Kowalczyk"} <= found


def test_finding_carries_no_text_attribute():
    names = {f.name for f in dataclasses.fields(ResidualFinding)}
    assert names == {"field", "start", "end", "entity_type", "score"}


def test_deidentified_record_has_no_findings_and_placeholders_are_not_findings(engine):
    clean = deidentify_record(RAW, engine=engine).record
    assert "[PERSON-1]" in clean["narrative"]
    assert residual_scan(clean, engine=engine) == []


def test_min_score_filters_findings(engine):
    assert residual_scan(RAW, min_score=1.01, engine=engine) == []


def test_batch_form_matches_single_calls(engine):
    other = {"narrative": "Nothing identifying happened here.", "lessons_learned": ""}
    batch = residual_scan_batch([RAW, other], engine=engine)
    assert batch[0] == residual_scan(RAW, engine=engine)
    assert batch[1] == []
