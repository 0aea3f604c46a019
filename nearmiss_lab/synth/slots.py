"""Slot renderers: each writes one mention into the text and marks its identifier spans.

Span policy (what the gold says must be masked): the identifying tokens only — the name, not
the rank; the number, not the word "badge"; each street of an intersection; the block number
and the street of a block address; highway and mile number. The surrounding phrase ("Officer
John Smith", "badge #4471", "the 300 block of Sawmill Road", "mile marker 212") is marked
optional, so a de-identifier that masks the whole phrase loses no precision. Times, weekdays
and state names are optional (generalised elsewhere, or allowed to stay).
"""

from __future__ import annotations

import datetime as dt

from nearmiss_lab.synth import idgen
from nearmiss_lab.synth.lexicon import COUNTIES, STATES, TOWNS
from nearmiss_lab.synth.scene import Person, Scene
from nearmiss_lab.synth.text import SlotFn, TextBuilder, cap_first

PLURAL_RANK = {
    "municipal_police": ("Officers", "Ofcs.", "officers"),
    "sheriff": ("Deputies", "Deps.", "deputies"),
    "state_police": ("Troopers", "Tprs.", "troopers"),
    "campus": ("Officers", "officers", "Ofcs."),
}


_LOWER_NAMES: dict[str, float] = {"casual": 0.12, "formal": 0.0}


def _name(b: TextBuilder, text: str, scene: Scene | None = None) -> None:
    # Hurried typing drops capitals on names now and then; the sloppy style lowers everything.
    if scene is not None and scene.rng.random() < _LOWER_NAMES.get(scene.style, 0.0):
        text = text.lower()
    b.ent(text, "PERSON")


def officer(scene: Scene, b: TextBuilder, role: str, cap: bool) -> None:
    rng = scene.rng
    p = scene.person(role)
    rank = p.rank or "Officer"
    if scene.style == "casual" and rng.random() < 0.3:
        rank = rank.lower()
    rank = cap_first(rank, cap)
    start = b.pos
    if p.mentions == 0:
        form = rng.randrange(9)
        if form in (0, 1):
            b.lit(f"{rank} ")
            _name(b, f"{p.first} {p.last}", scene)
        elif form == 2:
            b.lit(f"{rank} ")
            _name(b, p.last, scene)
        elif form == 3:
            b.lit(f"{rank} ")
            _name(b, f"{p.first[0]}. {p.last}", scene)
        elif form == 4:
            _name(b, f"{p.first} {p.last}", scene)
        elif form == 5:
            b.lit(f"{rank} ")
            _name(b, p.last, scene)
            b.lit(" #")
            b.ent(p.badge or "0", "ID")
        elif form == 6:
            b.lit(f"{rank} ")
            _name(b, f"{p.first} {p.last}", scene)
            b.lit(" (")
            mark = b.pos
            b.lit(rng.choice(("badge ", "Badge #", "#", "ID ")))
            b.ent(p.badge or "0", "ID")
            b.opt(mark, "ID")
            b.lit(")")
        elif form == 7 and p.middle:
            b.lit(f"{rank} ")
            _name(b, f"{p.first} {p.middle[0]}. {p.last}", scene)
        else:
            b.lit(f"{rank} ")
            _name(b, p.last, scene)
    else:
        r = rng.random()
        if r < 0.55:
            b.lit(f"{rank} ")
            _name(b, p.last, scene)
        elif r < 0.8 or role not in {"ofc", "sgt"}:
            _name(b, p.last, scene)
        elif r < 0.87:
            _name(b, p.first, scene)
        else:
            b.lit(
                cap_first(
                    rng.choice(("my partner", "the other officer", "my backup"))
                    if role == "ofc"
                    else "my supervisor",
                    cap,
                )
            )
            p.mentions += 1
            return
    p.mentions += 1
    b.opt(start, "PERSON")


