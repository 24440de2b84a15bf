"""Suggestions' tables: a coder's decision on a proposed coding, and each training of the suggestion model.

Neither holds any story words: a decision is a code and code-point offsets in a
revision; a training record holds counts, code ids and story ids.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storybank.extensions import db
from storybank.timeutil import utcnow

ACCEPTED = "accepted"
REJECTED = "rejected"
TRAINING_CURRENT = "current"
TRAINING_REPLACED = "replaced"
TRAINING_DISCARDED = "discarded"


class SuggestionDecision(db.Model):
    """One coder's answer to one suggestion: accepted (with the coding it made) or rejected."""

    __tablename__ = "suggestion_decisions"
    __table_args__ = (UniqueConstraint("revision_id", "code_id", "coder_id", "start", "end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("story_revisions.id", ondelete="CASCADE"))
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"))
    coder_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    start: Mapped[int]
    end: Mapped[int]
    source: Mapped[str] = mapped_column(String(16))  # keyword | model | both
    decision: Mapped[str] = mapped_column(String(16))  # accepted | rejected
    coding_id: Mapped[int | None] = mapped_column(ForeignKey("codings.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SuggestionTraining(db.Model):
    """When the suggestion model was trained, by whom, on what (counts and ids, never text)."""

    __tablename__ = "suggestion_trainings"

    id: Mapped[int] = mapped_column(primary_key=True)
    trained_at: Mapped[datetime] = mapped_column(default=utcnow)
    trained_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default=TRAINING_CURRENT)
    note: Mapped[str] = mapped_column(Text, default="")
    examples: Mapped[int] = mapped_column(default=0)  # sentences
    story_count: Mapped[int] = mapped_column(default=0)
    epochs: Mapped[int] = mapped_column(default=0)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    features: Mapped[str] = mapped_column(String(16), default="lemma")  # lemma | stem
    # [[code_id, positive sentences], ...] for each code the model learned.
    labels: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # The stories it learned from: a withdrawal among them discards the model.
    story_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
