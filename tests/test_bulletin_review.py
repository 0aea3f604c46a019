"""03-deidentification-review lists what the engine found but did not replace.

Real Presidio with the real spaCy model. With the package's recognizer file the only results
below its threshold are Presidio's "very weak" SSN patterns, and the project's own ID
recognizer replaces every number they match; so these tests run the engine from a copy of
the recognizer file whose threshold is 0.9, as an agency's stricter file would: the ID
recognizer's 0.6 and 0.85 results are then found but not replaced, and the review must
list them.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from test_bulletin_content import read_page

from nearmiss_lab.bulletin import review

PLANTED = "58213-4467"


def plant(corpus: Path) -> tuple[Path, Path, str]:
    """Append a sentence holding :data:`PLANTED` to every narrative of the corpus's export."""
    entry = json.loads((corpus / "agencies.json").read_text())[0]
    export = corpus / entry["export"]
    with export.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        row["Narrative"] += f" The tow line was {PLANTED}, we waited."
    with export.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return export, corpus / entry["mapping"], entry["agency"]


@pytest.fixture(scope="module")
def planted_export(tmp_path_factory) -> tuple[Path, Path, str]:
    from nearmiss_lab.synth import generate_corpus

    corpus = tmp_path_factory.mktemp("review") / "corpus"
    generate_corpus(corpus, agencies=1, incidents=3, months=1, seed=3)
    export, mapping, agency = plant(corpus)
    assert export.suffix == ".csv", "seed 3's first agency exports CSV"
    return export, mapping, agency


@pytest.fixture(scope="module")
def strict_engine(tmp_path_factory):
    import yaml

    from nearmiss_lab.deid import get_engine
    from nearmiss_lab.deid.registry import DEFAULT_RECOGNIZERS_FILE

    config = yaml.safe_load(DEFAULT_RECOGNIZERS_FILE.read_text(encoding="utf-8"))
    config["score_threshold"] = 0.9
    path = tmp_path_factory.mktemp("recognizers") / "recognizers.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return get_engine(recognizers_file=path)


@pytest.fixture(scope="module")
def batch(planted_export, strict_engine) -> review.ReviewBatch:
    export, mapping, agency = planted_export
    return review.deidentify_for_review(str(export), mapping=str(mapping), agency=agency,
                                        limit=3, engine=strict_engine)


def test_the_package_engine_lists_its_very_weak_results_where_nothing_replaced_them():
    from nearmiss_lab.deid import get_engine

    engine = get_engine()
    found = review.below_threshold(engine, [{"narrative": f"The tow line {PLANTED} rang."}])
    ssn = [d for d in found[0]["narrative"] if d.entity_type == "SSN"]
    assert ssn and ssn[0].score < engine.threshold


def test_a_detection_below_the_threshold_is_listed_with_its_place_type_and_score(batch):
    assert batch.threshold > 0.05
    assert len(batch.items) == 3
    for item in batch.items:
        found = [m for m in item.not_replaced if item.texts[m.field][m.start:m.end] == PLANTED]
        assert len(found) == 1, item.not_replaced
        missed = found[0]
        # The best-scoring result for the span: spaCy reads the number as a DATE (0.85),
        # the ID recognizer as an ID; either way below 0.9 and left in the text.
        assert missed.field == "narrative" and missed.entity_type in ("DATE", "ID", "SSN")
        assert missed.score < batch.threshold == 0.9 and missed.source
        # It stayed in the text that will be submitted, and no placeholder covers it.
        assert PLANTED in item.texts["narrative"]
        for r in item.replacements:
            if r.field == missed.field:
                assert r.end <= missed.start or missed.end <= r.start


def test_nothing_replaced_is_listed_as_not_replaced(batch):
    for item in batch.items:
        for m in item.not_replaced:
            text = item.texts[m.field][m.start:m.end]
            assert "[" not in text and "]" not in text, "a placeholder is not a miss"
            assert m.score < batch.threshold


def test_the_review_page_highlights_and_tables_the_misses(batch):
    page = review.records(batch).markup
    assert page.count(f'<mark class="nm-miss">{PLANTED}</mark>') == 3
    listed = read_page(review.not_replaced(batch).markup).tables[0]
    header = listed[0]
    for name in ("row", "field", "type", "score", "position", "recognizer", "text", "context"):
        assert name in header
    rows = [dict(zip(header, r, strict=True)) for r in listed[1:]]
    planted = [r for r in rows if r["text"] == PLANTED]
    assert len(planted) == 3
    assert {r["type"] for r in planted} <= {"DATE", "ID", "SSN"}
    for item, row in zip(batch.items, planted, strict=True):
        m = next(m for m in item.not_replaced if item.texts[m.field][m.start:m.end] == PLANTED)
        assert row["position"] == f"{m.start}\u2013{m.end}" and row["row"] == str(item.row)
    summary = dict(read_page(review.summary(batch).markup).tables[0][1:])
    missed = sum(int(v) for k, v in summary.items() if k.startswith("not replaced "))
    assert missed >= 3 and f"(score below {batch.threshold})" in " ".join(summary)


def test_a_review_without_misses_says_so():
    empty = review.ReviewBatch("AG-SAMPLE", [], 0, 0, threshold=0.35)
    assert "none" in review.not_replaced(empty).markup
