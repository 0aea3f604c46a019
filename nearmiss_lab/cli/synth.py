"""``nearmiss synth``: write a synthetic multi-agency corpus with its gold and truth."""

from __future__ import annotations

import re

import click

from nearmiss_lab.cli._common import InputError, emit_json, json_option


def _end_month(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not re.fullmatch(r"(19|20)\d\d-(0[1-9]|1[0-2])", value):
        raise click.BadParameter("expected YYYY-MM")
    return value


@click.command("synth")
@click.option(
    "--agencies",
    type=click.IntRange(min=1),
    required=True,
    help="Number of agencies (export shapes cycle through five kinds).",
)
@click.option(
    "--incidents",
    type=click.IntRange(min=1),
    required=True,
    help="Total incidents across all agencies.",
)
@click.option(
    "--months",
    type=click.IntRange(min=1, max=600),
    required=True,
    help="Months covered, ending with --end-month.",
)
@click.option("--seed", type=int, required=True, help="Seed: same arguments, identical files.")
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False),
    required=True,
    help="Output folder (created; earlier files are overwritten).",
)
@click.option(
    "--end-month",
    callback=_end_month,
    default=None,
    help="Last month YYYY-MM (default 2026-06, fixed so a seed fixes every byte).",
)
@click.option(
    "--independent",
    is_flag=True,
    help="Draw every factor independently: no planted or emerging pairs.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Processes building agencies in parallel (default 1). The files do not depend on it.",
)
@json_option
def synth_command(
    agencies: int,
    incidents: int,
    months: int,
    seed: int,
    out: str,
    end_month: str | None,
    independent: bool,
    workers: int | None,
    as_json: bool,
) -> None:
    """Write synthetic agency exports with field mappings, de-identification and factor gold,
    and the planted factor structure (truth.json)."""
    from tqdm import tqdm

    from nearmiss_lab.synth import SynthError, generate_corpus

    bar = tqdm(total=incidents, unit="incident", disable=as_json, leave=False)
    try:
        info = generate_corpus(
            out,
            agencies=agencies,
            incidents=incidents,
            months=months,
            seed=seed,
            end_month=end_month,
            independent=independent,
            progress=bar.update,
            workers=workers,
        )
    except SynthError as exc:
        raise InputError(str(exc)) from None
    except OSError as exc:
        raise InputError(f"cannot write to {out}: {exc.strerror}") from None
    finally:
        bar.close()
    if as_json:
        emit_json(info.to_dict())
        return
    click.echo(
        f"wrote {info.incidents} incidents from {len(info.agencies)} agencies "
        f"({info.start_month} to {info.end_month}) to {out}"
    )
    for agency in info.agencies:
        click.echo(
            f"  {agency.agency}: {agency.incidents} incidents, {agency.shape} "
            f"({agency.encoding}) -> {agency.export}"
        )
    click.echo(
        "  gold: gold/deid.jsonl, gold/factors.jsonl; truth: truth.json; index: agencies.json"
    )
    if info.planted_pairs:
        click.echo(
            f"  planted pairs: {len(info.planted_pairs)}; emerging pair rises in "
            f"{info.emerging_month}"
        )
    else:
        click.echo("  independent factors: no planted pairs")


COMMANDS = [synth_command]
