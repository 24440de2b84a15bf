"""Keeping the index in step with the database.

Services call `touch(story_id)` when a story's text, consent or themes
change. Just before the transaction commits, the database-side records are
brought up to date in the same transaction: `search_documents` (with the
tsvector on PostgreSQL) and the vocabulary. With Whoosh, an outbox row is
written too, and the Whoosh files are updated right after the commit; the
row is removed only once Whoosh has the change, so a crash in between is
repaired on the next start (`repair`) or by `storybank reindex`.
"""
from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator

from flask import current_app
from sqlalchemy import delete, event, func, inspect, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storybank import tx
from storybank.archive.models import STATUS_ACTIVE, Story
from storybank.extensions import db
from storybank.search.analysis import words
from storybank.search.documents import IndexDoc, documents_for
from storybank.search.models import SearchDocument, SearchOutbox, SearchWord

log = logging.getLogger(__name__)
_PENDING = "storybank_search_pending"
BATCH = 500


def engine() -> object:
    """The engine for this app: PostgreSQL full-text on PostgreSQL, otherwise Whoosh."""
    app = current_app._get_current_object()
    cached = app.extensions.get("storybank_search")
    if cached is None:
        if db.engine.dialect.name == "postgresql":
            from storybank.search.postgres_engine import PostgresEngine

            cached = PostgresEngine()
        else:
            from storybank.search.whoosh_engine import WhooshEngine

            cached = WhooshEngine(app.config["INDEX_DIR"])
        app.extensions["storybank_search"] = cached
    return cached


def touch(*story_ids: int) -> None:
    """Mark stories whose index entries must follow this transaction."""
    db.session.info.setdefault(_PENDING, set()).update(int(s) for s in story_ids)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending:
        apply_to_database(session, pending)


def apply_to_database(session: Session, story_ids: Iterable[int]) -> None:
    ids = sorted(set(story_ids))
    docs, removals = documents_for(ids)
    transactional = engine().transactional
    _write_records(session, ids, docs, transactional)
    if not transactional:
        session.add_all(SearchOutbox(story_id=sid) for sid in ids)
        session.flush()
        tx.after_commit(process_outbox)


def _write_records(session: Session, ids: list[int], docs: list[IndexDoc], transactional: bool) -> None:
    existing = {(r.story_id, r.purpose): r for r in session.scalars(
        select(SearchDocument).where(SearchDocument.story_id.in_(ids)))}
    delta: dict[str, Counter[str]] = {}
    wanted = {(d.story_id, d.purpose) for d in docs}
    for key, row in existing.items():
        if key not in wanted:
            delta.setdefault(row.purpose, Counter()).subtract(row.words.split())
            session.delete(row)
    for doc in docs:
        new_words = words(doc.title) | words(doc.body)
        row = existing.get((doc.story_id, doc.purpose))
        if row is None:
            row = SearchDocument(story_id=doc.story_id, purpose=doc.purpose)
            session.add(row)
            old_words: set[str] = set()
        else:
            old_words = set(row.words.split())
        counter = delta.setdefault(doc.purpose, Counter())
        counter.update(new_words - old_words)
        counter.subtract(old_words - new_words)
        _fill(row, doc, new_words, transactional)
    session.flush()
    apply_word_counts(session, delta)


def _fill(row: SearchDocument, doc: IndexDoc, doc_words: set[str], transactional: bool) -> None:
    from storybank.search.postgres_engine import tsvector_literal

    row.words = " ".join(sorted(doc_words))
    row.site = doc.site
    row.kind = doc.kind
    row.role = doc.role
    row.method = doc.method
    row.collected_on = doc.collected_on
    row.themes = sorted(doc.themes) if transactional else None
    row.tsv = tsvector_literal(doc) if transactional else None


