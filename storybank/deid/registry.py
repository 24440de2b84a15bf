"""The pseudonym registry: the same identifier gets the same label everywhere it is in scope.

People are labelled per storyteller (`[Person A]` in every story of that teller);
services and places across the whole archive (`[Service 2]`, `[Place 1]`). Other
identifiers (dates, ages, contact details) get a plain placeholder such as
`[date]`, since nobody needs to follow them from story to story.

Hygiene. Only proper names become entries (`words.is_proper_name`): a pronoun,
kinship word, ordinary noun or generic service that a researcher still marks is
replaced by a plain placeholder (`[person]`, `[service]`) and remembered nowhere.
A place or organisation gets an archive-wide label only when it is shaped like
one (more than one word, a street or organisation word, a number, or a town in
the gazetteer); a lone word such as "Callan" may be somebody's name, so its
label holds in that story alone and never reaches another teller's story.
"""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

from sqlalchemy import func, select, update

from storybank.accounts.models import User
from storybank.archive.models import Story
from storybank.deid import words
from storybank.deid.models import IdentifierSpan, Pseudonym
from storybank.errors import InvalidInput
from storybank.extensions import db

LABEL_PREFIX = {"PERSON": "Person", "ORG": "Service", "PLACE": "Place"}
PLACEHOLDER = {
    "DATE": "[date]", "AGE": "[age]", "EMAIL": "[email address]", "PHONE": "[phone number]",
    "POSTCODE": "[postcode]", "NHS_NUMBER": "[NHS number]", "OTHER_ID": "[identifier]",
    "PERSON": "[person]", "ORG": "[service]", "PLACE": "[place]",  # a marked word that is not a proper name
}
NEW_LABEL = "new"
TYPE_LABELS = {
    "PERSON": "Person", "PLACE": "Place smaller than a city", "ORG": "Organisation or service", "DATE": "Date",
    "AGE": "Age", "EMAIL": "Email address", "PHONE": "Phone number", "POSTCODE": "Postcode",
    "NHS_NUMBER": "NHS number", "OTHER_ID": "Other identifier (handle, web address, NI number, car, bank)",
}


def key_of(text: str) -> str:
    """How originals are compared: case-folded, spaces collapsed, no leading 'the'."""
    key = re.sub(r"\s+", " ", text).strip().casefold()
    return key.removeprefix("the ")[:200]


def registrable(kind: str, original: str) -> bool:
    """May `original` become a registry entry of this kind? Proper names only."""
    if kind not in LABEL_PREFIX or not words.is_proper_name(original):
        return False
    if kind in ("PLACE", "ORG"):
        from storybank.deid.detect import not_small

        return not not_small(key_of(original))
    return True


def place_shaped(original: str) -> bool:
    """Shaped like a place or service, not like somebody's first name."""
    from storybank.deid.places import ORG_WORDS, STREET_WORDS, gazetteer

    parts = original.split()
    if len(parts) > 1 or any(c.isdigit() for c in original) or original.isupper():
        return True
    word = parts[0] if parts else ""
    return word in ORG_WORDS or word in STREET_WORDS or word in gazetteer()


def scope_of(story: Story, kind: str, original: str | None = None) -> str | None:
    """Where a label holds: a teller's stories for people, the archive for services and places
    (a lone word that may be a person's name: that story alone)."""
    if kind == "PERSON":
        return f"teller:{story.teller_id}" if story.teller_id else f"story:{story.id}"
    if kind in LABEL_PREFIX:
        return "archive" if original is None or place_shaped(original) else f"story:{story.id}"
    return None


