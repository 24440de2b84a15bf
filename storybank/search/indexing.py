"""Keeping the index in step with the database.

Services call `touch(story_id)` when a story's text, consent or themes
change. Just before the transaction commits, the database-side records are
brought up to date in the same transaction: `search_documents` (with the
tsvector on PostgreSQL) and the vocabulary. With Whoosh, an outbox row is
written too, and the Whoosh files are updated right after the commit; the
row is removed only once Whoosh has the change, so a crash in between is
repaired on the next start (`repair`) or by `storybank reindex`.

Nothing here asks which engine it has: what differs is behind `SearchEngine`.
An index change that fails after the commit is retried; if it still fails the
request answers 503 (never 200 while withdrawn words stay searchable), the
outbox keeps the change, and searches hide the stories it names until it is
applied.
"""
from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator

from flask import current_app
from sqlalchemy import Integer, Text, bindparam, delete, event, func, insert, inspect, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from storybank.archive.compaction import rewrite_tables
from storybank.archive.models import STATUS_ACTIVE, Story
from storybank.errors import DomainError
from storybank.extensions import db
from storybank.search.analysis import words
from storybank.search.documents import IndexDoc, documents_for
from storybank.search.engine import IndexUnavailable, SearchEngine
from storybank.search.models import SearchDocument, SearchGeneration, SearchOutbox, SearchWord
from storybank.search.whoosh_files import IndexBusy

log = logging.getLogger(__name__)
_PENDING = "storybank_search_pending"
BATCH = 500
RETRY_DELAYS = (0.1, 0.5, 1.5)  # seconds between attempts after a failed index write
REBUILD_BATCH = 200  # stories read and their records rewritten per transaction by `storybank reindex`
REBUILD_ATTEMPTS = 20
Analysed = tuple[set[str], dict[str, object]]  # a document's vocabulary words and engine columns


class IndexNotUpdated(DomainError):
    """The change is saved but the index could not follow it yet: say so, never 200."""

    status = 503


def engine() -> SearchEngine:
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
    docs, _removals = documents_for(ids)
    search_engine = engine()
    _write_records(session, ids, docs, search_engine)
    search_engine.follow_commit(session, ids)


def analyse(search_engine: SearchEngine, docs: list[IndexDoc]) -> list[Analysed]:
    """Each document's vocabulary words and engine columns: the CPU-bound part of writing its record."""
    return [(words(doc.title) | words(doc.body), search_engine.record_fields(doc)) for doc in docs]


def _write_records(session: Session, ids: list[int], docs: list[IndexDoc], search_engine: SearchEngine) -> None:
    """Rewrite these stories' `search_documents` rows and the vocabulary counts, in the session's transaction.

    Core statements, not ORM objects: only the stored words are read back (not the vectors),
    and the changed rows are written by one executemany. The rows are stamped with the
    transaction's `SearchGeneration`, taken first (the lock is held to the commit, and taken
    before any row of the vocabulary, so writers never wait for each other in a circle).
    """
    session.flush()
    generation = next_generation(session)
    table = SearchDocument.__table__
    existing = {(sid, purpose): (row_id, stored) for row_id, sid, purpose, stored in session.execute(
        select(table.c.id, table.c.story_id, table.c.purpose, table.c.words).where(table.c.story_id.in_(ids)))}
    delta: dict[str, Counter[str]] = {}
    wanted = {(d.story_id, d.purpose) for d in docs}
    gone = []
    for key, (row_id, stored) in existing.items():
        if key not in wanted:
            delta.setdefault(key[1], Counter()).subtract(stored.split())
            gone.append(row_id)
    inserts, updates = [], []
    for doc, (new_words, fields) in zip(docs, analyse(search_engine, docs), strict=True):
        found = existing.get((doc.story_id, doc.purpose))
        old_words = set(found[1].split()) if found else set()
        counter = delta.setdefault(doc.purpose, Counter())
        counter.update(new_words - old_words)
        counter.subtract(old_words - new_words)
        values = {**_values(doc, new_words, fields), "generation": generation}
        if found is None:
            inserts.append({"story_id": doc.story_id, "purpose": doc.purpose, **values})
        else:
            updates.append({"row_id": found[0], **values})
    if gone:
        session.execute(delete(table).where(table.c.id.in_(gone)))
    if updates:
        columns = [name for name in updates[0] if name != "row_id"]
        session.execute(update(table).where(table.c.id == bindparam("row_id"))
                        .values({name: bindparam(name) for name in columns}), updates)
    if inserts:
        session.execute(insert(table), inserts)
    apply_word_counts(session, delta)


