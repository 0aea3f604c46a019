"""The Delta Lake store: schemas, row round trip, time travel, filters, summary, lock."""

from __future__ import annotations

import json
import multiprocessing
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
from test_ingest_support import make_incident

from nearmiss_lab.store import (
    INCIDENTS_SCHEMA,
    StoreNotFoundError,
    append_rows,
    content_hash,
    incident_to_row,
    init_store,
    load_incidents,
    load_table,
    resolve_store,
    row_to_incident,
    store_info,
    store_lock,
    store_version,
)
from nearmiss_lab.store.tables import commit_version, committed_by, replace_rows

NOW = datetime(2024, 7, 1, 12, 0, tzinfo=UTC)


def rows(records, submission_id="AG-NORTH-0000000000000001"):
    return [incident_to_row(r, submission_id=submission_id, ingested_at=NOW) for r in records]


@pytest.fixture()
def store(tmp_path) -> Path:
    return init_store(tmp_path / "store")


def test_init_creates_four_empty_tables_at_version_zero(store):
    info = store_info(store)
    assert set(info["tables"]) == {"incidents", "submissions", "quarantine", "receipts"}
    assert all(t["exists"] and t["version"] == 0 and t["rows"] == 0
               for t in info["tables"].values())
    assert load_incidents(store).collect().schema == INCIDENTS_SCHEMA
    init_store(store)  # idempotent: no new versions
    assert store_version(store) == 0


def test_row_round_trips_to_the_same_incident():
    for i in range(4):
        record = make_incident(i)
        if i == 1:
            del record["officer"]["age_band"]
        row = incident_to_row(record, submission_id="s", ingested_at=NOW)
        assert set(row) == set(INCIDENTS_SCHEMA)
        assert row["incident_key"] == f"AG-NORTH:{record['record_id']}"
        assert row_to_incident(row) == record


def test_rows_read_back_from_delta_rebuild_the_records(store):
    records = [make_incident(i) for i in range(3)]
    append_rows(store, "incidents", rows(records))
    df = load_incidents(store).collect()
    back = sorted((row_to_incident(r) for r in df.iter_rows(named=True)),
                  key=lambda r: r["record_id"])
    assert back == records
    factors = df.filter(pl.col("record_id") == "r-0000")["factors"].to_list()[0]
    assert factors[1]["evidence"] == [{"field": "narrative", "start": 4, "end": 20}]
    assert json.loads(df["deid_entities"][0]) == {"PERSON": 1}


def test_content_hash_ignores_identity_but_not_content():
    a = make_incident(1)
    b = make_incident(1, record_id="other", schema_version="1.2.0")
    c = make_incident(1, narrative="Something else happened.")
    assert content_hash(a) == content_hash(b) != content_hash(c)


def test_each_append_is_one_version_and_old_versions_read_exactly(store):
    v1 = append_rows(store, "incidents", rows([make_incident(0), make_incident(1)]))
    v2 = append_rows(store, "incidents", rows([make_incident(2)], "AG-NORTH-0000000000000002"))
    assert (v1, v2) == (1, 2) and store_version(store) == 2
    assert load_incidents(store, version=1).collect()["record_id"].sort().to_list() == [
        "r-0000", "r-0001"]
    assert load_incidents(store, version=0).collect().height == 0
    assert load_incidents(store).collect().height == 3
    with pytest.raises(ValueError, match="versions 0..2"):
        load_incidents(store, version=7)


@pytest.mark.parametrize("folder", ["my store", "a<b>&c", "caf\u00e9 100%"])
def test_a_store_under_any_folder_name_reads_the_same_rows_and_versions(tmp_path, folder):
    """polars' Delta reader percent-encodes file paths and then looks for them literally; a
    store in a folder whose name needs encoding is read another way, with the same result."""
    import shutil

    plain = init_store(tmp_path / "plain")
    append_rows(plain, "incidents", rows([make_incident(0), make_incident(1)]))
    append_rows(plain, "incidents", rows([make_incident(2)], "AG-NORTH-0000000000000002"))
    odd = tmp_path / folder / "store"
    shutil.copytree(plain, odd)  # Delta logs name data files relative to the table
    reads = [("incidents", 0), ("incidents", 1), ("incidents", 2),
             *((t, None) for t in ("incidents", "submissions", "quarantine", "receipts"))]
    for table, version in reads:
        want = load_table(plain, table, version=version).collect()
        got = load_table(odd, table, version=version).collect()
        assert got.schema == want.schema
        assert got.sort(got.columns[0]).equals(want.sort(want.columns[0]))
    assert load_incidents(odd, since="2024-01").collect().height == load_incidents(
        plain, since="2024-01").collect().height
    assert store_info(odd)["tables"]["incidents"]["rows"] == 3


@pytest.mark.parametrize("folder", ["store #1", "what?"])
def test_a_store_path_deltalake_reads_as_a_url_is_refused_with_a_named_error(tmp_path, folder):
    from nearmiss_lab.store.tables import StorePathError

    with pytest.raises(StorePathError, match="'#' or '\\?'"):
        init_store(tmp_path / folder / "store")
    assert not (tmp_path / folder).exists()


