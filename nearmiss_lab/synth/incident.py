"""One synthetic incident: its structured facts, narrative and lessons with gold spans."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from nearmiss_lab.synth import idslots, placeslots  # noqa: F401  (register their slots)
from nearmiss_lab.synth.phrases_factors import FACTORS, LESSONS
from nearmiss_lab.synth.phrases_scenes import (
    ACTIVITIES,
    CONNECTORS,
    EXTRAS,
    GENERAL_LESSONS,
    OPENINGS,
    OUTCOMES,
    SIGNATURES,
)
from nearmiss_lab.synth.scene import AgencyProfile, Scene
from nearmiss_lab.synth.slots import SLOTS
from nearmiss_lab.synth.text import Template, TextBuilder, bind, compile_all, render
from nearmiss_lab.synth.voice import REWRITES


def _compiled(texts: dict[str, tuple[str, ...]]) -> dict[str, tuple[Template, ...]]:
    return bind(compile_all(texts), SLOTS)


_T_OPEN = _compiled({"x": OPENINGS})["x"]
_T_ACT = _compiled(ACTIVITIES)
_T_FACT = _compiled(FACTORS)
_T_OUT = _compiled({"x": OUTCOMES})["x"]
_T_LESSON = _compiled(LESSONS)
_T_GENERAL = _compiled({"x": GENERAL_LESSONS})["x"]
_T_EXTRA = _compiled({"x": EXTRAS})["x"]
_T_SIGN = _compiled({"x": SIGNATURES})["x"]
_STYLES = ("formal",) * 45 + ("casual",) * 25 + ("third",) * 12 + ("sloppy",) * 10 + ("caps",) * 8
_ROLE_OF_RANK = {
    "officer": "patrol_officer", "ofc": "patrol_officer", "patrolman": "patrol_officer",
    "po": "patrol_officer", "cpl": "patrol_officer", "corporal": "patrol_officer",
    "deputy": "deputy", "dep": "deputy", "reserve deputy": "other", "trooper": "trooper",
    "tpr": "trooper", "master trooper": "trooper", "sgt": "sergeant", "sergeant": "sergeant",
    "lt": "lieutenant_or_above", "capt": "lieutenant_or_above", "det": "detective",
    "detective": "detective", "investigator": "detective", "inv": "detective",
}


@dataclass
class FreeText:
    """A free-text field with its planted identifier spans and optional spans."""

    text: str
    spans: list[tuple[int, int, str]]
    optional: list[tuple[int, int, str]]


@dataclass
class Incident:
    """Everything an agency system would hold about one near miss."""

    when: dt.datetime
    activities: list[str]
    factors: list[str]
    narrative: FreeText
    lessons: FreeText
    officer_name: str
    officer_first: str
    officer_last: str
    badge: str
    rank: str
    role: str
    assignment: str
    years_of_service: int
    hire_date: dt.date
    age: int
    lighting: str
    weather: str
    on_scene: int
    subjects: int
    injury: str
    street_address: str
    town: str
    case_number: str
    extra: dict[str, str] = field(default_factory=dict)


def _restyle(b: TextBuilder, style: str) -> FreeText:
    text = b.text()
    if style in {"sloppy", "caps"}:
        changed = text.lower() if style == "sloppy" else text.upper()
        if len(changed) == len(text):  # offsets must survive (true for every char we use)
            text = changed
    return FreeText(text, list(b.spans), list(b.optional))


def _after_connector(template: Template) -> Template:
    """The template with its first letter lowered (or its first slot not capitalised)."""
    first = template[0]
    if isinstance(first, str):
        if first.startswith(("I ", "I'")):
            return template
        return (first[:1].lower() + first[1:], *template[1:])
    return ((first[0], first[1], False), *template[1:])


def _sentences(rng: random.Random, scene: Scene, b: TextBuilder, templates: list[Template],
               paragraph_breaks: set[int], connect: set[int] = frozenset()) -> None:  # type: ignore[assignment]
    for i, template in enumerate(templates):
        if i:
            b.lit("\n\n" if i in paragraph_breaks else " ")
        if i in connect and rng.random() < 0.25:
            b.lit(rng.choice(CONNECTORS))
            template = _after_connector(template)
        render(template, scene, b)


def _attributes(rng: random.Random, scene: Scene, activities: list[str],
                factors: list[str]) -> dict[str, object]:
    when = scene.when
    me = scene.person("me")
    rank_key = (me.rank or "").lower().rstrip(".")
    years = rng.choice((rng.randint(0, 2), rng.randint(0, 2), rng.randint(3, 5),
                        rng.randint(6, 10), rng.randint(11, 20), rng.randint(3, 30)))
    role = _ROLE_OF_RANK.get(rank_key, "other")
    if years == 0 and role in {"patrol_officer", "deputy", "trooper"} and rng.random() < 0.4:
        role = "recruit"
    assignment = rng.choice(("one_officer_unit",) * 10 + ("two_officer_unit",) * 3 +
                            ("traffic", "traffic", "k9", "tactical", "investigations",
                             "school_resource", "other", "unknown"))
    if "ACT.PRISONER_TRANSPORT" in activities and rng.random() < 0.5:
        assignment = "transport"
    elif "ACT.TRAINING" in activities:
        assignment = "training"
    elif "ACT.OFF_DUTY" in activities:
        assignment = "off_duty"
    hour = when.hour
    if "ENV.DARKNESS" in factors:
        lighting = rng.choice(("dark_unlit", "dark_unlit", "dark_lit"))
    elif hour in (6, 19):
        lighting = "dawn_dusk"
    elif 7 <= hour < 19:
        lighting = "daylight" if rng.random() < 0.9 else "indoor"
    else:
        lighting = rng.choice(("dark_lit", "dark_lit", "dark_unlit", "indoor"))
    if "ENV.WEATHER" in factors:
        weather = rng.choice(("rain", "rain", "snow_ice", "fog", "wind"))
    else:
        weather = rng.choice(("clear",) * 12 + ("cloudy",) * 6 + ("extreme_heat", "extreme_cold",
                                                                  "unknown"))
    if "TAC.NO_BACKUP" in factors:
        on_scene = 1
    else:
        on_scene = 1 + min(rng.randint(0, 2) + rng.randint(0, 2), 6)
        if assignment == "two_officer_unit":
            on_scene = max(on_scene, 2)
    if "THREAT.MULTIPLE_SUBJECTS" in factors:
        subjects = rng.randint(2, 5)
    elif set(activities) <= {"ACT.ROADSIDE_SCENE", "ACT.TRAINING"}:
        subjects = rng.choice((0, 0, 1))
    else:
        subjects = 1
    injury = rng.choices(("none", "officer_minor", "subject_injured", "officer_serious",
                          "bystander_injured", "unknown"), (850, 80, 40, 10, 5, 15))[0]
    hire = when.date() - dt.timedelta(days=int(years * 365.25) + rng.randint(1, 300))
    return {"role": role, "assignment": assignment, "years": years, "hire": hire,
            "age": min(21 + years + rng.randint(0, 12), 66), "lighting": lighting,
            "weather": weather, "on_scene": on_scene, "subjects": subjects, "injury": injury}


def make_incident(rng: random.Random, scene: Scene, activities: list[str],
                  factors: list[str]) -> Incident:
    """Write the narrative and lessons of one incident and fill in its structured facts."""
    scene.style = rng.choice(_STYLES)
    me = scene.person("me")
    # Narrative: opening, what the officer was doing, each factor, outcome.
    templates = [rng.choice(_T_OPEN)]
    templates += [rng.choice(_T_ACT[a]) for a in activities]
    first_factor = len(templates)
    order = list(factors)
    rng.shuffle(order)
    templates += [rng.choice(_T_FACT[f]) for f in order]
    connect = set(range(first_factor, len(templates)))
    templates += rng.sample(_T_EXTRA, rng.choice((0, 0, 1, 1, 2)))
    first_outcome = len(templates)
    templates += rng.sample(_T_OUT, rng.choice((1, 1, 2)))
    breaks = {i for i in (first_factor, first_outcome) if rng.random() < 0.3}
    nb = TextBuilder(rewrite=REWRITES.get(scene.style))
    _sentences(rng, scene, nb, templates, breaks, connect)
    # Lessons: one or two factor lessons, maybe a general one; sometimes nothing.
    lessons: list[Template] = []
    if rng.random() >= 0.1:
        for code in rng.sample(order, min(len(order), rng.choice((1, 1, 2)))):
            lessons.append(rng.choice(_T_LESSON[code]))
        if not lessons or rng.random() < 0.5:
            lessons.append(rng.choice(_T_GENERAL))
    lb = TextBuilder(rewrite=REWRITES.get(scene.style))
    _sentences(rng, scene, lb, lessons, set())
    if lessons and rng.random() < 0.12:
        render(rng.choice(_T_SIGN), scene, lb)
    attrs = _attributes(rng, scene, activities, factors)
    street = scene.main_street()
    return Incident(
        when=scene.when, activities=activities, factors=factors,
        narrative=_restyle(nb, scene.style), lessons=_restyle(lb, scene.style),
        officer_name=f"{me.first} {me.last}", officer_first=me.first, officer_last=me.last,
        badge=me.badge or "", rank=me.rank or "", role=str(attrs["role"]),
        assignment=str(attrs["assignment"]), years_of_service=int(attrs["years"]),  # type: ignore[call-overload]
        hire_date=attrs["hire"], age=int(attrs["age"]),  # type: ignore[arg-type,call-overload]
        lighting=str(attrs["lighting"]), weather=str(attrs["weather"]),
        on_scene=int(attrs["on_scene"]), subjects=int(attrs["subjects"]),  # type: ignore[call-overload]
        injury=str(attrs["injury"]),
        street_address=f"{rng.randint(100, 24999)} {street}", town=scene.town(),
        case_number=scene.number("case"),
    )


__all__ = ["AgencyProfile", "FreeText", "Incident", "Scene", "make_incident"]
