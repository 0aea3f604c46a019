"""The figures a bulletin shows, as plain polars frames (rendering lives in ``sections``).

Every function takes a :class:`~nearmiss_lab.bulletin.data.BulletinData` and returns raw
numbers; suppression happens when they are displayed, so tests can check both.
"""

from __future__ import annotations

import functools
import hashlib

import polars as pl

from nearmiss_lab.bulletin.data import BulletinData
from nearmiss_lab.bulletin.suppression import (
    PRIMARY,
    SECONDARY,
    SHOWN,
    complementary_suppression,
)

#: Submission statuses whose records count toward coverage.
COUNTED_STATUSES = ("accepted", "accepted_with_warnings", "accepted_with_errors")


@functools.lru_cache(maxsize=1)
def _labels() -> dict[str, str]:
    from nearmiss_lab.spec import load_taxonomy

    taxonomy = load_taxonomy()
    return {code: entry.label for code, entry in taxonomy.entries.items()}


def label(code: str) -> str:
    """Human label of a taxonomy code (the code itself when the taxonomy does not know it)."""
    return _labels().get(code, code)


def coverage(data: BulletinData) -> pl.DataFrame:
    """One row per known agency: what can truthfully be said of its reporting this period.

    See :mod:`nearmiss_lab.bulletin.coverage` for the five statuses; in short, an agency
    whose records of the month were all held back (quarantined or rejected) is
    ``nothing publishable``, never ``zero report``, which needs an explicit, accepted
    submission of no records.

    Returns
    -------
    polars.DataFrame
        ``agency``, ``status``, ``submissions`` (submissions covering the period, rejected
        ones included), ``incidents`` (stored incidents that occurred in the period) and
        ``held`` (records held back that may belong to the period), sorted by agency.
    """
    from nearmiss_lab.bulletin.coverage import coverage_by_month

    return coverage_by_month([data.period], data.period_incidents, data.submissions,
                             data.quarantined, data.rejected).drop("month")


def protected_coverage(data: BulletinData) -> pl.DataFrame:
    """:func:`coverage` with a ``shown`` column: how each agency's incident count may be printed.

    The headline prints the month's total beside the agencies' counts, so a single "< k"
    agency would be the total minus the others. :func:`~nearmiss_lab.bulletin.suppression.
    complementary_suppression` masks the next smallest count where that is so. A reader also
    knows that a "reported" agency had at least one incident and any other had none. The
    total is never hidden (the top-codes table gives it away: a code every incident of the
    month carries has the total as its count); if the counts still cannot be protected, every
    one is masked.

    Returns
    -------
    polars.DataFrame
        :func:`coverage`'s columns and ``shown`` (:data:`~nearmiss_lab.bulletin.suppression.
        SHOWN`, ``PRIMARY`` or ``SECONDARY``).
    """
    from nearmiss_lab.bulletin.coverage import REPORTED

    cov = coverage(data)
    reported = [s == REPORTED for s in cov["status"].to_list()]
    plan = complementary_suppression(
        [[n] for n in cov["incidents"].to_list()], data.k, col_totals=True,
        lower=[[1 if r else 0] for r in reported], upper=[[None if r else 0] for r in reported],
        fixed_totals=True)
    shown = [SECONDARY if plan.exposed else row[0] for row in plan.cells]
    return cov.with_columns(shown=pl.Series(shown, dtype=pl.String))


def monthly_counts(data: BulletinData) -> pl.DataFrame:
    """Incidents per month over the baseline window and the period (zero-filled), with
    ``shown``: how each month's count may be printed.

    The baseline window's total is public whatever the chart shows (each code's baseline
    share is its count over that total, and a code every incident carries has it as its
    count), so the baseline months get complementary suppression against it, as a fixed
    total; the period's own count stands alone (it is the headline's total).
    """
    months = pl.DataFrame({"month": [*data.baseline, data.period]})
    counts = data.incidents.group_by("occurred_month").agg(pl.len().alias("incidents"))
    frame = (
        months.join(counts.rename({"occurred_month": "month"}), on="month", how="left")
        .with_columns(pl.col("incidents").fill_null(0).cast(pl.Int64))
    )
    values = frame["incidents"].to_list()
    plan = complementary_suppression([[n] for n in values[:-1]], data.k, col_totals=True,
                                     fixed_totals=True)
    shown = [SECONDARY if plan.exposed else row[0] for row in plan.cells]
    shown.append(PRIMARY if values[-1] < data.k else SHOWN)
    return frame.with_columns(shown=pl.Series(shown, dtype=pl.String))