def test_filters_by_period_inclusive_and_agency(store):
    recs = [make_incident(i) for i in range(6)]  # months 2024-01 .. 2024-06
    recs.append(make_incident(9, agency="AG-SOUTH"))  # 2024-04
    append_rows(store, "incidents", rows(recs))
    got = load_incidents(store, since="2024-02", until="2024-04").collect()
    assert sorted(got["occurred_month"].to_list()) == ["2024-02", "2024-03", "2024-04", "2024-04"]
    south = load_incidents(store, agencies=["AG-SOUTH"]).collect()
    assert south["record_id"].to_list() == ["r-0009"]
    with pytest.raises(ValueError, match="YYYY-MM"):
        load_incidents(store, since="2024-3")


def test_default_location_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("NEARMISS_STORE", str(tmp_path / "envstore"))
    assert resolve_store(None) == tmp_path / "envstore"
    init_store()
    append_rows(None, "incidents", rows([make_incident(0)]))
    assert load_incidents().collect().height == 1
    monkeypatch.delenv("NEARMISS_STORE")
    assert resolve_store(None) == Path("store")


def test_missing_store_raises_a_named_error(tmp_path):
    with pytest.raises(StoreNotFoundError, match="no 'incidents' table"):
        load_incidents(tmp_path / "nothing")
    with pytest.raises(StoreNotFoundError):
        store_info(tmp_path / "nothing")


def test_ingest_marker_is_recorded_once_per_table(store):
    assert not committed_by(store, "incidents", "ingest-A")
    v = append_rows(store, "incidents", rows([make_incident(0)]), ingest_id="ingest-A")
    append_rows(store, "incidents", rows([make_incident(1)]), ingest_id="ingest-B")
    assert committed_by(store, "incidents", "ingest-A")
    assert not committed_by(store, "quarantine", "ingest-A")
    assert commit_version(store, "incidents", "ingest-A") == v == 1
    assert commit_version(store, "incidents", "ingest-C") is None


def test_replace_rows_deletes_released_keys_and_replaces_others(store):
    def q(key, sid):
        return {"incident_key": key, "record_id": key.split(":")[1], "agency": "AG-NORTH",
                "submission_id": sid, "record_index": 0, "content_hash": "x",
                "reason_codes": ["ingest-residual-identifier"], "findings": [],
                "record_json": "{}", "schema_version": "1.0.0", "quarantined_at": NOW}

    append_rows(store, "quarantine", [q("AG-NORTH:a", "s1"), q("AG-NORTH:b", "s1"),
                                      q("AG-NORTH:c", "s1")])
    replace_rows(store, "quarantine", "incident_key", ["AG-NORTH:a", "AG-NORTH:b"],
                 [q("AG-NORTH:b", "s2")])
    got = load_table(store, "quarantine").collect().sort("incident_key")
    assert got.select("incident_key", "submission_id").rows() == [
        ("AG-NORTH:b", "s2"), ("AG-NORTH:c", "s1")]
    assert store_version(store, "quarantine") == 2


def test_store_info_reports_agencies_periods_and_statuses(store):
    append_rows(store, "incidents", rows([make_incident(i) for i in range(3)]
                                         + [make_incident(4, agency="AG-SOUTH")]))
    info = store_info(store)
    assert info["tables"]["incidents"] | {"updated_ms": 0} == {
        "exists": True, "version": 1, "rows": 4, "updated_ms": 0}
    assert [(a["agency"], a["incidents"]) for a in info["agencies"]] == [
        ("AG-NORTH", 3), ("AG-SOUTH", 1)]
    assert info["periods"] == {"first": "2024-01", "last": "2024-05", "months": 4,
                               "zero_report_months": []}
    json.dumps(info)  # JSON-ready


def _hold_lock(store, started, release):
    with store_lock(store):
        started.set()
        release.wait(10)


def test_store_lock_excludes_a_second_process(store):
    ctx = multiprocessing.get_context("spawn")
    started, release = ctx.Event(), ctx.Event()
    proc = ctx.Process(target=_hold_lock, args=(store, started, release))
    proc.start()
    try:
        assert started.wait(30)
        with pytest.raises(TimeoutError, match="locked"):
            with store_lock(store, timeout=0.3):
                pass
    finally:
        release.set()
        proc.join(30)
    with store_lock(store, timeout=5):
        pass  # released when the holder exits


def _ledger(agency: str, ingest_id: str | None = None) -> list[dict]:
    from nearmiss_lab.store import SUBMISSIONS_SCHEMA

    row = dict.fromkeys(SUBMISSIONS_SCHEMA)
    row.update(submission_id=f"{agency}-{ingest_id}", agency=agency, ingest_id=ingest_id,
               period_start="2024-01", period_end="2024-06", status="accepted")
    return [row]


def _receipt(status: str) -> list[dict]:
    from nearmiss_lab.store import RECEIPTS_SCHEMA

    row = dict.fromkeys(RECEIPTS_SCHEMA)
    row.update(receipt_id=status, status=status, agency="AG-NORTH")
    return [row]


