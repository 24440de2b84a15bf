"""Reading a workshop version: its spans, how they render, what is still unreplaced, and its log."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from storybank.accounts.models import User
from storybank.archive.models import Story, StoryRevision
from storybank.deid import registry, words
from storybank.deid.models import ACCEPTED, APPROVED, REJECTED, AnonymisationEntry, IdentifierSpan, WorkshopVersion
from storybank.errors import NotFound
from storybank.extensions import db


def version_of(story: Story) -> WorkshopVersion | None:
    return db.session.scalar(select(WorkshopVersion).where(WorkshopVersion.story_id == story.id))


def states_of(story_ids: list[int]) -> dict[int, str]:
    """Where each story's workshop version stands (stories without one are absent)."""
    if not story_ids:
        return {}
    return dict(db.session.execute(select(WorkshopVersion.story_id, WorkshopVersion.status).where(
        WorkshopVersion.story_id.in_(story_ids))).all())


def approved_texts(stories: list[Story]) -> dict[int, tuple[str, str]]:
    """The approved (title, body) hosts may read, of each of these stories that has one (one query)."""
    if not stories:
        return {}
    rows = db.session.execute(select(WorkshopVersion.story_id, WorkshopVersion.title, WorkshopVersion.body).where(
        WorkshopVersion.story_id.in_([s.id for s in stories]), WorkshopVersion.status == APPROVED,
        WorkshopVersion.body.is_not(None)))
    return {sid: (title or "", body) for sid, title, body in rows}


def spans_of(story: Story, revision: StoryRevision) -> list[IdentifierSpan]:
    return list(db.session.scalars(select(IdentifierSpan).where(
        IdentifierSpan.story_id == story.id, IdentifierSpan.revision_id == revision.id,
    ).order_by(IdentifierSpan.part.desc(), IdentifierSpan.start)))  # title before body


def replacement_of(span: IdentifierSpan) -> str:
    if span.descriptor:
        return span.descriptor
    if span.pseudonym is not None:
        return f"[{span.pseudonym.label}]"
    return registry.PLACEHOLDER.get(span.type, "[removed]")


def apply(text: str, spans: list[IdentifierSpan]) -> str:
    """`text` with each accepted span replaced (spans of one part, in any order)."""
    out, at = [], 0
    for span in sorted((s for s in spans if s.decision == ACCEPTED), key=lambda s: s.start):
        if span.start < at:
            continue
        out.append(text[at:span.start])
        out.append(replacement_of(span))
        at = span.end
    out.append(text[at:])
    return "".join(out)


def render(story: Story) -> tuple[str, str]:
    """The pseudonymised (title, body) of the current revision under the decisions so far."""
    rev = revision_of(story)
    spans = spans_of(story, rev)
    return (apply(rev.title, [s for s in spans if s.part == "title"]),
            apply(rev.body, [s for s in spans if s.part == "body"]))


def occurrences(text: str, original: str) -> list[tuple[int, int]]:
    """Where `original` is mentioned, whole words only, case as `words.same_name` says."""
    original = original.strip()
    if not original:
        return []
    parts = [re.escape(w) for w in original.split()]
    pattern = re.compile(r"(?<![\w-])" + r"\s+".join(parts) + r"(?![\w-])", re.IGNORECASE)
    return [(m.start(), m.end()) for m in pattern.finditer(text) if words.same_name(original, m.group())]


def kept_on_purpose(spans: list[IdentifierSpan], start: int, end: int, kind: str) -> bool:
    """A mention is decided when an accepted span covers it, or a rejection of the same kind ("hope", not Hope)."""
    return any(s.start <= start and s.end >= end and (s.decision == ACCEPTED or (s.decision == REJECTED
                                                                                  and s.type == kind))
               for s in spans)


NOT_FOLLOWED = ("AGE",)  # the same number elsewhere is not the same age


def leaks(story: Story) -> list[str]:
    """Accepted identifiers with a mention nobody decided on: must be empty before anyone approves a version."""
    rev = revision_of(story)
    spans = spans_of(story, rev)
    accepted = {(s.original, s.type) for s in spans if s.decision == ACCEPTED and s.type not in NOT_FOLLOWED}
    out = set()
    for part, text in (("title", rev.title), ("body", rev.body)):
        in_part = [s for s in spans if s.part == part]
        for original, kind in accepted:
            if any(not kept_on_purpose(in_part, a, b, kind) for a, b in occurrences(text, original)):
                out.add(original)
    return sorted(out)


def revision_of(story: Story) -> StoryRevision:
    rev = story.current_revision
    if rev is None:
        raise NotFound("No such story.")
    return rev

@dataclass
class Segment:
    text: str
    span: IdentifierSpan | None = None
    replacement: str = ""


def segments(text: str, spans: list[IdentifierSpan]) -> list[Segment]:
    out, at = [], 0
    for span in sorted(spans, key=lambda s: s.start):
        if span.start < at:
            continue
        if span.start > at:
            out.append(Segment(text[at:span.start]))
        out.append(Segment(text[span.start:span.end], span, replacement_of(span) if span.decision == ACCEPTED else ""))
        at = span.end
    if at < len(text):
        out.append(Segment(text[at:]))
    return out


def log_action(actor: User | None, story: Story, action: str, kind: str = "", original: str = "",
         replacement: str = "", note: str = "") -> None:
    db.session.add(AnonymisationEntry(story_id=story.id, actor_id=actor.id if actor is not None else None,
                                      action=action, type=kind, original=original, replacement=replacement[:200],
                                      note=note))
