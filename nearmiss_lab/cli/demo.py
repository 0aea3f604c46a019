"""``nearmiss demo``: the whole pipeline on a synthetic corpus (what ``make demo`` runs)."""

from __future__ import annotations

import click

from nearmiss_lab.cli._common import emit_json, json_option


@click.command("demo")
@click.option("--work", type=click.Path(file_okay=False), default="build/demo", show_default=True,
              help="Working folder: synthetic exports, submissions, store, network files.")
@click.option("--out", type=click.Path(file_okay=False), default="reports_out",
              show_default=True, help="Bulletin output folder.")
@click.option("--agencies", type=click.IntRange(1, 50), default=4, show_default=True)
@click.option("--incidents", type=click.IntRange(1, 1_000_000), default=1200, show_default=True)
@click.option("--months", type=click.IntRange(1, 120), default=12, show_default=True)
@click.option("--seed", type=int, default=2024, show_default=True)
@json_option
def demo_command(work: str, out: str, agencies: int, incidents: int, months: int, seed: int,
                 as_json: bool) -> None:
    """Synthesise exports, de-identify each agency's, ingest them, build the network and the
    bulletin of the last month; print what each step did and the bulletin's path.

    Stages whose code is not in the package yet are reported as skipped, with the reason.
    """
    import shutil
    from pathlib import Path

    from nearmiss_lab.bulletin.pipeline import run_pipeline

    work_dir = Path(work)
    for stale in ("synth", "submissions", "store", "network"):
        # A demo is a fresh run: an old store would make every submission a duplicate.
        shutil.rmtree(work_dir / stale, ignore_errors=True)
    echo = (lambda _line: None) if as_json else click.echo
    run = run_pipeline(work_dir, Path(out), agencies=agencies, incidents=incidents,
                       months=months, seed=seed, echo=echo)
    html = str(run.bulletin.html) if run.bulletin is not None else None
    if as_json:
        emit_json({
            "steps": [{"name": s.name, "status": s.status, "detail": s.detail,
                       "seconds": round(s.seconds, 2)} for s in run.steps],
            "bulletin": html,
        })
        return
    if html:
        click.echo(f"bulletin: {html}")
    else:
        skipped = [s.name for s in run.steps if s.status == "skipped"]
        click.echo(f"no bulletin yet: skipped {', '.join(skipped)} (see above)")


COMMANDS = [demo_command]