def _codes_long(data: BulletinData) -> pl.DataFrame:
    """The (incident, code) rows the network counted, so the top-codes table, the network's
    nodes and the reports picked for a pair count the same codes of the same incidents (with
    extraction on, text-derived codes in all three; by default, in none)."""
    from nearmiss_lab.network import incident_codes

    empty = pl.DataFrame(schema={"incident_key": pl.String, "occurred_month": pl.String,
                                 "code": pl.String})
    if data.incidents.is_empty():
        return empty
    codes = data.network.codes
    if codes is None:  # a NetworkResult built by hand: count as the network's params say
        params = data.network.params
        codes = incident_codes(data.incidents, sources=params.get("sources", ("reported",)),
                               include_activities=params.get("include_activities", True))
    # An incident with no code at all is a row with a null code: it counts in N only.
    return codes.select("incident_key", "occurred_month", "code").drop_nulls("code")


def factor_change(data: BulletinData, n: int = 10) -> pl.DataFrame:
    """The period's most frequent codes with their change against the baseline.

    Codes are counted exactly as the network counted them (``data.network.codes``): a code's
    ``count`` here is its node's ``support`` in the network of the period.

    Returns
    -------
    polars.DataFrame
        ``code``, ``label``, ``count`` (incidents with the code this period), ``share`` (of
        the period's incidents), ``baseline_count``, ``baseline_share`` and ``change`` (ratio
        of the shares; ``inf`` when the baseline never saw the code), top ``n`` by count.
    """
    codes = _codes_long(data)
    n_period = data.period_incidents.height
    n_base = data.incidents.height - n_period
    per_code = codes.group_by("code").agg(
        (pl.col("occurred_month") == data.period).sum().cast(pl.Int64).alias("count"),
        (pl.col("occurred_month") != data.period).sum().cast(pl.Int64).alias("baseline_count"),
    )
    share = pl.col("count") / max(n_period, 1)
    base_share = pl.col("baseline_count") / n_base if n_base else pl.lit(None, pl.Float64)
    return (
        per_code.filter(pl.col("count") > 0)
        .with_columns(share=share, baseline_share=base_share)
        .with_columns(change=pl.col("share") / pl.col("baseline_share"))
        .sort(["count", "code"], descending=[True, False])
        .head(n)
        .with_columns(label=pl.col("code").map_elements(label, return_dtype=pl.String))
        .select("code", "label", "count", "share", "baseline_count", "baseline_share", "change")
    )


#: A code is drawn as rising when its share is at least this many times its baseline share.
RISE_RATIO = 1.5


def rising(frame: pl.DataFrame, data: BulletinData) -> pl.Series:
    """Which rows of :func:`factor_change` are drawn as rising, from printed figures only.

    A code rises when it has at least ``k`` incidents and its share is at least
    :data:`RISE_RATIO` times its baseline share. A baseline count below ``k`` is printed as
    "< k", so it is taken at the largest value that allows, ``k - 1``: otherwise a code
    with a baseline of 0 (an infinite change) would be flagged where one of 3 is not, and
    the colour would give the suppressed count away.
    """
    k = data.k
    n_base = data.incidents.height - data.period_incidents.height
    if frame.is_empty() or n_base == 0:  # nothing to compare with
        return pl.Series("rise", [False] * frame.height, dtype=pl.Boolean)
    base = pl.when(pl.col("baseline_count") >= k).then(pl.col("baseline_count")) \
        .otherwise(pl.lit(k - 1))
    rise = (pl.col("count") >= k) & (pl.col("share") >= RISE_RATIO * base / n_base)
    return frame.select(rise.fill_null(False).alias("rise")).to_series()


def significant_pairs(data: BulletinData, n: int = 20) -> pl.DataFrame:
    """Significant edges of the period, most significant first (the network's measures)."""
    edges = data.network.edges
    if edges.is_empty():
        return edges
    return edges.filter(pl.col("significant")).sort(
        ["q_value", "lift"], descending=[False, True]
    ).head(n)


