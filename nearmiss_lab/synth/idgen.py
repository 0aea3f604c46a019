"""Raw identifier strings: plates, VINs, phones, badge / unit / case numbers, dates, times."""

from __future__ import annotations

import datetime as dt
import random
import string

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
_VIN_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_WMIS = (
    "1HG",
    "1FT",
    "1FA",
    "2T1",
    "3GN",
    "JTD",
    "KMH",
    "1C4",
    "5NP",
    "1GC",
    "2HG",
    "4T1",
    "1N4",
    "3FA",
    "1G1",
    "WBA",
    "JN8",
    "5TD",
)
_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"  # plates skip I, O and Q in most states


def ordinal(n: int) -> str:
    """1 -> '1st', 22 -> '22nd', 13 -> '13th'."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def vin_check_digit(vin: str) -> str:
    """The ISO 3779 / 49 CFR 565 check digit (position 9) of a 17-character VIN."""
    total = sum(_VIN_VALUES[c] * w for c, w in zip(vin, _VIN_WEIGHTS, strict=True))
    rem = total % 11
    return "X" if rem == 10 else str(rem)


def vin(rng: random.Random) -> str:
    """A 17-character VIN with a valid check digit."""
    body = (
        rng.choice(_WMIS)
        + "".join(rng.choice(_VIN_CHARS) for _ in range(5))
        + "0"
        + rng.choice("ABCDEFGHJKLMNPRSTVWXY123456789")
        + rng.choice(_VIN_CHARS)
        + "".join(rng.choice(string.digits) for _ in range(6))
    )
    return body[:8] + vin_check_digit(body) + body[9:]


def plate(rng: random.Random) -> str:
    """A licence plate in one of the common US layouts."""
    letters = "".join(rng.choice(_LETTERS) for _ in range(3))
    digits = "".join(rng.choice(string.digits) for _ in range(4))
    form = rng.randrange(8)
    if form == 0:
        return f"{letters}-{digits}"
    if form == 1:
        return f"{letters} {digits}"
    if form == 2:
        return f"{letters}{digits}"
    if form == 3:
        return f"{rng.randint(1, 9)}{letters}{digits[:3]}"
    if form == 4:
        return f"{digits[:3]}-{letters}"
    if form == 5:
        return f"{digits[:3]}{letters}"
    if form == 6:
        return f"{letters[:2]}{digits[:1]}-{digits[1:]}{rng.choice(_LETTERS)}"
    return f"{letters}{digits[:3]}"


def phone(rng: random.Random, area: str) -> str:
    """A North-American phone number in one of several written forms."""
    exchange = f"{rng.randint(2, 9)}{rng.randint(0, 9)}{rng.randint(0, 9)}"
    line = f"{rng.randint(0, 9999):04d}"
    form = rng.randrange(7)
    if form == 0:
        return f"({area}) {exchange}-{line}"
    if form == 1:
        return f"{area}-{exchange}-{line}"
    if form == 2:
        return f"{area}.{exchange}.{line}"
    if form == 3:
        return f"{area}{exchange}{line}"
    if form == 4:
        return f"{area} {exchange} {line}"
    if form == 5:
        return f"+1 {area}-{exchange}-{line}"
    return f"({area}){exchange}-{line}"


def badge(rng: random.Random) -> str:
    """A badge or employee number."""
    form = rng.randrange(5)
    if form == 0:
        return str(rng.randint(100, 9999))
    if form == 1:
        return f"{rng.randint(1000, 99999)}"
    if form == 2:
        return f"{rng.choice('EPSK')}{rng.randint(1000, 99999)}"
    if form == 3:
        return f"{rng.randint(10, 99)}-{rng.randint(100, 999)}"
    return f"{rng.randint(100, 999)}"


def unit(rng: random.Random) -> str:
    """A unit number or radio call sign."""
    words = (
        "Adam",
        "Baker",
        "Charlie",
        "David",
        "Edward",
        "Frank",
        "George",
        "Henry",
        "Lincoln",
        "Mary",
        "Nora",
        "Paul",
        "Sam",
        "Tom",
        "Union",
        "William",
        "King",
    )
    form = rng.randrange(7)
    if form == 0:
        return f"{rng.randint(1, 9)}{rng.choice('ABCDKLPS')}{rng.randint(1, 99)}"
    if form == 1:
        return f"{rng.randint(1, 9)}-{rng.choice(words)}-{rng.randint(1, 99)}"
    if form == 2:
        return str(rng.randint(100, 999))
    if form == 3:
        return f"{rng.choice(words)} {rng.randint(1, 99)}"
    if form == 4:
        return f"{rng.choice(words)}-{rng.randint(10, 49)}"
    if form == 5:
        return f"K9-{rng.randint(1, 12)}"
    return f"{rng.randint(1, 4)}{rng.choice('ABCD')}{rng.randint(10, 39)}"


def case_number(serial: int, style: int, year: int) -> str:
    """A case / report number in one of an agency's styles (``serial`` keeps them unique)."""
    yy = year % 100
    if style == 0:
        return f"{yy:02d}-{serial:06d}"
    if style == 1:
        return f"{year}-{serial:05d}"
    if style == 2:
        return f"SO{yy:02d}-{serial:06d}"
    if style == 3:
        return f"RPT{year}-{serial:05d}"
    return f"{yy:02d}{serial:06d}"


