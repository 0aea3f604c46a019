"""No suppressed count can be read off another element of the bulletin.

Small counts show "< k", but a page also prints totals, flags and derived figures. These
tests read the printed page the way a reader would (totals, parts, flags) and check by
brute force that every hidden count keeps at least two possible values.
"""

from __future__ import annotations

import json
import re

import polars as pl
import pytest
from test_bulletin_content import (
    MONTHS,
    PERIOD,
    _row,
    _to_frame,
    column,
    make_incidents,
    make_submissions,
    read_page,
)
from test_bulletin_suppression import solutions

from nearmiss_lab import bulletin
from nearmiss_lab.bulletin import compute
from nearmiss_lab.bulletin.suppression import MASK, PRIMARY, SECONDARY, SHOWN

K = 5
BASELINE = MONTHS[:-1]


def incidents_from_counts(period: dict[str, int], baseline: list[int]) -> pl.DataFrame:
    """Incidents with exactly these counts: per agency in the period, per baseline month."""
    rows = []
    for agency, n in period.items():
        rows += [_row(agency, f"P-{i}", PERIOD, {"HF.FATIGUE", "EQ.RADIO"}, "text")
                 for i in range(n)]
    for month, n in zip(BASELINE, baseline, strict=True):
        rows += [_row("AG-NORTH", f"B-{month}-{i}", month, {"HF.FATIGUE"}, "text")
                 for i in range(n)]
    return _to_frame(rows)


def ledger(agencies) -> pl.DataFrame:
    frame = make_submissions()
    extra = [a for a in agencies if a not in frame["agency"].to_list()]
    if not extra:
        return frame
    rows = frame.head(1).to_dicts()[0]
    more = pl.DataFrame([{**rows, "agency": a, "submission_id": f"{a}-x"} for a in extra],
                        schema=frame.schema)
    return pl.concat([frame, more])


def code(reading: str) -> tuple[str, int | None]:
    """A printed count as (status, value): "< k" primary, the mask secondary, else shown."""
    if reading == f"< {K}":
        return PRIMARY, None
    if reading == MASK:
        return SECONDARY, None
    return SHOWN, int(reading.replace(",", ""))


def assert_line_protected(parts: list[tuple[str, int]], lower: list[int], upper: list,
                          total: int) -> None:
    """``parts`` are (printed text, true value); ``total`` is printed. Brute force."""
    line = []
    for (text, value), lo, hi in zip(parts, lower, upper, strict=True):
        status, printed = code(text)
        if status == SHOWN:
            assert printed == value
        line.append((value, status, lo, float("inf") if hi is None else hi))
    for values in solutions(line, (total, SHOWN), K):
        assert len(values) >= 2, f"a hidden count is solvable: {parts} under {total}"


FIXTURES = [
    # The audit's case: 42 - (13 + 14 + 13) = 2.
    ({"AG-NORTH": 14, "AG-SOUTH": 13, "AG-EAST": 13, "AG-WEST": 2}, [40] * 6),
    # The masked partner at exactly k beside a single incident.
    ({"AG-NORTH": 5, "AG-SOUTH": 1, "AG-EAST": 30}, [40, 3, 40, 40, 40, 40]),
    ({"AG-NORTH": 20, "AG-SOUTH": 4, "AG-EAST": 4}, [0, 40, 5, 12, 40, 40]),
    ({"AG-NORTH": 9, "AG-SOUTH": 3, "AG-EAST": 1, "AG-WEST": 6}, [6, 5, 4, 9, 40, 7]),
    ({"AG-NORTH": 7, "AG-SOUTH": 12}, [40, 40, 40, 40, 40, 2]),
]


@pytest.mark.parametrize("period,baseline", FIXTURES)
def test_no_agency_count_can_be_worked_out_from_the_months_total(period, baseline):
    d = bulletin.bulletin_data(incidents_from_counts(period, baseline), ledger(period),
                               period=PERIOD, k=K)
    markup = bulletin.headline(d).markup
    total = int(re.search(r"<b>([0-9,]+)</b>near misses this month", markup).group(1)
                .replace(",", ""))
    assert total == sum(period.values())
    page = read_page(markup)
    coverage = next(t for t in page.tables if t and t[0][:2] == ["agency", "status"])
    truth = {r["agency"]: r["incidents"] for r in compute.coverage(d).iter_rows(named=True)}
    printed = column(coverage, "incidents")
    statuses = column(coverage, "status")
    agencies = column(coverage, "agency")
    assert any(p == f"< {K}" for p in printed)
    reported = [s == "reported" for s in statuses]
    assert_line_protected([(p, truth[a]) for p, a in zip(printed, agencies, strict=True)],
                          [1 if r else 0 for r in reported],
                          [None if r else 0 for r in reported], total)


