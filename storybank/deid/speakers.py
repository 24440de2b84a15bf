"""People named by where a line, a letter or a message puts them, in any case.

A chat's or a transcript's speaker labels ("[21:14] kez:", "MRS OKORO:", "[Teams] Ravi P:"),
greetings and sign-offs ("Hi Nasrin,", "Kind regards,\\nIfeoma Obi", "Tomasz here."),
nicknames beside a name ("Oluwadamilare 'Dami' Ojo", "goes by “Spud”"), a form's list of
people ("Witness: Aled Pryce"), and the lower-case names of text messages
("w/ kez", "lil jaz", "my mates deano and tyrell"). A line's label counts as a person
when it is used as a speaker twice or more, or once in a transcript where others speak
twice, unless it is a role ("INT", "Q", "FACILITATOR") or a form's field ("Tel", "Postcode").
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator

from spacy.lang.en.stop_words import STOP_WORDS

from storybank.deid.given_names import is_first_name, last_names
from storybank.deid.names import _CUE_NOUNS, _RELATIONS, FIELDS, NICKNAME_AFTER, NOT_NAMES, TITLES
from storybank.deid.words import KINSHIP, PRONOUNS, TEXTING, is_common_word, is_ordinary_word

Found = tuple[int, int, str]

# Who speaks in an interview or a group without being named, and the fields of a form: never a person.
ROLES = {"int", "intv", "iv", "ivr", "ivee", "fac", "facil", "mod", "resp", "res", "ppt", "p", "q", "a", "r", "i",
         "interviewer", "interviewee", "facilitator", "moderator", "respondent", "participant", "narrator", "speaker",
         "host", "chair", "researcher", "caller", "operator", "advisor", "adviser", "volunteer", "staff", "worker",
         "nurse", "doctor", "gp", "client", "patient", "member", "group", "all", "everyone", "both", "others",
         "audience", "unknown", "unidentified", "voice", "voices", "translator", "interpreter", "note", "notes",
         "me", "you", "us", "them", "admin", "bot", "system", "moderators", "team", "reply", "re", "fwd"}
_NOBODY = NOT_NAMES | PRONOUNS | KINSHIP | ROLES | FIELDS | {t.lower().rstrip(".") for t in TITLES}
_SPEAKER_TITLES = r"(?:MRS|MR|MS|MISS|MX|DR|Mrs|Mr|Ms|Miss|Mx|Dr)\.?"
_WORD = r"[^\W\d_](?:[^\W\d_]|['’-](?=[^\W\d_]))*"
# A line's label: after a time or a channel ("[21:14]", "[Teams]", "21:14 -", "12/03/2026, 21:14 -"), a bullet
# or bold, one to three words (and an initial: "Ravi P"; a role may name its speaker after it in brackets,
# "FACILITATOR (Jo):", found in names.py), then a colon and what is said.
_LABEL = re.compile(
    rf"(?m)^[ \t]*(?:>[ \t]*)?(?:\[[^\]\n]{{1,30}}\][ \t]*|\(?\d{{1,2}}[:.]\d{{2}}(?:[:.]\d{{2}})?(?:[ \t]?[apAP][mM])?\)?"
    rf"[ \t]*(?:[-–][ \t]*)?|\d{{1,2}}/\d{{1,2}}/\d{{2,4}},?[ \t]+\d{{1,2}}:\d{{2}}[ \t]*[-–][ \t]*)*(?:[-*•][ \t]*)?"
    rf"(?:\*\*)?(?P<label>(?:{_SPEAKER_TITLES}[ \t]+)?{_WORD}(?:[ \t]+{_WORD}){{0,2}}(?:[ \t]+[A-Z]\.?)?)(?:[ \t]+\([^()\n]{{1,40}}\))?"
    rf"(?:\*\*)?[ \t]*:(?:\*\*)?(?=[ \t]|$)")
_TITLE_START = re.compile(rf"^{_SPEAKER_TITLES}[ \t]+")


def _could_name(word: str) -> bool:
    """A word a name can be made of: a first name, or a word no dictionary knows, in any case."""
    lower = word.lower()
    if lower in _NOBODY or lower in STOP_WORDS or lower in TEXTING or len(word) < 2:
        return False
    return is_first_name(word.capitalize()) or not is_ordinary_word(lower) and not is_common_word(lower)


def labels(text: str) -> Iterator[Found]:
    """Speakers of a chat or a transcript, whatever their case ("zara:", "CABDI:", "MISS PEARL:", "[Teams] Ravi P:")."""
    found = [(m.start("label"), m.end("label"), m.group("label")) for m in _LABEL.finditer(text)]
    if not found:
        return
    counts = Counter(label for _s, _e, label in found)
    dialogue = sum(n for n in counts.values() if n >= 2) >= 2 and len(counts) >= 2  # somebody speaks twice
    for start, end, label in found:
        titled = _TITLE_START.match(label)
        words = label[titled.end():].split() if titled else label.split()
        if words and len(words[-1].rstrip(".")) == 1 and len(words) > 1:
            words = words[:-1]  # "Ravi P": a name and an initial
        if not words or " ".join(words).lower() in FIELDS or any(w.lower() in _NOBODY for w in words):
            continue
        if titled:
            named = all(_could_name(w) or w[:1].isupper() and w.lower() not in STOP_WORDS for w in words)
        elif counts[label] >= 2:
            named = all(_could_name(w) for w in words)  # a label used twice speaks: a person unless a role
        else:
            named = dialogue and all(_could_name(w) for w in words)
        spoken_to = [] if named or titled or len(words) != 1 or not dialogue else _addressed(text, words[0])
        if spoken_to:  # a forum handle that others address by it ("wrenfan:" … "Wrenfan, …", "@wrenfan")
            named = True
            yield from spoken_to
        if named:
            yield start, end, "PERSON"


def _addressed(text: str, handle: str) -> list[Found]:
    """Where `handle` is spoken to, starting a line or what a speaker says ("Wrenfan, please…", "@wrenfan")."""
    if handle.lower() in STOP_WORDS or len(handle) < 3 or handle.isupper():
        return []
    h = re.escape(handle)
    return [(m.start("h"), m.end("h"), "PERSON")
            for m in re.finditer(rf"(?im)(?:^|:[ \t]+)@?(?P<h>{h})(?:,|(?<=@{h})\b)", text)]


# Greetings and sign-offs of letters and messages.
_GREETING = re.compile(
    r"(?im)(?:^|[.!?:]\s+|\]\s*)(?:hi|hiya|hey|heya|hello|hallo|hej|hola|ciao|salaam|salam|morning|good morning|"
    r"afternoon|good afternoon|evening|good evening|night|nite|alright|dear|thanks|thank you|cheers|ta|bye|"
    r"love you|miss you|happy birthday|congrats|congratulations)[ \t]*,?[ \t]+"
    rf"(?P<name>{_WORD}(?:[ \t]+(?-i:[A-Z]){_WORD})?)(?=[ \t]*(?:[,.!?:\n]|$|x+\b|[ \t]+[a-z]|[^\w\s'’-]))")
_SIGN_OFF = re.compile(
    r"(?im)^[ \t]*(?:yours sincerely|yours faithfully|yours truly|yours|kind regards|warm regards|best regards|"
    r"warmest regards|regards|best wishes|warm wishes|many thanks|thanks again|thanks|thank you|with thanks|"
    r"with love|love|lots of love|all the best|best|cheers|take care|speak soon|in solidarity|respectfully)"
    rf"[ \t]*[,.!]?[ \t]*\n[ \t]*(?P<name>(?-i:[A-Z]){_WORD}(?:[ \t]+(?:(?-i:[A-Z]){_WORD}|[A-Z]\.)){{0,3}})[ \t]*(?:,|\n|$)")
_HERE = re.compile(rf"(?m)(?:^|[,.!?]\s+)(?P<name>(?-i:[A-Z]){_WORD}|[a-z]{{2,}})[ \t]+here\b(?=[ \t]*[,.!:\n]|[ \t]+(?:from|with|again)\b)")
_ITS = re.compile(rf"(?i)\b(?:it'?s|it’s|its|this is)[ \t]+(?P<name>{_WORD}?)(?=[ \t]*(?:[,.!\n]|$|[ \t]+(?:here|from)\b)"
                  rf"|['’]s[ \t]+(?:{_RELATIONS})\b)")  # "this is kez's mum"


def _a_name_in(words: list[str], lower_ok: bool) -> bool:
    if not words or any(w.lower() in _NOBODY or w.lower() in STOP_WORDS for w in words):
        return False
    if any(w.islower() for w in words) and not lower_ok:
        return False
    first, rest = words[0], words[1:]
    if not (is_first_name(first.capitalize()) or not is_ordinary_word(first) and not is_common_word(first)):
        return False
    return all(w in last_names() or is_first_name(w) or not is_common_word(w) or len(w.rstrip(".")) == 1 for w in rest)


def letters(text: str) -> Iterator[Found]:
    """"Hi Nasrin,", "morning deano", "Kind regards,\\nIfeoma Obi", "Tomasz here.", "its kez."."""
    for m in _GREETING.finditer(text):
        words = m.group("name").split()
        if _a_name_in(words, lower_ok=True):
            yield m.start("name"), m.end("name"), "PERSON"
    for m in _SIGN_OFF.finditer(text):
        if _a_name_in(m.group("name").split(), lower_ok=False):
            yield m.start("name"), m.end("name"), "PERSON"
    for pattern in (_HERE, _ITS):
        for m in pattern.finditer(text):
            word = m.group("name")
            owner = pattern is _ITS and text[m.end("name"):m.end("name") + 1] in "'’"  # "this is kez's mum"
            if _could_name(word) and (not is_common_word(word) or owner and is_first_name(word.capitalize())) \
                    and (pattern is _HERE or is_first_name(word.capitalize())):
                yield m.start("name"), m.end("name"), "PERSON"


_NAME = r"[A-Z\u00C0-\u024F][\w\u00C0-\u024F'’]*(?:-[A-Z\u00C0-\u024F][\w\u00C0-\u024F'’]*)*"
# "Oluwadamilare 'Dami' Ojo", "Tomasz (Tom) Nowak", "Jack \"Spud\" Murphy": a nickname between a name and a surname.
_NICKNAMED = re.compile(rf"(?<![\w'’-])(?P<first>{_NAME})[ \t]+(?P<open>['‘\"“(])(?P<nick>{_NAME}(?:[ \t]{_NAME})?)"
                        rf"(?P<close>['’\"”)])(?:[ \t]+(?P<last>{_NAME}))?(?![\w-])")
# "Jean-Luc Mbeki, JL at work", "Oluwaseun, Seun to my friends".
_NICK_AFTER_NAME = re.compile(rf"(?<![\w'’-])(?P<first>{_NAME})(?:[ \t]+{_NAME})?,[ \t]+(?P<nick>{_NAME})(?=[ \t])")
_GOES_BY = re.compile(rf"\b(?:goes by|going by|went by|known as|nicknamed|(?:calls?|called) (?:him|her|them)"
                      rf"(?:sel(?:f|ves))?|aka|a\.k\.a\.?)[ \t]+[\"“'‘]?(?P<nick>{_NAME}(?:[ \t]{_NAME})?)[\"”'’]?(?![\w-])")
_PAIRS = {"'": "'’", "‘": "’'", '"': '"”', "“": "”\"", "(": ")"}


def nicknames(text: str) -> Iterator[Found]:
    """A nickname set beside a name, and the surname after it; a nickname somebody "goes by"."""
    for m in _NICK_AFTER_NAME.finditer(text):
        if NICKNAME_AFTER.match(text, m.end("nick")) and _nameish(m.group("first"), as_first=True) \
                and m.group("nick").lower() not in _NOBODY and m.group("nick").lower() not in STOP_WORDS:
            yield m.start("nick"), m.end("nick"), "PERSON"
    for m in _NICKNAMED.finditer(text):
        if m.group("close") not in _PAIRS[m.group("open")]:
            continue
        first, nick, last = m.group("first"), m.group("nick"), m.group("last")
        bracketed = m.group("open") == "("
        if not _nameish(first, as_first=True) or first.isupper() or any(c.isdigit() for c in first) \
                or not all(_a_nickname(w, bracketed) for w in nick.split()) \
                or bracketed and (" " in nick or not (last or is_first_name(first) or _shortens(nick, first))):
            continue  # never "Exeter CMHT (Wonford House)", "RO0284471 (Royal Oldham)"
        yield m.start("first"), m.end("first"), "PERSON"
        yield m.start("nick"), m.end("nick"), "PERSON"
        if last and last.lower() not in _NOBODY and last.lower() not in STOP_WORDS and last not in TITLES:
            yield m.start("last"), m.end("last"), "PERSON"
    for m in _GOES_BY.finditer(text):
        if all(_nameish(w) or is_first_name(w) for w in m.group("nick").split()) \
                or m.group().rstrip()[-1] in "\"”'’" and m.group("nick").lower() not in _NOBODY:
            yield m.start("nick"), m.end("nick"), "PERSON"


def _shortens(nick: str, first: str) -> bool:
    """A nickname made from the start of the name ("Olusegun (Olu)", "Krzysztof (Krzys)")."""
    return len(nick) < len(first) and nick[:2].lower() == first[:2].lower()


def _a_nickname(word: str, bracketed: bool) -> bool:
    """Quotes beside a name make any word a nickname ("Jack 'Spud' Murphy"); brackets one that is no English
    word or a first name ("Adebayo (Bayo)"), never an acronym ("(RC)") or a relation ("(Mum)")."""
    if word.lower() in _NOBODY or word.lower() in STOP_WORDS or word.isupper() and len(word) <= 4:
        return False
    return not bracketed or _nameish(word)


def _nameish(word: str, as_first: bool = False) -> bool:
    """A capitalised word that can be (part of) a name here: no role, no title, no kinship word."""
    if word.lower() in _NOBODY or word in TITLES or word.lower() in STOP_WORDS:
        return False
    if as_first:
        return is_first_name(word) or not is_common_word(word)
    return word in last_names() or is_first_name(word) or not is_common_word(word)


# A form's field that lists people, and its list ("Witness: Aled Pryce", "Children: Kian (6) and Ellie (3) Shaw").
_PEOPLE_FIELD = re.compile(
    r"(?im)(?:^|\|[ \t]*)[ \t]*(?:[-*•][ \t]*)?(?:consent |a |the )?(?:witness(?:es)?|children|child|kids|sons?|"
    r"daughters?|siblings?|brothers?|sisters?|partner|spouse|husband|wife|parents?|carers?|emergency contact|contact|"
    r"contact person|next of kin|interviewer|interviewee|storyteller|teller|author|written by|recorded by|"
    r"transcribed by|interviewed by|signed|signature|present|attendees|attending|staff present|household|"
    r"family members|lives with|associates?|friends?)[ \t]*:[ \t]*")
_LIST_ITEM = re.compile(rf"(?P<q>[\"“'‘])?(?P<name>{_NAME}(?:[ \t]+{_NAME}){{0,2}})(?(q)[\"”'’])(?:[ \t]*\(\d{{1,3}}\))?")


def fields(text: str) -> Iterator[Found]:
    """The people a form's field lists, each name by itself."""
    for field in _PEOPLE_FIELD.finditer(text):
        pos = field.end()
        while True:
            m = _LIST_ITEM.match(text, pos)
            if not m:
                break
            words = m.group("name").split()
            quoted = m.group("q") is not None and all(_a_nickname(w, False) for w in words)  # 'Associates: "Tank"'
            if len(words) > 1 and re.fullmatch(r"[A-Z]\.?", words[-1]):
                words = words[:-1]  # "Present: Brian K, …": a name and an initial
            named = is_first_name(words[0]) or not is_ordinary_word(words[0])  # "Children: Rio (8) and …"
            if not (quoted or named and _a_name_in(words[1:] or words, lower_ok=False) or named and len(words) == 1) \
                    or any(w.lower() in _NOBODY or w.lower() in STOP_WORDS for w in words):
                break
            yield m.start("name"), m.end("name"), "PERSON"
            sep = re.match(r"[ \t]*(?:,|&|and|\+)[ \t]*", text[m.end():])
            if not sep:
                break
            pos = m.end() + sep.end()


