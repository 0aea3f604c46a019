"""Validation against the submission spec: JSON Schema plus numbered business rules.

Every function returns issues (:class:`nearmiss_lab.issues.Issue`) instead of raising; only an
unopenable file raises ``OSError``. Messages never quote the input.
"""

from nearmiss_lab.validate.folder import records_file_issues, validate_submission
from nearmiss_lab.validate.jsonfile import read_json_file
from nearmiss_lab.validate.reader import (
    DEFAULT_MAX_LINE_BYTES,
    READ_CODES,
    ParsedLine,
    read_jsonl,
)
from nearmiss_lab.validate.records import (
    CheckedRecord,
    iter_checked_records,
    safe_record_id,
    validate_document,
    validate_incident,
    validate_records_file,
)
from nearmiss_lab.validate.rules import RULES, RULES_BY_ID, Rule
from nearmiss_lab.validate.schema import KEYWORD_CODES, SCHEMA_CODES, schema_issues

__all__ = [
    "DEFAULT_MAX_LINE_BYTES",
    "KEYWORD_CODES",
    "READ_CODES",
    "RULES",
    "RULES_BY_ID",
    "SCHEMA_CODES",
    "CheckedRecord",
    "ParsedLine",
    "Rule",
    "iter_checked_records",
    "read_json_file",
    "read_jsonl",
    "records_file_issues",
    "safe_record_id",
    "schema_issues",
    "validate_document",
    "validate_incident",
    "validate_records_file",
    "validate_submission",
]
