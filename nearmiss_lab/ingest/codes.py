"""Issue codes the ingest emits and the receipt status table.

Codes are part of the spec (listed in ``schemas/issue-codes.json``) and never renamed.
"""

from __future__ import annotations

from dataclasses import dataclass

from nearmiss_lab.issues import Severity

_F, _E, _W = Severity.FATAL, Severity.ERROR, Severity.WARNING


@dataclass(frozen=True)
class IngestCode:
    """One ``ingest-`` issue code with its severity, title and description."""

    code: str
    severity: Severity
    title: str
    description: str


INGEST_CODES: tuple[IngestCode, ...] = (
    IngestCode("ingest-folder-missing", _F, "Submission folder missing",
               "The submission path does not exist or is not a folder."),
    IngestCode("ingest-unsupported-major-version", _F, "Unsupported schema major version",
               "The manifest or its incident_schema_version names a major version this hub "
               "does not know; older minor versions of a known major are accepted."),
    IngestCode("ingest-symlink", _F, "Symbolic link in the submission",
               "manifest.json or the records file is a symbolic link; the hub reads only "
               "regular files inside the submission folder."),
    IngestCode("ingest-records-unreadable", _F, "Records file unreadable",
               "The records file could not be opened or read."),
    IngestCode("ingest-compressed-corrupt", _F, "Compressed records file corrupt",
               "The .jsonl.gz records file is not a complete gzip stream."),
    IngestCode("ingest-expanded-too-large", _F, "Compressed records file expands too far",
               "The .jsonl.gz records file expands past the hub's configured limit "
               "(max_expanded_bytes); it is not read further."),
    IngestCode("ingest-records-truncated", _F, "Records file truncated",
               "The records file ends in the middle of a record (its last line has no newline "
               "and is not complete JSON)."),
    IngestCode("ingest-submission-id-conflict", _F, "Submission id reused",
               "A submission with this id was already stored with a different records file."),
    IngestCode("ingest-no-valid-records", _F, "No valid record",
               "Records were received but none passed validation; nothing is stored."),
    IngestCode("ingest-no-new-records", _F, "Nothing new to store",
               "Every record that passed validation is already in the store (or repeated in "
               "this submission) and the others failed validation: nothing would be stored, so "
               "the submission is rejected and its id may be reused for the corrected records."),
    IngestCode("ingest-duplicate-record", _W, "Duplicate record",
               "The record (same agency and record_id, or identical content) is already in "
               "the store or earlier in this submission; it is kept once."),
    IngestCode("ingest-residual-identifier", _E, "Residual identifier: record quarantined",
               "The hub's re-scan found a high-confidence identifier left in a free-text "
               "field; the record is quarantined, never published. Offsets and entity type "
               "are given, never the text."),
    IngestCode("ingest-newer-minor-version", _W, "Newer minor schema version",
               "The record or manifest names a newer minor version than this hub knows; it "
               "is checked against the newest known version of the same major."),
    IngestCode("ingest-duplicate-submission", _W, "Submission already ingested",
               "This submission id with the same records file was already stored; nothing "
               "changed."),
    # Not about the submission, so never in a receipt: how `nearmiss ingest` names the
    # failure that stopped a run after the folders before it were stored.
    IngestCode("ingest-store-locked", _F, "Store locked",
               "Another writer held the store's lock past the timeout; this folder was not "
               "ingested (nothing of it stored) and later folders were not attempted. The "
               "folders before it were stored and their receipts printed. Run it again."),
    IngestCode("ingest-store-error", _F, "Store or system error",
               "Writing the store failed for a reason outside the submission (a file-system "
               "or Delta Lake error, an ingest left without its recovery journal); this folder "
               "and later ones were not stored, the folders before it were. No receipt is "
               "written; `nearmiss store info` shows the store's state."),
)

CODES: dict[str, IngestCode] = {c.code: c for c in INGEST_CODES}


@dataclass(frozen=True)
class Status:
    """One receipt status with its numeric code (positive: stored; negative: not stored)."""

    code: int
    status: str
    meaning: str


#: The status code table, NEMSIS-style: positive numbers mean the submission was processed and
#: its valid records stored, negative numbers mean nothing was stored, and the number says why.
STATUS_TABLE: tuple[Status, ...] = (
    Status(1, "accepted", "every record accepted"),
    Status(2, "accepted_with_warnings", "records stored; warnings only (e.g. duplicate records)"),
    Status(3, "accepted_with_errors",
           "records stored (accepted, or held in quarantine for a residual identifier); others "
           "rejected (invalid) or quarantined"),
    Status(-10, "rejected", "manifest missing, unreadable or invalid"),
    Status(-11, "rejected",
           "records file missing, unsafe (symbolic link, outside the folder) or unreadable; "
           "manifest.json a symbolic link"),
    Status(-12, "rejected", "records file does not match the manifest (sha256, size, count, "
           "truncated)"),
    Status(-13, "rejected", "unsupported schema major version"),
    Status(-14, "rejected", "records received but none passed validation, or those that "
           "passed were all duplicates (nothing new to store)"),
    Status(-15, "rejected", "submission id already used for different content"),
    Status(-20, "duplicate", "submission already ingested; nothing changed"),
)

STATUS_BY_CODE: dict[int, Status] = {s.code: s for s in STATUS_TABLE}

# Which rejection status code each fatal code maps to (ours and the validator's).
FATAL_STATUS: dict[str, int] = {
    "ingest-folder-missing": -10,
    "manifest-missing": -10,
    "manifest-unreadable": -10,
    "ingest-unsupported-major-version": -13,
    "ingest-symlink": -11,
    "submission-records-missing": -11,
    "submission-records-unsafe": -11,
    "submission-manifest-unsafe": -11,
    "ingest-records-unreadable": -11,
    "ingest-compressed-corrupt": -11,
    "ingest-expanded-too-large": -11,
    "submission-hash-mismatch": -12,
    "submission-size-mismatch": -12,
    "submission-count-mismatch": -12,
    "ingest-records-truncated": -12,
    "ingest-no-valid-records": -14,
    "ingest-no-new-records": -14,
    "ingest-submission-id-conflict": -15,
}
#: Status code of a fatal issue not listed above (e.g. a manifest schema issue).
DEFAULT_FATAL_STATUS = -10
