"""Sense-making sessions and their insights, and where insights show up afterwards.

Hosts record sessions for their own sets and write insights linked to the
stories (or excerpt items) read and to themes. Researchers read every session
and insight, which is how sense-making feeds back into the analysis. A story
is named to a reader only as far as the policy lets that reader see it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import false, func, select

from storybank import policy
from storybank.accounts.models import User
from storybank.archive.models import Story
from storybank.audit.service import record
from storybank.coding.models import Code
from storybank.errors import InvalidInput, NotFound
from storybank.extensions import db
from storybank.lookup import parse_id
from storybank.workshops.cards import render_cards
from storybank.workshops.models import (
    Insight,
    InsightCode,
    InsightStory,
    SessionStory,
    StorySet,
    StorySetItem,
    WorkshopSession,
)
from storybank.workshops.sets import get_set
from storybank.workshops.texts import approved_versions

MAX_INSIGHT = 5000
MAX_PLACE = 200
MAX_PARTICIPANTS = 10_000


def _parse_date(value: object) -> date:
    if isinstance(value, date):
        return value
    try:
        held = date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise InvalidInput("Give the session's date as YYYY-MM-DD, for example 2026-12-03.", field="held_on") from None
    if held.year < 2000 or held > date.today() + timedelta(days=366):
        raise InvalidInput("That date is out of range: give the day the session took place.", field="held_on")
    return held


def _participants(value: object) -> int:
    try:
        number = int(str(value if value not in (None, "") else "0").strip())
    except ValueError:
        raise InvalidInput("How many took part is a whole number.", field="participants") from None
    if not 0 <= number <= MAX_PARTICIPANTS:
        raise InvalidInput(f"How many took part is between 0 and {MAX_PARTICIPANTS:,}.", field="participants")
    return number


def record_session(actor: User, set_id: object, held_on: object, place: object, participants: object
                   ) -> WorkshopSession:
    """A session for one of the host's sets; it remembers which stories were read (for their tellers' pages)."""
    if not policy.can(actor, "sessions.record"):
        raise NotFound("No such story set.")
    story_set = get_set(actor, set_id)
    clean_place = " ".join(str(place or "").split())
    if len(clean_place) > MAX_PLACE:
        raise InvalidInput(f"The place is at most {MAX_PLACE} characters.", field="place")
    session = WorkshopSession(host_id=actor.id, set_id=story_set.id, held_on=_parse_date(held_on),
                              place=clean_place, participants=_participants(participants),
                              set_title=story_set.title, question=story_set.question)
    db.session.add(session)
    db.session.flush()
    used = sorted({c.item.story_id for c in render_cards(actor, story_set) if c.available})
    db.session.add_all(SessionStory(session_id=session.id, story_id=sid) for sid in used)
    db.session.flush()
    record(actor, "session.recorded", session_id=session.id, set_id=story_set.id, stories=len(used))
    return session


def list_sessions(actor: User) -> list[WorkshopSession]:
    """Hosts: their own sessions. Researchers: every session."""
    stmt = select(WorkshopSession).order_by(WorkshopSession.held_on.desc(), WorkshopSession.id.desc())
    return list(db.session.scalars(_scope(actor, stmt)))


def _scope(actor: User, stmt: object) -> object:
    if not policy.can(actor, "insights.read"):
        return stmt.where(false())  # type: ignore[attr-defined]
    if policy.can(actor, "sessions.read_all"):
        return stmt
    return stmt.where(WorkshopSession.host_id == actor.id)  # type: ignore[attr-defined]


def get_session(actor: User, session_id: object) -> WorkshopSession:
    sid = parse_id(session_id, "No such session.")
    row = db.session.scalar(_scope(actor, select(WorkshopSession).where(WorkshopSession.id == sid)))
    if row is None:
        raise NotFound("No such session.")
    return row


def _own_session(actor: User, session_id: object) -> WorkshopSession:
    if not policy.can(actor, "sessions.record"):
        raise NotFound("No such session.")
    session = get_session(actor, session_id)
    if session.host_id != actor.id:
        raise NotFound("No such session.")
    return session


def session_story_ids(session: WorkshopSession) -> set[int]:
    return set(db.session.scalars(select(SessionStory.story_id).where(SessionStory.session_id == session.id)))


def link_choices(actor: User, session: WorkshopSession) -> list[tuple[str, str]]:
    """What an insight may name: the set's cards read in the session that the host may still read."""
    if session.story_set is None or session.host_id != actor.id:
        return []
    used = session_story_ids(session)
    out = []
    for card in render_cards(actor, session.story_set):
        if card.available and card.item.story_id in used:
            kind = "excerpt from" if card.excerpt else "story"
            out.append((f"item:{card.item.id}", f"Card {card.card_id}: {kind} “{card.title}”"))
    return out


