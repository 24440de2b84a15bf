"""Lists for researchers and admins: the review queue, the pseudonym registry and the anonymisation log.

Registry entries and log rows hold identifiers as the teller wrote them: a
researcher sees those of stories they may still read (research, entered or
workshop preparation); an admin, who reads no stories, sees labels, counts,
who and when, with the originals withheld.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Select, func, select

from storybank import policy
from storybank.accounts.models import User
from storybank.archive.models import Story
from storybank.deid.models import STATES, AnonymisationEntry, IdentifierSpan, Pseudonym, WorkshopVersion
from storybank.extensions import db

PER_PAGE = 50
NOT_STARTED = "not_started"
STATE_LABELS = {
    NOT_STARTED: "Not reviewed yet", "review": "In review", "with_teller": "Waiting for the storyteller",
    "changes_requested": "Storyteller asked for changes", "approved": "Approved for workshops",
}
READ_PURPOSES = ("research", "entered", "workshop_prep")


@dataclass
class QueueRow:
    story_id: int
    title: str
    site: str
    status: str
    pending: int
    teller_message: str


@dataclass
class Queue:
    rows: list[QueueRow]
    counts: dict[str, int]
    status: str | None
    page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PER_PAGE))


def queue(actor: User, status: str | None, page: int) -> Queue:
    """Stories whose tellers consented to workshops, by where their workshop version stands."""
    visible = policy.visible_stories(actor, "workshop_prep").with_only_columns(Story.id).subquery()
    state = func.coalesce(WorkshopVersion.status, NOT_STARTED)
    base = select(Story.id).join(visible, visible.c.id == Story.id).outerjoin(
        WorkshopVersion, WorkshopVersion.story_id == Story.id)
    counts = dict(db.session.execute(base.with_only_columns(state, func.count()).group_by(state)).all())
    if status not in STATE_LABELS:
        status = None
    stmt: Select = base.with_only_columns(Story.id, Story.title, Story.site, state, WorkshopVersion.teller_message)
    if status:
        stmt = stmt.where(state == status)
    total = sum(counts.values()) if status is None else counts.get(status, 0)
    rows = db.session.execute(stmt.order_by(Story.id.desc()).offset((page - 1) * PER_PAGE).limit(PER_PAGE)).all()
    pending = dict(db.session.execute(
        select(IdentifierSpan.story_id, func.count()).where(
            IdentifierSpan.story_id.in_([r[0] for r in rows]), IdentifierSpan.decision == "proposed")
        .group_by(IdentifierSpan.story_id)).all()) if rows else {}
    return Queue(rows=[QueueRow(r[0], r[1] or "", r[2] or "", r[3], pending.get(r[0], 0), r[4] or "") for r in rows],
                 counts={s: counts.get(s, 0) for s in (NOT_STARTED, *STATES)}, status=status, page=page, total=total)


def _readable_story_ids(actor: User) -> Select | None:
    """Stories whose identifiers this user may read, or None when only labels may be shown."""
    if not policy.can(actor, "workshop.prepare"):
        return None
    return policy.visible_stories(actor, READ_PURPOSES).with_only_columns(Story.id)


@dataclass
class RegistryRow:
    label: str
    type: str
    scope: str
    original: str | None  # None: withheld
    stories: int
    created_at: object


@dataclass
class RegistryPage:
    rows: list[RegistryRow]
    originals_shown: bool
    page: int
    total: int
    query: str = ""
    by_type: dict[str, int] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PER_PAGE))


def registry_entries(actor: User, query: str, page: int) -> RegistryPage:
    readable = _readable_story_ids(actor)
    uses = select(IdentifierSpan.pseudonym_id, func.count(func.distinct(IdentifierSpan.story_id)).label("n")) \
        .where(IdentifierSpan.pseudonym_id.is_not(None))
    if readable is not None:
        uses = uses.where(IdentifierSpan.story_id.in_(readable))
    uses = uses.group_by(IdentifierSpan.pseudonym_id).subquery()
    stmt = select(Pseudonym, uses.c.n).join(uses, uses.c.pseudonym_id == Pseudonym.id)
    query = " ".join(str(query or "").split())[:100]
    if query:
        like = f"%{query.casefold()}%"
        cond = func.lower(Pseudonym.label).like(like)
        if readable is not None:
            cond = cond | Pseudonym.key.like(like)
        stmt = stmt.where(cond)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    by_type = dict(db.session.execute(select(Pseudonym.type, func.count()).join(
        uses, uses.c.pseudonym_id == Pseudonym.id).group_by(Pseudonym.type)).all())
    rows = db.session.execute(stmt.order_by(Pseudonym.type, Pseudonym.scope, Pseudonym.label, Pseudonym.id)
                              .offset((page - 1) * PER_PAGE).limit(PER_PAGE)).all()
    shown = readable is not None
    return RegistryPage(
        rows=[RegistryRow(p.label, p.type, p.scope, p.original if shown else None, n, p.created_at) for p, n in rows],
        originals_shown=shown, page=page, total=total, query=query, by_type=by_type)


@dataclass
class LogRow:
    at: object
    story_id: int
    actor: str
    action: str
    type: str
    original: str | None
    replacement: str
    note: str | None


@dataclass
class LogPage:
    rows: list[LogRow]
    originals_shown: bool
    page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PER_PAGE))


def log_entries(actor: User, page: int) -> LogPage:
    readable = _readable_story_ids(actor)
    stmt = select(AnonymisationEntry, User.display_name).outerjoin(User, User.id == AnonymisationEntry.actor_id)
    if readable is not None:
        stmt = stmt.where(AnonymisationEntry.story_id.in_(readable))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.execute(stmt.order_by(AnonymisationEntry.id.desc())
                              .offset((page - 1) * PER_PAGE).limit(PER_PAGE)).all()
    shown = readable is not None
    return LogPage(rows=[LogRow(e.at, e.story_id, name or "storybank", e.action, e.type,
                                e.original if shown else None, e.replacement, e.note if shown else None)
                         for e, name in rows], originals_shown=shown, page=page, total=total)
