"""Street addresses in US and international forms, block addresses and P.O. boxes:
"1420 Sawmill Road", "the 300 block of N. Elm St", "W 34th St", "Koskikatu 25 Apt. 864",
"Rue de la Paix", "P.O. Box 118", and ZIP codes after a state."""

from __future__ import annotations

from presidio_analyzer import Pattern

from nearmiss_lab.deid.lexicon import GUARDED_NAME_WORD, LOWER, NAME_VERBS, NAME_WORD, UPPER
from nearmiss_lab.deid.recognizers.base import LawPatternRecognizer

STREET_SUFFIX = (
    r"(?:Street|St|Avenue|Ave|Av|Road|Rd|Boulevard|Blvd|Drive|Dr|Lane|Ln|Way|Court|Ct|Place|Pl|"
    r"Circle|Cir|Terrace|Ter|Trail|Trl|Parkway|Pkwy|Highway|Hwy|Square|Sq|Alley|Aly|Row|Path|"
    r"Pike|Plaza|Loop|Run|Crossing|Xing|Bend|Cove|Point|Pt|Ridge|Hollow|Walk|Expressway|Expy|"
    r"Freeway|Fwy|Turnpike|Tpke|Close|Crescent|Cres|Mews|Gardens|Grove|Heights)\b\.?"
)
# Street words of other languages, as a suffix of the name ("Koskikatu", "Hauptstrasse").
FOREIGN_STREET = (
    rf"(?:[{UPPER}][{LOWER}]*(?:katu|kuja|gatan|gata|vägen|vegen|veien|vej|(?<!Bri)gade|"
    r"strasse|straße|stræde|gasse|weg|laan|straat|plein|utca|ulica|iela|tänav|gatve|cesta|"
    r"ulice|sokak|caddesi)\b|(?:ul\.|utca|út|tér|odos)\s+[A-Z]\w+)"
)
_DIRECTION = r"(?:[NSEWnsew]\.?|North|South|East|West|NE|NW|SE|SW|N\.E\.|N\.W\.|S\.E\.|S\.W\.)"
# Before a street's name a spelled direction is part of the street in any case: all-caps
# and capital-less reports are re-cased word by word, which leaves "10560 south 5th Street"
# and "the 9000 block of south 12th Pkwy" with a small direction word.
DIRECTION_BEFORE = rf"(?:{_DIRECTION}|(?i:north|south|east|west)(?:-?(?i:east|west))?)"
# Streets named after people keep the name's suffix: "Martin Luther King Jr. Road".
_NAME_SUFFIX = r"(?:Jr|JR|Sr|SR)\.?"
_STREET_NAME = (
    rf"(?:(?:{NAME_WORD}|\d{{1,3}}(?i:st|nd|rd|th)|[A-Z]\.?)\s+){{1,4}}(?:{_NAME_SUFFIX}\s+)?"
)
_SHORT_STREET_NAME = _STREET_NAME.replace("{1,4}", "{1,3}")
# The secondary unit designators of USPS Publication 28 (appendix C2) that take a number,
# spelled out or abbreviated: "Apt 4B", "Lot 17", "TRLR 9", "Spc 12", "Bldg C". KEY and STOP
# are left out: "stop 2" is as often the second traffic stop.
UNIT_DESIGNATOR = (
    r"(?i:apartment|apt|building|bldg|department|dept|floor|fl|hangar|hngr|lot|pier|room|rm|"
    r"slip|space|spc|suite|ste|trailer|trlr|unit)(?![^\W\d_])"
)
# A unit's number: digits with letters ("4B", "12-A") or one letter ("Apt B"); not the
# article "a" nor "i" ("unit a few", "lot i").
UNIT_NUMBER = r"(?:[\w-]*\d[\w-]*(?![\w-])|(?:[A-Z]|[b-hj-z])\b)"
# A unit before a verb people do is a patrol car on the call ("1420 Sawmill Rd, unit 12
# arrived"), not part of the address.
_ACTS = "|".join(sorted(NAME_VERBS))
_UNIT = rf"(?:,?\s*(?:{UNIT_DESIGNATOR}\.?\s*#?|#)\s*{UNIT_NUMBER}(?![ \t]+(?i:{_ACTS})\b))?"
_STATES = (
    r"(?:AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|"
    r"NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR)"
)


