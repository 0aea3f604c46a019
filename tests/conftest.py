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
def engine():
    """The process's de-identification engine (real Presidio, real spaCy model)."""
    from nearmiss_lab.deid import get_engine

    return get_engine()


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


@pytest.fixture(scope="session")
def synth_small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Folder of a small deterministic ``nearmiss synth`` run: 5 agencies (one of each export
    shape), 60 incidents, 12 months ending 2026-06, seed 7."""
    from nearmiss_lab.synth import generate_corpus

    out = tmp_path_factory.mktemp("synth_small")
    generate_corpus(out, agencies=5, incidents=60, months=12, seed=7, end_month="2026-06")
    return out
