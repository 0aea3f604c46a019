"""Coverage: what the hub can truthfully say about each agency's reporting for a month.

Five answers, tested in this order for each agency and month:

``reported``
    The store holds at least one of its incidents that occurred in the month.
``nothing publishable``
    It submitted for the month, but nothing could be published: records of that month are
    in quarantine (residual identifiers), or a submission covering the month had records
    rejected by validation (their month is unknown, so they may be this month's), or its only
    submissions covering the month were rejected outright.
``zero report``
    An accepted submission covering the month declared no records at all (manifest
    ``record_count`` 0): the agency said, explicitly, that nothing happened.
``covered, no incidents``
    An accepted submission with records covered the month, none of them occurred in it and
    none was held back (e.g. a quarterly file whose incidents all fell in other months).
``no submission``
    Nothing the agency sent covers the month.

"Zero report" is only ever said of an explicit, accepted zero report with nothing held back:
an agency whose only incident of the month was quarantined must not read as having had a
quiet month.
"""

from __future__ import annotations

import polars as pl

REPORTED = "reported"
HELD_BACK = "nothing publishable"
ZERO_REPORT = "zero report"
COVERED_NONE = "covered, no incidents"
NO_SUBMISSION = "no submission"
STATUSES = (REPORTED, HELD_BACK, ZERO_REPORT, COVERED_NONE, NO_SUBMISSION)

PSEUDONYM = r"^AG-[A-Z0-9]{3,12}$"
YEAR_MONTH = r"^[0-9]{4}-(0[1-9]|1[0-2])$"

#: Ledger statuses of submissions whose records were stored (the rest stored nothing).
ACCEPTED_STATUSES = ("accepted", "accepted_with_warnings", "accepted_with_errors")

_SPANS = pl.Schema({"agency": pl.String(), "period_start": pl.String(),
                    "period_end": pl.String(), "accepted": pl.Boolean(), "zero": pl.Boolean(),
                    "held": pl.Int64()})


def quarantined_months(quarantine: pl.DataFrame) -> pl.DataFrame:
    """``agency`` and ``occurred_month`` of every record in quarantine (never its text).

    Takes ``quarantine`` table rows (or a frame already holding ``occurred_month``).
    """
    if quarantine.is_empty() or "agency" not in quarantine.columns:
        return pl.DataFrame(schema={"agency": pl.String, "occurred_month": pl.String})
    month = (pl.col("occurred_month") if "occurred_month" in quarantine.columns
             else pl.col("record_json").str.json_path_match("$.occurred_month"))
    return quarantine.select("agency", month.alias("occurred_month"))


def rejected_submissions(receipts: pl.DataFrame) -> pl.DataFrame:
    """Submissions the hub rejected outright, from ``receipts`` rows: who, which period, how
    many of their records were rejected (``agency``, ``submission_id``, ``period_start``,
    ``period_end``, ``rejected``; records already stored, counted as duplicates, are not
    held back). Receipts without an agency or period (an unreadable manifest) cannot cover
    a month and are left out."""
    schema = pl.Schema({"agency": pl.String(), "submission_id": pl.String(),
                        "period_start": pl.String(), "period_end": pl.String(),
                        "rejected": pl.Int64()})
    if receipts.is_empty() or "receipt_json" not in receipts.columns:
        return pl.DataFrame(schema=schema)
    doc = pl.col("receipt_json")
    return (
        receipts.filter(pl.col("status") == "rejected")
        .select(
            "agency", "submission_id",
            doc.str.json_path_match("$.period.start").alias("period_start"),
            doc.str.json_path_match("$.period.end").alias("period_end"),
            doc.str.json_path_match("$.counts.rejected").cast(pl.Int64).fill_null(0)
            .alias("rejected"),
        )
        .drop_nulls(["agency", "period_start", "period_end"])
        # The manifest was schema-checked before its agency reached the receipt, but a
        # bulletin prints this column: anything but a pseudonym never gets that far.
        .filter(pl.col("agency").str.contains(PSEUDONYM)
                & pl.col("period_start").str.contains(YEAR_MONTH)
                & pl.col("period_end").str.contains(YEAR_MONTH))
        .cast(schema)
    )


