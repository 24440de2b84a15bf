"""The embedded engine: a Whoosh index per purpose in the instance folder (used with SQLite).

Text lives only in the database; the index holds terms, not stored text.
A deleted document's terms would linger in its segment until a merge, so
every commit that deletes rewrites the segments that held the deleted
documents: after a withdrawal no file here contains the story's words.
Segments are kept to a few thousand documents so that rewrite stays quick.

Readers are closed at the end of every request and command (`close_readers`), and
files are read without memory maps (a map outlives its closed reader until garbage
collection), so once a withdrawal returns no process holds the old files open,
idle gunicorn workers included. The per-document arrays read from an index
generation stay cached per thread, so reopening costs little.
"""
from __future__ import annotations

import gc
import os
import shutil
import struct
import threading
import traceback
import warnings
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path

import numpy as np
from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage, StorageError
from whoosh.filedb.filetables import FileFormatError
from whoosh.index import IndexError as WhooshIndexError
from whoosh.reading import SegmentReader

from storybank import tx
from storybank.extensions import db
from storybank.search import plan, whoosh_build, whoosh_files, whoosh_match, whoosh_rank
from storybank.search.documents import SEARCH_PURPOSES, IndexDoc
from storybank.search.engine import CatchUp, IndexProgress, IndexUnavailable
from storybank.search.models import SearchDocument, SearchOutbox
from storybank.search.plan import EngineHits
from storybank.search.whoosh_query import compile_plan
from storybank.search.whoosh_schema import _fields, _key, schema

_UNREADABLE = (OSError, EOFError, struct.error, ValueError, KeyError, IndexError, WhooshIndexError, StorageError,
               FileFormatError)
SEGMENT_DOCS = 1000  # a withdrawal rewrites one segment: about a second at this size
SMALL_SEGMENT = 100
WRITER_PROCS = max(1, min(2, os.cpu_count() or 1))
_local = threading.local()


def _expunge_policy(writer: object, segments: list) -> list:
    """Rewrite every segment with deletions, so a removed story's terms leave the files, and gather small ones."""
    return _merge(writer, segments, expunge=True)


def _merge_policy(writer: object, segments: list) -> list:
    """Gather small segments only (updates leave old terms until a later merge; removals never do)."""
    return _merge(writer, segments, expunge=False)


def _merge(writer: object, segments: list, expunge: bool) -> list:
    keep, rewrite, small = [], [], []
    for seg in segments:
        if expunge and seg.has_deletions():
            rewrite.append(seg)
        elif seg.doc_count_all() < SMALL_SEGMENT:
            small.append(seg)
        else:
            keep.append(seg)
    if len(small) >= 4:
        rewrite.extend(small)
    else:
        keep.extend(small)
    for seg in rewrite:
        reader = SegmentReader(writer.storage, writer.schema, seg)
        writer.add_reader(reader)
        reader.close()
    return keep


