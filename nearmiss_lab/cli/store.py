"""``nearmiss store info`` and ``store recover``: what a store holds, and finishing what a
killed ingest left half-committed."""

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
    lines.append("")
    lines.append(f"published   incidents version {info['published_version']}")
    for pending in info["incomplete_ingests"]:
        lines.append(f"  incomplete ingest of {pending['submission_id']} (incidents version "
                     f"{pending['incidents_version']}): unpublished until its ledger row is "
                     "written (if it was killed: `nearmiss store recover` or the next ingest)")
    periods = info["periods"]
    if periods["first"]:
        zeros = periods["zero_report_months"]
        lines.append(f"periods     {periods['first']} .. {periods['last']} "
                     f"({periods['months']} months with incidents"
                     + (f"; zero reports for {', '.join(zeros)}" if zeros else "") + ")")
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


@store_group.command("recover")
@store_option
@json_option
def recover_command(store: str | None, as_json: bool) -> None:
    """Complete ingests killed between their commits (any ingest also does this first).

    An ingest killed after its incidents commit is completed from its recovery journal
    (quarantine, receipt, ledger row, exactly as it decided); one killed before it is
    discarded, nothing of it having been visible. Exit 0; 2 when the store is missing.
    """
    from nearmiss_lab.ingest.journal import recover_store
    from nearmiss_lab.store.tables import table_exists

    path = settings(store=store).store
    if not table_exists(path, "incidents"):
        raise InputError(f"no store at {path} (pass --store or set NEARMISS_STORE)")
    done = recover_store(path)
    rows = [{"submission_id": r.submission_id, "ingest_id": r.ingest_id, "outcome": r.outcome,
             "status": None if r.receipt is None else r.receipt["status"]} for r in done]
    if as_json:
        emit_json(rows)
        return
    if not rows:
        click.echo("nothing to recover")
    for row in rows:
        click.echo(f"{row['submission_id']}: {row['outcome']}"
                   + (f" ({row['status']})" if row["status"] else ""))


COMMANDS = [store_group]