# Text-message names: "w/ kez", "lil jaz", "big Dev", "my mates deano and tyrell", "contact Nasrin on 0…".
_WITH = re.compile(r"(?i)(?:\bw/|\bwiv\b|\bwit\b)[ \t]*(?P<name>[a-z][a-z'’-]+)\b")
_SIZED = re.compile(r"\b(?P<size>big|wee|lil|little|young|auld|old)[ \t]+(?P<name>[A-Za-z][a-z'’-]+)\b")
_A_KIND_AFTER = re.compile(r"[ \t]+(?:lad|lads|lass|lasses|man|men|woman|women|guy|guys|bloke|fella|girl|girls|boy|boys|"
                           r"kid|kids|family|families|community|lady|ladies|gent|feller)\b", re.IGNORECASE)
_AN_ARTICLE_BEFORE = re.compile(r"\b(?:a|an|the|this|that|my|our|his|her|their|your|ur|some)[ \t]+$", re.IGNORECASE)
_KIN_LOWER = re.compile(r"\b(?:auntie|aunty|aunt|uncle|nana|nanna|nan|grandma|grandad|cousin)[ \t]+(?P<name>[a-z][a-z'’-]+)\b")
_MY_PEOPLE = re.compile(r"(?i)\bmy[ \t]+(?:\w+[ \t]+)?(?:mates|friends|pals|besties|kids|sons|daughters|brothers|"
                        r"sisters|cousins|grandkids|boys|girls|lads|nephews|nieces)[ \t]+")
