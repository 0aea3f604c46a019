"""Offline name and place knowledge for the synthetic corpus.

Person names come from the US Census 1990 frequency lists shipped by the ``names`` package,
read directly and sampled through *our* seeded RNG (``names`` itself draws from the global
``random`` module, which would make the corpus depend on whatever else ran first). Places are
lists of real US town, county and street names used only as raw material for fictitious
agencies and incidents.
"""

from __future__ import annotations

import bisect
import functools
import random
from dataclasses import dataclass
from pathlib import Path

# Census spellings without accents or apostrophes; real reports carry them, and the accented
# ones exercise the latin-1 / cp1252 exports.
ACCENTED = {
    "PENA": "Peña",
    "MUNOZ": "Muñoz",
    "NUNEZ": "Núñez",
    "IBANEZ": "Ibáñez",
    "JOSE": "José",
    "RAMIREZ": "Ramírez",
    "HERNANDEZ": "Hernández",
    "SANCHEZ": "Sánchez",
    "GONZALEZ": "González",
    "RODRIGUEZ": "Rodríguez",
    "MARTINEZ": "Martínez",
    "LOPEZ": "López",
    "PEREZ": "Pérez",
    "GOMEZ": "Gómez",
    "DIAZ": "Díaz",
    "JESUS": "Jesús",
    "RENEE": "Renée",
    "CHLOE": "Chloé",
    "ZOE": "Zoë",
    "ANDRES": "Andrés",
    "RAUL": "Raúl",
    "RUBEN": "Rubén",
    "ANGEL": "Ángel",
    "JIMENEZ": "Jiménez",
    "FERNANDEZ": "Fernández",
    "ALVAREZ": "Álvarez",
    "VAZQUEZ": "Vázquez",
}
APOSTROPHE_PREFIXES = (
    "OBRIEN",
    "OCONNOR",
    "ODONNELL",
    "OCONNELL",
    "ONEAL",
    "ONEIL",
    "OKEEFE",
    "OBRYANT",
    "OROURKE",
    "ODELL",
    "OHARA",
    "OLEARY",
    "OMALLEY",
    "DANGELO",
)


def _proper(raw: str, rng: random.Random) -> str:
    if raw in ACCENTED and rng.random() < 0.35:
        return ACCENTED[raw]
    if raw in APOSTROPHE_PREFIXES and rng.random() < 0.7:
        return raw[0] + "'" + raw[1:].capitalize()
    if raw.startswith("MC") and len(raw) > 3:
        return "Mc" + raw[2:].capitalize()
    if raw.startswith("MAC") and len(raw) > 5 and rng.random() < 0.5:
        return "Mac" + raw[3:].capitalize()
    return raw.capitalize()


@dataclass(frozen=True)
class _Dist:
    names: tuple[str, ...]
    cumulative: tuple[float, ...]

    def draw(self, rng: random.Random, uniform_share: float, uniform_top: int) -> str:
        if rng.random() < uniform_share:
            return self.names[rng.randrange(min(uniform_top, len(self.names)))]
        x = rng.random() * self.cumulative[-1]
        return self.names[min(bisect.bisect_right(self.cumulative, x), len(self.names) - 1)]


def _names_dir() -> Path:
    import names  # the package only ships data files we read ourselves

    return Path(names.__file__).resolve().parent


@functools.lru_cache(maxsize=4)
def _dist(filename: str) -> _Dist:
    rows = (line.split() for line in (_names_dir() / filename).read_text().splitlines())
    pairs = [(r[0], float(r[2])) for r in rows if len(r) >= 3]
    return _Dist(tuple(p[0] for p in pairs), tuple(p[1] for p in pairs))