def _ingest(store, ingest_id: str, records, *, quarantine: bool = False,
            ledger: bool = True) -> int:
    """The commits of one ingest in the order nearmiss_lab.ingest.commit makes them."""
    version = append_rows(store, "incidents", rows(records, f"AG-NORTH-{ingest_id}"),
                          ingest_id=ingest_id)
    if quarantine:
        append_rows(store, "quarantine", [], ingest_id=ingest_id)
    append_rows(store, "receipts", _receipt("accepted"), ingest_id=ingest_id)
    if ledger:
        append_rows(store, "submissions", _ledger("AG-NORTH", ingest_id), ingest_id=ingest_id)
    return version


def test_snapshot_pins_each_table_to_the_ingests_up_to_an_incidents_version(store):
    import time

    from nearmiss_lab.store import snapshot_versions

    assert snapshot_versions(store) == dict.fromkeys(
        ("incidents", "submissions", "quarantine", "receipts"), 0)
    assert _ingest(store, "X", [make_incident(0)]) == 1
    time.sleep(0.02)  # commit times are in ms: keep the next one clearly later
    append_rows(store, "receipts", _receipt("rejected"))  # untagged, outside the lock
    expected_1 = {"incidents": 1, "submissions": 1, "quarantine": 0, "receipts": 1}
    # The rejected receipt came after X finished: not part of version 1, even while 1 is
    # the latest version (else a rebuild of a bulletin at 1 would change when it arrives).
    assert snapshot_versions(store) == expected_1
    assert _ingest(store, "Y", [make_incident(1)], quarantine=True) == 2
    assert snapshot_versions(store, 1) == expected_1
    assert snapshot_versions(store, 2) == snapshot_versions(store, -1) == {
        "incidents": 2, "submissions": 2, "quarantine": 1, "receipts": 3}
    assert snapshot_versions(store, 0)["submissions"] == 0
    with pytest.raises(ValueError, match="versions 0..2"):
        snapshot_versions(store, 3)
    with pytest.raises(StoreNotFoundError):
        snapshot_versions(store.parent / "nothing")


def test_snapshot_of_an_ingest_completed_after_a_crash_does_not_move(store):
    from nearmiss_lab.store import snapshot_versions

    # X committed its incidents and died; Y ran in full; X's re-run then wrote the rest.
    append_rows(store, "incidents", rows([make_incident(0)], "X"), ingest_id="X")
    _ingest(store, "Y", [make_incident(1)])
    before = snapshot_versions(store, 1)
    append_rows(store, "receipts", _receipt("accepted"), ingest_id="X")
    append_rows(store, "submissions", _ledger("AG-NORTH", "X"), ingest_id="X")
    assert snapshot_versions(store, 1) == before == {
        "incidents": 1, "submissions": 0, "quarantine": 0, "receipts": 0}
    assert snapshot_versions(store, 2) == {"incidents": 2, "submissions": 2, "quarantine": 0,
                                           "receipts": 2}


def test_snapshot_of_a_table_written_by_hand_takes_what_came_before_the_next_version(store):
    from nearmiss_lab.store import snapshot_versions

    append_rows(store, "incidents", rows([make_incident(0)]))
    append_rows(store, "submissions", _ledger("AG-NORTH"))
    assert snapshot_versions(store, 1)["submissions"] == 1
    append_rows(store, "incidents", rows([make_incident(1)], "s2"))
    append_rows(store, "submissions", _ledger("AG-SOUTH"))
    assert snapshot_versions(store, 1)["submissions"] == 1
    assert snapshot_versions(store, 2)["submissions"] == 2


def test_snapshot_waits_for_an_ingest_that_is_committing(store):
    import threading

    from nearmiss_lab.store import snapshot_versions

    got: dict = {}
    with store_lock(store):  # an ingest between its incidents commit and its ledger row
        append_rows(store, "incidents", rows([make_incident(0)]), ingest_id="X")
        reader = threading.Thread(target=lambda: got.update(snapshot_versions(store)))
        reader.start()
        reader.join(0.5)
        assert reader.is_alive(), "a snapshot is never taken half-way through an ingest"
        append_rows(store, "receipts", _receipt("accepted"), ingest_id="X")
        append_rows(store, "submissions", _ledger("AG-NORTH", "X"), ingest_id="X")
    reader.join(60)
    assert got == {"incidents": 1, "submissions": 1, "quarantine": 0, "receipts": 1}


def test_new_tables_keep_their_commit_log_so_old_versions_stay_readable(tmp_path):
    from deltalake import DeltaTable

    from nearmiss_lab.store import init_store
    from nearmiss_lab.store.schema import TABLES
    from nearmiss_lab.store.tables import table_path

    root = init_store(tmp_path / "store")
    for table in TABLES:
        config = DeltaTable(str(table_path(root, table))).metadata().configuration
        assert config["delta.enableExpiredLogCleanup"] == "false", table
        assert config["delta.logRetentionDuration"] == "interval 36500 days", table