_CONTACT = re.compile(rf"\b(?:contact|ask for|speak to|talk to|ring|call|message|email|text|DM|dm)[ \t]+"
                      rf"(?P<name>{_NAME}(?:[ \t]+{_NAME})?)[ \t]+(?:on|at|via)[ \t]+(?=[\d+(]|[\w.]+@)")


_RELATION_BRACKET = re.compile(rf"\b(?:{_CUE_NOUNS}|name)(?:['’]s name)?[ \t]*\((?P<name>{_NAME})\)", re.IGNORECASE)
_WITH_TWO = re.compile(r"\b(?:with|w/|wiv|tell|ask|message|text)[ \t]+(?P<a>[a-z][a-z'’-]+)[ \t]+(?:and|n|&|or)[ \t]+"
                       r"(?P<b>[a-z][a-z'’-]+)\b")
_FULL_LOWER = re.compile(r"(?<![\w'’-])(?=(?P<first>[a-z][a-z'’]+)[ \t]+(?P<last>[a-z][a-z'’]+(?:-[a-z][a-z'’]+)?)(?![\w'’-]))")


def _a_surname_lower(word: str) -> bool:
    """A family name written in lower case: one the lists know, or joined parts no dictionary knows."""
    if word in STOP_WORDS or word in TEXTING or is_ordinary_word(word) and "-" not in word:
        return False
    parts = word.split("-")
    return word.capitalize() in last_names() or len(parts) > 1 and not any(is_ordinary_word(p) for p in parts)


