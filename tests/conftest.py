"""Shared fixtures. Fixtures are synthetic; real text is only read from ../shared/data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# The evaluation data lives beside the repository, never inside it (see ../shared/data/README.md).
SHARED_DATA = Path(os.environ.get("NEARMISS_SHARED_DATA", REPO.parent / "shared" / "data"))

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")


@pytest.fixture(scope="session")
def repo_dir() -> Path:
    return REPO


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The shared evaluation data folder; the test skips, saying why, when it is absent."""
    if not (SHARED_DATA / "README.md").is_file():
        pytest.skip(
            f"shared evaluation data not found at {SHARED_DATA} "
            "(set NEARMISS_SHARED_DATA to the folder holding deid/ and factors/)"
        )
    return SHARED_DATA
