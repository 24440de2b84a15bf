"""What the coding page shows: the current text cut into segments at coding boundaries, and the codings."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from storybank import policy
from storybank.accounts.models import User
from storybank.archive.models import Story, StoryRevision
from storybank.audit.service import record
from storybank.coding.lightened import decorations
from storybank.coding.models import Coding, Memo
from storybank.extensions import db


@dataclass
class Segment:
    start: int
    end: int
    text: str
    codes: list[int] = field(default_factory=list)
    looks: str = ""  # classes of the lightened Markdown (see lightened.py)


@dataclass
class CodingView:
    story: Story
    revision: StoryRevision
    segments: list[Segment]
    codings: list[Coding]
    whole_story: list[Coding]
    coders: dict[int, str]
    hidden_others: int
    memos: dict[int, list[Memo]] = field(default_factory=dict)  # coding id -> memos
    story_memos: list[Memo] = field(default_factory=list)


def coding_view(actor: User, story_id: object, blind: bool = True) -> CodingView:
    story = policy.get_story(actor, story_id, "research")
    revision = story.current_revision
    assert revision is not None
    record(actor, "story.read", story_id=story.id, purpose="research", view="coding")
    stmt = (select(Coding).where(Coding.story_id == story.id, Coding.revision_id == revision.id)
            .options(selectinload(Coding.code)).order_by(Coding.start, Coding.end, Coding.id))
    codings = list(db.session.scalars(stmt))
    hidden = 0
    if blind:
        hidden = sum(1 for c in codings if c.coder_id != actor.id)
        codings = [c for c in codings if c.coder_id == actor.id]
    coders = {u.id: ("you" if u.id == actor.id else (u.display_name or u.email)) for u in db.session.scalars(
        select(User).where(User.id.in_({c.coder_id for c in codings if c.coder_id})))}
    excerpts = [c for c in codings if c.start is not None]
    text = revision.body
    looks = decorations(text)
    cuts = sorted({0, len(text)} | {c.start for c in excerpts} | {c.end for c in excerpts}
                  | {x for a, b, _ in looks for x in (a, b)})
    segments = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        if a == b:
            continue
        segments.append(Segment(a, b, text[a:b], [c.code_id for c in excerpts if c.start <= a and c.end >= b],
                                " ".join(sorted({cls for s, e, cls in looks if s <= a and e >= b}))))
    memos: dict[int, list[Memo]] = {}
    shown = [c.id for c in codings]
    for memo in db.session.scalars(select(Memo).where(Memo.coding_id.in_(shown)).order_by(Memo.id)) if shown else []:
        memos.setdefault(memo.coding_id, []).append(memo)
    story_memos = list(db.session.scalars(select(Memo).where(Memo.story_id == story.id).order_by(Memo.id)))
    return CodingView(story=story, revision=revision, segments=segments, codings=excerpts,
                      whole_story=[c for c in codings if c.start is None], coders=coders, hidden_others=hidden,
                      memos=memos, story_memos=story_memos)
