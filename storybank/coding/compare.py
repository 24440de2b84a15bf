"""Two coders side by side on one story, sentence by sentence, with disagreements marked."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from storybank import policy
from storybank.accounts.models import User
from storybank.archive.models import Story
from storybank.audit.service import record
from storybank.coding.models import Code, Coding
from storybank.coding.units import spans_of, touched
from storybank.errors import InvalidInput
from storybank.extensions import db


@dataclass
class Row:
    text: str
    a: list[Code]
    b: list[Code]

    @property
    def disagree(self) -> bool:
        return {c.id for c in self.a} != {c.id for c in self.b}


@dataclass
class Comparison:
    story: Story
    coders: list[User]
    a: User | None
    b: User | None
    rows: list[Row]

    @property
    def disagreements(self) -> int:
        return sum(1 for r in self.rows if r.disagree)


def compare_coders(actor: User, story_id: object, a_id: object = None, b_id: object = None) -> Comparison:
    story = policy.get_story(actor, story_id, "research")
    revision = story.current_revision
    assert revision is not None
    record(actor, "story.read", story_id=story.id, purpose="research", view="compare")
    codings = list(db.session.scalars(select(Coding).where(Coding.revision_id == revision.id)
                                      .options(selectinload(Coding.code))))
    coder_ids = sorted({c.coder_id for c in codings if c.coder_id is not None})
    coders = list(db.session.scalars(select(User).where(User.id.in_(coder_ids)).order_by(User.id)))
    by_id = {u.id: u for u in coders}

    def pick(value: object, fallback: int) -> User | None:
        if value in (None, ""):
            return coders[fallback] if len(coders) > fallback else None
        try:
            return by_id[int(str(value))]
        except (ValueError, KeyError):
            raise InvalidInput("Choose coders who have coded this story.") from None

    a, b = pick(a_id, 0), pick(b_id, 1)
    spans = spans_of(revision)
    marks: dict[int, dict[int, list[Code]]] = {}
    for coding in codings:
        if coding.start is None:  # a whole-story coding marks every sentence
            units = range(len(spans))
        else:
            found = touched(spans, coding.start, coding.end)
            units = range(found[0], found[1] + 1) if found else range(0)
        for unit in units:
            marks.setdefault(coding.coder_id or 0, {}).setdefault(unit, []).append(coding.code)
    rows = []
    for i, (s, e) in enumerate(spans):
        a_codes = _unique(marks.get(a.id, {}).get(i, [])) if a else []
        b_codes = _unique(marks.get(b.id, {}).get(i, [])) if b else []
        rows.append(Row(revision.body[s:e], a_codes, b_codes))
    return Comparison(story=story, coders=coders, a=a, b=b, rows=rows)


def _unique(codes: list[Code]) -> list[Code]:
    seen: dict[int, Code] = {}
    for code in codes:
        seen.setdefault(code.id, code)
    return sorted(seen.values(), key=lambda c: c.name)
