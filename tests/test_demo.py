"""`nearmiss demo` end to end on small data, and the promise that no planted identifier
reaches the store or the bulletin (checked against synth's gold spans)."""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from nearmiss_lab.bulletin.pipeline import missing
from nearmiss_lab.cli import main
from nearmiss_lab.deid.replace import PLACEHOLDER

STAGES = ["synth", "deidentify", "ingest", "network", "bulletin"]
SMALL = ["--agencies", "3", "--incidents", "240", "--months", "12", "--seed", "5"]
# The small corpus, and exactly what `make demo` runs (the command's defaults: 4 agencies,
# 1,200 incidents, 12 months, seed 2024), so the promise is checked on the shipped demo.
CORPORA = {"small": SMALL, "make-demo-defaults": []}


@pytest.fixture(scope="session", params=list(CORPORA))
def demo(request, tmp_path_factory):
    work = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(main, ["demo", "--work", str(work / "work"), "--out",
                                       str(work / "reports"), *CORPORA[request.param]])
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


def _gold(path: Path) -> dict[str, dict]:
    return {doc["id"]: doc for doc in map(json.loads, path.read_text("utf-8").splitlines())}


def leaked_tokens(doc: dict, output: str) -> Counter[str]:
    """Gold identifier tokens that survive, whole, in the de-identified ``output``.

    The output is the input with identifiers replaced by placeholders; aligning the two
    (placeholders masked so nothing can match them) tells which input characters survived.
    A gold token (a maximal run of \\w, as in DESIGN.md's measure) is leaked when every one
    of its characters survived. Returns counts by gold type, never the tokens.
    """
    masked = PLACEHOLDER.sub(lambda m: "\0" * len(m.group()), output)
    text = doc["text"]
    survived = bytearray(len(text))
    matcher = difflib.SequenceMatcher(None, text, masked, autojunk=False)
    for block in matcher.get_matching_blocks():
        survived[block.a:block.a + block.size] = b"\1" * block.size
    leaks: Counter[str] = Counter()
    for span in doc["spans"]:
        for token in re.finditer(r"\w+", text[span["start"]:span["end"]]):
            start, end = span["start"] + token.start(), span["start"] + token.end()
            if all(survived[start:end]):
                leaks[span["type"]] += 1
    return leaks


def _multi_token_spans(gold: dict[str, dict]) -> set[str]:
    """Planted identifiers of two or more words (full names, addresses, agency names):
    distinctive enough to search for verbatim in text that is not one record's."""
    found = set()
    for doc in gold.values():
        for span in doc["spans"]:
            text = doc["text"][span["start"]:span["end"]].strip()
            if len(re.findall(r"[^\W\d_]{2,}", text)) >= 2:
                found.add(text)
    return found


