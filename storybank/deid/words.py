"""Which words are ordinary English, and when two spellings are the same name.

The ordinary-word list is the GCIDE dictionary's headwords, shipped by the
`english-words` package (nothing is downloaded). It decides three things:
what never becomes a pseudonym registry entry, how case is matched, and which
lower-case words in text-message style writing can be names at all.

The case rule. Names match case-sensitively when they are also ordinary words
("Hope" the person is not "hope", "Will" is not "will"). A name that is not an
ordinary word matches whatever its case ("Priya", "priya", "PRIYA"), so a story
written all in lower case is matched too.
"""
from __future__ import annotations

import re
from functools import lru_cache

from spacy.lang.en.stop_words import STOP_WORDS

from storybank.deid.given_names import is_first_name

PRONOUNS = {"i", "me", "my", "mine", "you", "your", "he", "him", "his", "she", "her", "hers", "it", "its", "we",
            "us", "our", "they", "them", "their", "myself", "yourself", "himself", "herself", "themselves"}
KINSHIP = {"mum", "mam", "mom", "mummy", "mother", "dad", "daddy", "father", "nan", "nana", "nanna", "gran",
           "granny", "grandma", "grandad", "granddad", "grandpa", "grandmother", "grandfather", "auntie", "aunty",
           "aunt", "uncle", "sis", "bro", "brother", "sister", "son", "daughter", "wife", "husband", "partner",
           "cousin", "baby", "bestie", "mate", "ma", "pa", "nanny", "granda",
           # The same words in the languages of British families (none a first name: not "Bibi", "Amma", "Lola"),
           # and the honorific after them ("Nani ji").
           "nani", "nanima", "dadima", "ammi", "ammu", "abbu", "abba", "ba", "bapuji", "bhaiya", "khala", "khalu",
           "chacha", "chachi", "mamu", "phupho", "appa", "umma", "yaya", "babcia", "dziadek", "abuela", "abuelo",
           "abuelita", "nonna", "nonno", "opa", "lolo", "tita", "ji",
           "yiayia", "papou", "pappou", "nanu", "nanuji", "baji", "baaji", "aapa", "apu", "masi", "maasi", "mausi",
           "bhabhi", "bhabi", "bhai", "bhaijaan", "chachu", "phuppo", "phuphi", "mami", "mamaji", "nanaji", "naniji",
           "dadaji", "dadiji", "behen", "teta", "jiddo", "jidda", "sitto", "sittu", "khalto", "babushka", "dedushka",
           "dedo", "kuya", "nanay", "tatay", "popo", "halmoni", "halmeoni", "harabeoji", "nainai", "laolao", "yeye"}
# Text-message spellings and brands that are not names.
TEXTING = {"im", "ive", "id", "ill", "hes", "shes", "theyre", "youre", "dont", "cant", "wont", "didnt", "isnt",
           "wasnt", "thats", "whats", "theres", "ur", "u", "r", "lol", "omg", "idk", "tbh", "x", "xx", "xxx", "ok",
           "okay", "yeah", "ya", "gonna", "wanna", "gotta", "cuz", "cos", "coz", "tho", "thx", "pls", "plz", "bc",
           "btw", "imo", "nah", "yep", "hiya", "hey", "innit", "reg", "fab", "bday", "obvs", "defo", "prob", "probs",
           "havent", "hadnt", "couldnt", "wouldnt", "shouldnt", "arent", "werent", "doesnt", "aint", "lmao", "ngl",
           "whatsapp", "facebook", "instagram", "tiktok", "twitter", "zoom", "google", "youtube", "snapchat",
           "cbt", "dbt", "emdr", "ni", "esa", "dla", "hmrc", "gp's", "a&e", "ssri", "ssris", "ect", "adhd", "ptsd",
           "ocd", "bpd", "eupd", "covid", "lockdown",
           # Apps, cars and job titles: naming one names nobody.
           "strava", "spotify", "netflix", "uber", "deliveroo", "corsa", "astra", "fiesta", "transit",
           "micra", "clio", "yaris", "qashqai", "zafira", "mondeo", "cpn", "amhp", "hca", "rmn", "sw",
           "insta", "ig", "fb", "discord", "telegram", "twitch", "bluesky", "onlyfans",
           "2nite", "2nyt", "2day", "2moro", "2morrow", "2mrw", "tmrw", "tmw", "tomoz", "2mz", "gr8", "l8r", "b4", "yday", "wiv", "cahms"}
