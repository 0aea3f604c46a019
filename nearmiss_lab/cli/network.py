"""``nearmiss network``: the co-occurrence network of incident factors for a period."""

from __future__ import annotations

import click

from nearmiss_lab.cli._common import (
    EXIT_OK,
    InputError,
    emit_json,
    json_option,
    month_value,
    settings,
    store_option,
)


@click.command("network")
@store_option
@click.option("--since", callback=month_value, required=True, help="First month, YYYY-MM.")
@click.option("--until", callback=month_value, required=True, help="Last month, YYYY-MM.")
@click.option("--baseline-months", type=click.IntRange(min=0), default=12, show_default=True,
              help="Months before --since compared against for emerging pairs (0: none).")
@click.option("--min-count", type=click.IntRange(min=1), default=5, show_default=True,
              help="Minimum co-occurrences for a pair to be tested.")
@click.option("--fdr", type=click.FloatRange(0, 1, min_open=True), default=0.05,
              show_default=True, help="Benjamini-Hochberg false-discovery level.")
@click.option("--agency", "agencies", multiple=True, help="Only these agency pseudonyms.")
@click.option("--no-activities", is_flag=True, help="Leave ACT activity codes out of the network.")
@click.option("--extract", is_flag=True,
              help="Also count factors the lexicon reads in the narratives (text-derived, "
                   "labelled so). Off by default: significance is tested on what officers "
                   "reported. With it, pairs mean co-mention in narratives and do NOT meet the "
                   "false-discovery checks against officers' coding (synthetic data: most "
                   "significant pairs are activities linked to the words describing them); "
                   "see the README.")
@click.option("--model", "model_path", type=click.Path(dir_okay=False), default=None,
              help="With --extract: a model file from 'nearmiss factors-train' decides the "
                   "codes it was trained on (with evidence); the lexicon the rest. Its codes "
                   "are text-derived too.")
@click.option("--seed", type=int, default=0, show_default=True, help="Louvain seed.")
@click.option("--version", "table_version", type=click.IntRange(min=0), default=None,
              help="Read this version of the incidents table (default: latest).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Write GraphML, node-link JSON, CSV and Parquet here.")
@json_option
def network_command(store, since, until, baseline_months, min_count, fdr, agencies,
                    no_activities, extract, model_path, seed, table_version, out_dir,
                    as_json):
    """Co-occurrence network of factors for --since..--until: every pair's measures with
    Benjamini-Hochberg q-values, communities, backbone and pairs emerging against a baseline."""
    if since > until:
        raise click.UsageError("--since is after --until")
    if model_path and not extract:
        raise click.UsageError("--model needs --extract (the model reads narratives)")
    model = None
    if model_path:
        from nearmiss_lab.factors import ModelFileError, load_model

        try:
            model = load_model(model_path)
        except ModelFileError as exc:
            raise InputError(str(exc)) from None
    from nearmiss_lab.network import analyse, export_network, shift_month
    from nearmiss_lab.store import StoreNotFoundError, load_incidents, store_version

    cfg = settings(store=store)
    first = shift_month(since, -baseline_months) if baseline_months else since
    try:
        version = table_version if table_version is not None else store_version(cfg.store)
        incidents = load_incidents(cfg.store, since=first, until=until,
                                   agencies=list(agencies) or None, version=version)
        result = analyse(
            incidents, period=(since, until), baseline_months=baseline_months,
            min_count=min_count, fdr=fdr, include_activities=not no_activities,
            seed=seed, store_version=version, extract=extract, model=model,
        )
    except (StoreNotFoundError, FileNotFoundError, OSError) as exc:
        raise InputError(f"cannot read the store at {cfg.store}: {type(exc).__name__}") from None
    written = export_network(result, out_dir) if out_dir else {}
    if as_json:
        data = result.to_json()
        if written:
            data["files"] = {k: str(v) for k, v in written.items()}
        emit_json(data)
        raise SystemExit(EXIT_OK)
    edges = result.edges
    significant = edges.filter(edges["significant"])
    click.echo(f"store version {result.store_version}; {result.params['incidents']} incidents "
               f"{since}..{until}; {result.nodes.height} codes")
    params = result.params
    if params["extract"]:
        used = f"lexicon {params['lexicon_version']}"
        if params.get("model"):
            m = params["model"]
            months = m.get("months") or {}
            used += (f", model {m['sha256'][:12]} trained on store version "
                     f"{m['store_version']} {months.get('first')}..{months.get('last')}")
        click.echo(f"factors: reported + TEXT-DERIVED ({used}); "
                   "pairs are co-mentions in narratives, not officers' coding")
    else:
        click.echo("factors: as officers reported them (no text-derived codes)")
    click.echo(f"{edges.height} pairs tested (count >= {min_count}), {significant.height} "
               f"significant at q <= {fdr}")
    for row in significant.head(15).iter_rows(named=True):
        text = f" ({row['text_derived']} from text)" if row["text_derived"] else ""
        click.echo(f"  {row['source']} -- {row['target']}: n={row['count']}{text} "
                   f"lift={row['lift']:.2f} npmi={row['npmi']:.2f} q={row['q_value']:.2g}")
    emerging = result.emerging.filter(result.emerging["emerging"])
    click.echo(f"{emerging.height} emerging pairs against {baseline_months} baseline months")
    for row in emerging.head(10).iter_rows(named=True):
        tag = "new" if row["new"] else f"q={row['q_value']:.2g}"
        click.echo(f"  {row['source']} -- {row['target']}: n={row['count']} "
                   f"(baseline {row['baseline_count']}) {tag}")
    click.echo(f"{len(result.communities)} communities")
    for k, path in written.items():
        click.echo(f"wrote {k}: {path}")


COMMANDS = [network_command]
