"""The parameter whitelist: what may reach a notebook through papermill.

papermill writes parameters into the notebook as code (``name = value``). Only names a
notebook declares, with JSON-scalar values of the declared kind, pass; everything else is
refused *before* a kernel starts. Error messages name the parameter, never its value.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

PERIOD_RE = re.compile(r"^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$")
#: Sentinel values the notebooks resolve themselves (see :mod:`nearmiss_lab.bulletin.sample`).
LATEST = "latest"
SAMPLE = "sample"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class ParameterError(ValueError):
    """A parameter is unknown, not a JSON scalar, or out of its range."""


@dataclass(frozen=True)
class Param:
    """One accepted notebook parameter: its JSON kind, a range check and its meaning."""

    kind: type
    help: str
    check: Callable[[Any], bool] = lambda _v: True
    expect: str = ""

    def validate(self, name: str, value: Any) -> Any:
        """Return ``value`` (ints widened to float where a float is declared) or raise."""
        if value is None or isinstance(value, (dict, list, tuple, set)):
            raise ParameterError(f"parameter {name!r} must be a JSON scalar ({self.kind.__name__})")
        if self.kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        # bool is an int subclass; an int parameter given True is a caller's mistake.
        if type(value) is not self.kind:
            raise ParameterError(
                f"parameter {name!r} must be of type {self.kind.__name__}, "
                f"got {type(value).__name__}"
            )
        if isinstance(value, float) and not math.isfinite(value):
            raise ParameterError(f"parameter {name!r} must be a finite number")
        if isinstance(value, str) and (_CONTROL.search(value) or len(value) > 4096):
            raise ParameterError(f"parameter {name!r} holds control characters or is too long")
        if not self.check(value):
            raise ParameterError(f"parameter {name!r} is out of range: expected {self.expect}")
        return value


def _period_or_latest(value: str) -> bool:
    return value == LATEST or bool(PERIOD_RE.match(value))


def _period_or_empty(value: str) -> bool:
    return value == "" or bool(PERIOD_RE.match(value))


def _nonempty(value: str) -> bool:
    return bool(value.strip())


STORE = Param(str, "store folder, or 'sample' for a small synthetic store built on first use",
              _nonempty, "a non-empty path")
PERIOD = Param(str, "bulletin month YYYY-MM, or 'latest' (the store's most recent month)",
               _period_or_latest, "YYYY-MM or 'latest'")
SINCE = Param(str, "first month YYYY-MM ('' = the store's first)", _period_or_empty,
              "YYYY-MM or ''")
UNTIL = Param(str, "last month YYYY-MM ('' = the store's last)", _period_or_empty,
              "YYYY-MM or ''")
BASELINE = Param(int, "months before the period that form the baseline", lambda v: 1 <= v <= 120,
                 "1..120")
MIN_COUNT = Param(int, "minimum co-occurrence count for a pair to be tested",
                  lambda v: 1 <= v <= 1_000_000, "1..1000000")
FDR = Param(float, "false-discovery rate for Benjamini-Hochberg q-values", lambda v: 0 < v < 1,
            "0 < fdr < 1")
K = Param(int, "small-cell threshold: counts below k are shown as '< k'", lambda v: 1 <= v <= 1000,
          "1..1000")
VERSION = Param(int, "incidents table version to read (-1 = the latest); the other tables are "
                "read at the versions that go with it", lambda v: v >= -1, ">= -1")
OUT = Param(str, "folder for files the notebook writes beside its output ('' = none)")

#: Declared parameters per notebook. A test checks every notebook's parameters cell against it.
NOTEBOOK_PARAMETERS: dict[str, dict[str, Param]] = {
    "01-safety-bulletin": {
        "store": STORE, "period": PERIOD, "version": VERSION, "baseline_months": BASELINE,
        "min_count": MIN_COUNT, "fdr": FDR, "k": K, "out": OUT,
    },
    "02-factor-network": {
        "store": STORE, "since": SINCE, "until": UNTIL, "baseline_months": BASELINE,
        "min_count": MIN_COUNT, "fdr": FDR, "k": K, "out": OUT,
    },
    "03-deidentification-review": {
        "export": Param(str, "agency export file, or 'sample' for a small synthetic one",
                        _nonempty, "a non-empty path"),
        "mapping": Param(str, "field-mapping file of the export ('' with export='sample')"),
        "agency": Param(str, "agency pseudonym AG-XXX",
                        lambda v: bool(re.match(r"^AG-[A-Z0-9]{3,12}$", v)), "AG-XXX"),
        "limit": Param(int, "records to show", lambda v: 1 <= v <= 10_000, "1..10000"),
        "low_confidence": Param(float, "detections scoring below this are listed for review",
                                lambda v: 0 < v <= 1, "0 < x <= 1"),
    },
    "04-submission-quality": {
        "store": STORE, "since": SINCE, "until": UNTIL,
    },
}


def check_parameters(notebook: str, parameters: Mapping[str, Any] | None) -> dict[str, Any]:
    """Validate ``parameters`` for ``notebook`` against the whitelist.

    Parameters
    ----------
    notebook : str
        Notebook stem, e.g. ``"01-safety-bulletin"``.
    parameters : mapping
        Name to value. Values must be JSON scalars of the declared kind.

    Returns
    -------
    dict
        The checked parameters (floats widened from ints where declared).

    Raises
    ------
    ParameterError
        On an unknown notebook or name, a non-scalar value, a wrong kind or a value out of
        range. The message names the parameter, never its value.
    """
    try:
        spec = NOTEBOOK_PARAMETERS[notebook]
    except KeyError:
        raise ParameterError(f"unknown notebook {notebook!r}") from None
    checked: dict[str, Any] = {}
    for name, value in (parameters or {}).items():
        if not isinstance(name, str) or name not in spec:
            raise ParameterError(
                f"unknown parameter {repr(name)[:60]} for {notebook}; "
                f"accepted: {', '.join(sorted(spec))}"
            )
        checked[name] = spec[name].validate(name, value)
    return checked