def _person_letters(n: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: spreadsheet column letters."""
    out = ""
    n += 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def _label(kind: str, n: int) -> str:
    return f"{LABEL_PREFIX[kind]} {_person_letters(n) if kind == 'PERSON' else n + 1}"


def find(kind: str, scope: str, original: str) -> Pseudonym | None:
    return db.session.scalar(select(Pseudonym).where(
        Pseudonym.type == kind, Pseudonym.scope == scope, Pseudonym.key == key_of(original)))


def labels_in_scope(kind: str, scope: str) -> list[tuple[str, str]]:
    """(label, one original) for each label already used in the scope, in label order."""
    rows = db.session.execute(select(Pseudonym.label, Pseudonym.original).where(
        Pseudonym.type == kind, Pseudonym.scope == scope).order_by(Pseudonym.id)).all()
    seen: dict[str, str] = {}
    for label, original in rows:
        seen.setdefault(label, original)
    return sorted(seen.items(), key=lambda item: (len(item[0]), item[0]))


def _next_label(kind: str, scope: str) -> str:
    """The first free label; services and places are numbered across the archive, story-local ones included."""
    if kind == "PERSON":
        used = {label for label, _ in labels_in_scope(kind, scope)}
    else:
        used = set(db.session.scalars(select(Pseudonym.label).where(Pseudonym.type == kind)))
    n = 0
    while _label(kind, n) in used:
        n += 1
    return _label(kind, n)


def _related_label(kind: str, scope: str, key: str) -> str | None:
    """A person already known by a longer or shorter name ("Dave" and "Dave Smith")."""
    if kind != "PERSON":
        return None
    words = key.split()
    for other_key, label in db.session.execute(select(Pseudonym.key, Pseudonym.label).where(
            Pseudonym.type == kind, Pseudonym.scope == scope)):
        other = other_key.split()
        if len(words) == 1 and other and other[0] == words[0]:
            return label
        if len(other) == 1 and words and words[0] == other[0]:
            return label
    return None


@dataclass(frozen=True)
class Suggestion:
    label: str  # without brackets, "" for a placeholder type
    known: bool  # already in the registry for exactly this original
    related: bool  # the label of a person known by a longer or shorter name


def suggest(story: Story, kind: str, original: str) -> Suggestion:
    """What accepting with the default replacement would write, without writing anything."""
    scope = scope_of(story, kind, original)
    if scope is None or not registrable(kind, original):
        return Suggestion("", False, False)
    entry = find(kind, scope, original)
    if entry is not None:
        return Suggestion(entry.label, True, False)
    related = _related_label(kind, scope, key_of(original))
    if related:
        return Suggestion(related, False, True)
    return Suggestion(_next_label(kind, scope), False, False)


def _lock(scope: str) -> None:
    """Serialise label numbering per scope (PostgreSQL); SQLite serialises writers already."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(func.pg_advisory_xact_lock(zlib.crc32(scope.encode()))))


def entry_for(actor: User | None, story: Story, kind: str, original: str, label: str | None = None) -> Pseudonym | None:
    """The registry entry for this identifier, created on first use (None for placeholder types).

    `label` asks for an existing label of the scope (the same person under another
    name) or NEW_LABEL; by default a person known by a longer or shorter name shares
    their label. An original already in the registry keeps its label, so every story agrees.
    What is not a proper name gets no entry (None: a plain placeholder replaces it).
    """
    scope = scope_of(story, kind, original)
    if scope is None or not registrable(kind, original):
        return None
    _lock(scope if kind == "PERSON" else "archive")  # services and places are numbered archive-wide
    entry = find(kind, scope, original)
    if entry is not None:
        return entry
    if label == NEW_LABEL:
        label = _next_label(kind, scope)
    elif label is not None:
        allowed = labels_in_scope(kind, scope) + (labels_in_scope(kind, "archive") if scope != "archive"
                                                  and kind != "PERSON" else [])
        if label not in {lab for lab, _ in allowed}:
            raise InvalidInput(f"[{label}] is not in the registry for this story: choose another replacement.")
    else:
        label = _related_label(kind, scope, key_of(original)) or _next_label(kind, scope)
    entry = Pseudonym(type=kind, scope=scope, key=key_of(original), original=original.strip()[:2000],
                      label=label, created_by_id=actor.id if actor is not None else None)
    db.session.add(entry)
    db.session.flush()
    return entry


def known_originals(story: Story) -> list[Pseudonym]:
    """Registry entries that apply to this story: its teller's people, the archive's services and places,
    and the story's own; proper names only (an entry made before the hygiene rules is skipped)."""
    scopes = [scope_of(story, "PERSON"), "archive", f"story:{story.id}"]
    return [e for e in db.session.scalars(select(Pseudonym).where(Pseudonym.scope.in_(scopes)))
            if registrable(e.type, e.original)]


def prune(ids: set[int]) -> int:
    """Delete entries among `ids` that no identifier in any story uses any more."""
    if not ids:
        return 0
    used = set(db.session.scalars(select(IdentifierSpan.pseudonym_id).where(
        IdentifierSpan.pseudonym_id.in_(ids)).distinct()))
    gone = ids - used
    for entry in db.session.scalars(select(Pseudonym).where(Pseudonym.id.in_(gone))):
        db.session.delete(entry)
    db.session.flush()
    return len(gone)


def adopt_story_scope(story: Story) -> int:
    """A claimed story's people join its teller's: the same person keeps one label across their stories.

    Returns how many labels changed (a label already used by the teller for someone else).
    """
    old, new = f"story:{story.id}", scope_of(story, "PERSON")
    if new is None or new == old:
        return 0
    _lock(new)
    label_map: dict[str, str] = {}
    changed = 0
    for entry in db.session.scalars(select(Pseudonym).where(Pseudonym.scope == old, Pseudonym.type == "PERSON")
                                    .order_by(Pseudonym.id)).all():
        existing = db.session.scalar(select(Pseudonym).where(
            Pseudonym.type == entry.type, Pseudonym.scope == new, Pseudonym.key == entry.key))
        if existing is not None:
            label_map.setdefault(entry.label, existing.label)
            db.session.execute(update(IdentifierSpan).where(IdentifierSpan.pseudonym_id == entry.id)
                               .values(pseudonym_id=existing.id))
            changed += existing.label != entry.label
            db.session.delete(entry)
            db.session.flush()
            continue
        if entry.label not in label_map:
            used = {label for label, _ in labels_in_scope(entry.type, new)}
            label_map[entry.label] = entry.label if entry.label not in used else _next_label(entry.type, new)
        changed += label_map[entry.label] != entry.label
        entry.scope, entry.label = new, label_map[entry.label]
        db.session.flush()
    return changed