def civilian(scene: Scene, b: TextBuilder, role: str, cap: bool) -> None:
    rng = scene.rng
    p = scene.person(role)
    if p.mentions == 0:
        form = rng.randrange(11)
        if form in (0, 1, 2):
            _name(b, f"{p.first} {p.last}", scene)
        elif form == 3 and p.middle:
            _name(b, f"{p.first} {p.middle} {p.last}", scene)
        elif form == 4 and p.middle:
            _name(b, f"{p.first} {p.middle[0]}. {p.last}", scene)
        elif form == 5:
            _name(b, f"{p.last.upper()}, {p.first}", scene)
        elif form == 6:
            _name(b, f"{p.last}, {p.first}" + (f" {p.middle[0]}." if p.middle else ""), scene)
        elif form == 7 and p.nick:
            _name(b, f'{p.first} "{p.nick}" {p.last}', scene)
        elif form == 8 and p.dob:
            _name(b, f"{p.first} {p.last}", scene)
            b.lit(" (")
            mark = b.pos
            b.lit(rng.choice(("DOB ", "DOB: ", "dob ", "born ")))
            b.ent(idgen.date_text(rng, p.dob), "DATE")
            b.opt(mark, "DATE")
            b.lit(")")
        else:
            _name(b, f"{p.first} {p.last}", scene)
    else:
        r = rng.random()
        if r < 0.4:
            _name(b, p.last, scene)
        elif r < 0.55:
            start = b.pos
            b.lit("Mr. " if p.gender == "m" else rng.choice(("Ms. ", "Mrs. ")))
            _name(b, p.last, scene)
            b.opt(start, "PERSON")
        elif r < 0.65:
            _name(b, p.first, scene)
        else:
            generic = {
                "sus": (
                    "the suspect",
                    "the subject",
                    "the male" if p.gender == "m" else "the female",
                    "the driver",
                    "the suspect",
                ),
                "sus2": ("the second subject", "the passenger", "the other subject"),
                "wit": ("the witness", "the caller", "the complainant"),
                "vic": ("the victim", "the reporting party", "the victim"),
            }[role]
            b.lit(cap_first(rng.choice(generic), cap))
    p.mentions += 1


def officer_list(scene: Scene, b: TextBuilder, arg: str | None, cap: bool) -> None:
    rng = scene.rng
    roles = ["ofc2", "ofc3"] + (["sgt"] if rng.random() < 0.4 else [])
    people = [scene.person(r) for r in roles]
    start = b.pos
    plural = PLURAL_RANK[scene.agency.rank_table]
    form = rng.randrange(3)
    if form == 0:
        b.lit(cap_first(rng.choice(plural), cap) + " ")
    for i, p in enumerate(people):
        if i:
            last = i == len(people) - 1
            b.lit((rng.choice((", and ", " and ")) if i > 1 else " and ") if last else ", ")
        if form == 1:
            b.lit(f"{p.rank} ")
        text = f"{p.first[0]}. {p.last}" if form == 2 and rng.random() < 0.5 else p.last
        _name(b, text, scene)
        p.mentions += 1
    b.opt(start, "PERSON")


def pronoun(scene: Scene, b: TextBuilder, arg: str | None, cap: bool) -> None:
    male = scene.suspect_gender == "m"
    word = {
        "he": "he" if male else "she",
        "his": "his" if male else "her",
        "him": "him" if male else "her",
    }[arg or "he"]
    b.lit(cap_first(word, cap))


# -- organisations -------------------------------------------------------------------------------
def agency(scene: Scene, b: TextBuilder, arg: str | None, cap: bool) -> None:
    names = scene.agency.names
    text = names[0] if scene.rng.random() < 0.5 else scene.rng.choice(names)
    if text.startswith("the "):
        b.lit(cap_first("the ", cap))
        text = text[4:]
    b.ent(text, "ORGANIZATION")


