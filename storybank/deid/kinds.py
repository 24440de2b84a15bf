"""The kind of a named place or organisation, corrected by its shape and the words around it.

The model (and the suffix rules) call many things organisations that are not: a person with a kinship or
role word before them ("my cousin …", "Daughter …", "SN …"), a block of flats or a street in an address
("Flat 17, … House", "44 … Court"), a product after a measure ("a pint of …"), a pet, a car make, a
national scheme ("the … visa") or a job title ("… Support Worker"). Each test here looks only at word
classes and shapes (the given-name lists, kinship words, street and building words, postcodes), never at
particular names.
"""
from __future__ import annotations

import re

from storybank.deid.given_names import is_first_name, last_names
from storybank.deid.places import (
    BUILDING_WORDS,
    ORG_WORDS,
    SERVICE_VOCABULARY,
    STREET_WORDS,
    abroad,
    gazetteer,
    is_city,
    sentence_start,
)
from storybank.deid.words import KINSHIP, is_common_word, is_ordinary_word

Found = tuple[int, int, str]

# People named by their relation or role to the teller: "my cousin …", "Housemate …", "SN …" (staff nurse).
RELATIONS = KINSHIP | {
    "friend", "mate", "pal", "girlfriend", "boyfriend", "fiancé", "fiancée", "fiance", "fiancee", "ex", "housemate",
    "flatmate", "roommate", "neighbour", "neighbor", "colleague", "boss", "manager", "stepdad", "stepmum",
    "stepson", "stepdaughter", "stepbrother", "stepsister", "niece", "nephew", "grandson", "granddaughter",
    "godmother", "godfather", "godson", "goddaughter", "carer", "keyworker", "caseworker", "advisor", "adviser",
    "nurse", "midwife", "therapist", "counsellor", "psychiatrist", "psychologist", "consultant", "worker",
    "coordinator", "officer", "sn", "rmn", "cpn", "ot", "hca", "sw", "swr", "pt", "gp", "patient", "client",
    "lodger", "landlord", "landlady", "son-in-law", "daughter-in-law", "brother-in-law", "sister-in-law",
    "mother-in-law", "father-in-law", "twin", "wife", "husband", "partner", "cousin", "sibling", "coach", "mentor",
    "sponsor", "tutor", "supervisor",
}
_RELATION_BEFORE = re.compile(r"(?:^|[\s(])(my|our|his|her|their|your|a|the)?\s*(?:(?:best|old|little|big|older|younger|"
                              r"eldest|youngest|oldest|late|new|ex-?|step-?)\s+)?([\w'’-]+)(?:\s+there)?(?:\s*[,:])?\s+$",
                             re.IGNORECASE)
_OWNED = re.compile(r"\b(?:my|our|his|her|their|your|a|the)\s+(?:[\w'’-]+\s+){0,2}$", re.IGNORECASE)
# Job titles after a name set off by a comma ("…, Team Manager"), and job words a service name runs into.
JOB_WORDS = {"Manager", "Worker", "Coordinator", "Co-ordinator", "Officer", "Nurse", "Practitioner", "Consultant",
             "Lead", "Director", "Assistant", "Advisor", "Adviser", "Therapist", "Psychiatrist", "Psychologist",
             "Administrator", "Chair", "Secretary", "Volunteer", "Navigator", "Mentor", "Specialist", "Facilitator",
             "Supervisor", "Counsellor", "Caseworker", "Keyworker", "Clinician", "Registrar", "Trainee", "Apprentice"}
_TITLE_BEFORE = re.compile(r"(?<![\w-])(?:Rev|Revd|Reverend|Dr|Mr|Mrs|Ms|Mx|Miss|Prof|Pastor|Imam|Rabbi|Father|Fr|"
                           r"Sister|Auntie|Aunty|Uncle|Cllr|Councillor|Sir|Dame|Lady|Lord)\.?\s+$")
_JOB_AFTER = re.compile(r"^\s+(?:" + "|".join(JOB_WORDS) + r"|" + "|".join(w.lower() for w in JOB_WORDS) + r")s?\b")
# Words a job title is made of before its job word ("Peer Support Worker", "Family Link worker").
_GENERIC_ROLE = {"Peer", "Support", "Family", "Mental", "Health", "Community", "Outreach", "Key", "Care", "Social", "Link",
                 "Recovery", "Housing", "Advice", "Wellbeing", "Welfare", "Benefits", "Carers", "Youth", "Crisis", "Liaison",
                 "Clinical", "Senior", "Lead", "Team", "Project", "Service", "Services", "Development", "Engagement"}
