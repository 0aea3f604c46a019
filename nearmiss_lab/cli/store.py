"""``nearmiss store info``: tables, versions, row counts, agencies and periods of a store."""

from __future__ import annotations

from typing import Any

import click

from nearmiss_lab.cli._common import InputError, emit_json, json_option, settings, store_option


@click.group("store")
def store_group() -> None:
    """Inspect the hub's Delta Lake store."""


def _format_info(info: dict[str, Any]) -> str:
    lines = [f"store {info['store']}", "", f"{'table':<12} {'version':>7} {'rows':>9}"]
    for name, table in info["tables"].items():
        version = "-" if table["version"] is None else str(table["version"])
        lines.append(f"{name:<12} {version:>7} {table['rows']:>9}")
    periods = info["periods"]
    lines.append("")
    if periods["first"]:
        lines.append(f"periods     {periods['first']} .. {periods['last']} "
                     f"({periods['months']} months with incidents)")
    else:
        lines.append("periods     none")
    lines.append(f"agencies    {len(info['agencies'])}")
    for agency in info["agencies"]:
        span = (f"{agency['first_month']} .. {agency['last_month']}"
                if agency["first_month"] else "no incidents")
        lines.append(f"  {agency['agency']:<16} incidents {agency['incidents']:>7}  "
                     f"submissions {agency['submissions']:>4}  {span}")
    if info["statuses"]:
        lines.append("submissions " + ", ".join(f"{k} {v}" for k, v in info["statuses"].items()))
    return "\n".join(lines)


@store_group.command("info")
@store_option
@json_option
def info_command(store: str | None, as_json: bool) -> None:
    """Show the store's tables (version, rows), agencies and periods."""
    from nearmiss_lab.store import StoreNotFoundError, store_info

    path = settings(store=store).store
    try:
        info = store_info(path)
    except StoreNotFoundError as exc:
        raise InputError(str(exc)) from None
    if as_json:
        emit_json(info)
    else:
        click.echo(_format_info(info))


COMMANDS = [store_group]
