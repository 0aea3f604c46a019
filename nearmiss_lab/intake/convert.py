"""One raw export row to a draft incident: translate, generalise, report problems as codes.

Every problem becomes ``(code, severity, pointer)`` where the pointer names the *target* field
of the incident schema; messages are fixed per code and never carry the value.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import re
from typing import Any

from nearmiss_lab.intake.mapping import CODE_RE, ColumnRef, Mapping, Source
from nearmiss_lab.intake.places import state_code
from nearmiss_lab.intake.policy import Policy
from nearmiss_lab.issues import Severity
from nearmiss_lab.validate.rules import looks_like_case_number

Problem = tuple[str, Severity, str]
RECORD_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
ERROR, WARNING = Severity.ERROR, Severity.WARNING
DRAFT_SCHEMA_VERSION = "1.0.0"  # the incident schema the drafts are made for

POINTERS = {
    "occurred": "/occurred_month",
    "occurred_date": "/occurred_month",
    "occurred_time": "/time_block",
    "officer.years_of_service": "/officer/service_band",
    "officer.hire_date": "/officer/service_band",
    "officer.age": "/officer/age_band",
}


@functools.lru_cache(maxsize=1)
def free_text_limits() -> dict[str, int]:
    """The incident schema's ``maxLength`` of each free-text field (characters)."""
    from nearmiss_lab.spec import load_schema

    properties = load_schema("incident", DRAFT_SCHEMA_VERSION)["properties"]
    return {name: int(properties[name]["maxLength"]) for name in ("narrative", "lessons_learned")}


def pointer_of(name: str) -> str:
    """RFC 6901 pointer of a mapping target field in the draft incident."""
    return POINTERS.get(name, "/" + name.replace(".", "/"))


def derive_record_id(key: str, agency: str, value: str) -> str:
    """Opaque record id: the first 24 hex digits of HMAC-SHA256(key, agency + value).

    The same report gets the same id on every resubmission; without the key nobody can go
    from the id back to the case number.

    Examples
    --------
    >>> derive_record_id("k" * 16, "AG-TEST", "24-001") == derive_record_id("k" * 16, "AG-TEST",
    ...                                                                     " 24-001 ")
    True
    """
    message = f"{agency}\x1f{value.strip()}".encode()
    return hmac.new(key.encode("utf-8"), message, hashlib.sha256).hexdigest()[:24]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _parse_datetime(text: str, formats: tuple[str, ...]) -> tuple[dt.datetime, bool] | None:
    """Return (value, has_time) for the first format that parses, else None."""
    text = text.strip()
    for fmt in formats:
        if fmt == "iso":
            try:
                value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                continue
            # Keep the local wall-clock time the agency recorded; the offset is dropped.
            return value.replace(tzinfo=None), ("T" in text or " " in text)
        try:
            value = dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        return value, any(d in fmt for d in ("%H", "%I", "%X", "%c"))
    return None


