"""People's names by where they stand: after a cue ("my neighbour Delroy"), a title ("Pastor Emmanuel"),
"everyone calls me Tash", or before a verb ("Precious never once complained").

Names that are also words (Summer, Will, Rose, Precious) count only in such name
positions. In writing with (almost) no capitals, as in a text message, lower-case
words in name positions count too, unless they are ordinary English words.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from spacy.lang.en.stop_words import STOP_WORDS

from storybank.deid.given_names import is_first_name, last_names
from storybank.deid.places import gazetteer, sentence_start, taken_mask
from storybank.deid.words import KINSHIP, PRONOUNS, is_common_word, is_compound, is_ordinary_word

Found = tuple[int, int, str]
TITLES = ["Dr", "Dr.", "Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Ms.", "Miss", "Mx", "Nurse", "Sister", "Doctor", "Professor",
          "Prof", "Councillor", "Father", "Reverend", "Rev", "Pastor", "Imam", "Rabbi", "Sheikh", "Auntie", "Aunty",
          "Aunt", "Uncle", "Matron", "Brother", "Bishop", "Canon", "Vicar", "Judge", "Coach", "Captain", "Sergeant",
          "Sgt", "PC", "DC", "Officer", "Sir", "Dame", "Nan", "Nana", "Grandma", "Grandad", "Mama",
          "Baba", "Mamma", "Papa", "Tita", "Bhaiya", "Khala", "Chacha", "Nani", "Ammi", "Nonna", "Nonno", "Babcia",
          "Abuela", "Abuelo"]
_NAME = r"[A-Z\u00C0-\u024F][\w\u00C0-\u024F'’]*(?:-[A-Z\u00C0-\u024F][\w\u00C0-\u024F'’]*)*"
TITLED = re.compile(rf"(?<![\w])(?:Station Officer|{'|'.join(re.escape(t) for t in TITLES)})\s+{_NAME}"
                    rf"(?:\s+{_NAME})?(?![\w-])")
TITLED_LOWER = re.compile(r"(?<![\w])(?:dr|mr|mrs|ms|miss|nurse|auntie|aunty|uncle|pastor|imam|coach)\.?\s+([a-z][a-z'’-]+)"
                          r"(?![\w-])")
CALLED = re.compile(rf"\b(?:calls? me|call me|known as|goes by|my name'?s|my name is|i'm called|names|name'?s|name was|"
                    rf"hey,? it'?s|hiya,? it'?s|hi,? it'?s)\s+({_NAME})(?![\w-])", re.IGNORECASE)
NAME_WORD = re.compile(rf"{_NAME}")
_NAME_RUN = re.compile(rf"{_NAME}(?:\s+{_NAME}){{0,2}}")

_CUE_NOUNS = (r"son|daughter|mum|mom|mam|dad|father|mother|cousin|sister|sis|brother|bro|friend|best friend|mate|"
              r"best mate|neighbour|neighbor|flatmate|manager|partner|wife|husband|keyworker|key worker|nan|gran|"
              r"grandson|granddaughter|granddad|grandad|grandma|uncle|aunt|auntie|boyfriend|girlfriend|ex|colleague|"
              r"boss|worker|shift partner|support worker|youth worker|social worker|care coordinator|cpn|nurse|"
              r"counsellor|therapist|mentor|peer mentor|carer|team lead|team leader|supervisor|treasurer|tutor|"
              r"teacher|doctor|consultant|psychiatrist|gp|midwife|health visitor|librarian|caseworker|advocate")
PERSON_CUE = re.compile(
    rf"(?:\b(?:my|our|his|her|their|your|the)\s+(?:\w+\s+)?(?:{_CUE_NOUNS})(?:\s+(?:is|was|were|called))?|"
    rf"(?:^|\n|[-*]\s)\s*(?:\*\*)?(?:{_CUE_NOUNS})(?:\*\*)?\s*:|\bcalled|\bnamed|\bmet|\bname's|\bname is|"
    r"\bnames|\bi'm called|\bask for|\bsat with|\bwent with|\bthanks to|\bshout(?:-out)? to|\bwith|\btell|"
    r"[,!?][\"”’']?\s*(?:said|says|asked|replied|shouted)|\basked|\btold|\bthanked|\bhugged|\bphoned|\bmessaged|"
    r"\bemailed|\brang|\btexted|\bmarried|\b(?:talking|talked|talk|spoke|speak|speaking|chatting|chatted|chat)\s+to|"
    r"\b(?:stayed|staying|living|lives|lived|moved in)\s+with|\bsat next to|"
    r"\btext|\bring|\bdear|\blove,?|\bthanks,?|\bcheers)\s*,?\s*$", re.IGNORECASE)
# After a name: "Marek, my shift partner", "Alf, is 88", "Ewan's from", "Siobhán was from TOG Mind", "Will said".
_RELATIONS = (r"mum|mam|mom|dad|nan|gran|grandad|son|daughter|wife|husband|partner|boyfriend|girlfriend|kids|"
              r"children|brother|sister|cousin|auntie|uncle|baby|funeral|wedding|birthday|house|flat|bedroom|car|phone")
PERSON_AFTER = re.compile(
    r"^(?:,\s*(?:my|our|his|her|their)\s+[a-z]|,?\s+(?:is|was|who'?s)\s+(?:\d{1,3}|[a-z]+ty|[a-z]+teen)\b"
    r"(?!\s*(?:minutes?|mins?|miles?|hours?|hrs?|km|metres?|quid|pounds?|percent|%|years?(?! old)|weeks?|days?|"
    r"months?|stone|kilos?|times|people|of\b|degrees)\b)|"
    r"(?:'s|’s|\s+is|\s+was)?\s+from\s+(?:the\s+)?[A-Z]|\s+(?:and|n|&)\s+(?:me|i)\s|"
    r"\s+(?:said|says|told|asked|rang|rings|phoned|texted|"
    r"listened|laughed|smiled|knew|sorted|started|came|comes|got|gave|drove|made|took|went|brought|helped|used|"
    r"never|always|set|let|sat|walked|wrote|noticed|found|visited|answers|runs|ran|lives|lived|works|worked|"
    r"knocks|volunteers|translates|manages|thinks|thought|hated|loved|cried|called|saves|stayed|died|passed|"
    r"brings|organises|organised|organizes|cooks|cooked|hosts|hosted|leads|teaches|taught|coaches|coached|drives|"
    r"sings|sang|opens|locks|makes|keeps|kept|checks|checked|rings|messages|messaged|texts|hugs|hugged)|"
    rf"['’]s\s+(?:{_RELATIONS}))\b")
# "Kemi's mum": somebody's relation or belongings after a possessive.
RELATION_AFTER = re.compile(rf"^['’]s\s+(?:{_RELATIONS})\b")
PERSON_APPOSITION = re.compile(rf"(?:my|our|his|her|their|the)\s+(?:[a-z]+\s+){{0,2}}(?:{_CUE_NOUNS})"
                               rf"(?:\s+(?:there|here|then|now))?,\s*$",
                               re.IGNORECASE)
_PLACE_ENDINGS = {"Street", "Road", "Lane", "Avenue", "Close", "Drive", "Way", "Court", "House", "Centre", "Hall",
                  "Church", "School", "Ward", "Unit", "Hospital", "Park"}
NOT_NAMES = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
             "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
             "christmas", "easter", "eid", "diwali", "god", "allah", "jesus", "lord", "covid", "nhs", "gp", "uk",
             # Observances: naming one names nobody.
             "jummah", "jumma", "jumu'ah", "ramadan", "ramadhan", "ramzan", "iftar", "suhoor", "vaisakhi", "baisakhi",
             "hanukkah", "chanukah", "holi", "navratri", "passover", "pesach", "kwanzaa", "lent", "advent",
             "pentecost", "shabbat", "sabbath", "samhain", "yom kippur", "rosh hashanah", "gurpurab",
             # Roles that label a line ("- Coordinator: Fionnuala …").
             "coordinator", "co-ordinator", "facilitator", "organiser", "interviewer", "interviewee", "participant",
             "moderator", "admin", "volunteers", "contact", "contacts", "chair", "secretary", "trustee", "lead",
             # Labels of numbers ("my MRN is …").
             "mrn", "utr", "nino", "dob", "psn", "xbox", "gamertag", "steam", "roblox",
             # Greetings and farewells ("Right. Ta-ra.", "Salaam, it's me").
             "ta-ra", "tara-ra", "ta-ta", "tarra", "salaam", "salam", "salaams", "assalam", "assalamu", "asalaam",
             "alaikum", "walaikum", "khuda", "inshallah",
             # Weekdays as texts shorten them ("is Weds 16th").
             # "I'm" read as a name after a speaker's label; a letter's greeting to nobody by name.
             "i'm", "i’m", "im", "i've", "i'd", "i'll", "colleague", "colleagues", "madam", "sir/madam",
             "weds", "wed", "tues", "tue", "thurs", "thur", "thu", "fri", "mashallah", "alhamdulillah", "bismillah", "namaste", "shalom"}
_NOBODY = NOT_NAMES | PRONOUNS | KINSHIP  # (lower-cased words that never name a person)
# The fields of forms and notes that label a line ("Tel: 0…", "Follow-up: …"): no speaker.
FIELDS = {"tel", "tel no", "mob", "mobile", "phone", "dob", "d.o.b", "nhs", "nhs no", "ref", "email", "e-mail",
          "postcode", "post code", "address", "addr", "nok", "cc", "bcc", "fao", "attn", "subject", "ps", "pps", "nb",
          "fyi", "eta", "url", "id", "mrn", "chi", "ni", "wk", "yr", "follow-up", "followup", "f/u", "plan", "dx",
          "hx", "rx", "obs", "meds", "bp", "hr", "mse", "risk", "outcome", "action", "actions", "update", "re",
          "from", "to", "sent", "date", "time", "venue", "where", "when", "location", "status", "referral", "source",
          "summary", "background", "presenting", "impression", "recording", "transcript", "edit", "edited", "tw",
          "cw", "trigger warning", "content warning", "aob", "apologies", "present", "minutes", "agenda", "item"}


def looks_like_a_person(text: str, start: int, end: int) -> bool:
    """One to three capitalised words in a place where stories name people."""
    words = text[start:end].split()
    if not 1 <= len(words) <= 3 or not all(NAME_WORD.fullmatch(w) for w in words):
        return False
    if any(w.lower() in NOT_NAMES or w.lower() in PRONOUNS or w.lower() in KINSHIP for w in words):
        return False
    before, after = text[max(0, start - 40):start], text[end:end + 60]
    return bool(PERSON_CUE.search(before) or PERSON_AFTER.match(after) or PERSON_FROM.match(after)
                or PERSON_APPOSED.match(after) or (PERSON_APPOSITION.search(before) and after.lstrip().startswith(",")))


def lowercase_style(text: str) -> bool:
    """Writing with (almost) no capitals, as in a text message: names are lower-case too."""
    starts = re.findall(r"(?:^|[.!?]\s+)([A-Za-z])", text)
    return len(starts) >= 2 and sum(c.isupper() for c in starts) * 5 < len(starts)


def titled(text: str, lower: bool) -> Iterator[Found]:
    for m in TITLED.finditer(text):
        last = m.group().split()[-1]
        if len(last.rstrip(".")) == 1:
            continue  # "I'll call him Mr D": an initial that hides a name
        if last.lower() not in NOT_NAMES and last not in _PLACE_ENDINGS and m.group() not in gazetteer():
            yield m.start(), m.end(), "PERSON"  # never "Bishop Wilton", a village
    for m in TITLED_LOWER.finditer(text):  # "dr okafor says": a title in lower case before no English word
        if not is_ordinary_word(m.group(1)) and (lower or not is_common_word(m.group(1))):
            yield m.start(), m.end(), "PERSON"


# "went round to priya's", "stayed at Kemi's last night": somebody's home named by its owner.
_AT_HOME = re.compile(r"\b(?:to|at|round|from|in|outside|near|back to|over to|stayed at|staying at|sleep at|slept at)\s+"
                      r"([A-Za-z][a-z'’-]+?)['’]s(?![\w'’-])(?!\s+(?:school|church|hospital|college|centre|park|road|"
                      r"street|wort|primary|academy)\b)")


def at_home(text: str) -> Iterator[Found]:
    for m in _AT_HOME.finditer(text):
        word = m.group(1)
        if is_first_name(word.capitalize()) and word.lower() not in STOP_WORDS | NOT_NAMES | KINSHIP \
                and word.capitalize() not in TITLES and (word[0].isupper() or not is_ordinary_word(word)):
            yield m.start(1), m.end(1), "PERSON"


def called(text: str, lower: bool) -> Iterator[Found]:
    """"everyone calls me Tash", "my name's Abimbola", "hey its jodie"."""
    for m in CALLED.finditer(text):
        name = m.group(1)
        if name.lower() in NOT_NAMES or name.lower() in PRONOUNS or name.lower() in KINSHIP:
            continue
        if name[0].islower() and (not lower or is_ordinary_word(name) and not (
                is_first_name(name.capitalize()) and name not in STOP_WORDS)):
            continue  # but "my name is blessing": a first name, in the one place only a name stands
        yield m.start(1), m.end(1), "PERSON"


def cued(text: str, taken: list[Found], lower: bool) -> Iterator[Found]:
    """Words after a cue ("my neighbour Delroy", "called priya") that nothing else proposed."""
    pattern = _LOWER_NAME_WORD if lower else _NAME_RUN
    used = taken_mask(text, taken)
    for m in pattern.finditer(text):
        if any(used[m.start():m.end()]):
            continue
        word = m.group()
        if not lower and re.search(r"['’]s$", word) and PERSON_AFTER.match(text[m.end() - 2:m.end() + 40]):
            if looks_like_a_person(text, m.start(), m.end() - 2):  # "Kemi's mum"
                yield m.start(), m.end() - 2, "PERSON"
            continue
        after = text[m.end():m.end() + 40]
        if lower and written_as_a_name(text, m.start(), m.end()):
            yield m.start(), m.end(), "PERSON"  # "will said", "amber drove me", "me and crystal", ", dawn, sorted"
            continue
        if lower and is_compound(word):
            continue  # "anytime", "someone"
        if lower and (not word.isalpha() or (is_ordinary_word(word) or is_common_word(word)
                                             and not is_first_name(word.capitalize())) and not (
                _STRONG_CUE.search(text[max(0, m.start() - 25):m.start()]) and not word.endswith(("ed", "ing", "ly"))
                and word not in STOP_WORDS)):
            continue  # a lower-case word that is also English is a name only right after "called", "named"…
        probe = text if not lower else text[:m.start()] + word[:1].upper() + text[m.start() + 1:]
        if not lower and " " not in word and (is_ordinary_word(word) or is_common_word(word) and not is_first_name(word)) \
                and sentence_start(text, m.start()) \
                and not PERSON_CUE.search(text[max(0, m.start() - 40):m.start()]) and not (
                    is_first_name(word) and (PERSON_FROM.match(after) or PERSON_APPOSED.match(after))):
            continue  # "People always want a list": a capital that only starts the sentence (not "Guy from the…")
        if looks_like_a_person(probe, m.start(), m.end()):
            yield m.start(), m.end(), "PERSON"


_CAPITALISED = re.compile(r"(?<![\w'’@.-])[A-Z\u00C0-\u024F][a-z\u00DF-\u024F'’]+(?:-[A-Z\u00C0-\u024F][a-z\u00DF-\u024F'’]+)?"
                          r"(?![\w@-])")
_PLACE_BEFORE = re.compile(r"\b(?:in|round|around|near|across|outside|the)\s+$", re.IGNORECASE)
# What only a person does, after a first name that is also a word ("Summer started", never "Summer came early").
_HUMAN_VERBS = (r"said|says|told|tells|asked|asks|rang|rings|phoned|texted|texts|laughed|smiled|cried|drove|listened|"
                r"sorted|started|visited|wrote|writes|walked|sat|answers|volunteers|works|worked|lives|lived|picked|"
                r"invited|taught|promised|reckons|thinks|thought|knew|hugged|married|sent")
_HUMAN_AFTER = re.compile(rf"^(?:(?:'s|’s)?\s+(?:{_HUMAN_VERBS}|and\s+I|and\s+me|(?:is|was|has been|had been)\s+"
                          rf"(?:my|our|his|her|their)\s+(?:\w+(?:'s|’s)?\s+)?(?:{_CUE_NOUNS}))|"
                          rf",\s+(?:my|our|his|her|their)\s+(?:\w+\s+)?(?:{_CUE_NOUNS}))\b", re.IGNORECASE)
# "tell robin im sorry", "text dawn": a lower-case first name right after a verb only a person is the object of.
_TOLD = re.compile(r"\b(?:tell|told|ask|asked|text|texted|ring|rang|phone|phoned|message|messaged|thank|thanked|hug|"
                   r"hugged|miss|missed|say hi to|say bye to|(?:send|sent|give|gave|pass|passed|forward|show|showed)(?: it| this| that)? to)"
                   r"\s+$", re.IGNORECASE)
# "the woman there, dawn, sorted it": a name between commas with what a person does after it.
_APPOSED = re.compile(rf"^,\s+(?:{_HUMAN_VERBS}|helped|gave|got|took|brought|found|showed|made|kept|sorts|helps|"
                      rf"gives|brings|takes|keeps)\b", re.IGNORECASE)
# "Guy from the allotment society", "Tafadzwa Moyo from the welfare rights team": somebody from a body.
PERSON_FROM = re.compile(r"^\s+from\s+(?:the|our|my|his|her)\s+(?:[\w'’-]+\s+){0,3}?(?:team|service|society|group|"
                         r"club|council|charity|project|office|surgery|hub|centre|center|church|mosque|temple|gurdwara|"
                         r"ward|unit|clinic|practice|school|college|association|network|trust|shop|garage|pub|"
                         r"allotments?|library|jobcentre|bank|committee|crew|mob|lot|side|department)\b", re.IGNORECASE)
# "Rich, his partner, taught me": a name and what the person is to somebody, between commas.
PERSON_APPOSED = re.compile(rf"^,\s+(?:my|our|his|her|their)\s+(?:[a-z]+\s+)?(?:{_CUE_NOUNS}),", re.IGNORECASE)
_ME_AND = re.compile(r"\b(?:me|i)\s+(?:and|n|&|or)\s+$", re.IGNORECASE)
# "the nurse was called summer and…", "my name is blessing": where only a name stands.
_NAMED_BEFORE = re.compile(r"\b(?:(?P<own>calls? me|call me|known as|my name'?s|my name is|name is|i'?m called)|"
                           r"(?:was|is|were|are)\s+called|named)\s+$", re.IGNORECASE)


def written_as_a_name(text: str, start: int, end: int, again: bool = False) -> bool:
    """Is a lower-case first name that is also a word ("dawn", "will") used as a name here?

    Only where a person is meant: what only a person does after it ("will said"),
    between commas before such a verb ("the woman there, dawn, sorted it"), or
    beside "me and". `again`: a name already found so in this text also counts
    starting a sentence before "is/was/has" ("crystal is the only one").
    """
    word = text[start:end]
    if not (word.isalpha() and word.islower() and is_first_name(word.capitalize())) or word in STOP_WORDS - {"will"}:
        return False
    before, after = text[max(0, start - 8):start], text[end:end + 40]
    if _HUMAN_AFTER.match(after) and not re.search(r"\b(?:i|you|we|they|he|she|it)\s+$", before):
        return True
    if _TOLD.search(text[max(0, start - 12):start]) and not re.match(r"^\s+(?:to|that|about|off|up|out|back|around)\b", after):
        return True  # "tell robin im sorry", never "tell will to" (the verb) or "ring back"
    named = _NAMED_BEFORE.search(text[max(0, start - 16):start])
    if named and (named.group("own") or re.match(r"^\s*(?:[,.!?;)]|$|and\b|n\b|who\b|she\b|he\b)", after)):
        return True  # "my name is blossom btw", "was called precious and she was lush"; never "is called summer camp"
    if _APPOSED.match(after) and re.search(r",\s*$", before) or _ME_AND.search(before) or PERSON_FROM.match(after):
        return True  # "the woman there, dawn, sorted it", "me and crystal", "jade from the youth project"
    return again and sentence_start(text, start) and bool(
        re.match(r"^\s+(?:is|was|has|had|and|never|always|still)\b", after))


_VERB_AFTER = re.compile(r"^\s+[a-z]+ed\b")
# A capitalised word before a group of people names the group, not a person ("Roma families", "Somali elders").
GROUP_AFTER = re.compile(r"^\s+(?:families|family|community|communities|people|women|men|lads|girls|boys|kids|children|"
                          r"elders|refugees|groups?|mums|mothers|dads|fathers|youth|young people|households|speakers|"
                          r"churches|traders|workers|students|heritage|background|culture|food)\b")


def given(text: str, taken: list[Found], is_place: Callable[[str], bool]) -> Iterator[Found]:
    """Capitalised first names nothing else proposed ("Bilal started the group", "with Przemek and Kojo").

    A first name that is not an ordinary word counts wherever it stands (except
    where a place or "the" comes before); one that is ("Summer", "Frank") counts
    inside a sentence after a lower-case word, or at a sentence start when a verb
    follows ("Summer started coming"). A capitalised word that is no English word
    and no first name, starting a sentence with a past-tense verb after it, is a
    name too ("Przemek joined").
    """
    used = taken_mask(text, taken)
    for m in _CAPITALISED.finditer(text):
        word = re.sub(r"['’]s$", "", m.group())  # "where Blessing's mum lives"
        if any(used[m.start():m.end()]) or word.lower() in NOT_NAMES or word in TITLES or word in _PLACE_ENDINGS:
            continue
        if word.lower() in PRONOUNS or word.lower() in KINSHIP or is_place(word) \
                or re.search(r"\b(?:St\.?|Saint)\s+$", text[max(0, m.start() - 7):m.start()]):
            continue  # "St John's wort", "St Helens": a saint is nobody in the story
        end = m.start() + len(word)
        before, after = text[max(0, m.start() - 30):m.start()], text[end:end + 60]
        surname = re.match(r"[ \t]+([A-Z][a-z’'-]+)(?![\w-])", after)
        if surname and is_first_name(word) and not is_common_word(word) and not _PLACE_BEFORE.search(before) \
                and _a_surname(surname.group(1)) and not any(used[end:end + surname.end()]):
            yield m.start(), end + surname.end(), "PERSON"  # "Bilal Hussain", whatever the model made of it
            continue
        if _PLACE_BEFORE.search(before) or re.match(r"^\s*[A-Z](?!['’\s])", after) and not re.match(
                r"^\s*(?:and|or)\b", after) or GROUP_AFTER.match(after):
            continue  # "in Tremorfa", "the Ashton depot", "Roma families"; a run of capitals is the model's
        start_of_sentence = sentence_start(text, m.start())
        common = is_common_word(word)
        if is_first_name(word):
            if common and (start_of_sentence and not _HUMAN_AFTER.match(after)
                           or not start_of_sentence and not re.search(r"(?:^|\s)[a-z][\w'’]*,?\s+$", before)
                           and not PERSON_CUE.search(before)):
                continue
            yield m.start(), end, "PERSON"
        elif not common and not is_ordinary_word(word) and starts_like_a_person(text, m.start(), end):
            yield m.start(), end, "PERSON"


def _a_surname(word: str) -> bool:
    """A family name after a first name: one the lists know, or no English word ("Hussain", "Wiśniewski")."""
    if word in _PLACE_ENDINGS or word.lower() in NOT_NAMES or word in TITLES:
        return False
    return word in last_names() or not is_common_word(word) and not is_ordinary_word(word)


def starts_like_a_person(text: str, start: int, end: int) -> bool:
    """A sentence that starts with a name and what a person did ("Przemek joined", "Femi, though, …")."""
    after = text[end:end + 60]
    return sentence_start(text, start) and bool(
        _VERB_AFTER.match(after) or PERSON_AFTER.match(after) or _HUMAN_AFTER.match(after)
        or re.match(r"^,\s+(?:though|who|whose|my|our|his|her|bless|love)\b", after))


_LOWER_NAME_WORD = re.compile(r"(?<![\w'’])[a-z][a-z'’-]{1,}")
_STRONG_CUE = re.compile(r"\b(?:called|named|name is|name's|names|calls me|call me|known as|mate|friend|sis|bro)\s+$",
                         re.IGNORECASE)


# A transcript's speaker ("Tendai: I think…", "**Marek:**") and a heading that is a name ("## Oluwaseun").
_SPEAKER = re.compile(r"(?m)^[ \t]*(?:[-*][ \t]*|\d{1,2}[.)][ \t]+)?(?:\*\*)?([A-Z][\w'’-]+(?:[ \t]+(?:ap[ \t]+|ab[ \t]+)?"
                      r"[A-Z][\w'’-]+)?)(?:\*\*)?[ \t]*:"
                      r"(?:\*\*)?[ \t]")
_BY_HEADING = re.compile(r"(?m)^(?:#{1,6}[ \t]+|\*\*)?[^\n]*?\bby[ \t]+([A-Z][\w'’-]+(?:[ \t]+[A-Z][\w'’-]+)?)(?:\*\*)?[ \t]*$")


def bylines(text: str) -> Iterator[Found]:
    """"# The Bridge Project, by Nkem": the teller named at the end of a title line."""
    for m in _BY_HEADING.finditer(text):
        words = m.group(1).split()
        if not any(_no_name_word(w) for w in words):
            yield m.start(1), m.end(1), "PERSON"


def _no_name_word(word: str) -> bool:
    """A word a line's label or a byline cannot be a name with ("Note", "Mum", "Background"; "LEE" is a name)."""
    if word.isupper() and len(word) > 1 and is_first_name(word.capitalize()) and word.lower() not in _NOBODY:
        return False
    return (word.lower() in _NOBODY or word in TITLES or is_common_word(word)
            or is_ordinary_word(word) and not is_first_name(word))


