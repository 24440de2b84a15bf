"""Memos: a researcher's notes on a coding, a story or a code, listed, searched and exported together."""
from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from storybank import policy
from storybank.accounts.models import User
from storybank.archive.models import Story
from storybank.coding.codebook import get_code
from storybank.coding.codings import visible_coding
from storybank.coding.models import Code, Coding, Memo
from storybank.csv_safe import csv_text
from storybank.errors import InvalidInput, NotFound
from storybank.extensions import db
from storybank.lookup import parse_id
from storybank.timeutil import utcnow

MAX_MEMO = 20000


def _clean(text: object) -> str:
    value = str(text or "").strip()
    if not value:
        raise InvalidInput("A memo needs some text.", field="text")
    if len(value) > MAX_MEMO:
        raise InvalidInput(f"A memo can be at most {MAX_MEMO:,} characters.", field="text")
    return value


def add_memo(actor: User, text: object, *, coding_id: object = None, story_id: object = None,
             code_id: object = None) -> Memo:
    targets = [t for t in (coding_id, story_id, code_id) if t not in (None, "")]
    if len(targets) != 1:
        raise InvalidInput("A memo belongs to exactly one coding, story or code.")
    memo = Memo(author_id=actor.id)
    if coding_id not in (None, ""):
        memo.coding_id = visible_coding(actor, coding_id).id
    elif story_id not in (None, ""):
        memo.story_id = policy.get_story(actor, story_id, "research").id
    else:
        memo.code_id = get_code(code_id).id
    memo.text = _clean(text)
    db.session.add(memo)
    db.session.flush()
    return memo


def _visible_memos(actor: User) -> object:
    """Memos on codes, and memos on stories (or their codings) the actor may read for research."""
    visible = policy.visible_stories(actor, "research").with_only_columns(Story.id)
    coding = aliased(Coding)
    return (select(Memo).outerjoin(coding, coding.id == Memo.coding_id)
            .where(or_(Memo.code_id.is_not(None), Memo.story_id.in_(visible), coding.story_id.in_(visible))))


def list_memos(actor: User, text: str = "", limit: int = 500) -> list[Memo]:
    stmt = _visible_memos(actor)
    if text.strip():
        escaped = text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(Memo.text.ilike(f"%{escaped}%", escape="\\"))
    return list(db.session.scalars(stmt.order_by(Memo.updated_at.desc(), Memo.id.desc()).limit(limit)))


def update_memo(actor: User, memo_id: object, text: object) -> Memo:
    memo = _own(actor, memo_id)
    memo.text = _clean(text)
    memo.updated_at = utcnow()
    db.session.flush()
    return memo


def delete_memo(actor: User, memo_id: object) -> None:
    db.session.delete(_own(actor, memo_id))
    db.session.flush()


def own_memo(actor: User, memo_id: object) -> Memo:
    """One of the actor's own memos on something they may read, or NotFound."""
    return _own(actor, memo_id)


def _own(actor: User, memo_id: object) -> Memo:
    mid = parse_id(memo_id, "No such memo.")
    memo = db.session.scalar(_visible_memos(actor).where(Memo.id == mid))
    if memo is None or memo.author_id != actor.id:
        raise NotFound("No such memo.")
    return memo


def describe(memo: Memo) -> tuple[str, str, int | None, str]:
    """(kind, label, story id, story title) of what a memo is about; a memo on a coding names its story too."""
    if memo.code_id is not None:
        code = db.session.get(Code, memo.code_id)
        return "code", code.name if code else "", None, ""
    if memo.coding_id is not None:
        coding = db.session.get(Coding, memo.coding_id)
        if coding is None:
            return "coding", "", None, ""
        return "coding", coding.code.name, coding.story_id, _title(coding.story_id)
    title = _title(memo.story_id)
    return "story", title, memo.story_id, title


def _title(story_id: int | None) -> str:
    story = db.session.get(Story, story_id) if story_id else None
    revision = story.current_revision if story else None
    return revision.title if revision else ""


def memos_csv(actor: User, text: str = "") -> str:
    rows: list[list[object]] = [
        ["memo_id", "about", "label", "story_id", "author_id", "created_at", "updated_at", "text", "story_title"]]
    for memo in list_memos(actor, text, limit=100000):
        kind, label, story_id, title = describe(memo)
        rows.append([memo.id, kind, label, story_id or "", memo.author_id or "", memo.created_at.isoformat(),
                     memo.updated_at.isoformat(), memo.text, title])
    return csv_text(rows)