def _lower_name(word: str, lower: bool) -> bool:
    """A lower-case word that names somebody: no English word, or a first name in text-message writing."""
    if word.lower() in _NOBODY or word.lower() in STOP_WORDS or word.lower() in TEXTING or len(word) < 2:
        return False
    if word[:1].isupper():
        return is_first_name(word) or not is_common_word(word)
    return not is_ordinary_word(word) and not is_common_word(word) or lower and is_first_name(word.capitalize())


def texting(text: str, lower: bool) -> Iterator[Found]:
    for pattern in (_WITH, _SIZED, _KIN_LOWER):
        for m in pattern.finditer(text):
            word = m.group("name")
            if pattern is _WITH:
                if word.lower() in _NOBODY or word.lower() in STOP_WORDS or word.lower() in TEXTING or len(word) < 2 \
                        or is_ordinary_word(word) and not is_first_name(word.capitalize()):
                    continue
                yield m.start("name"), m.end("name"), "PERSON"  # "appt w/ tash"
                continue
            if pattern is _SIZED and (not (is_first_name(word.capitalize()) and _lower_name(word, True)
                                           or m.group("size") in ("big", "wee", "lil") and word[:1].isupper()
                                           and _lower_name(word, lower)) or _A_KIND_AFTER.match(text, m.end())
                                      or _AN_ARTICLE_BEFORE.search(text, max(0, m.start() - 8), m.start())):
                continue  # "wee Jamesie", "big mick"; never "old Trafford", "a big bill", "a big Nigerian lad"
            if pattern is _KIN_LOWER and not is_first_name(word.capitalize()) and (
                    is_ordinary_word(word) or word.endswith(("ed", "ing", "ly"))):
                continue  # "my grandad died"
            if pattern is _KIN_LOWER and is_first_name(word.capitalize()) and word not in STOP_WORDS \
                    and word.lower() not in _NOBODY or _lower_name(word, lower):
                start = m.start() if pattern is _KIN_LOWER else m.start("name")
                yield start, m.end("name"), "PERSON"  # "auntie pam" keeps its kinship title (MARKING.md)
    for m in _MY_PEOPLE.finditer(text):
        pos = m.end()
        while True:
            w = re.match(r"(?:big[ \t]+|lil[ \t]+)?([A-Za-z][a-z'’-]+)", text[pos:])
            if not w or not _lower_name(w.group(1), lower):
                break
            yield pos + w.start(1), pos + w.end(1), "PERSON"
            sep = re.match(r"[ \t]*(?:,|&|and|n|\+)[ \t]+", text[pos + w.end():])
            if not sep:
                break
            pos += w.end() + sep.end()
    for m in _WITH_TWO.finditer(text):  # "with mo and kez": two lower-case names, one no English word
        a, b = m.group("a"), m.group("b")
        if all(_lower_name(w, True) or is_first_name(w.capitalize()) and w not in STOP_WORDS for w in (a, b)) \
                and (_lower_name(a, False) or _lower_name(b, False)):
            yield m.start("a"), m.end("a"), "PERSON"
            yield m.start("b"), m.end("b"), "PERSON"
    if lower:
        for m in _FULL_LOWER.finditer(text):  # "blessing mwangi-otieno": a first name and a surname
            first, last = m.group("first"), m.group("last")
            if is_first_name(first.capitalize()) and first not in STOP_WORDS and first.lower() not in _NOBODY \
                    and _a_surname_lower(last):
                yield m.start("first"), m.end("last"), "PERSON"
    for m in _RELATION_BRACKET.finditer(text):  # "lives with partner (Jade)", "my sister's name (Nia)"
        if _nameish(m.group("name"), as_first=True) and (is_first_name(m.group("name")) or not is_ordinary_word(m.group("name"))):
            yield m.start("name"), m.end("name"), "PERSON"
    for m in _CONTACT.finditer(text):
        if all(_nameish(w) for w in m.group("name").split()):
            yield m.start("name"), m.end("name"), "PERSON"