_NAME_HEADING = re.compile(r"(?m)^#{1,6}[ \t]+([A-Z][\w'’-]+(?:[ \t]+[A-Z][\w'’-]+)?)[ \t]*$")


# "FACILITATOR (Dawn): Right…": a speaker's role, then the name in brackets.
_ROLE_SPEAKER = re.compile(r"(?m)^[ \t]*[A-Z][A-Za-z]+(?:[ \t][A-Z][A-Za-z]+)?[ \t]+\(([A-Z][\w'’-]+)\)[ \t]*:")
# "Name: Efua Amankwah-Boadi", "Preferred name: Aga", "Child: Lacey-Mae Cartwright (DOB …)", "Care coordinator:
# Bethan Yeo": a form's field for a person, then the name (one space between its words; a field ends at two).
FIELD_NAME = re.compile(r"(?m)(?:^|\|[ \t]*|[ \t]{2,})(?i:(?:full |preferred |first |last |sur|known as |maiden )?name|"
                        r"child|mother|father|parent|patient|client|service user|next of kin|nok|carer|referrer|"
                        r"care coordinator|care co-ordinator|key ?worker|support worker|social worker|named nurse)"
                        r"[ \t]*:[ \t]*((?:(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.? )?[A-Z][\w'’-]+(?: [A-Z][\w'’-]+){0,3})")