def add_insight(actor: User, session_id: object, text: object, links: list[str] | None = None,
                code_ids: list[object] | None = None) -> Insight:
    session = _own_session(actor, session_id)
    words = str(text or "").strip()
    if not words:
        raise InvalidInput("Write the insight.", field="text")
    if len(words) > MAX_INSIGHT:
        raise InvalidInput(f"An insight is at most {MAX_INSIGHT:,} characters.", field="text")
    allowed = dict(link_choices(actor, session))
    items: list[StorySetItem] = []
    for value in links or []:
        if value not in allowed:
            raise InvalidInput("An insight can name only the cards read in this session.", field="links")
        items.append(db.session.get(StorySetItem, int(value.split(":", 1)[1])))
    codes = []
    for raw in code_ids or []:
        code = db.session.get(Code, parse_id(raw, "No such theme."))
        if code is None:
            raise InvalidInput("No such theme.", field="code_ids")
        codes.append(code)
    insight = Insight(session_id=session.id, author_id=actor.id, text=words)
    db.session.add(insight)
    db.session.flush()
    seen: set[tuple[int, int | None]] = set()
    for item in items:
        key = (item.story_id, item.id if item.start is not None else None)
        if key not in seen:
            seen.add(key)
            db.session.add(InsightStory(insight_id=insight.id, story_id=key[0], item_id=key[1]))
    db.session.add_all(InsightCode(insight_id=insight.id, code_id=c) for c in sorted({c.id for c in codes}))
    db.session.flush()
    record(actor, "insight.recorded", session_id=session.id, insight_id=insight.id)
    return insight


def delete_insight(actor: User, session_id: object, insight_id: object) -> None:
    session = _own_session(actor, session_id)
    iid = parse_id(insight_id, "No such insight.")
    insight = db.session.scalar(select(Insight).where(Insight.id == iid, Insight.session_id == session.id))
    if insight is None:
        raise NotFound("No such insight.")
    db.session.delete(insight)
    db.session.flush()


def delete_session(actor: User, session_id: object) -> WorkshopSession:
    """A host removes a session recorded by mistake, with its insights and the uses tellers saw."""
    session = _own_session(actor, session_id)
    db.session.delete(session)
    db.session.flush()
    record(actor, "session.deleted", session_id=session.id)
    return session


# --- reading insights where they matter -------------------------------------------------------------------


@dataclass
class StoryLink:
    story_id: int
    label: str
    readable: str  # "workshop" (host's reading page), "research" (the story page) or "" (not for this reader)
    excerpt: bool = False


@dataclass
class InsightView:
    insight: Insight
    session: WorkshopSession
    stories: list[StoryLink] = field(default_factory=list)
    codes: list[Code] = field(default_factory=list)


def describe(actor: User, insights: list[Insight]) -> list[InsightView]:
    """Insights with their links labelled for this reader (titles only of stories the reader may see)."""
    ids = [i.id for i in insights]
    if not ids:
        return []
    links: dict[int, list[InsightStory]] = {}
    for row in db.session.scalars(select(InsightStory).where(InsightStory.insight_id.in_(ids))
                                  .order_by(InsightStory.id)):
        links.setdefault(row.insight_id, []).append(row)
    codes: dict[int, list[Code]] = {}
    for insight_id, code in db.session.execute(select(InsightCode.insight_id, Code).join(
            Code, Code.id == InsightCode.code_id).where(InsightCode.insight_id.in_(ids)).order_by(Code.name)):
        codes.setdefault(insight_id, []).append(code)
    story_ids = {row.story_id for rows in links.values() for row in rows}
    labels = _labels(actor, story_ids)
    out = []
    for insight in insights:
        view = InsightView(insight, insight.session, codes=codes.get(insight.id, []))
        for row in links.get(insight.id, []):
            label, readable = labels.get(row.story_id, ("a story you cannot open", ""))
            view.stories.append(StoryLink(row.story_id, label, readable, excerpt=row.item_id is not None))
        out.append(view)
    return out


