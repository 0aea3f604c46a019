"""Intake: an agency's raw export, through its field mapping, to draft incidents.

``read_export`` yields one :class:`IntakeRow` per data row: a draft that conforms to the
incident schema in every field except ``narrative`` / ``lessons_learned`` (still raw: the
de-identifier replaces them) and ``deidentification`` (added by the de-identifier); or
``draft=None`` with coded issues (``intake-*``) naming the row and the target field. Direct
identifier columns and unmapped columns are never read into anything returned; structured
quasi-identifiers are generalised by the :class:`Policy`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nearmiss_lab.intake.convert import RowConverter, derive_record_id, pointer_of
from nearmiss_lab.intake.mapping import Mapping, MappingError, load_mapping, mapping_from_dict
from nearmiss_lab.intake.places import state_code
from nearmiss_lab.intake.policy import Banding, Policy, PolicyError, load_policy
from nearmiss_lab.intake.readers import (
    ExportReadError,
    RawRow,
    UnknownReaderError,
    get_reader,
    reader_names,
    register_reader,
)
from nearmiss_lab.issues import Issue, Severity

__all__ = [
    "Banding",
    "ExportReadError",
    "IntakeRow",
    "MESSAGES",
    "Mapping",
    "MappingError",
    "Policy",
    "PolicyError",
    "RawRow",
    "UnknownReaderError",
    "derive_record_id",
    "get_reader",
    "load_mapping",
    "load_policy",
    "mapping_from_dict",
    "pointer_of",
    "read_export",
    "reader_names",
    "register_reader",
    "state_code",
]

#: Every intake issue code with its fixed message (never the offending value) and hint.
MESSAGES: dict[str, tuple[str, str]] = {
    "intake-bad-encoding": ("the row holds bytes that are not valid in the mapping's encoding",
                            "fix format.encoding in the mapping or re-export the file"),
    "intake-bad-character": ("the row holds a JSON escape of half a surrogate pair, which is "
                             "no character and cannot be written as text",
                             "re-export the record; an escape such as \\ud83d needs its pair"),
    "intake-text-too-long": ("the free text is longer than the incident schema allows",
                             "shorten the text in the agency's system"),
    "intake-short-row": ("the row has fewer fields than the header",
                         "check for an unquoted delimiter or a truncated line"),
    "intake-long-row": ("the row has more fields than the header",
                        "check for an unquoted delimiter inside a value"),
    "intake-bad-row": ("the row cannot be parsed as delimited text", "check quoting"),
    "intake-bad-json": ("the line is not valid JSON", "re-export the line"),
    "intake-not-object": ("the record is not a JSON object", "each record must be an object"),
    "intake-duplicate-key": ("the record repeats a key; which value counts is ambiguous, so "
                             "the row is not used", "fix the export so each key appears once"),
    "intake-duplicate-column": ("the header names a column the mapping reads more than once; "
                                "which one counts is ambiguous, so no row is used",
                                "rename or remove the repeated column in the export"),
    "intake-missing-column": ("a column the mapping needs is absent from the record",
                              "add the column to the export or fix the mapping"),
    "intake-missing-value": ("a required value is blank", "fill it in the agency's system"),
    "intake-bad-type": ("the value has the wrong JSON type", "a scalar or text is expected"),
    "intake-bad-date": ("the date or time matches none of the mapping's formats",
                        "add the export's format to the mapping's formats"),
    "intake-unknown-label": ("the label is not in the mapping's map (or not a value the "
                             "incident schema allows)", "add the label to the mapping"),
    "intake-bad-code": ("the value is not a taxonomy code of the expected category",
                        "use CATEGORY.NAME codes or map labels to codes"),
    "intake-unknown-code": ("the code is not in the factor taxonomy", "see schemas/data"),
    "intake-bad-number": ("the value is not a whole number", "use digits only"),
    "intake-out-of-range": ("the number is outside the range the policy or schema allows",
                            "check the value; it was generalised to unknown or rejected"),
    "intake-bad-record-id": ("the record id is not an opaque identifier the schema accepts",
                             "use derive keyed_hash in the mapping"),
    "intake-case-number-id": ("the record id looks like a case or report number, which never "
                              "leaves the agency", "use derive keyed_hash in the mapping"),
}


@dataclass
class IntakeRow:
    """One data row of an export after intake.

    Attributes
    ----------
    row : int
        1-based data row (CSV, header excluded), line (JSONL) or array index + 1 (JSON).
    draft : dict or None
        The draft incident, or None when the row has an error.
    issues : list of Issue
        Every problem of the row (warnings may accompany a draft).
    """

    row: int
    draft: dict[str, Any] | None
    issues: list[Issue] = field(default_factory=list)


def _record_key(mapping: Mapping) -> str | None:
    spec = mapping.record_id
    if spec.derive != "keyed_hash":
        return None
    if spec.key is not None:
        return spec.key
    assert spec.key_env is not None
    key = os.environ.get(spec.key_env)
    if not key or len(key) < 16:
        raise MappingError(
            f"record_id.key_env names {spec.key_env}, which is unset or shorter than 16 "
            "characters; the keyed hash needs the agency's secret key"
        )
    return key


def _issue(code: str, severity: Severity, pointer: str, file: str, row: int,
           record_id: str | None) -> Issue:
    message, hint = MESSAGES[code]
    return Issue(code=code, severity=severity, pointer=pointer, message=message, file=file,
                 line=row, record=row - 1, record_id=record_id, hint=hint)


def read_export(export: Path | str, mapping: Mapping, *,
                policy: Policy | None = None) -> Iterator[IntakeRow]:
    """Read an agency export through its mapping and yield one :class:`IntakeRow` per row.

    Parameters
    ----------
    export : Path or str
        The export file (format, encoding and delimiter from ``mapping``).
    mapping : Mapping
        From :func:`load_mapping`.
    policy : Policy, optional
        Generalisation policy; :func:`load_policy` ``()`` (``nm-deid-1``) when omitted.

    Yields
    ------
    IntakeRow
        In file order. Bad rows carry ``draft=None`` and ``intake-*`` issues; they are never
        skipped silently.

    Raises
    ------
    ExportReadError
        When the file as a whole cannot be read (missing, empty CSV, JSON that is not an array).
    MappingError
        When the mapping's key for ``keyed_hash`` is unavailable.
    """
    from nearmiss_lab.spec import load_taxonomy

    path = Path(export)
    policy = policy or load_policy()
    reader = get_reader(mapping.reader)
    converter = RowConverter(mapping, policy, _record_key(mapping), load_taxonomy().codes)
    pointers = {ref: pointer_of(name) for name, sources in mapping.fields.items()
                for src in sources for ref in src.refs()}
    pointers[mapping.record_id.ref] = "/record_id"
    file = str(path)
    for raw in reader(path, mapping, mapping.columns()):
        if raw.values is None:
            issues = [_issue(code, Severity.ERROR, pointers.get(ref, "") if ref else "", file,
                             raw.row, None) for code, ref in raw.problems]
            yield IntakeRow(raw.row, None, issues)
            continue
        draft, record_id, problems = converter.convert(raw.values)
        issues = [_issue(code, sev, pointer, file, raw.row, record_id)
                  for code, sev, pointer in problems]
        yield IntakeRow(raw.row, draft, issues)
