"""Stories, their revisions, consent events and claim invitations.

A story's words live only in `Story.title` and `StoryRevision`; withdrawal
clears the one and deletes the other, which is what makes "withdraw" mean gone.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storybank.accounts.models import User
from storybank.extensions import db
from storybank.timeutil import utcnow

KINDS = ("lived_experience", "practitioner")
KIND_LABELS = {"lived_experience": "Lived experience", "practitioner": "Practitioner"}
SCOPES = ("research", "workshop", "publication")
ATTRIBUTIONS = ("name", "pseudonym", "anonymous")
COLLECTION_METHODS = ("written", "interview", "being-with", "transcript")
STATUS_ACTIVE = "active"
STATUS_WITHDRAWN = "withdrawn"


class ConsentFormVersion(db.Model):
    """The exact consent text, stored once per version."""

    __tablename__ = "consent_form_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(unique=True)
    text: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class Story(db.Model):
    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(12), default=STATUS_ACTIVE, index=True)
    title: Mapped[str | None] = mapped_column(String(200))
    site: Mapped[str] = mapped_column(String(80), default="", index=True)
    storyteller_role: Mapped[str] = mapped_column(String(80), default="")
    collection_method: Mapped[str] = mapped_column(String(20), default="written")
    collected_by: Mapped[str] = mapped_column(String(120), default="")
    collected_on: Mapped[date | None]
    language: Mapped[str] = mapped_column(String(12), default="en")
    signifiers: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    teller_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # SHA-256 of the import file's ref: kept on the tombstone, so a re-import never
    # resurrects a withdrawn story, yet it holds none of the story's words.
    import_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]
    removed_counts: Mapped[dict[str, int] | None] = mapped_column(JSON)

    teller: Mapped[User | None] = relationship(foreign_keys=[teller_id])
    entered_by: Mapped[User | None] = relationship(foreign_keys=[entered_by_id])
    revisions: Mapped[list[StoryRevision]] = relationship(
        back_populates="story",
        order_by="StoryRevision.number",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    consent_events: Mapped[list[ConsentEvent]] = relationship(
        back_populates="story", order_by="ConsentEvent.id", passive_deletes=True
    )

    @property
    def withdrawn(self) -> bool:
        return self.status == STATUS_WITHDRAWN

    @property
    def current_revision(self) -> StoryRevision | None:
        return self.revisions[-1] if self.revisions else None

    @property
    def current_consent(self) -> ConsentEvent | None:
        return self.consent_events[-1] if self.consent_events else None


class StoryRevision(db.Model):
    __tablename__ = "story_revisions"
    __table_args__ = (UniqueConstraint("story_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(20), default="original")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Sentence units for coding agreement, as flat [start0, end0, start1, end1, ...] (filled on first use).
    sentence_spans: Mapped[list[int] | None] = mapped_column(JSON)

    story: Mapped[Story] = relationship(back_populates="revisions")


class ConsentEvent(db.Model):
    """Append-only: each row is the full consent state from that moment on."""

    __tablename__ = "consent_events"
    __table_args__ = (Index("ix_consent_events_story_latest", "story_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(12))  # given | changed | withdrawn
    research: Mapped[bool] = mapped_column(default=False)
    workshop: Mapped[bool] = mapped_column(default=False)
    publication: Mapped[bool] = mapped_column(default=False)
    attribution: Mapped[str] = mapped_column(String(12), default="anonymous")
    form_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("consent_form_versions.id", ondelete="RESTRICT")
    )
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    on_behalf: Mapped[bool] = mapped_column(default=False)

    story: Mapped[Story] = relationship(back_populates="consent_events")
    form_version: Mapped[ConsentFormVersion | None] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    def scopes(self) -> dict[str, bool]:
        return {scope: bool(getattr(self, scope)) for scope in SCOPES}


class ClaimInvitation(db.Model):
    """A one-time link that hands a story entered on someone's behalf to its teller."""

    __tablename__ = "claim_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