class WhooshEngine:
    name = "whoosh"
    transactional = False

    def __init__(self, index_dir: str | Path) -> None:
        self.root = Path(index_dir)

    # -- index files ---------------------------------------------------------------
    def _dir(self, purpose: str) -> Path:
        return self.root / purpose

    def exists(self) -> bool:
        with whoosh_files.files_lock(self.root, exclusive=False, timeout=_lock_timeout()):
            return all(whoosh_index.exists_in(str(self._dir(p))) for p in SEARCH_PURPOSES)

    def _open(self, purpose: str) -> whoosh_index.Index:
        return _open_at(self._dir(purpose), purpose)

    def record_fields(self, doc: IndexDoc) -> dict[str, object]:
        return {"tsv": None, "themes": None}  # Whoosh keeps terms and themes in its own files

    def follow_commit(self, session: Session, story_ids: list[int]) -> None:
        from storybank.search import indexing

        session.add_all(SearchOutbox(story_id=sid) for sid in story_ids)
        session.flush()
        tx.after_commit(indexing.apply_after_commit)

    def write(self, docs: list[IndexDoc], removals: list[tuple[int, str]]) -> None:
        """Apply the changes; an index that cannot be read while stories must leave it is deleted at once.

        Its files may hold a withdrawn story's words and nothing can take them out, so the
        folder goes (the rebuild that follows brings everything else back from the database).
        """
        with whoosh_files.write_lock(self.root, _lock_timeout()):
            try:
                self._apply(self.root, docs, removals)
            except (IndexUnavailable, *_UNREADABLE) as err:
                if not removals:
                    raise
                reason = repr(err)
                _release(err)
                self._discard()
                raise IndexUnavailable(f"the index could not be read ({reason}), so it was deleted") from None
            finally:
                self.clear_cache()

    def _apply(self, root: Path, docs: list[IndexDoc], removals: list[tuple[int, str]]) -> None:
        for purpose in SEARCH_PURPOSES:
            adds = [d for d in docs if d.purpose == purpose]
            gone = [sid for sid, p in removals if p == purpose]
            if not adds and not gone:
                continue
            ix = _open_at(root / purpose, purpose)
            writer = ix.writer(timeout=_lock_timeout())
            try:
                for sid in gone:
                    writer.delete_by_term("id", _key(sid))
                for doc in adds:
                    writer.update_document(**_fields(doc))
                writer.commit(mergetype=_expunge_policy if gone else _merge_policy)
            except BaseException:
                whoosh_files.abandon(writer)
                raise
            finally:
                ix.close()

    def _discard(self) -> None:
        """Delete the index folder (the write lock is held); fail loudly if any of it stays."""
        shutil.rmtree(self.root, ignore_errors=True)
        if self.root.exists():
            raise OSError(f"the unreadable index {self.root} could not be deleted")

    def rebuild(self, docs: Iterable[IndexDoc], progress: IndexProgress | None = None,
                catch_up: CatchUp | None = None) -> None:
        """Write a fresh index beside the old one, then swap it in under the write lock.

        Two worker processes on a two-core machine write segments of SEGMENT_DOCS
        documents (so a later withdrawal rewrites only a small one) while the
        stories are read; one commit at the end. Only one rebuild runs at a time (its own lock).
        Just before the swap, under the write lock, `catch_up()` gives the changes made
        since the documents were read (a withdrawal among them): they are applied to the
        new index first, so it never brings back a story withdrawn meanwhile.
        """
        rebuild_lock = whoosh_files.RebuildLock(self.root)
        if not rebuild_lock.try_acquire():
            raise whoosh_files.IndexBusy("The search index is being rebuilt by another process already.")
        try:
            building = whoosh_files.sibling(self.root, ".building")
            shutil.rmtree(building, ignore_errors=True)  # a killed rebuild's leftovers hold full text
            self._build(building, docs, progress)
            with whoosh_files.write_lock(self.root, _lock_timeout()):
                if catch_up is not None:
                    self._apply(building, *catch_up())
                old = whoosh_files.sibling(self.root, ".old")
                shutil.rmtree(old, ignore_errors=True)
                if self.root.exists():
                    self.root.rename(old)
                building.rename(self.root)
                shutil.rmtree(old, ignore_errors=True)
        finally:
            rebuild_lock.release()
        self.clear_cache()

    def _build(self, building: Path, docs: Iterable[IndexDoc], progress: IndexProgress | None) -> None:
        builder = whoosh_build.SegmentBuilder(WRITER_PROCS)
        chunks: dict[str, list[dict[str, str]]] = {}
        try:
            for purpose in SEARCH_PURPOSES:
                folder = building / purpose
                folder.mkdir(parents=True)
                FileStorage(str(folder), supports_mmap=False).create_index(schema()).close()
                chunks[purpose] = []
            for doc in docs:
                chunk = chunks[doc.purpose]
                chunk.append(_fields(doc))
                if len(chunk) == SEGMENT_DOCS:
                    builder.add(building / doc.purpose, chunk)
                    chunks[doc.purpose] = []
                if progress:
                    progress(doc)
            for purpose, chunk in chunks.items():
                if chunk:
                    builder.add(building / purpose, chunk)
            builder.finish()
        except BaseException:
            builder.abandon()
            shutil.rmtree(building, ignore_errors=True)
            raise

    def purge_leftovers(self) -> None:
        whoosh_files.purge_leftovers(self.root)

    # -- searching -----------------------------------------------------------------
    def close_readers(self) -> None:
        """Close this thread's readers (end of every request): none keeps deleted files open afterwards."""
        for searcher in _local.__dict__.pop("searchers", {}).values():
            _close(searcher)

    def _searcher(self, purpose: str) -> object:
        """This request's reader of the purpose's index (opened once per request, or again after a write)."""
        cache = _local.__dict__.setdefault("searchers", {})
        key = (str(self.root), purpose)
        if key in cache and not _up_to_date(cache[key]):  # written since (a long command, another thread)
            _close(cache.pop(key))
        if key not in cache:
            with whoosh_files.files_lock(self.root, exclusive=False, timeout=_lock_timeout()):
                searcher = self._open(purpose).searcher()
            if _cached_columns(searcher) is None:  # first read of this generation here: is it whole?
                try:
                    _check_complete(purpose, searcher.doc_count())
                except BaseException:
                    _close(searcher)
                    raise
            cache[key] = searcher
        return cache[key]

    def search(self, purpose: str, tree: plan.Plan, offset: int, limit: int, facets: bool,
               reads: plan.PageReads | None = None) -> EngineHits:
        """Search; a lost or corrupted index raises IndexUnavailable (never an empty answer or a 500).

        The files hold no stories: `reads` are left to the service (to read after, from the database).
        """
        try:
            return self._search(purpose, tree, offset, limit, facets)
        except IndexUnavailable:
            self.clear_cache()
            raise
        except _UNREADABLE as err:
            self.clear_cache()
            # Not chained: the traceback would keep the broken readers (and their files) alive.
            raise IndexUnavailable(f"the {purpose} index cannot be read: {err!r}") from None

    def _search(self, purpose: str, tree: plan.Plan, offset: int, limit: int, facets: bool) -> EngineHits:
        searcher = self._searcher(purpose)
        if searcher.doc_count_all() == 0:
            return EngineHits(total=0, ids=[], facets={"site": {}, "kind": {}, "theme": {}})
        columns = self._columns(searcher)
        mask = whoosh_match.evaluate(searcher, columns, tree)
        queued = _queued_ids()
        if queued:  # a change not applied to the index yet: hide those stories, facets and total included
            mask &= ~np.isin(columns.ids, np.fromiter(queued, dtype=np.int64))
        if plan.has_text(tree):  # the count and facets come from the arrays, the ranking from the words
            words = whoosh_match.ranking_plan(tree)
            top = whoosh_rank.rank(searcher, columns, tree if words is None else words, mask, offset + limit)
            if top is None:  # a plan Whoosh must rank itself
                top = _whoosh_top(searcher, tree, words, mask, offset + limit, bool(queued))
            page = [int(i) for i in columns.ids[top[offset:offset + limit]]]
        else:
            page = whoosh_match.newest(columns, mask, offset, limit)
        out = EngineHits(total=int(np.count_nonzero(mask)), ids=page)
        if facets:
            out.facets = whoosh_match.facets(columns, mask)
        return out

    def _columns(self, searcher: object) -> whoosh_match.Columns:
        """Per-document facet values as arrays, read once per index generation (kept across requests)."""
        columns = _cached_columns(searcher)
        if columns is None:
            columns = whoosh_match.read_columns(searcher)
            folder, generation = _generation(searcher)
            _local.__dict__.setdefault("columns", {})[folder] = (generation, columns)
        return columns

    def count(self, purpose: str) -> int:
        try:
            return self._searcher(purpose).doc_count()
        except IndexUnavailable:
            return 0

    def clear_cache(self) -> None:
        _local.__dict__.pop("columns", None)
        self.close_readers()


