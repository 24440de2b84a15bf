"""Quasi-identifiers: what a local reader could recognise even with every name replaced.

Flagged on the review page, never replaced automatically: a rare job, "the
only / the last …", an exact age together with a small place, a named event.
The reviewer decides (mark the words with a descriptor, or leave them).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from storybank.deid.models import REJECTED, IdentifierSpan


@dataclass(frozen=True)
class Flag:
    start: int
    end: int
    text: str
    reason: str


RARE_JOBS = (
    "lollipop man", "lollipop lady", "crossing patrol", "ferryman", "lighthouse keeper", "lock keeper",
    "harbourmaster", "harbour master", "blacksmith", "farrier", "undertaker", "funeral director", "coroner",
    "magistrate", "councillor", "mayor", "mp", "vicar", "imam", "rabbi", "priest", "pastor", "headteacher",
    "head teacher", "headmaster", "headmistress", "dinner lady", "school caretaker", "lifeguard", "gamekeeper",
    "zookeeper", "jockey", "stonemason", "thatcher", "chimney sweep", "steelworker", "miner", "fisherman",
    "trawlerman", "postmistress", "postmaster", "bus driver on the", "ice cream man", "milkman", "town crier",
    "bell ringer", "organist", "choirmaster", "publican", "landlady of the", "landlord of the", "station master",
    "signalman", "midwife", "firefighter", "police officer", "paramedic", "gp", "pharmacist", "dentist",
)
_JOB = re.compile(rf"\b(?:i'?m|i am|i was|i work as|i worked as|working as|he'?s|she'?s|he was|she was)\s+"
                  rf"(?:an?|the)\s+(?:\w+\s+){{0,2}}?(?:{'|'.join(re.escape(j) for j in RARE_JOBS)})\b",
                  re.IGNORECASE)
_PEOPLE = (r"(?:woman|man|person|girl|boy|one|lad|lass|nurse|doctor|black|white|asian|muslim|jewish|sikh|hindu|"
           r"polish|female|male|deaf|blind|gay|trans|wheelchair user|\w+(?:er|or|ist|ian|man|woman))")
_ONLY = re.compile(rf"\bthe\s+(?:(?:only|last)\s+(?!time\b|thing\b|one\s+thing\b|step\b|straw\b|minute\b|few\b|"
                   rf"bit\b|week\b|month\b|year\b|day\b|night\b)|(?:first|oldest|youngest)\s+(?=(?:\w+\s+)?{_PEOPLE}\b))"
                   rf"[^.!?\n]{{3,60}}?(?=[.!?,;\n]|\s+(?:who|to|for|and|but)\b)", re.IGNORECASE)
_EVENT = re.compile(r"(?<![\w-])(?:[A-Z][\w'’-]+\s+){1,4}(?:Festival|Carnival|Parade|Marathon|Half Marathon|Fun Run|"
                    r"Gala|Fair|Awards?|Vigil|Concert|Show|Fire|Flood|Floods|Riots?|Bombing|Attack|Disaster|Strike|"
                    r"Walk|Games|Cup Final|Derby)(?![\w-])|\bthe\s+(?:19|20)\d{2}\s+(?:floods?|riots?|fire|strike|"
                    r"bombing|attack)\b")


def flags(text: str, spans: list[IdentifierSpan]) -> list[Flag]:
    """Quasi-identifiers in one part's text; `spans` are that part's identifiers (for the age/place rule)."""
    out: list[Flag] = []
    for pattern, reason in ((_JOB, "a rare job: someone local may know who does it"),
                            (_ONLY, "“the only / the last …”: a description that fits one person"),
                            (_EVENT, "a named event: places the teller at a known time and place")):
        for m in pattern.finditer(text):
            out.append(Flag(m.start(), m.end(), m.group(), reason))
    kept = [s for s in spans if s.decision != REJECTED]
    places = [s for s in kept if s.type == "PLACE"]
    for age in (s for s in kept if s.type == "AGE"):
        if places:
            out.append(Flag(age.start, age.end, age.original,
                            f"an exact age with a small place ({places[0].original}): a local reader may "
                            "recognise the person; consider an age range as a descriptor"))
    out.sort(key=lambda f: f.start)
    return [f for i, f in enumerate(out) if not any(g.start <= f.start and f.end <= g.end and g != f
                                                     for g in out[:i])]
