"""Coverage on a real store filled by real ingests: reported, zero report, nothing
publishable (quarantined, rejected), covered with no incidents, no submission.

The hub's re-scan is the ingest tests' regex stand-in (phones and e-mail addresses,
``test_ingest_support.regex_scanner``): what is under test is how the bulletin reads the
quarantine the ingest wrote, not the detector, and loading Presidio would triple the time.
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest
from test_bulletin_content import column, read_page
from test_ingest_support import LEAKY_NARRATIVE, make_incident, regex_scanner, write_submission

from nearmiss_lab import bulletin
from nearmiss_lab.bulletin import compute, quality
from nearmiss_lab.ingest import ingest_submission

PERIOD = "2024-06"


def incidents(agency: str, months: list[str], start: int = 0, **overrides) -> list[dict]:
    return [make_incident(start + i, agency=agency, occurred_month=m, **overrides)
            for i, m in enumerate(months)]


def ingest(root: Path, store: Path, name: str, records: list[dict], *, agency: str,
           period: tuple[str, str] = (PERIOD, PERIOD), **kwargs) -> dict:
    folder = write_submission(root / name, records, agency=agency, period=period, **kwargs)
    return ingest_submission(folder, store, scanner=regex_scanner)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("coverage")
    store = root / "store"
    receipts = {
        # Incidents of the month stored.
        "AG-NORTH": ingest(root, store, "north", incidents("AG-NORTH", ["2024-05", PERIOD] * 3),
                           agency="AG-NORTH", period=("2024-05", PERIOD)),
        # An explicit zero report for the month.
        "AG-ZERO": ingest(root, store, "zero", [], agency="AG-ZERO"),
        # Its only incident of the month is quarantined by the re-scan.
        "AG-QUAR": ingest(root, store, "quar", incidents("AG-QUAR", [PERIOD],
                                                         narrative=LEAKY_NARRATIVE),
                          agency="AG-QUAR"),
        # Rejected outright: the manifest's record count does not match the file.
        "AG-REJ": ingest(root, store, "rej", incidents("AG-REJ", [PERIOD]), agency="AG-REJ",
                         manifest_overrides={"record_count": 2}),
        # A May incident is stored, the other record failed validation: its month is unknown,
        # so June may have been its month.
        "AG-PART": ingest(root, store, "part", [
            *incidents("AG-PART", ["2024-05"]),
            make_incident(9, agency="AG-PART", occurred_month=PERIOD, injury_outcome="maybe"),
        ], agency="AG-PART", period=("2024-05", PERIOD)),
        # A quarter whose incidents all fell before June, nothing held back.
        "AG-QUIET": ingest(root, store, "quiet", incidents("AG-QUIET", ["2024-04", "2024-05"]),
                           agency="AG-QUIET", period=("2024-04", PERIOD)),
        # Submitted, but for a period that ends before June.
        "AG-GONE": ingest(root, store, "gone", incidents("AG-GONE", ["2024-02"]),
                          agency="AG-GONE", period=("2024-01", "2024-03")),
    }
    # The fixture is only as good as the outcomes it claims; check them first.
    got = {a: (r["status"], r["counts"]["accepted"], r["counts"]["quarantined"],
               r["counts"]["rejected"]) for a, r in receipts.items()}
    assert got == {
        "AG-NORTH": ("accepted", 6, 0, 0), "AG-ZERO": ("accepted", 0, 0, 0),
        "AG-QUAR": ("accepted_with_errors", 0, 1, 0), "AG-REJ": ("rejected", 0, 0, 1),
        "AG-PART": ("accepted_with_errors", 1, 0, 1), "AG-QUIET": ("accepted", 2, 0, 0),
        "AG-GONE": ("accepted", 1, 0, 0),
    }
    return store


EXPECTED = {
    "AG-NORTH": "reported", "AG-ZERO": "zero report", "AG-QUAR": "nothing publishable",
    "AG-REJ": "nothing publishable", "AG-PART": "nothing publishable",
    "AG-QUIET": "covered, no incidents", "AG-GONE": "no submission",
}


@pytest.fixture(scope="module")
def data(store) -> bulletin.BulletinData:
    return bulletin.load_bulletin_data(store, PERIOD, k=2)


def test_each_agency_gets_the_status_its_submissions_earned(data):
    cov = {r["agency"]: r for r in compute.coverage(data).iter_rows(named=True)}
    assert {a: r["status"] for a, r in cov.items()} == EXPECTED
    assert cov["AG-NORTH"]["incidents"] == 3
    assert (cov["AG-QUAR"]["held"], cov["AG-REJ"]["held"], cov["AG-PART"]["held"]) == (1, 1, 1)
    assert cov["AG-REJ"]["submissions"] == 1 and cov["AG-GONE"]["submissions"] == 0


def test_a_quarantined_only_incident_is_never_called_a_zero_report(data):
    text = " ".join(read_page(bulletin.headline(data).markup).text)
    assert re.search(r"reported by 1 of 7 known agencies; 1 filed a zero report, 3 submitted "
                     r"but nothing of theirs for the month could be published, 1 covered the "
                     r"month in a longer submission with no incident in it, and 1 sent no "
                     r"submission covering the month\.", text), text
    page = read_page(bulletin.headline(data).markup)
    table = next(t for t in page.tables if t and t[0][:2] == ["agency", "status"])
    assert "held" not in table[0], "the public page does not say how much was held back"
    assert dict(zip(column(table, "agency"), column(table, "status"), strict=True)) == EXPECTED


def test_quarantine_month_comes_from_the_held_record_and_nothing_else_is_read(data):
    assert data.quarantined.columns == ["agency", "occurred_month"]
    assert data.quarantined.rows() == [("AG-QUAR", PERIOD)]
    assert data.rejected.select("agency", "period_start", "period_end", "rejected").rows() == [
        ("AG-REJ", PERIOD, PERIOD, 1)]


def test_a_month_without_the_quarantined_incident_is_not_held_back(store):
    # May: AG-QUAR's submission did not cover it, AG-PART stored a May incident.
    may = {r["agency"]: r["status"] for r in compute.coverage(
        bulletin.load_bulletin_data(store, "2024-05", k=2)).iter_rows(named=True)}
    assert may["AG-QUAR"] == "no submission" and may["AG-ZERO"] == "no submission"
    assert may["AG-PART"] == "reported" and may["AG-QUIET"] == "reported"


def test_hub_quality_grid_uses_the_same_statuses(store):
    ledger = quality.load_ledger(store, since="2024-05", until=PERIOD)
    table = read_page(quality.coverage(ledger).markup).tables[0]
    june = dict(zip(column(table, "agency"), column(table, PERIOD), strict=True))
    assert june == {"AG-GONE": "\u2014", "AG-NORTH": "3", "AG-PART": "0 (held back)",
                    "AG-QUAR": "0 (held back)", "AG-QUIET": "0 (covered)",
                    "AG-REJ": "0 (held back)", "AG-ZERO": "0 (zero report)"}


def test_a_rejected_attempt_superseded_by_an_accepted_one_no_longer_holds_back():
    from nearmiss_lab.bulletin.coverage import coverage_by_month

    ledger = pl.DataFrame({
        "submission_id": ["AG-FIX-1"], "agency": ["AG-FIX"], "period_start": [PERIOD],
        "period_end": [PERIOD], "status": ["accepted"], "received": [0], "rejected": [0],
        "manifest_json": ['{"record_count": 0}'],
    })
    rejected = pl.DataFrame({"agency": ["AG-FIX"], "submission_id": ["AG-FIX-1"],
                             "period_start": [PERIOD], "period_end": [PERIOD],
                             "rejected": [3]})
    empty = pl.DataFrame(schema={"agency": pl.String, "occurred_month": pl.String})
    grid = coverage_by_month([PERIOD], empty, ledger, None, rejected)
    assert grid["status"].to_list() == ["zero report"]
    other = rejected.with_columns(submission_id=pl.lit("AG-FIX-0"))
    grid = coverage_by_month([PERIOD], empty, ledger, None, other)
    assert grid["status"].to_list() == ["nothing publishable"]


def test_a_rejected_receipt_names_only_a_pseudonym_or_is_left_out():
    import json

    from nearmiss_lab.bulletin.coverage import rejected_submissions

    def receipt(agency, start=PERIOD):
        doc = {"period": {"start": start, "end": PERIOD}, "counts": {"rejected": 1}}
        return {"agency": agency, "submission_id": "s", "status": "rejected",
                "receipt_json": json.dumps(doc)}

    frame = pl.DataFrame([receipt("AG-OK1"), receipt("Springfield Police Department"),
                          receipt(None), receipt("AG-OK2", start="June")])
    assert rejected_submissions(frame)["agency"].to_list() == ["AG-OK1"]
