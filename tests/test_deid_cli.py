"""``nearmiss deidentify`` and ``nearmiss deid-eval`` through the CLI, with the real engine:
exit codes, bad rows with their row numbers, and a canary that must appear nowhere."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from nearmiss_lab.cli import main

FIRST, LAST = "Quintavious", "Zamboniwicz"
CANARY_TEXT = f" Sgt. {FIRST} {LAST} held the door; {LAST} saw the knife first."


def _agency(root: Path, reader_suffix: str) -> dict[str, str]:
    entries = json.loads((root / "agencies.json").read_text(encoding="utf-8"))
    return next(e for e in entries if e["export"].endswith(reader_suffix))


def _csv_export(synth_small: Path, tmp_path: Path, edit) -> tuple[Path, Path, str]:
    entry = _agency(synth_small, ".csv")
    from nearmiss_lab.intake import load_mapping

    mapping_path = synth_small / entry["mapping"]
    mapping = load_mapping(mapping_path)
    text = (synth_small / entry["export"]).read_bytes().decode(mapping.encoding)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=mapping.delimiter))
    header, body = rows[0], rows[1:]
    edit(header, body)
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=mapping.delimiter, lineterminator="\r\n").writerows([header, *body])
    export = tmp_path / "export.csv"
    export.write_bytes(out.getvalue().encode(mapping.encoding))
    return export, mapping_path, entry["agency"]


def _run(*args: object) -> object:
    return CliRunner().invoke(main, [str(a) for a in args])


def test_canary_name_appears_nowhere_in_output_stdout_or_stderr(synth_small, tmp_path):
    def plant(header, body):
        narrative = header.index("Narrative")
        lessons = header.index("Lessons Learned")
        for cells in body:
            cells[narrative] += CANARY_TEXT
            cells[lessons] += f" Thanks to {LAST}."

    export, mapping, agency = _csv_export(synth_small, tmp_path, plant)
    assert LAST in export.read_text(encoding="utf-8")
    out = tmp_path / "submission"
    for flags in ([], ["--json"]):
        result = _run(
            "deidentify", export, "--mapping", mapping, "--agency", agency, "--out", out, *flags
        )
        assert result.exit_code == 0, result.output
        for stream in (result.stdout, result.stderr):
            assert LAST not in stream and FIRST not in stream
        files = list(out.rglob("*"))
        assert {p.name for p in files} == {"manifest.json", "records.jsonl"}
        for path in files:
            data = path.read_text(encoding="utf-8")
            assert LAST not in data and FIRST not in data
    records = [json.loads(line) for line in (out / "records.jsonl").read_text().splitlines()]
    assert all("sgt. [person-" in r["narrative"].lower() for r in records)
    for r in records:
        assert r["deidentification"]["tool"] == "nearmiss-lab"
        assert r["deidentification"]["policy"] == "nm-deid-1"
        assert r["deidentification"]["entities"]["PERSON"] >= 3
    summary = json.loads(result.stdout)
    assert summary["written"] == len(records) and summary["rejected"] == 0


# Runs the CLI in a real process whose root logger takes every record at DEBUG, warnings
# included, into one file; the worker processes are forked from it and inherit the handler.
_LOGGED_RUN = """
import logging, sys, warnings
logging.basicConfig(level=logging.DEBUG, filename=sys.argv[1],
                    format="%(process)d %(name)s %(levelname)s %(message)s")
