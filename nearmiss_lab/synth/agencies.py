"""Fictitious agencies and the label vocabularies their records systems use."""

from __future__ import annotations

import functools
import random
import string

from nearmiss_lab.synth.lexicon import COUNTIES, STATES, TOWNS
from nearmiss_lab.synth.scene import AgencyProfile

#: Export shapes in the order agencies cycle through them.
SHAPES = ("rms_csv", "nested_jsonl", "checkbox_csv", "json_array", "tsv_latin1")
_KIND = {
    "rms_csv": ("municipal_police", "municipal_police"),
    "nested_jsonl": ("sheriff", "sheriff"),
    "checkbox_csv": ("sheriff", "sheriff"),
    "json_array": ("highway_patrol", "state_police"),
    "tsv_latin1": ("municipal_police", "campus"),
}

ACT_LABELS = {
    "ACT.TRAFFIC_STOP": "Traffic Stop",
    "ACT.VEHICLE_PURSUIT": "Vehicle Pursuit",
    "ACT.FOOT_PURSUIT": "Foot Pursuit",
    "ACT.DOMESTIC_CALL": "Domestic Disturbance",
    "ACT.MENTAL_HEALTH_CALL": "Mental Health / Welfare Check",
    "ACT.WARRANT_SERVICE": "Warrant Service",
    "ACT.ARREST": "Arrest",
    "ACT.PRISONER_TRANSPORT": "Prisoner Transport",
    "ACT.ROADSIDE_SCENE": "Crash / Roadside",
    "ACT.BUILDING_SEARCH": "Building Search / Alarm",
    "ACT.CROWD_EVENT": "Special Event / Crowd",
    "ACT.TRAINING": "Training",
    "ACT.OFF_DUTY": "Off Duty",
}
ACT_SHORT = {
    "ACT.TRAFFIC_STOP": "TS",
    "ACT.VEHICLE_PURSUIT": "PURSUIT-V",
    "ACT.FOOT_PURSUIT": "PURSUIT-F",
    "ACT.DOMESTIC_CALL": "DOM",
    "ACT.MENTAL_HEALTH_CALL": "MH",
    "ACT.WARRANT_SERVICE": "WARR",
    "ACT.ARREST": "ARR",
    "ACT.PRISONER_TRANSPORT": "TRANS",
    "ACT.ROADSIDE_SCENE": "RDSIDE",
    "ACT.BUILDING_SEARCH": "BLDG",
    "ACT.CROWD_EVENT": "EVENT",
    "ACT.TRAINING": "TRNG",
    "ACT.OFF_DUTY": "OFFDUTY",
}
LIGHTING = {
    "daylight": "Daylight",
    "dawn_dusk": "Dawn/Dusk",
    "dark_lit": "Dark - Lighted",
    "dark_unlit": "Dark - Not Lighted",
    "indoor": "Indoors",
    "unknown": "Unknown",
}
LIGHTING_SHORT = {
    "daylight": "DL",
    "dawn_dusk": "DD",
    "dark_lit": "DK-L",
    "dark_unlit": "DK-NL",
    "indoor": "IN",
    "unknown": "UNK",
}
WEATHER = {
    "clear": "Clear",
    "cloudy": "Cloudy",
    "rain": "Rain",
    "snow_ice": "Snow/Ice",
    "fog": "Fog",
    "wind": "High Wind",
    "extreme_heat": "Extreme Heat",
    "extreme_cold": "Extreme Cold",
    "unknown": "Unknown",
}
WEATHER_SHORT = {
    "clear": "CLR",
    "cloudy": "CLDY",
    "rain": "RAIN",
    "snow_ice": "SNOW",
    "fog": "FOG",
    "wind": "WIND",
    "extreme_heat": "HEAT",
    "extreme_cold": "COLD",
    "unknown": "UNK",
}
INJURY = {
    "none": "None",
    "officer_minor": "Officer - Minor",
    "officer_serious": "Officer - Serious",
    "subject_injured": "Subject Injured",
    "bystander_injured": "Bystander Injured",
    "unknown": "Unk",
}
INJURY_SHORT = {
    "none": "N",
    "officer_minor": "OM",
    "officer_serious": "OS",
    "subject_injured": "SI",
    "bystander_injured": "BI",
    "unknown": "U",
}
ROLE = {
    "patrol_officer": "Patrol Officer",
    "deputy": "Deputy",
    "trooper": "Trooper",
    "sergeant": "Sergeant",
    "lieutenant_or_above": "Lieutenant or above",
    "detective": "Detective",
    "recruit": "Recruit",
    "other": "Other",
    "unknown": "Unknown",
}
ROLE_SHORT = {
    "patrol_officer": "PO",
    "deputy": "DEP",
    "trooper": "TPR",
    "sergeant": "SGT",
    "lieutenant_or_above": "LT+",
    "detective": "DET",
    "recruit": "REC",
    "other": "OTH",
    "unknown": "UNK",
}
ASSIGNMENT = {
    "one_officer_unit": "1-Officer Unit",
    "two_officer_unit": "2-Officer Unit",
    "traffic": "Traffic",
    "k9": "K-9",
    "tactical": "SWAT",
    "investigations": "CID",
    "school_resource": "SRO",
    "transport": "Transport",
    "training": "Training",
    "off_duty": "Off Duty",
    "other": "Other",
    "unknown": "",
}
ASSIGNMENT_SHORT = {
    "one_officer_unit": "1MAN",
    "two_officer_unit": "2MAN",
    "traffic": "TRAF",
    "k9": "K9",
    "tactical": "TAC",
    "investigations": "INV",
    "school_resource": "SRO",
    "transport": "TRANS",
    "training": "TRNG",
    "off_duty": "OFF",
    "other": "OTH",
    "unknown": "UNK",
}