class _Visible(HTMLParser):
    """Text a reader sees (style and script content excluded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("style", "script")

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "script")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _visible(markup: str) -> str:
    parser = _Visible()
    parser.feed(markup)
    return "".join(parser.parts)


@pytest.mark.slow
def test_no_planted_identifier_appears_in_the_store_or_the_bulletin(demo):
    from nearmiss_lab.store import load_table

    work, result = demo
    skip = _first_skip(result.output)
    if skip:
        pytest.skip(f"the demo did not reach the bulletin ({skip.strip()})")
    gold = _gold(work / "work" / "synth" / "gold" / "deid.jsonl")
    store = work / "work" / "store"
    leaks: Counter[str] = Counter()
    # Every stored record, field by field, against its own gold (position-aware).
    rows = load_table(store, "incidents").collect().to_dicts()
    rows += [json.loads(r) for r in load_table(store, "quarantine").collect()["record_json"]]
    assert rows, "the demo stored records"
    folder = Path(result.output.strip().splitlines()[-1].removeprefix("bulletin: ")).parent
    page = _visible((folder / "bulletin.html").read_text(encoding="utf-8"))
    checked = printed = 0
    for row in rows:
        shown = bool(row.get("narrative")) and row["narrative"] in page  # a report of the month
        printed += shown
        for field in ("narrative", "lessons_learned"):
            doc = gold.get(f"{row['agency']}:{row['record_id']}:{field}")
            if doc is not None and row.get(field) is not None:
                checked += 1
                for kind, n in leaked_tokens(doc, row[field]).items():
                    leaks[f"store/{field}:{kind}"] += n
                    if shown:
                        leaks[f"bulletin/{field}:{kind}"] += n
    assert checked >= len(rows), "every stored narrative has its gold"
    assert printed >= 1, "the bulletin printed at least one stored report"
    # Everything else (ledger, receipts, the bulletin's page, notebook and provenance):
    # no multi-word planted identifier anywhere in it.
    others = {f"store/{t}": "\n".join(load_table(store, t).collect()
                                      .select(pl.col(pl.String)).fill_null("")
                                      .select(pl.concat_str(pl.all(), separator="\t"))
                                      .to_series().to_list())
              for t in ("submissions", "receipts")}
    for path in sorted(folder.iterdir()):
        content = path.read_text(encoding="utf-8")
        others[f"bulletin/{path.name}"] = _visible(content) if path.suffix == ".html" \
            else content
    for text in _multi_token_spans(gold):
        pattern = re.compile(r"(?<!\w)" + re.escape(text) + r"(?!\w)")
        for where, haystack in others.items():
            if pattern.search(haystack):
                leaks[f"{where}:multi-word identifier"] += 1
    # Counts by place and type only: the message never repeats an identifier.
    assert not leaks, f"planted identifier tokens left (place:type -> tokens): " \
                      f"{dict(sorted(leaks.items()))}"


@pytest.mark.slow
def test_demo_bulletin_cites_every_table_version_and_rebuilds_from_them(demo):
    from nearmiss_lab.bulletin import compute, load_bulletin_data, provenance_record
    from nearmiss_lab.store import snapshot_versions

    work, result = demo
    skip = _first_skip(result.output)
    if skip:
        pytest.skip(f"the demo did not reach the bulletin ({skip.strip()})")
    folder = Path(result.output.strip().splitlines()[-1].removeprefix("bulletin: ")).parent
    prov = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))
    store = work / "work" / "store"
    versions = prov["table_versions"]
    assert set(versions) == {"incidents", "submissions", "quarantine", "receipts"}
    assert versions == snapshot_versions(store, versions["incidents"])
    again = load_bulletin_data(store, prov["parameters"]["period"],
                               version=versions["incidents"])
    assert provenance_record(again)["data_hash"] == prov["data_hash"]
    # Every agency that submitted appears in the coverage, with a status it earned.
    statuses = dict(compute.coverage(again).select("agency", "status").iter_rows())
    agencies = {json.loads(p.read_text())["agency"]
                for p in (work / "work" / "submissions").glob("*/manifest.json")}
    assert set(statuses) == agencies
    assert set(statuses.values()) <= {"reported", "nothing publishable", "zero report",
                                      "covered, no incidents"}


def test_missing_names_the_module_or_attribute_a_stage_waits_for():
    assert missing("nearmiss_lab.no_such_stage") == "nearmiss_lab.no_such_stage is not in the " \
                                                    "package yet"
    assert missing("nearmiss_lab.bulletin", "no_such_function") == \
        "nearmiss_lab.bulletin has no no_such_function yet"
    assert missing("nearmiss_lab.bulletin", "headline") is None


def test_leaked_tokens_counts_whole_gold_tokens_that_survive_by_type():
    text = "Sgt. Ana Diaz met John near 12 Main St. John ran."
    spans = [{"start": 5, "end": 13, "type": "PERSON"}, {"start": 18, "end": 22, "type": "PERSON"},
             {"start": 28, "end": 38, "type": "LOCATION"}, {"start": 40, "end": 44,
                                                           "type": "PERSON"}]
    doc = {"text": text, "spans": spans}
    assert leaked_tokens(doc, "Sgt. [PERSON-1] met [PERSON-2] near [LOCATION-1]. [PERSON-2] "
                              "ran.") == Counter()
    # The second "John" survived; so did "12" and "St" of a half-replaced address.
    assert leaked_tokens(doc, "Sgt. [PERSON-1] met [PERSON-2] near 12 [LOCATION-1] St. John "
                              "ran.") == Counter({"PERSON": 1, "LOCATION": 2})
