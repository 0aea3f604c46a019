"""Where the project's own files live (schemas, taxonomy, notebooks).

The package is installed editable from the repository (``make setup``), so the spec folder
``schemas/`` at the repository root is the single source of truth; ``NEARMISS_SCHEMAS``
points elsewhere for installs that ship the spec separately.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent


def schemas_dir() -> Path:
    """Return the folder holding the submission spec (``schemas/``)."""
    override = os.environ.get("NEARMISS_SCHEMAS")
    path = Path(override) if override else REPO_DIR / "schemas"
    if not path.is_dir():
        raise FileNotFoundError(
            f"submission spec folder not found at {path}; install the package editable from "
            "the repository (make setup) or set NEARMISS_SCHEMAS"
        )
    return path


def notebooks_dir() -> Path:
    """Return the folder holding the parameterised notebooks."""
    return REPO_DIR / "notebooks"