logging.captureWarnings(True)
warnings.simplefilter("always")
from nearmiss_lab.cli import main
main(sys.argv[2:])
"""


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_canary_appears_nowhere_in_any_process_at_debug_log_level(synth_small, tmp_path, workers):
    import subprocess
    import sys

    from nearmiss_lab.intake import load_mapping

    entry = _agency(synth_small, ".csv")
    id_column = load_mapping(synth_small / entry["mapping"]).record_id.ref[0]

    def plant(header, body):
        narrative = header.index("Narrative")
        lessons = header.index("Lessons Learned")
        # Three copies of every row (with their own record ids): more than one chunk of 32,
        # so two workers both de-identify.
        copies = []
        for n in (1, 2):
            for cells in body:
                copy = list(cells)
                copy[header.index(id_column)] += f"-{n}"
                copies.append(copy)
        body.extend(copies)
        for cells in body:
            cells[narrative] += CANARY_TEXT
            cells[lessons] += f" Thanks to {LAST}."

    export, mapping, agency = _csv_export(synth_small, tmp_path, plant)
    assert export.read_text(encoding="utf-8").count(LAST) > 2 * 32
    log = tmp_path / "debug.log"
    out = tmp_path / "submission"
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    args = ["deidentify", export, "--mapping", mapping, "--agency", agency, "--out", out]
    result = subprocess.run(
        [sys.executable, "-c", _LOGGED_RUN, log, *args, "--workers", str(workers), "--json"],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    summary = json.loads(result.stdout)
    assert summary["rejected"] == 0 and summary["written"] > 32  # CHUNK
    logged = log.read_text(encoding="utf-8")
    # The capture works: the analyser records of every process that de-identified are in it.
    analysing = {line.split()[0] for line in logged.splitlines() if "match_time" in line}
    assert len(analysing) == workers
    written = [p for p in [*out.rglob("*"), *cwd.rglob("*")] if p.is_file()]
    assert {p.name for p in written} == {"manifest.json", "records.jsonl"}
    texts = [result.stdout, result.stderr, logged, *(p.read_text("utf-8") for p in written)]
    for text in texts:
        assert LAST not in text and FIRST not in text
        assert LAST.upper() not in text and LAST.lower() not in text


def test_bad_rows_are_reported_with_row_numbers_and_left_out(synth_small, tmp_path):
    def break_rows(header, body):
        body[1][header.index("Date Occurred")] = "not a date"
        body[3][header.index("# Officers")] = "many"

    export, mapping, agency = _csv_export(synth_small, tmp_path, break_rows)
    out = tmp_path / "submission"
    result = _run(
        "deidentify", export, "--mapping", mapping, "--agency", agency, "--out", out, "--json"
    )
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert summary["rejected_rows"] == [2, 4]
    assert {i["line"] for i in summary["issues"] if i["severity"] != "warning"} == {2, 4}
    assert summary["written"] == summary["rows"] - 2
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["record_count"] == summary["written"]
    assert manifest["deidentification"]["entities"] == summary["entities"]


def _jsonl_export(synth_small: Path, tmp_path: Path, edit) -> tuple[Path, Path, str]:
    entry = _agency(synth_small, ".jsonl")
    lines = (synth_small / entry["export"]).read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    edit(records)
    export = tmp_path / "export.jsonl"
    # json.dumps escapes every non-ASCII character, lone surrogates included ("\ud800").
    export.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return export, synth_small / entry["mapping"], entry["agency"]


def test_half_a_surrogate_pair_and_an_overlong_narrative_reject_only_their_rows(
    synth_small, tmp_path
):
    # Each of these aborted the whole submission: the lone surrogate when records.jsonl was
    # written (UnicodeEncodeError), the narrative over spaCy's 1,000,000 characters in the NER.
    def spoil(records):
        records[1]["report"]["narrative"] += f" {LAST}\ud800 went in."
        records[3]["report"]["narrative"] = f"{LAST} waited. " * 60_000

    export, mapping, agency = _jsonl_export(synth_small, tmp_path, spoil)
    assert "\\ud800" in export.read_text(encoding="utf-8")
    out = tmp_path / "submission"
    result = _run(
        "deidentify", export, "--mapping", mapping, "--agency", agency, "--out", out, "--json"
    )
    assert result.exit_code == 1, result.output
    summary = json.loads(result.stdout)
    assert summary["rejected_rows"] == [2, 4]
    issues = summary["issues"]
    blocking = {(i["line"], i["code"], i["pointer"]) for i in issues if i["severity"] != "warning"}
    assert blocking == {
        (2, "intake-bad-character", "/narrative"),
        (4, "intake-text-too-long", "/narrative"),
    }
    assert summary["written"] == summary["rows"] - 2 > 0
    for stream in (result.stdout, result.stderr):
        assert LAST not in stream and "\\ud800" not in stream.lower()
    written = (out / "records.jsonl").read_text(encoding="utf-8")
    assert len(written.splitlines()) == summary["written"] and LAST not in written
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["record_count"] == summary["written"]


def test_record_the_schema_rejects_after_deid_is_left_out_with_its_row_number(
    synth_small, tmp_path
):
    # 19,800 characters pass the intake's 20,000; each "Al Wu" becomes "[PERSON-1]", which
    # takes the de-identified narrative to 24,750, over the schema's limit.
    def lengthen(header, body):
        body[2][header.index("Narrative")] = "Ofc. Al Wu said so. " * 990

    export, mapping, agency = _csv_export(synth_small, tmp_path, lengthen)
    out = tmp_path / "submission"
    result = _run(
        "deidentify", export, "--mapping", mapping, "--agency", agency, "--out", out, "--json"
    )
    assert result.exit_code == 1, result.output
    summary = json.loads(result.stdout)
    assert summary["rejected_rows"] == [3]
    blocking = [i for i in summary["issues"] if i["severity"] != "warning"]
    assert [(i["line"], i["code"], i["pointer"]) for i in blocking] == [
        (3, "schema-max-length", "/narrative")
    ]
    assert "Al Wu" not in result.stdout + result.stderr
    assert summary["written"] == summary["rows"] - 1
    written = (out / "records.jsonl").read_text(encoding="utf-8")
    assert len(written.splitlines()) == summary["written"] and "Al Wu" not in written


def test_mapping_of_another_agency_is_a_usage_error(synth_small, tmp_path):
    export, mapping, _ = _csv_export(synth_small, tmp_path, lambda h, b: None)
    result = _run(
        "deidentify", export, "--mapping", mapping, "--agency", "AG-OTHER1", "--out", tmp_path / "s"
    )
    assert result.exit_code == 2
    assert not (tmp_path / "s").exists()


@pytest.mark.slow
def test_two_workers_write_the_same_records_as_one(synth_small, tmp_path):
    export, mapping, agency = _csv_export(synth_small, tmp_path, lambda h, b: None)
    for workers in (1, 2):
        result = _run(
            "deidentify",
            export,
            "--mapping",
            mapping,
            "--agency",
            agency,
            "--out",
            tmp_path / f"w{workers}",
            "--workers",
            workers,
        )
        assert result.exit_code == 0, result.output
    one = (tmp_path / "w1" / "records.jsonl").read_bytes()
    assert one == (tmp_path / "w2" / "records.jsonl").read_bytes()


def test_deid_eval_reports_counts_never_token_text(tmp_path):
    secret = "xyzzyqplugh"  # lower-case, unknown word: no recognizer finds it
    docs = [
        {
            "id": "a",
            "text": f"Ofc. Halloran met {secret} on 03/14/2023.",
            "spans": [
                {"start": 5, "end": 13, "type": "PERSON"},
                {"start": 18, "end": 29, "type": "PERSON"},
                {"start": 33, "end": 43, "type": "DATE"},
            ],
            "optional": [],
        },
    ]
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    result = _run("deid-eval", gold, "--json", "--min-recall", "0.9")
    assert result.exit_code == 1
    assert secret not in result.stdout + result.stderr
    report = json.loads(result.stdout)
    (row,) = report["files"]
    assert {
        "file",
        "token_recall",
        "token_precision",
        "f2",
        "leaked_tokens",
        "chars_per_second",
        "by_type",
    } <= set(row)
    assert row["leaked_tokens"] == 1
    assert row["by_type"]["PERSON"] == {"gold_tokens": 2, "leaked_tokens": 1, "token_recall": 0.5}
    assert row["by_type"]["DATE"]["leaked_tokens"] == 0
    text = _run("deid-eval", gold)
    assert text.exit_code == 0 and secret not in text.output


def test_deid_eval_unreadable_gold_is_exit_2(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    assert _run("deid-eval", bad).exit_code == 2
    assert _run("deid-eval", tmp_path / "missing.jsonl").exit_code == 2
