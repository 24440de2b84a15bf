"""Applying codes to stories: excerpts in Unicode code points (end exclusive) or the whole story."""
from __future__ import annotations

from sqlalchemy import delete, func, select

from storybank import policy
from storybank.accounts.models import User
from storybank.archive.models import Story
from storybank.archive.quotations import remove_traces, traces_of
from storybank.audit.service import record
from storybank.coding.codebook import get_code
from storybank.coding.models import CoderNotice, Coding, Memo
from storybank.coding.units import set_units
from storybank.errors import InvalidInput, NotFound
from storybank.extensions import db
from storybank.lookup import get_or_not_found
from storybank.search.indexing import touch


def parse_offset(value: object, name: str) -> int:
    """A code-point offset from a form or JSON value, or a clear InvalidInput."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidInput(f"{name} must be a whole number of characters.", field=name)
    try:
        return int(value)
    except ValueError:
        raise InvalidInput(f"{name} must be a whole number of characters.", field=name) from None


def apply_coding(actor: User, story_id: object, code_id: object, start: object = None,
                 end: object = None) -> Coding:
    """Code [start, end) of the story's current revision, or the whole story when both are omitted."""
    story = policy.get_story(actor, story_id, "research")
    code = get_code(code_id)
    revision = story.current_revision
    assert revision is not None
    if (start is None) != (end is None):
        raise InvalidInput("Give both start and end, or neither to code the whole story.")
    if start is not None:
        s, e = parse_offset(start, "start"), parse_offset(end, "end")
        length = len(revision.body)
        if not 0 <= s < e <= length:
            raise InvalidInput(f"The excerpt must lie inside the story: 0 ≤ start < end ≤ {length}.")
        if not revision.body[s:e].strip():
            raise InvalidInput("The excerpt is only white space.")
        start, end = s, e
    coding = Coding(story_id=story.id, revision_id=revision.id, code_id=code.id, coder_id=actor.id,
                    start=start, end=end)
    set_units(coding, revision)
    db.session.add(coding)
    db.session.flush()
    touch(story.id)
    record(actor, "coding.added", story_id=story.id, purpose="research", code_id=code.id)
    return coding


def visible_coding(actor: User, coding_id: object) -> Coding:
    """A coding on a story the actor may read for research, or NotFound."""
    coding = get_or_not_found(Coding, coding_id, "No such coding.")
    policy.get_story(actor, coding.story_id, "research")
    return coding


def remove_coding(actor: User, coding_id: object) -> None:
    coding = visible_coding(actor, coding_id)
    if coding.coder_id != actor.id:  # each coder's codings are their own
        raise NotFound("No such coding.")
    story_id = coding.story_id
    db.session.delete(coding)
    db.session.flush()
    touch(story_id)
    record(actor, "coding.removed", story_id=story_id, purpose="research")


def codings_for(actor: User, story_id: object) -> list[Coding]:
    story = policy.get_story(actor, story_id, "research")
    return list(db.session.scalars(select(Coding).where(Coding.story_id == story.id).order_by(Coding.start, Coding.id)))


def delete_codings_of(story: Story) -> dict[str, int]:
    """Withdrawal: the story's memos (on it and on its codings), then its codings."""
    coding_ids = select(Coding.id).where(Coding.story_id == story.id)
    on_story = (Memo.story_id == story.id) | Memo.coding_id.in_(coding_ids)
    memos = db.session.scalar(select(func.count()).select_from(Memo).where(on_story)) or 0
    db.session.execute(delete(Memo).where(on_story))
    count = db.session.scalar(select(func.count()).where(Coding.story_id == story.id)) or 0
    db.session.execute(delete(Coding).where(Coding.story_id == story.id))
    db.session.execute(delete(CoderNotice).where(CoderNotice.story_id == story.id))
    out = {}
    if count:
        out["codings"] = count
    if memos:
        out["memos"] = memos
    quoted = _remove_quotations_from_memos(story)
    if quoted:
        out["memo_quotations"] = quoted
    return out


def _remove_quotations_from_memos(story: Story) -> int:
    """Other memos (on codes, on other stories) keep their words but lose quotations, names and rare words of it."""
    traces = traces_of(story)
    removed = 0
    for memo in db.session.scalars(select(Memo)):
        text, n = remove_traces(memo.text, traces)
        if n:
            memo.text = text
            removed += n
    return removed


def take_notices(actor: User) -> list[tuple[CoderNotice, bool]]:
    """The coder's unseen notices (with whether the story is still theirs to see), now marked seen."""
    from storybank.timeutil import utcnow

    notices = list(db.session.scalars(select(CoderNotice).where(
        CoderNotice.user_id == actor.id, CoderNotice.seen_at.is_(None)).order_by(CoderNotice.id)))
    visible = set(db.session.scalars(policy.visible_stories(actor, "research").with_only_columns(Story.id).where(
        Story.id.in_({n.story_id for n in notices})))) if notices else set()
    for notice in notices:
        notice.seen_at = utcnow()
    db.session.flush()
    return [(n, n.story_id in visible) for n in notices]
