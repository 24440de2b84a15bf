"""What the search engines need from the database.

`SearchOutbox` records stories whose index entry must be rebuilt; rows are
written in the same transaction as the change and removed once the index has
it, so a crash between commit and index write is repaired later.
`SearchDocument` and `SearchWord` are PostgreSQL's index (tsvector + GIN);
they exist on SQLite too but stay empty there (Whoosh keeps its own files).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from storybank.extensions import db
from storybank.timeutil import utcnow

TsVector = Text().with_variant(TSVECTOR(), "postgresql")
IntArray = Text().with_variant(ARRAY(Integer()), "postgresql")


class SearchOutbox(db.Model):
    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(index=True)
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)


class SearchDocument(db.Model):
    __tablename__ = "search_documents"
    __table_args__ = (
        UniqueConstraint("story_id", "purpose"),
        Index("ix_search_documents_tsv", "tsv", postgresql_using="gin"),
        Index("ix_search_documents_themes", "themes", postgresql_using="gin"),
        Index("ix_search_documents_site_key", "purpose", "site_key"),
        Index("ix_search_documents_kind", "purpose", "kind"),
        Index("ix_search_documents_generation", "purpose", "generation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(12))
    tsv: Mapped[str | None] = mapped_column(TsVector)
    words: Mapped[str] = mapped_column(Text, default="")
    site: Mapped[str] = mapped_column(String(80), default="")
    site_key: Mapped[str] = mapped_column(String(80), default="", server_default="")  # lower-cased: site:
    kind: Mapped[str] = mapped_column(String(20), default="")
    role: Mapped[str] = mapped_column(String(80), default="")
    method: Mapped[str] = mapped_column(String(20), default="")
    collected_on: Mapped[date | None]
    themes: Mapped[list[int] | None] = mapped_column(IntArray)
    #: the `SearchGeneration` of the transaction that last wrote the row
    generation: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class SearchGeneration(db.Model):
    """One row: bumped by every transaction that writes `search_documents`, which stamps its rows with it.

    Writers take the row's lock, so generations are given in commit order: a snapshot that
    reads n has seen every row stamped n or less, and a copy of the rows made at n is brought
    up to date by the rows stamped after n (PostgreSQL's facet counts keep such a copy).
    """

    __tablename__ = "search_generation"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class SearchWord(db.Model):
    """Words of the indexed text and how many documents hold them: fuzzy terms, wildcards, "did you mean"."""

    __tablename__ = "search_words"

    purpose: Mapped[str] = mapped_column(String(12), primary_key=True)
    word: Mapped[str] = mapped_column(String(120), primary_key=True)
    docs: Mapped[int] = mapped_column(default=0)
