"""The data dictionary and schemas/rules.json are generated, complete and not stale."""

from __future__ import annotations

import json

from click.testing import CliRunner

from nearmiss_lab.cli import main
from nearmiss_lab.spec import load_issue_codes, load_taxonomy
from nearmiss_lab.validate import RULES
from nearmiss_lab.validate.dictionary import render_data_dictionary, render_rules_json


def test_committed_data_dictionary_is_not_stale(repo_dir):
    committed = (repo_dir / "docs/data-dictionary.md").read_text(encoding="utf-8")
    assert committed == render_data_dictionary(), "docs/data-dictionary.md is stale: make docs"


def test_committed_rules_json_is_not_stale(repo_dir):
    committed = (repo_dir / "schemas/rules.json").read_text(encoding="utf-8")
    assert committed == render_rules_json(), "schemas/rules.json is stale: make docs"
    assert [r["id"] for r in json.loads(committed)["rules"]] == [r.id for r in RULES]


def test_dictionary_lists_every_field_code_rule_and_issue_code():
    text = render_data_dictionary()
    for field in ("`narrative`", "`officer.service_band`", "`factors[].evidence[].start`",
                  "`deidentification.entities.<key>`", "`records.sha256`", "`period.start`"):
        assert field in text, field
    assert all(f"`{code}`" in text for code in load_taxonomy().codes)
    assert all(f"| {rule.id} |" in text for rule in RULES)
    assert all(f"`{code}`" in text for code in load_issue_codes())
    assert "(19\\|20)" in text  # pipes in patterns are escaped inside tables


def test_docs_check_fails_on_a_stale_file_and_write_fixes_it(tmp_path, monkeypatch):
    out = tmp_path / "dd.md"
    runner = CliRunner()
    # point rules.json at a copy of the spec folder so the test writes nothing in the repo
    import shutil

    from nearmiss_lab.paths import schemas_dir

    spec = tmp_path / "schemas"
    shutil.copytree(schemas_dir(), spec)
    monkeypatch.setenv("NEARMISS_SCHEMAS", str(spec))
    out.write_text("old\n")
    result = runner.invoke(main, ["docs", "--out", str(out), "--check"])
    assert result.exit_code == 1 and f"stale: {out}" in result.stderr
    assert out.read_text() == "old\n"  # --check writes nothing
    result = runner.invoke(main, ["docs", "--out", str(out)])
    assert result.exit_code == 0 and out.read_text() == render_data_dictionary()
    assert runner.invoke(main, ["docs", "--out", str(out), "--check"]).exit_code == 0
