"""The generalisation policy: how structured quasi-identifiers are coarsened at intake.

ASRS practice: an exact date becomes a year-month, an exact time a 6-hour block, a place its
state, ages, years of service and agency sizes become bands. The policy is a data file
(``policy-default.json`` beside this module, schema ``schemas/policy/1.0.0.json``) whose id is
recorded in every incident's ``deidentification.policy``. A missing or broken policy file is an
error, never a silent fallback to defaults.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nearmiss_lab.paths import schemas_dir

DEFAULT_POLICY_PATH = Path(__file__).resolve().parent / "policy-default.json"
POLICY_SCHEMA_VERSION = "1.0.0"


class PolicyError(ValueError):
    """The policy file is missing, unreadable or does not conform to its schema."""


@dataclass(frozen=True)
class Banding:
    """Whole numbers to labelled bands (``min``/``max`` inclusive, no ``max`` = open)."""

    bands: tuple[tuple[str, int, int | None], ...]
    valid_min: int
    valid_max: int

    def band(self, value: float) -> str | None:
        """Return the band of ``value`` (completed units: 2.9 years is 2), None when out of range.

        Parameters
        ----------
        value : float
            A count or a number of completed years; fractions are truncated toward zero.

        Returns
        -------
        str or None
            The band label, or None when the value is outside ``[valid_min, valid_max]`` or
            falls in no band.

        Examples
        --------
        >>> b = Banding(bands=(("0-2", 0, 2), ("3-5", 3, 5), ("6+", 6, None)), valid_min=0,
        ...             valid_max=60)
        >>> b.band(2), b.band(2.99), b.band(3), b.band(40), b.band(-1)
        ('0-2', '0-2', '3-5', '6+', None)
        """
        whole = int(value)
        if whole < self.valid_min or whole > self.valid_max:
            return None
        for label, low, high in self.bands:
            if whole >= low and (high is None or whole <= high):
                return label
        return None


@dataclass(frozen=True)
class Policy:
    """A loaded generalisation policy.

    Attributes
    ----------
    id : str
        The policy id (e.g. ``nm-deid-1``), recorded in ``deidentification.policy``.
    time_blocks : tuple of (label, from_hour, to_hour)
        Blocks of the day, half-open ``[from_hour, to_hour)``.
    service_years, age, agency_size : Banding
        Bandings of completed years of service, officer age and sworn officers.
    free_text : dict
        Settings for the free-text de-identifier (opaque to intake).
    path : Path
        The file the policy was read from.
    """

    id: str
    time_blocks: tuple[tuple[str, int, int], ...]
    service_years: Banding
    age: Banding
    agency_size: Banding
    free_text: dict[str, Any]
    path: Path

    def month(self, when: dt.date) -> str:
        """Return the year-month (``YYYY-MM``) of a date or datetime."""
        return f"{when.year:04d}-{when.month:02d}"

    def time_block(self, when: dt.time | None) -> str:
        """Return the 6-hour block of a time of day; ``unknown`` when the time is not known.

        Examples
        --------
        >>> p = load_policy()
        >>> p.time_block(dt.time(23, 59)), p.time_block(dt.time(0, 0)), p.time_block(None)
        ('18-24', '00-06', 'unknown')
        """
        if when is None:
            return "unknown"
        for label, low, high in self.time_blocks:
            if low <= when.hour < high:
                return label
        return "unknown"


def _banding(doc: dict[str, Any]) -> Banding:
    bands = tuple((b["label"], int(b["min"]), b.get("max")) for b in doc["bands"])
    return Banding(bands=bands, valid_min=int(doc["valid_min"]), valid_max=int(doc["valid_max"]))


def _check_blocks(blocks: list[tuple[str, int, int]], path: Path) -> None:
    hours = [0] * 24
    for _label, low, high in blocks:
        if high <= low:
            raise PolicyError(f"policy {path}: a time block ends before it starts")
        for h in range(low, high):
            hours[h] += 1
    if any(n != 1 for n in hours):
        raise PolicyError(f"policy {path}: time blocks must cover every hour of the day once")


def load_policy(path: Path | str | None = None) -> Policy:
    """Load and validate a generalisation policy file.

    Parameters
    ----------
    path : Path or str, optional
        The policy file; the package's ``policy-default.json`` (id ``nm-deid-1``) when omitted.

    Returns
    -------
    Policy
        The frozen policy.

    Raises
    ------
    PolicyError
        The file is missing, is not JSON, breaks ``schemas/policy/1.0.0.json`` or its time
        blocks do not tile the day.

    Examples
    --------
    >>> load_policy().id
    'nm-deid-1'
    """
    import jsonschema

    file = Path(path) if path is not None else DEFAULT_POLICY_PATH
    try:
        doc = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PolicyError(f"policy file not found: {file}") from None
    except (OSError, ValueError) as exc:
        raise PolicyError(f"policy file {file} is unreadable: {exc}") from None
    schema = json.loads(
        (schemas_dir() / "policy" / f"{POLICY_SCHEMA_VERSION}.json").read_text(encoding="utf-8")
    )
    errors = sorted(
        jsonschema.Draft202012Validator(schema).iter_errors(doc), key=lambda e: list(e.path)
    )
    if errors:
        where = "; ".join(
            f"/{'/'.join(str(p) for p in e.absolute_path)}: {e.message}" for e in errors[:5]
        )
        raise PolicyError(f"policy file {file} does not conform to its schema: {where}")
    blocks = [(b["label"], int(b["from_hour"]), int(b["to_hour"])) for b in doc["time"]["blocks"]]
    _check_blocks(blocks, file)
    return Policy(
        id=doc["policy"],
        time_blocks=tuple(blocks),
        service_years=_banding(doc["service_years"]),
        age=_banding(doc["age"]),
        agency_size=_banding(doc["agency_size"]),
        free_text=dict(doc.get("free_text", {})),
        path=file,
    )
