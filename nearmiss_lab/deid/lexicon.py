"""Words and regex fragments shared by recognizers, propagation and replacement.

Ranks, titles and role nouns are *cues*: the capitalised words that follow them are names.
They live here once so that the rank+name recognizer, the propagation of found names
("Sgt. Brown" ... "Brown") and the placeholder clustering agree on what a rank is.
"""

from __future__ import annotations

import re

# Ranks and titles of law-enforcement and court staff, singular. Abbreviations may carry a dot.
RANKS = (
    "Officer Ofc Off Patrolman Patrolwoman Deputy Dep Dpty Sergeant Sgt Sarg Lieutenant Lieut Lt "
    "Captain Capt Cpt Detective Det Corporal Cpl Trooper Tpr Agent Chief Sheriff Undersheriff "
    "Marshal Inspector Insp Commander Cmdr Cmdt Commandant Major Maj Colonel Col Investigator Inv "
    "Constable Dispatcher Telecommunicator Cadet Recruit Ranger Warden Superintendent Supt "
    "Commissioner Comm Admiral Reserve Auxiliary Probationary Sheriff's Jailer Medic Paramedic "
    "EMT Firefighter FF Engineer Specialist Spc "
    "Senator Governor Gov Mayor Councilman Councilwoman Councilor Judge Justice Magistrate "
    "Attorney Prosecutor Counsel Professor Prof President Pastor Reverend Rev Father Nurse Doctor"
).split()
# Ranks that qualify another rank ("Reserve Deputy"): the word after them is a rank too.
RANK_MODIFIERS = frozenset("reserve auxiliary probationary".split())
# Honorifics are part of the name span (they only qualify the person).
HONORIFICS = "Mr Mrs Ms Miss Mx Dr Sir Dame Madam Mme Mlle Messrs Mister".split()
# Multi-word ranks that precede a name ("Special Agent", "Police Officer").
RANK_PHRASES = (
    "Police Officer",
    "Patrol Officer",
    "Reserve Officer",
    "Probation Officer",
    "Parole Officer",
    "Corrections Officer",
    "Correctional Officer",
    "Detention Officer",
    "Special Agent",
    "Deputy Sheriff",
    "Deputy Chief",
    "Assistant Chief",
    "Asst Chief",
    "Deputy Marshal",
    "Senior Officer",
    "Master Officer",
    "Master Patrol Officer",
    "Lead Officer",
    "Field Training Officer",
    "Staff Sergeant",
    "First Sergeant",
    "Sergeant Major",
    "Lieutenant Colonel",
    "Chief Deputy",
    "Chief Inspector",
    "Detective Sergeant",
    "Detective Constable",
    "Police Constable",
    "State Trooper",
    "Master Trooper",
    "Senior Trooper",
    "Game Warden",
    "District Attorney",
    "Public Defender",
    "School Resource Officer",
)
# Plural ranks and role nouns introduce lists of names ("Officers Diaz and Kowalski").
PLURAL_RANKS = (
    "Officers Deputies Sergeants Sgts Lieutenants Lts Captains Detectives Dets Corporals "
    "Troopers Tprs Agents Investigators Dispatchers Ofcs Deps Medics Paramedics Firefighters "
    "Messrs Judges"
).split()
# Role nouns: lower-case words after which a capitalised name follows ("suspect Ray Dunn").
ROLES = (
    "suspect suspects victim victims witness witnesses complainant complainants driver drivers "
    "passenger passengers subject subjects defendant defendants applicant applicants juvenile "
    "inmate inmates arrestee arrestees caller callers partner son daughter wife husband mother "
    "father brother sister neighbor neighbour friend boyfriend girlfriend owner tenant "
    "resident roommate occupant pedestrian cyclist motorist homeowner employee manager clerk "
    "nephew niece cousin uncle aunt grandson granddaughter grandmother grandfather spouse "
    "lawyer counsel represented named identified nicknamed aka alias surname prisoner "
    "detainee patient rp probationer parolee informant reportee supervisor party"
).split()
# Acronyms of police work that stay unknown to the English list but are never names.
ACRONYMS = frozenset(
    """ems sop vin dui dwi cpr swat dob rms cad dl ssn tac fto sro k9 atv suv gps aed bwc mvc
    mva ncic nibrs ppe ptsd hrs bolo apb eta rp bac sfst fst dre cit ois uof mdt mdc cjis
    nlets lkl lka uof ccw dv pc""".split()
)
# Police shorthand the NER model takes for names, companies or places: descriptors (W/M),
# labels (DOB, YOA), directions of travel (NB), record systems (CAD, NCIC), "aka".
JARGON = ACRONYMS | frozenset(
    """d.o.b. yoa y/o y.o. w/m b/m h/m a/m w/f b/f h/f a/f bm hm wf bf hf nb sb eb wb r/p r/o
    aka a/k/a poi atl dept hq mph approx hrs reporting arresting assisting responding
    investigating transporting""".split()
)


