"""The receipt: the hub's answer to one submission (schema ``receipt``)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from nearmiss_lab import __version__
from nearmiss_lab.ingest.codes import DEFAULT_FATAL_STATUS, FATAL_STATUS, STATUS_BY_CODE
from nearmiss_lab.issues import Issue, Severity

RECEIPT_SCHEMA_VERSION = "1.0.0"
_MAX_MESSAGE = 500


@dataclass
class Counts:
    """Records received and what became of each (received = the other four summed)."""

    received: int = 0
    accepted: int = 0
    quarantined: int = 0
    duplicate: int = 0
    rejected: int = 0
    released: int = 0

    def to_dict(self) -> dict[str, int]:
        return {
            "received": self.received,
            "accepted": self.accepted,
            "quarantined": self.quarantined,
            "duplicate": self.duplicate,
            "rejected": self.rejected,
            "released": self.released,
        }


@dataclass
class Outcome:
    """Everything a receipt says, gathered while ingesting."""

    submission_id: str | None = None
    agency: str | None = None
    period: dict[str, str] | None = None
    records_sha256: str | None = None
    counts: Counts = field(default_factory=Counts)
    issues: list[Issue] = field(default_factory=list)
    residual_scan: bool = True


def decide_status(counts: Counts, issues: Iterable[Issue], *, duplicate: bool = False
                  ) -> tuple[str, int]:
    """Return ``(status, status_code)`` for a processed submission.

    Rules: a fatal issue rejects (its code picks the negative status code); a submission
    already ingested is ``duplicate``; a record that was rejected or quarantined makes it
    ``accepted_with_errors``; warnings only make it ``accepted_with_warnings``. A submission
    that would store nothing while records were rejected never gets here: the ingest rejects
    it (``ingest-no-valid-records`` / ``ingest-no-new-records``, -14).
    """
    issues = list(issues)
    if duplicate:
        return "duplicate", -20
    fatal = [i for i in issues if i.severity is Severity.FATAL]
    if fatal:
        code = FATAL_STATUS.get(fatal[0].code, DEFAULT_FATAL_STATUS)
        return STATUS_BY_CODE[code].status, code
    if counts.rejected or counts.quarantined:
        return "accepted_with_errors", 3
    if any(i.severity is Severity.WARNING for i in issues):
        return "accepted_with_warnings", 2
    return "accepted", 1


def issue_for_receipt(issue: Issue, file_name: str | None) -> dict[str, Any]:
    """Return the receipt form of an issue: the file as a name inside the submission."""
    data = issue.to_dict()
    if data.get("file"):
        data["file"] = file_name or data["file"].rsplit("/", 1)[-1]
    if len(data["message"]) > _MAX_MESSAGE:
        data["message"] = data["message"][: _MAX_MESSAGE - 1] + "…"
    return data


def build_receipt(outcome: Outcome, *, status: str, status_code: int, received_at: datetime,
                  store_version: int | None, quarantine_version: int | None = None,
                  file_names: dict[str, str] | None = None,
                  receipt_id: str | None = None) -> dict[str, Any]:
    """Assemble the receipt document (valid against ``schemas/receipt/1.0.0.json``).

    Parameters
    ----------
    outcome : Outcome
        Counts and issues.
    status, status_code : str, int
        From :func:`decide_status`.
    received_at : datetime
        Timezone-aware time of the ingest.
    store_version : int or None
        Version of the incidents table holding the accepted records (or seen).
    quarantine_version : int, optional
        Version of the quarantine table after this submission.
    file_names : dict, optional
        Map of file paths (as the readers report them) to names inside the submission.
    receipt_id : str, optional
        Fixed id (default: a new UUID4).
    """
    names = file_names or {}
    return {
        "schema_version": RECEIPT_SCHEMA_VERSION,
        "receipt_id": receipt_id or str(uuid.uuid4()),
        "submission_id": outcome.submission_id,
        "agency": outcome.agency,
        "period": outcome.period,
        "status": status,
        "status_code": status_code,
        "received_at": received_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "records_sha256": outcome.records_sha256,
        "counts": outcome.counts.to_dict(),
        "issues": [issue_for_receipt(i, names.get(i.file or "")) for i in outcome.issues],
        "store_version": store_version,
        "quarantine_version": quarantine_version,
        "residual_scan": outcome.residual_scan,
        "hub": {"tool": "nearmiss-lab", "version": __version__},
    }
