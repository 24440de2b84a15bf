"""Story sets, their items, sense-making sessions and insights.

No row here holds a story's words. An item names a story and, for an excerpt,
code-point offsets into the story's current revision; the text is rendered
from the approved workshop version each time. A withdrawn story's item rows
stay (story id, position, the host's note) so a placeholder can stand in
their place; sessions and insights lose their links to it.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storybank.extensions import db
from storybank.timeutil import utcnow


class StorySet(db.Model):
    """A host's ordered set of stories and excerpts for one session question."""

    __tablename__ = "story_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    host_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    question: Mapped[str] = mapped_column(Text)
    query: Mapped[str] = mapped_column(Text, default="")  # the saved search, "" when built by hand
    next_number: Mapped[int] = mapped_column(default=1)  # card numbers are never reused within a set
    excerpts_dropped: Mapped[int] = mapped_column(default=0)  # excerpts whose text a revision removed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    items: Mapped[list[StorySetItem]] = relationship(
        back_populates="story_set", order_by="StorySetItem.position", cascade="all, delete-orphan",
        passive_deletes=True)


class StorySetItem(db.Model):
    """A whole story (start is None) or one excerpt [start, end) of its current revision."""

    __tablename__ = "story_set_items"
    __table_args__ = (UniqueConstraint("set_id", "number"), Index("ix_story_set_items_set_position", "set_id",
                                                                    "position"))

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("story_sets.id", ondelete="CASCADE"))
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]  # the card number: stable while items move
    position: Mapped[int]
    revision_id: Mapped[int | None] = mapped_column(ForeignKey("story_revisions.id", ondelete="SET NULL"),
                                                    index=True)
    start: Mapped[int | None]
    end: Mapped[int | None]
    note: Mapped[str] = mapped_column(Text, default="")  # the host's framing note
    prompt: Mapped[str] = mapped_column(Text, default="")  # the card's prompt question ("" = the set's question)
    from_query: Mapped[bool] = mapped_column(default=False)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    story_set: Mapped[StorySet] = relationship(back_populates="items")

    @property
    def whole_story(self) -> bool:
        return self.start is None


class WorkshopSession(db.Model):
    """A sense-making session: when and where a set was used, by how many people."""

    __tablename__ = "workshop_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    host_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    set_id: Mapped[int | None] = mapped_column(ForeignKey("story_sets.id", ondelete="SET NULL"), index=True)
    held_on: Mapped[date]
    place: Mapped[str] = mapped_column(String(200), default="")
    participants: Mapped[int] = mapped_column(default=0)
    # Kept from the set when the session is recorded, so the teller's page reads the same later.
    set_title: Mapped[str] = mapped_column(String(200), default="")
    question: Mapped[str] = mapped_column(Text, default="")
    stories_withdrawn: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    story_set: Mapped[StorySet | None] = relationship()
    insights: Mapped[list[Insight]] = relationship(
        back_populates="session", order_by="Insight.id", cascade="all, delete-orphan", passive_deletes=True)


class SessionStory(db.Model):
    """A story read in a session (no words): what its teller's page lists as a use."""

    __tablename__ = "session_stories"

    session_id: Mapped[int] = mapped_column(ForeignKey("workshop_sessions.id", ondelete="CASCADE"),
                                            primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True,
                                          index=True)


class Insight(db.Model):
    """What came out of a session, in the host's words, linked to stories, excerpts and themes."""

    __tablename__ = "insights"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("workshop_sessions.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    stories_withdrawn: Mapped[int] = mapped_column(default=0)  # links lost to withdrawal
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    session: Mapped[WorkshopSession] = relationship(back_populates="insights")
    story_links: Mapped[list[InsightStory]] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    code_links: Mapped[list[InsightCode]] = relationship(cascade="all, delete-orphan", passive_deletes=True)


class InsightStory(db.Model):
    """An insight names a story, or one excerpt item of the set (item_id)."""

    __tablename__ = "insight_stories"

    id: Mapped[int] = mapped_column(primary_key=True)
    insight_id: Mapped[int] = mapped_column(ForeignKey("insights.id", ondelete="CASCADE"), index=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("story_set_items.id", ondelete="SET NULL"))


class InsightCode(db.Model):
    """An insight names a theme (a code of the codebook)."""

    __tablename__ = "insight_codes"

    insight_id: Mapped[int] = mapped_column(ForeignKey("insights.id", ondelete="CASCADE"), primary_key=True)
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"), primary_key=True, index=True)
