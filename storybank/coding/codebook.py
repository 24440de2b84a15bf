"""The codebook: a tree of codes, and the starter codebook from the Living Well learning."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from storybank import policy
from storybank.accounts.models import User
from storybank.archive.models import Story
from storybank.coding.models import Code, Coding
from storybank.errors import InvalidInput, NotFound
from storybank.extensions import db
from storybank.lookup import get_or_not_found

STARTER: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("Access", "#b45309", [
        ("Thresholds", "Eligibility criteria, waiting lists, referrals and hand-offs that decide who gets help."),
        ("Fragmentation", "Discontinuity of care; falling through the gaps between services."),
    ]),
    ("Mechanistic system", "#475569", [
        ("Separation", "People and services kept apart; silos."),
        ("Distance", "Help that is far away, remote or impersonal."),
        ("Certainty", "Insisting on diagnosis, plans and predictable pathways."),
        ("Standardisation", "One-size-fits-all processes and forms."),
        ("Control", "Decisions made for people rather than with them."),
        ("Scarcity", "Rationing, not enough to go round."),
    ]),
    ("Relational system", "#047857", [
        ("Connection", "Relationships between people and between services."),
        ("Presence", "Someone being there, in person and in time."),
        ("Uncertainty", "Staying with not-knowing; working things out together."),
        ("Adoption and innovation", "Trying new ways of working and keeping them."),
        ("Nurture", "Care for people and for those who care."),
        ("Abundance", "Recognising the resources people and communities already have."),
    ]),
    ("System forces", "#7c3aed", [
        ("Purpose", "What the system is for, said or unsaid."),
        ("Power", "Who decides, who holds resources, who is heard."),
        ("Practice", "What people actually do day to day."),
    ]),
    ("Wider determinants", "#be123c", [
        ("Housing", "Homes, homelessness, tenancy, repairs."),
        ("Money and debt", "Income, benefits, debt, arrears."),
        ("Work", "Employment, unemployment, work pressures."),
        ("Isolation", "Loneliness, being cut off."),
        ("Caring", "Looking after someone else."),
        ("Adversity and trauma", "Abuse, violence, loss and other adversity."),
    ]),
    ("Places of support", "#0369a1", [
        ("Peer support", "Help from people with lived experience."),
        ("Community hubs", "Drop-ins, hubs and community centres."),
        ("Informal spaces", "Cafés, libraries, faith groups, friends' kitchens."),
        ("GP", "General practice and primary care."),
        ("Secondary care", "Community mental-health teams, crisis teams, wards."),
    ]),
    ("Hope", "#ca8a04", []),
]
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def install_starter(actor: User | None = None) -> int:
    """Install the starter codebook if the codebook is empty; returns how many codes were added."""
    if db.session.scalar(select(func.count()).select_from(Code)):
        return 0
    added = 0
    for position, (name, colour, children) in enumerate(STARTER):
        parent = Code(name=name, colour=colour, position=position, created_by_id=actor.id if actor else None)
        db.session.add(parent)
        added += 1
        for child_pos, (child, definition) in enumerate(children):
            db.session.add(Code(name=child, definition=definition, colour=colour, position=child_pos,
                                parent=parent, created_by_id=actor.id if actor else None))
            added += 1
    db.session.flush()
    return added


def clean_name(value: object) -> str:
    name = " ".join(str(value or "").split())
    if not name:
        raise InvalidInput("A code needs a name.", field="name")
    if len(name) > 120:
        raise InvalidInput("A code's name can be at most 120 characters.", field="name")
    return name


def clean_colour(value: object) -> str:
    colour = str(value or "#6b7280").strip()
    if not _COLOUR.match(colour):
        raise InvalidInput("A colour is written like #1f6feb.", field="colour")
    return colour.lower()


def get_code(code_id: object) -> Code:
    return get_or_not_found(Code, code_id, "No such code.")


def parent_code(parent_id: object) -> Code | None:
    """The chosen parent (None: top level). A parent that does not exist is bad input (400), on every path."""
    if parent_id in (None, "", 0, "0"):
        return None
    try:
        return get_code(parent_id)
    except NotFound:
        raise InvalidInput("No such parent code.", field="parent_id") from None


def create_code(actor: User, name: object, parent_id: object = None, definition: object = "",
                colour: object = None) -> Code:
    parent = parent_code(parent_id)
    code = Code(name=clean_name(name), parent=parent, definition=str(definition or "").strip(),
                colour=clean_colour(colour or (parent.colour if parent else None)), created_by_id=actor.id)
    db.session.add(code)
    db.session.flush()
    return code


def all_codes() -> list[Code]:
    return list(db.session.scalars(select(Code).order_by(Code.parent_id.is_not(None), Code.position, Code.id)))


def tree() -> list[tuple[Code, int]]:
    """Codes in tree order with their depth."""
    codes = all_codes()
    children: dict[int | None, list[Code]] = {}
    for code in codes:
        children.setdefault(code.parent_id, []).append(code)
    out: list[tuple[Code, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for code in sorted(children.get(parent, []), key=lambda c: (c.position, c.id)):
            out.append((code, depth))
            walk(code.id, depth + 1)

    walk(None, 0)
    return out


def _on_readable_stories(actor: User) -> object:
    """Counts shown to a researcher count only codings on stories they may read for research now."""
    return Coding.story_id.in_(policy.visible_stories(actor, "research").with_only_columns(Story.id))


def usage_counts(actor: User) -> dict[int, int]:
    stmt = select(Coding.code_id, func.count()).where(_on_readable_stories(actor)).group_by(Coding.code_id)
    return dict(db.session.execute(stmt).all())


def subtree_ids(code: Code) -> list[int]:
    """The code's id and every descendant's."""
    ids, frontier = [code.id], [code.id]
    while frontier:
        frontier = list(db.session.scalars(select(Code.id).where(Code.parent_id.in_(frontier))))
        ids.extend(frontier)
    return ids


def _touch_coded(code_ids: list[int]) -> None:
    """Stories coded with these codes carry them (and their ancestors) in the search index."""
    from storybank.search.indexing import touch

    story_ids = db.session.scalars(select(Coding.story_id).where(Coding.code_id.in_(code_ids)).distinct()).all()
    if story_ids:
        touch(*story_ids)


def update_code(actor: User, code_id: object, fields: dict[str, object]) -> Code:
    """Edit a code's text and colour, or move it under another parent (None: top level)."""
    code = get_code(code_id)
    if "name" in fields:
        code.name = clean_name(fields["name"])
    for name in ("definition", "when_to_use", "when_not_to_use", "example", "keywords"):
        if name in fields:
            value = str(fields[name] or "").strip()
            if len(value) > 5000:
                raise InvalidInput(f"{name.replace('_', ' ').capitalize()} can be at most 5,000 characters.",
                                   field=name)
            setattr(code, name, value)
    if "colour" in fields:
        code.colour = clean_colour(fields["colour"])
    if "parent_id" in fields:
        new_parent = parent_code(fields["parent_id"])
        if new_parent is not None and new_parent.id in subtree_ids(code):
            raise InvalidInput("A code cannot move inside itself or one of its sub-codes.", field="parent_id")
        if (new_parent.id if new_parent else None) != code.parent_id:
            code.parent = new_parent
            _touch_coded(subtree_ids(code))
    db.session.flush()
    return code