def is_jargon(word: str) -> bool:
    """True for police shorthand that is never a name ("W/M,", "DOB:", "NB", "a/k/a")."""
    low = word.lower().strip(",:;()\"'")
    return low in JARGON or low.rstrip(".") in JARGON


# Two-word cues after which a name follows in reports: "registered to", "written by".
CUE_PHRASES = frozenset(
    (first, second)
    for first, second in (
        p.split()
        for p in (
            "registered to",
            "belonging to",
            "written by",
            "prepared by",
            "submitted by",
            "reviewed by",
            "approved by",
            "signed by",
            "completed by",
            "reported by",
            "authored by",
            "relieved by",
            "assisted by",
            "interviewed by",
            "arrested by",
            "booked by",
            "followed by",
            "spoke with",
            "spoke to",
            "talked to",
            "identified as",
            "known as",
            "the name",
        )
    )
)
# Words before a common noun, never before a person's name ("the young", "his mark").
DETERMINERS = frozenset(
    """the a an this these those his her their my our your its some any no every each
    another other such one two three several many few more most much very too""".split()
)
# Verbs that follow a person's name in reports and statements ("Young had", "Mason said").
NAME_VERBS = frozenset(
    """said says stated told asked yelled shouted screamed replied advised admitted denied
    explained reported called ran fled walked lives lived has had was is did does would could
    should will might must were began became got went came left refused agreed pulled pushed
    grabbed struck hit punched kicked tried wanted saw heard knew thought turned drove arrived
    approached reached jumped kept stood sat swung threw dropped reached responded arrived
    remained appeared took gave""".split()
)

_RANK_WORDS = sorted(set(RANKS) | set(HONORIFICS), key=len, reverse=True)
_PHRASES = sorted(RANK_PHRASES, key=len, reverse=True)

# A rank or honorific as it appears before a name: "Sgt.", "SGT", "sergeant", "Police Officer".
RANK_RE = (
    r"(?i:"
    + "|".join(p.replace(" ", r"\.?\s+") for p in _PHRASES)
    + "|"
    + "|".join(re.escape(w) for w in _RANK_WORDS)
    + r")\.?"
)
PLURAL_RANK_RE = r"(?i:" + "|".join(sorted(PLURAL_RANKS, key=len, reverse=True)) + r")\.?"
ROLE_RE = r"(?:" + "|".join(sorted(ROLES, key=len, reverse=True)) + r")"

# Words that are capitalised at the start of a sentence or a clause and are never names:
# they stop a name run ("Officer Diaz Then ..." must not take "Then").
STOP_WORDS = frozenset(
    """the a an and or but nor so yet for of to in on at by with from into onto upon over under
    he she they we i it you his her their our my its him them us me this that these those
    then when while after before as if once since until because though although where who
    whom whose which what there here was were is are be been being had has have did do does
    not no yes all any some every each both either neither also only just very too
    said told asked stated advised saw heard called arrived responded later again still
    sir ma'am police officer officers unit units near behind inside outside toward towards
    across along around between through about against during without within past via per""".split()
)

