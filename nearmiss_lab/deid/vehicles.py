"""Vehicle makes and models: what the NER model most often takes for people, companies and
places in a police narrative ("a silver 2015 Dodge Caravan", "a Jeep Cherokee").

A make or a model names a product, not a person or a place: a plate or a VIN identifies the
vehicle and has its own recognizer. NER detections made only of such words are dropped, and
so is a capitalised word right after a make (the model: "Cherokee" after "Jeep" is no
county). Makes that are also common names or places ("Lincoln", "Mercury", "Ram") are left to
the NER.
"""

from __future__ import annotations

import re

MAKES = frozenset(
    """ford chevrolet chevy dodge toyota honda nissan jeep tesla gmc buick cadillac chrysler
    hyundai kia subaru mazda volkswagen vw bmw mercedes mercedes-benz audi lexus acura infiniti
    mitsubishi volvo pontiac oldsmobile plymouth harley harley-davidson kawasaki yamaha suzuki
    freightliner peterbilt kenworth porsche jaguar landrover isuzu""".split()
)
MODELS = frozenset(
    """f-150 f-250 f-350 f150 f250 silverado tahoe suburban impala malibu camaro corvette
    equinox traverse trailblazer cavalier cobalt cruze charger challenger durango caravan
    grand wrangler cherokee compass patriot renegade gladiator camry corolla tacoma tundra
    prius rav4 highlander sienna 4runner avalon accord civic odyssey pilot cr-v crv altima
    sentra maxima rogue pathfinder frontier titan versa murano explorer expedition escape
    focus fusion mustang ranger taurus econoline transit sierra yukon acadia terrain elantra
    sonata tucson optima sorento soul forte sportage outback forester impreza legacy jetta
    passat beetle tiguan camper minivan pickup sedan coupe hatchback""".split()
)
_WORD = re.compile(r"[^\W\d_][\w-]*|\d[\w-]*")
_YEAR_OR_PLACEHOLDER = re.compile(r"(?:\b(?:19|20)\d\d|\[[A-Z][A-Z_]*-\d+\])\s+$")
_MAKE_BEFORE = re.compile(r"([^\W\d_][\w-]*)\s+$")


def is_vehicle_name(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` is a make with its model and year ("Dodge", "2015 Jeep
    Cherokee"), or one word right after a make ("Jeep [Cherokee]", "Dodge [Caravan]").

    A model alone is not enough: many are also towns or first names ("Tucson", "Sierra").
    """
    words = [w.lower() for w in _WORD.findall(text[start:end])]
    if not words:
        return False
    # Model codes hold a digit: "G6", "F-150", "RAV4", "328i".
    if any(w in MAKES for w in words) and all(
        w in MAKES or w in MODELS or any(c.isdigit() for c in w) for w in words
    ):
        return True
    if len(words) != 1:
        return False
    before = _MAKE_BEFORE.search(text, max(0, start - 20), start)
    if before is not None and before.group(1).lower() in MAKES:
        return True
    # A model after a model year or a replaced make: "2015 Wrangler", "[ORGANIZATION-1] Impala".
    return (
        words[0] in MODELS
        and _YEAR_OR_PLACEHOLDER.search(text, max(0, start - 24), start) is not None
    )
