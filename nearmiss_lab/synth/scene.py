"""One incident's cast and setting: people, place, vehicle and numbers, created on first use
so that every later mention of the same person or place is consistent."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from nearmiss_lab.synth import idgen
from nearmiss_lab.synth.lexicon import (
    COLOURS,
    DIRECTIONS,
    LANDMARK_KINDS,
    NUMBERED,
    RANKS,
    STATES,
    STREET_NAMES,
    STREET_SUFFIXES,
    VEHICLES,
    NameBank,
)

NICKNAMES = (
    "Boo",
    "Tiny",
    "Junior",
    "Slim",
    "Red",
    "Bubba",
    "Smoke",
    "Lil Man",
    "Peanut",
    "Chico",
    "Dre",
    "Ace",
    "Bear",
    "Country",
    "June",
)
_SUFFIX_WORDS = [s for s, w in STREET_SUFFIXES for _ in range(w)]
_RANK_DRAWS = {kind: [r for r, w in table for _ in range(w)] for kind, table in RANKS.items()}


@dataclass
class AgencyProfile:
    """A fictitious agency: pseudonym, kind, names, home town and the shape of its export."""

    id: str
    agency_type: str
    rank_table: str
    names: tuple[str, ...]
    city: str
    county: str
    state: str
    towns: tuple[str, ...]
    sworn: int
    case_style: int
    email_domain: str
    shape: str
    key: str = ""

    @property
    def state_name(self) -> str:
        return STATES[self.state][0]

    @property
    def area_codes(self) -> tuple[str, ...]:
        return STATES[self.state][1]


@dataclass
class Person:
    first: str
    last: str
    gender: str
    middle: str | None = None
    rank: str | None = None
    badge: str | None = None
    age: int | None = None
    dob: dt.date | None = None
    nick: str | None = None
    mentions: int = 0


@dataclass
class Street:
    name: str  # full written name, e.g. "N. Sawmill Rd"


@dataclass
class Scene:
    """Everything one incident's text may mention; parts are made lazily and then reused."""

    rng: random.Random
    bank: NameBank
    agency: AgencyProfile
    when: dt.datetime
    style: str  # formal, casual, sloppy, caps
    people: dict[str, Person] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict)

    # -- people ----------------------------------------------------------------------------
    def rank_for(self, role: str) -> str:
        rng = self.rng
        if role == "sgt":
            return rng.choice(("Sgt.", "Sgt.", "Sergeant", "Sgt", "SGT"))
        if role == "lt":
            return rng.choice(("Lt.", "Lieutenant", "Lt"))
        if role == "disp":
            return rng.choice(("Dispatcher", "dispatcher", "Telecommunicator", "dispatcher"))
        return rng.choice(_RANK_DRAWS[self.agency.rank_table])

    def person(self, role: str) -> Person:
        if role in self.people:
            return self.people[role]
        rng = self.rng
        gender = "m" if rng.random() < (0.82 if role in {"sus", "sus2"} else 0.7) else "f"
        first = self.bank.first(rng, gender)
        last = self.bank.surname(rng)
        while any(p.last == last for p in self.people.values()):
            last = self.bank.surname(rng)
        person = Person(first=first, last=last, gender=gender)
        if rng.random() < 0.35:
            person.middle = self.bank.first(rng, gender)
        if role in {"me", "ofc", "ofc2", "ofc3", "sgt", "lt", "disp"}:
            person.rank = self.rank_for(role)
            person.badge = idgen.badge(rng)
        else:
            person.age = rng.randint(17, 68)
            born = self.when.date() - dt.timedelta(days=365 * person.age + rng.randint(0, 360))
            person.dob = born
            if role in {"sus", "sus2"} and rng.random() < 0.08:
                person.nick = rng.choice(NICKNAMES)
        self.people[role] = person
        return person

    @property
    def suspect_gender(self) -> str:
        return self.person("sus").gender

    # -- places ----------------------------------------------------------------------------
    def street(self) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.1:
            road = rng.choice(("County Road", "CR", "County Rd.", "Co Rd"))
            return f"{road} {rng.randint(10, 4999)}"
        if r < 0.22:
            base = rng.choice(NUMBERED)
        else:
            base = rng.choice(STREET_NAMES)
        name = f"{base} {rng.choice(_SUFFIX_WORDS)}"
        if rng.random() < 0.15:
            name = f"{rng.choice(DIRECTIONS)} {name}"
        return name

    def main_street(self) -> str:
        if "street" not in self.cache:
            self.cache["street"] = self.street()
        return self.cache["street"]

    def town(self) -> str:
        if "town" not in self.cache:
            agency = self.agency
            if agency.agency_type == "municipal_police" and self.rng.random() < 0.85:
                self.cache["town"] = agency.city
            else:
                self.cache["town"] = self.rng.choice(agency.towns)
        return self.cache["town"]

    def place_kind(self) -> str:
        if "place_kind" not in self.cache:
            weights = (
                ("address", 30),
                ("block", 25),
                ("intersection", 20),
                ("highway", 18),
                ("landmark", 7),
            )
            if self.agency.agency_type in {"state_police", "highway_patrol"}:
                weights = (
                    ("highway", 60),
                    ("intersection", 15),
                    ("address", 10),
                    ("block", 10),
                    ("landmark", 5),
                )
            kinds = [k for k, w in weights for _ in range(w)]
            self.cache["place_kind"] = self.rng.choice(kinds)
        return self.cache["place_kind"]

    def landmark(self) -> str:
        if "landmark" not in self.cache:
            rng = self.rng
            base = rng.choice(STREET_NAMES[:60] + (self.person("wit").last,))
            self.cache["landmark"] = f"{base} {rng.choice(LANDMARK_KINDS)}"
        return self.cache["landmark"]

    def highway(self) -> tuple[str, str]:
        if "highway" not in self.cache:
            rng = self.rng
            n = rng.choice((35, 40, 44, 70, 20, 30, 10, 65, 75, 55))
            k = rng.randint(1, 412)
            name = rng.choice(
                (
                    f"I-{n}",
                    f"Interstate {n}",
                    f"I{n}",
                    f"I-{n}",
                    f"US-{k}",
                    f"U.S. Highway {k}",
                    f"US Hwy {k}",
                    f"State Highway {k % 199 + 1}",
                    f"SH-{k % 199 + 1}",
                    f"Hwy {k % 199 + 1}",
                    f"Highway {k % 199 + 1}",
                    f"Route {k % 99 + 1}",
                    f"FM {k + 1000}",
                    f"County Road {k * 10}",
                )
            )
            mile = str(rng.randint(1, 330))
            if rng.random() < 0.2:
                mile += f".{rng.randint(1, 9)}"
            self.cache["highway"] = (name, mile)
        return self.cache["highway"]

    def vehicle(self) -> dict[str, str]:
        if "vehicle" not in self.cache:
            rng = self.rng
            make, models = rng.choice(VEHICLES)
            self.cache["vehicle"] = {
                "colour": rng.choice(COLOURS),
                "year": str(rng.randint(1996, self.when.year)),
                "make": make,
                "model": rng.choice(models),
                "plate": idgen.plate(rng),
                "vin": idgen.vin(rng),
                "state": self.agency.state if rng.random() < 0.8 else rng.choice(sorted(STATES)),
            }
        return self.cache["vehicle"]

    def number(self, kind: str) -> str:
        """A case / CAD / warrant / licence / unit number, the same on every mention."""
        if kind not in self.cache:
            rng, year = self.rng, self.when.year
            self.cache[kind] = {
                "case": lambda: idgen.case_number(
                    rng.randint(1, 99999), self.agency.case_style, year
                ),
                "cad": lambda: idgen.cad_number(rng, self.when.date()),
                "warrant": lambda: idgen.warrant_number(rng, year),
                "dl": lambda: idgen.licence_number(rng),
                "unit": lambda: idgen.unit(rng),
                "unit2": lambda: idgen.unit(rng),
            }[kind]()
        return self.cache[kind]
