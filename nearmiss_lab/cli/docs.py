"""``nearmiss docs``: regenerate (or check) the data dictionary and the rule list."""

from __future__ import annotations

from pathlib import Path

import click

from nearmiss_lab.cli._common import EXIT_INVALID, EXIT_OK


@click.command("docs")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the data dictionary (default: docs/data-dictionary.md in "
                   "the repository).")
@click.option("--check", is_flag=True,
              help="Write nothing; exit 1 when a generated file is missing or stale.")
def docs_command(out: Path | None, check: bool) -> None:
    """Generate the data dictionary (and schemas/rules.json) from the spec in schemas/.

    The dictionary is built from the JSON Schemas, the factor taxonomy, the numbered business
    rules and the published issue codes; it is never edited by hand.
    """
    from nearmiss_lab.paths import REPO_DIR, schemas_dir
    from nearmiss_lab.validate.dictionary import generated_files

    target = out or REPO_DIR / "docs" / "data-dictionary.md"
    files = generated_files(target, schemas_dir() / "rules.json")
    if check:
        stale = [path for path, text in files.items()
                 if not path.is_file() or path.read_text(encoding="utf-8") != text]
        for path in stale:
            click.echo(f"stale: {path} (run `make docs`)", err=True)
        raise SystemExit(EXIT_INVALID if stale else EXIT_OK)
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        click.echo(f"wrote {path}")


COMMANDS = [docs_command]
