"""Export shapes: how each kind of agency system writes an incident, and its field mapping.

Five shapes, so intake meets different file types, encodings, date formats, column names and
ways of carrying codes: a records-system CSV with a code-list column, nested JSON Lines with
free factor labels, a ``;``-delimited cp1252 CSV with one checkbox column per factor, a JSON
array with upper-case labels and no time on some rows, and a latin-1 tab-separated file with
codes and activities mixed in one column. Each record also carries the direct identifiers an
agency system holds (officer name, badge, exact address, case number ...), which the mapping
lists so the intake never reads them.
"""

from __future__ import annotations

import csv
import io
import json
import random
import uuid
from typing import Any

from nearmiss_lab.intake.convert import derive_record_id
from nearmiss_lab.synth import agencies as voc
from nearmiss_lab.synth.incident import Incident
from nearmiss_lab.synth.scene import AgencyProfile

EXTENSIONS = {
    "rms_csv": "csv",
    "nested_jsonl": "jsonl",
    "checkbox_csv": "csv",
    "json_array": "json",
    "tsv_latin1": "tsv",
}
ENCODINGS = {"checkbox_csv": "cp1252", "tsv_latin1": "latin-1"}
# cp1252 exports come from word processors that turn quotes typographic; one-to-one
# replacements keep every gold offset valid.
_TYPOGRAPHIC = str.maketrans({"'": "\u2019", '"': "\u201d"})


def restyle_text(shape: str, text: str) -> str:
    return text.translate(_TYPOGRAPHIC) if shape == "checkbox_csv" else text


def record_id(profile: AgencyProfile, source_id: str) -> str:
    """The record id the intake will derive from an export's id column."""
    if profile.shape in {"rms_csv", "checkbox_csv", "json_array"}:
        return derive_record_id(profile.key, profile.id, source_id)
    return source_id


def source_id(profile: AgencyProfile, inc: Incident, seq: int, rng: random.Random) -> str:
    """The id column's value: a case number, a UUID or a program-internal serial."""
    if profile.shape == "nested_jsonl":
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))
    if profile.shape == "tsv_latin1":
        return f"NM-{seq:06d}"
    return inc.case_number


