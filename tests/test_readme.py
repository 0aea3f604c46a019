"""Docs drift: the README documents every CLI command and the two set-up-and-run commands."""

from __future__ import annotations

import re

from click.testing import CliRunner

from nearmiss_lab.cli import main


def _readme(repo_dir) -> str:
    return (repo_dir / "README.md").read_text(encoding="utf-8")


def test_every_cli_command_is_in_the_readme(repo_dir):
    readme = _readme(repo_dir)
    missing = [name for name in main.commands if not re.search(rf"nearmiss {re.escape(name)}\b", readme)]
    assert missing == [], f"commands missing from README: {missing}"


def test_every_command_has_help_that_exits_zero():
    runner = CliRunner()
    for name in main.commands:
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Usage:" in result.output


def test_readme_names_the_two_commands_and_ci_runs_the_test_command(repo_dir):
    readme = _readme(repo_dir)
    assert "make demo" in readme and "make test" in readme
    assert "make test" in (repo_dir / ".ci" / "run").read_text()
