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
    segments = _segments(text, [(c.start, c.end, c.code_id) for c in excerpts], decorations(text))
    memos: dict[int, list[Memo]] = {}
    shown = [c.id for c in codings]
    for memo in db.session.scalars(select(Memo).where(Memo.coding_id.in_(shown)).order_by(Memo.id)) if shown else []:
        memos.setdefault(memo.coding_id, []).append(memo)
    story_memos = list(db.session.scalars(select(Memo).where(Memo.story_id == story.id).order_by(Memo.id)))
    return CodingView(story=story, revision=revision, segments=segments, codings=excerpts,
                      whole_story=[c for c in codings if c.start is None], coders=coders, hidden_others=hidden,
                      memos=memos, story_memos=story_memos)


def _segments(text: str, marks: list[tuple[int, int, int]], looks: tuple[tuple[int, int, str], ...]) -> list[Segment]:
    """The text cut wherever a coding or a Markdown look starts or ends, in one sweep (no pairwise scan).

    Every start and end is a cut, so a range covers a whole segment exactly when it is open at the segment's start.
    """
    starts: dict[int, list[tuple[str, object]]] = {}
    ends: dict[int, list[tuple[str, object]]] = {}
    for a, b, code_id in marks:
        starts.setdefault(a, []).append(("code", code_id))
        ends.setdefault(b, []).append(("code", code_id))
    for a, b, cls in looks:
        starts.setdefault(a, []).append(("look", cls))
        ends.setdefault(b, []).append(("look", cls))
    cuts = sorted({0, len(text)} | starts.keys() | ends.keys())
    open_codes: dict[object, int] = {}
    open_looks: dict[object, int] = {}
    order = {code_id: i for i, (_, _, code_id) in enumerate(marks)}  # codes listed as the codings are ordered
    segments = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        for kind, value in ends.get(a, ()):
            held = open_codes if kind == "code" else open_looks
            held[value] -= 1
            if not held[value]:
                del held[value]
        for kind, value in starts.get(a, ()):
            held = open_codes if kind == "code" else open_looks
            held[value] = held.get(value, 0) + 1
        if a == b:
            continue
        codes = [c for c in sorted(open_codes, key=order.__getitem__) for _ in range(open_codes[c])]
        segments.append(Segment(a, b, text[a:b], codes, " ".join(sorted(str(v) for v in open_looks))))
    return segments

