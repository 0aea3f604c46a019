"""The published issue-code list: well-formed, and every code the code base emits is in it."""

from __future__ import annotations

import json
import re

from nearmiss_lab.spec import load_issue_codes
from nearmiss_lab.submission import SUBMISSION_CODES
from nearmiss_lab.validate import READ_CODES, RULES, SCHEMA_CODES

CODE = re.compile(r"^[a-z]+(-[a-z0-9]+)+$")
# Literal codes in the source: Issue("code", ...), code="...", rule_issue("code", ...) and
# module constants such as READ_BOM = "read-bom".
SOURCE_PATTERNS = [
    re.compile(r"""\bIssue\(\s*["']([a-z]+-[a-z0-9-]+)["']"""),
    re.compile(r"""\bcode\s*=\s*["']([a-z]+-[a-z0-9-]+)["']"""),
    re.compile(r"""\brule_issue\(\s*["']([a-z]+-[a-z0-9-]+)["']"""),
    re.compile(
        r"""^[A-Z][A-Z0-9_]*\s*=\s*["']((?:read|schema|rule|submission|manifest|intake|deid|ingest|store|factors|network|bulletin)-[a-z0-9-]+)["']""",
        re.M,
    ),
]


def test_issue_code_list_is_well_formed(repo_dir):
    doc = json.loads((repo_dir / "schemas/issue-codes.json").read_text(encoding="utf-8"))
    assert set(doc) == {"description", "codes"}
    codes = [entry["code"] for entry in doc["codes"]]
    assert len(codes) == len(set(codes)), "a code is listed twice"
    for entry in doc["codes"]:
        assert set(entry) == {"code", "severity", "title", "description"}, entry["code"]
        assert CODE.match(entry["code"]), entry["code"]
        assert entry["severity"] in {"fatal", "error", "warning"}, entry["code"]
        assert entry["title"].strip() and entry["description"].strip(), entry["code"]


def test_every_code_of_the_validator_is_published_with_its_severity():
    published = load_issue_codes()
    ours = {*READ_CODES, *SCHEMA_CODES, *SUBMISSION_CODES}
    assert ours - set(published) == set()
    for rule in RULES:
        assert rule.code in published, rule.id
        if rule.scope != "schema":
            assert published[rule.code]["severity"] == rule.severity.value, rule.id
            assert published[rule.code]["description"].startswith(rule.id + ":")


def test_every_code_literal_in_the_package_is_published(repo_dir):
    published = set(load_issue_codes())
    found: dict[str, str] = {}
    for path in sorted((repo_dir / "nearmiss_lab").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for pattern in SOURCE_PATTERNS:
            for code in pattern.findall(text):
                found.setdefault(code, str(path.relative_to(repo_dir)))
    missing = {code: where for code, where in found.items() if code not in published}
    assert missing == {}, "codes emitted but not in schemas/issue-codes.json"