def _cached_columns(searcher: object) -> whoosh_match.Columns | None:
    folder, generation = _generation(searcher)
    cached = _local.__dict__.get("columns", {}).get(folder)
    return cached[1] if cached is not None and cached[0] == generation else None


def _whoosh_top(searcher: object, tree: plan.Plan, words: plan.Plan | None, mask: np.ndarray, want: int,
                filtered: bool) -> np.ndarray:
    """Whoosh's own top `want` among the matches (by the words alone when filters are ANDed at the top)."""
    if words is not None or filtered:
        allowed = set(np.flatnonzero(mask).tolist())
        results = searcher.search(compile_plan(tree if words is None else words), limit=want, filter=allowed)
    else:
        results = searcher.search(compile_plan(tree), limit=want)
    return np.array([hit.docnum for hit in results if mask[hit.docnum]], dtype=np.int64)


def _queued_ids() -> set[int]:
    return set(db.session.scalars(select(SearchOutbox.story_id)))


def _open_at(folder: Path, purpose: str) -> whoosh_index.Index:
    """Open an existing index; never create one in place of a lost one (that hid the loss)."""
    try:
        if whoosh_index.exists_in(str(folder)):
            return FileStorage(str(folder), supports_mmap=False).open_index()
    except Exception as err:  # (an unreadable table of contents: corrupted)
        raise IndexUnavailable(f"the {purpose} index cannot be opened: {err}") from None
    raise IndexUnavailable(f"the {purpose} index is missing")


def _generation(searcher: object) -> tuple[str, tuple]:
    """The searcher's folder, and what identifies the documents it sees: generation, segments, deletions."""
    reader = searcher.reader()
    segments = [leaf.segment() for leaf, _offset in reader.leaf_readers() if hasattr(leaf, "segment")]
    segments = [seg for seg in segments if seg is not None]  # (an empty index's reader has none)
    return searcher._ix.storage.folder, (reader.generation(), tuple((seg.segment_id(), seg.deleted_count()) for seg in segments))


def _release(err: BaseException) -> None:
    """Close the files a failed open left behind (Whoosh leaves them to its traceback's frames) now."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)  # they are unclosed by design of the failure
        traceback.clear_frames(err.__traceback__)
        err.__traceback__ = None
        gc.collect()


def _up_to_date(searcher: object) -> bool:
    try:
        return searcher.up_to_date()
    except Exception:  # (the folder went: reopening finds out)
        return False


def _close(searcher: object) -> None:
    with suppress(Exception):  # closed already, or its files are gone: either way it is shut
        searcher.close()


def _lock_timeout() -> float:
    return float(current_app.config.get("SEARCH_LOCK_TIMEOUT", whoosh_files.LOCK_TIMEOUT))


def _check_complete(purpose: str, held: int) -> None:
    """A freshly opened index must hold every document the database has for it (unless changes are queued)."""
    expected = db.session.scalar(
        select(func.count()).select_from(SearchDocument).where(SearchDocument.purpose == purpose)) or 0
    if held != expected and not db.session.scalar(select(func.count()).select_from(SearchOutbox)):
        raise IndexUnavailable(f"the {purpose} index holds {held} of {expected} documents")