# "me n kez after 11", "me n our kez", "just heard from kez", "seen kez at the shops": a lower-case name only a person can be.
_MET_LOWER = re.compile(r"\b(?:me[ \t]+(?:n|and|an|&)(?:[ \t]+our)?|(?:just[ \t]+)?(?:heard from|seen|saw|bumped into|ran into|"
                        r"met up with|hanging with|chilling with))[ \t]+(?P<name>[a-z][a-z'’-]+?)(?:['’]s)?(?![\w'’-])")
# "Shout out to Ama, Rocco and Big Tel", "New members this month: Ama, Rocco and Tel": a list of people.
_LIST_CUE = re.compile(r"(?i)\b(?:shout[ -]?outs?[ \t]+to|big[ \t]+thanks[ \t]+to|thanks[ \t]+to|thank[ \t]+you[ \t]+to|"
                       r"welcome[ \t]+to[ \t]+our[ \t]+new[ \t]+\w+,?|(?:new|our)[ \t]+(?:members|volunteers|starters|"
                       r"faces|recruits|arrivals)(?:[ \t]+this[ \t]+\w+)?[ \t]*:|welcome(?:[ \t]+back)?[ \t]+to(?=[ \t]+[A-Z]"
                       r"[\w'’-]*,))[ \t]+")