def _labels(actor: User, story_ids: set[int]) -> dict[int, tuple[str, str]]:
    out: dict[int, tuple[str, str]] = {}
    if not story_ids:
        return out
    if policy.purposes_for(actor, ("research",)):
        for story in db.session.scalars(policy.visible_stories(actor).where(Story.id.in_(story_ids))):
            out[story.id] = (story.title or "", "research")
    if policy.purposes_for(actor, ("workshop",)):
        visible = set(db.session.scalars(policy.visible_stories(actor, "workshop").with_only_columns(Story.id)
                                         .where(Story.id.in_(story_ids))))
        for sid, version in approved_versions(visible).items():
            out.setdefault(sid, (version.title or "", "workshop"))
    return out


def _insights(actor: User, *conditions: object, limit: int = 200) -> list[Insight]:
    if not policy.can(actor, "insights.read"):
        return []
    stmt = _scope(actor, select(Insight).join(WorkshopSession, WorkshopSession.id == Insight.session_id))
    for condition in conditions:
        stmt = stmt.where(condition)  # type: ignore[attr-defined]
    return list(db.session.scalars(stmt.order_by(WorkshopSession.held_on.desc(),  # type: ignore[attr-defined]
                                                 Insight.id.desc()).limit(limit)))


def insights_for_story(actor: User, story_id: int) -> list[InsightView]:
    """Insights naming a story the reader is looking at (the page has already checked they may)."""
    return describe(actor, _insights(actor, Insight.id.in_(
        select(InsightStory.insight_id).where(InsightStory.story_id == story_id))))


def insights_for_code(actor: User, code_id: int) -> list[InsightView]:
    return describe(actor, _insights(actor, Insight.id.in_(
        select(InsightCode.insight_id).where(InsightCode.code_id == code_id))))


def recent_insights(actor: User, limit: int = 50) -> list[InsightView]:
    return describe(actor, _insights(actor, limit=limit))


def insight_counts_by_code(actor: User) -> dict[int, int]:
    if not policy.can(actor, "insights.read"):
        return {}
    stmt = _scope(actor, select(InsightCode.code_id, func.count()).join(
        Insight, Insight.id == InsightCode.insight_id).join(WorkshopSession, WorkshopSession.id == Insight.session_id))
    return dict(db.session.execute(stmt.group_by(InsightCode.code_id)).all())  # type: ignore[attr-defined]


def session_insights(actor: User, session: WorkshopSession) -> list[InsightView]:
    return describe(actor, list(session.insights))


# --- the storyteller ----------------------------------------------------------------------------------------


def teller_uses(story_id: int) -> list[tuple[date, str]]:
    """When and for what question a story was read in a session: never who, where or how many."""
    rows = db.session.execute(select(WorkshopSession.held_on, WorkshopSession.question).join(
        SessionStory, SessionStory.session_id == WorkshopSession.id).where(SessionStory.story_id == story_id)
        .order_by(WorkshopSession.held_on.desc(), WorkshopSession.id.desc()))
    return [(held, question) for held, question in rows]


def teller_set_uses(story_id: int) -> list[tuple[date, str]]:
    """When a story was put in a story set, and the question the set serves: never by whom."""
    rows = db.session.execute(select(func.min(StorySetItem.added_at), StorySet.question).join(
        StorySet, StorySet.id == StorySetItem.set_id).where(StorySetItem.story_id == story_id)
        .group_by(StorySet.id, StorySet.question).order_by(func.min(StorySetItem.added_at).desc()))
    return [(added.date(), question) for added, question in rows]