def apply_word_counts(session: Session, delta: dict[str, Counter[str]]) -> None:
    """Add to / take from the vocabulary; a word no document holds any more is deleted."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    for purpose, counter in delta.items():
        changes = sorted((w, n) for w, n in counter.items() if n)
        for start in range(0, len(changes), BATCH):
            chunk = changes[start:start + BATCH]
            stmt = insert(SearchWord).values([{"purpose": purpose, "word": w, "docs": n} for w, n in chunk])
            stmt = stmt.on_conflict_do_update(
                index_elements=["purpose", "word"], set_={"docs": SearchWord.docs + stmt.excluded.docs})
            session.execute(stmt)
        if any(n < 0 for n in counter.values()):
            session.execute(delete(SearchWord).where(SearchWord.purpose == purpose, SearchWord.docs <= 0))


def process_outbox() -> int:
    """Bring Whoosh up to date with every queued story; rows go only once Whoosh has them."""
    search_engine = engine()
    if search_engine.transactional:
        return 0
    rows = db.session.execute(select(SearchOutbox.id, SearchOutbox.story_id).order_by(SearchOutbox.id)).all()
    if not rows:
        db.session.rollback()
        return 0
    try:
        docs, removals = documents_for({sid for _, sid in rows})
        db.session.rollback()  # end the read transaction before the slow write
        search_engine.write(docs, removals)
    except Exception:
        db.session.rollback()
        log.exception("search index update failed; it will be repaired on the next start or by reindex")
        return 0
    db.session.execute(delete(SearchOutbox).where(SearchOutbox.id <= max(i for i, _ in rows)))
    db.session.commit()
    return len(rows)


def repair() -> int:
    """On start: apply what a crash left in the outbox, and rebuild a missing Whoosh index."""
    if not inspect(db.engine).has_table(SearchOutbox.__tablename__):
        return 0
    search_engine = engine()
    has_docs = db.session.scalar(select(func.count()).select_from(SearchDocument))
    has_stories = db.session.scalar(select(func.count()).select_from(Story).where(Story.status == STATUS_ACTIVE))
    db.session.rollback()
    if has_stories and (not has_docs or not (search_engine.transactional or search_engine.exists())):
        return rebuild()  # an index never built (upgraded database) or lost (deleted folder)
    return process_outbox()


def all_story_ids() -> list[int]:
    return list(db.session.scalars(select(Story.id).where(Story.status == STATUS_ACTIVE).order_by(Story.id)))


Progress = Callable[[str, int], None]


def _all_documents(ids: list[int], progress: Progress | None) -> Iterator[list[IndexDoc]]:
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        docs, _ = documents_for(chunk)
        db.session.expunge_all()
        yield docs
        if progress:
            progress("Indexing stories", len(chunk))


def rebuild(progress: Progress | None = None) -> int:
    """Rebuild every index record and the engine's index from the database (`storybank reindex`).

    Stories stream from the database into the engine: with Whoosh its writer
    processes index one batch while the next is read. The database records are
    committed only once the new index is in place, so a failed rebuild changes nothing.
    """
    from storybank.search.postgres_engine import tsvector_literal

    session = db.session
    ids = all_story_ids()
    search_engine = engine()
    transactional = search_engine.transactional
    session.execute(delete(SearchWord))
    session.execute(delete(SearchDocument))
    session.execute(delete(SearchOutbox))
    counts: dict[str, Counter[str]] = {}

    def records() -> Iterator[IndexDoc]:
        for docs in _all_documents(ids, progress):
            rows = []
            for doc in docs:
                doc_words = words(doc.title) | words(doc.body)
                counts.setdefault(doc.purpose, Counter()).update(doc_words)
                rows.append({
                    "story_id": doc.story_id, "purpose": doc.purpose, "words": " ".join(sorted(doc_words)),
                    "site": doc.site, "kind": doc.kind, "role": doc.role, "method": doc.method,
                    "collected_on": doc.collected_on,
                    "themes": sorted(doc.themes) if transactional else None,
                    "tsv": tsvector_literal(doc) if transactional else None,
                })
            if rows:
                session.execute(SearchDocument.__table__.insert(), rows)
            yield from docs

    try:
        if transactional:
            for _doc in records():
                pass
        else:
            search_engine.rebuild(records())
        apply_word_counts(session, counts)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return len(ids)
