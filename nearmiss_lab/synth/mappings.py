"""The field mapping that goes with each export shape (``schemas/mapping/1.0.0.json``).

Written beside each synthetic export; it lists the export's direct-identifier columns so the
intake never reads them, translates the agency's labels into schema values and codes, and
says how its dates, places and record ids are read.
"""

from __future__ import annotations

from typing import Any

from nearmiss_lab.synth import agencies as voc
from nearmiss_lab.synth.scene import AgencyProfile


def _inverse(vocab: dict[str, str]) -> dict[str, str]:
    return {label: value for value, label in vocab.items() if label}


def _src(column: str, **extra: Any) -> dict[str, Any]:
    return {"column": column, **extra}


def _path(*keys: str, **extra: Any) -> dict[str, Any]:
    return {"path": list(keys), **extra}


def mapping_document(profile: AgencyProfile) -> dict[str, Any]:
    """The field-mapping document of an agency's export."""
    shape = profile.shape
    base = {
        "$schema": "https://nearmiss-lab.org/schemas/mapping/1.0.0",
        "mapping_version": "1.0.0",
        "agency": profile.id,
        "description": f"Synthetic {shape} export (nearmiss synth).",
    }
    consts = {"agency_type": {"value": profile.agency_type}}
    if shape == "rms_csv":
        return {
            **base,
            "format": {"reader": "csv", "encoding": "utf-8", "delimiter": ","},
            "record_id": {"column": "Report Number", "derive": "keyed_hash", "key": profile.key},
            "direct_identifiers": [
                "Report Number",
                "Reporting Officer",
                "Badge #",
                "Incident Address",
                "City",
                "Entered By",
                "Report Entered",
            ],
            "fields": {
                "occurred_date": _src("Date Occurred", formats=["%m/%d/%Y"]),
                "occurred_time": _src("Time Occurred", formats=["%H%M"]),
                "state": _src("State"),
                **consts,
                "agency_size": {"value": voc.size_band(profile.sworn)},
                "officer.role": _src("Rank", map=_inverse(voc.ROLE)),
                "officer.assignment": _src("Assignment", map=_inverse(voc.ASSIGNMENT)),
                "officer.years_of_service": _src("Years of Service"),
                "officer.age": _src("Officer Age"),
                "activities": _src("Call Type", split="|", map=_inverse(voc.ACT_LABELS)),
                "factors": _src("Contributing Factors", split=";"),
                "conditions.lighting": _src("Lighting", map=_inverse(voc.LIGHTING)),
                "conditions.weather": _src("Weather", map=_inverse(voc.WEATHER)),
                "officers_on_scene": _src("# Officers"),
                "subjects": _src("# Subjects"),
                "injury_outcome": _src("Injuries", map=_inverse(voc.INJURY)),
                "narrative": _src("Narrative"),
                "lessons_learned": _src("Lessons Learned"),
            },
        }
    if shape == "nested_jsonl":
        lower = {k: v.lower() for k, v in voc.ACT_LABELS.items()}
        return {
            **base,
            "format": {"reader": "jsonl", "encoding": "utf-8"},
            "record_id": {"path": ["id"], "derive": "none"},
            "direct_identifiers": [
                ["case", "number"],
                ["case", "cad"],
                ["location", "address"],
                ["location", "city"],
                ["location", "lat"],
                ["location", "lon"],
                ["officer", "name"],
                ["officer", "badge"],
                ["officer", "email"],
            ],
            "fields": {
                "occurred": _path("occurred", formats=["iso"]),
                "state": _path("location", "state"),
                **consts,
                "agency_size": _path("agency", "sworn"),
                "officer.role": _path(
                    "officer", "rank", map=_inverse({k: v.lower() for k, v in voc.ROLE.items()})
                ),
                "officer.assignment": _path(
                    "officer",
                    "assignment",
                    map=_inverse({k: v.lower() for k, v in voc.ASSIGNMENT.items()}),
                ),
                "officer.hire_date": _path("officer", "hire_date", formats=["%Y-%m-%d"]),
                "officer.age": _path("officer", "age"),
                "activities": _path("call", "types", map=_inverse(lower)),
                "factors": _path("factors", map=_inverse(voc.factor_labels("category"))),
                "conditions.lighting": _path(
                    "conditions",
                    "light",
                    map=_inverse({k: v.lower() for k, v in voc.LIGHTING.items()}),
                ),
                "conditions.weather": _path(
                    "conditions",
                    "weather",
                    map=_inverse({k: v.lower() for k, v in voc.WEATHER.items()}),
                ),
                "officers_on_scene": _path("counts", "officers"),
                "subjects": _path("counts", "subjects"),
                "injury_outcome": _path(
                    "injury", map=_inverse({k: v.lower() for k, v in voc.INJURY.items()})
                ),
                "narrative": _path("report", "narrative"),
                "lessons_learned": _path("report", "lessons"),
            },
        }
    if shape == "checkbox_csv":
        boxes = [
            {"column": "CF_" + c.replace(".", "_"), "code": c} for c in voc.factor_labels("upper")
        ]
        return {
            **base,
            "format": {"reader": "csv", "encoding": "cp1252", "delimiter": ";"},
            "record_id": {"column": "INCIDENT_NO", "derive": "keyed_hash", "key": profile.key},
            "direct_identifiers": [
                "INCIDENT_NO",
                "DEPUTY",
                "DEPUTY_ID",
                "STREET_ADDR",
                "SUPERVISOR",
            ],
            "fields": {
                "occurred": _src("DT_OCCURRED", formats=["%Y%m%d %H:%M"]),
                "state": _src("LOCATION", parse="place"),
                **consts,
                "agency_size": {"value": voc.size_band(profile.sworn)},
                "officer.role": _src("RANK", map=_inverse(voc.ROLE_SHORT)),
                "officer.assignment": _src("ASSIGN", map=_inverse(voc.ASSIGNMENT_SHORT)),
                "officer.hire_date": _src("HIRE_DT", formats=["%m-%d-%Y"]),
                "activities": [
                    _src("CALL_TYPE", map=_inverse(voc.ACT_SHORT)),
                    _src("CALL_TYPE2", map=_inverse(voc.ACT_SHORT)),
                ],
                "factors": {"checkboxes": boxes, "true_values": ["X", "Y", "1"]},
                "conditions.lighting": _src("LIGHT", map=_inverse(voc.LIGHTING_SHORT)),
                "conditions.weather": _src("WX", map=_inverse(voc.WEATHER_SHORT)),
                "officers_on_scene": _src("OFCRS"),
                "subjects": _src("SUBJ"),
                "injury_outcome": _src("INJ", map=_inverse(voc.INJURY_SHORT)),
                "narrative": _src("NARRATIVE"),
                "lessons_learned": _src("LESSONS"),
            },
        }
    if shape == "json_array":
        from nearmiss_lab.spec import load_taxonomy

        tax = load_taxonomy()
        acts = {tax.label(c): c for c in voc.ACT_LABELS}
        return {
            **base,
            "format": {"reader": "json", "encoding": "utf-8"},
            "record_id": {"column": "reportId", "derive": "keyed_hash", "key": profile.key},
            "direct_identifiers": ["reportId", "trooperName", "trooperBadge", "troop", "location"],
            "fields": {
                "occurred": _src("occurredAt", formats=["%Y-%m-%d %H:%M", "%Y-%m-%d"]),
                "state": {"value": profile.state},
                **consts,
                "agency_size": {"value": voc.size_band(profile.sworn)},
                "officer.role": _src("rank"),
                "officer.assignment": _src("assignment"),
                "officer.years_of_service": _src("serviceYears"),
                "activities": _src("activities", split=";", map=acts),
                "factors": _src(
                    "factorLabels", split=",", map=_inverse(voc.factor_labels("upper"))
                ),
                "conditions.lighting": _src("lighting"),
                "conditions.weather": _src("weather"),
                "officers_on_scene": _src("officersOnScene"),
                "subjects": _src("subjectCount"),
                "injury_outcome": _src("injuries"),
                "narrative": _src("narrative"),
                "lessons_learned": _src("lessonsLearned"),
            },
        }
    return {
        **base,
        "format": {"reader": "csv", "encoding": "latin-1", "delimiter": "\t"},
        "record_id": {"column": "NM_ID", "derive": "none"},
        "direct_identifiers": [
            "Case_No",
            "Officer_Last",
            "Officer_First",
            "Badge",
            "Address",
            "Phone",
        ],
        "fields": {
            "occurred_date": _src("Occ_Date", formats=["%d-%b-%Y"]),
            "occurred_time": _src("Occ_Time", formats=["%I:%M %p"]),
            "state": _src("State"),
            **consts,
            "agency_size": {"value": voc.size_band(profile.sworn)},
            "officer.role": _src("Rank", map=_inverse(voc.ROLE)),
            "officer.assignment": _src("Assignment", map=_inverse(voc.ASSIGNMENT)),
            "officer.years_of_service": _src("Yrs_Svc"),
            "officer.age": _src("Age"),
            "activities": _src("Primary_Activity"),
            "factors": _src("Codes", split="|"),
            "conditions.lighting": _src("Lighting", map=_inverse(voc.LIGHTING)),
            "conditions.weather": _src("Weather", map=_inverse(voc.WEATHER)),
            "officers_on_scene": _src("Officers"),
            "subjects": _src("Subjects"),
            "injury_outcome": _src("Injury", map=_inverse(voc.INJURY)),
            "narrative": _src("Narrative"),
            "lessons_learned": _src("Lessons"),
        },
    }