STREET_ENDINGS = {"road", "street", "lane", "avenue", "close", "drive", "crescent", "terrace", "estate", "way",
                  "centre", "surgery", "practice", "general", "infirmary", "project", "unit", "hub", "clinic", "lodge",
                  "trust", "trinity", "cross", "rd", "st", "ave", "club", "court", "gardens", "parade", "promenade", "esplanade"}
# Services every area has: naming one says nothing about where the teller is.
GENERIC_SERVICES = {
    "gp", "the gp", "a&e", "a and e", "nhs", "the nhs", "crisis team", "the crisis team", "home treatment team",
    "the hub", "hub", "café", "cafe", "the café", "the cafe", "cmht", "camhs", "iapt", "dwp", "the dwp", "police",
    "the police", "council", "the council", "job centre", "jobcentre", "the job centre", "food bank", "the food bank",
    "social services", "day centre", "the day centre", "drop-in", "the drop-in", "ward", "the ward", "hospital",
    "the hospital", "surgery", "the surgery", "mind", "samaritans", "the samaritans", "pip", "universal credit",
    "community mental health team", "the community mental health team", "crisis line", "the crisis line",
    "walk in centre", "walk-in centre", "leisure centre", "community centre", "health centre", "youth club",
    "church", "mosque", "the church", "the mosque", "school", "the school", "college", "uni", "university",
    "national insurance", "mental health act", "co-op", "the co-op", "recovery college", "the recovery college",
    # Every area's NHS bodies, named by their kind: "the Trust bought a system".
    "trust", "the trust", "integrated care board", "the integrated care board", "icb", "the icb", "health board",
    "the health board", "local authority", "the local authority", "cahms", "the cahms",
    # National bodies and schemes, and services every authority runs under the same name (MARKING.md).
    "home office", "the home office", "hmrc", "dvla", "ofsted", "student services", "social care", "adult social care",
    "children's social care", "children's services", "adult services", "adult mental health", "mental health services",
    "welfare fund", "scottish welfare fund", "discretionary assistance fund", "jobcentre plus",
    "social work", "housing options", "early help", "probation", "the probation service", "nhs 111", "111",
}
# Chains, banks and makes every town has (MARKING.md): named in passing they name nobody; a branch is named by its
# place ("the Tesco on Hyde Road", "the cornhill mcdonalds") and is an organisation whole.
CHAINS = {
    "tesco", "tesco express", "tesco extra", "sainsbury's", "sainsburys", "asda", "morrisons", "aldi", "lidl",
    "waitrose", "m&s", "marks and spencer", "marks & spencer", "co-op", "spar", "londis", "costcutter", "boots",
    "superdrug", "lloyds pharmacy", "lloyds", "primark", "argos", "b&m", "home bargains", "poundland", "wilko",
    "tk maxx", "jd", "jd sports", "sports direct", "currys", "greggs", "costa", "starbucks", "caffè nero",
    "caffe nero", "pret", "mcdonalds", "mcdonald's", "maccies", "maccas", "kfc", "burger king", "subway", "nando's",
    "nandos", "domino's", "dominos", "pizza hut", "wetherspoons", "spoons", "travelodge", "premier inn",
    "holiday inn", "tenpin", "hollywood bowl", "puregym", "barclays", "natwest", "hsbc", "santander", "nationwide",
    "clydesdale", "tsb", "rbs", "monzo", "volvo", "toyota", "nissan", "honda", "bmw", "audi", "volkswagen", "peugeot",
    "renault", "kia", "hyundai", "skoda", "fiat", "citroen",
}


@lru_cache(maxsize=1)
def dictionary() -> frozenset[str]:
    """Lower-case English headwords (GCIDE), loaded once."""
    from english_words import get_english_words_set

    return frozenset(get_english_words_set(["gcide"], lower=True, alpha=True))


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Words Webster's (web2, shipped by `english-words`) writes in lower case: no proper names among them."""
    from english_words import get_english_words_set

    return frozenset(w for w in get_english_words_set(["web2"], lower=False, alpha=True) if w.islower())


