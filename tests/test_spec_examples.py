"""The spec's examples run like a conformance suite: every valid example passes, every invalid
one raises exactly the code its name (``<kind>-<what>--<code>``) or sidecar names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nearmiss_lab.spec import ALL_KINDS, load_issue_codes
from nearmiss_lab.validate import validate_records_file, validate_submission

EXAMPLES = Path(__file__).resolve().parents[1] / "schemas" / "examples"
SIDECAR = ".expect.json"


def _examples(folder: str) -> list[Path]:
    return sorted(p for p in (EXAMPLES / folder).iterdir() if not p.name.endswith(SIDECAR))


def _kind(path: Path) -> str:
    return path.name.split("-", 1)[0]


def _validate(path: Path):
    if path.is_dir():
        assert _kind(path) == "submission", path.name
        return validate_submission(path)
    assert _kind(path) in ALL_KINDS, f"{path.name}: name must start with a document kind"
    return validate_records_file(path, _kind(path))


def _expected(path: Path) -> tuple[str, str | None]:
    sidecar = path.with_name(path.name + SIDECAR)
    if sidecar.exists():
        spec = json.loads(sidecar.read_text())
        return spec["code"], spec.get("pointer")
    stem = path.name.removesuffix(".json")
    assert "--" in stem, f"{path.name}: name the expected code as <kind>-<what>--<code>"
    return stem.rsplit("--", 1)[1], None


@pytest.mark.parametrize("path", _examples("valid"), ids=lambda p: p.name)
def test_valid_example_has_no_issue(path):
    report = _validate(path)
    assert report.issues == [], report.flatten(["code", "pointer", "message"])


@pytest.mark.parametrize("path", _examples("invalid"), ids=lambda p: p.name)
def test_invalid_example_raises_exactly_its_code(path):
    code, pointer = _expected(path)
    published = load_issue_codes()
    assert code in published, f"{code} is not in schemas/issue-codes.json"
    report = _validate(path)
    assert {i.code for i in report.issues} == {code}, report.flatten(["code", "pointer"])
    if pointer is not None:
        assert pointer in {i.pointer for i in report.issues}
    # an example of a blocking code makes its input invalid; a warning example stays valid
    assert report.valid is (published[code]["severity"] == "warning")


def test_examples_cover_every_kind_and_every_record_rule():
    names = [p.name for p in _examples("valid") + _examples("invalid")]
    for kind in ("incident", "manifest", "taxonomy", "submission"):
        assert any(n.startswith(kind + "-") for n in names), kind
    from nearmiss_lab.validate import RULES

    invalid_codes = {_expected(p)[0] for p in _examples("invalid")}
    missing = {r.id for r in RULES if r.scope == "record" and r.code not in invalid_codes}
    assert missing == set()
