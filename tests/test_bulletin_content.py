"""Bulletin sections on small store-shaped frames built here: suppression, escaping, content.

The frame builders at the top are imported by the other bulletin/notebook test files.
"""

from __future__ import annotations

import random
import re
from html.parser import HTMLParser
from pathlib import Path

import polars as pl
import pytest

from nearmiss_lab import bulletin
from nearmiss_lab.bulletin import compute
from nearmiss_lab.store.schema import INCIDENTS_SCHEMA, SUBMISSIONS_SCHEMA

BACKGROUND = ["HF.FATIGUE", "ENV.WEATHER", "TAC.NO_BACKUP", "THREAT.FIREARM", "ROAD.STRUCK_BY",
              "PROC.DISPATCH_INFO", "EQ.LIGHTING", "HF.DISTRACTION"]
PLANTED = ("EQ.RADIO", "HF.COMMUNICATION")
EMERGING = ("ENV.DARKNESS", "THREAT.FEIGNED_COMPLIANCE")
AGENCIES = ("AG-NORTH", "AG-SOUTH", "AG-EAST")
MONTHS = [f"2024-{m:02d}" for m in range(1, 8)]
PERIOD = MONTHS[-1]
# Planted markup; worded so the bulletin's residual re-scan does not pass the report over.
MARKUP = ('The radio cut out. <script>alert("x")</script> <img src=x onerror=boom()> '
          '<b>bold</b> & "quoted"')


def make_incidents(
    months: list[str] = MONTHS,
    per_month: int = 40,
    *,
    seed: int = 3,
    agencies: tuple[str, ...] = AGENCIES,
    small_agency: str | None = "AG-WEST",
    narrative: str = "[PERSON-1] approached the vehicle on [LOCATION-1]; the radio cut out.",
    lessons: str = "Keep a spare radio battery.",
) -> pl.DataFrame:
    """Store ``incidents`` rows with one planted pair, an emerging pair in the last month and
    one agency that reports only 2 incidents in the last month (a small cell)."""
    rng = random.Random(seed)
    rows = []
    for month in months:
        for i in range(per_month):
            agency = agencies[i % len(agencies)]
            codes = set(rng.sample(BACKGROUND, 2))
            if rng.random() < 0.45:
                codes |= set(PLANTED)
            if month == months[-1] and rng.random() < 0.35:
                codes |= set(EMERGING)
            rows.append(_row(agency, f"R-{month}-{i:03d}", month, codes, narrative, lessons))
    if small_agency:
        for i in range(2):
            rows.append(_row(small_agency, f"W-{i}", months[-1], {"HF.FATIGUE"}, narrative,
                             lessons))
    return _to_frame(rows)


#: Markup planted in every other field the bulletin prints from the store.
HOSTILE_AGENCY = 'AG-<i onmouseover="x()">N</i>'
HOSTILE_CODE = "EQ.<s>RADIO</s>"
HOSTILE_SCHEMA = "1.0.0<u>s</u>"
HOSTILE_RAW = ("<script", "<img src=x", "<b>bold", "<i onmouseover", "<s>RADIO", "<u>s</u>")
HOSTILE_VALUES = (MARKUP, HOSTILE_AGENCY, HOSTILE_CODE, HOSTILE_SCHEMA)


def make_hostile_incidents() -> pl.DataFrame:
    """:func:`make_incidents` with markup and script in the narrative, the lessons learned,
    an agency pseudonym, the planted pair's factor code and the schema version: a store
    written without ingest's checks, as an old or foreign one may be."""
    frame = make_incidents(narrative=MARKUP, lessons=MARKUP)
    code = pl.element().struct.field("code")
    return frame.with_columns(
        agency=pl.when(pl.col("agency") == "AG-NORTH").then(pl.lit(HOSTILE_AGENCY))
        .otherwise(pl.col("agency")),
        schema_version=pl.lit(HOSTILE_SCHEMA),
        factors=pl.col("factors").list.eval(pl.element().struct.with_fields(
            code=pl.when(code == PLANTED[0]).then(pl.lit(HOSTILE_CODE)).otherwise(code))),
    )


def assert_escaped(markup: str, values: tuple[str, ...] = HOSTILE_VALUES) -> None:
    """No planted markup survives as markup, and a browser shows each planted value as the
    literal text it was (whichever characters the exporter chose to escape)."""
    for raw in HOSTILE_RAW:
        assert raw not in markup, f"unescaped {raw!r}"
    text = "".join(read_page(markup).text)
    for value in values:
        assert value in text, f"planted value not shown as text: {value!r}"


