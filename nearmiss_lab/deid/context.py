"""Text-level rules applied after the recognizers, before overlap resolution.

- Relative time phrases the NER calls DATE or TIME ("last year", "this morning") identify
  nothing and are dropped; dated phrases (a digit, a number word, a month, a weekday)
  stay. NER "dates" that
  are ages ("61 year old") are left to the age recognizer.
- Address blocks grow: once part of an address is found ("Suite 845", "1420 Sawmill Rd"),
  the neighbouring address parts on the same or the next lines (house numbers, street
  words, city, region, postcode, country) are taken too, so that a multi-line or
  comma-separated address never leaves its city or postcode behind.
- Name lists complete: in "Diaz, Kowalski, Brown and Lee", once one item is a person, the
  other capitalised items of the list are persons too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from nearmiss_lab.deid.lexicon import (
    DETERMINERS,
    NAME_VERBS,
    NOT_NAMES,
    PLURAL_RANK_RE,
    ROLES,
    STOP_WORDS,
    SURNAME_STOP_WORDS,
    UPPER,
    is_jargon,
    is_rank,
    is_rank_word,
)
from nearmiss_lab.deid.names import POLICE_NOUNS, NameKnowledge
from nearmiss_lab.deid.places import us_places
from nearmiss_lab.deid.recognizers.street_address import UNIT_DESIGNATOR, UNIT_NUMBER
from nearmiss_lab.deid.types import Detection
from nearmiss_lab.deid.vehicles import is_vehicle_name

_DATED = re.compile(
    r"\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|"
    r"\b(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*day\b|christmas|easter|thanksgiving|"
    r"new year|independence day|halloween|memorial day|labor day|veterans day|"
    # Spelled-out amounts: "three years", "ten days", "one year and four months" (a
    # sentence length or a tenure narrows who it was).
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|hundred|half)\b",
    re.IGNORECASE,
)
_ROLE_WORDS = frozenset(ROLES)
_LABELLED = re.compile(
    r"[ \t]*(?:#\s*)?(?:\d|\[[A-Z][A-Z_]*-\d+\]|(?i:one|two|three|four|five|six|seven|eight|"
    r"nine|ten|eleven|twelve)\b)"
)
_NAMED_TYPES = frozenset({"PERSON", "ORGANIZATION", "AGENCY", "LOCATION"})
_CLOCK = re.compile(r"\d|\b(?:noon|midnight)\b", re.IGNORECASE)
_AGE_PHRASE = re.compile(r"^\d{1,3}[- ]?(?:years?|yrs?)[- ]?old$", re.IGNORECASE)


# Words before a police noun that make it the noun ("in the lane", "to court", "at Church").
_PLACE_PREPOSITIONS = frozenset(
    """in on at to into onto from near toward towards across along around through behind
    inside outside of over under past via""".split()
)
_LABEL_COLON = re.compile(r"[ \t]*[:#]")


def _police_noun_is_label(
    text: str, d: Detection, words: Sequence[re.Match[str]], is_name: Callable[[str], bool] | None
) -> bool:
    """Whether an NER span made only of police nouns is the noun, not a person.

    Many of those nouns are census surnames ("Chase", "Lane", "Miles", "Field", "Court"):
    such a span is the noun only in the shapes of a label or a noun phrase, a colon or a
    number after it ("Vehicle:", "Lane 2"), a determiner or a place preposition before it
    ("the Court", "in Church"); standing as a person does ("Chase said", "Lane followed
    him") it is a name. A span without any capitalised census name is always the noun
    ("Dispatch advised").
    """
    if is_name is None or not any(
        w.group()[:1].isupper() and is_name(w.group().strip(",.:;")) for w in words
    ):
        return True
    if _LABEL_COLON.match(text, d.end) or _LABELLED.match(text, d.end):
        return True
    if words[-1].group().endswith(":"):
        return True
    before = re.search(r"([^\W\d_]+)[ \t]*$", text[max(0, d.start - 30) : d.start])
    prev = before.group(1).lower() if before else ""
    return prev in DETERMINERS or prev in _PLACE_PREPOSITIONS


def trim_ner_detection(
    text: str,
    d: Detection,
    is_common_word: Callable[[str], bool] | None = None,
    is_english: Callable[[str], bool] | None = None,
    is_name: Callable[[str], bool] | None = None,
) -> Detection | None:
    """Clean one NER detection: None for relative DATE/TIME phrases and ages; ranks cut off
    the ends of a PERSON span ("Sgt. Ana Diaz" keeps "Sgt.", the rank stays readable), and
    police shorthand too ("W/M", "DOB", "NB"); a label before a number is no name ("Car
    214", "Lesson one"), nor a police noun in the shape of a label ("Vehicle:", "the
    Court"), unless it is a census name standing as a person ("Chase said", see
    :func:`_police_noun_is_label`)."""
    if d.entity_type in ("PERSON", "ORGANIZATION", "LOCATION"):
        if is_vehicle_name(text, d.start, d.end):
            return None  # "Dodge", "Jeep Cherokee": a product, not a company or a county
        words = list(re.finditer(r"\S+", text[d.start : d.end]))
        if (
            is_english is not None
            and d.entity_type == "PERSON"  # not "Netherlands 91196": a country and a postcode
            and len(words) <= 2
            and all(is_english(w.group()) for w in words)
            and _LABELLED.match(text, d.end)
        ):
            return None  # "Car 214", "Mile Marker [ADDRESS-1]", "Lesson one": a label
        if all(
            w.group().lower().strip(",.:;") in POLICE_NOUNS for w in words
        ) and _police_noun_is_label(text, d, words, is_name):
            return None  # "Vehicle:", "Dispatch": the nouns of police work name no one
        while words and is_jargon(words[0].group()):
            words.pop(0)
        while words and is_jargon(words[-1].group()):
            words.pop()
        # The NER model sometimes takes a rank for a name or an organisation ("Ofc").
        # "Victim Maria Delgado", "RP Sandra Whitfield": a role word before a name is not
        # part of it (the NER takes a sentence-initial one in).
        while words and (
            is_rank_word(words[0].group()) or words[0].group().lower().strip(".,:") in _ROLE_WORDS
        ):
            words.pop(0)
        while words and is_rank_word(words[-1].group()):
            words.pop()
        if not words:
            return None
        return Detection(
            d.start + words[0].start(), d.start + words[-1].end(), d.entity_type, d.score, d.source
        )
    return d if keep_ner_detection(text, d) else None


def keep_ner_detection(text: str, d: Detection) -> bool:
    """False for NER DATE/TIME spans that are relative phrases or ages."""
    if d.entity_type not in ("DATE", "TIME"):
        return True
    surface = text[d.start : d.end]
    if d.entity_type == "TIME":
        # A clock time identifies; a duration ("fifteen minutes") does not.
        return bool(_CLOCK.search(surface))
    return bool(_DATED.search(surface)) and not _AGE_PHRASE.match(surface.strip())


# One address part: a number or postcode, a capitalised or upper-case word, a unit
# designator, or a particle of a foreign street name; separated by spaces, commas or a
# single line break.
_PARTICLES = "de du des la le les van von der den del della da do dos di ul u ter ten"
_ADDRESS_PART = re.compile(
    r"(?:[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}|[A-Z]\d[A-Z]\s?\d[A-Z]\d|\d{1,6}(?:-\d{1,4})?[A-Za-z]?"
    rf"|(?:{UNIT_DESIGNATOR}|(?i:box|po))\.?[ \t]*#?[ \t]*{UNIT_NUMBER}"
    r"|#[ \t]?\w[\w-]{0,5}"
    r"|[^\W\d_][\w'’.-]*)"
)
_UNIT_PART = re.compile(rf"{UNIT_DESIGNATOR}\.?[ \t]*#?[ \t]*{UNIT_NUMBER}")
# "2310 Hwy 9 east, lot 4": a direction after a route number, before a unit, is part of the
# address in any case (re-cased reports leave it small).
_DIRECTION_BEFORE_UNIT = re.compile(
    rf"(?i:north|south|east|west)[ \t]*,?[ \t]*(?:{UNIT_DESIGNATOR}\.?[ \t]*#?|#)"
    rf"[ \t]*{UNIT_NUMBER}"
)
# A house number before an address: "5100 Quadra 104", and the grid numbers of rural
# Wisconsin and Illinois addresses ("N1234 County Road K", "W5678 Hwy 12").
_HOUSE_NUMBER = re.compile(r"\d[\w'’.-]*|[NSEW]\d{3,6}")
_ROUTE_START = re.compile(
    r"(?i:I|IH|US|SR|CR|C\.R\.|Hwy\.?|Highway|Route|Rte\.?|Rt\.?|Interstate|FM|Loop|Spur|"
    r"(?:State|County)[ \t]+(?:Route|Road|Rd\.?|Highway|Hwy\.?))[- \t]?\d"
)
_GAP = re.compile(r"[ \t]*(?:[,>\-]\s*|\n[ \t>]*|[ \t]+)?")
_ADDRESS_TYPES = frozenset({"ADDRESS"})
_POSTCODE = re.compile(r"[ \t]*,?[ \t]*(?:\d{4,6}|\d{2,3}[ -]\d{2,3}|[A-Z]\d[A-Z]\s?\d[A-Z]\d)\b")
_ABBREVIATIONS = frozenset(
    "st. ave. rd. dr. blvd. ln. ct. pl. hwy. str. apt. ste. no. n. s. e. w. u. ul. sq. mt. ft. "
    "box. fl. bldg. rte. rt. pkwy. cir. ter. avda. av.".split()
)
MAX_GROWTH = 80  # characters on each side


def _is_address_word(word: str, know: NameKnowledge | None = None) -> bool:
    """True for a part of an address; with ``know`` (a capital-less report) also a lower-case
    word that is no ordinary English word ("drive, eagle", "st. & pine tree road, quapaw")."""
    if word[:1].isdigit() or word[:1] == "#":
        return True  # a house number, a postcode, a unit ("County Road 3509 #6")
    if _UNIT_PART.fullmatch(word):
        return True  # a unit in any case: "16500 CR 2793, lot 17", "County Rd. 4023, unit 194"
    low = word.lower().rstrip(".")
    if low in _PARTICLES.split():
        return True
    if low in STOP_WORDS or is_rank(word):
        return False
    if not word[:1].isupper():
        # "jones." ends the sentence: the dot is no part of the word.
        bare = word.rstrip(".")
        return know is not None and bare.isalpha() and not know.is_common_word(bare)
    return True


_NEXT_WORD = re.compile(r"[ \t]+([^\W\d_]+)")


def _goes_on_after_dot(text: str, end: int, part: re.Match[str]) -> bool:
    """Whether an address whose last word ends in a dot goes on with ``part``: after an
    abbreviation ("St.", "Rd.", "N.") with a number, a unit or a town the gazetteer knows
    ("1420 Main St. Irondale, AL"); not with another word ("Airport Pkwy. R/O foot-chased",
    "Stage Coach St. Call came out"), nor after a whole word's dot ("Jackson Road. Looking")."""
    last = re.search(r"\S+$", text[max(0, end - 16) : end])
    word = last.group().lower() if last else ""
    if word not in _ABBREVIATIONS and len(word) > 2:
        return False
    value = part.group()
    if value[:1].isdigit() or _UNIT_PART.fullmatch(value):
        return True
    return us_places().place_end(text, part.start()) is not None


def _unit_acts(text: str, end: int) -> bool:
    """Whether the word after a unit designator and its number is a verb people (and patrol
    units) do: then the unit is a car on the call, not a part of the address."""
    nxt = _NEXT_WORD.match(text, end)
    return nxt is not None and nxt.group(1).lower() in NAME_VERBS


# What closes a clause after a word: the town of "8035 birch pike, stonewall." ends it.
_CLAUSE_END = re.compile(r"[ \t]*(?:[.;:!?]|\n|$)")


def _is_town_after_address(text: str, word: str, end: int, know: NameKnowledge | None) -> bool:
    """Whether a lower-case ordinary word after an address and a comma is its town: it ends
    the clause ("8035 birch pike, stonewall.", "hill street, auburn;") and is no police
    noun, stop word or shorthand ("..., then", "..., traffic")."""
    if know is None:
        return False
    bare = word.rstrip(".").lower()
    if not bare.isalpha() or bare in STOP_WORDS or bare in POLICE_NOUNS or is_jargon(bare):
        return False
    return word.endswith(".") or _CLAUSE_END.match(text, end) is not None


_PLACE_BEFORE_TOWN = frozenset({"LOCATION", "ORGANIZATION", "AGENCY"})
_TOWN_AFTER_COMMA = re.compile(
    rf"[ \t]*,[ \t]+(?P<town>[{UPPER}][a-z]{{2,}})(?=[ \t]*(?:[.;:!?](?:\s|$)|\n|$))"
)


_TOWN_AFTER_ADDRESS = re.compile(
    r"[ \t]+(?i:in)[ \t]+(?P<town>[^\W\d_]{3,}(?:[ \t]+[^\W\d_]{3,})?)"
    r"(?=[ \t]*(?:[.,;:!?](?:\s|$)|\n|$)"
    r"|[ \t]+(?i:where|when|while|as|and|at|on|with|for|after|before)\b)"
)


# After an address or a mile marker and a comma, a town the gazetteer knows, followed by the
# end of the clause or by a word that goes on with the sentence ("lincoln rd., auburn to the
# jail", "the 281 mile marker, seminole."); "..., grand theft" is no town.
_COMMA_AFTER_ADDRESS = re.compile(
    r"(?:[ \t]+(?i:mile[ \t]+markers?|mile[ \t]+posts?|mileposts?|mm))?[ \t]*,[ \t]*"
)
_AFTER_TOWN = re.compile(
    r"[ \t]*(?:[.,;:!?)](?:\s|$)|\n|$)|[ \t]+(?i:where|when|while|as|and|to|in|at|on|for|"
    r"after|before|with|near|from)\b"
)


def _gazetteer_town_after_address(
    text: str, end: int, capitalised: bool = False
) -> tuple[int, int] | None:
    """The span of a known town after an address's ``end`` and a comma; in a report with
    informative case (``capitalised``) only a capitalised one ("the 276 mile marker,
    Idabel."), which the growth over address words cannot reach past "mile marker"."""
    comma = _COMMA_AFTER_ADDRESS.match(text, end)
    if comma is None or capitalised and not text[comma.end() : comma.end() + 1].isupper():
        return None
    town_end = us_places().place_end(text, comma.end())
    if town_end is None or _AFTER_TOWN.match(text, town_end) is None:
        return None
    return comma.end(), town_end


def _caseless_town_end(text: str, town: re.Match[str], know: NameKnowledge | None) -> int:
    """Where the town after "in" ends. In a capital-less report a second word that is an
    ordinary word belongs to the sentence unless the gazetteer knows the pair ("the hickory
    apartments in mcloud waiting for", "mile marker 101 in noble waiting", but "in broken
    arrow where"): then the first word alone is the town when the gazetteer knows it or it
    is no ordinary word; otherwise both words go (recall first)."""
    words = list(re.finditer(r"\S+", town.group("town")))
    if know is None or len(words) < 2 or not know.is_common_word(words[1].group()):
        return town.end("town")
    places = us_places()
    start = town.start("town")
    if places.place_end(text, start) == town.end("town"):
        return town.end("town")
    first_end = start + words[0].end()
    if places.place_end(text, start) == first_end or not know.is_common_word(words[0].group()):
        return first_end
    return town.end("town")


def _is_town_word(word: str) -> bool:
    low = word.lower()
    return not (
        low in STOP_WORDS or low in NOT_NAMES or low in POLICE_NOUNS or is_rank(word)
    ) and not is_jargon(low)


def grow_addresses(
    text: str, detections: Sequence[Detection], know: NameKnowledge | None = None
) -> list[Detection]:
    """Extend ADDRESS detections over adjacent address parts (see module docstring).

    ``know`` is given for capital-less reports, where a lower-case word may be a town.
    """
    out = list(detections)
    for d in detections:
        if d.entity_type in _PLACE_BEFORE_TOWN:
            # "near the Mill Methodist Church, Auburn.": a capitalised word closing the
            # clause after a found place or institution and a comma is its town.
            town = _TOWN_AFTER_COMMA.match(text, d.end)
            if town and _is_town_word(town.group("town")):
                out.append(
                    Detection(
                        town.start("town"), town.end("town"), "LOCATION", d.score, "address-growth"
                    )
                )
        if d.entity_type == "LOCATION":
            # A place followed by a postcode: "Switzerland 82590", "Nicosia 61089".
            post = _POSTCODE.match(text, d.end)
            if post:
                out.append(Detection(d.start, post.end(), d.entity_type, d.score, "address-growth"))
            continue
        if d.entity_type not in _ADDRESS_TYPES:
            continue
        town = _TOWN_AFTER_ADDRESS.match(text, d.end)
        if town and all(
            _is_town_word(w) and (know is not None or w[:1].isupper())
            for w in town.group("town").split()
        ):
            # "3670 water road in broken arrow where", "county road 4566 in auburn.": an
            # address in its town, ordinary words or not.
            town_end = _caseless_town_end(text, town, know)
            out.append(
                Detection(town.start("town"), town_end, "LOCATION", d.score, "address-growth")
            )
        known = _gazetteer_town_after_address(text, d.end, capitalised=know is None)
        if known:
            out.append(Detection(*known, "LOCATION", d.score, "address-growth"))
        start = d.start
        floor = max(0, d.start - MAX_GROWTH)
        while start > floor:
            m = re.search(r"([\w'’.-]+)([ \t]*,?[ \t]*\n?[ \t>]*)$", text[floor:start])
            if not m or not m.group(2) and start != d.start:
                break
            word = m.group(1)
            if "\n" in m.group(2) or not _HOUSE_NUMBER.fullmatch(word):
                # Leftwards only house numbers are taken ("5100 Quadra 104"): a capitalised
                # word before an address is as often a name as a place.
                break
            start = floor + m.start(1)
        # A unit after an address is its flat or lot ("11668 cr 2864, unit 54", "Koskikatu 25
        # Apt. 864"); after a bare numbered road ("I-40 West, Unit 4 followed") it is a car.
        housed = _ROUTE_START.match(text, start) is None
        end = d.end
        limit = min(len(text), d.end + MAX_GROWTH)
        lines = 0
        while end < limit:
            gap = _GAP.match(text, end)
            nxt = gap.end() if gap else end
            if gap and "\n" in gap.group():
                lines += 1
                if lines > 4 or "\n\n" in gap.group():
                    break
            part = _ADDRESS_PART.match(text, nxt)
            if not part:
                break
            if part.group().startswith("#") and text[end - 1] in ".;:":
                break  # "Main Street. #2 on the list": a new sentence, not a unit
            if text[end - 1] == "." and not _goes_on_after_dot(text, end, part):
                break  # "the 6000 blk of Jackson Road. Looking back": a new sentence
            if _UNIT_PART.fullmatch(part.group()) and (
                not housed or _unit_acts(text, part.end())
            ):
                break  # "1420 Sawmill Rd, unit 12 arrived": a patrol unit, not an apartment
            if not _is_address_word(part.group(), know) and not (
                end == d.end
                and gap is not None
                and "," in gap.group()
                and _is_town_after_address(text, part.group(), part.end(), know)
            ) and not (housed and _DIRECTION_BEFORE_UNIT.match(text, nxt)):
                break
            end = part.end()
            word = part.group()
            if word.endswith(".") and word.lower() not in _ABBREVIATIONS and len(word) > 2:
                break  # "AL." ends the sentence: what follows is not the address
        if start < d.start or end > d.end:
            out.append(Detection(start, end, d.entity_type, d.score, "address-growth"))
    return out


# One list item: optional initials, then one or two words ("k. brennan", "Ana Diaz").
_INITIALS = r"(?:(?<!\w)[^\W\d_]\.[ \t]?)*"
_ITEM_WORD = r"[^\W\d_][\w'’-]*"
_LIST_ITEM_AFTER = re.compile(rf"{_INITIALS}{_ITEM_WORD}(?:[ \t]+{_ITEM_WORD})?")
_LIST_SEP = re.compile(r"\s*(?:,\s*(?:and\s+|&\s+)?|\s(?:and|&|or)\s)\s*")
_LIST_ITEM_BEFORE = re.compile(
    rf"((?:{_INITIALS}{_ITEM_WORD}[ \t]+)?{_INITIALS}{_ITEM_WORD})"
    r"(\s*(?:,\s*(?:and\s+|&\s+)?|\s(?:and|&|or)\s)\s*)$"
)
_ROLE_WORDS_LIST = frozenset(w.lower() for w in ROLES)


def _list_item(
    text: str,
    start: int,
    end: int,
    caseless: bool,
    know: NameKnowledge | None,
    cut: bool = False,
    of_names: bool = False,
) -> tuple[int, int] | None:
    """The name part of a candidate list item, or None when it is not a name.

    Two-word candidates fall back to one word on the side away from the list ("Lee
    arrived" -> "Lee"); initials belong to the item ("k. brennan"). In a list known to be
    of names (``of_names``: two items already are, or a plural rank leads it) any census
    name is an item, ordinary word or not ("R. Jackson, E. Shannon, and Crane").
    """
    tokens = list(re.finditer(r"[^\W\d_][\w'’-]*\.?", text[start:end]))
    words = [t for t in tokens if not re.fullmatch(r"[^\W\d_]\.", t.group())]
    if not words:
        return None

    def ok(word: str) -> bool:
        low = word.lower()
        if not caseless and low in SURNAME_STOP_WORDS and word[1:].islower() and word[0].isupper():
            return True  # "O'Connor, Hetz, and Too arrived": a stop word capitalised mid-list
        if low in STOP_WORDS or is_rank(word) or low in _ROLE_WORDS_LIST or is_jargon(word):
            return False
        if of_names and know is not None and low not in DETERMINERS and (
            caseless or word[:1].isupper()
        ):
            if know.is_name(word) or not know.is_word(word):
                return True
        if word[:1].isupper():
            # A word cut from a longer item ("Dispatch told") must look like a name.
            return not cut or know is None or know.is_name(word) or not know.is_english(word)
        # Capital-less reports: a lower-case item is a name when the census lists it; an
        # ordinary word ("young") only with an initial ("k. young") or before a verb people
        # do ("and young arrived").
        if not caseless or know is None or not know.is_name(word):
            return False
        if not know.is_common_word(word) or len(tokens) > len(words):
            return True
        verb = re.match(r"[ \t]+([^\W\d_]+)", text[end:])
        return verb is not None and verb.group(1).lower() in NAME_VERBS

    if all(ok(w.group()) for w in words):
        return start + tokens[0].start(), start + tokens[-1].end()
    return None


def complete_name_lists(
    text: str,
    detections: Sequence[Detection],
    *,
    caseless: bool = False,
    know: NameKnowledge | None = None,
) -> list[Detection]:
    """Mark the other items of a list that contains a found person.

    Items are capitalised words with their initials; in a capital-less report (``caseless``)
    also lower-case census names (``know``).
    """
    people = sorted((d for d in detections if d.entity_type == "PERSON"), key=lambda d: d.start)
    out = list(detections)
    covered = {(d.start, d.end) for d in detections}
    for d in people:
        # "officers garay-meador, hammers and bock": a plural rank says the list is of names,
        # and so does a found name as the item before this one.
        led = _PLURAL_RANK_BEFORE.search(
            text, max(0, d.start - 50), d.start
        ) is not None or _found_before(text, d, people)
        for direction in (1, -1):
            pos_start, pos_end = d.start, d.end
            items = 1
            for _ in range(8):
                found = None
                of_names = direction == 1 and (led or items >= 2)
                if direction == 1:
                    sep = _LIST_SEP.match(text, pos_end)
                    item = _LIST_ITEM_AFTER.match(text, sep.end()) if sep else None
                    if item:
                        s, e = item.span()
                        found = _list_item(text, s, e, caseless, know, of_names=of_names)
                        if found is None and " " in item.group().strip():
                            one = re.match(rf"{_INITIALS}{_ITEM_WORD}", text[s:e])
                            if one:
                                found = _list_item(
                                    text, s, s + one.end(), caseless, know, True, of_names
                                )
                else:
                    base = max(0, pos_start - 60)
                    m = _LIST_ITEM_BEFORE.search(text[base:pos_start])
                    if m:
                        s, e = base + m.start(1), base + m.end(1)
                        found = _list_item(text, s, e, caseless, know)
                        if found is None:
                            last = re.search(rf"{_INITIALS}{_ITEM_WORD}$", text[s:e])
                            if last and last.start() > 0:
                                found = _list_item(text, s + last.start(), e, caseless, know, True)
                if not found:
                    break
                s, e = found
                if (s, e) not in covered:
                    out.append(Detection(s, e, "PERSON", 0.5, "name-list"))
                    covered.add((s, e))
                pos_start, pos_end = s, e
                items += 1
    return out


# (A found name may still lack its initials and the first half of a hyphenated name here.)
_NAME_HEAD = r"(?:[^\W\d_]\.[ \t]?)*(?:[^\W\d_][\w'’]*-)?"
_PLURAL_RANK_BEFORE = re.compile(rf"\b{PLURAL_RANK_RE}[ \t]+{_NAME_HEAD}$")
_ITEM_SEP_BEFORE = re.compile(rf"(?:,[ \t]*|[ \t]+(?:and|&)[ \t]+){_NAME_HEAD}$")


def _found_before(text: str, d: Detection, people: Sequence[Detection]) -> bool:
    """Whether a found person stands right before ``d`` as the previous list item."""
    sep = _ITEM_SEP_BEFORE.search(text, max(0, d.start - 40), d.start)
    return sep is not None and any(p.end == sep.start() for p in people)


_INITIAL_BEFORE = re.compile(r"(?:^|(?<=[\s(\[,;:]))(?:[^\W\d_]\.[ \t]?)+$")
_INITIAL_AFTER = re.compile(r"[ \t][^\W\d_]\.(?=\s|$|[.,;:)])")
_HYPHEN_BEFORE = re.compile(r"[^\W\d_][\w'’]*-$")
_HYPHEN_AFTER = re.compile(r"-[^\W\d_][\w'’]*")


def grow_names(text: str, detections: Sequence[Detection]) -> list[Detection]:
    """Grow names over the parts that belong to them: initials before a person ("k.
    brennan", "J. R. Diaz") and a middle initial after one ("Brown, John A."), and the other
    half of a hyphenated name or place ("young-green", "Martinez-Lopez", "Winston-Salem")."""
    out = []
    for d in detections:
        start, end = d.start, d.end
        if d.entity_type in _NAMED_TYPES:
            while True:
                before = _HYPHEN_BEFORE.search(text, max(0, start - 40), start)
                if not before:
                    break
                start = before.start()
            while True:
                after = _HYPHEN_AFTER.match(text, end)
                if not after:
                    break
                end = after.end()
        if d.entity_type == "PERSON":
            initials = _INITIAL_BEFORE.search(text, max(0, start - 12), start)
            if initials:
                start = initials.start()
            middle = _INITIAL_AFTER.match(text, end)
            if middle:
                end = middle.end()
        out.append(
            d
            if (start, end) == (d.start, d.end)
            else Detection(start, end, d.entity_type, d.score, d.source)
        )
    return out


# "Irondale Police Department (IPD)", "the Social Insurance Authority (Zaklad Ubezpieczen
# Spolecznych)", "Ray Dunn (“Bubba”)": the bracket holds another name of the same thing.
_PARENTHETICAL = re.compile(
    r"[ \t]*\([ \t]*[“\"'‘]?(?:the[ \t]+)?(?P<value>[^\W\d_][\w'’.-]*"
    r"(?:[ \t]+[^\W\d_][\w'’.-]*){0,7})[”\"'’]?[ \t]*\)"
)


def grow_parentheticals(text: str, detections: Sequence[Detection]) -> list[Detection]:
    """Add the bracketed other name that follows a found name (see the pattern above)."""
    out = list(detections)
    for d in detections:
        if d.entity_type not in _NAMED_TYPES:
            continue
        m = _PARENTHETICAL.match(text, d.end)
        if not m:
            continue
        words = m.group("value").split()
        # Another name starts with a capital ("(Arbeitsamt)", "(IPD)"); a remark does not
        # ("(the applicant)" is lower case, "(deceased)" too).
        if words[0][:1].isupper() and words[0].lower() not in STOP_WORDS:
            out.append(
                Detection(m.start("value"), m.end("value"), d.entity_type, d.score, d.source)
            )
    return out