_LIST_NAME = re.compile(r"(?:(?:Big|Wee|Lil|Little|Young|Old)[ \t]+)?[A-Z][a-z'’-]+(?![\w'’-])")
# "My worker at Tallis Housing, Nerys.": a worker named after the body they work for.
_WORKER_AT = re.compile(rf"(?i)\b(?:my|our|his|her|their|the)[ \t]+(?:{_CUE_NOUNS})[ \t]+(?:at|from)[ \t]+"
                        r"(?-i:[A-Z][\w'’&-]*)(?:[ \t]+(?:of[ \t]+|the[ \t]+|&[ \t]+)?(?-i:[A-Z][\w'’&-]*)){0,5},[ \t]*"
                        r"(?P<name>(?-i:[A-Z][a-z'’-]+))(?=[ \t]*(?:[.,!?;)\n]|$))")
# "i think his name was dean?": a lower-case first name where only a name stands, in any writing.
_NAME_WAS = re.compile(r"(?i)\bname(?:'s|’s| is| was)[ \t]+(?P<name>(?-i:[a-z][a-z'’-]+))(?=[ \t]*(?:[?.!,\n]|$))")
# "- "Tank" (Lewis Byrne), 41": a list item led by a nickname in quotes, the name in brackets.
_NICK_ITEM = re.compile(rf"(?m)^[ \t]*(?:[-*•]|\d{{1,2}}[.)])[ \t]+[\"“'‘](?P<nick>{_NAME}(?:[ \t]{_NAME})?)[\"”'’]"
                        rf"[ \t]+\((?P<name>{_NAME}(?:[ \t]+{_NAME}){{0,2}})\)")
