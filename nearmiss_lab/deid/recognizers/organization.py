"""Named organisations other than agencies: employers, schools, hospitals, businesses,
courts and ministries ("Valley Medical Center", "Gradiant Research LLC", "Ministry of the
Interior", "University of Texas"). A business named in a narrative is often the scene."""

from __future__ import annotations

from presidio_analyzer import Pattern

from nearmiss_lab.deid.lexicon import GUARDED_NAME_WORD
from nearmiss_lab.deid.recognizers.base import LawPatternRecognizer

_WORDS = rf"(?:{GUARDED_NAME_WORD}(?:\s+|\s*&\s*|,\s+)){{1,4}}"
_SUFFIX = (
    r"(?:Inc|Incorporated|LLC|L\.L\.C|Ltd|Limited|Corp|Corporation|Company|Co|GmbH|AG|SA|PLC|LLP|"
    r"Group|Holdings|Partners|Associates|Enterprises|Industries|Services|Solutions|Systems|"
    r"Consulting|Bank|Hospital|Medical\s+Center|Clinic|Pharmacy|School|High\s+School|"
    r"Middle\s+School|Elementary(?:\s+School)?|Academy|University|College|Church|Mosque|Synagogue|"
    r"Temple|Hotel|Motel|Inn|Apartments|Mall|Market|Supermarket|Store|Restaurant|Grill|Bar|Tavern|"
    r"Club|Casino|Foundation|Association|Institute|Society|Union|Federation|Court|Tribunal|"
    r"Council|Commission|Ministry|Prison|Penitentiary|Shelter|Center|Centre|Station|Airport)\b\.?"
)
_OF = (
    r"(?:University|Bank|Ministry|Department|Court|College|Institute|Bureau|Office|Council|"
    r"Commission|Church|Hospital|School)"
)


class OrganizationRecognizer(LawPatternRecognizer):
    """ORGANIZATION: capitalised names ending in an organisation word, or "X of Y"."""

    ENTITY = "ORGANIZATION"
    PATTERNS = [
        Pattern("name + organisation word", rf"\b{_WORDS}{_SUFFIX}", 0.6),
        Pattern(
            "organisation of name",
            rf"\b{_OF}\s+(?:of|for)\s+(?:the\s+)?{GUARDED_NAME_WORD}(?:\s+{GUARDED_NAME_WORD}){{0,3}}",
            0.5,
        ),
    ]
    CONTEXT = ["company", "employer", "work", "business", "store", "school", "hospital"]