_BODY_WORDS = {"Team", "Service", "Services", "Surgery", "Practice", "Centre", "Hospital", "Trust", "Unit", "Ward", "Council",
               "Options", "Care", "Health", "Group", "Project", "Hub", "Clinic", "Office", "Ltd"}


def fields(text: str) -> Iterator[Found]:
    """The value of a form's field for a person is a name."""
    for m in FIELD_NAME.finditer(text):
        words = [w for w in m.group(1).split() if w.rstrip(".") not in TITLES]
        if words and not any(w.lower() in _NOBODY or w.lower() in PRONOUNS or w in _BODY_WORDS for w in words):
            yield m.start(1), m.end(1), "PERSON"


def speakers(text: str, taken: list[Found], is_place: Callable[[str], bool]) -> Iterator[Found]:
    """Names that label a line: a transcript's speakers, a heading that is somebody's name."""
    used = taken_mask(text, taken)
    for pattern in (_SPEAKER, _NAME_HEADING, _ROLE_SPEAKER):
        unlikely = (lambda w: w.lower() in _NOBODY) if pattern is _ROLE_SPEAKER else _no_name_word
        for m in pattern.finditer(text):
            s, e = m.span(1)
            words = m.group(1).split()
            if any(used[s:e]) or is_place(m.group(1)) or any(unlikely(w) for w in words) \
                    or m.group(1).lower() in FIELDS or any(c.isdigit() for c in m.group(1)):
                continue  # "Note:", "Mum:", "## Background"; "FACILITATOR (Dawn):" names Dawn
            yield s, e, "PERSON"


