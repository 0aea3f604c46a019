"""The numbered business rules: what the spec requires beyond what JSON Schema can say.

:data:`RULES` is the published list (the data dictionary and ``schemas/rules.json`` are
generated from it). Record rules are checked by :func:`record_rule_issues`; submission rules
by :func:`nearmiss_lab.validate.validate_submission`. A rule never re-reports a value the
schema already rejected and skips values of the wrong type (the schema reports those).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from nearmiss_lab.issues import Issue, Severity
from nearmiss_lab.spec import Taxonomy

NARRATIVE_MIN_CHARS = 40
#: What a case, report or CAD number looks like (R-012): an optional letter prefix (agency or
#: report type, e.g. ``SO``, ``RPT-``), a year or date of 2, 4, 6 or 8 digits, a separator
#: and a serial of at least 3 digits -- ``SO25-004809``, ``2024-001234``, ``250101-0042``.
#: A keyed hash (24 hex digits, no separator), a UUID or a serial such as ``NM-000123`` or
#: ``r-0007`` does not match.
CASE_NUMBER_ID = re.compile(r"^(?:[A-Za-z]{1,6}[-_ ]?)?(?:[0-9]{2}){1,4}[-/_ ][0-9]{3,10}\Z")


def looks_like_case_number(record_id: str) -> bool:
    """True when ``record_id`` has the shape of a case or report number (R-012).

    Examples
    --------
    >>> [looks_like_case_number(x) for x in ("SO25-004809", "2024-001234", "RPT-2025-00123")]
    [True, True, True]
    >>> [looks_like_case_number(x) for x in ("3f9a0c1d2e4b5a6978a0b1c2", "NM-000123", "r-0007")]
    [False, False, False]
    """
    return CASE_NUMBER_ID.match(record_id) is not None


@dataclass(frozen=True)
class Rule:
    """One numbered business rule.

    Attributes
    ----------
    id : str
        Stable number such as ``R-001`` (never reused).
    code : str
        Issue code it raises.
    severity : Severity
        Severity of that issue.
    scope : str
        ``record`` (one incident), ``submission`` (a submission folder as a whole) or
        ``schema`` (stated by the schema; the issue carries the rule number).
    text : str
        The rule as published.
    """

    id: str
    code: str
    severity: Severity
    scope: str
    text: str

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "code": self.code, "severity": self.severity.value,
                "scope": self.scope, "text": self.text}


_E, _W, _F = Severity.ERROR, Severity.WARNING, Severity.FATAL

#: The published business rules, in number order.
RULES: tuple[Rule, ...] = (
    Rule("R-001", "rule-unknown-factor-code", _E, "record",
         "Every factors[].code is a code of the taxonomy the submission is checked against."),
    Rule("R-002", "rule-unknown-activity-code", _E, "record",
         "Every activities[] entry is a code of the taxonomy."),
    Rule("R-003", "schema-pattern", _E, "schema",
         "Activities are ACT codes: every activities[] entry starts with 'ACT.' (stated by the "
         "incident schema's pattern)."),
    Rule("R-004", "rule-activity-in-factors", _E, "record",
         "factors[] holds no ACT code: what the officer was doing belongs in activities, so "
         "that factor statistics never count an activity twice."),
    Rule("R-005", "rule-occurred-in-future", _E, "record",
         "occurred_month is not after the current month (UTC)."),
    Rule("R-006", "rule-occurred-after-period", _E, "record",
         "occurred_month is not after the end of the submission's period."),
    Rule("R-007", "rule-occurred-before-period", _W, "record",
         "occurred_month is not before the start of the submission's period (a late report "
         "is accepted with a warning)."),
    Rule("R-008", "rule-narrative-too-short", _W, "record",
         f"The narrative has at least {NARRATIVE_MIN_CHARS} characters besides surrounding "
         "white space (the schema bounds it to 1..20000)."),
    Rule("R-009", "rule-extracted-without-evidence", _E, "record",
         "A factor with source 'extracted' carries at least one evidence span."),
    Rule("R-010", "rule-evidence-out-of-bounds", _E, "record",
         "Every evidence span satisfies 0 <= start < end <= the length (in characters) of "
         "the named field's text."),
    Rule("R-011", "rule-duplicate-factor", _W, "record",
         "A factor code appears at most once per source in factors[]."),
    Rule("R-012", "rule-record-id-case-number", _E, "record",
         "record_id does not look like a case, report or CAD number (an optional letter "
         "prefix, a year or date of 2 to 8 digits, a separator, a serial of 3 or more "
         "digits, e.g. SO25-004809 or 2024-001234): case numbers never leave the agency, so "
         "such a record is rejected and its id is not repeated in any issue. Agencies derive "
         "record ids with a keyed hash."),
    Rule("R-020", "submission-records-missing", _F, "submission",
         "The records file named by the manifest exists in the submission folder."),
    Rule("R-021", "submission-records-unsafe", _F, "submission",
         "The records file is a regular file directly inside the submission folder, not a "
         "symbolic link."),
    Rule("R-022", "submission-size-mismatch", _F, "submission",
         "The records file's size in bytes equals manifest records.bytes."),
    Rule("R-023", "submission-hash-mismatch", _F, "submission",
         "The sha256 of the records file equals manifest records.sha256."),
    Rule("R-024", "submission-count-mismatch", _F, "submission",
         "The number of records (non-blank lines) equals manifest record_count."),
    Rule("R-025", "submission-period-order", _F, "submission",
         "The manifest period's start is not after its end."),
    Rule("R-026", "submission-agency-mismatch", _E, "submission",
         "Every record's agency equals the manifest's agency."),
    Rule("R-027", "submission-duplicate-record-id", _E, "submission",
         "A record_id appears once in a submission (and once in a records file); later "
         "occurrences are errors."),
    Rule("R-028", "submission-schema-version-mismatch", _W, "submission",
         "Records declare the incident schema version the manifest names."),
    Rule("R-029", "submission-manifest-unsafe", _F, "submission",
         "manifest.json is a regular file inside the submission folder, not a symbolic link "
         "(a link could make the hub read a file outside the submission)."),
)
RULES_BY_ID: dict[str, Rule] = {r.id: r for r in RULES}
_BY_CODE: dict[str, Rule] = {r.code: r for r in RULES if r.scope != "schema"}

_FACTOR_CODE = re.compile(r"^(HF|EQ|ENV|PROC|ACT|THREAT|TAC|ROAD)\.[A-Z][A-Z0-9_]*\Z")
_ACTIVITY_CODE = re.compile(r"^ACT\.[A-Z][A-Z0-9_]*\Z")
YEAR_MONTH = re.compile(r"^(19|20)[0-9]{2}-(0[1-9]|1[0-2])\Z")
#: Distinct occurred_month values whose rule outcome a context remembers (input decides how
#: many there are, so the cache is bounded).
_MONTH_CACHE_MAX = 4096


def rule_issue(code: str, pointer: str, message: str, hint: str | None = None) -> Issue:
    """Build the issue of the rule that raises ``code`` (its severity and number)."""
    rule = _BY_CODE[code]
    return Issue(code, rule.severity, pointer, message, rule=rule.id, hint=hint)


def current_month(today: date | None = None) -> str:
    """Return ``YYYY-MM`` of ``today`` (default: the current UTC date)."""
    day = today or datetime.now(UTC).date()
    return f"{day.year:04d}-{day.month:02d}"


class RuleContext:
    """What the record rules check against, prepared once per file (not once per record).

    Parameters
    ----------
    taxonomy : Taxonomy
        Code list for R-001/R-002.
    period : (str, str), optional
        Submission period ``(start, end)`` as ``YYYY-MM``; R-006/R-007 run only when given.
    today : date, optional
        Reference date for R-005 (default: today, UTC, read when the context is made).
    """

    __slots__ = ("taxonomy", "period", "month_now", "factor_codes", "activity_codes",
                 "_month_cache")

    def __init__(self, taxonomy: Taxonomy, period: tuple[str, str] | None = None,
                 today: date | None = None) -> None:
        self.taxonomy = taxonomy
        self.period = period
        self.month_now = current_month(today)
        self.factor_codes = frozenset(c for c in taxonomy.codes if not c.startswith("ACT."))
        self.activity_codes = frozenset(c for c in taxonomy.codes if c.startswith("ACT."))
        self._month_cache: dict[str, tuple[Issue, ...]] = {}

    def __reduce__(self) -> tuple[Any, ...]:
        # Picklable for worker processes: the taxonomy's entries (a mappingproxy) are not
        # needed here, only its version and codes; the month is kept, not re-read.
        tax = self.taxonomy
        slim = Taxonomy(tax.version, tax.codes, tax.categories, {})
        return (_restore_context, (slim, self.period, self.month_now))

    def check(self, record: dict[str, Any]) -> list[Issue]:
        """Return the record-rule issues (R-001..R-012) of one incident."""
        issues: list[Issue] = []
        get = record.get
        record_id = get("record_id")
        # isalnum first: a case number always has a separator, a keyed hash never does.
        if type(record_id) is str and not record_id.isalnum() and CASE_NUMBER_ID.match(record_id):
            issues.append(rule_issue("rule-record-id-case-number", "/record_id",
                                     "record_id looks like a case or report number",
                                     hint="derive record ids with a keyed hash (mapping "
                                          "record_id derive keyed_hash)"))
        factors = get("factors")
        if type(factors) is list and factors:
            self._factors(factors, record, issues)
        activities = get("activities")
        if type(activities) is list:
            known = self.activity_codes
            try:
                all_known = known.issuperset(activities)
            except TypeError:  # an unhashable entry (the schema reports its type)
                all_known = False
            if not all_known:
                for i, code in enumerate(activities):
                    if isinstance(code, str) and code not in known and _ACTIVITY_CODE.match(code):
                        issues.append(rule_issue(
                            "rule-unknown-activity-code", f"/activities/{i}",
                            f"code is not in taxonomy {self.taxonomy.version}"))
        month = get("occurred_month")
        if isinstance(month, str):
            found = self._month_cache.get(month)
            if found is None:
                found = self._month_issues(month)
                if len(self._month_cache) < _MONTH_CACHE_MAX:
                    self._month_cache[month] = found
            if found:
                issues.extend(found)
        narrative = get("narrative")
        if (isinstance(narrative, str) and narrative
                # strip() only when it can matter: short, or white space at either end
                and (len(narrative) < NARRATIVE_MIN_CHARS or narrative[0].isspace()
                     or narrative[-1].isspace())
                and len(narrative.strip()) < NARRATIVE_MIN_CHARS):
            issues.append(rule_issue("rule-narrative-too-short", "/narrative",
                                     f"narrative has fewer than {NARRATIVE_MIN_CHARS} "
                                     "characters"))
        return issues

    def _month_issues(self, month: str) -> tuple[Issue, ...]:
        """R-005..R-007 for one ``occurred_month`` value (cached: few distinct months occur)."""
        if not YEAR_MONTH.match(month):
            return ()
        issues = []
        if month > self.month_now:
            issues.append(rule_issue("rule-occurred-in-future", "/occurred_month",
                                     "the month is in the future"))
        if self.period is not None:
            start, end = self.period
            if month > end:
                issues.append(rule_issue("rule-occurred-after-period", "/occurred_month",
                                         "the month is after the end of the submission "
                                         "period"))
            elif month < start:
                issues.append(rule_issue("rule-occurred-before-period", "/occurred_month",
                                         "the month is before the start of the submission "
                                         "period"))
        return tuple(issues)

    def _factors(self, factors: list[Any], record: dict[str, Any], issues: list[Issue]) -> None:
        known = self.factor_codes
        seen: set[tuple[str, str]] = set()
        for i, factor in enumerate(factors):
            if type(factor) is not dict:
                continue
            code, source = factor.get("code"), factor.get("source")
            if isinstance(code, str):
                # str first: a list or object code is unhashable (the schema reports it)
                if code not in known and _FACTOR_CODE.match(code):
                    if code.startswith("ACT."):
                        issues.append(rule_issue("rule-activity-in-factors",
                                                 f"/factors/{i}/code",
                                                 "an ACT code belongs in activities, not factors"))
                    else:
                        issues.append(rule_issue("rule-unknown-factor-code", f"/factors/{i}/code",
                                                 f"code is not in taxonomy "
                                                 f"{self.taxonomy.version}"))
                if isinstance(source, str):
                    key = (code, source)
                    if key in seen:
                        issues.append(rule_issue("rule-duplicate-factor", f"/factors/{i}",
                                                 "the same code and source appear earlier"))
                    seen.add(key)
            if source == "extracted":
                evidence = factor.get("evidence")
                if not evidence:
                    if evidence is None or evidence == []:
                        issues.append(rule_issue("rule-extracted-without-evidence",
                                                 f"/factors/{i}",
                                                 "an extracted factor has no evidence span"))
                elif type(evidence) is list:
                    for j, span in enumerate(evidence):  # R-010, inline: the hot loop
                        if type(span) is not dict:
                            continue
                        start, end, field = span.get("start"), span.get("end"), span.get("field")
                        text = record.get(field) if isinstance(field, str) else None
                        if (type(start) is int and type(end) is int and isinstance(text, str)
                                and not 0 <= start < end <= len(text)):
                            issues.append(rule_issue(
                                "rule-evidence-out-of-bounds", f"/factors/{i}/evidence/{j}",
                                f"span is empty or outside the {field} text "
                                f"({len(text)} characters)"))


def _restore_context(taxonomy: Taxonomy, period: tuple[str, str] | None,
                     month_now: str) -> RuleContext:
    context = RuleContext(taxonomy, period)
    context.month_now = month_now
    return context


def record_rule_issues(record: dict[str, Any], *, taxonomy: Taxonomy,
                       period: tuple[str, str] | None = None,
                       today: date | None = None) -> list[Issue]:
    """Check the record-scope rules (R-001..R-012) on one incident.

    Parameters
    ----------
    record : dict
        A parsed incident (need not be schema-valid; ill-typed values are skipped).
    taxonomy : Taxonomy
        Code list the factor and activity codes must belong to.
    period : (str, str), optional
        Submission period ``(start, end)`` as ``YYYY-MM``; R-006/R-007 run only when given.
    today : date, optional
        Reference date for R-005 (default: today, UTC).

    Returns
    -------
    list of Issue
        Issues carrying their rule number. For many records, build one :class:`RuleContext`
        and call its ``check`` instead.
    """
    return RuleContext(taxonomy, period, today).check(record)
