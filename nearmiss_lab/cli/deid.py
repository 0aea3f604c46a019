"""``nearmiss deidentify`` (agency side) and ``nearmiss deid-eval`` (measure the detector).

Both run the same detection (:func:`nearmiss_lab.deid.detect_records`). Neither ever prints
what was removed or missed: only counts by type.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from nearmiss_lab.cli._common import EXIT_INVALID, InputError, emit_json, json_option, settings


def _format_eval(report: dict) -> str:
    lines = [f"model {report['model']}"]
    header = (
        f"{'file':<28} {'docs':>5} {'recall':>7} {'prec':>7} {'F2':>7} "
        f"{'leaked':>7} {'chars/s':>9}"
    )
    lines.append(header)
    for f in report["files"]:
        for label, row in (("", f), (" (plain Presidio)", f.get("plain"))):
            if not row:
                continue
            lines.append(
                f"{(Path(f['file']).name + label)[:28]:<28} {f['documents']:>5} "
                f"{row['token_recall']:>7.3f} {row['token_precision']:>7.3f} {row['f2']:>7.3f} "
                f"{row['leaked_tokens']:>7} {row['chars_per_second'] or 0:>9.0f}"
            )
        for kind, t in f["by_type"].items():
            lines.append(
                f"    {kind:<22} gold {t['gold_tokens']:>6}  leaked {t['leaked_tokens']:>5}  "
                f"recall {t['token_recall']:.3f}"
            )
    return "\n".join(lines)


@click.command("deid-eval")
@click.argument("gold", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--min-recall", type=click.FloatRange(0, 1), default=None,
              help="Exit 1 when any file's token recall is below this.")
@click.option("--plain", is_flag=True,
              help="Also measure plain Presidio (default recognizers, same model) in the same run.")
@click.option("--sample", type=click.IntRange(min=1), default=None,
              help="Evaluate a seeded random sample of N documents per file.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for --sample.")
@json_option
def deid_eval(gold: tuple[Path, ...], min_recall: float | None, plain: bool,
              sample: int | None, seed: int, as_json: bool) -> None:
    """Measure detection on gold JSONL files (token recall, precision, F2, speed).

    Runs exactly the detection `deidentify` runs. Prints counts only, never token text.
    """
    import random

    from nearmiss_lab.config import ModelNotInstalledError
    from nearmiss_lab.deid.engine import get_engine
    from nearmiss_lab.deid.evaluate import (
        engine_detector,
        evaluate_documents,
        plain_presidio_detector,
        read_gold,
    )

    model = settings().spacy_model
    corpora = []
    for path in gold:
        try:
            docs = read_gold(path)
        except (OSError, ValueError) as exc:
            raise InputError(f"cannot read gold file {path}: {type(exc).__name__}") from exc
        if sample is not None and sample < len(docs):
            docs = random.Random(seed).sample(docs, sample)
        corpora.append((path, docs))
    try:
        engine = get_engine(model)
    except ModelNotInstalledError as exc:
        raise InputError(str(exc)) from exc
    detect = engine_detector(engine)
    plain_detect = plain_presidio_detector(model) if plain else None
    files = []
    for path, docs in corpora:
        row = evaluate_documents(str(path), docs, detect).to_dict()
        if plain_detect is not None:
            base = evaluate_documents(str(path), docs, plain_detect).to_dict()
            row["plain"] = {k: base[k] for k in (
                "token_recall", "token_precision", "f2", "leaked_tokens", "chars_per_second")}
        files.append(row)
    report = {"model": model, "files": files}
    if as_json:
        emit_json(report)
    else:
        click.echo(_format_eval(report))
    if min_recall is not None and any(f["token_recall"] < min_recall for f in files):
        click.echo(f"token recall below {min_recall}", err=True)
        sys.exit(EXIT_INVALID)


@click.command("deidentify")
@click.argument("export", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--mapping", "mapping", required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="The agency's field mapping (JSON).")
@click.option("--agency", required=True, help="Agency pseudonym (AG-...), as in the mapping.")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Submission folder to write (manifest.json + records.jsonl).")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Processes that de-identify (one engine each).")
@click.option("--policy", "policy", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Generalisation policy file (default: the package's nm-deid-1).")
@json_option
def deidentify(export: Path, mapping: Path, agency: str, out: Path, workers: int,
               policy: Path | None, as_json: bool) -> None:
    """De-identify an agency export into a submission folder.

    Reads EXPORT through its mapping, replaces identifiers in every free-text field with
    typed placeholders, validates each record and writes the submission. Bad rows are
    reported with their row numbers and codes and left out. Prints counts only.
    """
    from tqdm import tqdm

    from nearmiss_lab.config import ModelNotInstalledError, require_spacy_model
    from nearmiss_lab.deid.pipeline import deidentify_export
    from nearmiss_lab.intake import ExportReadError, MappingError, PolicyError

    model = settings().spacy_model
    try:
        require_spacy_model(model)
    except ModelNotInstalledError as exc:
        raise InputError(str(exc)) from exc
    bar = tqdm(total=0, unit="record", desc="de-identifying", file=sys.stderr,
               disable=None, leave=False)

    def total(n: int) -> None:
        bar.reset(total=n)

    try:
        report = deidentify_export(export, mapping, agency, out, model=model, workers=workers,
                                   policy_path=policy, on_progress=bar.update, on_total=total)
    except (ExportReadError, MappingError, PolicyError, OSError) as exc:
        raise InputError(f"cannot read the export, mapping or policy: {exc}") from exc
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    finally:
        bar.close()
    if as_json:
        emit_json(report.to_dict())
    else:
        click.echo(f"rows {report.rows}, written {report.written}, "
                   f"rejected {len(report.rejected_rows)} -> {report.manifest}")
        click.echo("replaced: " + (", ".join(f"{k} {v}" for k, v in report.entities.items())
                                   or "nothing"))
        for issue in report.issues:
            click.echo(f"row {issue.line}: {issue.severity.value} {issue.code} "
                       f"{issue.pointer} {issue.message}")
    if report.rejected_rows:
        sys.exit(EXIT_INVALID)


COMMANDS = [deidentify, deid_eval]