_AND_AFTER = re.compile(rf"(?:,\s*|\s+)(?:and|or|&)\s+({_NAME})(?![\w-])")
_AND_BEFORE = re.compile(rf"(?<![\w-])({_NAME})\s+(?:and|or|&)\s+$")


def joined(text: str, taken: list[Found], is_place: Callable[[str], bool]) -> Iterator[Found]:
    """A capitalised word no list knows, joined by "and"/"or" to a person found ("with Anh Tran and Femi")."""
    used = taken_mask(text, taken)
    for start, end, kind in taken:
        if kind != "PERSON":
            continue
        after = _AND_AFTER.match(text, end, end + 40)
        before = _AND_BEFORE.search(text, max(0, start - 40), start)
        for m in (after, before):
            if m is None:
                continue
            s, e = m.span(1)
            word = m.group(1)
            if any(used[s:e]) or is_common_word(word) or is_ordinary_word(word) or is_place(word) \
                    or word.lower() in NOT_NAMES or word in TITLES or re.match(r"\s+[A-Z]", text[e:e + 2]) \
                    or sentence_start(text, s):
                continue
            used[s:e] = b"\x01" * (e - s)
            yield s, e, "PERSON"


def widen(text: str, start: int, end: int) -> tuple[int, int]:
    """A name covered whole: hyphenated parts ("Pryce-Jones") and particles ("Ní Bhriain", "Al-Rashid")."""
    while True:
        m = re.match(r"-[A-Z\u00C0-\u024F][\w'’]*|\s+(?:Ní|Nic|Mac|Mc|Al|El|bin|bint|van|von|de|da|del|di|du|le|la|"
                     r"ibn|ben|ap)(?:\s+|-)[A-Z\u00C0-\u024F][\w'’]*", text[end:])
        if m is None:
            break
        end += m.end()
    while start > 1 and text[start - 1] == "-" and text[start - 2].isalpha():
        m = re.search(r"[A-Z\u00C0-\u024F][\w'’]*-$", text[:start])
        if m is None:
            break
        start = m.start()
    return start, end