def merge_preview(actor: User, source_id: object, target_id: object) -> dict[str, int]:
    source, target = get_code(source_id), get_code(target_id)
    if source.id == target.id:
        raise InvalidInput("Choose a different code to merge into.", field="target_id")
    if target.id in subtree_ids(source):
        raise InvalidInput("A code cannot be merged into one of its own sub-codes.", field="target_id")
    codings = db.session.scalar(select(func.count()).select_from(Coding).where(
        Coding.code_id == source.id, _on_readable_stories(actor))) or 0
    children = db.session.scalar(select(func.count()).select_from(Code).where(Code.parent_id == source.id)) or 0
    return {"codings": codings, "children": children}


def merge_codes(actor: User, source_id: object, target_id: object) -> dict[str, int]:
    """Move the source's codings and sub-codes to the target, then remove the source."""
    from sqlalchemy import update

    counts = merge_preview(actor, source_id, target_id)
    source, target = get_code(source_id), get_code(target_id)
    affected = subtree_ids(source)
    _touch_coded(affected)
    db.session.execute(update(Coding).where(Coding.code_id == source.id).values(code_id=target.id))
    db.session.execute(update(Code).where(Code.parent_id == source.id).values(parent_id=target.id))
    db.session.delete(source)
    db.session.flush()
    db.session.expire_all()
    return counts


def delete_preview(actor: User, code_id: object) -> dict[str, int]:
    code = get_code(code_id)
    ids = subtree_ids(code)
    codings = db.session.scalar(select(func.count()).select_from(Coding).where(
        Coding.code_id.in_(ids), _on_readable_stories(actor))) or 0
    return {"codes": len(ids), "codings": codings}


def delete_code(actor: User, code_id: object) -> dict[str, int]:
    """Delete a code, its sub-codes and every coding with them."""
    from sqlalchemy import delete as sql_delete

    counts = delete_preview(actor, code_id)
    code = get_code(code_id)
    ids = subtree_ids(code)
    _touch_coded(ids)
    db.session.execute(sql_delete(Coding).where(Coding.code_id.in_(ids)))
    for cid in reversed(ids):
        db.session.execute(sql_delete(Code).where(Code.id == cid))
    db.session.flush()
    db.session.expire_all()
    return counts
