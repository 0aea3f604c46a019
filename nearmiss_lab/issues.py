"""Validation issues as data.

Every stage reports problems as :class:`Issue` values with a stable ``code`` (kebab-case,
stage prefix, never renamed), a :class:`Severity`, an RFC 6901 JSON ``pointer`` and a message
that **never echoes the offending value** (it may be the name the de-identifier missed).
Validators yield every issue instead of raising on the first.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any


class Severity(str, enum.Enum):
    """How bad an issue is. ``fatal`` rejects the whole document or submission."""

    FATAL = "fatal"
    ERROR = "error"
    WARNING = "warning"

    @property
    def blocking(self) -> bool:
        """True when the issue makes the input invalid (exit status 1)."""
        return self is not Severity.WARNING


def escape_pointer_token(token: str | int) -> str:
    """Escape one reference token per RFC 6901 (``~`` -> ``~0``, ``/`` -> ``~1``)."""
    return str(token).replace("~", "~0").replace("/", "~1")


def json_pointer(path: Iterable[str | int]) -> str:
    """Build an RFC 6901 pointer from a sequence of keys and indices.

    Examples
    --------
    >>> json_pointer(["factors", 0, "code"])
    '/factors/0/code'
    >>> json_pointer([])
    ''
    >>> json_pointer(["a/b", "m~n"])
    '/a~1b/m~0n'
    """
    return "".join("/" + escape_pointer_token(p) for p in path)


@dataclass(frozen=True)
class Issue:
    """One problem found in the input.

    Parameters
    ----------
    code : str
        Stable kebab-case code with a stage prefix, e.g. ``schema-required``.
    severity : Severity
        fatal, error or warning.
    pointer : str
        RFC 6901 pointer to the offending value inside the record ("" is the whole record).
    message : str
        Human-readable text. Never contains the offending value.
    file : str or None
        File the record came from, when known.
    line : int or None
        1-based line number in a JSONL file (or CSV row number for agency exports).
    record : int or None
        0-based index of the record in its file.
    record_id : str or None
        The record's own ``record_id`` when it could be read.
    rule : str or None
        Business-rule number (e.g. ``R-003``) when a numbered rule raised the issue.
    hint : str or None
        What to do about it.
    """

    code: str
    severity: Severity
    pointer: str = ""
    message: str = ""
    file: str | None = None
    line: int | None = None
    record: int | None = None
    record_id: str | None = None
    rule: str | None = None
    hint: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (severity as its string value)."""
        data = asdict(self)
        data["severity"] = self.severity.value
        return data

    def located(self, **where: Any) -> Issue:
        """Return a copy with location fields (file, line, record, record_id) filled in."""
        values = self.to_dict()
        values["severity"] = self.severity
        values.update({k: v for k, v in where.items() if v is not None})
        return Issue(**values)


@dataclass
class Report:
    """The outcome of validating some input: ``valid`` plus every issue found."""

    issues: list[Issue] = field(default_factory=list)
    records_checked: int = 0

    @property
    def valid(self) -> bool:
        """True when no fatal or error issue was found (warnings allowed)."""
        return not any(i.severity.blocking for i in self.issues)

    def extend(self, issues: Iterable[Issue]) -> None:
        self.issues.extend(issues)

    def flatten(self, keys: Sequence[str] = ("code", "pointer")) -> list[list[Any]]:
        """Return ``[[issue.key for key in keys] for issue]``, what tests assert on."""
        return [[getattr(i, k) if k != "severity" else i.severity.value for k in keys]
                for i in self.issues]

    def codes(self) -> list[str]:
        return [i.code for i in self.issues]

    def to_dict(self) -> dict[str, Any]:
        return {"valid": self.valid, "issues": [i.to_dict() for i in self.issues]}