def repeated(text: str, names: set[str], taken: list[Found], words: set[str] = frozenset()) -> Iterator[Found]:
    """Every other mention of a name already found ("Faith … Faith was …"), case as written; of a lower-case
    name that is also a word (`words`: "crystal"), only the mentions in a name position."""
    used = taken_mask(text, taken)
    for name in names | words:
        # "ciaras nanny": in lower-case writing a possessive may come without its apostrophe
        tail = r"(?:s(?=\s+(?:" + _RELATIONS + r"|nanny|nana|mam|house|place|flat|bf|gf|fella|lad|kid|kids)\b))?" \
            if name.islower() and name not in words else ""
        for m in re.finditer(rf"(?<![\w-]){re.escape(name)}{tail}(?![\w-])(?![ \t]+(?:dot|underscore)[ \t])", text):
            if not any(used[m.start():m.end()]) and (
                    name not in words or written_as_a_name(text, m.start(), m.end(), again=True)):
                yield m.start(), m.end(), "PERSON"


# "a Staffie called Duke", "our cat Biscuit": a pet is nobody (MARKING.md); "Valentine's Day" is a day.
_PET_BEFORE = re.compile(r"\b(?:dog|dogs|cat|cats|puppy|pup|kitten|staffie|staffy|terrier|spaniel|collie|labrador|"
                         r"lab|whippet|greyhound|rabbit|bunny|hamster|guinea pig|budgie|parrot|horse|pony|tortoise|"
                         r"goldfish|fish|snake|lizard|ferret|pet)\s+(?:(?:called|named|is called|was called)\s+)?$",
                         re.IGNORECASE)