class StreetAddressRecognizer(LawPatternRecognizer):
    """ADDRESS: house-number addresses, block addresses, named streets and P.O. boxes."""

    ENTITY = "ADDRESS"
    PATTERNS = [
        Pattern(
            "house number street",
            # "1420 1/2 Main Street": the half number of a lot split in two.
            rf"\b\d{{1,6}}[A-Z]?(?:-\d{{1,4}})?(?:\s+1/2)?\s+(?:{DIRECTION_BEFORE}\s+)?"
            rf"{_STREET_NAME}{STREET_SUFFIX}"
            rf"(?:\s+{_DIRECTION}\b)?{_UNIT}",
            0.85,
        ),
        Pattern(
            "block address",
            rf"\b(?P<value>\d{{1,6}}[\s-](?i:block|blk\.?|hundred\s+block)\s+(?i:of\s+)?"
            rf"(?:{DIRECTION_BEFORE}\s+)?(?:{_STREET_NAME}{STREET_SUFFIX}|{_SHORT_STREET_NAME}))",
            0.85,
        ),
        Pattern(
            "named street",
            # "NB County Road 2830": a direction of travel is no word of the street's name.
            rf"\b(?:{DIRECTION_BEFORE}\s+)?(?![NSEW]B\b)"
            rf"(?:{NAME_WORD}|\d{{1,3}}(?i:st|nd|rd|th))\s+"
            rf"(?:{NAME_WORD}\s+){{0,2}}(?:{_NAME_SUFFIX}\s+)?{STREET_SUFFIX}(?:\s+{_DIRECTION}\b)?",
            0.6,
        ),
        Pattern(
            "foreign street",
            rf"\b(?:\d{{1,6}}\s+)?(?:{NAME_WORD}\s+){{0,2}}{FOREIGN_STREET}(?:\s+\d{{1,5}}[A-Za-z]?)?{_UNIT}",
            0.6,
        ),
        Pattern(
            "street of name",
            rf"\b(?i:rue|via|calle|avenida|rua|avenue|boulevard|piazza|plaza|place)\s+"
            rf"(?:(?:de|del|della|la|le|les|do|da|dos|des|di)\s+)*{NAME_WORD}(?:\s+{NAME_WORD})?",
            0.5,
        ),
        # A named residence complex is the address of the people in it: "Old Mill Mobile
        # Home Park", "Shady Oaks Trailer Park", "Magnolia Apartments" (up to four name words
        # before the designator, which is capitalised: "Several trailer park residents").
        Pattern(
            "residence complex",
            rf"\b(?:{GUARDED_NAME_WORD}\s+){{1,4}}(?:(?:(?:Mobile|Manufactured)\s+Home|Trailer|RV)"
            r"\s+(?:Park|Court|Community|Village|Estates)|Apartments|Apts\.?|Condominiums|Condos|"
            r"Townhomes|Townhouses|Campground)\b",
            0.6,
        ),
        Pattern("po box", r"\b(?i:p\.?\s?o\.?\s+box|post\s+office\s+box)\s+\d{1,6}\b", 0.85),
        Pattern("zip after state", rf"\b{_STATES}\s+(?P<value>\d{{5}}(?:-\d{{4}})?)\b", 0.8),
        Pattern("unit alone", r"\b(?i:apt|apartment|suite|ste)\.?\s*#?\s*\d[\w-]*", 0.6),
        # Rooms, lots and spaces of a building, motel, trailer park or campground.
        Pattern(
            "room lot space",
            r"\b(?i:room|rm|lot|space|site|trailer|cabin|bldg|building)\.?\s*#?\s*"
            r"(?P<value>\d{1,4}[A-Za-z]?)\b(?!\s*(?i:minutes|seconds|hours|feet|ft|yards|miles|mph))",
            0.5,
        ),
        # European order, house number first or last: "172 Maneeži 75", "Koskikatu 25".
        Pattern(
            "number name number",
            rf"\b\d{{1,6}}\s+(?:{NAME_WORD}\s+){{1,3}}\d{{1,4}}[A-Za-z]?\b(?!\s*(?:%|percent|[:/.]\d))",
            0.5,
        ),
        # US military mail: "PSC 6695, Box 2353", "Unit 5022 Box 1225", "APO AE 20849",
        # "USS Lorenzen".
        Pattern("military box", r"\b(?:PSC|CMR|Unit)\s+\d{3,5},?\s+Box\s+\d{1,5}\b", 0.85),
        Pattern("military post", r"\b(?:APO|FPO|DPO)\s+(?:AA|AE|AP)\s+\d{5}\b", 0.85),
        Pattern("ship", rf"\b(?:USS|USNS|USNV|USCGC)\s+{NAME_WORD}", 0.7),
        Pattern(
            "postcode after keyword",
            r"\b(?i:zip|zip\s+code|postal\s+code|postcode|post\s+code)\s*(?i:is|:|#)?\s*"
            r"(?P<value>[A-Z0-9]{3,5}(?:[- ][A-Z0-9]{3,4})?)\b",
            0.8,
        ),
    ]
    CONTEXT = ["address", "lives", "residence", "located", "block", "street", "home"]