@functools.lru_cache(maxsize=4)
def factor_labels(style: str) -> dict[str, str]:
    """Each non-ACT taxonomy code's label in an agency's vocabulary (unique per style)."""
    from nearmiss_lab.spec import load_taxonomy

    tax = load_taxonomy()
    labels: dict[str, str] = {}
    for category in tax.categories:
        if category == "ACT":
            continue
        for code in tax.codes_in(category):
            if style == "category":
                labels[code] = f"{tax.label(category)}: {tax.label(code)}"
            else:
                labels[code] = tax.label(code).upper()
    if len(set(labels.values())) != len(labels):  # a collision would make the mapping ambiguous
        labels = {c: f"{c.split('.')[0]} {v}" for c, v in labels.items()}
    return labels


def _pseudonym(rng: random.Random, taken: set[str]) -> str:
    while True:
        value = "AG-" + "".join(
            rng.choice(string.ascii_uppercase + string.digits) for _ in range(rng.randint(4, 6))
        )
        if value not in taken:
            taken.add(value)
            return value


def _names(kind: str, city: str, county: str, state: str) -> tuple[str, ...]:
    st_name = STATES[state][0]
    if kind == "municipal_police":
        return (
            f"{city} Police Department",
            f"{city} PD",
            f"{city} Police Dept.",
            f"{city[0]}PD",
            f"{city} Police",
        )
    if kind == "sheriff":
        return (
            f"{county} County Sheriff's Office",
            f"{county} County SO",
            f"{county} County Sheriff's Department",
            f"{county} Co. S.O.",
            f"{county[0]}CSO",
        )
    if kind == "highway_patrol":
        return (f"{st_name} Highway Patrol", f"{st_name[0]}HP", f"{st_name} HP")
    if kind == "state_police":
        return (f"{st_name} State Police", f"{st_name[0]}SP", f"{st_name} Troopers")
    return (
        f"{city} State University Police Department",
        f"{city} State University Police",
        f"{city} State UPD",
    )


def make_agencies(rng: random.Random, count: int) -> list[AgencyProfile]:
    """``count`` agencies cycling through :data:`SHAPES`, each with its own home and key."""
    taken: set[str] = set()
    profiles: list[AgencyProfile] = []
    states = sorted(STATES)
    for i in range(count):
        shape = SHAPES[i % len(SHAPES)]
        kind = _KIND[shape][0 if i < len(SHAPES) else rng.randrange(2)]
        state = rng.choice(states)
        city, county = rng.choice(TOWNS), rng.choice(COUNTIES)
        towns = tuple(sorted(set(rng.sample(TOWNS, 8)) | {city}))
        rank_table = {
            "municipal_police": "municipal_police",
            "sheriff": "sheriff",
            "highway_patrol": "state_police",
            "state_police": "state_police",
            "campus": "campus",
        }[kind]
        slug = "".join(c for c in (county if kind == "sheriff" else city).lower() if c.isalpha())
        domain = {
            "sheriff": f"{slug}countyso.org",
            "highway_patrol": f"{state.lower()}hp.gov",
            "state_police": f"{state.lower()}sp.gov",
        }.get(kind, f"{slug}pd.org")
        sworn = {
            "municipal_police": rng.randint(12, 900),
            "sheriff": rng.randint(8, 400),
            "highway_patrol": rng.randint(300, 1500),
            "state_police": rng.randint(300, 2500),
            "campus": rng.randint(10, 80),
        }[kind]
        profiles.append(
            AgencyProfile(
                id=_pseudonym(rng, taken),
                agency_type=kind,
                rank_table=rank_table,
                names=_names(kind, city, county, state),
                city=city,
                county=county,
                state=state,
                towns=towns,
                sworn=sworn,
                case_style=rng.randrange(5),
                email_domain=domain,
                shape=shape,
                key="".join(rng.choice("0123456789abcdef") for _ in range(32)),
            )
        )
    return profiles


def size_band(sworn: int) -> str:
    for low, high, label in (
        (1, 9, "1-9"),
        (10, 49, "10-49"),
        (50, 99, "50-99"),
        (100, 499, "100-499"),
        (500, 999, "500-999"),
    ):
        if low <= sworn <= high:
            return label
    return "1000+"