_TITLE_AFTER_COMMA = re.compile(r"^,\s+(?:[A-Z][\w-]*\s+){0,3}(?:" + "|".join(JOB_WORDS) + r")\b")
# Buildings people live in and streets the model calls organisations ("Larkspur Court", "Gregory Boulevard").
RESIDENTIAL = {"Mansions", "Heights", "Towers", "Tower", "Flats", "Boulevard", "Quay", "Wynd", "Esplanade",
               "Promenade", "Embankment", "Apartments", "Residences"}
# The lie of the land: a name ending so is a place ("… Cove", "… Sands"), never a body.
LANDFORMS = {"Cove", "Bay", "Beach", "Sands", "Fell", "Tor", "Falls", "Woods", "Valley", "Dale", "Marsh", "Reservoir",
             "Loch", "Island", "Harbour", "Pier", "Cliffs", "Gorge", "Glen", "Waterfall", "Head", "Ness", "Links"}
# A building people live in named by "House", with its street address after it ("… House, 71 … Road").
_STREET_ADDRESS_AFTER = re.compile(r"^,\s*\d{1,4}[A-Za-z]?,?\s+(?:[A-Z][\w’'-]*\s+){1,3}(?:" + "|".join(STREET_WORDS) + r")\b")
# A street known without its suffix, after "on"/"off" ("a terrace on …").
_ON_BEFORE = re.compile(r"\b(?:terrace|house|flat|street|shop|cottage|bungalow|lived?|living|grew up|moved|stayed)\s+"
                        r"(?:\w+\s+)?(?:on|off)\s+$")
_LIVED_AT = re.compile(r"\b(?:lived?|lives|living|caravan|farm|cottage|bungalow|grew\s+up)\b[^.\n]{0,30}\bat\s+$")
_NEAR_TOWN = re.compile(r"^,?\s+(?:just\s+|right\s+)?(?:outside|near|nr\.?|by)\s+([A-Z][a-z’'-]+)\b")
POSTCODE = r"[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}"
# What is left of an address after a building or a district: more place words, commas, line breaks, a postcode.
_ADDRESS_AFTER = re.compile(rf"^(?:,?[ \t]*\n?[ \t]*(?:[A-Z][\w’'-]*[ \t]?)+)*,?\s*{POSTCODE}\b")
# A house number before ("44 … Court", "Flat 17, … House"), not a ward's, a bed's or a year's.
_NUMBER_BEFORE = re.compile(r"(?:\n|,|\bat|\b[Ff]lat|\b[Aa]pt\.?|\b[Aa]partment)\s*(?:\d{1,3}|\d{1,4}[A-Za-z]),?\s+$")
_FLAT_LINE_BEFORE = re.compile(r"(?:^|\n)\s*(?:Flat|Apartment|Apt\.?|Room)\s+\d{1,4}[A-Za-z]?\s*[,\n]\s*$")
# A product after a measure of it ("two cans of …", "a pint of …"), a pet beside its name, a scheme or visa.
_MEASURE_BEFORE = re.compile(r"\b(?:pints?|cans?|bottles?|glass(?:es)?|crates?|packs?|packets?|tins?|bags?|boxes?|"
                             r"shots?|jars?|slabs?|tubs?|bars?|cups?|mugs?)\s+of\s+$", re.IGNORECASE)
PETS = {"dog", "dogs", "cat", "cats", "puppy", "pup", "kitten", "staffie", "staffy", "labrador", "spaniel",
        "collie", "terrier", "greyhound", "lurcher", "whippet", "poodle", "pug", "husky", "rabbit", "bunny", "hamster",
        "guinea pig", "budgie", "parrot", "tortoise", "horse", "pony", "ferret", "rescue dog", "jack russell",
        "cockapoo", "cavapoo", "dachshund", "sausage dog", "bulldog", "alsatian", "rottweiler", "chihuahua", "snake"}