# Stop words that are also US surnames ("Mary Still", "Sgt. Heard"): capitalised in the
# middle of a sentence after a first name or a rank they are the surname, not the word
# (Do, An, So, Her, To and Too are Vietnamese, Korean, Hmong and Chinese surnames).
SURNAME_STOP_WORDS = frozenset(
    "still just heard said near later while both do an so her to too".split()
)

UPPER = "A-ZÀ-ÖØ-ÞĀ-Ž"  # Latin capitals, with accents (Šárka, Łukasz)
LOWER = "a-zß-öø-ÿā-žʼ"  # Latin small letters
# One capitalised name word: "Diaz", "O'Neil", "McAllister", "Smith-Jones", "DIAZ".
NAME_WORD = (
    rf"(?:[{UPPER}](?:[{LOWER}]+|[{UPPER}]+|(?=['’]))(?:['’][{UPPER}{LOWER}][{LOWER}{UPPER}]*)?"
    rf"(?:-[{UPPER}][{LOWER}{UPPER}]+)?)"
)
INITIAL = rf"(?:[{UPPER}]\.(?:\s?[{UPPER}]\.)*)"
_STOP_CAPS = "|".join(sorted((w.capitalize() for w in STOP_WORDS), key=len, reverse=True))
# A name word that is not a capitalised stop word ("The", "Then", "He").
GUARDED_NAME_WORD = rf"(?!(?:{_STOP_CAPS}|[A-Z]{{1,3}}\d)\b){NAME_WORD}"
# A person's name: optional initials, then one to three name words ("J. R. Diaz", "Ana
# Maria Diaz-Lopez", "Z.M. Necatigil").
PERSON_NAME = (
    rf"(?:{INITIAL}\s?)?{GUARDED_NAME_WORD}(?:\s+(?:{INITIAL}\s?)?{GUARDED_NAME_WORD}){{0,2}}"
)


def is_rank(word: str) -> bool:
    """True when ``word`` (with or without a trailing dot) is a rank, title or honorific."""
    return bool(re.fullmatch(RANK_RE, word.strip()))


_RANK_ONLY = re.compile(
    r"(?i:" + "|".join(re.escape(w) for w in sorted(RANKS, key=len, reverse=True)) + r")\.?"
)


def is_rank_word(word: str) -> bool:
    """True for a rank or title that is kept beside a placeholder ("Sgt."), not an honorific."""
    return bool(_RANK_ONLY.fullmatch(word.strip()))


# Capitalised words that are census surnames or first names but, capitalised in prose, are
# almost always part of a place, an institution, a rank, a month or a heading. Names that
# are also such words are still found through a rank, a first name or propagation.
# Place and institution words: never part of a person's name, even beside a first name.
PLACE_WORDS = frozenset(
    """street st road rd avenue ave boulevard blvd drive dr lane ln way court ct place pl
    circle cir highway hwy parkway pkwy trail terrace route interstate bridge park square
    county city town township village parish state states district region north south east
    west northern southern eastern western central upper lower new old saint fort mount lake
    river valley hill hills beach island bay port point spring springs creek center centre
    police sheriff department office patrol division bureau agency unit squad team station
    precinct headquarters academy college university school hospital church bank court
    government ministry commission committee council convention article protocol republic
    kingdom union national federal international public royal general supreme appeal""".split()
)
NOT_NAMES = PLACE_WORDS | frozenset(
    """officer deputy sergeant lieutenant captain detective corporal trooper agent chief
    marshal inspector commander major colonel constable judge justice attorney president
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday christmas easter
    god lord king queen prince english american african asian european black white
    hispanic latino indian native asian ford chevrolet dodge toyota honda nissan jeep tesla
    glock smith wesson taser narcan miranda code medic rescue fire ems swat
    mr mrs ms dr sir madam applicant government""".split()
)