class RowConverter:
    """Turns the values of one row into a draft incident for one mapping and policy."""

    def __init__(self, mapping: Mapping, policy: Policy, key: str | None,
                 taxonomy_codes: frozenset[str]) -> None:
        self.mapping = mapping
        self.policy = policy
        self.key = key
        self.codes = taxonomy_codes
        from nearmiss_lab.intake.mapping import _incident_enums

        self.enums = _incident_enums()
        self.folded = {name: {v.casefold(): v for v in values}
                       for name, values in self.enums.items()}

    # -- single values -------------------------------------------------------------------
    def _raw(self, src: Source, values: dict[ColumnRef, Any], name: str,
             problems: list[Problem]) -> Any:
        """The source's raw value; None when blank or absent (absence of a column that the
        field needs is reported by the caller via ``required``)."""
        if src.value is not None:
            return src.value
        assert src.ref is not None
        if src.ref not in values:
            if src.default is None and self._required(name, src):
                problems.append(("intake-missing-column", ERROR, pointer_of(name)))
            return src.default
        value = values[src.ref]
        if isinstance(value, dict):
            problems.append(("intake-bad-type", ERROR, pointer_of(name)))
            return None
        return src.default if _blank(value) else value

    def _required(self, name: str, src: Source) -> bool:
        if src.required is not None:
            return src.required
        return name in {"occurred", "occurred_date", "narrative", "activities",
                        "officers_on_scene", "subjects"}

    def _one(self, name: str, values: dict[ColumnRef, Any], problems: list[Problem]) -> Any:
        sources = self.mapping.fields.get(name)
        if not sources:
            return None
        src = sources[0]
        raw = self._raw(src, values, name, problems)
        if raw is None:
            if self._required(name, src) and src.ref in values:
                problems.append(("intake-missing-value", ERROR, pointer_of(name)))
            return None
        if src.parse == "place":
            raw = state_code(str(raw), parse_place=True) or raw
        if src.map is not None and src.value is None:
            key = str(raw).strip().casefold()
            if key not in src.map:
                problems.append(("intake-unknown-label", ERROR, pointer_of(name)))
                return None
            return src.map[key]
        return raw

    def _enum(self, name: str, values: dict[ColumnRef, Any], problems: list[Problem]) -> str:
        value = self._one(name, values, problems)
        allowed = self.enums[name]
        if value is None:
            return "unknown"
        if name == "agency_size" and str(value).strip().isdigit():
            return self.policy.agency_size.band(int(str(value).strip())) or "unknown"
        text = str(value).strip()
        if text in allowed:
            return text
        folded = self.folded[name].get(text.casefold())
        if folded is not None:
            return folded
        problems.append(("intake-unknown-label", ERROR, pointer_of(name)))
        return "unknown"

    def _number(self, name: str, values: dict[ColumnRef, Any], problems: list[Problem],
                low: float, high: float) -> float | None:
        value = self._one(name, values, problems)
        if value is None:
            return None
        if isinstance(value, bool):
            problems.append(("intake-bad-number", ERROR, pointer_of(name)))
            return None
        try:
            number = float(str(value).strip()) if not isinstance(value, int | float) else value
        except ValueError:
            problems.append(("intake-bad-number", ERROR, pointer_of(name)))
            return None
        if number != number or not low <= number <= high:  # NaN or outside the schema's range
            problems.append(("intake-out-of-range", ERROR, pointer_of(name)))
            return None
        return number

    def _date(self, name: str, values: dict[ColumnRef, Any],
              problems: list[Problem]) -> tuple[dt.datetime, bool] | None:
        sources = self.mapping.fields.get(name)
        if not sources:
            return None
        src = sources[0]
        raw = self._raw(src, values, name, problems)
        if raw is None:
            if self._required(name, src) and src.ref in values:
                problems.append(("intake-missing-value", ERROR, pointer_of(name)))
            return None
        parsed = _parse_datetime(str(raw), src.formats)
        if parsed is None:
            problems.append(("intake-bad-date", ERROR, pointer_of(name)))
        return parsed

    # -- codes -----------------------------------------------------------------------------
    def _codes(self, name: str, values: dict[ColumnRef, Any], problems: list[Problem]) -> list[str]:
        found: list[str] = []
        for src in self.mapping.fields.get(name, ()):
            if src.checkboxes:
                for ref, code in src.checkboxes:
                    if ref not in values:
                        problems.append(("intake-missing-column", ERROR, pointer_of(name)))
                        continue
                    cell = values[ref]
                    text = str(cell).casefold() if isinstance(cell, bool) else str(cell or "")
                    if text.strip().casefold() in src.true_values:
                        found.append(code)
                continue
            raw = self._raw(src, values, name, problems)
            if raw is None:
                continue
            if isinstance(raw, list):
                items = [str(x) for x in raw]
            else:
                items = str(raw).split(src.split) if src.split else [str(raw)]
            for item in items:
                item = item.strip()
                if not item:
                    continue
                if src.map is not None and src.value is None:
                    mapped = src.map.get(item.casefold())
                    if mapped is None:
                        problems.append(("intake-unknown-label", ERROR, pointer_of(name)))
                        continue
                    found.append(str(mapped))
                elif CODE_RE.match(item):
                    found.append(item)
                else:
                    problems.append(("intake-bad-code", ERROR, pointer_of(name)))
        for code in found:
            if code not in self.codes:
                problems.append(("intake-unknown-code", ERROR, pointer_of(name)))
        return found

    # -- the row -----------------------------------------------------------------------------
    def record_id(self, values: dict[ColumnRef, Any], problems: list[Problem]) -> str | None:
        spec = self.mapping.record_id
        raw = values.get(spec.ref)
        if spec.ref not in values:
            problems.append(("intake-missing-column", ERROR, "/record_id"))
            return None
        if _blank(raw) or isinstance(raw, dict | list):
            problems.append(("intake-missing-value", ERROR, "/record_id"))
            return None
        if spec.derive == "keyed_hash":
            assert self.key is not None
            return derive_record_id(self.key, self.mapping.agency, str(raw))
        text = str(raw).strip()
        if not RECORD_ID_RE.match(text):
            problems.append(("intake-bad-record-id", ERROR, "/record_id"))
            return None
        if looks_like_case_number(text):
            # derive none is for ids that are already opaque; one shaped like a case or
            # report number is refused (the hub rejects it too, R-012), and never shown.
            problems.append(("intake-case-number-id", ERROR, "/record_id"))
            return None
        return text

    def convert(self, values: dict[ColumnRef, Any]) -> tuple[dict[str, Any] | None, str | None,
                                                             list[Problem]]:
        """Return ``(draft or None, record_id or None, problems)`` for one row's values."""
        problems: list[Problem] = []
        policy = self.policy
        record_id = self.record_id(values, problems)
        when = self._date("occurred" if "occurred" in self.mapping.fields else "occurred_date",
                          values, problems)
        time_of_day: dt.time | None = None
        if when is not None and when[1]:
            time_of_day = when[0].time()
        if "occurred_time" in self.mapping.fields:
            at = self._date("occurred_time", values, problems)
            time_of_day = at[0].time() if at is not None else None
        state = self._one("state", values, problems)
        state_value = "unknown"
        if state is not None:
            code = state_code(str(state))
            if code is None:
                problems.append(("intake-unknown-label", ERROR, "/state"))
            else:
                state_value = code
        service = "unknown"
        if "officer.hire_date" in self.mapping.fields:
            hired = self._date("officer.hire_date", values, problems)
            if hired is not None and when is not None:
                a, b = when[0].date(), hired[0].date()
                years = a.year - b.year - ((a.month, a.day) < (b.month, b.day))
                band = policy.service_years.band(years) if years >= 0 else None
                if band is None:
                    problems.append(("intake-out-of-range", WARNING, "/officer/service_band"))
                service = band or "unknown"
        else:
            years_f = self._number("officer.years_of_service", values, problems, -1e9, 1e9)
            if years_f is not None:
                band = policy.service_years.band(years_f) if years_f >= 0 else None
                if band is None:
                    problems.append(("intake-out-of-range", WARNING, "/officer/service_band"))
                service = band or "unknown"
        officer: dict[str, Any] = {
            "role": self._enum("officer.role", values, problems),
            "assignment": self._enum("officer.assignment", values, problems),
            "service_band": service,
        }
        age = self._number("officer.age", values, problems, -1e9, 1e9)
        if age is not None:
            band = policy.age.band(age) if age >= 0 else None
            if band is None:
                problems.append(("intake-out-of-range", WARNING, "/officer/age_band"))
            officer["age_band"] = band or "unknown"
        activities = self._codes("activities", values, problems)
        for code in activities:
            if not code.startswith("ACT."):
                problems.append(("intake-bad-code", ERROR, "/activities"))
        factor_codes = self._codes("factors", values, problems)
        activities += [c for c in factor_codes if c.startswith("ACT.")]
        acts = sorted({c for c in activities if c.startswith("ACT.")})
        if not acts and not any(p[2] == "/activities" for p in problems):
            problems.append(("intake-missing-value", ERROR, "/activities"))
        factors = sorted({c for c in factor_codes if not c.startswith("ACT.")})
        on_scene = self._number("officers_on_scene", values, problems, 1, 100)
        subjects = self._number("subjects", values, problems, 0, 100)
        narrative = self._one("narrative", values, problems)
        lessons = self._one("lessons_learned", values, problems)
        limits = free_text_limits()
        for name, text in (("narrative", narrative), ("lessons_learned", lessons)):
            if text is not None and not isinstance(text, str):
                problems.append(("intake-bad-type", ERROR, "/" + name))
            elif isinstance(text, str) and len(text) > limits[name]:
                # Checked before de-identification too: the NER holds a text in memory whole
                # (spaCy refuses one over 1,000,000 characters, which would abort the whole
                # export), and the schema rejects the record after it anyway unless the
                # placeholders shortened it by that much.
                problems.append(("intake-text-too-long", ERROR, "/" + name))
        for name, number in (("officers_on_scene", on_scene), ("subjects", subjects)):
            if number is not None and number != int(number):
                problems.append(("intake-bad-number", ERROR, "/" + name))
        agency_type = self._enum("agency_type", values, problems)
        agency_size = self._enum("agency_size", values, problems)
        lighting = self._enum("conditions.lighting", values, problems)
        weather = self._enum("conditions.weather", values, problems)
        injury = self._enum("injury_outcome", values, problems)
        if when is None and not any(p[2] == "/occurred_month" for p in problems):
            problems.append(("intake-missing-value", ERROR, "/occurred_month"))
        if any(p[1] is ERROR for p in problems) or when is None:
            return None, record_id, problems
        draft = {
            "schema_version": DRAFT_SCHEMA_VERSION,
            "record_id": record_id,
            "agency": self.mapping.agency,
            "occurred_month": policy.month(when[0]),
            "time_block": policy.time_block(time_of_day),
            "state": state_value,
            "agency_type": agency_type,
            "agency_size": agency_size,
            "officer": officer,
            "activities": acts[:8],
            "factors": [{"code": c, "source": "reported"} for c in factors],
            "conditions": {
                "lighting": lighting,
                "weather": weather,
            },
            "officers_on_scene": int(on_scene),  # type: ignore[arg-type]
            "subjects": int(subjects),  # type: ignore[arg-type]
            "injury_outcome": injury,
            "narrative": narrative,
            "lessons_learned": lessons or "",
        }
        return draft, record_id, problems
