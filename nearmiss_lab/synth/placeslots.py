"""Slot renderers for places: the incident's location (street address, block address,
intersection, highway and mile marker, landmark), other addresses, cities, counties, states.

Spans follow :mod:`.slots`: each street, block number, highway and mile number is an identifier;
the phrase around it ("the 300 block of ...", "mile marker 212", "the corner of ...") is
optional; state names are optional (a state may stay in the data).
"""

from __future__ import annotations

from nearmiss_lab.synth.lexicon import COUNTIES
from nearmiss_lab.synth.scene import Scene
from nearmiss_lab.synth.slots import register
from nearmiss_lab.synth.text import TextBuilder


def street_ent(b: TextBuilder, name: str) -> None:
    b.ent(name, "LOCATION")


def address(scene: Scene, b: TextBuilder, street: str | None = None) -> None:
    rng = scene.rng
    text = f"{rng.randint(100, 24999)} {street or scene.street()}"
    if rng.random() < 0.15:
        text += rng.choice((", Apt. ", " Apt ", " #", ", Lot ", ", Unit ")) + str(
            rng.randint(1, 240)
        )
    b.ent(text, "LOCATION")


def block(scene: Scene, b: TextBuilder, street: str) -> None:
    rng = scene.rng
    start = b.pos
    hundreds = str(rng.randint(1, 99) * 100)
    form = rng.randrange(4)
    lead = ("the ", "the ", "", "the ")[form]
    b.lit(lead)
    inner = b.pos
    b.ent(hundreds, "LOCATION")
    b.lit((" block of ", " blk of ", " blk ", "-block of ")[form])
    street_ent(b, street)
    b.opt(inner if rng.random() < 0.5 else start, "LOCATION")


def intersection(scene: Scene, b: TextBuilder, first: str) -> None:
    rng = scene.rng
    second = scene.street()
    start = b.pos
    form = rng.randrange(5)
    if form == 3:
        b.lit("the intersection of ")
    elif form == 4:
        b.lit("the corner of ")
    street_ent(b, first)
    b.lit((" and ", " & ", "/", " and ", " and ")[form])
    street_ent(b, second)
    b.opt(start, "LOCATION")


def highway(scene: Scene, b: TextBuilder) -> None:
    rng = scene.rng
    name, mile = scene.highway()
    if rng.random() < 0.5:
        b.lit(
            rng.choice(
                (
                    "eastbound ",
                    "westbound ",
                    "northbound ",
                    "southbound ",
                    "EB ",
                    "WB ",
                    "NB ",
                    "SB ",
                    "the shoulder of ",
                )
            )
        )
    b.ent(name, "LOCATION")
    form = rng.randrange(5)
    b.lit((" near ", " at ", " just past ", " near ", ", ")[form])
    start = b.pos
    if form == 2:
        b.lit("the ")
        b.ent(mile, "LOCATION")
        b.lit(" mile marker")
    else:
        b.lit(rng.choice(("mile marker ", "MM ", "mm ", "mile marker ", "Mile Marker ")))
        b.ent(mile, "LOCATION")
    b.opt(start, "LOCATION")


def place(scene: Scene, b: TextBuilder, arg: str | None, cap: bool) -> None:
    """The incident's own location: first mention in full, later by its street or generically."""
    kind = scene.place_kind()
    seen = scene.cache.get("place_mentions", 0)
    scene.cache["place_mentions"] = seen + 1
    rng = scene.rng
    if seen and rng.random() < 0.5:
        if kind == "highway":
            b.ent(scene.highway()[0], "LOCATION")
        elif kind == "landmark":
            b.ent(scene.landmark(), "LOCATION")
        else:
            street_ent(b, scene.main_street())
        return
    if kind == "address":
        address(scene, b, scene.main_street())
    elif kind == "block":
        block(scene, b, scene.main_street())
    elif kind == "intersection":
        intersection(scene, b, scene.main_street())
    elif kind == "highway":
        highway(scene, b)
    else:
        if rng.random() < 0.5:
            b.lit("the ")
        b.ent(scene.landmark(), "LOCATION")
    if rng.random() < 0.3:
        b.lit(rng.choice((" in ", " in ", ", ")))
        b.ent(scene.town(), "LOCATION")


def other_address(scene: Scene, b: TextBuilder, arg: str | None, cap: bool) -> None:
    address(scene, b)


def city(scene: Scene, b: TextBuilder, arg: str | None, cap: bool) -> None:
    b.ent(scene.town(), "LOCATION")


def county(scene: Scene, b: TextBuilder, arg: str | None, cap: bool) -> None:
    rng = scene.rng
    name = scene.agency.county if rng.random() < 0.8 else rng.choice(COUNTIES)
    b.ent(f"{name} {rng.choice(('County', 'County', 'Co.', 'county'))}", "LOCATION")


def state(scene: Scene, b: TextBuilder, arg: str | None, cap: bool) -> None:
    start = b.pos
    b.lit(scene.agency.state_name if scene.rng.random() < 0.7 else scene.agency.state)
    b.opt(start, "STATE")


def landmark(scene: Scene, b: TextBuilder, arg: str | None, cap: bool) -> None:
    b.ent(scene.landmark(), "LOCATION")


register({
    "PLACE": place, "ADDR": other_address, "CITY": city, "COUNTY": county, "STATE": state,
    "LANDMARK": landmark,
})