# "name j k mcbride", "account name d o'neill": a name as initials and a surname in lower case.
_NAME_INITIALS = re.compile(r"\bname[ \t]*:?[ \t]+(?P<name>(?![ai][ \t])(?:[a-z]\.?[ \t]+){1,3}[a-z][a-z'’-]{2,})(?![\w'’-])")


def mentions(text: str, lower: bool) -> Iterator[Found]:
    """Names a chat mentions, lists of people, a worker after their body, a nickname leading a list item."""
    for m in _NAME_WAS.finditer(text):
        word = m.group("name")
        if is_first_name(word.capitalize()) and word not in STOP_WORDS and word.lower() not in _NOBODY:
            yield m.start("name"), m.end("name"), "PERSON"
    for m in _MET_LOWER.finditer(text):
        word = m.group("name")
        if _lower_name(word, lower) and not word.endswith(("ing", "ed")):
            yield m.start("name"), m.end("name"), "PERSON"
    for m in _LIST_CUE.finditer(text):
        items, pos = [], m.end()
        while True:
            w = _LIST_NAME.match(text, pos)
            if not w:
                break
            items.append(w)
            sep = re.match(r"[ \t]*(?:,[ \t]*(?:and[ \t]+|&[ \t]+)?|[ \t]+(?:and|&)[ \t]+)", text[w.end():])
            if not sep or not re.match(r"[A-Z]", text[w.end() + sep.end():w.end() + sep.end() + 1]):
                break
            pos = w.end() + sep.end()
        bare = [w.group().split()[-1] for w in items]
        if len(items) < 2 or any(b.lower() in _NOBODY or b.lower() in STOP_WORDS or b in TITLES for b in bare) \
                or not any(is_first_name(b) for b in bare) \
                or sum(is_first_name(b) or not is_common_word(b) and not is_ordinary_word(b) for b in bare) < 2:
            continue  # a list of people: two first names, or one and a word no dictionary knows
        for w in items:
            yield w.start(), w.end(), "PERSON"
    for m in _WORKER_AT.finditer(text):
        name = m.group("name")
        if name.lower() not in _NOBODY and (is_first_name(name) or not is_common_word(name)):
            yield m.start("name"), m.end("name"), "PERSON"
    for m in _NICK_ITEM.finditer(text):
        if all(_a_nickname(w, False) for w in m.group("nick").split()) \
                and all(_nameish(w) for w in m.group("name").split()):
            yield m.start("nick"), m.end("nick"), "PERSON"
            yield m.start("name"), m.end("name"), "PERSON"
    for m in _NAME_INITIALS.finditer(text):
        surname = m.group("name").split()[-1]
        if surname not in STOP_WORDS and surname.capitalize() in last_names() or not is_ordinary_word(surname) and not is_common_word(surname):
            yield m.start("name"), m.end("name"), "PERSON"