def row(profile: AgencyProfile, inc: Incident, sid: str, rng: random.Random) -> Any:
    """The export record of one incident in the agency's shape."""
    w = inc.when
    shape = profile.shape
    narrative, lessons = inc.narrative.text, inc.lessons.text
    if shape == "rms_csv":
        return {
            "Report Number": sid,
            "Date Occurred": w.strftime("%m/%d/%Y"),
            "Time Occurred": w.strftime("%H%M"),
            "Reporting Officer": inc.officer_name,
            "Badge #": inc.badge,
            "Incident Address": inc.street_address,
            "City": inc.town,
            "State": profile.state,
            "Rank": voc.ROLE[inc.role],
            "Assignment": voc.ASSIGNMENT[inc.assignment],
            "Years of Service": str(inc.years_of_service),
            "Officer Age": str(inc.age),
            "Call Type": "|".join(voc.ACT_LABELS[a] for a in inc.activities),
            "Contributing Factors": "; ".join(inc.factors),
            "Lighting": voc.LIGHTING[inc.lighting],
            "Weather": voc.WEATHER[inc.weather],
            "# Officers": str(inc.on_scene),
            "# Subjects": str(inc.subjects),
            "Injuries": voc.INJURY[inc.injury],
            "Narrative": narrative,
            "Lessons Learned": lessons,
            "Entered By": inc.officer_last.upper(),
            "Report Entered": (w.replace(minute=0) if w.hour < 23 else w).strftime(
                "%m/%d/%Y %I:%M %p"
            ),
        }
    if shape == "nested_jsonl":
        labels = voc.factor_labels("category")
        offset = rng.choice(("-05:00", "-06:00"))
        return {
            "id": sid,
            "case": {"number": inc.case_number, "cad": f"{w:%y%m%d}-{rng.randint(1, 9999):04d}"},
            "occurred": w.strftime("%Y-%m-%dT%H:%M:00") + offset,
            "location": {
                "address": inc.street_address,
                "city": inc.town,
                "state": profile.state_name,
                "lat": round(rng.uniform(25, 48), 5),
                "lon": round(rng.uniform(-120, -75), 5),
            },
            "agency": {"sworn": profile.sworn},
            "officer": {
                "name": inc.officer_name,
                "badge": inc.badge,
                "email": f"{inc.officer_first[0]}{inc.officer_last}@{profile.email_domain}".lower(),
                "rank": voc.ROLE[inc.role].lower(),
                "assignment": voc.ASSIGNMENT[inc.assignment].lower(),
                "hire_date": inc.hire_date.isoformat(),
                "age": inc.age,
            },
            "call": {"types": [voc.ACT_LABELS[a].lower() for a in inc.activities]},
            "factors": [labels[f] for f in inc.factors],
            "conditions": {
                "light": voc.LIGHTING[inc.lighting].lower(),
                "weather": voc.WEATHER[inc.weather].lower(),
            },
            "counts": {"officers": inc.on_scene, "subjects": inc.subjects},
            "injury": voc.INJURY[inc.injury].lower(),
            "report": {"narrative": narrative, "lessons": lessons},
        }
    if shape == "checkbox_csv":
        record = {
            "INCIDENT_NO": sid,
            "DEPUTY": f"{inc.officer_last.upper()}, {inc.officer_first.upper()}",
            "DEPUTY_ID": inc.badge,
            "DT_OCCURRED": w.strftime("%Y%m%d %H:%M"),
            "LOCATION": f"{inc.town}, {profile.state} {rng.randint(10000, 99999)}",
            "STREET_ADDR": inc.street_address,
            "HIRE_DT": inc.hire_date.strftime("%m-%d-%Y"),
            "RANK": voc.ROLE_SHORT[inc.role],
            "ASSIGN": voc.ASSIGNMENT_SHORT[inc.assignment],
            "CALL_TYPE": voc.ACT_SHORT[inc.activities[0]],
            "CALL_TYPE2": voc.ACT_SHORT[inc.activities[1]] if len(inc.activities) > 1 else "",
        }
        present = set(inc.factors)
        for code in voc.factor_labels("upper"):
            record["CF_" + code.replace(".", "_")] = "X" if code in present else ""
        record.update(
            {
                "LIGHT": voc.LIGHTING_SHORT[inc.lighting],
                "WX": voc.WEATHER_SHORT[inc.weather],
                "OFCRS": str(inc.on_scene),
                "SUBJ": str(inc.subjects),
                "INJ": voc.INJURY_SHORT[inc.injury],
                "NARRATIVE": narrative,
                "LESSONS": lessons,
                "SUPERVISOR": "SGT " + inc.officer_last.upper()[:3],
            }
        )
        return record
    if shape == "json_array":
        labels = voc.factor_labels("upper")
        from nearmiss_lab.spec import load_taxonomy

        tax = load_taxonomy()
        occurred = w.strftime("%Y-%m-%d") if rng.random() < 0.04 else w.strftime("%Y-%m-%d %H:%M")
        return {
            "reportId": sid,
            "trooperName": inc.officer_name,
            "trooperBadge": inc.badge,
            "troop": f"Troop {rng.choice('ABCDEFGHK')}",
            "occurredAt": occurred,
            "location": f"{inc.street_address}, {profile.county} County",
            "serviceYears": inc.years_of_service,
            "rank": inc.role,
            "assignment": inc.assignment,
            "activities": "; ".join(tax.label(a) for a in inc.activities),
            "factorLabels": ", ".join(labels[f] for f in inc.factors),
            "lighting": inc.lighting,
            "weather": inc.weather,
            "officersOnScene": inc.on_scene,
            "subjectCount": inc.subjects,
            "injuries": inc.injury,
            "narrative": narrative,
            "lessonsLearned": lessons,
        }
    codes = inc.activities[1:] + inc.factors
    return {
        "NM_ID": sid,
        "Case_No": inc.case_number,
        "Officer_Last": inc.officer_last,
        "Officer_First": inc.officer_first,
        "Badge": inc.badge,
        "Address": inc.street_address,
        "Phone": f"({rng.choice(profile.area_codes)}) {rng.randint(2000000, 9999999)}",
        "Occ_Date": w.strftime("%d-%b-%Y"),
        "Occ_Time": w.strftime("%I:%M %p").lstrip("0"),
        "State": profile.state_name,
        "Rank": voc.ROLE[inc.role],
        "Assignment": voc.ASSIGNMENT[inc.assignment],
        "Yrs_Svc": f"{inc.years_of_service + rng.randint(0, 9) / 10:.1f}",
        "Age": str(inc.age),
        "Primary_Activity": inc.activities[0],
        "Codes": "|".join(codes),
        "Lighting": voc.LIGHTING[inc.lighting],
        "Weather": voc.WEATHER[inc.weather],
        "Officers": str(inc.on_scene),
        "Subjects": str(inc.subjects),
        "Injury": voc.INJURY[inc.injury],
        "Narrative": narrative,
        "Lessons": lessons,
    }


def _csv_bytes(rows: list[dict[str, Any]], delimiter: str, encoding: str) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(list(rows[0]) if rows else [])
    for record in rows:
        writer.writerow(list(record.values()))
    return buffer.getvalue().encode(encoding)  # strict: a char the agency can't encode is a bug


def export_bytes(shape: str, rows: list[Any]) -> bytes:
    """Serialise an agency's records in its file format and encoding."""
    if shape in {"rms_csv", "checkbox_csv", "tsv_latin1"}:
        delimiter = {"rms_csv": ",", "checkbox_csv": ";", "tsv_latin1": "\t"}[shape]
        return _csv_bytes(rows, delimiter, ENCODINGS.get(shape, "utf-8"))
    if shape == "nested_jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")
    return (json.dumps(rows, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