def emerging(data: BulletinData, n: int = 10) -> pl.DataFrame:
    """Pairs that rose against the baseline, or are new this period."""
    frame = data.network.emerging
    if frame.is_empty() or "emerging" not in frame.columns:
        return frame.clear() if not frame.is_empty() else frame
    return frame.filter(pl.col("emerging")).head(n)


def _stable_rank(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def pick_reports(data: BulletinData, n: int = 3) -> pl.DataFrame:
    """Choose a few of the period's incidents to print as "reports of the week".

    Incidents carrying both codes of an emerging or significant pair come first, then those
    with lessons learned; ties are broken by a hash of the incident key, so the choice is
    deterministic without favouring any agency or record id.
    """
    period = data.period_incidents
    if period.is_empty():
        return period
    pairs = [frozenset(p) for frame in (emerging(data), significant_pairs(data))
             if not frame.is_empty() for p in frame.select("source", "target").iter_rows()]
    codes = _codes_long(data).filter(pl.col("occurred_month") == data.period)
    by_incident: dict[str, set[str]] = {}
    for key, code in codes.select("incident_key", "code").iter_rows():
        by_incident.setdefault(key, set()).add(code)
    keyed = period.with_columns(
        pl.concat_str(["agency", pl.lit(":"), "record_id"]).alias("_key")
        if "incident_key" not in period.columns else pl.col("incident_key").alias("_key")
    )
    scores = []
    for key, lessons in keyed.select("_key", "lessons_learned").iter_rows():
        got = by_incident.get(key, set())
        pair_hits = sum(1 for p in pairs if p <= got)
        scores.append((-pair_hits, 0 if (lessons or "").strip() else 1, _stable_rank(key)))
    order = sorted(range(period.height), key=lambda i: scores[i])[:n]
    return keyed[order].with_columns(
        codes=pl.Series([sorted(by_incident.get(k, set())) for k in keyed[order]["_key"]],
                        dtype=pl.List(pl.String))
    ).drop("_key")


def screen_reports(candidates: pl.DataFrame, n: int) -> tuple[pl.DataFrame, int]:
    """Keep the first ``n`` candidates whose text passes the de-identifier's residual scan.

    The hub scanned every record at ingest, but a store may hold records ingested without
    the scan or by an older de-identifier; a published bulletin re-checks the few narratives
    it prints. Returns the kept rows and how many candidates were passed over.
    """
    if candidates.is_empty():
        return candidates, 0
    from nearmiss_lab.deid import residual_scan_batch

    records = candidates.select("narrative", "lessons_learned").to_dicts()
    findings = residual_scan_batch(records)
    clean = [i for i, found in enumerate(findings) if not found]
    return candidates[clean[:n]], len(findings) - len(clean)


QUESTIONS = {
    "HF": "Which human factor ({label}) was in play, and what could have interrupted it earlier?",
    "EQ": "How would you check your {label} before and during a call like this one?",
    "ENV": "How does {label} change your approach, positioning and cover on a call like this?",
    "PROC": "Does your agency's policy cover this situation ({label})? What would you change?",
    "THREAT": "What pre-attack indicators might have signalled {label} before it happened?",
    "TAC": "What would better {label} have looked like here, and what does your training say?",
    "ROAD": "What would reduce the exposure to {label} at a scene like this?",
    "ACT": "When did your unit last train for {label}, and what did that training leave out?",
}
CLOSING_QUESTION = "What would you tell a new officer about this call?"


def discussion_questions(codes: list[str], n: int = 3) -> list[str]:
    """Questions for a briefing or roll call, one per factor category present, then a closer.

    Examples
    --------
    >>> discussion_questions(["HF.FATIGUE"], n=2)[-1]
    'What would you tell a new officer about this call?'
    """
    questions: list[str] = []
    seen: set[str] = set()
    ordered = sorted(codes, key=lambda c: (c.startswith("ACT."), c))  # factors before activity
    for code in ordered:
        category = code.split(".", 1)[0]
        if category in seen or category not in QUESTIONS:
            continue
        seen.add(category)
        questions.append(QUESTIONS[category].format(label=label(code).lower()))
        if len(questions) == n - 1:
            break
    return [*questions, CLOSING_QUESTION]
