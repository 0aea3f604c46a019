"""Table schemas of the store and the mapping between an incident record and its row.

The store holds four Delta tables (one folder each under the store folder):

``incidents``
    One row per accepted, de-identified incident; every top-level incident field flattened
    (``officer.role`` -> ``officer_role``, ``conditions.lighting`` -> ``lighting``,
    ``deidentification`` -> ``deid_*``) plus hub columns (``incident_key``,
    ``submission_id``, ``ingested_at``, ``content_hash``).
``submissions``
    The ledger: one row per stored submission, written last by an ingest.
``quarantine``
    Records held back (residual identifiers found by the hub's re-scan); at most one row per
    ``incident_key``; never read by :func:`~nearmiss_lab.store.load_incidents`.
``receipts``
    Every answer the hub gave (accepted, rejected, duplicate ...), as the receipt JSON.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

import polars as pl

TABLES = ("incidents", "submissions", "quarantine", "receipts")

EVIDENCE = pl.Struct({"field": pl.String, "start": pl.Int64, "end": pl.Int64})
FACTOR = pl.Struct(
    {
        "code": pl.String,
        "source": pl.String,
        "confidence": pl.Float64,
        "evidence": pl.List(EVIDENCE),
    }
)
TIMESTAMP = pl.Datetime("us", "UTC")


def _columns(columns: dict[str, Any]) -> dict[str, Any]:
    # Typed as Any: polars' stubs do not accept a dict mixing data type classes and instances.
    return columns


INCIDENTS_SCHEMA = pl.Schema(
    _columns({
        "incident_key": pl.String,
        "record_id": pl.String,
        "agency": pl.String,
        "occurred_month": pl.String,
        "time_block": pl.String,
        "state": pl.String,
        "agency_type": pl.String,
        "agency_size": pl.String,
        "officer_role": pl.String,
        "officer_assignment": pl.String,
        "officer_service_band": pl.String,
        "officer_age_band": pl.String,
        "activities": pl.List(pl.String),
        "factors": pl.List(FACTOR),
        "lighting": pl.String,
        "weather": pl.String,
        "officers_on_scene": pl.Int64,
        "subjects": pl.Int64,
        "injury_outcome": pl.String,
        "narrative": pl.String,
        "lessons_learned": pl.String,
        "deid_tool": pl.String,
        "deid_tool_version": pl.String,
        "deid_policy": pl.String,
        "deid_model": pl.String,
        # JSON object {ENTITY_TYPE: count}; a string because its keys are open-ended.
        "deid_entities": pl.String,
        "schema_version": pl.String,
        "submission_id": pl.String,
        "ingested_at": TIMESTAMP,
        "content_hash": pl.String,
    })
)

SUBMISSIONS_SCHEMA = pl.Schema(
    _columns({
        "submission_id": pl.String,
        "agency": pl.String,
        "period_start": pl.String,
        "period_end": pl.String,
        "schema_version": pl.String,
        "records_file": pl.String,
        "records_sha256": pl.String,
        "ingest_id": pl.String,
        "status": pl.String,
        "status_code": pl.Int64,
        "received": pl.Int64,
        "accepted": pl.Int64,
        "quarantined": pl.Int64,
        "duplicate": pl.Int64,
        "rejected": pl.Int64,
        "incidents_version": pl.Int64,
        "ingested_at": TIMESTAMP,
        "manifest_json": pl.String,
    })
)

FINDING = pl.Struct(
    {
        "field": pl.String,
        "start": pl.Int64,
        "end": pl.Int64,
        "entity_type": pl.String,
        "score": pl.Float64,
    }
)

QUARANTINE_SCHEMA = pl.Schema(
    _columns({
        "incident_key": pl.String,
        "record_id": pl.String,
        "agency": pl.String,
        "submission_id": pl.String,
        "record_index": pl.Int64,
        "content_hash": pl.String,
        "reason_codes": pl.List(pl.String),
        # Where the residual identifiers are (offsets and types, never the text).
        "findings": pl.List(FINDING),
        # The held record itself, for the hub's reviewer; quarantine is never published.
        "record_json": pl.String,
        "schema_version": pl.String,
        "quarantined_at": TIMESTAMP,
    })
)

RECEIPTS_SCHEMA = pl.Schema(
    _columns({
        "receipt_id": pl.String,
        "ingest_id": pl.String,
        "submission_id": pl.String,
        "agency": pl.String,
        "status": pl.String,
        "status_code": pl.Int64,
        "store_version": pl.Int64,
        "received_at": TIMESTAMP,
        "receipt_json": pl.String,
    })
)

TABLE_SCHEMAS: dict[str, pl.Schema] = {
    "incidents": INCIDENTS_SCHEMA,
    "submissions": SUBMISSIONS_SCHEMA,
    "quarantine": QUARANTINE_SCHEMA,
    "receipts": RECEIPTS_SCHEMA,
}

# Fields that say *who sent it how*, not *what happened*: left out of the content hash so that
# the same incident re-exported under a new record id, minor schema version or de-identifier
# release is still recognised as the same content.
CONTENT_HASH_EXCLUDES = frozenset({"record_id", "schema_version", "deidentification"})


def canonical_json(value: Any) -> str:
    """Serialise ``value`` deterministically (sorted keys, no whitespace, UTF-8 kept)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(record: dict[str, Any]) -> str:
    """Return the sha256 (hex) of a record's content, ignoring identity and provenance fields.

    Parameters
    ----------
    record : dict
        An incident record (schema ``incident``).

    Returns
    -------
    str
        64 hex characters; equal for two records that describe the same incident in the same
        words, whatever their ``record_id``, ``schema_version`` or ``deidentification`` block.

    Examples
    --------
    >>> content_hash({"record_id": "a", "narrative": "x"}) == content_hash(
    ...     {"record_id": "b", "narrative": "x"})
    True
    """
    kept = {k: v for k, v in record.items() if k not in CONTENT_HASH_EXCLUDES}
    return hashlib.sha256(canonical_json(kept).encode("utf-8")).hexdigest()