@pytest.mark.parametrize("period,baseline", FIXTURES)
def test_no_month_can_be_worked_out_from_the_baseline_total(period, baseline):
    d = bulletin.bulletin_data(incidents_from_counts(period, baseline), ledger(period),
                               period=PERIOD, k=K)
    markup = bulletin.headline(d).markup
    svg = markup[markup.index("<svg"):markup.index("</svg>")]
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    labels = [t.replace("&lt;", "<") for t in texts[-len(MONTHS) - 1:-1]]
    assert labels[-1] == str(sum(period.values()))
    # The baseline window's total is public: a code every incident carries has it as its
    # baseline count in the top-codes table.
    top = read_page(bulletin.top_factors(d).markup).tables[-1]
    base_total = dict(zip(column(top, "code"), column(top, "baseline incidents"), strict=True))
    assert base_total["HF.FATIGUE"] in (str(sum(baseline)), f"< {K}")
    assert_line_protected(list(zip(labels[:-1], baseline, strict=True)), [0] * 6, [None] * 6,
                          sum(baseline))


def test_the_audit_case_masks_exactly_one_more_agency():
    period, baseline = FIXTURES[0]
    d = bulletin.bulletin_data(incidents_from_counts(period, baseline), ledger(period),
                               period=PERIOD, k=K)
    cov = compute.protected_coverage(d)
    shown = dict(cov.select("agency", "shown").iter_rows())
    assert shown["AG-WEST"] == PRIMARY
    assert [a for a, s in shown.items() if s == SECONDARY] == ["AG-EAST"]  # smallest, first
    note = " ".join(read_page(bulletin.headline(d).markup).text)
    assert f"\u201c{MASK}\u201d marks a count of 5 or more withheld" in note


def test_agency_counts_that_cannot_be_protected_are_all_masked():
    # 1 + 5 under a printed 6: even with both hidden, 1 and 5 is the only split.
    d = bulletin.bulletin_data(incidents_from_counts({"AG-NORTH": 5, "AG-SOUTH": 1},
                                                     [40] * 6),
                               ledger({}), period=PERIOD, k=K)
    cov = compute.protected_coverage(d)
    assert set(cov.filter(pl.col("incidents") > 0)["shown"]) == {SECONDARY}
    page = read_page(bulletin.headline(d).markup)
    coverage = next(t for t in page.tables if t and t[0][:2] == ["agency", "status"])
    printed = dict(zip(column(coverage, "agency"), column(coverage, "incidents"), strict=True))
    assert printed["AG-NORTH"] == printed["AG-SOUTH"] == MASK


def test_emerging_pairs_do_not_say_new_beside_a_suppressed_baseline():
    d = bulletin.bulletin_data(make_incidents(), make_submissions(), period=PERIOD, k=K)
    raw = compute.emerging(d)
    assert raw.filter(pl.col("new")).height, "fixture must have a new pair"
    table = read_page(bulletin.emerging_pairs(d).markup).tables[0]
    assert "new" not in table[0] and "True" not in {c for r in table for c in r}
    for base, ratio, q in zip(column(table, "baseline incidents"), column(table, "rate ratio"),
                              column(table, "q_value"), strict=True):
        if base == f"< {K}":
            assert ratio == MASK and q == MASK, "the rise's q-value would give the baseline"


def test_the_factor_network_notebook_masks_new_rose_and_q_beside_a_small_baseline():
    from nearmiss_lab.bulletin import explore

    d = bulletin.bulletin_data(make_incidents(), make_submissions(), period=PERIOD, k=K)
    exp = explore.Exploration(d.network, d.period_incidents.height, PERIOD, PERIOD, 1, "s", K)
    table = read_page(explore.emerging(exp).markup).tables[0]
    rows = [dict(zip(table[0], r, strict=True)) for r in table[1:]]
    small = [r for r in rows if r["baseline_count"] == f"< {K}"]
    assert small, "fixture must have pairs with a small baseline"
    for r in small:
        assert r["new"] == r["rose"] == r["q_value"] == MASK


