"""A colleague's coding of sources already in storybank: their codings join the existing stories.

A source is the same story when its GUID is (storybank's own export, or an earlier import
of the same project). Each coding's words are checked against the story's current text:
where the story was revised since, a coding whose words still appear exactly once moves
with them; one whose words are gone is skipped and counted, for its coder. Codings the
story already has (same coder, code and words) are not added twice, so importing the
same file again adds nothing.
"""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from storybank import policy
from storybank.accounts.models import User
from storybank.archive.models import Story
from storybank.coding.models import Code, Coding
from storybank.coding.units import set_units
from storybank.extensions import db
from storybank.interop.qdpx_parse import FileCoding, FileSource
from storybank.search.indexing import touch
from storybank.timeutil import utcnow


def coder_name(user: User) -> str:
    return user.display_name or user.email


def _place(file_text: str, body: str, start: int, end: int) -> tuple[int, int] | None:
    """Where the file's words [start, end) are in the current text, or None when they are not there (once)."""
    if file_text == body or file_text[start:end] == body[start:end]:
        return start, end
    words = file_text[start:end]
    at = body.find(words)
    if at < 0 or body.find(words, at + 1) >= 0:
        return None
    return at, at + len(words)


def merge_codings(actor: User, story_id: int, source: FileSource, codes: dict[str, Code],
                  coder_of: Callable[[str | None], User],
                  targets: dict[str, tuple[str, int]], counts: dict[str, int]) -> bool:
    """Add the file's codings on `source` to the existing story; False when the actor may not read it.

    `coder_of(guid)` gives the account for a file's user GUID. Counts go into `counts`:
    codings added and skipped per coder (by name), and codings already there.
    """
    story = db.session.scalar(policy.visible_stories(actor, ("research", "entered")).where(Story.id == story_id))
    if story is None:  # withdrawn, or not this researcher's to read: nothing is said about it
        return False
    revision = story.current_revision
    assert revision is not None
    body, file_text = revision.body, source.text or ""
    existing = {(c.code_id, c.coder_id, c.start, c.end): c for c in db.session.scalars(
        select(Coding).where(Coding.story_id == story.id, Coding.revision_id == revision.id))}
    added: dict[str, Coding] = {}

    def add(coding: FileCoding, span: tuple[int, int] | None, fallback: str | None) -> None:
        coder = coder_of(coding.user_guid or fallback)
        start, end = span if span else (None, None)
        key = (codes[coding.code_guid].id, coder.id, start, end)
        if key in existing:
            counts["codings_already_present"] = counts.get("codings_already_present", 0) + 1
            return
        row = Coding(story_id=story.id, revision_id=revision.id, code_id=key[0], coder_id=coder.id,
                     start=start, end=end, created_at=coding.created or utcnow())
        set_units(row, revision)
        db.session.add(row)
        existing[key] = added[coding.guid] = row
        name = f"codings added to stories already here, by {coder_name(coder)}"
        counts[name] = counts.get(name, 0) + 1

    for selection in source.selections:
        span = _place(file_text, body, selection.start, selection.end)
        if span is None:
            for coding in selection.codings:
                coder = coder_of(coding.user_guid or selection.user_guid)
                name = f"skipped: codings by {coder_name(coder)} whose words are no longer in the story"
                counts[name] = counts.get(name, 0) + 1
            continue
        for coding in selection.codings:
            add(coding, span, selection.user_guid)
    for coding in source.codings:
        add(coding, None, None)
    db.session.flush()
    for guid, row in added.items():  # notes on the new codings follow them; nothing else is attached twice
        targets[guid] = ("coding", row.id)
    if added:
        touch(story.id)
    return True