class NameBank:
    """Draws first and last names (Census frequencies, with a share of rarer names)."""

    def __init__(self) -> None:
        self.male = _dist("dist.male.first")
        self.female = _dist("dist.female.first")
        self.last = _dist("dist.all.last")

    def first(self, rng: random.Random, gender: str) -> str:
        dist = self.male if gender == "m" else self.female
        return _proper(dist.draw(rng, 0.2, 800), rng)

    def surname(self, rng: random.Random) -> str:
        name = _proper(self.last.draw(rng, 0.3, 20000), rng)
        if rng.random() < 0.05:  # hyphenated double surname
            name = f"{name}-{_proper(self.last.draw(rng, 0.3, 5000), rng)}"
        return name


def _words(text: str) -> tuple[str, ...]:
    return tuple(" ".join(w.split()) for w in text.split(",") if w.strip())


TOWNS = _words("""
    Irondale, Sawyer, Bixby, Fairview, Maple Grove, Cedar Falls, Harlan, Millbrook, Oak Ridge,
    Riverton, Pine Bluff, Clarksville, Greenfield, Ashland, Westfield, Dover, Lebanon,
    Hillsboro, Marion, Salem, Madison, Franklin, Clinton, Georgetown, Springfield, Auburn,
    Bristol, Burlington, Centerville, Chester, Dayton, Elkhart, Florence, Glendale, Hastings,
    Jackson, Kingston, Lancaster, Lexington, Milford, Newport, Oxford, Plymouth, Quincy,
    Richmond, Shelbyville, Troy, Union City, Vernon, Warren, Yorktown, Zanesville, Broken Arrow,
    Sand Springs, Owasso, Muskogee, Shawnee, Stillwater, Ardmore, Durant, Ada, McAlester,
    Tahlequah, Claremore, Guthrie, Enid, Ponca City, Lawton, Altus, Chickasha, Duncan,
    Weatherford, Elk City, Woodward, Guymon, Sallisaw, Poteau, Idabel, Hugo, Atoka, Seminole,
    Wewoka, Okmulgee, Henryetta, Sapulpa, Cushing, Perry, Blackwell, Alva, Kingfisher, El Reno,
    Yukon, Mustang, Moore, Norman, Noble, Purcell, Pauls Valley, Wynnewood, Sulphur, Tishomingo,
    Madill, Marietta, Waurika, Walters, Frederick, Hollis, Mangum, Sayre, Cheyenne, Arnett,
    Beaver, Boise City, Hooker, Laverne, Buffalo, Cherokee, Fairfax, Pawhuska, Bartlesville,
    Nowata, Vinita, Miami, Grove, Jay, Stilwell, Westville, Muldrow, Spiro, Heavener, Talihina,
    Wilburton, Stigler, Eufaula, Checotah, Wagoner, Coweta, Haskell, Pryor, Chouteau, Locust
    Grove, Salina, Kansas, Colcord, Bernice, Afton, Fairland, Wyandotte, Commerce, Quapaw,
    Picher, Cardin, North Miami, Welch, Bluejacket, Chelsea, Foyil, Catoosa, Inola, Verdigris,
    Oologah, Talala, Collinsville, Skiatook, Sperry, Hominy, Cleveland, Mannford, Drumright,
    Bristow, Depew, Stroud, Davenport, Chandler, Wellston, Luther, Jones, Harrah, McLoud,
    Tecumseh, Macomb, Asher, Konawa, Sasakwa, Holdenville, Calvin, Stonewall, Allen
""")
COUNTIES = _words("""
    Stone, Cherokee, Washington, Jefferson, Franklin, Madison, Lincoln, Jackson, Clay, Marion,
    Monroe, Greene, Warren, Wayne, Union, Boone, Carroll, Polk, Shelby, Logan, Grant, Benton,
    Lawrence, Perry, Pike, Adams, Brown, Calhoun, Crawford, Douglas, Fayette, Hamilton, Henry,
    Johnson, Knox, Lake, Lee, Marshall, Mercer, Morgan, Putnam, Scott, Sullivan, Taylor, Wright,
    Osage, Creek, Tulsa, Rogers, Mayes, Delaware, Ottawa, Craig, Nowata, Pawnee, Payne,
    Okfuskee, Okmulgee, Muskogee, Sequoyah, Le Flore, Latimer, Pittsburg, Atoka, Choctaw,
    Pushmataha, McCurtain, Bryan, Love, Carter, Garvin, Murray, Pontotoc, Seminole, Hughes,
    Coal, Johnston, Caddo, Comanche, Cotton, Tillman, Kiowa, Greer, Harmon, Beckham, Custer,
    Dewey, Ellis, Woods, Alfalfa, Major, Garfield, Kay, Noble, Blaine, Canadian, Kingfisher,
    Cleveland, McClain, Grady, Stephens, Jefferson, Sumner, Wilson, Rutherford, Maury, Bedford,
    Coffee, Dickson, Robertson, Cheatham, Hickman, Baldwin, Mobile, Escambia, Walton, Bay, Gulf,
    Leon, Wakulla, Dixie, Levy, Citrus
""")
STREET_NAMES = _words("""
    Sawmill, Oak, Maple, Main, Elm, Cedar, Pine, Walnut, Hickory, Willow, Church, Mill, Park,
    Lake, Hill, River, Spring, Ridge, Meadow, Forest, Highland, Sunset, Lincoln, Washington,
    Jefferson, Jackson, Madison, Franklin, Grand, Broadway, College, Railroad, Depot, Market,
    Commerce, Industrial, Old Mill, Old Post, Stage Coach, Prairie, Cottonwood, Pecan, Magnolia,
    Dogwood, Sycamore, Chestnut, Poplar, Birch, Ash, Cherry, Peach Tree, Country Club, Airport,
    Fairground, Cemetery, School, Water, Front, Second, Third, Fourth, Fifth, Sixth, Seventh,
    Eighth, Ninth, Tenth, Martin Luther King Jr., Cesar Chavez, Garnett, Memorial, Harvard,
    Yale, Sheridan, Mingo, Lewis, Peoria, Delaware, Utica, Riverside, Woodland, Greenwood,
    Hollywood, Kenosha, Admiral, Pine Ridge, Quail Run, Deer Creek, Fox Run, Eagle Crest, Timber
    Ridge, Shady Lane, Bluebird, Cardinal, Mockingbird, Whippoorwill, Tanglewood, Briarwood
""")
STREET_SUFFIXES = (
    ("Road", 8),
    ("Rd", 4),
    ("Rd.", 3),
    ("Street", 8),
    ("St", 4),
    ("St.", 4),
    ("Avenue", 5),
    ("Ave", 3),
    ("Ave.", 2),
    ("Drive", 4),
    ("Dr", 2),
    ("Lane", 3),
    ("Ln", 1),
    ("Boulevard", 2),
    ("Blvd", 2),
    ("Court", 1),
    ("Ct", 1),
    ("Circle", 1),
    ("Parkway", 1),
    ("Pkwy", 1),
    ("Way", 1),
    ("Trail", 1),
    ("Place", 1),
    ("Pike", 1),
)
DIRECTIONS = ("N", "S", "E", "W", "N.", "S.", "E.", "W.", "North", "South", "East", "West")
NUMBERED = (
    "1st",
    "2nd",
    "3rd",
    "4th",
    "5th",
    "6th",
    "7th",
    "8th",
    "9th",
    "10th",
    "11th",
    "12th",
    "15th",
    "21st",
    "23rd",
    "31st",
    "36th",
    "41st",
    "51st",
    "61st",
    "71st",
    "81st",
    "91st",
    "101st",
    "111th",
)