def incident_key(agency: str, record_id: str) -> str:
    """Return the store-wide identity of a record: ``agency + ":" + record_id``."""
    return f"{agency}:{record_id}"


def incident_to_row(
    record: dict[str, Any], *, submission_id: str, ingested_at: datetime
) -> dict[str, Any]:
    """Flatten a valid incident record into one ``incidents`` row.

    Parameters
    ----------
    record : dict
        A record that passed schema validation.
    submission_id : str
        The submission that brought it.
    ingested_at : datetime
        Timezone-aware time of the ingest.

    Returns
    -------
    dict
        Keys exactly the columns of :data:`INCIDENTS_SCHEMA`.
    """
    officer = record.get("officer") or {}
    conditions = record.get("conditions") or {}
    deid = record.get("deidentification") or {}
    factors = [
        {
            "code": f.get("code"),
            "source": f.get("source"),
            "confidence": None if f.get("confidence") is None else float(f["confidence"]),
            "evidence": [
                {"field": e.get("field"), "start": e.get("start"), "end": e.get("end")}
                for e in f.get("evidence") or []
            ],
        }
        for f in record.get("factors") or []
    ]
    return {
        "incident_key": incident_key(record["agency"], record["record_id"]),
        "record_id": record["record_id"],
        "agency": record["agency"],
        "occurred_month": record.get("occurred_month"),
        "time_block": record.get("time_block"),
        "state": record.get("state"),
        "agency_type": record.get("agency_type"),
        "agency_size": record.get("agency_size"),
        "officer_role": officer.get("role"),
        "officer_assignment": officer.get("assignment"),
        "officer_service_band": officer.get("service_band"),
        "officer_age_band": officer.get("age_band"),
        "activities": list(record.get("activities") or []),
        "factors": factors,
        "lighting": conditions.get("lighting"),
        "weather": conditions.get("weather"),
        "officers_on_scene": record.get("officers_on_scene"),
        "subjects": record.get("subjects"),
        "injury_outcome": record.get("injury_outcome"),
        "narrative": record.get("narrative"),
        "lessons_learned": record.get("lessons_learned"),
        "deid_tool": deid.get("tool"),
        "deid_tool_version": deid.get("tool_version"),
        "deid_policy": deid.get("policy"),
        "deid_model": deid.get("model"),
        "deid_entities": canonical_json(deid.get("entities") or {}),
        "schema_version": record.get("schema_version"),
        "submission_id": submission_id,
        "ingested_at": ingested_at,
        "content_hash": content_hash(record),
    }


def row_to_incident(row: dict[str, Any]) -> dict[str, Any]:
    """Rebuild the incident record (schema ``incident``) from one ``incidents`` row.

    The inverse of :func:`incident_to_row`: optional fields that were absent stay absent.
    """
    officer = {
        "role": row["officer_role"],
        "assignment": row["officer_assignment"],
        "service_band": row["officer_service_band"],
    }
    if row.get("officer_age_band") is not None:
        officer["age_band"] = row["officer_age_band"]
    factors = []
    for f in row.get("factors") or []:
        factor: dict[str, Any] = {"code": f["code"], "source": f["source"]}
        if f.get("confidence") is not None:
            factor["confidence"] = f["confidence"]
        if f.get("evidence"):
            factor["evidence"] = [dict(e) for e in f["evidence"]]
        factors.append(factor)
    deid: dict[str, Any] = {
        "tool": row["deid_tool"],
        "tool_version": row["deid_tool_version"],
        "policy": row["deid_policy"],
        "entities": json.loads(row["deid_entities"] or "{}"),
    }
    if row.get("deid_model") is not None:
        deid["model"] = row["deid_model"]
    return {
        "schema_version": row["schema_version"],
        "record_id": row["record_id"],
        "agency": row["agency"],
        "occurred_month": row["occurred_month"],
        "time_block": row["time_block"],
        "state": row["state"],
        "agency_type": row["agency_type"],
        "agency_size": row["agency_size"],
        "officer": officer,
        "activities": list(row["activities"] or []),
        "factors": factors,
        "conditions": {"lighting": row["lighting"], "weather": row["weather"]},
        "officers_on_scene": row["officers_on_scene"],
        "subjects": row["subjects"],
        "injury_outcome": row["injury_outcome"],
        "narrative": row["narrative"],
        "lessons_learned": row["lessons_learned"],
        "deidentification": deid,
    }


def frame(table: str, rows: list[dict[str, Any]]) -> pl.DataFrame:
    """Build a frame with exactly the schema of ``table`` from row dicts (possibly none)."""
    return pl.DataFrame(rows, schema=TABLE_SCHEMAS[table])
