"""Property test of the ingest path: whatever mix of records arrives, the store stays sound."""

from __future__ import annotations

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
