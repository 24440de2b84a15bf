"""The codebook (a tree of codes) and codings (a code applied to an excerpt or a whole story)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storybank.extensions import db
from storybank.timeutil import utcnow


class Code(db.Model):
    __tablename__ = "codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    definition: Mapped[str] = mapped_column(Text, default="")
    when_to_use: Mapped[str] = mapped_column(Text, default="")
    when_not_to_use: Mapped[str] = mapped_column(Text, default="")
    example: Mapped[str] = mapped_column(Text, default="")
    keywords: Mapped[str] = mapped_column(Text, default="")
    colour: Mapped[str] = mapped_column(String(7), default="#6b7280")
    # REFI-QDA GUID from an imported file; None means the GUID is derived (see storybank/interop/refi_common.py).
    guid: Mapped[str | None] = mapped_column(String(36), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    parent: Mapped[Code | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Code]] = relationship(
        back_populates="parent", order_by="(Code.position, Code.id)", passive_deletes=True
    )


class Coding(db.Model):
    """A code applied by one coder to [start, end) of a revision (code points), or to the whole story."""

    __tablename__ = "codings"
    __table_args__ = (Index("ix_codings_story_code", "story_id", "code_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"))
    revision_id: Mapped[int] = mapped_column(ForeignKey("story_revisions.id", ondelete="CASCADE"), index=True)
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"), index=True)
    coder_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    start: Mapped[int | None]
    end: Mapped[int | None]
    # First and last sentence unit the excerpt touches (None for a whole-story coding, or not yet worked out).
    unit_first: Mapped[int | None]
    unit_last: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    code: Mapped[Code] = relationship()

    @property
    def whole_story(self) -> bool:
        return self.start is None


class Memo(db.Model):
    """A researcher's note on a coding, a story or a code (exactly one of the three)."""

    __tablename__ = "memos"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    story_id: Mapped[int | None] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    coding_id: Mapped[int | None] = mapped_column(ForeignKey("codings.id", ondelete="CASCADE"), index=True)
    code_id: Mapped[int | None] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class CoderNotice(db.Model):
    """Tells a coder that a revision of a story removed some of their codings (no story words here)."""

    __tablename__ = "coder_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"))
    removed: Mapped[int]
    revision: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    seen_at: Mapped[datetime | None]
