"""The sample store the notebooks use by default (``store = "sample"``).

Built once, on first use, by the real pipeline (synth -> de-identification -> ingest) on a
small seeded corpus, so a notebook run with no parameters needs nothing else and shows what
a real store looks like. It lives under the repository's ``build/`` (git-ignored), or the
user's cache folder for an installed package; a file lock makes concurrent first uses
(pytest workers, two notebooks) build it once.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from pathlib import Path

from nearmiss_lab import __version__
from nearmiss_lab.paths import REPO_DIR

#: Size and seed of the sample corpus (small: it is built by real Presidio).
SAMPLE_SPEC = {"agencies": 3, "incidents": 360, "months": 12, "seed": 7}
STAMP = "sample.json"


class SampleStoreError(RuntimeError):
    """The sample store cannot be built (a pipeline stage is missing or failed)."""


def sample_root() -> Path:
    """Folder that holds the sample store (``build/sample-store`` in a repository checkout)."""
    override = os.environ.get("NEARMISS_SAMPLE_DIR")
    if override:
        return Path(override)
    if (REPO_DIR / "pyproject.toml").is_file() and os.access(REPO_DIR, os.W_OK):
        return REPO_DIR / "build" / "sample-store"
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return cache / "nearmiss-lab" / "sample-store"


def _expected_stamp() -> dict[str, object]:
    return {"package_version": __version__, **SAMPLE_SPEC}


def _is_complete(root: Path) -> bool:
    stamp = root / STAMP
    try:
        return json.loads(stamp.read_text(encoding="utf-8")) == _expected_stamp()
    except (OSError, ValueError):
        return False


def sample_store() -> Path:
    """Return the sample store's folder, building it first when it is missing or stale.

    Raises
    ------
    SampleStoreError
        When a pipeline stage needed to build it is not available or fails.
    """
    from nearmiss_lab.bulletin.pipeline import run_pipeline

    root = sample_root()
    if _is_complete(root):
        return root / "store"
    root.parent.mkdir(parents=True, exist_ok=True)
    with open(root.parent / f".{root.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, even on a crash
        if _is_complete(root):  # another process built it while we waited
            return root / "store"
        building = root.parent / f".{root.name}.building"
        shutil.rmtree(building, ignore_errors=True)
        lines: list[str] = []
        run = run_pipeline(building, building / "unused", echo=lines.append,
                           stop_after="ingest", **SAMPLE_SPEC)
        if run.store is None:
            raise SampleStoreError("cannot build the sample store: " + "; ".join(lines))
        (building / STAMP).write_text(json.dumps(_expected_stamp()), encoding="utf-8")
        shutil.rmtree(root, ignore_errors=True)
        building.rename(root)  # atomic: readers see no store or a complete one
    return root / "store"
