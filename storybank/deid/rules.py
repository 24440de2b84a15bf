"""Pattern rules over the raw text: contact details, other direct identifiers, ages and dates.

These run with or without a language model. Phone numbers are recognised by
Google's `phonenumbers` (every UK form: `+44 (0)…`, `(0161) …`, `07700-900-…`);
the rest are regular expressions written for the forms British stories use.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from phonenumbers import Leniency, PhoneNumberMatcher, is_valid_number

from storybank.deid.given_names import is_first_name
from storybank.deid.words import KINSHIP, is_ordinary_word

Found = tuple[int, int, str]  # start, end, type

_TLD = r"(?:com|org|net|co\.uk|org\.uk|ac\.uk|gov\.uk|nhs\.uk|uk|io|me|info|scot|wales|london|co|ee|ly|social|page|link|bio|blog|online|site|xyz|art|studio|life)"
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# "lou.harker at example dot com", "jo [at] example [dot] org", "bev dot jones at example dot org"
SPELT_EMAIL = re.compile(r"(?<![\w.])[\w.+-]+(?:\s+dot\s+[\w+-]+)*\s*[\[(]?\s*\bat\b\s*[\])]?\s*[\w-]+(?:\s*[\[(]?\s*\bdot\b\s*[\])]?\s*[\w-]+)+",
                         re.IGNORECASE)
# "jo[at]example.org", "jo (at) example.org", "jo@example dot org", "j.bloggs at example.org"
BRACKET_EMAIL = re.compile(r"(?<![\w.])[\w.+-]+\s*[\[({]\s*at\s*[\])}]\s*[\w-]+"
                           r"(?:\s*[\[({]\s*dot\s*[\])}]\s*[\w-]+|\s+dot\s+[\w-]+|\.[\w-]+)+", re.IGNORECASE)
AT_DOT_EMAIL = re.compile(r"(?<![\w.])[\w.+-]+@[\w-]+(?:\s*[\[(]?\s*\bdot\b\s*[\])]?\s*[\w-]+)+", re.IGNORECASE)
AT_EMAIL = re.compile(rf"(?<![\w.@])([\w.+-]+)\s+at\s+(?!www\.)[\w-]+(?:\.[\w-]+)*\.{_TLD}(?![\w.-])", re.IGNORECASE)
_SPELT_TLD = re.compile(r"\bdot\b\s*[\])]?\s*(?:com|org|net|uk|co|io|me|info)$", re.IGNORECASE)
POSTCODE = re.compile(r"(?<![\w-])([A-Za-z]{1,2}\d[A-Za-z\d]?)\s?(\d[A-Za-z]{2})(?![\w-])")
_AREAS = ("AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY E EC EH EN "
          "EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L LA LD LE LL LN LS LU M ME MK ML N "
          "NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN "
          "TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE").split()
# "we moved to LL11", "from SK14", "the M14 area": a postcode's outward half alone, in capitals, where a place goes.
OUTWARD = re.compile(rf"(?:\b(?:in|to|from|near|round|around|outside|postcode|post code|postcode is|postcode was|"
                     rf"postcode:)\s+|\bthe\s+(?=\w+\s+area\b))((?:{'|'.join(sorted(_AREAS, key=len, reverse=True))})"
                     r"\d{1,2}[A-Z]?)(?![\w-])(?!\s?\d[A-Za-z]{2}\b)")
OUTWARD_AREA = re.compile(rf"(?<![\w-])((?:{'|'.join(sorted(_AREAS, key=len, reverse=True))})\d{{1,2}}[A-Z]?)\s+area\b")
# "Postcode: M14", "post code is bb3": a form's postcode field holding the outward code alone, in any case.
POSTCODE_FIELD = re.compile(rf"\bpost\s?code\s*(?::|-|\bis\b|\bwas\b)?\s*((?:{'|'.join(sorted(_AREAS, key=len, reverse=True))})"
                            r"\d{1,2}[A-Z]?)(?![\w-])(?!\s?\d[A-Za-z]{2}\b)", re.IGNORECASE)
# "bb4 something", "dy2 0 something", "DY4 ...": an outward code, any case, perhaps with a broken-off inward
# digit, where the writer trails off; "Road, DY4" after a street.
_OUTWARD_CODE = rf"(?:{'|'.join(sorted(_AREAS, key=len, reverse=True))})\d{{1,2}}[A-Z]?"
TRAILING_OUTWARD = re.compile(rf"(?<![\w-])({_OUTWARD_CODE}(?:\s\d)?)(?=\s*(?:something|summat|or something|\.\.\.|…|"
                              r"i can['’]?t remember|i cant remember|i forget)|,\s+(?:i\s+)?(?:can['’]?t|cant) remember)",
                              re.IGNORECASE)
STREET_OUTWARD = re.compile(rf"\b(?:Road|Street|Lane|Avenue|Close|Drive|Way|Crescent|Terrace|Place|Grove|Gardens|Rd|St|Ave)"
                            rf",\s+({_OUTWARD_CODE})(?![\w-])(?!\s?\d[A-Za-z]{{2}}\b)")
NHS = re.compile(r"(?<![\w-])[1-9]\d{2}[ -]?\d{3}[ -]?\d{4}(?![\w-])")
NI_NUMBER = re.compile(r"(?<![\w])[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D](?![\w])")
# After "NI number", "national insurance", "reg": the same in any case ("qq123456c", "reg is dk62 wfx").
CUED_NI = re.compile(r"\b(?:ni|n\.i\.|national insurance)\s*(?:number|no\.?)?\s*(?:is|was|:)?\s*"
                     r"([a-z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[a-d])(?![\w])", re.IGNORECASE)
_CAR_REG_FORMS = r"(?:[a-z]{2}\d{2}\s?[a-z]{3}|[a-z]\d{1,3}\s?[a-z]{3}|[a-z]{3}\s?\d{1,3}[a-z])"
CUED_CAR_REG = re.compile(r"\b(?:reg|registration|number plate|plate|private plate|reg plate)\s*(?:number|no\.?|was|is)?"
                          rf"\s*(?:is|was|:|-)?\s*({_CAR_REG_FORMS})(?![\w])", re.IGNORECASE)
# Record numbers, one grammar: a label, then the number. A label names what the record is of (an owner: "claim",
# "hospital", "learner") and what its number is called ("number", "no.", "ref", "ID"), or the system it is kept in
# ("RiO", "Mosaic ID"), or is a bare "ID". How much the number must look like a record's depends on how sure the
# label is (_record_number); extend the vocabularies, not the patterns.
RECORD_OWNERS = (
    "reference", "ref", "case", "claim", "patient", "hospital", "hosp", "client", "membership", "member", "student",
    "learner", "pupil", "passport", "licence", "license", "driving licence", "driving license", "crime", "incident",
    "police", "court", "log", "booking", "ticket", "order", "customer", "account", "tenancy", "tenant", "housing",
    "council tax", "payroll", "staff", "employee", "badge", "library card", "oyster card", "oyster", "pension", "unique taxpayer", "utr",
    "mrn", "chi", "prison", "prisoner", "inmate", "visa", "brp", "home office", "ni", "nino",
    # police and courts, housing, benefits, licences and passes: the records such letters quote
    "custody", "arrest", "detainee", "offender", "occurrence", "warrant", "charge", "bail", "probation", "pnc", "cro",
    "rent", "rent account", "property", "repair", "repairs", "works order", "job", "homeless application",
    "application", "benefit", "housing benefit", "universal credit", "uc", "pip", "esa", "jsa", "dla", "appeal",
    "tribunal", "award", "policy", "insurance", "certificate", "dbs", "blue badge", "bus pass", "freedom pass",
    "railcard", "prescription", "exemption", "gwf", "uan", "gmc", "nmc", "hcpc", "referral", "safeguarding", "cad", "storm",
    "dwp", "hmrc", "dvla", "ukvi", "council", "hmcts")
# Owners that label a number even without "number" after them: "passport 123456789", "hospital RX1234567".
OWNERS_ALONE = ("passport", "driving licence", "driving license", "licence", "license", "hospital", "patient", "mrn",
                "chi", "student", "employee", "staff", "payroll", "membership", "prisoner", "inmate", "visa", "brp",
                "case", "claim", "utr", "ni", "nino", "oyster card", "library card", "custody", "arrest", "pnc", "cro",
                "gwf", "uan")
# Owners that are a record's label on their own, like a system's name: "ref KT-551904", "MRN 4471203".
LABELS_ALONE = ("ref", "reference", "chi", "mrn")
RECORD_SYSTEMS = ("rio", "mosaic", "chi", "emis", "systmone", "carefirst", "liquidlogic", "lcs", "eclipse", "paris", "epr",
                  "pas", "trak", "lorenzo", "cerner", "mrn", "crn", "urn", "pnc", "cro", "ndelius", "delius", "nomis")
_CALLED = r"(?:number|num|no\.?|#|id|reference|ref)(?![A-Za-z])"


def _alternatives(words: tuple[str, ...]) -> str:
    """One alternation of the words, longest first, factored by shared beginnings (a trie) so that the many labels
    cost little at each word of a story; a space matches any run of spaces."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word.lower():
            node = node.setdefault(ch, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        branches = [(r"\s+" if ch == " " else re.escape(ch)) + pattern(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return pattern(trie)


RECORD_LABEL = re.compile(rf"\b(?:(?P<owner>{_alternatives(RECORD_OWNERS)})(?:(?:,\s*|\s*)(?P<called>{_CALLED})|"
                          rf"(?![A-Za-z]))|(?P<system>{_alternatives(RECORD_SYSTEMS)})(?:\s+(?:id|no\.?|number|ref))?"
                          r"(?![A-Za-z])|(?P<bare>id)(?![A-Za-z]))", re.IGNORECASE)
# The number straight after its label ("is", "was", ":" between): "SAL/2291/B", "4471 2290", "RTQ 0082614".
_RIGHT_AFTER = re.compile(r"\s*(?:(?:is|was)\b|[:=#,])?\s*[:#]?\s*"
                          r"(?P<code>(?:(?!(?:is|was|on|to|at|of|in|for|it|the|and|or|my|his|her)\s)[A-Za-z]{1,4}\s"
                          r"(?=\d{3}))?[A-Za-z0-9]+(?:[/-][A-Za-z0-9]+)*(?:\s\d{3,})*)(?![\w])", re.IGNORECASE)
# Further on in the sentence, only a number shaped like a record's: "hospital number is on it, HX5520817", "police
# ref for the break-in: 03/88120/25", "kdr 330 5816".
_LATER = re.compile(r"[^.!?\n]{0,60}?(?<![\w/-])(?P<code>[A-Za-z]{1,4}\s?\d{3}\s\d{4}|[A-Za-z]{0,4}-?\d{5,}[A-Za-z]?|"
                    r"\d{1,4}/\d{4,}/\d{1,4}|\d{1,4}/\d{5,})(?![\w/-])", re.IGNORECASE)
_YEAR_OR_DATE = re.compile(r"(?:19|20)\d{2}s?|\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?")


def _record_number(label: re.Match, code: str, right_after: bool) -> bool:
    """Does a code after this label look enough like a record's number?"""
    digits = sum(c.isdigit() for c in code)
    if not digits or _YEAR_OR_DATE.fullmatch(code):
        return False  # "student 2019", "ID 12/03/2024"
    if not right_after:
        return not (code.startswith("0") and digits in (10, 11) and not re.search(r"[A-Za-z/]", code))  # a phone
    if label.group("called"):
        return not re.fullmatch(r"\d{1,3}", code)  # "claim number 4471", never "case no. 3"
    owner = (label.group("owner") or "").lower()
    if owner and " ".join(owner.split()) in OWNERS_ALONE and len(re.sub(r"\s", "", code)) >= 6 \
            and not re.fullmatch(r"\d{1,5}", code):
        return True  # "passport 123456789"
    return bool(label.group("system") or label.group("bare") or owner in LABELS_ALONE) \
        and digits >= 4  # "RiO 5530817", "ref KT-551904", "(ID 300118842)"


def _records(text: str) -> Iterator[Found]:
    for label in RECORD_LABEL.finditer(text):
        after = _RIGHT_AFTER.match(text, label.end())
        if after and _record_number(label, after.group("code"), True):
            yield after.start("code"), after.end("code"), "OTHER_ID"
        elif label.group("called") and (later := _LATER.match(text, label.end())) \
                and _record_number(label, later.group("code"), False):
            yield later.start("code"), later.end("code"), "OTHER_ID"


def _record_label_before(text: str, start: int) -> bool:
    """"CHI 1105873349", "ref: 0161 4471": a record's label right before a number shaped like a phone's."""
    label = re.search(rf"(?:{RECORD_LABEL.pattern})\s*[:#]?\s*$", text[max(0, start - 25):start], re.IGNORECASE)
    owner = label and (label.group("owner") or "").lower()
    return bool(label and (label.group("system") or label.group("bare") or owner in LABELS_ALONE
                           or owner in ("hospital", "hosp") and label.group("called")))


# A fishing boat's port letters and number where a boat is talked about ("the Kittiwake Lass (FR 2207)").
BOAT_REG = re.compile(r"(?<![\w-])[A-Z]{1,3}\s?\d{1,4}(?![\w-])(?!\s\d[A-Z]{2}\b)")  # never a postcode's first half
_BOAT_WORDS = re.compile(r"\b(?:boats?|vessels?|trawlers?|fishing|fisherm[ae]n|skipper(?:s|ed|ing)?|crew(?:ed)?|harbour|moored|"
                         r"registration|yacht|narrowboat|sailed|sailing)\b", re.IGNORECASE)
# A boat's name: "his boat, the Kittiwake Lass (FR 2207)", "a narrowboat called Kingfisher Two".
_BOAT_NAMED = r"([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,3})"
BOAT_NAME = re.compile(rf"{_BOAT_NAMED}\s+\([A-Z]{{1,3}}\s?\d{{1,4}}\)|\b(?i:boat|vessel|trawler|yacht|narrowboat|narrow boat|"
                       rf"barge|dinghy)\b[^.\n]{{0,20}}?\b(?:called|named)\s+(?:the\s+)?{_BOAT_NAMED}")
# A handle named with its platform but written without "@": "snap its jazz_b77", "insta: bex.bright86".
_PLATFORMS = (r"snap|snapchat|insta|instagram|ig|tiktok|twitter|discord|telegram|kik|threads|bluesky|twitch|youtube|"
              r"gamertag|xbox(?: live)?(?: tag)?|psn|playstation|steam|roblox|reddit|pinterest|bereal|depop|vinted")
_AS = r"(?:,?\s*(?:i['’]?m|im|as|under|it['’]?s|its)\s)"
PLATFORM_HANDLE = re.compile(rf"\b(?:{_PLATFORMS}|fb|facebook)(?:['’]s)?\s*(?:is|its|it's|it’s|:|-|name|handle|username|me|{_AS})?\s*[:-]?\s*"
                             r"((?=[\w.#]*(?:\d|_|[.#]\w))[A-Za-z0-9_](?:[\w#]|\.(?=\w)){2,29})(?![\w@])", re.IGNORECASE)
# "my snap is kayleighxo", "insta: bexbright": after the platform and "is"/":", a word that is no English word.
PLATFORM_NAME = re.compile(rf"\b(?:{_PLATFORMS})\s*(?:name|handle|username|account|page|id|channel)?\s*(?:is|:|-|['’]s|{_AS})\s*"
                           r"([A-Za-z](?:\w|\.(?=\w)){2,29})(?![\w@])", re.IGNORECASE)
# "follow jo_b_art on insta", "jazz.b77 on snap": a handle's shape (a digit, "_" or an inner dot) before its platform.
HANDLE_BEFORE_PLATFORM = re.compile(rf"(?<![\w@.])((?=[\w.]*[A-Za-z])(?=[\w.]*(?:\d|_|\.\w))[A-Za-z0-9_](?:\w|\.(?=\w)){{2,29}})"
                                    rf"\s+(?:on|over on|on the)\s+(?:{_PLATFORMS}|fb|facebook)\b", re.IGNORECASE)
# "my username is wee_moth_ailsa", "I'm dee_nurse_ward on there": words joined by "_" are a handle.
UNDERSCORE_HANDLE = re.compile(r"(?<![\w@./])[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+_?(?![\w@/])")
_HANDLE_SPEAKS = re.compile(r"^[ \t>*-]*(?:\*\*)?([A-Za-z0-9]+(?:_[A-Za-z0-9]+)+_?)(?:\*\*)?:[ \t]", re.MULTILINE)
CUED_HANDLE = re.compile(r"\b(?:username|user name|handle|gamertag|screen name|display name)\s*(?:is|was|:|-)?\s*"
                         r"((?=[\w.]*[A-Za-z])[A-Za-z0-9_](?:\w|\.(?=\w)){2,29})(?![\w@])", re.IGNORECASE)
# "found her on Facebook as Bethan Bakes Bangor", "find me as Nadia Runs For Mind": a page named for a person.
PAGE_AS = re.compile(r"\b(?i:(?:on|over on)\s+(?:facebook|fb|insta|instagram|tiktok|youtube|twitter|threads)\s+as|"
                     r"find (?:me|us|her|him|them)(?:\s+on\s+\w+)?\s+as|search (?:for )?(?:me|us) as|look (?:me|us) up as)"
                     r"\s+([A-Z][\w'’&-]*(?:\s+(?:[A-Z][\w'’&-]*|for|of|the|and|&|in|on)){0,5}\s+[A-Z][\w'’&-]*)")
# "search for fenland quine talks on spotify": a podcast or channel sought by its name.
SEARCH_NAME = re.compile(r"\bsearch(?:\s+for)?\s+([\w'’&-]+(?:\s+[\w'’&-]+){1,4})\s+on\s+(?:spotify|youtube|"
                         r"apple podcasts|podcasts|facebook|insta|instagram|tiktok|soundcloud|twitch)\b", re.IGNORECASE)
CARD = re.compile(r"(?<![\w-])\d{4}[ -]?\d{4}[ -]?\d{4}[ -]?\d{4}(?![\w-])")
CAR_REG = re.compile(r"(?<![\w])[A-Z]{2}\d{2}\s?[A-Z]{3}(?![\w])")
OLD_CAR_REG = re.compile(r"(?<=\breg )(?:[A-Z]\d{1,3}\s?[A-Z]{3}|[A-Z]{3}\s?\d{1,3}[A-Z])(?![\w])", re.IGNORECASE)
# "A123 BCD", "ABC 123D" in capitals: a registration where a car is talked about.
OLD_CAR_SHAPE = re.compile(r"(?<![\w])(?:[A-Z]\d{1,3}\s[A-Z]{3}|[A-Z]{3}\s\d{1,3}[A-Z])(?![\w])")
_CAR_WORDS = re.compile(r"\b(?:volvo|ford|vauxhall|corsa|fiesta|astra|nissan|toyota|honda|bmw|audi|vw|volkswagen|golf|"
                        r"polo|peugeot|renault|citroen|fiat|kia|hyundai|skoda|seat|mini|land rover|range rover|merc|"
                        r"mercedes|jag|jaguar|micra|transit|car|cars|van|motor|vehicle|plate|plates|reg|registration|drove|drives|driving|parked|"
                        r"banger|estate car|hatchback|taxi|cab|lorry|truck|motorbike|bike|dvla|clamped|towed)\b",
                        re.IGNORECASE)
# A driving licence number: five letters of the surname (9s padding), six digits, two initials, a digit, two letters.
DRIVING_LICENCE = re.compile(r"(?<![\w])[A-Z9]{5}\s?\d{6}\s?[A-Z9]{2}\d\s?[A-Z]{2}(?:\s?\d{2})?(?![\w])")
SORT_CODE = re.compile(r"(?<![\w-])\d{2}[- ]\d{2}[- ]\d{2}(?![\w-])")
ACCOUNT = re.compile(r"(?<![\w-])\d{8}(?![\w-])")
CUED_SORT_CODE = re.compile(r"\bsort\s*code(?:['’]s|\s+is|\s+was|:)?\s*(\d{6})(?![\w-])", re.IGNORECASE)
ACCOUNT_AFTER_CODE = re.compile(r"[\s,;/&]*(?:and\s+|account\s+(?:number\s+|no\.?\s*)?)?\d{8}(?![\w-])", re.IGNORECASE)
_BANK_CUE = re.compile(r"\b(?:sort\s*code|sort|account|acc|a/c|acct|bank|banking|pay(?:ment)?s?|paid|transfer(?:red)?|"
                       r"deposit(?:ed)?|bacs)\b", re.IGNORECASE)
IBAN = re.compile(r"(?<![\w])GB\d{2}\s?[A-Z]{4}(?:\s?\d){14}(?![\w])")
HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?(?![\w@])")
URL = re.compile(rf"(?<![\w@.-])(?:https?://\S+|www\.[\w-]+(?:\.[\w-]+)+(?:/\S*)?|[\w-]+(?:\.[\w-]+)*\.{_TLD}/[\w./%?=&@~+-]+)",
                 re.IGNORECASE)
# "janesmithwrites.co.uk", "bexblogs.wordpress.com": a site's bare name, no "www." and no path.
BARE_DOMAIN = re.compile(rf"(?<![\w@.-])[a-z0-9][\w-]*(?:\.[\w-]+)*\.{_TLD}(?![\w@-]|\.\w)", re.IGNORECASE)
# Sites that name nobody: linking them says nothing about the teller.
PUBLIC_SITES = ("nhs.uk", "gov.uk", "mind.org.uk", "samaritans.org", "bbc.co.uk", "rethink.org", "youngminds.org.uk")
# Bare names of sites everyone uses: "I saw it on facebook.com" names nobody (a path after them may).
BIG_SITES = ("facebook.com", "instagram.com", "tiktok.com", "twitter.com", "x.com", "youtube.com", "google.com",
             "google.co.uk", "amazon.co.uk", "amazon.com", "ebay.co.uk", "gumtree.com", "reddit.com", "wordpress.com",
             "blogspot.com", "substack.com", "tumblr.com", "medium.com", "linktr.ee", "paypal.me", "gofundme.com",
             "justgiving.com", "strava.com", "spotify.com", "netflix.com", "whatsapp.com", "snapchat.com",
             "discord.com", "twitch.tv", "linkedin.com", "patreon.com", "etsy.com", "rightmove.co.uk", "zoom.us",
             "outlook.com", "gmail.com", "hotmail.com", "hotmail.co.uk", "yahoo.co.uk", "yahoo.com", "icloud.com",
             "example.com", "example.org", "example.net")

_UNITS = ("ones", "twos", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_TEENS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
          "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_TENS = r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
NUMBER = rf"(?:\d{{1,3}}|{_TENS}(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|{'|'.join(_TEENS)}|a hundred)"
_AGE_CUE = (r"(?:i['’]?m|im|i am|am|i was|was|were|wis|wiz|woz|wuz|wus|waz|ah['’]?m|he['’]?s|hes|she['’]?s|shes|they['’]?re|who['’]?s|you['’]?re|ur|"
            r"is|are|r|aged|age|turned|"
            r"turning|turns|at|reached|be|being|been|when i was|till i was|since i was|from|by|pushing|going on|"
            r"knocking on|coming up to)")
# "was probably 70", "is only just 16", "she's well over 80": hedges between the cue and the number.
_HEDGE = (r"(?:(?:only|just|nearly|almost|like|about|around|probably|maybe|perhaps|barely|already|still|roughly|"
          r"easily|well over|over|under|at least|not even|not yet|not quite|just about|nigh on|nobbut|bout|abt|both|all)\s+){0,2}")
AGE_AFTER_CUE = re.compile(rf"\b{_AGE_CUE}\s+{_HEDGE}({NUMBER})(?![\w-])", re.IGNORECASE)
# "Now 33, I volunteer", "Aisha, now 12, still remembers": an age set off by commas after "now".
AGE_NOW = re.compile(rf"(?:(?:^|[.!?]\s+|\n\s*)(?:Now|Aged|These days|Today)|(?<=[\w’'],)\s+(?:now|aged|then|still|only|"
                     rf"just|nearly|almost))\s+({NUMBER})\s*,\s+(?=I\b|[Hh]e\b|[Ss]he\b|[Tt]hey\b|[Ww]e\b|[Mm]y\b|"
                     rf"[Hh]is\b|[Hh]er\b|[a-z]+(?:s|ed)\b|still\b|is\b|was\b|has\b|had\b|lives\b|[A-Z][a-z]+\b)")
# "DOB: 03/04/1990 (34)": the age in brackets after the date of birth.
AGE_AFTER_BIRTH = re.compile(r"\b(?:dob|d\.o\.b\.?|date of birth|born)\b[^\n()]{0,30}?\((?:aged?\s*)?(\d{1,3})"
                             r"(?:\s*(?:yrs?|years|y/?o))?\)", re.IGNORECASE)
# A participant's sex and age: "Participant 3 (F, 42)", "(38, male)", "P7, female, 38, White British".
_SEX = r"(?:f|m|female|male|woman|man|non-binary|nb)"
AGE_WITH_SEX = re.compile(rf"\({_SEX},\s*(\d{{1,3}})\)|\((\d{{1,3}}),\s*{_SEX}\)|\b(?:female|male|non-binary),\s+(\d{{1,3}})"
                          r"(?=\s*[,.;)]|\s*$)", re.IGNORECASE | re.MULTILINE)
# An interview's answer to "How old were you?" / "Your age then?": "INT: How old was he?\nANNA: About nine."
AGE_ANSWER = re.compile(rf"\b(?:how\s+old|(?:your|his|her|their)\s+age)\b[^?\n]{{0,40}}\?[ \t]*(?:\n[ \t]*(?:[\w .’'-]{{1,25}}:)?)?"
                        rf"[ \t]*(?:(?:about|around|nearly|almost|only|just|maybe|erm,?|um,?|i\s+was|i['’]?m|im|"
                        rf"(?:he|she)\s+(?:was|is)|(?:he|she)['’]s)\s+)*({NUMBER})(?![\w-])(?!\s*(?:minutes?|hours?|days?|"
                        rf"weeks?|months?|years?(?!\s+old)|o['’]?clock|am\b|pm\b))", re.IGNORECASE)
# "I was 19 the first time I was sectioned and 31 the last": a second age, for another time, in the same sentence.
AGE_AGAIN = re.compile(rf"[^.!?\n]{{0,80}}?\band\s+({NUMBER})\s+the\s+(?:last|second|third|next|other)\b", re.IGNORECASE)
AGE_BOUND = re.compile(r"\s*(?:\+|plus\b|and\s+(?:over|under|above|up|older|younger)\b|or\s+(?:over|under|above|older|"
                        r"younger)\b|upwards\b)", re.IGNORECASE)
# "my eldest is 15, youngest 8", "she's 9 and the baby's 2": a sibling's age right after one found.
AGE_ALSO = re.compile(rf"\s*(?:,|;|and)\s*(?:the\s+|my\s+|our\s+)?(?:youngest|eldest|oldest|middle(?:\s+one)?|little one|"
                      rf"other(?:\s+one)?|baby)(?:\s+is|['’]s)?\s+({NUMBER})(?![\w-])(?!\s*(?:minutes?|hours?|days?|weeks?|"
                      rf"months?|years?(?!\s+old)|o['’]?clock|am\b|pm\b|%))", re.IGNORECASE)
AGE_AND = re.compile(rf"\s*(?:and|&|n)\s+({NUMBER})(?![\w-])(?=\s*(?:[,.;!?]|$|now\b|this\b|next\b))", re.IGNORECASE)
_PLURAL_CUES = ("are", "were", "r", "they're", "they’re", "both")
AGE_OR = re.compile(rf"\s*(?:or|-|–|to)\s*({NUMBER})(?![\w-])", re.IGNORECASE)
# "ages 7 and 9", "aged 4, 6 and 11", "Ages of children: 2 and 5": every number in the list is an age.
AGE_LIST = re.compile(rf"\b(?:ages|aged|age)(?:\s+of\s+(?:the\s+)?[a-z]+)?\s*:?\s+((?:{NUMBER})(?:\s*,\s*(?:{NUMBER}))*\s*(?:,\s*)?(?:and|&|n)\s+(?:{NUMBER}))"
                      r"(?![\w-])(?!\s*(?:minutes?|hours?|days?|weeks?|months?|years?(?! old)|times|o'?clock|am\b|pm\b|%))",
                      re.IGNORECASE)
# "my two (4 and 6)", "the girls (9, 11 and 14)", "Dad and Mum (72 and 70)": a bracketed list after people.
_PEOPLE = (r"(?:two|three|four|five|kids|children|boys|girls|sons|daughters|twins|grandkids|grandchildren|"
           r"little ones|babies|lads|lasses|ones|brothers|sisters|siblings|nephews|nieces|lot|both)")
AGE_BRACKET_LIST = re.compile(rf"(?:\b{_PEOPLE}|\b[A-Z][a-z’'-]+\s+(?:and|&)\s+[A-Z][a-z’'-]+)\s+"
                              r"\((\d{1,2}(?:\s*,\s*\d{1,2})*\s*(?:,\s*)?(?:and|&|n)\s+\d{1,2})\)", re.IGNORECASE)
# "my two kids, 4 and 7, are", "three boys - 12, 9 and 6.": the same list set off by commas or a dash.
AGE_SET_OFF_LIST = re.compile(r"\b(?:kids|children|boys|girls|sons|daughters|twins|grandkids|grandchildren|babies|"
                              r"brothers|sisters|siblings|nephews|nieces)\s*(?:,|-|–|:)\s*"
                              r"(\d{1,2}(?:\s*,\s*\d{1,2})*\s*(?:,\s*)?(?:and|&|n)\s+\d{1,2})"
                              r"(?=\s*[,.;)!]|\s*$|\s+(?:now|are|were|both)\b)", re.IGNORECASE | re.MULTILINE)
_LIST_NUMBER = re.compile(rf"(?<![\w-])(?:{NUMBER})(?![\w-])", re.IGNORECASE)
# "One lad, sixteen and already known to…", "a girl, 15, who…"
AGE_APPOSITION = re.compile(rf"\b(?:lad|lass|girl|boy|man|woman|kid|child|one of them|them|son|daughter|mum|dad|"
                            rf"brother|sister|resident|client|patient|student),\s+({NUMBER})(?=,|\s+(?:and|now|nearly|"
                            rf"with|already|just|going|who|when)\b)", re.IGNORECASE)
# "a lad of 16", "a woman of eighty"
AGE_OF_PERSON = re.compile(rf"\b(?:lad|lass|girl|boy|man|woman|kid|child|teenager|pensioner|widow|widower)\s+of\s+"
                           rf"({NUMBER})(?![\w-])(?!\s+(?:kids|children|sons|daughters|boys|girls))", re.IGNORECASE)
AGE_HYPHEN = re.compile(rf"(?<![\w-])({NUMBER})[- ](?:years?|yrs?)(?:[- ](?:old|auld|owd|aald)\b|\s+of\s+age\b|\s+young\b)", re.IGNORECASE)
# "Tom's 14 now", "my son's nearly 17": somebody's age after "'s".
AGE_POSSESSIVE = re.compile(rf"\b([A-Z][a-z]+|mum|mam|dad|son|daughter|nan|gran|grandad|brother|sister|wife|husband|"
                            rf"partner|boy|girl|lad|baby|eldest|youngest|oldest)['’]s\s+(?:only\s+|just\s+|nearly\s+|"
                            rf"almost\s+)?({NUMBER})(?![\w-])")
# "my 30th birthday", "her eighteenth": the birthday's ordinal is the age.
_ORDINAL_WORDS = (r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[- ]?(?:first|second|third|fourth|fifth|"
                  r"sixth|seventh|eighth|ninth)|(?:twen|thir|for|fif|six|seven|eigh|nine)tieth|eleventh|twelfth|"
                  r"(?:thir|four|fif|six|seven|eigh|nine)teenth|hundredth)")
AGE_BIRTHDAY = re.compile(rf"\b(?:my|his|her|their|your|our|happy|ur|yr|yer|ye|ma|mah|me|mi|[A-Z][a-z]+['’]s)\s+(?:big\s+)?(\d{{1,3}}(?:st|nd|rd|th)|"
                          rf"{_ORDINAL_WORDS})(?:\s+(?:birthday|bday|b-day|party|do)\b|(?=\s*[.!,;]))", re.IGNORECASE)
# "a 6-month-old", "she's only 3 months old": a baby's age.
AGE_MONTHS = re.compile(rf"(?<![\w-])({NUMBER})[- ](?:months?|weeks?|mths?)[- ]old\b", re.IGNORECASE)
# "his 21st on Friday", "her fortieth next week": a milestone birthday without the word.
_MILESTONE = (r"(?:16th|18th|21st|[3-9]0th|100th|sixteenth|eighteenth|twenty[- ]first|thirtieth|fortieth|fiftieth|"
              r"sixtieth|seventieth|eightieth|ninetieth|hundredth)")
AGE_MILESTONE = re.compile(rf"\b(?:my|his|her|your|ur|yr|yer|ye|ma|mah|me|mi|[A-Z][a-z]+['’]s)\s+(?:big\s+)?({_MILESTONE})"
                           r"(?=\s+(?:on|next|this|is|was|coming|last|in|at)\b)", re.IGNORECASE)
AGE_WORD_YEAR = re.compile(rf"(?<![\w-])({NUMBER})-year-old\b", re.IGNORECASE)
# "15yo", "15 y/o", "15-yr-old", "17 y.o."
AGE_SHORT = re.compile(r"(?<![\w-])(\d{1,3})\s?(?:yo|y/o|y\.o\.|yrs?[- ]old|-yr-old)(?![\w])", re.IGNORECASE)
# "at the age of 12", "age: 34", "aged just 9"
AGE_OF = re.compile(rf"\b(?:the age of|age:|aged:)\s*({NUMBER})(?![\w-])", re.IGNORECASE)
# A form's field: "Age at referral: 34", "**Age (years):** 61", "- Current age - 40". Never a range ("Age group: 18-25").
AGE_FIELD = re.compile(rf"^[ \t>*•-]*(?:\*\*)?(?:current\s+)?age\b[^:\n]{{0,40}}?(?::|\s[-–])(?:\*\*)?[ \t]*"
                       rf"({NUMBER})(?![\w-])", re.IGNORECASE | re.MULTILINE)
# A list's line for the present, then an age and what else is so: "- Now: 52, lives alone", "Current: 19; in college".
AGE_NOW_FIELD = re.compile(r"^[ \t>*•-]*(?:\*\*)?(?:now|current|currently|today|present)(?:\*\*)?\s*:(?:\*\*)?[ \t]*"
                           r"(\d{1,3})(?=\s*[,;]|\s*$|\s+(?:years?|yrs?|y/?o)\b)", re.IGNORECASE | re.MULTILINE)
# "I am now 41 years.", "she's 80 years.", "I'm 23yrs": an age with "years" and no "old", ending the clause.
AGE_YEARS = re.compile(rf"(?:\b(?:i\s+am|i['’]?m|im|he\s+is|she\s+is|he['’]s|she['’]s)(?:\s+now)?|,\s+now)\s+({NUMBER})"
                       r"\s*(?:years|yrs?)(?=\s*[.!?;,]|\s*$)", re.IGNORECASE)
# Children side by side, each with an age in brackets: "Ayo (6) and Tiwa (3)", "Sam (12), Lou (9) & Kit (4)".
_NAMED_AGE = r"[A-Z][\w’'-]+\s+\(\d{1,2}\)"
NAMED_AGES = re.compile(rf"{_NAMED_AGE}(?:(?:\s*,\s*|\s+(?:and|&)\s+){_NAMED_AGE})+")
# A form's line for the children: "Kids: Leo 7, Ava 4", "Children - Sam (12) & Lou, 9": each name's number is an age.
FAMILY_FIELD = re.compile(r"^[ \t>*•-]*(?:\*\*)?(?:kids|children|child|sons?|daughters?|grandchildren|grandkids|siblings|"
                          r"brothers?|sisters?)(?:\*\*)?\s*(?::|\s[-–])(?:\*\*)?(?P<list>[^\n]+)", re.IGNORECASE | re.MULTILINE)
_NAME_NUMBER = re.compile(r"\b([A-Z][\w’'-]+)(?:,\s*|\s+\(?|\s+aged\s+)(\d{1,2})(?![\w/.:-])"
                          r"(?!\s*(?:months?|weeks?|days?)\b|[ \t]+[A-Z][a-z])")  # never "Lou, 9 Heron Walk"
_BRACKETED = re.compile(r"([A-Z][\w’'-]+)\s+\((\d{1,2})\)")
# "Marek, 58, drives the van", "Dad (72)", "me, 34,", "Hamid (19, at college)": a number set beside a person.
_RELATIVES = ("me", "him", "her", "mum", "dad", "nan", "grandad", "son", "daughter", "brother", "sister", "wife",
              "husband", "partner")
AGE_BESIDE = re.compile(rf"(?:\b[A-Z][a-z’'-]+|\b(?:{'|'.join(_RELATIVES)}))(?:,\s+(\d{{1,2}}),|\s+(?:(?:today|now|then|here)\s+)?\((\d{{1,2}})(?:\s*(?:yrs?|years|y/?o))?(?:\)|,\s))",
                        re.IGNORECASE)
# "I'm Ruksana Patel-Hughes, 20, second-year", "Colin Ashworth, 39, from Skelmanthorpe": a full name, then the age.
AGE_AFTER_FULL_NAME = re.compile(r"\b([A-Z][a-z’']+(?:\s+[A-Z][a-z’']+(?:-[A-Z]?[a-z’']+)*)+),\s+(\d{1,2})(?=,|\))")
# "she's fifty-ish", "I'm 40ish": one approximate age.
AGE_ISH = re.compile(r"\b(?:i['’]?m|im|he['’]?s|hes|she['’]?s|shes|they['’]?re|you['’]?re|ur|aged)\s+"
                     rf"{_HEDGE}({NUMBER}-?ish)\b", re.IGNORECASE)
# "put my age as 58", "had my age down as 40"
AGE_AS = re.compile(rf"\b(?:my|his|her|their|your)\s+age\s+(?:down\s+)?as\s+({NUMBER})(?![\w-])", re.IGNORECASE)
# An age in another language mixed in, or written with its own unit: "tiene 34 años", "il a 34 ans", "ma 34 lata",
# "yn 34 oed", "woh 34 saal ki hai", "34 Jahre alt". A bare "34 años" may be a span of years, so a verb of having
# goes before it (Welsh "oed" and Urdu "saal ka/ki" say age themselves).
AGE_OTHER_TONGUE = re.compile(r"(?<![\w-])(\d{1,3})\s+(?:(?P<years>años|anos|anni|ans|lat|lata|jahre|jaar)\b|"
                              r"(?:blwydd\s+|mlwydd\s+|flwydd\s+)?oed\b|saal\s+(?:ka|ki|ke|kaa|kee)\b|sal\s+(?:ka|ki|ke)\b|yaşında|yasinda)",
                              re.IGNORECASE)
_HAVING = re.compile(r"\b(?:tiene|tengo|tenía|tenia|cumple|cumplió|cumplio|cumplí|tem|tenho|tinha|fez|faz|ha|ho|aveva|compie|"
                     r"a|ai|avait|avais|ma|mam|miał|miała|skończył|skończyła|hat|ist|war|heeft|is|bin|ben|(?<!más )(?<!mas )de)\s+$",
                     re.IGNORECASE)
_ALT_OR_OUD = re.compile(r"\s+(?:alt|oud)\b", re.IGNORECASE)
# "a cake with 60 candles", "blew out 9 candles": the candles on a birthday cake.
AGE_CANDLES = re.compile(rf"(?<![\w-])({NUMBER})\s+candles\b", re.IGNORECASE)
_CAKE = re.compile(r"\b(?:cake|birthday|bday|b-day|blow|blew|blowing)\b", re.IGNORECASE)
# "12/05/1961 (64)": a full date with an age in brackets after it is a date of birth and its age.
AGE_AFTER_DATE = re.compile(r"(?<![\w/.-])\d{1,2}[/.-]\d{1,2}[/.-]((?:19|20)?\d{2})\s*\((?:aged?\s*)?(\d{1,3})"
                            r"(?:\s*(?:yrs?|years|y/?o))?\)", re.IGNORECASE)
# "Name Surname, 44, of Place", "(Name Surname), 44,", "Name Surname (NHS 943 476 5919), 44,": a number set off by
# commas after a full name, perhaps bracketed or followed by a bracketed record.
_SET_OFF_NUMBER = re.compile(rf",\s+({NUMBER})(?=,\s|\))", re.IGNORECASE)  # "…, 44," or "…, forty-four,"
_BRACKET_END = re.compile(r"\(([^()\n]{1,40})\)[\"”’*]*$")
_PARTICLES = {"ap", "ab", "de", "da", "di", "du", "van", "von", "der", "den", "bin", "binti", "bint", "al", "el", "la", "le",
              "ni", "nic", "mac", "ó", "ua", "ter", "ten", "dos", "das", "del", "y", "ibn"}
_MONTHS_AND_DAYS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                    "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}


def _trailing_name(before: str) -> list[str]:
    """The capitalised words (and inner particles: "ap", "van", "bin") that end `before`."""
    name: list[str] = []
    for word in reversed(re.split(r"\s+", before.rstrip("\"”’*").strip())):
        if not re.fullmatch(r"[^\W\d_][\w’'-]*", word):
            break
        if word[:1].isupper() or word.lower() in _PARTICLES and name:
            name.insert(0, word)
        else:
            break
    while name and name[0].lower() in _PARTICLES:
        name.pop(0)
    return name[-5:]


def _a_full_name(name: list[str], bracketed: bool) -> bool:
    capitals = [w for w in name if w[:1].isupper()]
    if not capitals or capitals[-1].lower() in _STREETS or capitals[-1].lower() in _NUMBERED \
            or any(w.lower() in _MONTHS_AND_DAYS for w in capitals):
        return False
    if len(capitals) >= 2:
        return is_first_name(capitals[0]) or not all(is_ordinary_word(w) for w in capitals)
    return bracketed and is_first_name(capitals[0])


def _ages_after_names(text: str) -> Iterator[Found]:
    for m in _SET_OFF_NUMBER.finditer(text):
        if not 0 < _value(m.group(1)) <= 99 or m.group(1).lower() in ("one", "a hundred"):
            continue
        before = text[max(0, m.start() - 90):m.start()]
        if bracket := _BRACKET_END.search(before):  # "(Name Surname), 44," or "Name Surname (CHI …), 44,"
            ok = _a_full_name(_trailing_name(bracket.group(1)), True) \
                or _a_full_name(_trailing_name(before[:bracket.start()]), True)
        else:
            ok = _a_full_name(_trailing_name(before), False)
        if ok:
            yield m.start(1), m.end(1), "AGE"


# What may follow an age said of a name no list knows ("Morwenna's 16 today").
_AGE_END = re.compile(r"^\s*(?:[.!?,;)]|today|tomorrow|now|next|this|in\s+(?:may|june|july|august|september|october|"
                      r"november|december|january|february|march|april)|on\s+\w+day|and\b|$)", re.IGNORECASE)
_STREETS = {"road", "street", "lane", "avenue", "close", "drive", "way", "crescent", "terrace", "place", "grove",
            "gardens", "ward", "house", "court", "unit", "flat", "room", "floor", "block", "building", "centre"}
_NUMBERED = {"ward", "room", "bed", "flat", "bus", "route", "page", "platform", "table", "year", "level", "stage", "step",
             "number", "class", "unit", "floor", "gate", "junction", "exit", "chapter", "line", "box", "house", "block",
             "door", "seat", "court", "bay", "pitch", "lane"}
# What follows a number that is not an age: "was 30 minutes", "at 10 o'clock", "at 15 Mill Lane".
_NOT_AGE_AFTER = re.compile(
    r"^\s*(?:%|per|percent|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?(?! old)|times|o'?clock|am\b|pm\b|"
    r"[:.]\d|of\b|more\b|less\b|doors?\b|floors?\b|steps?\b|quid|pounds?|p\b|miles?|metres?|km|of (?:us|them|the|my)|people|stone|kilos?|kg|sessions?|tablets?|"
    r"pills?|mg|weeks|nights?|goes|lads\b|lasses\b|men\b|women\b|kids\b|children\b|girls\b|boys\b|of us\b|"
    r"volunteers\b|friends\b|mates\b|in the morning|at night|bus|st\b|nd\b|rd\b|th\b|out of\b|/\s*\d|foot\b|feet\b|ft\b|inches\b|cm\b|[A-HJ-Z][a-z])",
)
_ORDINALS = re.compile(r"^\d*(?:1st|2nd|3rd|[04-9]th|1[1-3]th)$", re.IGNORECASE)
_DAY_WORDS = (r"(?:(?:twenty|thirty)[- ](?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|twentieth|thirtieth|"
              r"first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|"
              r"fifteenth|sixteenth|seventeenth|eighteenth|nineteenth)")
MONTH = (r"(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|"
         r"apr|jun|jul|aug|sept?|oct|nov|dec)")
DATES = (
    re.compile(rf"(?<![\w])(?:\d{{1,2}}(?:st|nd|rd|th)?\s*(?:-|–|/|&|and|to)\s*)?\d{{1,2}}(?:st|nd|rd|th)?(?:\s+of)?\s+"
               rf"{MONTH}\.?(?:,?\s+(?:19|20)\d{{2}})?(?![\w])", re.IGNORECASE),  # "12th", "12-14", "12th & 13th" + month
    re.compile(rf"(?<![\w]){MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+(?:19|20)\d{{2}})?(?![\w])", re.IGNORECASE),
    re.compile(rf"(?<![\w]){MONTH}\s+(?:19|20)\d{{2}}(?![\w])", re.IGNORECASE),
    re.compile(r"(?<![\w/.-])\d{1,2}[/.]\d{1,2}[/.](?:19|20)?\d{2}(?![\w/-]|\.\d)"),
    re.compile(r"(?<![\w-])(?:19|20)\d{2}-\d{2}-\d{2}(?![\w-])"),
    re.compile(r"(?<![\w-])\d{1,2}-\d{1,2}-(?:19|20)\d{2}(?![\w-])"),  # "12-04-1988"
    # "the twelfth of March", "March the 3rd", "third of may": a day in words or after "the"
    re.compile(rf"(?<![\w-])(?:{_DAY_WORDS})\s+of\s+{MONTH}\b(?:,?\s+(?:19|20)\d{{2}})?", re.IGNORECASE),
    re.compile(rf"(?<![\w]){MONTH}\s+the\s+(?:\d{{1,2}}(?:st|nd|rd|th)|{_DAY_WORDS})(?![\w-])", re.IGNORECASE),
    re.compile(rf"(?<![\w]){MONTH}\.?\s+['’]\d{{2}}(?![\w])", re.IGNORECASE),  # "June '22"
    # "Christmas '21", "New Year's Eve 2019": a festival on a fixed day, with its year, is a day with its month (MARKING.md:
    # a year alone, a season with its year and a movable feast are no dates)
    re.compile(r"(?<![\w])(?:christmas|xmas|christmas eve|christmas day|boxing day|new year['’]?s eve|new year['’]?s day|"
               r"bonfire night|halloween|valentine['’]?s day)\s+(?:of\s+)?(?:(?:19|20)\d{2}|['’]\d{2})(?![\w])", re.IGNORECASE),
    # "DOB 12-04-88", "date of birth: 3.4.91"
    re.compile(r"(?<=\bdob )\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}(?![\w])|"
               r"(?<=\bdob: )\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}(?![\w])|"
               r"(?<=\bd\.o\.b\. )\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}(?![\w])|"
               r"(?<=\bdate of birth )\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}(?![\w])|"
               r"(?<=\bdate of birth: )\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}(?![\w])", re.IGNORECASE),
)


# "on 16/12", "Weds 3/1", "w/c 3/12", "Deadline: 30/11": a day and its month without the year, where a date is written.
DAY_MONTH = re.compile(r"\b(?:on|by|from|until|till|before|after|since|dated|due|mon|tue|tues|wed|weds|thu|thur|thurs|"
                       r"fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|sunday|seen|deadline|appt|"
                       r"appointment|week commencing|week beginning|wk beg|wk comm|w/c|w/e|week ending|wk ending)\s*[:-]?\s+"
                       r"((?:0?[1-9]|[12]\d|3[01])/(?:0?[1-9]|1[0-2]))(?![\w/-]|\.\d)", re.IGNORECASE)
_DAY_SLASH_MONTH = r"(?!24/7\b)((?:0?[1-9]|[12]\d|3[01])/(?:0?[1-9]|1[0-2]))(?![\w/-]|\.\d)"
SHORT_HYPHEN_DATE = re.compile(r"(?<![\w-])(?:0?[1-9]|[12]\d|3[01])-(?:0?[1-9]|1[0-2])-\d{2}(?![\w-])")  # "12-3-26"
DAY_MONTH_MORE = re.compile(rf"\s*(?:,|and|&|or|to|-|–)\s*{_DAY_SLASH_MONTH}", re.IGNORECASE)
# "booked into clinic for 11/12.": a day and month after "for", ending the sentence (or before its time).
DAY_MONTH_FOR = re.compile(rf"\bfor\s+{_DAY_SLASH_MONTH}(?=[ \t]*(?:[.!;]|$|(?:at|@)\s*\d))", re.IGNORECASE | re.MULTILINE)
# "appt is 9/1 at 11", "16/12 @ 2pm": a day and month before the time of day.
DAY_MONTH_AT = re.compile(rf"(?<![\w/.-]){_DAY_SLASH_MONTH}(?=\s+(?:at|@)\s*\d{{1,2}}(?:[:.]\d{{2}})?\s*(?:am|pm)?(?![\w/]))",
                          re.IGNORECASE)
# "Date: 14/11", "Date of visit - 3/2": a form's date field.
DATE_FIELD = re.compile(rf"\bdate\b[^:\n]{{0,25}}?(?::|\s[-–])[ \t]*{_DAY_SLASH_MONTH}", re.IGNORECASE)
# "Home visit, 3/12: mum not in", "14/2 - rang him": a note's heading dated by day and month.
DATED_HEADING = re.compile(rf"(?:^|(?<=[\w)],)|(?<=[\w)]\s[-–]))[ \t]*{_DAY_SLASH_MONTH}(?=:\s|\s[-–]\s)", re.MULTILINE)
# "Next supervision 4/12.", "CPA review: 19/1 at 2", "depot due 7/3": a day and month after a scheduled event.
_EVENTS = (r"(?:supervision|review|visit|home visit|meeting|clinic|hearing|tribunal|assessment|court|court date|depot|"
           r"injection|jab|scan|interview|viewing|inspection|appt|appointment|session|contact|check-in|catch-up|mdt|cpa|"
           r"ward round|sign-on|signing on|payment|pay day|payday|expiry|renewal|start date|end date|move date|moving date|"
           r"discharge|admission|release|release date|surgery|op|operation|test|results|induction|training)")
_EVENT_BEFORE = re.compile(rf"\b{_EVENTS}s?(?:\s+(?:is|was|will be|on|set for|booked for|due|moved to|changed to|now))?"
                           r"\s*[:-]?\s*$", re.IGNORECASE)
_EVENT_AFTER = re.compile(r"[ \t]*(?:[.,;:!?)(]|[-–]\s|$|(?:at|@|with|in|on|and|then)\b)", re.IGNORECASE | re.MULTILINE)
# "incident no. 0455 of 23/11", "your letter of 3/12", "the night of 14/2": a day and month after "of".
_OF_BEFORE = re.compile(r"(?:(?<![\w/-])\d{3,}[A-Za-z]?|\b(?:letter|email|e-mail|meeting|visit|call|note|report|entry|"
                        r"referral|incident|review|appointment|appt|contact|message|text|week|assessment|minutes|"
                        r"statement|hearing|decision|notice|invoice|bill|application|night|morning|afternoon|evening|"
                        r"weekend|events?|w/c|w/e))\s+of\s+$", re.IGNORECASE)
_A_DAY_MONTH = re.compile(rf"(?<![\w/.-]){_DAY_SLASH_MONTH}")


def _dated_events(text: str) -> Iterator[Found]:
    for m in _A_DAY_MONTH.finditer(text):
        before = text[max(0, m.start() - 45):m.start()]
        if _EVENT_BEFORE.search(before) and _EVENT_AFTER.match(text, m.end()) or _OF_BEFORE.search(before):
            yield m.start(1), m.end(1), "DATE"


_DIGIT_WORDS = {"oh": 1, "o": 1, "zero": 1, "nought": 1, "one": 1, "two": 1, "three": 1, "four": 1, "five": 1, "six": 1,
                "seven": 1, "eight": 1, "nine": 1}
_SPOKEN = r"(?:double\s+|triple\s+)?(?:oh|o|zero|nought|one|two|three|four|five|six|seven|eight|nine|\d)"
# "oh seven seven double oh nine, double oh one two three": a number read out in words.
SPOKEN_PHONE = re.compile(rf"(?<![\w-])(?:oh|zero|nought|0)(?:[\s,-]+{_SPOKEN})+(?![\w-])", re.IGNORECASE)


# "07700, then 900, then 356": a number read out in parts.
PHONE_IN_PARTS = re.compile(r"(?<![\w-])0\d{2,4}(?:(?:,\s*|\s+)(?:and\s+)?then\s+\d{3,4}){1,3}(?![\w-])", re.IGNORECASE)


def _spoken_digits(words: str) -> int:
    count, times = 0, 1
    for word in re.findall(r"\w+", words.lower()):
        if word in ("double", "triple"):
            times = 2 if word == "double" else 3
            continue
        count += times * (len(word) if word.isdigit() else 1)
        times = 1
    return count


def _phones(text: str) -> Iterator[Found]:
    for m in SPOKEN_PHONE.finditer(text):
        if _spoken_digits(m.group()) in (10, 11) and len(re.findall(r"[a-z]+", m.group(), re.IGNORECASE)) >= 4:
            yield m.start(), m.end(), "PHONE"
    for m in PHONE_IN_PARTS.finditer(text):
        if len(re.sub(r"\D", "", m.group())) in (10, 11):
            yield m.start(), m.end(), "PHONE"
    for match in PhoneNumberMatcher(text, "GB", leniency=Leniency.POSSIBLE):
        raw = match.raw_string
        if _record_label_before(text, match.start):
            continue  # "CHI 1105873349": a record number shaped like a phone
        digits = re.sub(r"\D", "", raw)
        if raw.startswith("+44"):
            ok = len(digits.removeprefix("44").removeprefix("0")) in (9, 10)
        elif raw.startswith("+"):
            ok = is_valid_number(match.number)  # "+48 601 234 567": a family's number abroad
        else:
            ok = raw.lstrip("(").startswith("0") and len(digits) in (10, 11)
        if ok:
            yield match.start, match.end, "PHONE"


def _emails(text: str) -> Iterator[Found]:
    for m in EMAIL.finditer(text):
        yield m.start(), m.end(), "EMAIL"
    for m in SPELT_EMAIL.finditer(text):
        if _SPELT_TLD.search(m.group()):
            yield m.start(), m.end(), "EMAIL"
    for m in BRACKET_EMAIL.finditer(text):
        yield m.start(), m.end(), "EMAIL"
    for m in AT_DOT_EMAIL.finditer(text):
        if _SPELT_TLD.search(m.group()):
            yield m.start(), m.end(), "EMAIL"
    for m in AT_EMAIL.finditer(text):  # "me at home.co.uk" is no address; "j.bloggs at example.org" is
        local = m.group(1)
        if re.search(r"[._\d+]", local) or not is_ordinary_word(local) and not local.isupper():
            yield m.start(), m.end(), "EMAIL"


def _postcodes(text: str) -> Iterator[Found]:
    for pattern in (OUTWARD, OUTWARD_AREA, TRAILING_OUTWARD, STREET_OUTWARD, POSTCODE_FIELD):
        for m in pattern.finditer(text):
            yield m.start(1), m.end(1), "POSTCODE"
    for m in POSTCODE.finditer(text):  # any case: "l4 9pq", "OL96TR"
        outward, inward = m.group(1), m.group(2)
        if _ORDINALS.match(inward) or _ORDINALS.match(outward):
            continue  # "M60 2nd", "5th"
        yield m.start(), m.end(), "POSTCODE"


def _other_ids(text: str) -> Iterator[Found]:
    for pattern in (NI_NUMBER, CAR_REG, OLD_CAR_REG, IBAN, HANDLE, DRIVING_LICENCE):
        for m in pattern.finditer(text):
            yield m.start(), m.end(), "OTHER_ID"
    for m in OLD_CAR_SHAPE.finditer(text):
        if _CAR_WORDS.search(text[max(0, m.start() - 80):m.end() + 40]):
            yield m.start(), m.end(), "OTHER_ID"
    yield from _records(text)
    for m in HANDLE_BEFORE_PLATFORM.finditer(text):
        if not re.fullmatch(r"\d+(?:s|k|m|th|st|nd|rd|am|pm)?", m.group(1), re.IGNORECASE):  # "100s on insta"
            yield m.start(1), m.end(1), "OTHER_ID"
    for m in BARE_DOMAIN.finditer(text):
        host = m.group().lower()
        if not _public(host) and not re.search(r"@\S*$", text[max(0, m.start() - 40):m.start()]):
            yield m.start(), m.end(), "OTHER_ID"
    for m in URL.finditer(text):
        url = m.group().rstrip(".,;:!?)'\"")
        host = re.sub(r"^(?:https?://)?(?:www\.)?", "", url.lower()).split("/")[0]
        if not any(host == site or host.endswith("." + site) for site in PUBLIC_SITES):
            yield m.start(), m.start() + len(url), "OTHER_ID"
    for m in PLATFORM_NAME.finditer(text):
        if not is_ordinary_word(m.group(1)):
            yield m.start(1), m.end(1), "OTHER_ID"
    for m in CARD.finditer(text):
        yield m.start(), m.end(), "OTHER_ID"
    for m in BOAT_REG.finditer(text):
        if _BOAT_WORDS.search(text[max(0, m.start() - 60):m.start()]) and not _ORDINALS.match(m.group()):
            yield m.start(), m.end(), "OTHER_ID"
    for m in BOAT_NAME.finditer(text):
        if m.group(2) or _BOAT_WORDS.search(text[max(0, m.start() - 60):m.start()]):
            group = 2 if m.group(2) else 1
            yield m.start(group), m.end(group), "OTHER_ID"
    # A username that labels a chat's lines ("mod_sam: welcome") is used as a name: a PERSON wherever it stands
    # (MARKING.md); a handle mentioned only in passing stays an identifier.
    speaking = {h.group(1) for h in _HANDLE_SPEAKS.finditer(text)}
    for m in UNDERSCORE_HANDLE.finditer(text):
        if re.search(r"[A-Za-z]", m.group()):
            yield m.start(), m.end(), "PERSON" if m.group() in speaking else "OTHER_ID"
    for m in CUED_HANDLE.finditer(text):
        if not is_ordinary_word(m.group(1)) or re.search(r"[\d_.]", m.group(1)):
            yield m.start(1), m.end(1), "OTHER_ID"
    for m in PAGE_AS.finditer(text):
        yield m.start(1), m.end(1), "OTHER_ID"
    for m in SEARCH_NAME.finditer(text):
        words = m.group(1).split()
        if words[0].lower() not in ("the", "a", "an", "it", "that", "this", "me", "us", "jobs", "groups") \
                and not all(is_ordinary_word(w) for w in words):
            yield m.start(1), m.end(1), "OTHER_ID"
    for pattern in (CUED_NI, CUED_CAR_REG, PLATFORM_HANDLE, CUED_SORT_CODE):
        for m in pattern.finditer(text):
            yield m.start(1), m.end(1), "OTHER_ID"
    codes = [m for m in SORT_CODE.finditer(text)]
    for m in codes:
        if _BANK_CUE.search(text[max(0, m.start() - 60):m.start()]) or ACCOUNT_AFTER_CODE.match(text, m.end()):
            yield m.start(), m.end(), "OTHER_ID"  # "the account it should go into: 72-10-48, 00619372"
    for m in ACCOUNT.finditer(text):
        if re.search(r"\b(?:account|acc|a/c|acct)\b", text[max(0, m.start() - 60):m.start()], re.IGNORECASE) \
                or any(re.fullmatch(r"[\s,;/&]*(?:and\s+|account\s+(?:number\s+|no\.?\s*)?)?", text[c.end():m.start()])
                       for c in codes if c.end() <= m.start()):
            yield m.start(), m.end(), "OTHER_ID"


def _public(host: str) -> bool:
    """A site that names nobody: a public service or the bare name of a site everyone uses."""
    return any(host == site or host.endswith("." + site) for site in PUBLIC_SITES) or host in BIG_SITES


# Markdown tables: the header row says which column holds ages and which holds a record's number.
_RULE_ROW = re.compile(r"[ \t]*\|?[ \t]*:?-{2,}:?[ \t]*(?:\|[ \t]*:?-{2,}:?[ \t]*)*\|?[ \t]*")
AGE_HEADER = re.compile(r"(?:age|aged|age\s*\((?:years|yrs|y|[\w ]+)\)|age\s+(?:now|at\s+[\w ]+)|age\s*/\s*(?:sex|gender)|"
                        r"(?:sex|gender)\s*/\s*age)", re.IGNORECASE)
RECORD_HEADER = re.compile(rf"(?:(?:{_alternatives(RECORD_OWNERS)})\s*)?(?:{_CALLED}|no|record)\.?", re.IGNORECASE)
POSTCODE_HEADER = re.compile(r"post\s?code|area code|postal district", re.IGNORECASE)
# "34", "34 yrs", and in an Age/Sex column "34/F", "F 34"
_TABLE_AGE = re.compile(rf"(?:(?:[fm]|female|male|nb)\s*/?\s*)?({NUMBER})(?:\s*(?:yrs?|years|y/?o))?(?:\s*/?\s*(?:[fm]|female|male|nb))?",
                        re.IGNORECASE)
_TABLE_CODE = re.compile(r"(?=(?:[^\d\s]*\d){3})[A-Za-z0-9]+(?:[/-][A-Za-z0-9]+)*")


def _cells(line: str, offset: int) -> list[tuple[str, int, int]]:
    """A table row's cells: (text, start, end) in the whole text, stripped of spaces and Markdown bold."""
    out, start = [], offset
    inner = line.strip()
    lead = len(line) - len(line.lstrip())
    pieces = inner[1:] if inner.startswith("|") else inner
    start += lead + (1 if inner.startswith("|") else 0)
    if pieces.endswith("|"):
        pieces = pieces[:-1]
    for piece in pieces.split("|"):
        core = piece.strip().strip("*").strip()
        at = start + piece.find(core) if core else start
        out.append((core, at, at + len(core)))
        start += len(piece) + 1
    return out


def _table_columns(text: str) -> Iterator[tuple[str, str, int, int]]:
    """(header, cell, start, end) for every body cell of every Markdown table."""
    lines, offset = [], 0
    for line in text.split("\n"):
        lines.append((line, offset))
        offset += len(line) + 1
    header: list[str] | None = None
    for i, (line, at) in enumerate(lines):
        if "|" not in line:
            header = None
        elif i + 1 < len(lines) and _RULE_ROW.fullmatch(lines[i + 1][0]) and header is None:
            header = [cell for cell, _s, _e in _cells(line, at)]
        elif header is not None and not _RULE_ROW.fullmatch(line):
            for name, (cell, start, end) in zip(header, _cells(line, at), strict=False):
                yield name, cell, start, end


def _tables(text: str) -> Iterator[Found]:
    """Ages, record numbers and postcodes in the columns a table's header names ("Age", "Ref", "Postcode")."""
    if "|" not in text:
        return
    for name, cell, start, end in _table_columns(text):
        if AGE_HEADER.fullmatch(name) and (m := _TABLE_AGE.fullmatch(cell)) and 0 < _value(m.group(1)) <= 115:
            yield start + m.start(1), start + m.end(1), "AGE"
        elif RECORD_HEADER.fullmatch(name) and _TABLE_CODE.fullmatch(cell) and not _YEAR_OR_DATE.fullmatch(cell):
            yield start, end, "OTHER_ID"
        elif POSTCODE_HEADER.fullmatch(name) and re.fullmatch(rf"{_OUTWARD_CODE}(?:\s?\d[A-Za-z]{{2}})?", cell, re.IGNORECASE):
            yield start, end, "POSTCODE"


def _ages(text: str) -> Iterator[Found]:
    for pattern in (AGE_HYPHEN, AGE_WORD_YEAR, AGE_SHORT, AGE_MONTHS):
        for m in pattern.finditer(text):
            yield m.start(), m.end(), "AGE"
    for m in AGE_NOW.finditer(text):
        before = text[max(0, m.start() - 30):m.start()]
        who = re.search(r"(\w[\w’'-]*)$", before.rstrip(", "))
        if m.group().lstrip()[:1].isupper() and not who or who and (
                who.group(1).lower() in _RELATIVES or is_first_name(who.group(1))):
            yield m.start(1), m.end(1), "AGE"  # "Now 33, I volunteer", "Aisha, now 12, still remembers"
    for pattern in (AGE_OF, AGE_OF_PERSON, AGE_FIELD, AGE_NOW_FIELD, AGE_YEARS, AGE_ANSWER, AGE_AFTER_BIRTH):
        for m in pattern.finditer(text):
            yield m.start(1), m.end(1), "AGE"
    for m in AGE_POSSESSIVE.finditer(text):
        who, number = m.group(1), m.group(2)
        if (who[0].islower() or who.lower() in _RELATIVES or is_first_name(who)
                or not is_ordinary_word(who) and _AGE_END.match(text[m.end():m.end() + 30])) \
                and number.lower() not in ("one", "a hundred") \
                and not _NOT_AGE_AFTER.match(text[m.end():m.end() + 30]):
            yield m.start(2), m.end(2), "AGE"
    for m in AGE_BESIDE.finditer(text):
        group = 1 if m.group(1) else 2
        who = re.match(r"[\w’'-]+", m.group()).group()
        if (who.lower() in _RELATIVES or is_first_name(who) and who.lower() not in _NUMBERED) \
                and 0 < int(m.group(group)) <= 99:
            yield m.start(group), m.end(group), "AGE"
    for m in AGE_APPOSITION.finditer(text):
        yield m.start(1), m.end(1), "AGE"
    for m in AGE_AFTER_FULL_NAME.finditer(text):
        words = m.group(1).split()
        if words[-1].lower() not in _STREETS and words[-1].lower() not in _NUMBERED \
                and not all(is_ordinary_word(w) for w in words) and 0 < int(m.group(2)) <= 99:
            yield m.start(2), m.end(2), "AGE"
    for pattern in (AGE_ISH, AGE_AS, AGE_BIRTHDAY, AGE_MILESTONE):
        for m in pattern.finditer(text):
            yield m.start(1), m.end(1), "AGE"
    for m in AGE_OTHER_TONGUE.finditer(text):
        if 0 < int(m.group(1)) <= 115 and (not m.group("years") or _HAVING.search(text[max(0, m.start() - 14):m.start()])
                                           or _ALT_OR_OUD.match(text, m.end())):
            yield m.start(1), m.end(1), "AGE"
    for m in AGE_CANDLES.finditer(text) if "candles" in text.lower() else ():
        if _CAKE.search(text[max(0, m.start() - 60):m.end() + 40]) and 0 < _value(m.group(1)) <= 115:
            yield m.start(1), m.end(1), "AGE"
    for m in AGE_AFTER_DATE.finditer(text):
        year, age = m.group(1), int(m.group(2))
        if age <= 115 and (len(year) == 2 or 1990 <= int(year) + age <= 2070):
            yield m.start(2), m.end(2), "AGE"
    yield from _ages_after_names(text)
    for m in AGE_KIN_BRACKET.finditer(text):
        yield m.start(1), m.end(1), "AGE"
    for m in AGE_SEX_SHORT.finditer(text):
        who = re.search(r"([\w’'-]+)\s$", text[max(0, m.start() - 30):m.start()])
        word = who.group(1) if who else ""
        if word.lower() in ("me", "i", "myself", "him", "her", "he", "she", "bf", "gf", "boyfriend", "girlfriend", "hubby",
                            "friend", "mate", "flatmate", "roommate") or word.lower() in KINSHIP \
                or word[:1].isupper() and (is_first_name(word) or not is_ordinary_word(word)):
            group = 1 if m.group(1) else 2
            yield m.start(group), m.end(group), "AGE"
    for m in AGE_WITH_SEX.finditer(text):
        group = next(g for g in (1, 2, 3) if m.group(g))
        yield m.start(group), m.end(group), "AGE"
    for m in NAMED_AGES.finditer(text):
        pairs = _BRACKETED.findall(m.group())
        words = [w for w, _n in pairs]
        if not any(w.lower() in _NUMBERED or w.lower() in _STREETS for w in words) \
                and any(is_first_name(w) or not is_ordinary_word(w) for w in words):
            for n in _BRACKETED.finditer(m.group()):
                yield m.start() + n.start(2), m.start() + n.end(2), "AGE"
    for m in FAMILY_FIELD.finditer(text):
        for n in _NAME_NUMBER.finditer(m.group("list")):
            if n.group(1).lower() not in _NUMBERED and n.group(1).lower() not in _STREETS:  # "Year 4", "Room 3"
                yield m.start("list") + n.start(2), m.start("list") + n.end(2), "AGE"
    for pattern in (AGE_LIST, AGE_BRACKET_LIST, AGE_SET_OFF_LIST):
        for m in pattern.finditer(text):
            for n in _LIST_NUMBER.finditer(m.group(1)):
                if 0 < _value(n.group()) <= 115:
                    yield m.start(1) + n.start(), m.start(1) + n.end(), "AGE"
    for m in AGE_AFTER_CUE.finditer(text):
        number = m.group(1)
        other = AGE_OR.match(text, m.end(1))
        if other and _NOT_AGE_AFTER.match(text[other.end():other.end() + 30]):
            continue  # "it was 8 or 9 miles"
        if m.group().split()[0].lower() in ("aged", "age") and (
                other and not other.group().strip().lower().startswith("or") or AGE_BOUND.match(text, m.end(1))):
            continue  # "for anyone aged 16 to 25", "people aged 50 and over": who may come, nobody's age (MARKING.md)
        if number.isdigit() and not 0 < int(number) <= 115:
            continue
        after = text[m.end(1):m.end(1) + 30]
        if _NOT_AGE_AFTER.match(after):
            continue
        cue = m.group().split()[0].lower()
        lead = text[max(0, m.start() - 12):m.start()].lower()
        if re.search(r"\bif\s*$", lead) or re.search(r"\b(?:like|as if|as though)\s*$", lead):
            continue  # "if ur 12 or 13 u need a form", "acts like shes 4": a condition or a comparison, not an age
        if number.lower() in ("one", "a hundred"):
            continue  # "it is one thing", "I'm one of them"
        if cue in ("at", "from", "by") and not _at_age(text, m, after):
            continue
        if cue in ("is", "are", "r", "was", "were", "be", "being", "been") and not _age_context(text, m, after) \
                and not (other and _age_context(text, m, text[other.end():other.end() + 30])):
            continue
        yield m.start(1), m.end(1), "AGE"
        if not other and cue in _PLURAL_CUES and (both := AGE_AND.match(text, m.end(1))) \
                and not _NOT_AGE_AFTER.match(text[both.end():both.end() + 30]):
            yield both.start(1), both.end(1), "AGE"  # "the girls are 9 and 11 now"
        if other:
            yield other.start(1), other.end(1), "AGE"  # "I was about 8 or 9"
        if also := AGE_ALSO.match(text, m.end(1)):
            yield also.start(1), also.end(1), "AGE"  # "my eldest is 15, youngest 8"
        if again := AGE_AGAIN.match(text, m.end(1)):
            yield again.start(1), again.end(1), "AGE"  # "I was 19 the first time and 31 the last"


def _at_age(text: str, m: re.Match, after: str) -> bool:
    """"at 15 I left school", "from 12 onwards", never "opens at six" or "at 10 Mill Lane"."""
    before = text[max(0, m.start() - 25):m.start()].lower()
    if re.search(r"\b(?:open|opens|opened|close|closes|closed|shut|shuts|until|till|starts?|started|ends?|begins?|due|"
                 r"booked|appt|appointment|finish(?:es|ed)?|arrive[ds]?|"
                 r"meet|meets|back|home|up|bed|leave|left|bus|train|number|flat|house)\s*$", before):
        return False
    if re.match(r"^\s*(?:,?\s*(?:i|he|she|they|we|you|my|his|her)\b|onwards|upwards|on\b)", after, re.IGNORECASE):
        return True
    # "came over at 23 to work", never "at 20 to six" (a clock): past any clock hour, then "to" and a verb.
    if m.group().split()[0].lower() == "at" and _value(m.group(1)) >= 13 and re.match(
            r"^\s+to\s+(?!(?:the|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|midnight|noon|"
            r"half|quarter)\b)[a-z]{2,}\b", after) \
            and not re.search(r"\b(?:page|number|no\.?|junction|exit|room|ward|bus|flat|house|platform|gate|speed|mph|"
                              r"score|level)\s*$", before):
        return True
    # "I'm still the baby at thirty-four.", "sectioned at 27 and spent six weeks": a number past any clock hour, ending
    # the sentence or the clause, after "at".
    return m.group().split()[0].lower() == "at" and _value(m.group(1)) >= 13 \
        and bool(re.match(r"^\s*(?:[.!?;]|:(?!\d)|$|(?:while|when|whilst)\b|(?:,|and\b)(?!\s*(?:\d|[a-z]+\s+(?:o'?clock|am|pm)\b)))", after)) \
        and not re.search(r"\b(?:page|number|no\.?|junction|exit|room|ward|bus|flat|house|platform|gate)\s*$", before)


_WORD_VALUES = {w: i for i, w in enumerate(("zero",) + _TEENS)} | {
    t: 20 + 10 * i for i, t in enumerate(("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"))}


def _value(number: str) -> int:
    """20 for "twenty", 31 for "thirty-one", 15 for "15"; 0 when unknown."""
    number = number.lower()
    if number.isdigit():
        return int(number)
    return sum(_WORD_VALUES.get(part, 0) for part in re.split(r"[- ]", number))


_KIN = "|".join(sorted(KINSHIP, key=len, reverse=True))  # "Nani is 80", "my bhaiya's 30": a relative, then the age


# "my lad (8)", "Nani (81)", "her bf (19)": a relation or a child, then the age in brackets.
AGE_KIN_BRACKET = re.compile(rf"\b(?:{_KIN}|lad|lass|boy|girl|son|daughter|kid|child|baby|nephew|niece|grandson|granddaughter|"
                             r"stepson|stepdaughter|bf|gf|boyfriend|girlfriend|fianc[eé]e?|hubby|cousin|eldest|youngest|"
                             r"middle one|little one|oldest)\s+\((\d{1,2})(?:\s*(?:yrs?|years|y/?o))?\)", re.IGNORECASE)
# A forum post's age and sex: "Me (28F) and my bf (31M)", "my mum (F56)", "(19 NB)".
AGE_SEX_SHORT = re.compile(r"(?<=[A-Za-z] )\((?:(\d{1,2})\s?(?:F|M|NB)|(?:F|M|NB)\s?(\d{1,2}))\)")


def _age_context(text: str, m: re.Match, after: str) -> bool:
    """A weak cue ("at", "was", "is") counts when the number reads like an age around it."""
    before = text[max(0, m.start() - 25):m.start()].lower()
    if re.match(r"^\s*(?:,|and\b|n\b|when\b|now\b|then\b|years? old|so\b|by then|at the time|nearly|going on|\.|;|$)",
                after, re.IGNORECASE):
        return not re.search(r"\b(?:ward|room|number|no\.?|bus|page|flat|floor|house)\s*$", before)
    if re.search(rf"\b(?:i|he|she|they|who|it|you|we|u|ur|ah|oo|{_KIN}|eldest|youngest|oldest|\w+'s)(?:['’](?:d|ll)|d|ll)?"
                 r"(?:\s+(?:will|would|wont|won['’]t|might|must|should|could|may|gonna)(?:\s+have)?)?\s*$", before):
        return True
    # "Gwenllian was seventeen too", "tobi is 17 next week": somebody's name, then the cue.
    window = max(0, m.start() - 30)
    word = re.search(r"(?:^|[^\w'’])(\w[\w'’-]*)\s+$", text[window:m.start()])
    if not word or not _a_name(word.group(1), text, window + word.start(1)):
        return False
    return not re.match(r"^\s*(?:for|to|out|down|up|off|on|in|of|from|with|by|at|x|times|points?|goals?|runs?|"
                        r"[-+*/=])\b", after, re.IGNORECASE)


def _a_name(word: str, text: str, start: int) -> bool:
    """Is the word before an age cue somebody's name: a capitalised word that is no ordinary English word or
    is a first name, or (in a story written in lower case) a first name with no article before it?"""
    if word.lower() in _NUMBERED or is_ordinary_word(word) and not is_first_name(word.capitalize()):
        return False
    if word[:1].isupper():
        if is_ordinary_word(word) and re.search(r"(?:^|[.!?:;]\s+|\n\s*)$", text[:start]):
            return False  # "Price is 15 too.": an English word starting the sentence
        return is_first_name(word) or not is_ordinary_word(word)
    before = text[max(0, start - 12):start].lower()
    return is_first_name(word.capitalize()) and not re.search(r"\b(?:the|a|an|my|your|this|that|his|her|our|their)\s*$",
                                                               before)


def _dates(text: str) -> Iterator[Found]:
    """Days with their month, full dates and months with their year; never a year alone (MARKING.md)."""
    for pattern in DATES:
        for m in pattern.finditer(text):
            if re.fullmatch(rf"{MONTH}\.?\s+\d{{1,2}}", m.group(), re.IGNORECASE) and m.group()[:3].lower() == "may":
                continue  # "may 5" is more often "may" the verb
            yield m.start(), m.end(), "DATE"
    for m in SHORT_HYPHEN_DATE.finditer(text):
        if not _BANK_CUE.search(text[max(0, m.start() - 60):m.start()]):  # "sort code 07-02-19" is no date
            yield m.start(), m.end(), "DATE"
    yield from _dated_events(text)
    for pattern in (DAY_MONTH, DAY_MONTH_FOR, DAY_MONTH_AT, DATE_FIELD, DATED_HEADING):
        for m in pattern.finditer(text):
            yield m.start(1), m.end(1), "DATE"
            end = m.end(1)
            while more := DAY_MONTH_MORE.match(text, end):  # "seen 2/12 and 9/12"
                yield more.start(1), more.end(1), "DATE"
                end = more.end(1)


def find(text: str) -> list[Found]:
    """Every rule match, unsorted and possibly overlapping."""
    out: list[Found] = []
    for finder in (_emails, _phones, _postcodes, _other_ids, _ages, _dates, _tables):
        out.extend(finder(text))
    for m in NHS.finditer(text):
        if not any(s < m.end() and m.start() < e for s, e, _k in out):
            out.append((m.start(), m.end(), "NHS_NUMBER"))
    return out
