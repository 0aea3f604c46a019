"""Cities, counties, townships and neighbourhoods: "Stone County", "County of Stone",
"City of Irondale", "Irondale, AL", "Irondale, Alabama", "Lake Township", "Oak Heights".
The state stays (DESIGN: state may stay); only the city before it is reported."""

from __future__ import annotations

from presidio_analyzer import Pattern

from nearmiss_lab.deid.lexicon import GUARDED_NAME_WORD, LOWER, UPPER, is_jargon
from nearmiss_lab.deid.recognizers.base import LawPatternRecognizer
from nearmiss_lab.deid.vehicles import is_vehicle_name

# A place's name word, also with a capital inside it after a short prefix ("McAlester",
# "McCurtain", "DeKalb", "LaGrange", "DuPage"), which the name word stops at.
PLACE_NAME_WORD = rf"(?:[{UPPER}][{LOWER}]{{1,2}}[{UPPER}][{LOWER}]{{2,}}|{GUARDED_NAME_WORD})"
_WORDS = rf"(?:{PLACE_NAME_WORD}\s+){{1,4}}"
_STATE_NAMES = (
    r"(?:Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|"
    r"Georgia|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|"
    r"Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|"
    r"New\s+Hampshire|New\s+Jersey|New\s+Mexico|New\s+York|North\s+Carolina|North\s+Dakota|Ohio|"
    r"Oklahoma|Oregon|Pennsylvania|Rhode\s+Island|South\s+Carolina|South\s+Dakota|Tennessee|Texas|"
    r"Utah|Vermont|Virginia|Washington|West\s+Virginia|Wisconsin|Wyoming|Puerto\s+Rico)"
)
_STATE_CODES = (
    r"(?:AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|"
    r"NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR|Ala|Ariz|Ark|Calif|"
    r"Colo|Conn|Del|Fla|Ga|Ill|Ind|Kan|Ky|La|Md|Mass|Mich|Minn|Miss|Mo|Mont|Neb|Nev|Okla|Ore|Pa|"
    r"Tenn|Tex|Va|Wash|Wis|Wyo)\.?"
)


class PlaceRecognizer(LawPatternRecognizer):
    """LOCATION: named counties, cities, towns, townships, parishes and neighbourhoods."""

    ENTITY = "LOCATION"
    PATTERNS = [
        Pattern(
            "name county",
            rf"\b{_WORDS}(?i:County|Co\.|Parish|Borough|Township|Twp\.?)|\b{_WORDS}(?:Village|"
            r"Heights|Estates|Hills|Park|Gardens|Acres|Manor|Reservation|Reserve|Rancheria|Pueblo|"
            r"District|Municipality|Province|Region|Oblast)\b",
            0.6,
        ),
        Pattern(
            "county of name",
            rf"\b(?i:county|city|town|village|borough|township|parish|municipality|district|"
            rf"province|region|commune)\s+of\s+{PLACE_NAME_WORD}(?:\s+{PLACE_NAME_WORD}){{0,2}}",
            0.7,
        ),
        # "near mile marker 255, Durant.", "past the 276 mile marker, Idabel. Helen": a
        # highway's marker, then the town it is in, closing the clause.
        Pattern(
            "mile marker, town",
            r"\b(?i:mile\s*(?:marker|post)|milepost|mm)(?:\s+\d+(?:\.\d+)?)?,\s+"
            rf"(?P<value>{PLACE_NAME_WORD}(?:\s+{PLACE_NAME_WORD}){{0,2}})(?=\s*[.,;:]|\s*$)",
            0.6,
        ),
        Pattern(
            "city, state",
            rf"\b(?P<value>(?:{PLACE_NAME_WORD}\s+){{0,2}}{PLACE_NAME_WORD}),\s+"
            rf"(?:{_STATE_NAMES}|{_STATE_CODES})(?=\W|$)",
            0.7,
        ),
    ]
    CONTEXT = ["city", "county", "town", "lives", "resident", "village"]

    def validate_result(self, pattern_text: str) -> bool | None:
        # "a black SUV, OH": shorthand before a state code is no town.
        words = pattern_text.split()
        if words and all(is_jargon(w) for w in words):
            return False
        if is_vehicle_name(pattern_text, 0, len(pattern_text)):
            return False  # "a 2019 Toyota Camry, NY reg ...": a car, then the plate's state
        return None
