"""US states and territories: USPS codes and names, to generalise a place to its state."""

from __future__ import annotations

import re

STATES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma",
    "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina",
    "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont",
    "VA": "Virginia", "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin",
    "WY": "Wyoming", "PR": "Puerto Rico", "GU": "Guam", "VI": "U.S. Virgin Islands",
    "AS": "American Samoa", "MP": "Northern Mariana Islands",
}
_BY_NAME = {name.casefold(): code for code, name in STATES.items()}
_BY_NAME.update({"washington dc": "DC", "washington d.c.": "DC", "virgin islands": "VI"})
# "Irondale, OK 74012" or "Irondale, Oklahoma": the state is the last comma-separated part.
_TAIL = re.compile(r",\s*([A-Za-z][A-Za-z. ]*?)\.?(?:\s+\d{5}(?:-\d{4})?)?\s*$")


def state_code(text: str, *, parse_place: bool = False) -> str | None:
    """Return the USPS code for a state code or name, or for the state of a ``City, ST`` place.

    Parameters
    ----------
    text : str
        ``"OK"``, ``"ok"``, ``"Oklahoma"`` or, with ``parse_place``, ``"Irondale, OK 74012"``.
    parse_place : bool
        Take the state from the last comma-separated part of a place.

    Returns
    -------
    str or None
        The two-letter code, or None when no state is recognised.

    Examples
    --------
    >>> state_code("oklahoma"), state_code("Irondale, OK 74012", parse_place=True)
    ('OK', 'OK')
    """
    value = text.strip()
    if parse_place:
        match = _TAIL.search(value)
        if match is None:
            return None
        value = match.group(1).strip()
    upper = value.upper()
    if upper in STATES:
        return upper
    return _BY_NAME.get(value.casefold())