def _rise_fixture(baseline_count: int) -> bulletin.BulletinData:
    """EQ.RADIO in 20 of 40 incidents this month and ``baseline_count`` of 240 before."""
    rows = []
    for i in range(40):
        rows.append(_row("AG-NORTH", f"P-{i}", PERIOD,
                         {"HF.FATIGUE", *(["EQ.RADIO"] if i < 20 else [])}, "text"))
    for m, month in enumerate(BASELINE):
        for i in range(40):
            radio = m * 40 + i < baseline_count
            rows.append(_row("AG-NORTH", f"B-{month}-{i}", month,
                             {"HF.FATIGUE", *(["EQ.RADIO"] if radio else [])}, "text"))
    return bulletin.bulletin_data(_to_frame(rows), make_submissions(), period=PERIOD, k=K)


@pytest.mark.parametrize("baseline_count", [0, 1, 3, 4])
def test_the_rising_colour_is_the_same_for_every_suppressed_baseline(baseline_count):
    d = _rise_fixture(baseline_count)
    frame = compute.factor_change(d)
    rise = dict(zip(frame["code"], compute.rising(frame, d), strict=True))
    # Share 50% against at most 4/240: rising whichever value "< 5" hides, 0 included.
    assert rise["EQ.RADIO"] is True and rise["HF.FATIGUE"] is False
    markup = bulletin.top_factors(d).markup
    assert markup.count('fill="#b5442c"') == _rise_markup_count(), "one red bar, always"


_RISE: dict[str, int] = {}


def _rise_markup_count() -> int:
    if "n" not in _RISE:
        _RISE["n"] = bulletin.top_factors(_rise_fixture(0)).markup.count('fill="#b5442c"')
    return _RISE["n"]


def test_a_code_whose_share_did_not_rise_past_a_suppressed_baseline_is_not_red():
    # 1 of 40 this month against at most 4 of 240 before: 2.5% is not 1.5 x 1.7%.
    rows = [_row("AG-NORTH", f"P-{i}", PERIOD, {"HF.FATIGUE", *(["EQ.RADIO"] if i < 1 else [])},
                 "text") for i in range(40)]
    rows += [_row("AG-NORTH", f"B-{m}-{i}", m, {"HF.FATIGUE"}, "text")
             for m in BASELINE for i in range(40)]
    d = bulletin.bulletin_data(_to_frame(rows), make_submissions(), period=PERIOD, k=K)
    frame = compute.factor_change(d)
    assert not any(compute.rising(frame, d))


def test_reports_passed_over_are_a_suppressed_count():
    named = "Officer John Smith of the Springfield Police Department was nearly struck."
    incidents = make_incidents(per_month=3, small_agency=None, narrative=named)
    d = bulletin.bulletin_data(incidents, make_submissions(), period=PERIOD, k=K)
    assert d.period_incidents.height == 3
    text = " ".join(read_page(bulletin.reports_of_the_week(d).markup).text)
    assert f"all < {K} candidate(s) were passed over" in text
    assert not re.search(r"\b3 candidate", text)


def test_provenance_keeps_what_rebuilds_the_bulletin_but_no_incident_count(tmp_path):
    d = bulletin.bulletin_data(make_incidents(), make_submissions(), period=PERIOD, k=K)
    prov = bulletin.provenance_record(d)
    assert "incidents_read" not in prov
    for key in ("table_versions", "parameters", "data_hash", "package_version",
                "schema_version", "window"):
        assert key in prov
    written = bulletin.methods_and_provenance(d, out=str(tmp_path))
    saved = json.loads((tmp_path / "provenance.json").read_text())
    window_total = d.incidents.height
    numbers = [v for v in _numbers(saved)]
    assert window_total not in numbers, "the window's total minus the chart's months"
    assert str(window_total) not in " ".join(read_page(written.markup).text).split()


def _numbers(value):
    if isinstance(value, bool):
        return
    if isinstance(value, (int, float)):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _numbers(v)
    elif isinstance(value, list):
        for v in value:
            yield from _numbers(v)
