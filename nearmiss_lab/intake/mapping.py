"""Field-mapping files: how one agency's export maps onto the incident schema.

A mapping is a JSON document validated against ``schemas/mapping/1.0.0.json`` plus the checks
JSON Schema cannot express (a direct-identifier column must not also feed a field, mapped labels
must land on the incident schema's enums). A broken mapping raises :class:`MappingError`; the
intake never guesses a column.
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nearmiss_lab.paths import schemas_dir

MAPPING_SCHEMA_VERSION = "1.0.0"
CODE_RE = re.compile(r"^(HF|EQ|ENV|PROC|ACT|THREAT|TAC|ROAD)\.[A-Z][A-Z0-9_]*$")

#: A column of a CSV file or a key path into a JSON record, always as a tuple of keys.
ColumnRef = tuple[str, ...]

#: Target fields whose values are enums of the incident schema, with their schema location.
ENUM_FIELDS: dict[str, tuple[str, ...]] = {
    "agency_type": ("agency_type",),
    "agency_size": ("agency_size",),
    "officer.role": ("officer", "role"),
    "officer.assignment": ("officer", "assignment"),
    "conditions.lighting": ("conditions", "lighting"),
    "conditions.weather": ("conditions", "weather"),
    "injury_outcome": ("injury_outcome",),
}
CODE_FIELDS = ("activities", "factors")
INTEGER_FIELDS = ("officers_on_scene", "subjects", "officer.years_of_service", "officer.age")


class MappingError(ValueError):
    """The mapping file is missing, unreadable or inconsistent."""


@dataclass(frozen=True)
class Source:
    """Where one target value comes from (see ``$defs/source`` of the mapping schema)."""

    ref: ColumnRef | None = None
    value: str | int | None = None
    map: dict[str, str | int] | None = None  # keys trimmed and casefolded
    split: str | None = None
    parse: str | None = None
    default: str | int | None = None
    required: bool | None = None
    formats: tuple[str, ...] = ()
    checkboxes: tuple[tuple[ColumnRef, str], ...] = ()
    true_values: frozenset[str] = frozenset()

    def refs(self) -> list[ColumnRef]:
        """Every column this source reads."""
        return ([self.ref] if self.ref else []) + [ref for ref, _ in self.checkboxes]


@dataclass(frozen=True)
class RecordIdSpec:
    """Where the record id comes from and how it is made opaque."""

    ref: ColumnRef
    derive: str  # "keyed_hash" or "none"
    key: str | None = None
    key_env: str | None = None


@dataclass(frozen=True)
class Mapping:
    """A validated field mapping.

    Attributes
    ----------
    agency : str
        The agency pseudonym written to every record.
    reader : str
        Name of the registered export reader (``csv``, ``jsonl``, ``json``).
    encoding, delimiter, quotechar, records_key
        Reader options (see the mapping schema).
    record_id : RecordIdSpec
        The id column and its derivation.
    direct_identifiers : frozenset of ColumnRef
        Columns that are never read.
    fields : dict of str to tuple of Source
        Target field name (dotted, e.g. ``officer.role``) to its sources.
    path : Path or None
        The file it was loaded from.
    """

    agency: str
    reader: str
    encoding: str
    delimiter: str
    quotechar: str
    records_key: str | None
    record_id: RecordIdSpec
    direct_identifiers: frozenset[ColumnRef]
    fields: dict[str, tuple[Source, ...]] = field(default_factory=dict)
    path: Path | None = None

    def columns(self) -> list[ColumnRef]:
        """Every column the intake reads (record id first), never a direct identifier's
        unless it is the record-id column, which is only hashed."""
        seen: dict[ColumnRef, None] = {self.record_id.ref: None}
        for sources in self.fields.values():
            for src in sources:
                for ref in src.refs():
                    seen.setdefault(ref, None)
        return list(seen)


def _ref(spec: dict[str, Any]) -> ColumnRef | None:
    if "column" in spec:
        return (spec["column"],)
    if "path" in spec:
        return tuple(spec["path"])
    return None


def _source(spec: dict[str, Any]) -> Source:
    if "checkboxes" in spec:
        return Source(
            checkboxes=tuple((_ref(box), box["code"]) for box in spec["checkboxes"]),  # type: ignore[misc]
            true_values=frozenset(v.strip().casefold() for v in spec["true_values"]),
        )
    label_map = spec.get("map")
    return Source(
        ref=_ref(spec),
        value=spec.get("value"),
        map={str(k).strip().casefold(): v for k, v in label_map.items()} if label_map else None,
        split=spec.get("split"),
        parse=spec.get("parse"),
        default=spec.get("default"),
        required=spec.get("required"),
        formats=tuple(spec.get("formats", ())),
    )


def _incident_enums() -> dict[str, set[str]]:
    from nearmiss_lab.spec import load_schema

    schema = load_schema("incident", "1.0.0")
    enums: dict[str, set[str]] = {}
    for name, location in ENUM_FIELDS.items():
        node = schema
        for key in location:
            node = node["properties"][key]
        enums[name] = set(node["enum"])
    return enums


def _semantic_problems(mapping: Mapping) -> list[str]:
    """Checks JSON Schema cannot express; each problem names the field, never data."""
    problems: list[str] = []
    enums = _incident_enums()
    for name, sources in mapping.fields.items():
        for src in sources:
            for ref in src.refs():
                if ref in mapping.direct_identifiers:
                    problems.append(f"fields.{name} reads a column listed in direct_identifiers")
            targets: list[Any] = []
            if src.value is not None:
                targets.append(src.value)
            if src.default is not None:
                targets.append(src.default)
            if src.map:
                targets.extend(src.map.values())
            targets.extend(code for _, code in src.checkboxes)
            if name in ENUM_FIELDS:
                allowed = enums[name]
                if name == "agency_size" and src.map is None and src.value is None:
                    continue  # a count of sworn officers, banded by the policy
                bad = [t for t in targets if t not in allowed]
                if bad:
                    problems.append(f"fields.{name} maps to values outside the incident schema")
            elif name in CODE_FIELDS:
                if any(not isinstance(t, str) or not CODE_RE.match(t) for t in targets):
                    problems.append(f"fields.{name} maps to something that is not a taxonomy code")
                elif name == "activities" and any(not t.startswith("ACT.") for t in targets):
                    problems.append("fields.activities maps to a code outside the ACT category")
            elif name in INTEGER_FIELDS:
                if any(not isinstance(t, int) for t in targets):
                    problems.append(f"fields.{name} maps to a value that is not an integer")
            if src.parse == "place" and name != "state":
                problems.append(f"fields.{name}: parse place applies only to state")
    if mapping.record_id.ref in {
        ref for sources in mapping.fields.values() for src in sources for ref in src.refs()
    }:
        problems.append("the record_id column also feeds a field")
    if mapping.record_id.derive == "none" and mapping.record_id.ref in mapping.direct_identifiers:
        # Only keyed_hash may read a direct-identifier column: derive none would copy the
        # case or report number itself into every record.
        problems.append("record_id passes a column listed in direct_identifiers through "
                        "unchanged (derive none); use derive keyed_hash")
    try:
        codecs.lookup(mapping.encoding)
    except LookupError:
        problems.append("format.encoding is not a known text encoding")
    from nearmiss_lab.intake.readers import reader_names

    if mapping.reader not in reader_names():
        problems.append(
            f"format.reader names no registered reader (known: {', '.join(reader_names())})"
        )
    return problems


def mapping_from_dict(doc: Any, path: Path | None = None) -> Mapping:
    """Validate a mapping document already parsed from JSON and return the :class:`Mapping`.

    Raises
    ------
    MappingError
        When the document breaks the mapping schema or a semantic check.
    """
    import jsonschema

    where_from = f"mapping {path}" if path else "mapping"
    schema_file = schemas_dir() / "mapping" / f"{MAPPING_SCHEMA_VERSION}.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    errors = sorted(
        jsonschema.Draft202012Validator(schema).iter_errors(doc), key=lambda e: list(e.path)
    )
    if errors:
        # Mapping files are configuration, not incident data: naming the location is enough.
        where = "; ".join(
            f"/{'/'.join(str(p) for p in e.absolute_path)}: {e.validator} failed"
            for e in errors[:8]
        )
        raise MappingError(f"{where_from} does not conform to schemas/mapping: {where}")
    fmt = doc["format"]
    fields: dict[str, tuple[Source, ...]] = {}
    for name, spec in doc["fields"].items():
        specs = spec if isinstance(spec, list) else [spec]
        fields[name] = tuple(_source(s) for s in specs)
    rid = doc["record_id"]
    mapping = Mapping(
        agency=doc["agency"],
        reader=fmt["reader"],
        encoding=fmt.get("encoding", "utf-8"),
        delimiter=fmt.get("delimiter", ","),
        quotechar=fmt.get("quotechar", '"'),
        records_key=fmt.get("records_key"),
        record_id=RecordIdSpec(
            ref=_ref(rid),  # type: ignore[arg-type]
            derive=rid["derive"],
            key=rid.get("key"),
            key_env=rid.get("key_env"),
        ),
        direct_identifiers=frozenset(
            (d,) if isinstance(d, str) else tuple(d) for d in doc["direct_identifiers"]
        ),
        fields=fields,
        path=path,
    )
    problems = _semantic_problems(mapping)
    if problems:
        raise MappingError(f"{where_from} is inconsistent: " + "; ".join(problems))
    return mapping


def load_mapping(path: Path | str) -> Mapping:
    """Load a field-mapping file and validate it.

    Parameters
    ----------
    path : Path or str
        A JSON file conforming to ``schemas/mapping/1.0.0.json``.

    Returns
    -------
    Mapping
        The validated mapping.

    Raises
    ------
    MappingError
        The file is missing, not JSON, breaks the schema, reads a direct-identifier column
        into a field or passes one through as ``record_id`` (``derive: none``), maps labels to
        values the incident schema does not allow, or names an unknown reader or encoding.
        Never a silent fallback.
    """
    file = Path(path)
    try:
        doc = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MappingError(f"mapping file not found: {file}") from None
    except (OSError, ValueError) as exc:
        raise MappingError(f"mapping file {file} is not readable JSON: {exc}") from None
    return mapping_from_dict(doc, file)
