"""Hub ingest: verify, validate, re-scan, de-duplicate, quarantine, store, answer.

::

    from nearmiss_lab.ingest import ingest_submission
    receipt = ingest_submission("incoming/AG-NORTH-2024-06", "store")
    receipt["status"], receipt["counts"]

See :mod:`nearmiss_lab.ingest.core` for the stages, :mod:`nearmiss_lab.ingest.commit` for
the commit order, :mod:`nearmiss_lab.ingest.journal` for how an interrupted ingest is
completed exactly once, and :data:`STATUS_TABLE` for the receipt's status codes.
"""

from nearmiss_lab.ingest.checks import ScanUnavailableError, default_scanner
from nearmiss_lab.ingest.codes import INGEST_CODES, STATUS_TABLE
from nearmiss_lab.ingest.commit import CRASH_ENV, CRASH_POINTS
from nearmiss_lab.ingest.core import IngestAborted, ingest_many, ingest_submission
from nearmiss_lab.ingest.files import IngestLimits

__all__ = [
    "CRASH_ENV",
    "CRASH_POINTS",
    "INGEST_CODES",
    "IngestAborted",
    "STATUS_TABLE",
    "IngestLimits",
    "ScanUnavailableError",
    "default_scanner",
    "ingest_many",
    "ingest_submission",
]