def _values(doc: IndexDoc, doc_words: set[str], fields: dict[str, object]) -> dict[str, object]:
    return {"words": " ".join(sorted(doc_words)), "site": doc.site, "site_key": doc.site.lower(), "kind": doc.kind,
            "role": doc.role, "method": doc.method, "collected_on": doc.collected_on, **fields}


def next_generation(session: Session) -> int:
    """Bump the search generation in this transaction and return it.

    A row deleted is made again at the clock's microseconds, past any generation a process's
    copy of the documents can hold: the rows stamped since then are all after its own.
    """
    dialect_insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    table = SearchGeneration.__table__
    stmt = dialect_insert(table).values(id=1, n=time.time_ns() // 1000)
    stmt = stmt.on_conflict_do_update(index_elements=["id"], set_={"n": table.c.n + 1}).returning(table.c.n)
    return int(session.execute(stmt).scalar_one())


def apply_word_counts(session: Session, delta: dict[str, Counter[str]]) -> None:
    """Add to / take from the vocabulary; a word no document holds any more is deleted.

    On PostgreSQL each purpose's changes go in one statement of two arrays (built and compiled
    once): a VALUES row per word cost SQLAlchemy about 2 ms of compiling per 500 words, 17 s of a
    first `storybank reindex` at 20,000 stories.
    """
    postgres = session.get_bind().dialect.name == "postgresql"
    for purpose, counter in delta.items():
        changes = sorted((w, n) for w, n in counter.items() if n)
        if postgres and changes:
            session.execute(_PG_WORD_COUNTS, {"purpose": purpose, "words": [w for w, _ in changes],
                                              "docs": [n for _, n in changes]})
        for start in range(0, len(changes) if not postgres else 0, BATCH):
            chunk = changes[start:start + BATCH]
            stmt = sqlite_insert(SearchWord).values([{"purpose": purpose, "word": w, "docs": n} for w, n in chunk])
            stmt = stmt.on_conflict_do_update(
                index_elements=["purpose", "word"], set_={"docs": SearchWord.docs + stmt.excluded.docs})
            session.execute(stmt)
        if any(n < 0 for n in counter.values()):
            session.execute(delete(SearchWord).where(SearchWord.purpose == purpose, SearchWord.docs <= 0))


def _pg_word_counts() -> object:
    """INSERT … SELECT FROM unnest(words, docs) ON CONFLICT add: the words in order (rows locked in order)."""
    rows = func.unnest(bindparam("words", type_=ARRAY(Text())), bindparam("docs", type_=ARRAY(Integer()))
                       ).table_valued("word", "docs", with_ordinality="ord").render_derived()
    table = SearchWord.__table__  # (Core: the ORM would take the parameters for rows of a bulk insert)
    changes = select(bindparam("purpose", type_=table.c.purpose.type), rows.c.word, rows.c.docs).order_by(rows.c.ord)
    stmt = pg_insert(table).from_select(["purpose", "word", "docs"], changes)
    return stmt.on_conflict_do_update(index_elements=["purpose", "word"], set_={"docs": table.c.docs + stmt.excluded.docs})


_PG_WORD_COUNTS = _pg_word_counts()


def process_outbox(strict: bool = False) -> int:
    """Bring the index up to date with every queued story; rows go only once the index has them.

    A lost or corrupted index is rebuilt in the background (the rebuild applies the queue
    after it). Other failures are logged, or raised when `strict`.
    """
    rows = db.session.execute(select(SearchOutbox.id, SearchOutbox.story_id).order_by(SearchOutbox.id)).all()
    if not rows:
        db.session.rollback()
        return 0
    search_engine = engine()
    try:
        docs, removals = documents_for({sid for _, sid in rows})
        db.session.rollback()  # end the read transaction before the slow write
        search_engine.write(docs, removals)
    except IndexUnavailable as err:
        db.session.rollback()
        from storybank.search import rebuilding

        log.warning("search index unavailable (%s): rebuilding it", err)
        rebuilding.ensure_rebuilding()
        return 0
    except Exception:
        db.session.rollback()
        if strict:
            raise
        log.exception("search index update failed; it will be retried and repaired on the next start")
        return 0
    from storybank.search import rebuilding

    if rebuilding.running():  # kept for the rebuild to apply to its new index before the swap
        db.session.rollback()
        return len(rows)
    db.session.execute(delete(SearchOutbox).where(SearchOutbox.id <= max(i for i, _ in rows)))
    db.session.commit()
    return len(rows)


def apply_after_commit() -> None:
    """After a commit: apply the queued index changes, retrying; if that keeps failing, fail loudly."""
    for delay in (*RETRY_DELAYS, None):
        try:
            process_outbox(strict=True)
            return
        except IndexBusy as err:
            failure: Exception = err
        except Exception as err:  # (any failure is retried, then reported)
            failure = err
        log.warning("search index update failed (%r)%s", failure, "; retrying" if delay else "")
        if delay is not None:
            time.sleep(delay)
    log.error("search index update failed after %d attempts: %r", len(RETRY_DELAYS) + 1, failure)
    raise IndexNotUpdated(
        "Your change is saved, but the search index could not be updated yet "
        f"({failure}). Until it is, the stories concerned are left out of every search, and the "
        "update is retried automatically. If this message persists, tell an administrator.")


def repair() -> int:
    """On start: delete a killed rebuild's leftovers, rebuild a missing index, apply the outbox."""
    if not inspect(db.engine).has_table(SearchOutbox.__tablename__):
        return 0
    search_engine = engine()
    search_engine.purge_leftovers()
    has_docs = db.session.scalar(select(func.count()).select_from(SearchDocument))
    has_stories = db.session.scalar(select(func.count()).select_from(Story).where(Story.status == STATUS_ACTIVE))
    db.session.rollback()
    try:
        if not has_docs and (has_stories or not search_engine.exists()):
            return rebuild()  # an index never built (an upgraded database, a new instance)
        if not search_engine.exists():  # lost (a deleted folder): the records are intact
            from storybank.search import rebuilding

            rebuilding.ensure_rebuilding()
            return 0
    except IndexBusy:  # another process is rebuilding it right now
        return 0
    return process_outbox()


def all_story_ids() -> list[int]:
    return list(db.session.scalars(select(Story.id).where(Story.status == STATUS_ACTIVE).order_by(Story.id)))


Progress = Callable[[str, int], None]


def queued_changes() -> tuple[list[IndexDoc], list[tuple[int, str]]]:
    """What the outbox holds now, read afresh: a rebuild applies it to its new index before the swap."""
    db.session.rollback()
    docs, removals = documents_for(set(db.session.scalars(select(SearchOutbox.story_id))))
    db.session.rollback()
    return docs, removals


def _rewrite_records(ids: list[int], search_engine: SearchEngine) -> list[IndexDoc]:
    """Read a batch of stories and rewrite their records in one short transaction.

    Reading and writing in the same transaction keeps the records true to what was read:
    on PostgreSQL the stories are locked for share (a withdrawal waits for the batch, or
    the batch for it); on SQLite a write after a stale read fails, and the batch is read again.
    """
    session = db.session
    for attempt in range(REBUILD_ATTEMPTS):
        try:
            docs, _removals = documents_for(ids, lock=True)
            _write_records(session, ids, docs, search_engine)
            session.commit()
            return docs
        except DBAPIError:
            session.rollback()
            if attempt == REBUILD_ATTEMPTS - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    return []


def rebuild(progress: Progress | None = None) -> int:
    """Rebuild every index record and the engine's index from the database (`storybank reindex`).

    Stories are read and their records rewritten a batch at a time, each batch in its own
    short transaction, so requests write meanwhile (on SQLite they wait for one batch at
    most, never for the whole rebuild); the engine indexes each batch after its commit.
    Changes made meanwhile are queued, and applied to the new index before it is swapped in.
    """
    session = db.session
    ids = all_story_ids()
    stale = set(session.scalars(select(SearchDocument.story_id).distinct())) - set(ids)  # records to drop
    session.rollback()
    search_engine = engine()
    batches = [ids[start:start + REBUILD_BATCH] for start in range(0, len(ids), REBUILD_BATCH)]

    def records() -> Iterator[IndexDoc]:
        if stale:
            _rewrite_records(sorted(stale), search_engine)
        for chunk in batches:
            docs = _rewrite_records(chunk, search_engine)
            if progress:
                progress("Indexing stories", len(chunk))
            yield from docs

    search_engine.rebuild(records(), catch_up=queued_changes)
    process_outbox()  # what changed while it ran (already in the new index; this clears the queue)
    # Every row was rewritten: the old ones go from the files now, not doubling the tables until autovacuum.
    rewrite_tables([SearchDocument.__tablename__, SearchWord.__tablename__])
    return len(ids)


def rebuild_engine_only(progress: Progress | None = None) -> int:
    """Rebuild only the engine's index from the database's records (a lost or corrupted index).

    Reads in batches, each in its own short read transaction, so writers are never held up;
    stories that change meanwhile are in the outbox, applied to the new index before the swap.
    """
    ids = all_story_ids()

    def docs() -> Iterator[IndexDoc]:
        for start in range(0, len(ids), BATCH):
            chunk = ids[start:start + BATCH]
            batch, _ = documents_for(chunk)
            db.session.rollback()
            db.session.expunge_all()
            if progress:
                progress("Indexing stories", len(chunk))
            yield from batch

    engine().rebuild(docs(), catch_up=queued_changes)
    process_outbox()
    return len(ids)
