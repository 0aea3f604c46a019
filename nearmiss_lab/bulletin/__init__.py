"""Safety bulletins: parameterised notebooks run by papermill into offline HTML.

The notebooks in ``notebooks/`` call these functions, one per cell::

    data = nearmiss_lab.bulletin.load_bulletin_data(store, period, k=k, ...)
    nearmiss_lab.bulletin.headline(data)
    nearmiss_lab.bulletin.top_factors(data)
    ...

:func:`build_bulletin` runs ``01-safety-bulletin`` with papermill (parameters checked against
a whitelist first), keeps the executed notebook and exports HTML without code cells through an
offline template (no script, style, font or image is fetched from any host).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the same names, eagerly, for type checkers
    from nearmiss_lab.bulletin.data import (
        BulletinData,
        bulletin_data,
        data_hash,
        load_bulletin_data,
        shift_month,
    )
    from nearmiss_lab.bulletin.params import (
        NOTEBOOK_PARAMETERS,
        ParameterError,
        check_parameters,
    )
    from nearmiss_lab.bulletin.provenance import (
        bulletin_id,
        methods_and_provenance,
        provenance_record,
    )
    from nearmiss_lab.bulletin.sections import (
        emerging_pairs,
        headline,
        network_figure,
        reports_of_the_week,
        significant_pairs,
        top_factors,
    )
    from nearmiss_lab.bulletin.suppression import (
        complementary_suppression,
        suppress_count,
        suppress_frame,
    )

# Public name -> defining module. Imported on first use (PEP 562), so that `nearmiss
# bulletin`, the benchmark and the runner do not pay for altair and networkx, which only the
# sections (i.e. the notebook's kernel) need.
_EXPORTS = {
    "BulletinData": "data", "bulletin_data": "data", "data_hash": "data",
    "load_bulletin_data": "data", "shift_month": "data",
    "NOTEBOOK_PARAMETERS": "params", "ParameterError": "params", "check_parameters": "params",
    "bulletin_id": "provenance", "methods_and_provenance": "provenance",
    "provenance_record": "provenance",
    "emerging_pairs": "sections", "headline": "sections", "network_figure": "sections",
    "reports_of_the_week": "sections", "significant_pairs": "sections",
    "top_factors": "sections",
    "suppress_count": "suppression", "suppress_frame": "suppression",
    "complementary_suppression": "suppression",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})


__all__ = [
    "NOTEBOOK_PARAMETERS",
    "BulletinData",
    "ParameterError",
    "bulletin_data",
    "bulletin_id",
    "check_parameters",
    "complementary_suppression",
    "data_hash",
    "emerging_pairs",
    "headline",
    "load_bulletin_data",
    "methods_and_provenance",
    "network_figure",
    "provenance_record",
    "reports_of_the_week",
    "shift_month",
    "significant_pairs",
    "suppress_count",
    "suppress_frame",
    "top_factors",
]