def _spans(submissions: pl.DataFrame, rejected: pl.DataFrame) -> pl.DataFrame:
    """Every submission as (agency, period, accepted?, explicit zero?, records held back)."""
    parts = [pl.DataFrame(schema=_SPANS)]
    if not submissions.is_empty() and "agency" in submissions.columns:
        ledger = submissions.drop_nulls(["agency", "period_start", "period_end"])
        declared = (
            pl.col("manifest_json").str.json_path_match("$.record_count").cast(pl.Int64)
            if "manifest_json" in ledger.columns else pl.lit(None, pl.Int64)
        )
        received = (pl.col("received") if "received" in ledger.columns
                    else pl.lit(None, pl.Int64))
        accepted = pl.col("status").is_in(ACCEPTED_STATUSES)
        rejected_rows = (pl.col("rejected") if "rejected" in ledger.columns
                         else pl.lit(None, pl.Int64)).fill_null(0)
        parts.append(ledger.select(
            "agency", "period_start", "period_end", accepted.alias("accepted"),
            (accepted & (pl.coalesce(declared, received) == 0)).fill_null(False).alias("zero"),
            # An accepted submission holds back its rejected records; a ledger row that was
            # not accepted stored nothing, so all it received is held back.
            pl.when(accepted).then(rejected_rows).otherwise(received.fill_null(0))
            .alias("held"),
        ).cast(_SPANS))
        known = set(ledger["submission_id"].drop_nulls().to_list()) \
            if "submission_id" in ledger.columns else set()
    else:
        known = set()
    if not rejected.is_empty():
        # A rejected attempt whose id later made it into the ledger was superseded.
        rejected = rejected.filter(~pl.col("submission_id").is_in(list(known)))
        parts.append(rejected.select(
            "agency", "period_start", "period_end", pl.lit(False).alias("accepted"),
            pl.lit(False).alias("zero"), pl.col("rejected").alias("held"),
        ).cast(_SPANS))
    return pl.concat(parts)


def coverage_by_month(
    months: list[str],
    incidents: pl.DataFrame,
    submissions: pl.DataFrame,
    quarantined: pl.DataFrame | None = None,
    rejected: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Classify every known agency in every month (see the module docstring).

    Parameters
    ----------
    months : list of str
        ``YYYY-MM`` months to classify.
    incidents : polars.DataFrame
        Stored incidents (``agency``, ``occurred_month``), one row per incident, or counts
        per agency and month in an ``incidents`` column.
    submissions : polars.DataFrame
        ``submissions`` ledger rows.
    quarantined : polars.DataFrame, optional
        :func:`quarantined_months` of the quarantine table.
    rejected : polars.DataFrame, optional
        :func:`rejected_submissions` of the receipts table.

    Returns
    -------
    polars.DataFrame
        ``agency``, ``month``, ``status``, ``submissions`` (submissions covering the month,
        rejected ones included), ``incidents`` (stored), ``held`` (records held back that
        may belong to the month: quarantined records of the month, plus records rejected
        from submissions covering it), sorted by agency then month.
    """
    quarantined = quarantined_months(quarantined if quarantined is not None
                                     else pl.DataFrame())
    rejected = rejected if rejected is not None else pl.DataFrame()
    spans = _spans(submissions, rejected)
    month_frame = pl.DataFrame({"month": months}, schema={"month": pl.String})
    key = ["agency", "month"]

    def per_month(frame: pl.DataFrame, name: str) -> pl.DataFrame:
        count = pl.col(name).sum() if name in frame.columns else pl.len()
        return (frame.rename({"occurred_month": "month"}).group_by(key)
                .agg(count.cast(pl.Int64).alias(name)))

    stored = per_month(incidents, "incidents") if not incidents.is_empty() else \
        pl.DataFrame(schema={**dict.fromkeys(key, pl.String), "incidents": pl.Int64})
    held_q = per_month(quarantined, "quarantined")
    covering = (
        spans.join(month_frame, how="cross")
        .filter((pl.col("period_start") <= pl.col("month"))
                & (pl.col("period_end") >= pl.col("month")))
        .group_by(key).agg(
            pl.len().cast(pl.Int64).alias("submissions"),
            pl.col("accepted").any().alias("accepted"),
            pl.col("zero").any().alias("zero"),
            pl.col("held").sum().cast(pl.Int64).alias("held_rejected"),
        )
    )
    agencies = sorted(
        set(spans["agency"].to_list()) | set(quarantined["agency"].drop_nulls().to_list())
        | (set(incidents["agency"].drop_nulls().to_list()) if not incidents.is_empty()
           else set())
    )
    grid = (
        pl.DataFrame({"agency": agencies}, schema={"agency": pl.String})
        .join(month_frame, how="cross")
        .join(stored, on=key, how="left").join(held_q, on=key, how="left")
        .join(covering, on=key, how="left")
        .with_columns(
            pl.col("incidents", "submissions", "quarantined", "held_rejected")
            .fill_null(0).cast(pl.Int64),
            pl.col("accepted", "zero").fill_null(False),
        )
        .with_columns(held=pl.col("quarantined") + pl.col("held_rejected"))
    )
    status = (
        pl.when(pl.col("incidents") > 0).then(pl.lit(REPORTED))
        .when(pl.col("held") > 0).then(pl.lit(HELD_BACK))
        .when(pl.col("zero")).then(pl.lit(ZERO_REPORT))
        .when(pl.col("accepted")).then(pl.lit(COVERED_NONE))
        .when(pl.col("submissions") > 0).then(pl.lit(HELD_BACK))  # only rejected ones
        .otherwise(pl.lit(NO_SUBMISSION))
    )
    return (grid.with_columns(status=status)
            .select("agency", "month", "status", "submissions", "incidents", "held")
            .sort(key))
