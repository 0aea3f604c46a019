"""The spec loaders: schemas by kind and version, the taxonomy v1 code list."""

from __future__ import annotations

import re

import jsonschema_rs
import pytest

from nearmiss_lab.spec import (
    INCIDENT_SCHEMA_VERSION,
    KINDS,
    SpecError,
    load_schema,
    load_taxonomy,
    schema_versions,
)

# Every code DESIGN.md "Factor taxonomy v1" says must exist.
DESIGN_CODES = """
HF.SITUATIONAL_AWARENESS HF.DECISION_MAKING HF.COMMUNICATION HF.FATIGUE HF.DISTRACTION HF.WORKLOAD
HF.TRAINING HF.COMPLACENCY HF.RISK_ASSESSMENT HF.SUPERVISION
EQ.RADIO EQ.FIREARM EQ.LESS_LETHAL EQ.VEHICLE EQ.PPE EQ.LIGHTING EQ.RESTRAINTS
ENV.WEATHER ENV.DARKNESS ENV.TERRAIN ENV.TRAFFIC ENV.CROWD ENV.ANIMAL ENV.HAZMAT
PROC.NOT_FOLLOWED PROC.POLICY_GAP PROC.DISPATCH_INFO
ACT.TRAFFIC_STOP ACT.VEHICLE_PURSUIT ACT.FOOT_PURSUIT ACT.DOMESTIC_CALL ACT.MENTAL_HEALTH_CALL
ACT.WARRANT_SERVICE ACT.ARREST ACT.PRISONER_TRANSPORT ACT.ROADSIDE_SCENE ACT.BUILDING_SEARCH
ACT.CROWD_EVENT ACT.TRAINING ACT.OFF_DUTY
THREAT.FIREARM THREAT.EDGED_WEAPON THREAT.CONCEALED_WEAPON THREAT.AMBUSH THREAT.FEIGNED_COMPLIANCE
THREAT.VEHICLE_AS_WEAPON THREAT.RESISTANCE THREAT.FLIGHT THREAT.MULTIPLE_SUBJECTS THREAT.EXPOSURE
TAC.NO_BACKUP TAC.POSITIONING TAC.NO_COVER TAC.APPROACH TAC.CROSSFIRE TAC.RUSHED_ENTRY
ROAD.STRUCK_BY ROAD.SECONDARY_CRASH ROAD.HIGH_SPEED ROAD.INTERSECTION
""".split()


def test_taxonomy_holds_every_design_code_with_label_and_definition():
    tax = load_taxonomy()
    assert set(DESIGN_CODES) <= tax.codes
    for code in DESIGN_CODES:
        assert tax.label(code).strip() and len(tax.definition(code)) > 20
        assert tax.category_of(code) == code.split(".")[0]


def test_taxonomy_categories_are_the_design_eight_and_have_labels():
    tax = load_taxonomy()
    assert tax.categories == ("HF", "EQ", "ENV", "PROC", "ACT", "THREAT", "TAC", "ROAD")
    assert tax.label("EQ") == "Equipment"
    assert "EQ" not in tax.codes  # categories are not codes
    assert tax.codes_in("PROC") == ("PROC.NOT_FOLLOWED", "PROC.POLICY_GAP", "PROC.DISPATCH_INFO")
    assert tax.codes_in("NOPE") == ()


def test_taxonomy_is_frozen_and_cached():
    tax = load_taxonomy()
    assert load_taxonomy() is tax
    with pytest.raises(AttributeError):
        tax.version = "9"  # type: ignore[misc]
    with pytest.raises(TypeError):
        tax.entries["X.Y"] = None  # type: ignore[index]
    with pytest.raises(KeyError):
        tax.label("HF.NOT_A_CODE")


def test_taxonomy_codes_match_the_incident_factor_code_pattern():
    pattern = load_schema("incident")["$defs"]["factor_code"]["pattern"]
    assert all(re.match(pattern, code) for code in load_taxonomy().codes)


def test_taxonomy_data_file_is_valid_against_its_schema(repo_dir):
    import json

    doc = json.loads((repo_dir / "schemas/data/taxonomy-1.0.0.json").read_text())
    validator = jsonschema_rs.validator_for(load_schema("taxonomy", "1.0.0"))
    assert [e.message for e in validator.iter_errors(doc)] == []


@pytest.mark.parametrize(
    "kind", ["incident", "manifest", "receipt", "taxonomy", "mapping", "policy"]
)
def test_every_schema_is_a_valid_2020_12_schema_with_a_versioned_id(kind):
    for version in schema_versions(kind):
        schema = load_schema(kind, version)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"] == f"https://nearmiss-lab.org/schemas/{kind}/{version}"
        assert jsonschema_rs.meta.is_valid(schema)


def test_load_schema_defaults_to_newest_and_returns_a_copy():
    schema = load_schema("incident")
    assert schema["$id"].endswith("/" + INCIDENT_SCHEMA_VERSION)
    schema["title"] = "changed"
    assert load_schema("incident")["title"] == "Incident"


def test_load_schema_names_an_unknown_kind_or_version():
    with pytest.raises(SpecError, match="unknown document kind"):
        load_schema("aggregate-typo")
    with pytest.raises(SpecError, match="not found"):
        load_schema("incident", "9.9.9")


def test_kinds_are_the_design_kinds():
    assert KINDS == ("incident", "manifest", "receipt", "taxonomy")
