# ruff: noqa: E501  (sentence data reads best one sentence per line)
"""Sentence templates for openings, activities, outcomes and general lessons learned.

Slots (see :mod:`.slots` and :mod:`.idslots`): people {OFC} {OFC2} {SGT} {DISP} {SUS} {SUS2}
{WIT} {VIC} {OFCS} and the suspect's pronouns {P:he} {P:his} {P:him}; places {PLACE} {ADDR}
{CITY} {COUNTY} {STATE} {LANDMARK}; organisations {AGENCY} {OAGENCY} {FIRE} {JAIL}; dates
{DATE} {DATE:later} {DATE:before} {TIME}; numbers {BADGE} {UNIT} {CASE} {CAD} {WARRANT} {DL}
{PLATE} {VEH} {VIN} {PHONE} {PHONE:me} {EMAIL} {AGE}. Activity templates describe what the
officer was doing without naming any contributing factor; factor sentences live in
:mod:`.phrases_factors`.
"""

from __future__ import annotations

OPENINGS: tuple[str, ...] = (
    "On {DATE} at approximately {TIME}, I was working as {UNIT} for the {AGENCY}.",
    "On {DATE} I was on patrol in {CITY} as a one-person unit.",
    "{DATE}, approx. {TIME}. I was working nights for the {AGENCY}.",
    "This happened on {DATE} around {TIME} near {PLACE}.",
    "Date of incident: {DATE}. Time: {TIME}. Location: {PLACE}.",
    "While working {UNIT} on {DATE}, I was sent to {PLACE}.",
    "On the night of {DATE}, {OFC} and I were working a two-officer car in {CITY}.",
    "I was on duty with the {AGENCY} on {DATE} when this occurred.",
    "At about {TIME} on {DATE}, I responded to {PLACE}.",
    "Around {TIME} I was driving through {COUNTY} on my way back to the office.",
    "{AGENCY} {CASE}. On {DATE} I was assigned to {UNIT}.",
    "I have worked for the {AGENCY} a long time and this is the closest call I have had. It was {DATE}.",
    "On {DATE} I was covering the north end of {COUNTY} by myself.",
    "This is about a call on {DATE} in {CITY}, {STATE}.",
    "It was {DATE}, shortly after {TIME}, and I had just cleared a call near {LANDMARK}.",
    "Incident date {DATE}, {CAD}. I was working day shift out of {CITY}.",
    "I work patrol for the {AGENCY} ({BADGE}). On {DATE} I was dispatched to {PLACE}.",
    "Reporting officer: {ME}, {UNIT}. On {DATE} at {TIME} I was dispatched to {PLACE}.",
    "My name is {ME} and I work for the {AGENCY}. This happened on {DATE}.",
    "{ME} reporting. On {DATE} I responded with {OFC} to {PLACE}.",
)

