"""What the storyteller's side keeps beside the stories: drafts in progress, and notices of withdrawal."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storybank.extensions import db
from storybank.timeutil import utcnow


class SavedDraft(db.Model):
    """Text a teller is writing, saved as they type: one per teller and form ("new" or "story-<id>").

    Only its writer ever reads it; it never reaches search, researchers or exports,
    and it goes when the story is saved, withdrawn or deleted.
    """

    __tablename__ = "story_drafts"
    __table_args__ = (UniqueConstraint("user_id", "slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    slot: Mapped[str] = mapped_column(String(40))
    story_id: Mapped[int | None] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    # The other fields of the story form (kind, site, consent choices …), as the browser sent them.
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class WithdrawalNotice(db.Model):
    """Asks someone who took a copy of a story out of storybank to delete it: no story words here."""

    __tablename__ = "withdrawal_notices"
    __table_args__ = (UniqueConstraint("user_id", "story_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    # The copies this person took: [{"at": iso, "tool": words, "reference": how to find it in the file}].
    copies: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    emailed_at: Mapped[datetime | None]
    seen_at: Mapped[datetime | None]