_DAY_AFTER = re.compile(r"^['’]s\s+(?:Day|Eve|Night)\b")
# "the Noor al-Islam mosque": a place of worship named for somebody; "becca dot lamb at …": an e-mail address.
_NOT_A_PERSON_AFTER = re.compile(r"(?:[ \t]+[\w'’-]+)?[ \t]+(?:mosque|masjid|church|chapel|temple|gurdwara|mandir|"
                                 r"synagogue)\b|[ \t]+(?:dot|underscore)[ \t]+\w", re.IGNORECASE)
# "Has a Staffie called Duke": what is called something is a kind of thing, not its name.
_A_KIND_CALLED = re.compile(r"\s+(?:called|named)\s+[A-Z]")
# Pseudonymous initials ("a woman I'll call Ms K", "J", "HR kept asking"): no name (MARKING.md).
_INITIALS = re.compile(r"(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+)?[A-Z]{1,2}\.?|[A-Z]\.?\s*[A-Z]\.?")
# "Jean-Luc Mbeki, JL at work": what a nickname is followed by; initials so are a name.
NICKNAME_AFTER = re.compile(r"[ \t]+(?:at work|at school|for short|to (?:(?:his|her|their|my|our) )?(?:friends|mates|"
                            r"family|everyone|the lads|the girls))\b")
