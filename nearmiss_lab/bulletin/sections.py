"""The bulletin's sections, each one notebook cell: ``nearmiss_lab.bulletin.<section>(data)``.

Each returns :class:`~nearmiss_lab.bulletin.html.Html` whose every data value is escaped and
every incident count below ``k`` reads ``"< k"`` (tables, charts and running text alike).
"""

from __future__ import annotations

import polars as pl

from nearmiss_lab import charts
from nearmiss_lab.bulletin import compute
from nearmiss_lab.bulletin.data import BulletinData
from nearmiss_lab.bulletin.html import Html, escape, paragraph, section, table
from nearmiss_lab.bulletin.suppression import (
    MASK,
    display_count,
    suppress_count,
    suppress_frame,
)

MEASURES = {"expected": "{:.1f}", "lift": "{:.2f}", "npmi": "{:.2f}", "jaccard": "{:.2f}",
            "yule_q": "{:.2f}", "odds_ratio": "{:.1f}", "q_value": "{:.2g}"}


def headline(data: BulletinData) -> Html:
    """Title, headline counts and coverage (reporting, zero reports, held back, silent)."""
    from nearmiss_lab.bulletin import coverage as cv

    cov = compute.protected_coverage(data)
    n = data.period_incidents.height
    by_status = {s: cov.filter(pl.col("status") == s).height for s in cv.STATUSES}
    reporting, zero = by_status[cv.REPORTED], by_status[cv.ZERO_REPORT]
    held, quiet, silent = (by_status[cv.HELD_BACK], by_status[cv.COVERED_NONE],
                           by_status[cv.NO_SUBMISSION])
    k = data.k
    stats = "".join(
        f'<div class="nm-stat"><b>{escape(v)}</b>{escape(t)}</div>'
        for v, t in (
            (suppress_count(n, k), "near misses this month"),
            (str(reporting), "agencies reporting"),
            (str(zero), "zero reports"),
            (str(held), "submitted, nothing publishable"),
            (str(silent), "agencies with no submission"),
        )
    )
    text = (
        f"In {data.period}, {suppress_count(n, k)} near misses were reported by "
        f"{reporting} of {cov.height} known agencies; {zero} filed a zero report, "
        f"{held} submitted but nothing of theirs for the month could be published, "
        + (f"{quiet} covered the month in a longer submission with no incident in it, "
           if quiet else "")
        + f"and {silent} sent no submission covering the month."
    )
    if data.submissions.is_empty():
        text += " The submissions ledger is empty, so coverage is taken from incidents alone."
    trend = charts.monthly_counts(
        compute.monthly_counts(data), month="month", count="incidents", k=k, status="shown",
        title="Near misses per month (baseline window and this month)",
    )
    # How many records an agency had held back is the hub's business, not the bulletin's.
    shown = suppress_frame(cov.drop("held", "shown"), k, ["incidents"]).with_columns(
        incidents=pl.Series([display_count(c, s, k) for c, s in
                             cov.select("incidents", "shown").iter_rows()], dtype=pl.String))
    parts = [
        f'<div class="nm-headline">{stats}</div>', paragraph(text), trend._repr_html_(),
        table(shown, caption="Coverage by agency", numeric=("submissions", "incidents")),
        paragraph(
            "Reported: incidents of the month are published. Zero report: the agency "
            "submitted, explicitly, no records for a period covering the month. Nothing "
            "publishable: it submitted, but its records that may belong to the month were "
            "held back by the hub (quarantined for a possible identifier, or rejected), so its "
            "silence here is not a quiet month. Covered, no incidents: a submission with "
            "records covered the month, none occurred in it. No submission: nothing covers "
            f"the month. Counts below {k} are shown as \u201c< {k}\u201d (small-cell "
            f"suppression); \u201c{MASK}\u201d marks a count of {k} or more withheld so that "
            "a smaller one cannot be worked out from the month's total.", "nm-note"),
    ]
    return section(f"Near-miss safety bulletin \u2014 {data.period}", parts, level=1, style=True)


def top_factors(data: BulletinData, n: int = 10) -> Html:
    """The period's most frequent factors and activities with their change against baseline."""
    frame = compute.factor_change(data, n)
    k = data.k
    flagged = frame.with_columns(rise=compute.rising(frame, data))
    chart = charts.count_bars(flagged, category="code", count="count", k=k, rise="rise",
                              title="Most frequent codes this month (red: rising)")
    shown = suppress_frame(
        frame, k, ["count", "baseline_count"],
        {"share": ("{:.0%}", ["count"]), "baseline_share": ("{:.0%}", ["baseline_count"]),
         "change": ("\u00d7{:.2f}", ["count", "baseline_count"])},
    )
    base = f"{data.baseline[0]} to {data.baseline[-1]}"
    parts = [
        chart._repr_html_(),
        table(shown, caption=f"Top codes in {data.period} against the baseline ({base})",
              numeric=("count", "share", "baseline_count", "baseline_share", "change"),
              headers={"count": "incidents", "share": "share", "baseline_count":
                       "baseline incidents", "baseline_share": "baseline share",
                       "change": "change in share"}),
    ]
    return section("Top factors and their change", parts)


