"""Options and output helpers shared by every subcommand."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from nearmiss_lab.config import Settings

EXIT_OK = 0
EXIT_INVALID = 1  # data invalid, or a measure below its threshold
EXIT_USAGE = 2  # usage error or unreadable input

F = TypeVar("F", bound=Callable[..., Any])


def json_option(func: F) -> F:
    """``--json``: print machine-readable JSON on stdout instead of text."""
    return click.option(
        "--json", "as_json", is_flag=True, help="Print machine-readable JSON on stdout."
    )(func)


def store_option(func: F) -> F:
    """``--store DIR``: the Delta Lake store folder (default: $NEARMISS_STORE or ./store)."""
    return click.option(
        "--store",
        "store",
        type=click.Path(file_okay=False, path_type=str),
        default=None,
        help="Store folder (default: $NEARMISS_STORE, else ./store).",
    )(func)


_MONTH = re.compile(r"^(19|20)\d\d-(0[1-9]|1[0-2])$")


def month_value(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Click callback for a ``YYYY-MM`` option (``--since``, ``--until``): refuse anything else."""
    if value is not None and not _MONTH.match(value):
        raise click.BadParameter("expected YYYY-MM", ctx=ctx, param=param)
    return value


def settings(**overrides: Any) -> Settings:
    """Settings from the environment with the command line's non-None values on top."""
    from pathlib import Path

    clean: dict[str, Any] = {}
    for key, value in overrides.items():
        if value is None:
            continue
        clean[key] = Path(value) if key in {"store", "reports_out"} else value
    return Settings.from_env(**clean)


def emit_json(data: Any) -> None:
    """Write ``data`` as JSON to stdout (UTF-8, one document, trailing newline)."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


class InputError(click.ClickException):
    """Unreadable input or a usage problem found after parsing: exit status 2."""

    exit_code = EXIT_USAGE
