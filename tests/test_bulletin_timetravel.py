"""A bulletin rebuilt from the version it cites is the same bulletin, after later ingests.

Real store, real ingests (the re-scan is the ingest tests' regex stand-in, see
test_bulletin_coverage): build at the latest version v, then ingest a new agency's
submission for the same month, a correction that releases a quarantined record and a
rejected submission; rebuild at v (in process, and with ``nearmiss bulletin --version``
through papermill) and compare everything; build at the latest version and see it differ.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_bulletin_content import column, read_page
from test_bulletin_coverage import PERIOD, incidents, ingest
from test_ingest_support import LEAKY_NARRATIVE, make_incident

from nearmiss_lab import bulletin
from nearmiss_lab.bulletin import compute
from nearmiss_lab.cli import main
from nearmiss_lab.store import store_version

MONTHS = ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05", PERIOD]
SECTIONS = (bulletin.headline, bulletin.top_factors, bulletin.network_figure,
            bulletin.significant_pairs, bulletin.emerging_pairs, bulletin.methods_and_provenance)


def snapshot(data: bulletin.BulletinData) -> dict:
    """Everything a reader of the bulletin sees, plus what provenance cites."""
    return {
        "provenance": bulletin.provenance_record(data),
        "coverage": compute.coverage(data).rows(),
        "monthly": compute.monthly_counts(data).rows(),
        "factors": compute.factor_change(data).rows(),
        "sections": [section(data).markup for section in SECTIONS],
    }


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    root = tmp_path_factory.mktemp("timetravel")
    store = root / "store"
    ingest(root, store, "north", incidents("AG-NORTH", MONTHS * 3), agency="AG-NORTH",
           period=(MONTHS[0], PERIOD))
    ingest(root, store, "zero", [], agency="AG-ZERO")
    held = ingest(root, store, "quar", [make_incident(0, agency="AG-QUAR", occurred_month=PERIOD,
                                                      narrative=LEAKY_NARRATIVE)],
                  agency="AG-QUAR")
    assert held["counts"]["quarantined"] == 1
    version = store_version(store)
    before = bulletin.load_bulletin_data(store, PERIOD)  # the latest, as a hub would build it
    seen = snapshot(before)
    # Later: a new agency reports the same month, AG-LATE's submission for the month is
    # rejected, and AG-QUAR's corrected record releases the quarantined one. (A rejection
    # writes only a receipt, no incidents version: it joins the snapshot of the next ingest,
    # see tests/test_store.py, so it is not the last one here.)
    later = [
        ingest(root, store, "newco", incidents("AG-NEWCO", [PERIOD] * 4), agency="AG-NEWCO"),
        ingest(root, store, "late", incidents("AG-LATE", [PERIOD]), agency="AG-LATE",
               manifest_overrides={"record_count": 3}),
        ingest(root, store, "fix", [make_incident(0, agency="AG-QUAR", occurred_month=PERIOD)],
               agency="AG-QUAR"),
    ]
    assert [r["status"] for r in later] == ["accepted", "rejected", "accepted"]
    assert later[2]["counts"]["released"] == 1
    return store, version, before, seen


def test_the_bulletin_cites_every_table_version_it_read(history):
    _store, version, before, seen = history
    versions = seen["provenance"]["table_versions"]
    assert versions["incidents"] == version == before.versions["incidents"]
    assert set(versions) == {"incidents", "submissions", "quarantine", "receipts"}
    assert all(isinstance(v, int) for v in versions.values())
    text = " ".join(read_page(bulletin.methods_and_provenance(before).markup).text)
    for table in ("incidents", "submissions", "quarantine", "receipts"):
        assert f"{table} table version" in text
    assert f"--version {version}" in text


def test_rebuilding_at_the_cited_version_after_later_ingests_is_identical(history):
    store, version, _before, seen = history
    again = bulletin.load_bulletin_data(store, PERIOD, version=version)
    assert snapshot(again) == seen
    statuses = dict((a, s) for a, s, *_ in seen["coverage"])
    assert statuses == {"AG-NORTH": "reported", "AG-QUAR": "nothing publishable",
                        "AG-ZERO": "zero report"}


def test_building_at_the_latest_version_sees_the_later_ingests(history):
    store, version, _before, seen = history
    latest = bulletin.load_bulletin_data(store, PERIOD)
    assert latest.versions["incidents"] > version
    now = snapshot(latest)
    assert now["provenance"]["data_hash"] != seen["provenance"]["data_hash"]
    assert now["provenance"]["bulletin_id"] != seen["provenance"]["bulletin_id"]
    statuses = dict((a, s) for a, s, *_ in now["coverage"])
    assert statuses == {"AG-LATE": "nothing publishable", "AG-NEWCO": "reported",
                        "AG-NORTH": "reported", "AG-QUAR": "reported", "AG-ZERO": "zero report"}


def test_cli_version_rebuilds_the_cited_bulletin_through_the_notebook(history, tmp_path):
    store, version, before, seen = history
    result = CliRunner().invoke(main, ["bulletin", "--store", str(store), "--period", PERIOD,
                                       "--version", str(version), "--out", str(tmp_path),
                                       "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["store_version"] == version
    folder = Path(answer["html"]).parent
    assert folder.name == seen["provenance"]["bulletin_id"]
    prov = json.loads((folder / "provenance.json").read_text())
    for key in ("table_versions", "data_hash", "parameters", "window"):
        assert prov[key] == seen["provenance"][key], key
    page = read_page(Path(answer["html"]).read_text(encoding="utf-8"))
    table = next(t for t in page.tables if t and t[0][:2] == ["agency", "status"])
    assert list(zip(column(table, "agency"), column(table, "status"), strict=True)) == [
        (a, s) for a, s, *_ in seen["coverage"]]


def test_cli_refuses_a_version_the_store_never_had_before_running(history, tmp_path):
    store, _version, _before, _seen = history
    result = CliRunner().invoke(main, ["bulletin", "--store", str(store), "--period", PERIOD,
                                       "--version", "99", "--out", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert "version 99 does not exist" in result.output
    assert not any(tmp_path.iterdir())
