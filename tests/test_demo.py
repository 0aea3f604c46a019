"""`nearmiss demo` end to end on small data, and the promise that no planted identifier
reaches the store or the bulletin (checked against synth's gold spans)."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from nearmiss_lab.bulletin.pipeline import missing
from nearmiss_lab.cli import main

STAGES = ["synth", "deidentify", "ingest", "network", "bulletin"]
SMALL = ["--agencies", "3", "--incidents", "240", "--months", "12", "--seed", "5"]


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    work = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(main, ["demo", "--work", str(work / "work"), "--out",
                                       str(work / "reports"), *SMALL])
    return work, result


@pytest.mark.slow
def test_demo_prints_every_stage_in_order_and_never_invents_output(demo):
    work, result = demo
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    stage_lines = [ln for ln in lines if ln.startswith("[")]
    assert [re.match(r"\[(\w+)\]", ln).group(1) for ln in stage_lines] == STAGES
    skipped = False
    for line in stage_lines:
        if "skipped:" in line:
            skipped = True
            assert len(line.split("skipped:", 1)[1].strip()) > 10, "a skip says why"
        else:
            assert not skipped, "a stage after a skipped one cannot have run on its output"
            assert re.search(r"\(\d+\.\d s\)$", line), line
    if skipped:
        assert lines[-1].startswith("no bulletin yet: skipped")
    else:
        path = Path(lines[-1].removeprefix("bulletin: "))
        assert lines[-1].startswith("bulletin: ") and path.is_file()
        assert path.name == "bulletin.html" and path.parent.parent == (work / "reports")


def _first_skip(output: str) -> str | None:
    for line in output.splitlines():
        if "skipped:" in line:
            return line
    return None


def _identifiers(gold: Path) -> list[tuple[str, str]]:
    """(type, text) of every planted span distinctive enough to search for verbatim."""
    found = set()
    for line in gold.read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        for span in doc["spans"]:
            text = doc["text"][span["start"]:span["end"]].strip()
            letters = sum(ch.isalpha() for ch in text)
            digits = sum(ch.isdigit() for ch in text)
            if letters >= 4 or digits >= 5:  # "34" or "Al" would match innocent text
                found.add((span["type"], text))
    return sorted(found)


def _store_texts(store: Path) -> dict[str, str]:
    from nearmiss_lab.store import load_table
    from nearmiss_lab.store.tables import table_exists

    texts = {}
    for table in ("incidents", "submissions", "quarantine", "receipts"):
        if table_exists(store, table):
            frame = load_table(store, table).collect()
            strings = frame.select(pl.col(pl.String)) if frame.height else frame
            texts[table] = "\n".join(
                "\t".join(v for v in row if v) for row in strings.iter_rows()
            )
    return texts


@pytest.mark.slow
def test_no_planted_identifier_appears_in_the_store_or_the_bulletin(demo):
    work, result = demo
    skip = _first_skip(result.output)
    if skip:
        pytest.skip(f"the demo did not reach the bulletin ({skip.strip()})")
    gold = work / "work" / "synth" / "gold" / "deid.jsonl"
    identifiers = _identifiers(gold)
    assert len(identifiers) > 100, "the corpus plants many identifiers"
    haystacks = _store_texts(work / "work" / "store")
    folder = Path(result.output.strip().splitlines()[-1].removeprefix("bulletin: ")).parent
    for path in sorted(folder.iterdir()):
        haystacks[f"bulletin/{path.name}"] = path.read_text(encoding="utf-8")
    leaks: Counter[str] = Counter()
    for kind, text in identifiers:
        pattern = re.compile(r"(?<!\w)" + re.escape(text) + r"(?!\w)")
        for where, haystack in haystacks.items():
            if pattern.search(haystack):
                leaks[f"{where}:{kind}"] += 1
    # Counts by place and type only: the message never repeats an identifier.
    assert not leaks, f"planted identifiers found (place:type -> distinct identifiers): " \
                      f"{dict(sorted(leaks.items()))}"


def test_missing_names_the_module_or_attribute_a_stage_waits_for():
    assert missing("nearmiss_lab.no_such_stage") == "nearmiss_lab.no_such_stage is not in the " \
                                                    "package yet"
    assert missing("nearmiss_lab.bulletin", "no_such_function") == \
        "nearmiss_lab.bulletin has no no_such_function yet"
    assert missing("nearmiss_lab.bulletin", "headline") is None