_PARTICLES = {"de", "da", "del", "della", "di", "du", "van", "von", "der", "den", "le", "la", "bin", "bint", "ibn", "al",
              "el", "ap", "ab", "ní", "nic", "mac", "y", "dos", "das", "do"}


# Nobody in the story: a royal ("Princess Anne"), an author read or a singer listened to ("reading Zadie Smith").
_ROYAL = re.compile(r"(?:Prince|Princess|King|Queen|Duke|Duchess|Pope)\s+[A-Z]")
_PUBLIC_BEFORE = re.compile(r"\b(?:read|reading|reads|listened to|listening to|listen to|a book by|books by|songs? by|"
                            r"albums? by|novels? by|interviews? with)\s+$", re.IGNORECASE)
# "worked at Brindle & Sons", "a job at Pike & Lowe": a firm named for its founders.
_FIRM = re.compile(r"[A-Z][\w'’-]*\s*&\s*[A-Z][\w'’-]*")
_FIRM_BEFORE = re.compile(r"\b(?:at|for|by|with|from|joined)\s+$")
# Welsh names of places and buildings ("Ysgol Penrhos", "Heol y Felin", "Caffi'r Orsaf").
_WELSH_PLACE = {"Ysgol", "Heol", "Ffordd", "Stryd", "Lôn", "Caffi", "Capel", "Eglwys", "Canolfan", "Neuadd", "Ysbyty",
                "Meddygfa", "Cylch", "Coleg", "Tafarn", "Gwesty", "Siop", "Clwb", "Maes", "Parc", "Cae", "Nant", "Bont",
                "Pont", "Afon", "Cwm", "Llyn", "Ffynnon"}
