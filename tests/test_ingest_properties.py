"""Property test of the ingest path: whatever mix of records arrives, the store stays sound."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_ingest_support import (
    LEAKY_NARRATIVE,
    assert_valid_receipt,
    make_incident,
    regex_scanner,
    write_submission,
)

from nearmiss_lab.ingest import ingest_submission
from nearmiss_lab.store import load_incidents, load_table

# What each line of the submission is: a fresh valid record, an invalid one, a leaky one, a
# copy of an earlier line, or a record the store already holds.
KINDS = st.sampled_from(["valid", "invalid", "leaky", "repeat", "stored"])


def build(kinds: list[str]) -> tuple[list[dict], list[dict]]:
    lines: list[dict] = []
    stored = [make_incident(900), make_incident(901)]
    for n, kind in enumerate(kinds):
        if kind == "valid":
            lines.append(make_incident(n))
        elif kind == "invalid":
            lines.append(make_incident(n, subjects=-1))
        elif kind == "leaky":
            lines.append(make_incident(n, narrative=LEAKY_NARRATIVE + f" {'x' * n}"))
        elif kind == "repeat" and lines:
            lines.append(dict(lines[-1]))
        else:
            lines.append(stored[n % 2])
    return lines, stored


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(KINDS, min_size=1, max_size=8))
@example(["stored", "stored"])  # the earlier submission again, byte for byte
def test_any_mix_of_records_leaves_the_store_sound(kinds):
    lines, stored = build(kinds)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        store = root / "store"
        ingest_submission(write_submission(root / "pre", stored), store, scanner=regex_scanner)
        folder = write_submission(root / "s", lines)
        receipt = ingest_submission(folder, store, scanner=regex_scanner)
        assert_valid_receipt(receipt)
        c = receipt["counts"]
        assert c["received"] == len(lines)
        # invalid lines, and later lines repeating a record_id (rule R-027: an error within one
        # submission; across submissions the same id is a duplicate record, kept once)
        ids = [line["record_id"] for line in lines]
        repeated = sum(1 for n, rid in enumerate(ids) if rid in ids[:n])
        assert c["rejected"] == kinds.count("invalid") + repeated
        inc = load_incidents(store).collect()
        quarantine = load_table(store, "quarantine").collect()
        assert inc["incident_key"].n_unique() == inc.height
        assert inc["content_hash"].n_unique() == inc.height
        assert not set(inc["incident_key"]) & set(quarantine["incident_key"])
        mine = inc.filter(pl.col("submission_id") == receipt["submission_id"])
        if receipt["status"] == "duplicate":
            # the lines are byte-for-byte the earlier submission: same content-derived id,
            # nothing new lands and the rows under that id are the earlier ingest's
            assert lines == stored and c["accepted"] == 0 and mine.height == len(stored)
            return
        if receipt["status"] != "rejected":
            assert mine.height == c["accepted"]
            assert quarantine.height == c["quarantined"]
        else:
            assert mine.height == 0 and c["accepted"] == 0
        before = (inc.height, quarantine.height)
        again = ingest_submission(folder, store, scanner=regex_scanner)
        assert again["status"] == ("rejected" if receipt["status"] == "rejected"
                                   else "duplicate")
        assert (load_incidents(store).collect().height,
                load_table(store, "quarantine").collect().height) == before


# Ways to make a record fail validation while carrying a value (the token) that must never
# be echoed: in the offending field itself, as an unknown key or value, or in the free text
# of a record rejected for another reason.
def _put(field: str):
    return lambda record, token: record.update({field: token})


MUTATIONS = {
    "month": _put("occurred_month"),
    "enum": _put("state"),
    "type": _put("subjects"),
    "nested enum": lambda r, t: r["officer"].update(role=t),
    "list item": lambda r, t: r.update(activities=[t]),
    "factor code": lambda r, t: r["factors"][0].update(code=t),
    "evidence field": lambda r, t: r["factors"][1]["evidence"][0].update(field=t),
    "unknown key": lambda r, t: r.update({t: 1}),
    "unknown nested key": lambda r, t: r["officer"].update({t: t}),
    "unknown value": _put("extra"),
    "record id": lambda r, t: r.update(record_id=t + " /"),
    "agency": _put("agency"),
    "text of an invalid record": lambda r, t: r.update(
        narrative=f"The subject {t} kept reaching under the seat at the stop.",
        lessons_learned=f"{t} should have waited.", subjects=-1),
    "too long text": lambda r, t: r.update(narrative=(t + " ") * 3000),
}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(token=st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
                     min_size=6, max_size=14).map(lambda s: "Qz" + s),
       mutations=st.lists(st.sampled_from(sorted(MUTATIONS)), min_size=1, max_size=4),
       valid=st.integers(min_value=0, max_value=2))
def test_no_value_of_a_rejected_record_ever_appears_in_a_receipt(token, mutations, valid):
    records = [make_incident(n) for n in range(valid)]
    for n, name in enumerate(mutations):
        record = make_incident(100 + n)
        MUTATIONS[name](record, token)
        records.append(record)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        receipt = ingest_submission(write_submission(root / "s", records), root / "store",
                                    scanner=regex_scanner)
        assert_valid_receipt(receipt)
        assert receipt["counts"]["rejected"] == len(mutations)
        assert token not in json.dumps(receipt, ensure_ascii=False)
        stored = load_table(root / "store", "receipts").collect()["receipt_json"].to_list()
        assert not any(token in text for text in stored)
        assert token not in load_incidents(root / "store").collect().write_json()