def network_figure(data: BulletinData) -> Html:
    """The co-occurrence network of significant pairs as an inline SVG figure."""
    result = data.network
    support = dict(result.nodes.select("code", "support").iter_rows()) \
        if not result.nodes.is_empty() else {}
    emerging = compute.emerging(data)
    highlight = {frozenset(p) for p in emerging.select("source", "target").iter_rows()} \
        if not emerging.is_empty() else set()
    graph = result.graph.copy()
    graph.remove_nodes_from([v for v in list(graph.nodes) if graph.degree(v) == 0])
    figure = charts.network_figure(
        graph, k=data.k, node_counts=support, highlight=highlight,
        title=f"Factors that occur together more than chance, {data.period}",
    )
    note = paragraph(
        "Nodes are codes (incidents in brackets); lines join pairs significant at "
        f"q \u2264 {data.fdr}; red lines are emerging pairs. Layout: networkx spring layout "
        "(seeded).", "nm-note")
    return section("The co-occurrence network", [figure._repr_html_(), note])


def significant_pairs(data: BulletinData, n: int = 20) -> Html:
    """Table of significant pairs with their association measures and q-values."""
    frame = compute.significant_pairs(data, n)
    if frame.is_empty():
        return section("Significant pairs", [paragraph(
            f"No pair reached q \u2264 {data.fdr} with at least {data.min_count} incidents.")])
    cols = ["source", "target", "count", *[c for c in MEASURES if c in frame.columns]]
    shown = suppress_frame(frame.select(cols), data.k, ["count"],
                           {c: MEASURES[c] for c in cols if c in MEASURES})
    return section("Significant pairs", [table(
        shown, caption=f"Pairs significant at q \u2264 {data.fdr} (Benjamini\u2013Hochberg)",
        numeric=cols[2:], headers={"count": "incidents"})])


def emerging_pairs(data: BulletinData, n: int = 10) -> Html:
    """Pairs whose rate rose against the baseline window, or that are new this month."""
    frame = compute.emerging(data, n)
    if frame.is_empty():
        return section("Emerging pairs", [paragraph(
            "No pair rose significantly against the baseline, and none is new this month.")])
    # No "new" column: beside a baseline shown as "< k" it would say the baseline was 0.
    # The q-value tests the rise against the baseline count, so it is masked with it.
    cols = [c for c in ("source", "target", "count", "baseline_count", "rate_ratio", "q_value")
            if c in frame.columns]
    shown = suppress_frame(
        frame.select(cols), data.k, ["count", "baseline_count"],
        {"rate_ratio": "\u00d7{:.2f}", "q_value": "{:.2g}"},
    )
    return section("Emerging pairs", [table(
        shown, caption=f"{data.period} against {data.baseline[0]} to {data.baseline[-1]}",
        numeric=("count", "baseline_count", "rate_ratio", "q_value"),
        headers={"count": "incidents", "baseline_count": "baseline incidents",
                 "rate_ratio": "rate ratio"}),
        paragraph(f"A baseline shown as \u201c< {data.k}\u201d includes pairs never seen "
                  "before this month; their rate ratio and q-value are masked with it.",
                  "nm-note")])


def reports_of_the_week(data: BulletinData, n: int = 3, *, rescan: bool = True) -> Html:
    """A few de-identified narratives with lessons learned and discussion questions.

    With ``rescan`` (the default) the candidates go through the de-identifier's residual
    scan once more and any with a finding is passed over (see
    :func:`~nearmiss_lab.bulletin.compute.screen_reports`).
    """
    candidates = compute.pick_reports(data, 4 * n if rescan else n)
    passed_over = 0
    picked = candidates
    if rescan:
        picked, passed_over = compute.screen_reports(candidates, n)
    if picked.is_empty():
        # How many were passed over is a count of incidents: below k it reads "< k".
        text = (f"No report is printed: all {suppress_count(passed_over, data.k)} "
                "candidate(s) were passed over because a re-scan flagged possible "
                "identifiers." if passed_over else "No reports this month.")
        return section("Reports of the month", [paragraph(text)])
    blocks = []
    for i, row in enumerate(picked.iter_rows(named=True), start=1):
        codes = row["codes"] or []
        tags = ", ".join(compute.label(c) for c in codes) or "no coded factors"
        lessons = (row.get("lessons_learned") or "").strip()
        questions = "".join(f"<li>{escape(q)}</li>" for q in compute.discussion_questions(codes))
        blocks.append(
            f'<div class="nm-report"><h3>Report {i}</h3>'
            f'<p class="nm-note">{escape(tags)}</p>'
            f"<h4>What happened</h4><pre>{escape(row['narrative'])}</pre>"
            + (f"<h4>Lessons learned</h4><pre>{escape(lessons)}</pre>" if lessons else "")
            + f"<h4>For discussion</h4><ol>{questions}</ol></div>"
        )
    intro = paragraph(
        "Close calls in the reporting officers' own words, de-identified before they left "
        "their agencies ([PERSON-1] and the like replace names, places and numbers).")
    note = [paragraph(f"{suppress_count(passed_over, data.k)} candidate report(s) were "
                      "passed over because a "
                      "re-scan flagged possible identifiers.", "nm-note")] if passed_over else []
    return section("Reports of the month", [intro, *blocks, *note])