def other_agency(scene: Scene, b: TextBuilder, arg: str | None, cap: bool) -> None:
    rng = scene.rng
    if "oagency" not in scene.cache:
        town, cty = rng.choice(TOWNS), rng.choice(COUNTIES)
        st = STATES[scene.agency.state][0]
        scene.cache["oagency"] = rng.choice(
            (
                f"{town} Police Department",
                f"{town} PD",
                f"{cty} County Sheriff's Office",
                f"{cty} County SO",
                f"{cty} County Sheriff's Department",
                f"{st} Highway Patrol",
                f"{st} State Police",
                f"{town} Police Dept.",
                f"{cty} Co. Sheriff's Office",
            )
        )
    b.lit(cap_first("the ", cap))
    b.ent(scene.cache["oagency"], "ORGANIZATION")


def fire(scene: Scene, b: TextBuilder, arg: str | None, cap: bool) -> None:
    rng = scene.rng
    b.ent(
        rng.choice(
            (
                f"{scene.town()} Fire Department",
                f"{scene.town()} FD",
                f"{scene.agency.county} County EMS",
                f"{scene.town()} Fire",
            )
        ),
        "ORGANIZATION",
    )


def jail(scene: Scene, b: TextBuilder, arg: str | None, cap: bool) -> None:
    rng = scene.rng
    if rng.random() < 0.3:
        b.lit(cap_first("the county jail", cap))
        return
    b.lit(cap_first("the ", cap))
    b.ent(
        rng.choice(
            (
                f"{scene.agency.county} County Jail",
                f"{scene.agency.county} County Detention Center",
                f"{scene.town()} City Jail",
            )
        ),
        "ORGANIZATION",
    )


# -- dates and times -------------------------------------------------------------------------------
def date(scene: Scene, b: TextBuilder, arg: str | None, cap: bool) -> None:
    rng = scene.rng
    day: dt.date = scene.when.date()
    if arg == "dob":
        day = scene.person("sus").dob or day
    elif arg == "later":
        day = day + dt.timedelta(days=rng.randint(1, 40))
    elif arg == "before":
        day = day - dt.timedelta(days=rng.randint(20, 900))
    start = b.pos
    weekday = rng.random() < 0.15
    if weekday:
        b.lit(idgen.WEEKDAYS[day.weekday()] + rng.choice((", ", " ")))
    b.ent(idgen.date_text(rng, day), "DATE")
    if weekday:
        b.opt(start, "DATE")


def time(scene: Scene, b: TextBuilder, arg: str | None, cap: bool) -> None:
    start = b.pos
    b.lit(idgen.time_text(scene.rng, scene.when.time()))
    b.opt(start, "TIME")


SLOTS: dict[str, SlotFn] = {
    "OFC": lambda s, b, a, c: officer(s, b, "ofc", c),
    "OFC2": lambda s, b, a, c: officer(s, b, "ofc2", c),
    "SGT": lambda s, b, a, c: officer(s, b, "sgt", c),
    "LT": lambda s, b, a, c: officer(s, b, "lt", c),
    "DISP": lambda s, b, a, c: officer(s, b, "disp", c),
    "ME": lambda s, b, a, c: officer(s, b, "me", c),
    "SUS": lambda s, b, a, c: civilian(s, b, "sus", c),
    "SUS2": lambda s, b, a, c: civilian(s, b, "sus2", c),
    "WIT": lambda s, b, a, c: civilian(s, b, "wit", c),
    "VIC": lambda s, b, a, c: civilian(s, b, "vic", c),
    "OFCS": officer_list,
    "P": pronoun,
    "AGENCY": agency,
    "OAGENCY": other_agency,
    "FIRE": fire,
    "JAIL": jail,
    "DATE": date,
    "TIME": time,
}


def register(slots: dict[str, SlotFn]) -> None:
    """Add more slot renderers (identifier slots live in :mod:`.idslots`)."""
    SLOTS.update(slots)


__all__ = ["SLOTS", "Person", "register"]