_WELSH_ARTICLE_BEFORE = re.compile(r"(?:[A-Z][\w'’-]*\s+yr?\s+|[A-Z]\w*['’]r\s+)$")


_KIND_WORDS = {"fella", "feller", "fellow", "bloke", "geezer", "chap", "guy", "lad", "lass", "lassie", "dude", "woman",
               "man", "girl", "boy", "lady", "gent", "bird", "kid"}


_WELSH_BUILDING = {"Ysgol", "Caffi", "Capel", "Eglwys", "Canolfan", "Neuadd", "Ysbyty", "Meddygfa", "Cylch", "Coleg",
                   "Tafarn", "Gwesty", "Siop", "Clwb"}


def an_org_instead(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span of the organisation a "person" is part of: a firm ("Pike & Lowe"), a Welsh building ("Ysgol
    Penrhos", "Caffi'r Orsaf"), a pub or club "at the …" ("everyone at the Swan"); None for anything else."""
    span, before = text[start:end], text[max(0, start - 30):start]
    for m in _FIRM.finditer(text, max(0, start - 30), min(len(text), end + 30)):
        if m.start() <= start and end <= m.end() and _FIRM_BEFORE.search(text, max(0, m.start() - 10), m.start()):
            return m.start(), m.end()
    if span.split() and span.split()[0] in _WELSH_BUILDING:
        return start, end
    welsh = _WELSH_ARTICLE_BEFORE.search(before)
    if welsh and welsh.group().split()[0].split("'")[0].split("’")[0] in _WELSH_BUILDING:
        return start - len(welsh.group()), end
    if re.search(r"\b(?:at|in|to|from|near|outside|round)\s+the\s+$", before) and " " not in span \
            and not is_first_name(span):
        return start, end
    return None


def _nobody_here(text: str, start: int, end: int) -> bool:
    """A "person" that is a royal, an author or a singer, a firm, a Welsh place, a thing "called" X, a field."""
    span, before = text[start:end], text[max(0, start - 30):start]
    first = span.split()[0] if span.split() else span
    if _ROYAL.match(span) or re.search(r"\b(?:Prince|Princess|King|Queen|Duke|Duchess)\s+$", before) \
            or _PUBLIC_BEFORE.search(before):
        return True
    for m in _FIRM.finditer(text, max(0, start - 30), min(len(text), end + 30)):
        if m.start() <= start and end <= m.end() and _FIRM_BEFORE.search(text, max(0, m.start() - 10), m.start()):
            return True
    if re.search(r"\b(?:which|that)\s+(?:he|she|they|we|i|you)\s+(?:calls?|called|named|nicknamed)\s+$", before,
                 re.IGNORECASE):
        return True  # "an old van, which he calls Daisy": a thing's name
    if first in _WELSH_PLACE or _WELSH_ARTICLE_BEFORE.search(before):
        return True
    if " " not in span and _A_KIND_CALLED.match(text, end) and re.search(r"(?:^|[.!?:]\s*)$", before) \
            and (span.lower() in _KIND_WORDS or is_ordinary_word(span.lower()) and not is_first_name(span)):
        return True  # "Fella called Dev", "Bloke named Sid"
    if " " not in span and re.search(r"\b(?:a|an)\s+$", before) and re.match(r"\s+[a-z]", text[end:end + 3]):
        return True  # "a Fenwicks bag": a brand before a thing
    if re.search(r"\b(?:at|in|to|from|near|outside|round)\s+the\s+$", before) and " " not in span \
            and not is_first_name(span):
        return True  # "everyone at the Swan"
    return span.lower() in FIELDS and text[end:end + 1] == ":"  # "CHI: 0101…"


def person_span(text: str, start: int, end: int, cut: bool) -> tuple[int, int] | None:
    """The part of a "person" that names somebody, or None for a pet, a day or a phrase in another language.

    The model runs a name into the words after it ("I text Earl every morning") and reads phrases of
    other languages as names ("Main Friday ko aa rahi hoon"): so, when `cut` (the model's, in writing
    with capitals), a name ends at its first lower-case word that is no particle ("de", "bin"), and
    one that starts so is none.
    """
    if _PET_BEFORE.search(text[max(0, start - 30):start]) or _DAY_AFTER.match(text[end:end + 8]) \
            or _A_KIND_CALLED.match(text, end) and re.search(r"\b(?:a|an)\s+$", text[max(0, start - 4):start]) \
            or _NOT_A_PERSON_AFTER.match(text, end) \
            or _INITIALS.fullmatch(text[start:end]) and not NICKNAME_AFTER.match(text, end) \
            or re.search(r"\s(?:dot|underscore)$", text[start:end]) or _nobody_here(text, start, end):
        return None
    if cut:
        words = list(re.finditer(r"\S+", text[start:end]))
        for i, w in enumerate(words):
            if w.group()[:1].islower() and w.group().lower() not in _PARTICLES:
                if i == 0:
                    return None
                end = start + words[i - 1].end()
                break
    return start, end
