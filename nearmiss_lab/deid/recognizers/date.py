"""Dates in every written form: "03/14/2023", "3-14-23", "2023-03-14", "14.03.2023",
"March 14, 2023", "Mar. 14th", "14 March 2023", "the 14th of March", "March of 2023",
"Tuesday, March 14", "on 3/14", and years in a date context ("in 1998", "born 1975")."""

from __future__ import annotations

from presidio_analyzer import Pattern

from nearmiss_lab.deid.recognizers.base import LawPatternRecognizer

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
)
_DAY = r"(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?"
_YEAR = r"(?:(?:19|20)\d{2}|['’]\d{2})"
_DAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_WEEKDAY = rf"(?:{_DAYS}|Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)\.?"


class DateFormsRecognizer(LawPatternRecognizer):
    """DATE: calendar dates, month-day and month-year phrases, weekdays and dated years."""

    ENTITY = "DATE"
    PATTERNS = [
        Pattern("numeric date", r"\b\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})\b", 0.7),
        Pattern(
            "iso date",
            r"\b(?:19|20)\d{2}[/.-]\d{1,2}[/.-]\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?\b",
            0.8,
        ),
        Pattern(
            "month/day", r"(?<![\d/])\b(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\d|3[01])\b(?![/\d])", 0.45
        ),
        Pattern(
            "month day year",
            rf"\b(?:{_WEEKDAY},?\s+)?(?:the\s+)?{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?\b",
            0.75,
        ),
        Pattern(
            "day month year",
            rf"\b(?:{_WEEKDAY},?\s+)?(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?\b",
            0.75,
        ),
        # Military style, common in police reports: "25SEP25", "04dec63", "7-MAR-2026".
        Pattern(
            "ddMMMyy",
            r"\b\d{1,2}-?(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)-?(?:\d{4}|\d{2})\b",
            0.75,
        ),
        Pattern("month year", rf"\b{_MONTH}\s+(?:of\s+)?{_YEAR}\b", 0.7),
        Pattern("dd-MMM-yyyy", rf"\b\d{{1,2}}-(?i:{_MONTH})-(?:\d{{4}}|\d{{2}})\b", 0.75),
        Pattern(
            "weekday",
            # Full weekday names, or abbreviations that are not words ("Sat", "Sun", "Wed").
            rf"\b(?:{_DAYS}|Tue|Tues|Thu|Thur|Thurs|Fri)\.?(?!\w)",
            0.45,
        ),
        Pattern(
            "dated year",
            r"\b(?i:in|since|during|from|until|till|by|of|born|year|early|late|mid|summer|winter|"
            r"spring|autumn|fall|before|after)\s+(?P<value>(?:19|20)\d{2}s?)\b",
            0.6,
        ),
        Pattern("ordinal day", r"\bthe\s+(?P<value>(?:[12]?\d|3[01])(?:st|nd|rd|th))\b", 0.45),
    ]
    CONTEXT = ["date", "on", "born", "dob", "day", "occurred"]
