"""``nearmiss factors-eval``, ``factors-split``, ``factors-discover`` and ``factors-train``."""

from __future__ import annotations

import re
from pathlib import Path

import click

from nearmiss_lab.cli._common import (
    EXIT_INVALID,
    EXIT_OK,
    InputError,
    emit_json,
    json_option,
    month_value,
    settings,
    store_option,
)


def _read(path: str):
    from nearmiss_lab.factors.evaluate import GoldFormatError, read_gold

    try:
        return read_gold(path)
    except GoldFormatError as exc:
        raise InputError(str(exc)) from None


@click.command("factors-eval")
@click.argument("gold", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--train", "train", multiple=True, type=click.Path(dir_okay=False),
              help="Reporter-coded JSONL to fit the supervised component on first "
                   "(repeatable). Without it only the shipped lexicon is scored.")
@click.option("--no-baseline", is_flag=True,
              help="Skip the TF-IDF + logistic-regression baselines.")
@click.option("--min-macro-f1", type=float, default=None,
              help="Exit 1 when any file's macro-F1 is below this.")
@click.option("--bootstrap", type=click.IntRange(min=0), default=0, show_default=True,
              help="Rounds of a paired bootstrap over records of our macro-F1 minus the "
                   "balanced baseline's (with --train): is the margin real?")
@json_option
def factors_eval_command(gold, train, no_baseline, min_macro_f1, bootstrap, as_json):
    """Per-label precision, recall, F1 and macro-F1 of factor extraction against GOLD JSONL
    files (a bare category label such as EQ is met by any code of that category)."""
    from nearmiss_lab.factors.evaluate import evaluate
    from nearmiss_lab.factors.extract import LexiconExtractor
    from nearmiss_lab.factors.lexicon import LEXICON_VERSION
    from nearmiss_lab.factors.supervised import SupervisedExtractor

    gold_docs = {path: _read(path) for path in gold}
    train_docs = [d for path in train for d in _read(path)]
    lexicon = LexiconExtractor()
    supervised = None
    if train_docs:
        supervised = SupervisedExtractor(lexicon).fit(
            [{"narrative": d.text} for d in train_docs], [d.labels for d in train_docs]
        )
    files = []
    for path, docs in gold_docs.items():
        result = evaluate(docs, train_docs or None, baseline=not no_baseline, lexicon=lexicon,
                          supervised=supervised, bootstrap=bootstrap)
        files.append({"file": path, **result})
    report = {"lexicon_version": LEXICON_VERSION, "train": list(train),
              "train_records": len(train_docs), "files": files}
    below = min_macro_f1 is not None and any(f["macro_f1"] < min_macro_f1 for f in files)
    if as_json:
        emit_json(report)
    else:
        for f in files:
            line = f"{f['file']}: {f['n']} records, {f['mode']} macro-F1 {f['macro_f1']:.3f}"
            if f["mode"] != "lexicon":
                line += f" (lexicon only {f['lexicon']['macro_f1']:.3f})"
            for key in ("baseline", "baseline_balanced"):
                if key in f:
                    line += f"; {key.replace('_', ' ')} {f[key]['macro_f1']:.3f}"
            click.echo(line)
            if "margin_over_balanced" in f:
                m = f["margin_over_balanced"]
                click.echo(f"  margin over the balanced baseline {m['difference']:+.3f}, 95% CI "
                           f"[{m['ci95'][0]:+.3f}, {m['ci95'][1]:+.3f}] ({m['rounds']} paired "
                           f"bootstrap rounds over records; not better in "
                           f"{m['share_not_better']:.1%})")
            for label, m in f["by_label"].items():
                click.echo(f"  {label:28s} P {m['precision']:.3f} R {m['recall']:.3f} "
                           f"F1 {m['f1']:.3f} (n={m['support']})")
    raise SystemExit(EXIT_INVALID if below else EXIT_OK)


@click.command("factors-split")
@click.argument("source", type=click.Path(dir_okay=False))
@click.option("--by", "rule", required=True,
              help="'year:YYYY' (train on years <= YYYY from the source field) or 'half' "
                   "(first half by SHA-256 of the id).")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Folder for <name>.train.jsonl and <name>.test.jsonl (keep it outside git).")
@json_option
def factors_split_command(source, rule, out_dir, as_json):
    """Deterministic train/test split of a reporter-coded JSONL file."""
    from nearmiss_lab.factors.evaluate import split_by_year, split_half, write_gold

    docs = _read(source)
    if rule == "half":
        train, test = split_half(docs)
    elif re.fullmatch(r"year:\d{4}", rule):
        train, test = split_by_year(docs, int(rule.split(":")[1]))
    else:
        raise click.BadParameter("expected year:YYYY or half", param_hint="--by")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stem = Path(source).name.removesuffix(".jsonl")
    paths = {"train": out / f"{stem}.train.jsonl", "test": out / f"{stem}.test.jsonl"}
    write_gold(train, paths["train"])
    write_gold(test, paths["test"])
    summary = {"train": str(paths["train"]), "test": str(paths["test"]),
               "train_records": len(train), "test_records": len(test), "rule": rule}
    if as_json:
        emit_json(summary)
    else:
        click.echo(f"{len(train)} train -> {paths['train']}\n{len(test)} test -> {paths['test']}")


@click.command("factors-discover")
@store_option
@click.option("--since", default=None, callback=month_value, help="First month, YYYY-MM.")
@click.option("--until", default=None, callback=month_value, help="Last month, YYYY-MM.")
@click.option("--jsonl", "jsonl", multiple=True, type=click.Path(dir_okay=False),
              help="Read narratives from JSONL files ('narrative' or 'text') instead of the store.")