def cad_number(rng: random.Random, when: dt.date) -> str:
    return f"{when.year % 100:02d}{when.month:02d}{when.day:02d}-{rng.randint(1, 9999):04d}"


def warrant_number(rng: random.Random, year: int) -> str:
    prefix = rng.choice(("CF", "CM", "W", "FW", "TR"))
    return f"{prefix}-{year - rng.randint(0, 3)}-{rng.randint(1, 9999)}"


def licence_number(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"{rng.choice(_LETTERS)}{rng.randint(10**8, 10**9 - 1)}"
    return str(rng.randint(10**7, 10**9 - 1))


def date_text(rng: random.Random, d: dt.date) -> str:
    """An exact date in one of the many forms officers write."""
    m, day, y = d.month, d.day, d.year
    month = MONTHS[m - 1]
    short = month[:3] + ("" if month == "May" else ".")
    form = rng.randrange(16)
    return (
        f"{m:02d}/{day:02d}/{y}",
        f"{m}/{day}/{y}",
        f"{m}/{day}/{y % 100:02d}",
        f"{m:02d}-{day:02d}-{y}",
        d.isoformat(),
        f"{month} {day}, {y}",
        f"{short} {day}, {y}",
        f"{month} {ordinal(day)}",
        f"{day} {month} {y}",
        f"{day:02d}{month[:3].upper()}{y % 100:02d}",
        f"{month} {day}",
        f"{m:02d}/{day:02d}/{y % 100:02d}",
        f"{month} {ordinal(day)}, {y}",
        f"{m}-{day}-{y % 100:02d}",
        f"{day}-{month[:3]}-{y}",
        f"{m}/{day}",
    )[form]


def time_text(rng: random.Random, t: dt.time) -> str:
    """A time of day in police (24-hour) or civilian form."""
    h12 = t.hour % 12 or 12
    ampm = (
        rng.choice(("a.m.", "AM", "am", "A.M."))
        if t.hour < 12
        else rng.choice(("p.m.", "PM", "pm", "P.M."))
    )
    form = rng.randrange(6)
    return (
        f"{t.hour:02d}{t.minute:02d} hours",
        f"{t.hour:02d}{t.minute:02d} hrs",
        f"{h12}:{t.minute:02d} {ampm}",
        f"{t.hour:02d}{t.minute:02d}",
        f"{t.hour:02d}:{t.minute:02d}",
        f"{h12}:{t.minute:02d}{ampm}",
    )[form]