def forms(word: str) -> list[str]:
    """The word and the stems its English endings may hide ("kicked" -> "kick", "boots" -> "boot")."""
    out = [word]
    for ending, replacements in (("ies", ("y",)), ("ied", ("y",)), ("es", ("",)), ("s", ("",)),
                                 ("ed", ("", "e")), ("ing", ("", "e")), ("ly", ("",))):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            stem = word[: -len(ending)]
            if ending == "es" and not stem.endswith(("s", "x", "z", "ch", "sh")):
                continue  # "boxes" -> "box", but "James" is not "jam"
            out += [stem + r for r in replacements]
            if ending in ("ed", "ing") and len(stem) >= 4 and stem[-1] == stem[-2]:
                out.append(stem[:-1])  # "stopped" -> "stop"
    return out


def is_ordinary_word(word: str) -> bool:
    """A lower-cased word that is English in its own right ("hope", "will", "mum", "crisis", "kicked")."""
    word = word.strip().lower().strip("’'")
    base = re.split(r"['’]", word)[0]
    if base in PRONOUNS and base != word:
        return True  # I'd, I've, she'll
    if word in TEXTING or word in STOP_WORDS or word in PRONOUNS or word in KINSHIP:
        return True
    words = dictionary()
    return any(form in words for form in forms(word))


def is_compound(word: str) -> bool:
    """Two ordinary words of three letters or more written as one ("anytime", "someone", "nightshift")."""
    word = word.lower()
    return any(is_ordinary_word(word[:i]) and is_ordinary_word(word[i:]) and word[:i] not in TEXTING
               for i in range(3, len(word) - 2))


def is_common_word(word: str) -> bool:
    """Is the word, lower-cased, one a dictionary writes in lower case ("summer", "haven", "care")?

    Stricter than `is_ordinary_word` for capitalised words: GCIDE also lists
    "Andrew" and "Colin", Webster's lower-case entries do not.
    """
    word = word.strip().lower().strip("’'")
    if word in STOP_WORDS or word in PRONOUNS or word in KINSHIP or word in TEXTING:
        return True
    words = common_words()
    return any(form in words for form in forms(word))


def key(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold().removeprefix("the ")


def is_proper_name(text: str) -> bool:
    """May this become a registry entry? Not a pronoun, kinship word, ordinary noun or generic service.

    A capitalised word that is also English ("Hope", "Rose") is a name; the same
    word in lower case ("hope") is not. A lower-case word that is not English
    ("priya", "jaz") is a name written in text-message style.
    """
    value = " ".join(text.split())
    k = key(value)
    if len(k) < 2 or k in GENERIC_SERVICES or not any(c.isalnum() for c in k):
        return False
    words = re.findall(r"[\w’'&-]+", value)
    if not words:
        return False
    if all(w.lower() in PRONOUNS or w.lower() in KINSHIP or w.lower() in STOP_WORDS for w in words) and not (
            len(words) == 1 and value[:1].isupper() and value[1:].islower() and is_first_name(value)):
        return False  # but "Will", written as a name, is one
    if any(c.isdigit() for c in value):
        return k not in TEXTING  # "Ward 12", "14 Mill Lane", never "2nite"
    if all(is_ordinary_word(w) for w in words) and (k in TEXTING or all(w.lower() in TEXTING or w.lower() in PRONOUNS
                                                                        or re.split(r"['’]", w.lower())[0] in PRONOUNS
                                                                        for w in words)):
        return False  # "I'd", "CBT", "WhatsApp"
    if value == value.lower():
        if len(words) >= 2 and words[-1] in STREET_ENDINGS and words[0] not in STOP_WORDS:
            return True  # "chapel street" in text-message writing
        return not all(is_ordinary_word(w) for w in words)
    return True


def same_name(original: str, mention: str) -> bool:
    """Is `mention` (as written in a text) the name `original`? The case rule above."""
    if " ".join(original.split()) == " ".join(mention.split()):
        return True
    if key(original) != key(mention):
        return False
    words = re.findall(r"[\w’'-]+", original)
    return not any(is_ordinary_word(w) for w in words)


def follows_case_blind(original: str) -> bool:
    """May mentions of `original` in another case be matched at all?"""
    return not any(is_ordinary_word(w) for w in re.findall(r"[\w’'-]+", original))
