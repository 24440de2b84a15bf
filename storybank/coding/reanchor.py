"""Re-anchoring codings when a story is revised: offsets are mapped through a diff of the two texts.

An excerpt keeps whatever part of its text survives (its new span runs from the
first to the last surviving character); an excerpt none of whose text survives
is removed, counted, and its coder told. Whole-story codings move to the new
revision unchanged.
"""
from __future__ import annotations

from collections import Counter
from difflib import SequenceMatcher

from sqlalchemy import select

from storybank.archive.models import Story, StoryRevision
from storybank.audit.service import record
from storybank.coding.models import CoderNotice, Coding
from storybank.coding.units import set_units
from storybank.extensions import db

CHAR_DIFF_LIMIT = 20000  # changed line blocks longer than this are compared line by line only

Block = tuple[int, int, int]  # old start, new start, length of an unchanged run


def unchanged_blocks(old: str, new: str) -> list[Block]:
    """Runs of characters the revision left untouched: lines first, then characters inside changed lines."""
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    old_at, new_at = _starts(old_lines), _starts(new_lines)
    blocks: list[Block] = []
    matcher = SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        a0, a1, b0, b1 = old_at[i1], old_at[i2], new_at[j1], new_at[j2]
        if tag == "equal":
            blocks.append((a0, b0, a1 - a0))
        elif tag == "replace" and (a1 - a0) + (b1 - b0) <= CHAR_DIFF_LIMIT:
            inner = SequenceMatcher(None, old[a0:a1], new[b0:b1], autojunk=False)
            blocks.extend((a0 + m.a, b0 + m.b, m.size) for m in inner.get_matching_blocks() if m.size)
    return blocks


def _starts(lines: list[str]) -> list[int]:
    out = [0]
    for line in lines:
        out.append(out[-1] + len(line))
    return out


def map_span(start: int, end: int, blocks: list[Block], old: str | None = None) -> tuple[int, int] | None:
    """The new span of [start, end), or None when its text is gone.

    Gone means no character survives or, given the old text, that what survives is
    under a quarter of the excerpt or holds no letter or digit (a stray full stop).
    """
    first = last = None
    survived: list[str] = []
    count = 0
    for a, b, size in blocks:
        lo, hi = max(start, a), min(end, a + size)
        if lo >= hi:
            continue
        count += hi - lo
        if old is not None:
            survived.append(old[lo:hi])
        new_lo, new_hi = b + (lo - a), b + (hi - a)
        first = new_lo if first is None else min(first, new_lo)
        last = new_hi if last is None else max(last, new_hi)
    if first is None or last is None or last <= first:
        return None
    if old is not None and (count * 4 < end - start or not any(ch.isalnum() for ch in "".join(survived))):
        return None
    return first, last


def reanchor(story: Story, old: StoryRevision, new: StoryRevision) -> dict[str, int]:
    codings = list(db.session.scalars(select(Coding).where(Coding.revision_id == old.id)))
    if not codings:
        return {}
    blocks = unchanged_blocks(old.body, new.body)
    removed: Counter[int | None] = Counter()
    kept = 0
    for coding in codings:
        if coding.start is None:
            coding.revision_id = new.id
            kept += 1
            continue
        span = map_span(coding.start, coding.end, blocks, old.body)
        if span is None or not new.body[span[0]:span[1]].strip():
            removed[coding.coder_id] += 1
            db.session.delete(coding)
            continue
        coding.revision_id, coding.start, coding.end = new.id, span[0], span[1]
        set_units(coding, new)
        kept += 1
    for coder_id, count in removed.items():
        if coder_id is not None:
            db.session.add(CoderNotice(user_id=coder_id, story_id=story.id, removed=count, revision=new.number))
    total_removed = sum(removed.values())
    db.session.flush()
    if total_removed:
        record(None, "codings.reanchored", story_id=story.id, purpose="research", kept=kept, removed=total_removed)
    return {"kept": kept, "removed": total_removed}

