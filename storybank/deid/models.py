"""Workshop versions, the identifiers found in stories, the pseudonym registry and the anonymisation log.

The registry and the log hold identifiers as the storyteller wrote them, so they
live in tables of their own, read only through `storybank.deid.registry` by
researchers and admins, and never by hosts. Withdrawal deletes a story's rows.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storybank.extensions import db
from storybank.timeutil import utcnow

# Review states of a story's workshop version.
REVIEW = "review"  # a researcher is reviewing the proposed identifiers
WITH_TELLER = "with_teller"  # waiting for the storyteller to approve the before/after
CHANGES_REQUESTED = "changes_requested"  # the storyteller asked for changes
APPROVED = "approved"  # hosts may read it
STATES = (REVIEW, WITH_TELLER, CHANGES_REQUESTED, APPROVED)

PROPOSED = "proposed"
ACCEPTED = "accepted"
REJECTED = "rejected"


class WorkshopVersion(db.Model):
    """One per story: the pseudonymised rendering of its current revision and where its review stands."""

    __tablename__ = "workshop_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), unique=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("story_revisions.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=REVIEW, index=True)
    # The pseudonymised text, written when the version is sent to the teller; cleared by a revision.
    title: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str | None] = mapped_column(Text)
    teller_message: Mapped[str] = mapped_column(Text, default="")
    detected_at: Mapped[datetime | None]
    detected_with: Mapped[str] = mapped_column(String(60), default="")
    sent_at: Mapped[datetime | None]
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_on_behalf: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Pseudonym(db.Model):
    """An identifier and its label: people per storyteller, services and places across the archive.

    Several originals may share a label ("Dave" and "Dave Smith" are both Person A).
    """

    __tablename__ = "pseudonyms"
    __table_args__ = (UniqueConstraint("type", "scope", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(12))
    scope: Mapped[str] = mapped_column(String(40))  # "teller:12", "story:40" (no account yet) or "archive"
    key: Mapped[str] = mapped_column(String(200))  # the original, case-folded with spaces collapsed
    original: Mapped[str] = mapped_column(Text)
    label: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class IdentifierSpan(db.Model):
    """A proposed or researcher-marked identifier in one part of a revision (code points, end exclusive)."""

    __tablename__ = "identifier_spans"
    __table_args__ = (Index("ix_identifier_spans_story", "story_id", "revision_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"))
    revision_id: Mapped[int] = mapped_column(ForeignKey("story_revisions.id", ondelete="CASCADE"))
    part: Mapped[str] = mapped_column(String(5))  # title | body
    start: Mapped[int]
    end: Mapped[int]
    original: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(String(12))
    source: Mapped[str] = mapped_column(String(10))  # model | rule | registry | researcher
    decision: Mapped[str] = mapped_column(String(10), default=PROPOSED)
    pseudonym_id: Mapped[int | None] = mapped_column(ForeignKey("pseudonyms.id", ondelete="SET NULL"), index=True)
    descriptor: Mapped[str] = mapped_column(String(120), default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]

    pseudonym: Mapped[Pseudonym | None] = relationship()


class AnonymisationEntry(db.Model):
    """Who replaced what, when: the anonymisation log (holds originals, so it goes with a withdrawal)."""

    __tablename__ = "anonymisation_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(String(60))
    type: Mapped[str] = mapped_column(String(12), default="")
    original: Mapped[str] = mapped_column(Text, default="")
    replacement: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