_PET = "|".join(re.escape(p) for p in sorted(PETS, key=len, reverse=True))
_PET_AFTER = re.compile(rf"^\s*[(,]\s*(?:(?:our|my|his|her|their|the|a)\s+)?(?:\w+\s+)?(?:{_PET})\b"
                        r"(?!\s+(?:charity|shelter|rescue|sanctuary|home|café|cafe|centre|trust|club|group|show|walk|walking|"
                        r"grooming|groomers?|hotel|kennels?|therapy|service|project|farm))", re.IGNORECASE)
_PET_BEFORE = re.compile(rf"\b(?:our|my|his|her|their|the)\s+(?:\w+\s+)?(?:{_PET})\s*,?\s*$", re.IGNORECASE)
_SCHEME_AFTER = re.compile(r"^\)?\s+(?:visa|scheme|benefits?|payments?|allowance|route|status|passport|card|"
                           r"credit|award|sanction)\b", re.IGNORECASE)
# Benefits and national schemes by their initials: naming one names nobody (MARKING.md).
SCHEMES = {"uc", "esa", "jsa", "pip", "dla", "ssp", "brp", "ilr", "eea", "eu", "nrpf", "ehcp", "dbs", "sen", "send"}
# Car makes: "a silver … Focus" names a car, not an employer.
MAKES = {"ford", "vauxhall", "mercedes", "mercedes-benz", "land rover", "range rover", "mini", "jaguar", "tesla", "mazda",
         "suzuki", "mitsubishi", "seat", "dacia", "porsche", "lexus", "subaru", "jeep", "chevrolet", "volvo", "toyota",
         "nissan", "honda", "bmw", "audi", "volkswagen", "vw", "peugeot", "renault", "kia", "hyundai", "skoda", "fiat",
         "citroen", "citroën", "mg", "smart", "alfa romeo", "lotus", "saab", "rover", "yamaha", "kawasaki", "ducati"}
# A service described, not named: "the Early Intervention in Psychosis service".
_SERVICE_AFTER = re.compile(r"^\s+(?:service|team|pathway|programme|program|clinic|group)\b")
_PRONOUN_AFTER = re.compile(r"^\s+(?:he|she|they|we|i|her|his|their|my|our|its|that|this|the|a|an|me|him|them|us|it)\b")


def _words(span: str) -> list[str]:
    return span.split()


_BODY_OR_PLACE_WORDS = frozenset(ORG_WORDS) | frozenset(STREET_WORDS) | RESIDENTIAL | BUILDING_WORDS | {"Ward", "Cross"}


def _no_org_word(words: list[str]) -> bool:
    return not _BODY_OR_PLACE_WORDS.intersection(words)


def _person_shaped(words: list[str]) -> bool:
    """Capitalised words that could be a name: no organisation, street or building word among them."""
    return bool(words) and all(w[:1].isupper() for w in words) and _no_org_word(words)


# Someone introduced as a person ("a woman called …", "a lad who calls himself …"), and an honorific that
# goes inside a name's mark ("Giani …", "Pastor …").
_CALLED_BEFORE = re.compile(r"\b(?:woman|man|lady|lad|girl|boy|guy|bloke|fella|fellow|someone|somebody|person|friend|"
                            r"nurse|doctor|worker|chap|kid|teenager|student)\s+(?:called|named)\s+$|"
                            r"\bcalls?\s+(?:himself|herself|themselves|themself)\s+$|\bgoes\s+by\s+$|"
                            r"\b(?:call|message|text|email|e-mail|letter|visit|voicemail|voice\s+note)\s+from\s+$", re.IGNORECASE)
HONORIFICS = {"Giani", "Bhai", "Baba", "Sant", "Pastor", "Imam", "Rabbi", "Rev", "Revd", "Reverend", "Father", "Fr",
              "Sister", "Brother", "Auntie", "Aunty", "Uncle", "Cllr", "Councillor", "Dr", "Mr", "Mrs", "Ms", "Mx", "Miss",
              "Prof", "Sheikh", "Shaykh", "Maulana", "Mufti", "Ustadh", "Hafiz", "Apostle", "Bishop", "Elder", "Deacon"}
# Who a person is, said after the name: "…, 41, has lived", "…, a 33-year-old joiner", "…, aged 40".
_AGE_AFTER = re.compile(r"^,\s+(?:\d{1,3},|aged\s+\d{1,3}\b|an?\s+\d{1,3}[- ]year[- ]old\b)")
# A header naming who wrote or sent it: "[Voice note from …]", and a speaker's label at a line's start.
_FROM_BEFORE = re.compile(r"\b(?:from|by)\s+$", re.IGNORECASE)
_RECORD_LABEL_AFTER = re.compile(r"^,\s*(?:DOB|D\.O\.B\.?|NHS|CHI|born)$")


