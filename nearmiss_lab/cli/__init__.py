"""The ``nearmiss`` command: one subcommand per pipeline stage.

Each ``nearmiss_lab/cli/<stage>.py`` parses its arguments, calls the library and maps
exceptions to exit codes (0 ok, 1 data invalid or below a threshold, 2 usage error or
unreadable input); it exposes its click commands in ``COMMANDS``. Heavy libraries (Presidio,
spaCy, polars) are imported inside the command functions so ``nearmiss --help`` stays fast.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import click

from nearmiss_lab import __version__

# Order is the order of the pipeline; it is also the order of `nearmiss --help`.
COMMAND_MODULES = (
    "synth",
    "deid",
    "validate",
    "ingest",
    "store",
    "factors",
    "network",
    "bulletin",
    "demo",
    "docs",
)


class PipelineGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)  # keep pipeline order, not alphabetical


@click.group(cls=PipelineGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="nearmiss")
def main() -> None:
    """nearmiss-lab: de-identify, validate, ingest and analyse near-miss reports."""


def _register_commands() -> None:
    here = Path(__file__).resolve().parent
    for name in COMMAND_MODULES:
        if not (here / f"{name}.py").exists():
            continue  # stage not built yet; an import error inside a real module still raises
        module = importlib.import_module(f"nearmiss_lab.cli.{name}")
        for command in module.COMMANDS:
            main.add_command(command)


_register_commands()