_TABLE_ROW = re.compile(r"(?m)^[ \t]*\|(.*)\|[ \t]*$")
_NAME_HEADER = re.compile(r"(?i)^(?:(?:full |client |patient |resident |member |person'?s? |child'?s? |first |"
                          r"sur|last |family |preferred )?name|who|client|patient|resident|member|person|child|attendee|"
                          r"volunteer|contact|worker|staff member)$")


def table_cells(text: str) -> Iterator[Found]:
    """The cells of a Markdown table under a column for names ("| Name | DOB |")."""
    rows = list(_TABLE_ROW.finditer(text))
    column: int | None = None
    for row in rows:
        cells = row.group(1).split("|")
        if all(re.fullmatch(r"[ \t]*:?-{2,}:?[ \t]*", c) for c in cells):
            continue  # the rule under the header
        heads = [i for i, c in enumerate(cells) if _NAME_HEADER.match(c.strip().strip("*"))]
        if heads:
            column = heads[0]
            continue
        if column is None or column >= len(cells):
            continue
        offset = row.start(1) + sum(len(c) + 1 for c in cells[:column])
        cell = cells[column]
        value = cell.strip().strip("*").strip()
        words = value.split()
        if not 1 <= len(words) <= 4 or not all(re.fullmatch(rf"{_NAME}|[A-Z]\.?", w) for w in words) \
                or not all(_nameish(w) or len(w.rstrip(".")) == 1 for w in words):
            continue  # "| Citizens Advice |" under "Name" is a body
        start = offset + cell.index(value)
        yield start, start + len(value), "PERSON"


def casings(names: Iterable[str]) -> set[str]:
    """Other casings of the people's names found, to find their other mentions ("Rêbaz", "RÊBAZ", "rêbaz").

    A name that is an English word keeps its case ("Hope" is not "hope"); every other one is looked for in
    Title case, lower case and capitals.
    """
    out: set[str] = set()
    for name in names:
        if not name.replace("-", "").replace("'", "").replace("’", "").isalpha() or len(name) < 3:
            continue
        lower = name.lower()
        if lower in _NOBODY or lower in STOP_WORDS or lower in TEXTING:
            continue
        if not is_ordinary_word(lower) and not is_common_word(lower):
            out |= {lower, name.upper(), "-".join(p.capitalize() for p in lower.split("-"))}
        elif name.isupper() and is_first_name(name.capitalize()) and not is_common_word(lower):
            out.add(name.capitalize())
    return out - set(names)


def find(text: str, lower: bool) -> list[Found]:
    """Everything above, for detect.py: names put where only a name stands."""
    return [*labels(text), *letters(text), *nicknames(text), *fields(text), *texting(text, lower), *mentions(text, lower),
            *table_cells(text)]