def _name_words(words: list[str]) -> bool:
    """Capitalised words with no organisation, street or building word, none of them a place we know."""
    return _person_shaped(words) and " ".join(words) not in gazetteer() and not any(w in gazetteer() for w in words[:1]) \
        and not any(w in abroad() for w in words)


def as_person(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span a person takes when an entity is shaped as one, else None."""
    span = text[start:end]
    label = _RECORD_LABEL_AFTER.search(span[span.find(","):]) if "," in span else None
    if label:  # "… Pemberton, DOB": a record's label the model took into the name
        end = start + span.find(",")
        span = text[start:end]
    words = _words(span)
    first = words[0]
    before = text[max(0, start - 40):start]
    if _person_shaped([w for w in words if w != "Ward"]) and len(words) <= 3 and span not in gazetteer() \
            and (_CALLED_BEFORE.search(before)
                                                       or label and not is_common_word(first)):
        return start, end  # "a woman called …", "calls himself …"
    if len(words) >= 2 and first.strip(".") in HONORIFICS and _person_shaped(words[1:]) \
            and not all(is_common_word(w) for w in words[1:]):
        return start, end  # "Giani …", "Sister …": the honorific goes inside the mark
    if len(words) == 2 and is_first_name(first) and re.fullmatch(r"[A-Z]\.?", words[1]):
        return start, end  # "Mark T": a first name and an initial, as a message is signed
    if len(words) == 3 and words[1] == "&" and is_first_name(words[0]) + is_first_name(words[2]) >= 1 \
            and _name_words([words[0], words[2]]) and not any(is_common_word(w) for w in (words[0], words[2])):
        return start, end  # "… & …": two people by their first names
    if len(words) <= 2 and _person_shaped(words) and _AGE_AFTER.match(text[end:end + 30]) \
            and not all(is_common_word(w) and not is_first_name(w) for w in words):
        return start, end  # "…, 41, has lived", "…, a 33-year-old"
    if len(words) <= 2 and _person_shaped(words) and span not in gazetteer() and not all(is_common_word(w) for w in words) \
            and _FROM_BEFORE.search(text[max(0, start - 6):start]) and text[end:end + 1] == "]":
        return start, end  # "[Voice note from …]"
    if len(words) <= 2 and _name_words(words) and re.search(r"(?:^|\n)[ \t]*$", text[:start]) \
            and re.match(r"^:[ \t]+\S", text[end:end + 3]) \
            and not all(is_common_word(w) for w in words) \
            and not is_city(span):
        return start, end  # "KEV: …": a speaker's label at the start of a line
    if len(words) >= 2 and first.lower().strip(".") in RELATIONS and first[:1].isupper() and _person_shaped(words[1:]) \
            and not (first.isupper() and len(first) > 3):
        rest = start + span.index(words[1])
        return rest, end  # "Daughter Kasia", "SN Kerry Brannigan", "Housemate Bethan"
    if "-" in first and len(words) == 1 and is_first_name(first):
        return start, end  # "Kacey-Leigh": two given names joined are a person, whatever comes before
    if len(words) == 1 and all(p in last_names() for p in first.split("-")) and "-" in first:
        return start, end  # "… Thompson-Adeyemi": two family names joined
    if span.islower() and len(words) == 1 and is_first_name(span.capitalize()) and not is_ordinary_word(span) \
            and not re.search(r"\d\s+$", text[max(0, start - 6):start]):
        return start, end  # "its arthur": a first name written in lower case
    window = text[max(0, start - 40):start]
    m = _RELATION_BEFORE.search(window)
    if m and m.group(2).lower() in RELATIONS and not (m.group().rstrip().endswith(",") and not _OWNED.search(window[:m.start(2)])) and (not sentence_start(text, start) or re.search(r"[,:]\s*$", m.group()))\
            and _person_shaped(words) \
            and (not all(is_common_word(w) for w in words)
                 or len(words) >= 2 and (is_first_name(words[-1]) or words[-1] in last_names())):
        return start, end  # "My cousin Wei Ling", "girlfriend Shantelle"
    if len(words) in (2, 3) and _person_shaped(words) and _TITLE_AFTER_COMMA.match(text[end:end + 60]) \
            and not any(is_common_word(w) and not is_first_name(w) and w not in last_names() for w in words):
        return start, end  # "Nkechi Eze, Team Manager"
    if len(words) >= 2 and _person_shaped(words) and is_first_name(first) and not is_common_word(first) \
            and words[-1] in last_names() \
            and not sentence_start(text, start) or _person_shaped(words) and _TITLE_BEFORE.search(text[max(0, start - 12):start]):
        return start, end  # "… Harold Pinches", "Rev. Chidi Obi": a first name and a family name, or a title before
    if len(words) >= 2 and all(w in last_names() for w in words) and _person_shaped(words):
        m = re.search(r"(?<![\w'’-])([A-Z][a-z’'-]+)\s+$", text[max(0, start - 30):start])
        if m and not is_common_word(m.group(1)) and not sentence_start(text, start - len(m.group())):
            return start - len(m.group()), end  # "(Jaswinder Singh Gill, …)": the given name the model left off
    return None


# A place by what is there: "the … car park", "the … cemetery".
_PLACE_THING_AFTER = re.compile(r"^\s+(?:car\s+park|cemetery|graveyard|roundabout|bus\s+station|bus\s+stop|train\s+station|"
                                r"industrial\s+estate|retail\s+park|playing\s+fields|rec|allotments)\b")


def as_place(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span a place takes when an organisation is shaped as an address or a street, else None."""
    words = _words(text[start:end])
    last = words[-1]
    before = text[max(0, start - 30):start]
    if last in RESIDENTIAL or last in LANDFORMS and len(words) >= 2 and all(w[:1].isupper() for w in words):
        return start, end  # "Gregory Boulevard", "Kelvin Heights", "… Cove"
    if last == "House" and _STREET_ADDRESS_AFTER.match(text[end:end + 60]):
        return start, end  # "… House, 71 … Road": a building's street address
    if len(words) == 1 and (_ON_BEFORE.search(before + " ") or _LIVED_AT.search(before)) and not is_common_word(last) \
            and last not in ORG_WORDS:
        return start, end  # "a terrace on …", "a caravan at …"
    near = _NEAR_TOWN.match(text[end:end + 40])
    if near and _no_org_word(words) and (near.group(1) in gazetteer() or is_city(near.group(1))):
        return start, end  # "…, just outside Llanelli": a village placed by its town
    if _PLACE_THING_AFTER.match(text[end:end + 30]) and last not in ORG_WORDS:
        return start, end  # "the … car park"
    if re.match(r"\d{1,4}[A-Za-z]?\s", text[start:end]):
        m = re.match(r"\s+(?:court|house|road|street|lane|avenue|close|drive|way|place|gardens|crescent|terrace)\b",
                     text[end:end + 12], re.IGNORECASE)
        return start, end + (m.end() if m else 0)  # "14b ashurst court": a house number starts an address
    addressed = bool(_ADDRESS_AFTER.match(text[end:end + 80])) or _NUMBER_BEFORE.search(before) is not None \
        or _FLAT_LINE_BEFORE.search(before) is not None
    if addressed and (last not in ORG_WORDS or last == "House") and last != "Ward" and not re.search(r"\n\s*$", text[start:end]):
        return start, end  # "Flat 17, Carolina House, …", "…, Broughty Ferry, DD5 2LR"
    return None


# Music named by what is done with it ("the … on repeat", "listening to …"): a band, no organisation.
_MUSIC_BEFORE = re.compile(r"\b(?:listen(?:s|ed|ing)?\s+to|blasting|singing|sang|sing\s+along\s+to)\s+(?:the\s+)?$",
                           re.IGNORECASE)
_MUSIC_AFTER = re.compile(r"^\s+(?:on\s+repeat|gigs?|albums?|songs?|lyrics)\b", re.IGNORECASE)
# A place followed by the kind of institution it is ("… children's home", "… Hospital" in lower case).
_INSTITUTION_AFTER = re.compile(r"^\s+(?:(?:children['’]?s|care|nursing|residential|group)\s+home|school|hospital|hospice|"
                                r"unit|ward|surgery|clinic|academy|college|nursery|practice|shelter|refuge|warehouse|foodbank|"
                                r"food\s+bank|takeaway|restaurant|chippy|bakery|salon|barbers?|pub|café|cafe)\b|"
                                r"^,\s+the\s+(?:church|chapel|mosque|gurdwara|temple|mandir|synagogue|school|"
                                r"college|charity|shop|pub|café|cafe)\b")
# Shops and stations named whole: "… Mini Market", "… Police Station".
_SHOP_LAST = re.compile(r"(?:Mini\s+Market|Supermarket|Stores|Superstore|Shop|Off\s+Licence|Police\s+Station|Fire\s+Station)$")


_BODY_LAST = {"hub", "centre", "center", "unit", "suite", "clinic", "surgery", "practice", "project", "trust", "hospital",
              "hospice", "school", "academy", "college", "nursery", "shelter", "refuge", "foodbank", "pantry", "charity"}
# A place of worship named first by its kind, in Welsh, Arabic, Punjabi or Hindi ("Capel …", "Masjid …").
_WORSHIP_FIRST = {"Capel", "Eglwys", "Masjid", "Gurdwara", "Mandir", "Jamia", "Jame", "Shree", "Shri", "Sri"}


_GOT_THROUGH = re.compile(r"\b(?:got|get|gets|getting|found|find|finds|housed|referred|place|placed|flat|house|job|"
                          r"support|help|counselling)\b(?:\s+[\w'’]+){0,4}?\s+through\s+$", re.IGNORECASE)


def as_org(text: str, start: int, end: int) -> bool:
    """Is a "place" an organisation: a home, school or unit by the word after it, or a town's name with a body's
    words after it ("… Refugee Welcome", "… Community Allotment")?"""
    words = _words(text[start:end])
    if _SHOP_LAST.search(text[start:end]) or words[0] in ("St", "St.", "Saint") and words[-1] in ("Hall", "hall"):
        return True  # "… Mini Market", "… Police Station"
    if _INSTITUTION_AFTER.match(text[end:end + 30]) or words[-1].lower() in _BODY_LAST \
            and words[-2:-1] != ["Shopping"] or words[0] in _WORSHIP_FIRST and len(words) > 1:
        return True  # "… children's home", "horton hope hub", "Masjid …", "Capel …"
    if len(words) == 1 and _GOT_THROUGH.search(text[max(0, start - 40):start]) \
            and words[0] not in gazetteer() and words[0] not in abroad():
        return True  # "got my flat through …"
    tail = words[1:]
    return len(tail) >= 2 and (words[0] in gazetteer() or is_city(words[0])) and all(w[:1].isupper() and is_common_word(w) for w in tail) \
        and not (set(STREET_WORDS) | RESIDENTIAL | BUILDING_WORDS).intersection(tail)


# A dose's timing after its strength ("10mg nocte"): no name.
_DOSE_BEFORE = re.compile(r"\d\s*(?:mg|mcg|micrograms?|ml|g|units?)\s+$", re.IGNORECASE)
DOSE_TIMES = {"nocte", "mane", "bd", "tds", "qds", "od", "prn", "stat", "daily", "nightly", "om", "on"}
# Devices and consoles named by their brand ("the school iPad").
_DEVICE = re.compile(r"^(?:i(?:Pad|Phone|Pod|Mac|Cloud|Player)|Xbox|PlayStation|PS[45]|Kindle|Fitbit|Chromebook)s?$")
# Greetings in other languages that open a message ("Assalamu alaikum …", "Sat Sri Akal …").
_GREETING = re.compile(r"^(?:As+-?salaa?mu?\s+[AaWw]\w*(?:\s+[Ww]a\s*\w+)?|Salaa?m(?:\s+[Aa]laikum)?|Wa\s*alaikum(?:\s+"
                       r"(?:as-?)?salaam?)?|Sat\s+Sri\s+Akal|Namaste|Namaskar|Shalom|Hola|Bonjour|Ciao|Jambo|Habari)\b\s*")


def nothing_named(text: str, start: int, end: int) -> bool:
    """A product, pet, car, scheme, job title, record label or a sentence's first word: no organisation."""
    span = text[start:end]
    words = _words(span)
    after = text[end:end + 40]
    before = text[max(0, start - 40):start]
    lower = " ".join(words).lower()
    if all(w.lower().strip(",.:;") in SERVICE_VOCABULARY for w in words) and len(words) >= 2:
        return True  # "Perinatal Mental Health Service", "REFERRAL TO COMMUNITY MENTAL": a kind of service, no name
    if lower in DOSE_TIMES and _DOSE_BEFORE.search(before) or _DEVICE.match(span):
        return True  # "10mg nocte", "the school iPad"
    greeting = _GREETING.match(span)
    if greeting and (greeting.end() == len(span) or span[greeting.end():].lower().strip(" ,") in KINSHIP
                     or len(span[greeting.end():].split()) == 1 and not is_first_name(span[greeting.end():])):
        return True  # "Assalamu alaikum Baji": a greeting and a kinship word name nobody
    if lower in KIN_NAMES:
        return True  # "got Mammy to …": a kinship word alone names nobody (MARKING.md)
    if _MEASURE_BEFORE.search(before) or lower in PETS or _PET_AFTER.match(after) or _PET_BEFORE.search(before):
        return True  # "cans of …", "… (our staffie)", "our dog …"
    if _MUSIC_BEFORE.search(before) or _MUSIC_AFTER.match(after):
        return True  # "the … on repeat"
    if lower in MAKES and (re.match(r"^\s+[A-Z0-9]", after) or re.search(r"\b(?:car|van|drives?|drove)\b", before)):
        return True  # "silver Ford Focus"
    if lower in SCHEMES or _SCHEME_AFTER.match(after) and span.isupper() or re.match(r"^[A-Z]+\($", span):
        return True  # "stop my UC", "the BN(O) visa"
    job = _JOB_AFTER.match(after)
    if words[-1] in JOB_WORDS or job and (all(w in _GENERIC_ROLE for w in words) or job.group().strip()[:1].isupper()
                                          and all(is_common_word(w) for w in words)):
        return True  # "Peer Support Worker", "Support worker"; but "my Turning Point worker" is an organisation's
    if span.isupper() and span.isalpha() and re.match(r"^\s+\d{3,}", after):
        return True  # "RXK 0091573": the letters of a record number
    if len(words) == 1 and span in ("Methodist", "Baptist", "Catholic", "Anglican", "Pentecostal", "Quaker",
                                    "Orthodox", "Evangelical", "Reformed"):
        return True  # "the Methodist hall": a denomination, not its church
    if len(words) == 1 and is_common_word(span) and sentence_start(text, start) and _PRONOUN_AFTER.match(after):
        return True  # "States her phone was cut off"
    content = [w for w in words if w.lower() not in ("in", "of", "for", "and", "the", "&", "with")]
    return len(content) >= 3 and all(is_common_word(w) for w in content) and bool(_SERVICE_AFTER.match(after))


# An outward postcode alone, after a town and a comma or "in" ("in LL11"); never a road ("the A38", "M6").
_OUTWARD = re.compile(r"[A-Z]{2}\d{1,2}[A-Z]?")
_OUTWARD_BEFORE = re.compile(r"(?:[\w’'-],|\bin)\s+$")
# Kinship words of British families the shared list leaves out (none a first name).
KIN_NAMES = KINSHIP | {"mammy", "mammie", "daddo", "baji", "apa", "api", "aapa", "bhabhi", "bhaiya", "veerji", "bibi ji",
                       "nain", "taid", "mamgu", "dadcu", "hooyo", "aabo", "habooba", "jiddo", "teta", "babushka", "dedushka"}
NOTHING = "NOTHING"  # the kind of a span that names nothing: it keeps other rules off it, then goes


def corrected(text: str, start: int, end: int, kind: str) -> Found:
    """An organisation or place proposal with its kind corrected (NOTHING when it names nothing)."""
    if kind not in ("ORG", "PLACE") or end <= start:
        return start, end, kind
    if _OUTWARD.fullmatch(text[start:end]) and _OUTWARD_BEFORE.search(text[max(0, start - 30):start]):
        return start, end, "POSTCODE"  # "…, the town, LN12": an outward code alone is a postcode (MARKING.md)
    if nothing_named(text, start, end):
        return start, end, NOTHING
    person = as_person(text, start, end)
    if person is not None:
        return person[0], person[1], "PERSON"
    if kind == "PLACE" and as_org(text, start, end):
        return start, end, "ORG"
    if kind == "ORG":
        place = as_place(text, start, end)
        if place is not None:
            return place[0], place[1], "PLACE"
    return start, end, kind