@click.option("--top", type=click.IntRange(min=1), default=25, show_default=True)
@click.option("--min-freq", type=click.IntRange(min=1), default=5, show_default=True,
              help="Frequency floor for both measures.")
@json_option
def factors_discover_command(store, since, until, jsonl, top, min_freq, as_json):
    """Frequent phrases of a period's de-identified narratives that the lexicon does not cover
    (NLTK collocations: likelihood ratio, and PMI with a frequency floor)."""
    import json

    from nearmiss_lab.factors.discover import discover_phrases

    texts: list[str] = []
    if jsonl:
        for path in jsonl:
            try:
                with open(path, encoding="utf-8") as handle:
                    for line in handle:
                        if line.strip():
                            row = json.loads(line)
                            texts.append(row.get("narrative") or row.get("text") or "")
                            texts.append(row.get("lessons_learned") or "")
            except (OSError, json.JSONDecodeError, AttributeError):
                raise InputError(f"cannot read narratives from {path}") from None
    else:
        from nearmiss_lab.store import load_incidents

        cfg = settings(store=store)
        try:
            frame = load_incidents(cfg.store, since=since, until=until).select(
                "narrative", "lessons_learned").collect()
        except (FileNotFoundError, OSError) as exc:
            raise InputError(f"cannot read the store: {type(exc).__name__}") from None
        texts = [t for col in ("narrative", "lessons_learned") for t in frame[col].to_list()]
    found = discover_phrases(texts, top=top, min_freq=min_freq)
    if as_json:
        emit_json({"texts": len([t for t in texts if t]), **found})
        return
    for key, rows in found.items():
        click.echo(f"{key}:")
        for r in rows:
            click.echo(f"  {r['phrase']:40s} n={r['count']:<5d} {r['score']}")


@click.command("factors-train")
@store_option
@click.option("--since", default=None, callback=month_value,
              help="First month trained on, YYYY-MM.")
@click.option("--until", default=None, callback=month_value,
              help="Last month trained on, YYYY-MM.")
@click.option("--agency", "agencies", multiple=True, help="Only these agency pseudonyms.")
@click.option("--version", "table_version", type=click.IntRange(min=0), default=None,
              help="Read this version of the incidents table (default: latest).")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False),
              help="Model file to write (JSON; as sensitive as the narratives it was fitted "
                   "on, since its vocabulary comes from them).")
@click.option("--min-positive", type=click.IntRange(min=2), default=20, show_default=True,
              help="A code needs this many training records with it (and without it); "
                   "rarer codes are refused and left to the lexicon.")
@click.option("--folds", type=click.IntRange(min=2), default=4, show_default=True,
              help="Cross-validation folds choosing each code's C and threshold.")
@click.option("--seed", type=int, default=0, show_default=True, help="Fold seed.")
@click.option("--quick", is_flag=True,
              help="One C and no character n-grams: much faster, a little weaker on real text.")
@json_option
def factors_train_command(store, since, until, agencies, table_version, out_path,
                          min_positive, folds, seed, quick, as_json):
    """Fit the supervised component on the store's reported factor codes (records with a
    narrative and at least one reported factor) and save it for `nearmiss network --extract
    --model`. Prints each code's out-of-fold precision, recall and F1."""
    from nearmiss_lab.factors import TrainingError, save_model, train_from_store, training_report
    from nearmiss_lab.store import StoreNotFoundError

    if since and until and since > until:
        raise click.UsageError("--since is after --until")
    cfg = settings(store=store)
    try:
        model = train_from_store(cfg.store, since=since, until=until,
                                 agencies=list(agencies) or None, version=table_version,
                                 min_positive=min_positive, folds=folds, seed=seed, quick=quick)
    except TrainingError as exc:
        click.echo(f"nothing trained: {exc}", err=True)
        raise SystemExit(EXIT_INVALID) from None
    except (StoreNotFoundError, FileNotFoundError, OSError) as exc:
        raise InputError(f"cannot read the store at {cfg.store}: {type(exc).__name__}") from None
    try:
        path = save_model(model, out_path)
    except OSError as exc:
        raise InputError(f"cannot write {out_path}: {type(exc).__name__}") from None
    report = training_report(model)
    prov = model.provenance
    if as_json:
        emit_json({"model": str(path), "sha256": model.fingerprint, "provenance": prov,
                   **report})
        return
    rec, months = prov["records"], prov["months"]
    click.echo(f"trained on {rec['used']} records (store version {prov['store']['version']}, "
               f"{months['first']}..{months['last']}; {rec['read']} read, "
               f"{rec['without_reported_factors']} without a reported factor, "
               f"{rec['without_narrative']} without a narrative)")
    click.echo(f"{len(report['labels'])} codes learned; out-of-fold macro-F1 "
               f"{report['macro_f1']:.3f} (each code at its threshold, on the folds that chose "
               "it)")
    for label, m in report["labels"].items():
        click.echo(f"  {label:28s} P {m['precision']:.3f} R {m['recall']:.3f} "
                   f"F1 {m['f1']:.3f} (n={m['positives']})")
    if report["refused"]:
        click.echo(f"{len(report['refused'])} codes refused (fewer than {min_positive} training "
                   "records with or without them; left to the lexicon):")
        for label, k in report["refused"].items():
            click.echo(f"  {label:28s} n={k}")
    click.echo(f"wrote {path} (sha256 {model.fingerprint[:12]})")


COMMANDS = [factors_eval_command, factors_split_command, factors_discover_command,
            factors_train_command]