def _row(agency: str, record_id: str, month: str, codes: set[str], narrative: str,
         lessons: str = "Keep a spare radio battery.") -> dict:
    return {
        "incident_key": f"{agency}:{record_id}", "record_id": record_id, "agency": agency,
        "occurred_month": month, "activities": ["ACT.TRAFFIC_STOP"],
        "factors": [{"code": c, "source": "reported", "confidence": None, "evidence": []}
                    for c in sorted(codes)],
        "narrative": narrative, "lessons_learned": lessons,
        "schema_version": "1.0.0", "content_hash": f"hash-{agency}-{record_id}",
        "state": "OH", "time_block": "18-24",
    }


def _to_frame(rows: list[dict]) -> pl.DataFrame:
    frame = pl.DataFrame(rows, infer_schema_length=None)
    missing = [pl.lit(None, dtype=t).alias(c) for c, t in INCIDENTS_SCHEMA.items()
               if c not in frame.columns]
    return frame.with_columns(missing).select(list(INCIDENTS_SCHEMA)).cast(dict(INCIDENTS_SCHEMA))


def make_submissions() -> pl.DataFrame:
    """Ledger: three agencies cover the window, AG-ZERO files a zero report for the period,
    AG-GONE stopped submitting before it, AG-REJ's only submission was rejected."""
    rows = [
        *({"agency": a, "period_start": MONTHS[0], "period_end": PERIOD, "status": "accepted",
           "received": 1} for a in (*AGENCIES, "AG-WEST")),
        {"agency": "AG-ZERO", "period_start": PERIOD, "period_end": PERIOD,
         "status": "accepted", "received": 0},
        {"agency": "AG-GONE", "period_start": MONTHS[0], "period_end": MONTHS[2],
         "status": "accepted", "received": 4},
        {"agency": "AG-REJ", "period_start": PERIOD, "period_end": PERIOD, "status": "rejected",
         "received": 3},
    ]
    frame = pl.DataFrame(rows).with_columns(
        submission_id=pl.Series([f"{r['agency']}-{i:016x}" for i, r in enumerate(rows)]))
    missing = [pl.lit(None, dtype=t).alias(c) for c, t in SUBMISSIONS_SCHEMA.items()
               if c not in frame.columns]
    return frame.with_columns(missing).select(list(SUBMISSIONS_SCHEMA)).cast(
        dict(SUBMISSIONS_SCHEMA))


def write_store(root: Path, incidents: pl.DataFrame, submissions: pl.DataFrame) -> Path:
    """A real Delta store (the store module's own writers) holding the given frames."""
    from nearmiss_lab.store import append_rows, init_store

    init_store(root)
    append_rows(root, "incidents", incidents)
    append_rows(root, "submissions", submissions)
    return root


