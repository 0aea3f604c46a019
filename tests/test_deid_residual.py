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


def test_no_pattern_reaches_across_a_placeholder(engine):
    # "Ofc. [PERSON-3] helped": the word after a placeholder is not taken for a name.
    record = {
        "narrative": "Ofc. [PERSON-3] helped secure the scene. My name is [PERSON-1] "
        "and I work nights.",
        "lessons_learned": "",
    }
    assert residual_scan(record, engine=engine) == []


def test_a_name_next_to_a_placeholder_is_still_found(engine):
    record = {
        "narrative": "[PERSON-1] and Ray Kowalczyk searched the garage.",
        "lessons_learned": "",
    }
    findings = residual_scan(record, engine=engine)
    assert [(record["narrative"][f.start : f.end], f.entity_type) for f in findings] == [
        ("Ray Kowalczyk", "PERSON")
    ]


def test_own_output_is_mostly_clean_at_the_hub(engine, synth_small):
    """Records de-identified by deidentify should rarely be quarantined by the hub."""
    import json

    from nearmiss_lab.deid import deidentify_records
    from nearmiss_lab.intake import load_mapping, read_export

    drafts = []
    for entry in json.loads((synth_small / "agencies.json").read_text(encoding="utf-8")):
        mapping = load_mapping(synth_small / entry["mapping"])
        drafts += [r.draft for r in read_export(synth_small / entry["export"], mapping) if r.draft]
    clean = [d.record for d in deidentify_records(drafts, engine=engine)]
    flagged = sum(bool(f) for f in residual_scan_batch(clean, engine=engine))
    assert flagged <= 0.05 * len(clean)


NOT_IDENTIFIERS = [
    "We waited eleven hours for the tow; it took 45 minutes and 3 units.",
    "Lesson one: wait for backup. Lesson two: call it out. See note 42 and note 7.",
    "<b>Update</b>: the <i>suspect</i> fled; see <br/> page 2 &amp; item #3.",
    "**Lessons learned**\n- Slow down\n- Trust your gut\n> Reviewed by [PERSON-1]",
    "Car [BADGE-1] and Medic [BADGE-2] staged at Mile Marker [ADDRESS-1].",
    "Over 20 years on the job, 4 of them on nights. Two officers, one K9.",
    "Step 3: approach from the passenger side. Rule #1 is cover.",
    "The [ORGANIZATION-1] Wrangler bearing [PLATE-1] fled. A 2015 Dodge Caravan followed.",
    "I was assigned to Unit [BADGE-1] with Ofc. [PERSON-1] from [TIME-1] to [TIME-2].",
]


@pytest.mark.parametrize("text", NOT_IDENTIFIERS)
def test_counts_labels_markup_and_vehicles_are_not_quarantined(engine, text):
    assert residual_scan({"narrative": text}, engine=engine) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Lesson one came from Ofc. Halvorsen.", "Halvorsen"),
        ("Car [BADGE-1] was driven by Dana Kowalczyk.", "Dana Kowalczyk"),
        ("OFFICER [PERSON-1] AND SGT. BRENNAN ARRIVED.", "BRENNAN"),
        ("follow-up by ofc young on [DATE-1]. the suspect ran off.", "young"),
    ],
)
def test_a_real_name_beside_labels_is_still_quarantined(engine, text, name):
    findings = residual_scan({"narrative": text}, engine=engine)
    assert any(name in text[f.start : f.end] for f in findings)