# State: (name, area codes). Kept to states whose agencies the corpus invents.
STATES = {
    "OK": ("Oklahoma", ("405", "918", "580", "539")),
    "TX": ("Texas", ("214", "512", "806", "903", "936")),
    "AR": ("Arkansas", ("479", "501", "870")),
    "MO": ("Missouri", ("314", "417", "573", "816")),
    "KS": ("Kansas", ("316", "620", "785", "913")),
    "TN": ("Tennessee", ("423", "615", "731", "865")),
    "AL": ("Alabama", ("205", "251", "256", "334")),
    "GA": ("Georgia", ("229", "478", "706", "912")),
    "OH": ("Ohio", ("216", "330", "419", "614", "740")),
    "IN": ("Indiana", ("219", "260", "317", "812")),
    "NC": ("North Carolina", ("252", "336", "704", "828", "910")),
    "FL": ("Florida", ("239", "352", "386", "850", "904")),
    "CO": ("Colorado", ("303", "719", "970")),
    "AZ": ("Arizona", ("480", "520", "602", "928")),
    "WA": ("Washington", ("253", "360", "509")),
    "PA": ("Pennsylvania", ("215", "412", "570", "717", "814")),
    "MS": ("Mississippi", ("228", "601", "662")),
    "KY": ("Kentucky", ("270", "502", "606", "859")),
    "NM": ("New Mexico", ("505", "575")),
    "VA": ("Virginia", ("276", "434", "540", "757")),
}
VEHICLES = (
    ("Chevrolet", ("Silverado", "Malibu", "Impala", "Tahoe", "Equinox", "Cavalier")),
    ("Ford", ("F-150", "Explorer", "Taurus", "Focus", "Ranger", "Crown Victoria", "Escape")),
    ("Honda", ("Accord", "Civic", "CR-V", "Odyssey", "Pilot")),
    ("Toyota", ("Camry", "Corolla", "Tacoma", "Tundra", "RAV4", "Highlander")),
    ("Nissan", ("Altima", "Maxima", "Sentra", "Titan", "Rogue")),
    ("Dodge", ("Ram 1500", "Charger", "Durango", "Caravan", "Dakota")),
    ("Jeep", ("Cherokee", "Wrangler", "Grand Cherokee", "Liberty")),
    ("GMC", ("Sierra", "Yukon", "Envoy")),
    ("Hyundai", ("Elantra", "Sonata", "Tucson")),
    ("Kia", ("Optima", "Soul", "Sorento")),
    ("Buick", ("LeSabre", "Enclave", "LaCrosse")),
    ("Pontiac", ("Grand Prix", "G6")),
    ("Chrysler", ("300", "Town and Country", "Sebring")),
)
COLOURS = (
    "white",
    "black",
    "silver",
    "gray",
    "grey",
    "red",
    "maroon",
    "blue",
    "dark blue",
    "green",
    "tan",
    "gold",
    "brown",
    "champagne",
    "white-over-blue",
    "primer gray",
)
LANDMARK_KINDS = (
    "Park",
    "Elementary School",
    "Middle School",
    "High School",
    "Baptist Church",
    "Methodist Church",
    "Apartments",
    "Mobile Home Park",
    "Shopping Center",
    "Plaza",
)
RANKS = {
    "municipal_police": (
        ("Officer", 10),
        ("Ofc.", 8),
        ("Ofc", 3),
        ("Patrolman", 1),
        ("PO", 1),
        ("Sgt.", 4),
        ("Sergeant", 3),
        ("Cpl.", 2),
        ("Corporal", 1),
        ("Lt.", 2),
        ("Det.", 2),
        ("Detective", 2),
        ("Capt.", 1),
    ),
    "sheriff": (
        ("Deputy", 12),
        ("Dep.", 5),
        ("Dep", 2),
        ("Sgt.", 3),
        ("Sergeant", 2),
        ("Cpl.", 2),
        ("Lt.", 2),
        ("Investigator", 2),
        ("Inv.", 1),
        ("Reserve Deputy", 1),
    ),
    "state_police": (
        ("Trooper", 12),
        ("Tpr.", 6),
        ("Tpr", 2),
        ("Sgt.", 3),
        ("Lt.", 2),
        ("Master Trooper", 1),
        ("Cpl.", 1),
    ),
    "campus": (("Officer", 10), ("Ofc.", 5), ("Sgt.", 2), ("Lt.", 1)),
}
