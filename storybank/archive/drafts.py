"""Drafts: what a teller is writing, kept on the server as they type.

One draft per teller and form: "new" for a story being told, "story-<id>" for a
revision. Only its writer reads it; nothing here is indexed, exported to
researchers or shown to anyone else. Saving the story, withdrawing it or
deleting the account removes it.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select

from storybank import policy
from storybank.accounts.models import User
from storybank.archive.teller_models import SavedDraft
from storybank.archive.validation import TITLE_MAX, max_story_chars
from storybank.errors import InvalidInput, NotFound
from storybank.extensions import db
from storybank.timeutil import utcnow

FIELDS_MAX = 40  # form fields kept beside title and body (kind, site, consent choices …)
FIELD_VALUE_MAX = 200


def _slot(actor: User, story_id: int | None) -> tuple[str, int | None]:
    """Which draft this is, after checking the teller may write it (404 for anyone else's story)."""
    if story_id is None:
        if not policy.can(actor, "story.tell"):
            raise NotFound("No such story.")
        return "new", None
    story = policy.get_own_story(actor, story_id)
    return f"story-{story.id}", story.id


def _clean_fields(fields: dict[str, Any] | None) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, values in (fields or {}).items():
        if len(out) >= FIELDS_MAX:
            break
        items = values if isinstance(values, list) else [values]
        out[str(name)[:60].replace("\x00", "")] = [str(v)[:FIELD_VALUE_MAX].replace("\x00", "") for v in items[:20]]
    return out


def save_draft(actor: User, story_id: int | None, title: object, body: object,
               fields: dict[str, Any] | None = None) -> SavedDraft | None:
    """Keep what the teller has typed so far; an empty form removes the draft. Returns the draft kept."""
    slot, sid = _slot(actor, story_id)
    title = title.replace("\x00", "") if isinstance(title, str) else ""
    body = body.replace("\x00", "") if isinstance(body, str) else ""
    if len(title) > TITLE_MAX:
        raise InvalidInput(f"The title is too long: keep it under {TITLE_MAX} characters.", field="title")
    if len(body) > max_story_chars():
        raise InvalidInput(f"The story is too long to keep: the limit is {max_story_chars():,} characters.",
                           field="body")
    draft = db.session.scalar(select(SavedDraft).where(SavedDraft.user_id == actor.id, SavedDraft.slot == slot))
    if not title.strip() and not body.strip():
        if draft is not None:
            db.session.delete(draft)
            db.session.flush()
        return None
    if draft is None:
        draft = SavedDraft(user_id=actor.id, slot=slot, story_id=sid)
        db.session.add(draft)
    draft.title, draft.body, draft.fields, draft.updated_at = title, body, _clean_fields(fields), utcnow()
    db.session.flush()
    return draft


def get_draft(actor: User, story_id: int | None) -> SavedDraft | None:
    """The teller's own draft for this form, if there is one."""
    if not actor.is_authenticated:
        return None
    slot, _ = _slot(actor, story_id)
    return db.session.scalar(select(SavedDraft).where(SavedDraft.user_id == actor.id, SavedDraft.slot == slot))


def discard_draft(actor: User, story_id: int | None) -> None:
    """Called once the story (or revision) is saved: the draft has done its work."""
    slot, _ = _slot(actor, story_id)
    db.session.execute(delete(SavedDraft).where(SavedDraft.user_id == actor.id, SavedDraft.slot == slot))


def my_drafts(actor: User) -> list[SavedDraft]:
    """For the teller's data download."""
    return list(db.session.scalars(select(SavedDraft).where(SavedDraft.user_id == actor.id)
                                   .order_by(SavedDraft.id)))