ACTIVITIES: dict[str, tuple[str, ...]] = {
    "ACT.TRAFFIC_STOP": (
        "I initiated a traffic stop on {VEH} for a defective tail lamp at {PLACE}. The driver, {SUS}, was slow to pull over.",
        "I stopped {VEH} for speeding on {PLACE}. {SUS} was the driver and only occupant.",
        "During a routine traffic stop of {PLATE} near {PLACE}, I walked up to the driver's door.",
        "I pulled over a car for no tag light. The driver gave the name {SUS} and {DL}.",
        "I conducted a traffic stop at {PLACE} on {VEH}; the registered owner came back to {SUS}, {AGE}.",
        "Traffic stop, {PLACE}. Vehicle was {VEH}, VIN later confirmed as {VIN}. Driver {SUS}.",
    ),
    "ACT.VEHICLE_PURSUIT": (
        "{VEH} failed to yield and a vehicle pursuit began on {PLACE}.",
        "The driver, later identified as {SUS}, refused to stop and I pursued {P:him} through {CITY}.",
        "I got into a pursuit with {VEH} that started at {PLACE} and went into {COUNTY}. {OAGENCY} joined in.",
        "The car took off and we were in a pursuit for about six miles before it ended near {LANDMARK}.",
    ),
    "ACT.FOOT_PURSUIT": (
        "{SUS} jumped out and I chased {P:him} on foot behind {ADDR}.",
        "The subject bailed out and a foot pursuit went through several backyards near {PLACE}.",
        "I foot-chased {SUS} for about two blocks from {PLACE} before catching up to {P:him}.",
        "I went after {SUS} on foot through an apartment complex off {PLACE}.",
    ),
    "ACT.DOMESTIC_CALL": (
        "I was dispatched to a domestic disturbance at {PLACE}. The caller, {VIC}, reported that {SUS} was drunk and breaking things.",
        "We responded to a family disturbance at {PLACE} where {VIC} said {SUS} had assaulted {P:his} partner.",
        "Call came out as a domestic in progress at {PLACE}, neighbor {WIT} calling from {PHONE}.",
        "I took a domestic call at {ADDR}. {VIC} met me outside and said {SUS} was still in the bedroom.",
        "Domestic at {PLACE}, {CAD}. Complainant {VIC} stated {SUS}, {AGE}, had choked {P:his} spouse.",
    ),
    "ACT.MENTAL_HEALTH_CALL": (
        "{WIT} called to report that {SUS} was off {P:his} medication and talking about hurting {P:him}self.",
        "We were sent to a mental health crisis call at {PLACE}; the subject, {SUS}, was known to us from prior calls.",
        "A family member, {WIT}, asked us to check on {SUS}, who was in crisis at {PLACE}.",
        "I responded to a welfare check on {SUS} at {ADDR} after {P:his} therapist called it in.",
    ),
    "ACT.WARRANT_SERVICE": (
        "{OFCS} and I went to {PLACE} to serve {WARRANT} on {SUS}.",
        "We were serving a felony arrest warrant on {SUS} at {PLACE}.",
        "I attempted to serve a warrant on {SUS}, {AGE}, at {ADDR}. {P:his} last arrest was on {DATE:before}.",
        "Our team was tasked with serving {WARRANT} at {PLACE}. The target was {SUS}.",
    ),
    "ACT.ARREST": (
        "I told {SUS} {P:he} was under arrest and began to take {P:him} into custody.",
        "While arresting {SUS} at {PLACE} on an outstanding warrant, things changed fast.",
        "I placed {SUS} under arrest for public intoxication outside {LANDMARK}.",
        "We had probable cause to arrest {SUS} for the assault, and I moved in to make the arrest.",
    ),
    "ACT.PRISONER_TRANSPORT": (
        "I was transporting {SUS} from {PLACE} to {JAIL}.",
        "During a prisoner transport to {JAIL}, my prisoner, {SUS}, started kicking the partition.",
        "I had {SUS} in the back seat of {UNIT} for transport to {JAIL}.",
        "I was moving an inmate, {SUS}, between {JAIL} and the hospital.",
    ),
    "ACT.ROADSIDE_SCENE": (
        "I was working a crash scene on {PLACE} with {FIRE}.",
        "I stopped to help a stranded motorist, {VIC}, on {PLACE}.",
        "We were on scene of a disabled vehicle at {PLACE} waiting for a wrecker.",
        "I was on the shoulder of {PLACE} investigating a minor collision involving {VIC}.",
    ),
    "ACT.BUILDING_SEARCH": (
        "We were dispatched to an alarm call at the {LANDMARK} and began to search the building.",
        "{OFC} and I cleared a commercial building at {PLACE} after a burglary alarm.",
        "I was searching a vacant house at {ADDR} for {SUS}.",
        "We searched a warehouse near {PLACE} room by room after the owner, {WIT}, saw someone inside.",
    ),
    "ACT.CROWD_EVENT": (
        "I was assigned to the county fair at {LANDMARK}.",
        "We were working a protest downtown near {PLACE}.",
        "I was working an off-site detail at a high school football game at {LANDMARK}.",
        "I was assigned to the parade route along {PLACE} in {CITY}.",
    ),
    "ACT.TRAINING": (
        "This happened during a department training day at the range with {OFC} as the instructor.",
        "During scenario-based training, {OFC} was acting as the role player.",
        "We were running high-risk stop training at {LANDMARK} on {DATE}.",
        "I was attending in-service training hosted by the {OAGENCY}.",
    ),
    "ACT.OFF_DUTY": (
        "I was off duty and shopping with my family in {CITY} when I saw {SUS} acting strangely.",
        "While off duty, driving home on {PLACE}, I came upon a disturbance involving {SUS}.",
        "I was off-duty at a gas station near {PLACE} when a man later identified as {SUS} approached.",
        "I was off duty in plain clothes in {CITY} when I recognized {SUS} from a prior case.",
    ),
}

