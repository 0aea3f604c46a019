"""Builders of valid incidents and submission folders for the store and ingest tests.

Kept independent of the synthetic-corpus generator so these tests pin the store and ingest
behaviour on small, hand-written records. Also checks the builders themselves.
"""

from __future__ import annotations

import copy
import gzip
import hashlib
import json
import re
from pathlib import Path
from typing import Any

AGENCY = "AG-NORTH"

BASE_INCIDENT: dict[str, Any] = {
    "schema_version": "1.0.0",
    "record_id": "r-0001",
    "agency": AGENCY,
    "occurred_month": "2024-03",
    "time_block": "18-24",
    "state": "OH",
    "agency_type": "municipal_police",
    "agency_size": "100-499",
    "officer": {
        "role": "patrol_officer",
        "assignment": "one_officer_unit",
        "service_band": "3-5",
        "age_band": "25-34",
    },
    "activities": ["ACT.TRAFFIC_STOP"],
    "factors": [
        {"code": "ENV.DARKNESS", "source": "reported"},
        {
            "code": "THREAT.CONCEALED_WEAPON",
            "source": "extracted",
            "confidence": 0.8,
            "evidence": [{"field": "narrative", "start": 4, "end": 20}],
        },
    ],
    "conditions": {"lighting": "dark_unlit", "weather": "clear"},
    "officers_on_scene": 1,
    "subjects": 1,
    "injury_outcome": "none",
    "narrative": (
        "The driver kept reaching under the seat during a night stop. I asked "
        "[PERSON-1] to show hands and backup arrived; a knife was found there."
    ),
    "lessons_learned": "Wait for backup before approaching a car with tinted windows.",
    "deidentification": {
        "tool": "nearmiss-lab",
        "tool_version": "0.1.0",
        "policy": "default-1",
        "entities": {"PERSON": 1},
    },
}

NARRATIVES = [
    "A pickup swerved toward the cones at the roadside scene and missed me by a foot.",
    "During the foot pursuit the subject turned and reached into a waistband.",
    "My radio failed inside the building search so the team lost contact for a minute.",
    "The handcuffs jammed while the subject resisted, and a second officer helped.",
    "At the domestic call a dog rushed out of the door as we approached.",
    "Fog made the highway dark and a car nearly struck the patrol vehicle at the crash.",
]

# Text the hub's re-scan must catch (a phone number and an e-mail address).
LEAKY_NARRATIVE = (
    "Dispatch said to call the complainant back at 614-555-0199 or write to "
    "jdoe.witness@example.com before we arrived at the house."
)


_PHONE = re.compile(r"\b\d{3}-\d{3}-\d{4}\b")
_EMAIL = re.compile(r"\b[\w.]+@[\w.]+\.[a-z]{2,}\b")


def regex_scanner(record: dict[str, Any]) -> list[dict[str, Any]]:
    """A tiny, deterministic stand-in for the residual scan (phones and e-mail addresses).

    For tests of ingest mechanics (crash points, concurrency) that must not pay for loading
    Presidio in every subprocess; the real engine is exercised in test_ingest_scan.py.
    """
    findings = []
    for field in ("narrative", "lessons_learned"):
        text = record.get(field) or ""
        for kind, pattern in (("PHONE", _PHONE), ("EMAIL", _EMAIL)):
            for m in pattern.finditer(text):
                findings.append({"field": field, "start": m.start(), "end": m.end(),
                                 "entity_type": kind, "score": 0.95})
    return findings


def assert_valid_receipt(receipt: dict[str, Any]) -> None:
    """Assert the receipt conforms to schemas/receipt/1.0.0.json and its counts add up."""
    import jsonschema

    from nearmiss_lab.spec import load_schema

    jsonschema.Draft202012Validator(load_schema("receipt", "1.0.0")).validate(receipt)
    c = receipt["counts"]
    assert c["received"] == c["accepted"] + c["quarantined"] + c["duplicate"] + c["rejected"]


_DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
                "nine")


def make_incident(i: int = 0, **overrides: Any) -> dict[str, Any]:
    """Return a valid incident, varied by ``i``; ``overrides`` replace top-level fields."""
    record = copy.deepcopy(BASE_INCIDENT)
    record["record_id"] = f"r-{i:04d}"
    record["occurred_month"] = f"2024-{(i % 6) + 1:02d}"
    record["narrative"] = NARRATIVES[i % len(NARRATIVES)]
    # Unique content per i without anything that looks like a case or report number.
    digits = " ".join(_DIGIT_WORDS[int(d)] for d in str(i))
    record["lessons_learned"] = f"Shared at roll call as lesson {digits}: slow down and talk."
    record.update(overrides)
    return record


def write_submission(
    folder: Path,
    records: list[dict[str, Any]] | None = None,
    *,
    agency: str = AGENCY,
    lines: list[bytes] | None = None,
    gz: bool = False,
    submission_id: str | None = None,
    period: tuple[str, str] = ("2024-01", "2024-06"),
    manifest_overrides: dict[str, Any] | None = None,
    incident_schema_version: str = "1.0.0",
) -> Path:
    """Write ``records.jsonl`` (or ``.jsonl.gz``) and a matching ``manifest.json``.

    ``lines`` writes raw bytes lines instead of serialising ``records``.
    """
    folder.mkdir(parents=True, exist_ok=True)
    if lines is None:
        lines = [
            json.dumps(r, ensure_ascii=False).encode("utf-8") + b"\n" for r in records or []
        ]
    raw = b"".join(lines)
    name = "records.jsonl.gz" if gz else "records.jsonl"
    data = gzip.compress(raw, mtime=0) if gz else raw
    (folder / name).write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    manifest: dict[str, Any] = {
        "schema_version": "1.0.0",
        "submission_id": submission_id or f"{agency}-{digest[:16]}",
        "agency": agency,
        "period": {"start": period[0], "end": period[1]},
        "record_count": len(lines),
        "records": {"file": name, "sha256": digest, "bytes": len(data)},
        "incident_schema_version": incident_schema_version,
        "tools": {"nearmiss-lab": "0.1.0"},
        "deidentification": {"entities": {"PERSON": len(lines)}},
        "created": "2024-07-01T12:00:00Z",
    }
    manifest.update(manifest_overrides or {})
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return folder


def test_make_incident_is_valid_against_the_incident_schema():
    import jsonschema

    from nearmiss_lab.spec import load_schema

    validator = jsonschema.Draft202012Validator(load_schema("incident", "1.0.0"))
    for i in range(8):
        assert list(validator.iter_errors(make_incident(i))) == []


def test_write_submission_manifest_matches_the_records_file(tmp_path):
    folder = write_submission(tmp_path / "s", [make_incident(i) for i in range(3)])
    manifest = json.loads((folder / "manifest.json").read_text())
    data = (folder / "records.jsonl").read_bytes()
    assert manifest["records"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert manifest["record_count"] == 3 == data.count(b"\n")
