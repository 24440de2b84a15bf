"""Exchange with other QDA tools: the installation's GUID namespace and imported project spaces.

None of these tables holds a story's words: an imported story's text lives in its
revisions like any other story's, so withdrawal reaches it the usual way.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storybank.accounts.models import User
from storybank.extensions import db
from storybank.timeutil import utcnow


class ExchangeSetting(db.Model):
    """Installation-wide values for exchange, such as the namespace REFI-QDA GUIDs are derived from."""

    __tablename__ = "exchange_settings"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class ImportProject(db.Model):
    """One imported .qdpx: the project space its stories, codings and notes arrived in."""

    __tablename__ = "import_projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    origin: Mapped[str] = mapped_column(String(200), default="")
    convention: Mapped[str] = mapped_column(String(20), default="codepoints")
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    counts: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)

    imported_by: Mapped[User | None] = relationship()


class ImportedSource(db.Model):
    """A story that came from a file's source: its project and the source's GUID (kept for round trips)."""

    __tablename__ = "imported_sources"

    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("import_projects.id", ondelete="CASCADE"), index=True)
    guid: Mapped[str] = mapped_column(String(36), unique=True)


class ImportedUser(db.Model):
    """An account made for (or matched to) a file's user, so codings keep their coder."""

    __tablename__ = "imported_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    guid: Mapped[str] = mapped_column(String(36), unique=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("import_projects.id", ondelete="SET NULL"))