OUTCOMES: tuple[str, ...] = (
    "Nobody was seriously hurt.",
    "{SUS} was taken into custody and booked into {JAIL}.",
    "We got {P:him} into custody without further injury.",
    "I ended up with a few scrapes but was fine.",
    "Reference {CASE}.",
    "The case was forwarded to the district attorney under {CASE}.",
    "{SUS} was later charged; see {CASE}.",
    "Follow-up was done by {OFC2} on {DATE:later}.",
    "{WIT} gave a written statement and can be reached at {PHONE}.",
    "{SUS} was released to {OAGENCY} on a hold.",
    "EMS checked everyone on scene and nobody was transported.",
    "I went home that night, which is the point of writing this.",
    "{SGT} responded and took over the scene.",
    "A supplemental report was written on {DATE:later} by {OFC2}.",
)

# Identifier-heavy sentences that real narratives carry besides the story itself.
EXTRAS: tuple[str, ...] = (
    "I spoke with {WIT}, who lives at {ADDR}, phone {PHONE}.",
    "The vehicle was registered to {VIC} of {CITY}.",
    "The VIN ({VIN}) came back clear.",
    "Records showed {SUS} had a prior arrest on {DATE:before} by {OAGENCY}.",
    "{OFCS} arrived a few minutes later.",
    "{SGT} and {LT} were notified.",
    "{DISP} handled the radio traffic.",
    "A witness, {WIT} ({PHONE}), saw the whole thing.",
    "{SUS} gave a home address of {ADDR} in {CITY}.",
    "Body cam was running; see {CASE}.",
    "Photos were uploaded under {CAD}.",
    "{SUS} was identified through {DL}.",
    "I later learned {SUS} had a warrant out of {COUNTY} ({WARRANT}).",
    "{WIT}'s email is {EMAIL:wit} if anyone needs a statement.",
    "{SUS}'s sister, {VIC}, showed up and told us {P:he} was {AGE:adj}.",
    "The other driver was a {AGE:adj} woman from {CITY}.",
    "Per {DISP}, the caller was {WIT} at {PHONE}.",
    "{OFC} ({BADGE:ofc}) and {OFC2} helped secure the scene.",
    "I ran {SUS}'s name and DOB ({DATE:dob}) through NCIC.",
    "{SUS} ({AGE}) had been drinking at a bar on {PLACE}.",
    "{OFC2} and {WIT} both confirmed this in their statements.",
    "My unit that night was {UNIT}; {OFC} was {UNIT:unit2}.",
    "Tow was called for {PLATE}.",
    "The incident was also logged by {OAGENCY} as {CAD}.",
)

GENERAL_LESSONS: tuple[str, ...] = (
    "Never treat any call as routine.",
    "Trust your gut.",
    "Thanks to {OFC} for getting there so fast.",
    "Anyone with questions can call me at {PHONE:me} or email {EMAIL}.",
    "We debriefed this with {SGT} on {DATE:later}.",
    "I'm sharing this so the next officer goes home.",
    "{SGT} has since added this to roll call training at the {AGENCY}.",
    "Talk through these calls with your squad before they happen.",
    "Ask me about it, I'm at {EMAIL}.",
    "If you work {COUNTY}, know that this can happen there too.",
    "Thank you {OFC} and {OFC2}.",
    "I'd rather write this report than have someone read about me.",
    "Shout out to {OFCS} for the help.",
    "{LT} asked me to write this up for the near-miss program.",
    "Call {DISP} or me at {PHONE:me} if you want the bodycam for training.",
)

SIGNATURES: tuple[str, ...] = (
    "\n- {ME}",
    "\nSubmitted by {ME}, {BADGE}.",
    " -- {ME} ({AGENCY})",
    "\n{ME}\n{AGENCY}\n{PHONE:me}",
    "\nReporting officer: {ME}",
)

CONNECTORS: tuple[str, ...] = ("Then ", "At that point ", "Suddenly ", "Also, ", "Looking back, ",
                               "Meanwhile ", "After that ", "Next, ", "On top of that, ")