class TextCollector(HTMLParser):
    """Visible text and the cells of every table, as a browser would read them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self.tables:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def read_page(markup: str) -> TextCollector:
    collector = TextCollector()
    collector.feed(markup)
    return collector


def column(table: list[list[str]], name: str) -> list[str]:
    header = table[0]
    return [row[header.index(name)] for row in table[1:]]


@pytest.fixture(scope="module")
def data() -> bulletin.BulletinData:
    return bulletin.bulletin_data(make_incidents(), make_submissions(), period=PERIOD,
                                  baseline_months=6, min_count=5, fdr=0.05, k=5)


def test_coverage_tells_reporting_zero_report_and_silent_agencies_apart(data):
    cov = {r["agency"]: r for r in compute.coverage(data).iter_rows(named=True)}
    assert cov["AG-NORTH"]["status"] == "reported"
    assert cov["AG-WEST"]["status"] == "reported" and cov["AG-WEST"]["incidents"] == 2
    assert cov["AG-ZERO"]["status"] == "zero report"
    assert cov["AG-GONE"]["status"] == "no submission"
    # Its only submission covering the month was rejected: submitted, nothing publishable.
    assert cov["AG-REJ"]["status"] == "nothing publishable"


def test_headline_text_and_coverage_table_suppress_the_small_agency(data):
    page = read_page(bulletin.headline(data).markup)
    text = " ".join(page.text)
    assert re.search(r"reported by 4 of 7 known agencies; 1 filed a zero report", text)
    coverage = next(t for t in page.tables if t and t[0][:2] == ["agency", "status"])
    incidents = dict(zip(column(coverage, "agency"), column(coverage, "incidents"), strict=True))
    assert incidents["AG-WEST"] == "< 5"
    assert incidents["AG-ZERO"] == "< 5"  # zero is below k too
    assert incidents["AG-NORTH"] not in ("< 5",)


def test_headline_suppresses_a_small_monthly_total_in_text_stats_and_chart():
    incidents = make_incidents(per_month=12, small_agency=None)
    few = incidents.filter((pl.col("occurred_month") != PERIOD) | (pl.int_range(pl.len()) < 3)
                           .over("occurred_month"))
    assert few.filter(pl.col("occurred_month") == PERIOD).height == 3
    d = bulletin.bulletin_data(few, make_submissions(), period=PERIOD, k=5)
    markup = bulletin.headline(d).markup
    text = " ".join(read_page(markup).text)
    assert "In 2024-07, < 5 near misses were reported" in text
    assert "<b>&lt; 5</b>near misses this month" in markup
    assert not re.search(r"\b3 near misses", text)
    svg_text = re.findall(r"<text[^>]*>([^<]*)</text>", markup)
    assert "&lt; 5" in svg_text and "3" not in svg_text[-9:]


def _assert_counts_suppressed(cells: list[str], k: int = 5) -> None:
    for cell in cells:
        if cell == f"< {k}":
            continue
        assert int(cell.replace(",", "")) >= k, f"count {cell!r} below k shown"


def test_top_factors_table_and_chart_show_small_counts_as_less_than_k():
    # A period with few incidents: several factor counts fall below k.
    incidents = make_incidents(per_month=12, small_agency=None)
    d = bulletin.bulletin_data(incidents, make_submissions(), period=PERIOD, k=5, min_count=3)
    markup = bulletin.top_factors(d).markup
    page = read_page(markup)
    table = page.tables[-1]
    counts = column(table, "incidents")
    assert "< 5" in counts, "expected at least one suppressed factor count in this fixture"
    _assert_counts_suppressed(counts)
    _assert_counts_suppressed(column(table, "baseline incidents"))
    for count, share, change in zip(counts, column(table, "share"),
                                    column(table, "change in share"), strict=True):
        if count == "< 5":
            assert share == "·" and change == "·", "a share would reveal the small count"
    svg_text = re.findall(r"<text[^>]*>([^<]*)</text>", markup)
    assert "&lt; 5" in svg_text, "the bar chart labels small counts '< 5'"
    raw = compute.factor_change(d)
    small = {c for c, n in raw.select("code", "count").iter_rows() if n < 5}
    assert small, "fixture must have small factor counts"


def test_significant_pairs_find_the_planted_pair_with_its_measures(data):
    frame = compute.significant_pairs(data)
    pairs = {frozenset(p) for p in frame.select("source", "target").iter_rows()}
    assert frozenset(PLANTED) in pairs
    page = read_page(bulletin.significant_pairs(data).markup)
    header = page.tables[0][0]
    for name in ("source", "target", "incidents", "lift", "npmi", "jaccard", "yule_q",
                 "odds_ratio", "q_value"):
        assert name in header
    _assert_counts_suppressed(column(page.tables[0], "incidents"))


def test_emerging_pairs_report_the_pair_that_appeared_this_month(data):
    frame = compute.emerging(data)
    pairs = {frozenset(p) for p in frame.select("source", "target").iter_rows()}
    assert frozenset(EMERGING) in pairs
    page = read_page(bulletin.emerging_pairs(data).markup)
    row = next(r for r in page.tables[0][1:] if set(r[:2]) == set(EMERGING))
    header = page.tables[0][0]
    assert row[header.index("baseline incidents")] == "< 5"  # never seen before: 0
    assert row[header.index("rate ratio")] == "·"


def test_narrative_markup_and_script_are_escaped_not_executable():
    incidents = make_incidents(narrative=MARKUP)
    d = bulletin.bulletin_data(incidents, make_submissions(), period=PERIOD, k=5)
    markup = bulletin.reports_of_the_week(d, rescan=False).markup
    assert "<script" not in markup and "<img" not in markup and "<b>bold" not in markup
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in markup
    assert "&lt;img src=x onerror=boom()&gt;" in markup
    # What a reader sees is the literal text the officer wrote.
    assert MARKUP in "".join(read_page(markup).text)


def test_markup_in_every_field_printed_from_the_store_is_escaped_in_every_section():
    d = bulletin.bulletin_data(make_hostile_incidents(), make_submissions(), period=PERIOD,
                               k=5, store="store<b>x</b>")
    sections = {
        "headline": bulletin.headline(d).markup,
        "top": bulletin.top_factors(d).markup,
        "network": bulletin.network_figure(d).markup,
        "pairs": bulletin.significant_pairs(d).markup,
        "emerging": bulletin.emerging_pairs(d).markup,
        "reports": bulletin.reports_of_the_week(d, rescan=False).markup,
        "provenance": bulletin.methods_and_provenance(d).markup,
    }
    for markup in sections.values():
        assert_escaped(markup, ())
    assert_escaped(sections["headline"], (HOSTILE_AGENCY,))
    for name in ("top", "network", "pairs", "reports"):  # tables, SVG labels, tags
        assert_escaped(sections[name], (HOSTILE_CODE,))
    reports = read_page(sections["reports"])
    assert reports.text.count(MARKUP) >= 2, "narrative and lessons read as the literal text"
    assert_escaped(sections["provenance"], (HOSTILE_SCHEMA, "store<b>x</b>"))


def test_reports_of_the_week_prefer_incidents_with_significant_pairs_and_ask_questions(data):
    picked = compute.pick_reports(data, 3)
    assert picked.height == 3
    for codes in picked["codes"].to_list():
        assert set(PLANTED) <= set(codes) or set(EMERGING) <= set(codes)
    again = compute.pick_reports(data, 3)
    assert picked["incident_key"].to_list() == again["incident_key"].to_list()
    markup = bulletin.reports_of_the_week(data).markup
    assert markup.count("<h4>For discussion</h4>") == 3
    assert "What would you tell a new officer about this call?" in markup
    assert "AG-NORTH" not in markup and "R-2024" not in markup  # no agency or record id


def test_provenance_cites_versions_parameters_and_a_data_hash(tmp_path, data):
    prov = bulletin.provenance_record(data)
    for key in ("bulletin_id", "table_versions", "schema_version", "package_version",
                "parameters", "data_hash", "taxonomy_version"):
        assert key in prov
    assert prov["parameters"] == {"period": PERIOD, "baseline_months": 6, "min_count": 5,
                                  "fdr": 0.05, "k": 5}
    assert re.fullmatch(r"[0-9a-f]{64}", prov["data_hash"])
    markup = bulletin.methods_and_provenance(data, out=str(tmp_path)).markup
    assert prov["data_hash"] in markup and prov["bulletin_id"] in markup
    assert (tmp_path / "provenance.json").is_file()


def test_data_hash_is_order_independent_and_changes_with_content():
    frame = make_incidents(per_month=5, small_agency=None)
    assert bulletin.data_hash(frame) == bulletin.data_hash(frame.reverse())
    changed = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(pl.lit("other"))
        .otherwise(pl.col("content_hash")).alias("content_hash"))
    assert bulletin.data_hash(changed) != bulletin.data_hash(frame)


def test_bulletin_id_depends_on_period_version_and_parameters():
    base = bulletin.bulletin_id("2024-07", 3, {"k": 5})
    assert base == bulletin.bulletin_id("2024-07", 3, {"k": 5})
    assert re.fullmatch(r"nmb-2024-07-v3-[0-9a-f]{8}", base)
    assert base != bulletin.bulletin_id("2024-07", 4, {"k": 5})
    assert base != bulletin.bulletin_id("2024-07", 3, {"k": 10})
    assert base != bulletin.bulletin_id("2024-06", 3, {"k": 5})


def test_empty_period_renders_every_section_without_error():
    incidents = make_incidents(months=MONTHS[:-1], small_agency=None)
    d = bulletin.bulletin_data(incidents, make_submissions(), period=PERIOD, k=5)
    for section in (bulletin.headline, bulletin.top_factors, bulletin.network_figure,
                    bulletin.significant_pairs, bulletin.emerging_pairs,
                    bulletin.reports_of_the_week, bulletin.methods_and_provenance):
        assert "nm-section" in section(d).markup
    assert "No reports this month." in bulletin.reports_of_the_week(d).markup


def test_reports_flagged_by_the_residual_rescan_are_passed_over():
    # A narrative that still names someone: the re-scan must keep it out of the bulletin.
    named = "Officer John Smith of the Springfield Police Department was nearly struck."
    incidents = make_incidents(narrative=named)
    d = bulletin.bulletin_data(incidents, make_submissions(), period=PERIOD, k=5)
    markup = bulletin.reports_of_the_week(d).markup
    assert "John Smith" not in markup and "Springfield" not in markup
    assert "No report is printed: all 12 candidate(s) were passed over" in markup
