"""Slot renderers for numbers people can be traced by: badge, unit, case, CAD and warrant
numbers, plates, VINs, licences, phones, e-mail addresses and ages."""

from __future__ import annotations

from nearmiss_lab.synth import idgen
from nearmiss_lab.synth.scene import Scene
from nearmiss_lab.synth.slots import register
from nearmiss_lab.synth.text import TextBuilder, cap_first


def _labelled(b: TextBuilder, label: str, value: str, kind: str, cap: bool) -> None:
    """``label`` + identifier; the identifier must be masked, the label may be."""
    start = b.pos
    b.lit(cap_first(label, cap))
    b.ent(value, kind)
    b.opt(start, kind)


def badge(scene: Scene, b: TextBuilder, arg: str | None, cap: bool) -> None:
    p = scene.person(arg or "me")
    label = scene.rng.choice(("badge #", "Badge No. ", "badge number ", "#", "ID# ",
                              "employee #", "badge ", "serial #"))
    _labelled(b, label, p.badge or "0", "ID", cap)


def unit(scene: Scene, b: TextBuilder, arg: str | None, cap: bool) -> None:
    value = scene.number(arg or "unit")
    label = scene.rng.choice(("Unit ", "unit ", "car ", "Car ", "unit #", "call sign ", "radio "))
    _labelled(b, label, value, "ID", cap)


def case(scene: Scene, b: TextBuilder, arg: str | None, cap: bool) -> None:
    label = scene.rng.choice(("case #", "case number ", "report #", "Case No. ", "incident #",
                              "IR# ", "RMS #", "report number ", "offense report "))
    _labelled(b, label, scene.number("case"), "ID", cap)


def cad(scene: Scene, b: TextBuilder, arg: str | None, cap: bool) -> None:
    label = scene.rng.choice(("CAD #", "CAD incident ", "call #", "CFS ", "CAD "))
    _labelled(b, label, scene.number("cad"), "ID", cap)


def warrant(scene: Scene, b: TextBuilder, arg: str | None, cap: bool) -> None:
    label = scene.rng.choice(("warrant #", "warrant number ", "case ", "warrant "))
    _labelled(b, label, scene.number("warrant"), "ID", cap)


def licence(scene: Scene, b: TextBuilder, arg: str | None, cap: bool) -> None:
    label = scene.rng.choice(("DL #", f"{scene.agency.state} DL ", "driver's license number ",
                              "OLN ", "license #"))
    _labelled(b, label, scene.number("dl"), "ID", cap)


def plate(scene: Scene, b: TextBuilder, arg: str | None, cap: bool) -> None:
    rng = scene.rng
    veh = scene.vehicle()
    start = b.pos
    form = rng.randrange(6)
    if form == 0:
        b.lit(cap_first(f"{veh['state']} tag ", cap))
    elif form == 1:
        b.lit(cap_first("tag ", cap))
    elif form == 2:
        b.lit(cap_first("plate ", cap))
    elif form == 3:
        b.lit(cap_first("license plate ", cap))
    elif form == 4:
        b.lit(cap_first(f"{veh['state']} plate ", cap))
    else:
        b.lit(cap_first("temp tag ", cap))
    b.ent(veh["plate"], "ID")
    b.opt(start, "ID")


def vehicle(scene: Scene, b: TextBuilder, arg: str | None, cap: bool) -> None:
    rng = scene.rng
    veh = scene.vehicle()
    b.lit(cap_first(f"a {veh['colour']} {veh['year']} {veh['make']} {veh['model']}", cap))
    r = rng.random()
    if r < 0.4:
        b.lit(rng.choice((" bearing ", " with ", " displaying ")))
        plate(scene, b, None, False)
    elif r < 0.6:
        b.lit(" (")
        plate(scene, b, None, False)
        b.lit(")")


def vin(scene: Scene, b: TextBuilder, arg: str | None, cap: bool) -> None:
    rng = scene.rng
    value = scene.vehicle()["vin"]
    if rng.random() < 0.15:
        _labelled(b, rng.choice(("VIN ending in ", "last six of the VIN ")), value[-6:], "ID",
                  cap)
        return
    _labelled(b, rng.choice(("VIN ", "VIN# ", "vin ", "VIN: ")), value, "ID", cap)


def phone(scene: Scene, b: TextBuilder, arg: str | None, cap: bool) -> None:
    rng = scene.rng
    key = f"phone:{arg or 'wit'}"
    if key not in scene.cache:
        number = idgen.phone(rng, rng.choice(scene.agency.area_codes))
        if arg == "me" and rng.random() < 0.3:
            number += f" ext. {rng.randint(100, 9999)}"
        scene.cache[key] = number
    b.ent(scene.cache[key], "PHONE")


def email(scene: Scene, b: TextBuilder, arg: str | None, cap: bool) -> None:
    rng = scene.rng
    p = scene.person(arg or "me")
    first = "".join(c for c in p.first.lower() if c.isascii() and c.isalpha()) or "x"
    last = "".join(c for c in p.last.lower() if c.isascii() and c.isalpha()) or "y"
    local = rng.choice((f"{first}.{last}", f"{first[0]}{last}", f"{last}{first[0]}",
                        f"{first}{last}{rng.randint(1, 99)}", f"{last}.{first}"))
    domain = scene.agency.email_domain if arg in (None, "me", "ofc", "sgt") else rng.choice(
        ("gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com"))
    b.ent(f"{local}@{domain}", "EMAIL")


def age(scene: Scene, b: TextBuilder, arg: str | None, cap: bool) -> None:
    rng = scene.rng
    p = scene.person("sus")
    value = str(p.age if arg != "adj" else rng.randint(18, 80))
    start = b.pos
    form = rng.randrange(2) if arg == "adj" else rng.randrange(6)
    if form == 4:
        b.lit("age ")
    elif form == 5:
        b.lit("(")
    b.ent(value, "AGE")
    b.lit(("-year-old", " year old", " y/o", " yoa", "", ")")[form])
    b.opt(start, "AGE")


register({
    "BADGE": badge, "UNIT": unit, "CASE": case, "CAD": cad, "WARRANT": warrant, "DL": licence,
    "PLATE": plate, "VEH": vehicle, "VIN": vin, "PHONE": phone, "EMAIL": email, "AGE": age,
})
