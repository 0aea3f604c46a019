"""The generalisation policy: bands, blocks, months and states, and their edges."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest

from nearmiss_lab.intake import PolicyError, load_policy, mapping_from_dict, read_export, state_code
from nearmiss_lab.intake.policy import DEFAULT_POLICY_PATH

POLICY = load_policy()


def test_default_policy_is_nm_deid_1() -> None:
    assert POLICY.id == "nm-deid-1"
    assert POLICY.path == DEFAULT_POLICY_PATH


@pytest.mark.parametrize(("hour", "minute", "block"), [
    (0, 0, "00-06"), (5, 59, "00-06"), (6, 0, "06-12"), (11, 59, "06-12"), (12, 0, "12-18"),
    (17, 59, "12-18"), (18, 0, "18-24"), (23, 59, "18-24"),
])
def test_time_blocks(hour: int, minute: int, block: str) -> None:
    assert POLICY.time_block(dt.time(hour, minute)) == block


def test_unknown_time_is_unknown_block() -> None:
    assert POLICY.time_block(None) == "unknown"


@pytest.mark.parametrize(("years", "band"), [
    (0, "0-2"), (2, "0-2"), (2.99, "0-2"), (3, "3-5"), (5, "3-5"), (5.5, "3-5"), (6, "6-10"),
    (10, "6-10"), (11, "11-20"), (20, "11-20"), (21, "21+"), (60, "21+"), (61, None), (-1, None),
])
def test_service_bands(years: float, band: str | None) -> None:
    assert POLICY.service_years.band(years) == band


@pytest.mark.parametrize(("age", "band"), [
    (17, None), (18, "18-24"), (24, "18-24"), (25, "25-34"), (34, "25-34"), (35, "35-44"),
    (54, "45-54"), (55, "55+"), (100, "55+"), (101, None),
])
def test_age_bands(age: int, band: str | None) -> None:
    assert POLICY.age.band(age) == band


@pytest.mark.parametrize(("sworn", "band"), [(1, "1-9"), (9, "1-9"), (10, "10-49"),
                                             (499, "100-499"), (999, "500-999"), (1000, "1000+")])
def test_agency_size_bands(sworn: int, band: str) -> None:
    assert POLICY.agency_size.band(sworn) == band


@pytest.mark.parametrize(("text", "place", "code"), [
    ("OK", False, "OK"), ("ok", False, "OK"), ("Oklahoma", False, "OK"),
    (" new mexico ", False, "NM"), ("Irondale, OK 74012", True, "OK"),
    ("Irondale, Oklahoma", True, "OK"), ("Stone County, TX", True, "TX"),
    ("Nowhere", False, None), ("Irondale OK", True, None), ("Irondale, Narnia", True, None),
])
def test_state_codes(text: str, place: bool, code: str | None) -> None:
    assert state_code(text, parse_place=place) == code


# -- through the intake --------------------------------------------------------------------
def _read(tmp_path: Path, fields: dict[str, Any], header: list[str],
          rows: list[list[str]]) -> list[Any]:
    doc = {
        "mapping_version": "1.0.0", "agency": "AG-GEN1", "format": {"reader": "csv"},
        "record_id": {"column": "id", "derive": "none"}, "direct_identifiers": [],
        "fields": {"activities": {"value": "ACT.TRAINING"}, "narrative": {"value": "x"},
                   "officers_on_scene": {"value": 1}, "subjects": {"value": 0}, **fields},
    }
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(["id", *header])
    for i, cells in enumerate(rows):
        writer.writerow([f"r{i}", *cells])
    export = tmp_path / "e.csv"
    export.write_text(buffer.getvalue(), encoding="utf-8")
    return list(read_export(export, mapping_from_dict(doc)))


@pytest.mark.parametrize(("value", "month", "block"), [
    ("2024-01-31 23:59", "2024-01", "18-24"),
    ("2024-02-01 00:00", "2024-02", "00-06"),
    ("2023-12-31 23:59", "2023-12", "18-24"),
    ("2024-02-29 12:00", "2024-02", "12-18"),
])
def test_month_and_block_at_boundaries(tmp_path: Path, value: str, month: str,
                                       block: str) -> None:
    (row,) = _read(tmp_path, {"occurred": {"column": "at", "formats": ["%Y-%m-%d %H:%M"]}},
                   ["at"], [[value]])
    assert (row.draft["occurred_month"], row.draft["time_block"]) == (month, block)


def test_iso_offsets_keep_the_local_wall_clock(tmp_path: Path) -> None:
    # 23:30 at UTC-5 is 04:30 UTC on 1 February; the report happened on 31 January, late.
    (row,) = _read(tmp_path, {"occurred": {"column": "at", "formats": ["iso"]}}, ["at"],
                   [["2024-01-31T23:30:00-05:00"]])
    assert (row.draft["occurred_month"], row.draft["time_block"]) == ("2024-01", "18-24")


def test_date_without_time_gives_unknown_block(tmp_path: Path) -> None:
    fields = {"occurred": {"column": "at", "formats": ["%Y-%m-%d %H:%M", "%Y-%m-%d"]}}
    rows = _read(tmp_path, fields, ["at"], [["2024-03-05"], ["2024-03-05 00:00"]])
    assert [r.draft["time_block"] for r in rows] == ["unknown", "00-06"]


def test_hire_date_gives_completed_years_at_the_occurred_date(tmp_path: Path) -> None:
    fields = {"occurred_date": {"column": "d", "formats": ["%Y-%m-%d"]},
              "officer.hire_date": {"column": "h", "formats": ["%Y-%m-%d"]}}
    rows = _read(tmp_path, fields, ["d", "h"], [
        ["2024-06-15", "2021-06-15"],   # exactly 3 years
        ["2024-06-15", "2021-06-16"],   # one day short of 3 years
        ["2024-02-28", "2021-02-28"],
        ["2024-06-15", "2024-06-16"],   # hired after the incident: unknown + warning
    ])
    assert [r.draft["officer"]["service_band"] for r in rows] == ["3-5", "0-2", "3-5", "unknown"]
    assert [i.code for i in rows[3].issues] == ["intake-out-of-range"]


def test_age_and_size_through_the_mapping(tmp_path: Path) -> None:
    fields = {"occurred_date": {"column": "d", "formats": ["%Y-%m-%d"]},
              "officer.age": {"column": "age"}, "agency_size": {"column": "sworn"}}
    rows = _read(tmp_path, fields, ["d", "age", "sworn"], [
        ["2024-06-15", "24", "49"], ["2024-06-15", "25", "50"], ["2024-06-15", "", "12"],
        ["2024-06-15", "12", "3"]])
    assert [r.draft["officer"].get("age_band") for r in rows] == ["18-24", "25-34", None,
                                                                  "unknown"]
    assert [r.draft["agency_size"] for r in rows] == ["10-49", "50-99", "10-49", "1-9"]
    assert [i.pointer for i in rows[3].issues] == ["/officer/age_band"]


def test_place_column_keeps_only_the_state(tmp_path: Path) -> None:
    fields = {"occurred_date": {"column": "d", "formats": ["%Y-%m-%d"]},
              "state": {"column": "where", "parse": "place"}}
    rows = _read(tmp_path, fields, ["d", "where"], [["2024-06-15", "Irondale, OK 74012"],
                                                     ["2024-06-15", "Irondale"]])
    assert rows[0].draft["state"] == "OK"
    assert "Irondale" not in repr(rows)
    assert [i.code for i in rows[1].issues] == ["intake-unknown-label"]


def _write_policy(tmp_path: Path, change: Any) -> Path:
    doc = json.loads(DEFAULT_POLICY_PATH.read_text(encoding="utf-8"))
    change(doc)
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_a_custom_policy_file_loads(tmp_path: Path) -> None:
    path = _write_policy(tmp_path, lambda d: d.update(policy="agency-strict-2"))
    assert load_policy(path).id == "agency-strict-2"


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d.pop("age"), "does not conform"),
    (lambda d: d.update(policy="Has Spaces"), "does not conform"),
    (lambda d: d["date"].update(keep="day"), "does not conform"),
    (lambda d: d["time"]["blocks"].pop(), "cover every hour"),
    (lambda d: d["time"]["blocks"][0].update(to_hour=7), "cover every hour"),
    (lambda d: d["service_years"]["bands"][0].update(label="0-1"), "does not conform"),
])
def test_broken_policy_files_are_errors(tmp_path: Path, change: Any, message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        load_policy(_write_policy(tmp_path, change))


def test_missing_or_unreadable_policy(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="not found"):
        load_policy(tmp_path / "nope.json")
    (tmp_path / "bad.json").write_text("[", encoding="utf-8")
    with pytest.raises(PolicyError, match="unreadable"):
        load_policy(tmp_path / "bad.json")
