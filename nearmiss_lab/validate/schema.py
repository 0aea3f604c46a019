"""JSON Schema validation with compiled jsonschema-rs validators, reported as our issues.

jsonschema-rs finds the errors; this module writes the issues. Its messages are never used:
they quote the instance (``'"Jane Doe" is not of type ...'``). Pointers come from
``instance_path`` but stop at the first key that the schema does not name itself (an extra
property, an entity-type key): such keys are text from the input and may be personal data,
so the pointer then names the object that holds them.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import jsonschema_rs

from nearmiss_lab.issues import Issue, Severity, json_pointer
from nearmiss_lab.spec import load_schema

#: Issue code for each JSON Schema keyword that can fail (``schema-`` + kebab-case keyword).
KEYWORD_CODES: dict[str, str] = {
    "required": "schema-required",
    "additionalProperties": "schema-additional-property",
    "type": "schema-type",
    "enum": "schema-enum",
    "const": "schema-const",
    "pattern": "schema-pattern",
    "minLength": "schema-min-length",
    "maxLength": "schema-max-length",
    "minimum": "schema-minimum",
    "maximum": "schema-maximum",
    "exclusiveMinimum": "schema-minimum",
    "exclusiveMaximum": "schema-maximum",
    "minItems": "schema-min-items",
    "maxItems": "schema-max-items",
    "uniqueItems": "schema-unique-items",
    "minProperties": "schema-min-properties",
    "maxProperties": "schema-max-properties",
    "propertyNames": "schema-property-names",
    "format": "schema-format",
    "multipleOf": "schema-multiple-of",
}
#: Code for any other keyword (anyOf, oneOf, not, ...); none is used by spec 1.0.
SCHEMA_OTHER = "schema-invalid"
SCHEMA_CODES = tuple(sorted({*KEYWORD_CODES.values(), SCHEMA_OTHER}))

# A pattern failure at one of these places is a numbered rule stated through the schema.
_SCHEMA_RULES = {("incident", "activities", "pattern"): "R-003"}
_ENUM_LIST_MAX = 12


@dataclass(frozen=True)
class CompiledSchema:
    """A compiled validator plus what the issue writer needs to know about its schema."""

    kind: str
    version: str
    validator: Any
    safe_keys: frozenset[str]


def _property_names(schema: Any, out: set[str]) -> set[str]:
    """Collect every property name the schema declares (in ``properties`` or ``required``)."""
    if isinstance(schema, dict):
        props = schema.get("properties")
        if isinstance(props, dict):
            out.update(props)
        req = schema.get("required")
        if isinstance(req, list):
            out.update(r for r in req if isinstance(r, str))
        for value in schema.values():
            _property_names(value, out)
    elif isinstance(schema, list):
        for value in schema:
            _property_names(value, out)
    return out


@functools.lru_cache(maxsize=32)
def compiled_schema(kind: str, version: str | None = None) -> CompiledSchema:
    """Return the compiled, cached validator of a document kind (newest version by default)."""
    schema = load_schema(kind, version)
    validator = jsonschema_rs.validator_for(schema)
    found_version = schema["$id"].rsplit("/", 1)[-1]
    return CompiledSchema(kind, found_version, validator,
                          frozenset(_property_names(schema, set())))


def _describe(keyword: str, err: Any) -> str:
    kind = err.kind
    if keyword == "required":
        return "required property is missing"
    if keyword == "type":
        return "wrong type: expected " + " or ".join(kind.types)
    if keyword == "enum":
        options = kind.options
        if len(options) <= _ENUM_LIST_MAX and all(isinstance(o, str) for o in options):
            return "value is not one of the allowed values: " + ", ".join(options)
        return f"value is not one of the {len(options)} allowed values (see the data dictionary)"
    if keyword == "pattern":
        return f"text does not match the required pattern {kind.pattern}"
    if keyword == "minLength":
        return f"text is shorter than {kind.limit} character(s)"
    if keyword == "maxLength":
        return f"text is longer than {kind.limit} characters"
    if keyword in ("minimum", "exclusiveMinimum"):
        return f"number is below the allowed minimum {kind.limit}"
    if keyword in ("maximum", "exclusiveMaximum"):
        return f"number is above the allowed maximum {kind.limit}"
    if keyword == "minItems":
        return f"array has fewer than {kind.limit} item(s)"
    if keyword == "maxItems":
        return f"array has more than {kind.limit} items"
    if keyword == "uniqueItems":
        return "array holds the same item more than once"
    if keyword == "minProperties":
        return f"object has fewer than {kind.limit} properties"
    if keyword == "maxProperties":
        return f"object has more than {kind.limit} properties"
    if keyword == "propertyNames":
        return "a property name in this object is not allowed (names are not shown)"
    if keyword == "const":
        return "value is not the required constant"
    if keyword == "format":
        return f"text is not a valid {kind.format}"
    return f"value fails the schema keyword {keyword}"


def _additional_property_issues(err: Any, pointer: str, prefix: str, code: str,
                                severity: Severity) -> Iterator[Issue]:
    """One issue per unexpected property, located by its position, never by its name."""
    unexpected = set(err.kind.unexpected)
    instance = err.instance if isinstance(err.instance, dict) else {}
    total = len(instance)
    positions = [i + 1 for i, key in enumerate(instance) if key in unexpected]
    for position in positions or [0]:
        where = f" (property {position} of {total} in this object)" if position else ""
        yield Issue(code, severity, pointer,
                    f"{prefix}property not allowed by the schema{where}; its name is not shown",
                    hint="remove the property, or check its spelling against the data dictionary")


def schema_issues(document: Any, kind: str, *, version: str | None = None,
                  severity: Severity = Severity.ERROR) -> list[Issue]:
    """Validate ``document`` against the schema of ``kind`` and return every issue found.

    Parameters
    ----------
    document : Any
        Parsed JSON.
    kind : str
        Document kind (``incident``, ``manifest``, ``receipt``, ``taxonomy``).
    version : str, optional
        Schema version; the newest when omitted.
    severity : Severity
        Severity given to every schema issue (``fatal`` for documents that reject a whole
        submission, such as a manifest).

    Returns
    -------
    list of Issue
        Empty when valid. Codes are :data:`KEYWORD_CODES` values; pointers are RFC 6901.
    """
    compiled = compiled_schema(kind, version)
    validator = compiled.validator
    if validator.is_valid(document):  # fast path: most records are valid
        return []
    issues: list[Issue] = []
    safe_keys = compiled.safe_keys
    for err in validator.iter_errors(document):
        keyword = err.kind.name
        code = KEYWORD_CODES.get(keyword, SCHEMA_OTHER)
        path: list[str | int] = []
        hidden = False
        for token in err.instance_path:
            if isinstance(token, int) or token in safe_keys:
                path.append(token)
            else:
                hidden = True  # a key from the input: do not echo it, point at its object
                break
        prefix = "a value under one of this object's keys: " if hidden else ""
        if keyword == "required" and not hidden:
            path.append(err.kind.property)  # a name from the schema, safe to show
        pointer = json_pointer(path)
        if keyword == "additionalProperties" and not hidden:
            issues.extend(_additional_property_issues(err, pointer, "", code, severity))
            continue
        rule = None
        if path and not hidden:
            rule = _SCHEMA_RULES.get((kind, str(path[0]), keyword))
        issues.append(Issue(code, severity, pointer, prefix + _describe(keyword, err),
                            rule=rule))
    return issues
