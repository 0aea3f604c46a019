"""``nearmiss bulletin``: run the safety-bulletin notebook into an offline HTML page."""

from __future__ import annotations

import click

from nearmiss_lab.cli._common import (
    EXIT_INVALID,
    InputError,
    emit_json,
    json_option,
    settings,
    store_option,
)


@click.command("bulletin")
@store_option
@click.option("--period", required=True, metavar="YYYY-MM",
              help="Bulletin month (or 'latest': the store's most recent month).")
@click.option("--out", "out", type=click.Path(file_okay=False), default=None,
              help="Output folder (default: $NEARMISS_REPORTS, else reports_out/).")
@click.option("--baseline-months", type=int, default=6, show_default=True,
              help="Months before the period that form the baseline.")
@click.option("--min-count", type=int, default=5, show_default=True,
              help="Minimum incidents for a factor pair to be tested.")
@click.option("--fdr", type=float, default=0.05, show_default=True,
              help="False-discovery rate (Benjamini-Hochberg).")
@click.option("--k", "k", type=int, default=5, show_default=True,
              help="Small-cell threshold: counts below k are printed as '< k'.")
@click.option("--version", "version", type=int, default=None, metavar="N",
              help="Incidents table version to build from (default: the latest). A "
                   "bulletin's provenance cites it; the same N rebuilds the same bulletin.")
@json_option
def bulletin_command(store: str | None, period: str, out: str | None, baseline_months: int,
                     min_count: int, fdr: float, k: int, version: int | None,
                     as_json: bool) -> None:
    """Build a safety bulletin: <out>/<bulletin-id>/bulletin.html (prints its path).

    Runs notebooks/01-safety-bulletin.ipynb with papermill (only whitelisted parameters reach
    it), keeps the executed notebook beside the page and exports HTML without code cells that
    opens offline. Every table is read as of one incidents table version (--version, default
    the latest), which the bulletin cites. With --json: {"html", "notebook",
    "store_version"}.
    """
    from nearmiss_lab.bulletin import ParameterError
    from nearmiss_lab.bulletin.build import build_bulletin
    from nearmiss_lab.bulletin.checks import BulletinCheckError
    from nearmiss_lab.bulletin.runner import NotebookRunError
    from nearmiss_lab.store import StoreNotFoundError

    cfg = settings(store=store, reports_out=out)
    try:
        result = build_bulletin(cfg.store, period, out=cfg.reports_out,
                                baseline_months=baseline_months, min_count=min_count, fdr=fdr,
                                k=k, version=version)
    except ParameterError as exc:
        raise InputError(str(exc)) from None
    except StoreNotFoundError as exc:
        raise InputError(str(exc)) from None
    except ValueError as exc:  # 'latest' on an empty store, a --version the store never had
        raise InputError(str(exc)) from None
    except (NotebookRunError, BulletinCheckError) as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(EXIT_INVALID) from None
    if as_json:
        emit_json(result.to_json())
    else:
        click.echo(str(result.html))


COMMANDS = [bulletin_command]
