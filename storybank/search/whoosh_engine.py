"""The embedded engine: a Whoosh index per purpose in the instance folder (used with SQLite).

Text lives only in the database; the index holds terms, not stored text.
A deleted document's terms would linger in its segment until a merge, so
every commit that deletes rewrites the segments that held the deleted
documents: after a withdrawal no file here contains the story's words.
Segments are kept to a few thousand documents so that rewrite stays quick.
"""
from __future__ import annotations

import fcntl
import os
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from sqlalchemy import select
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.fields import ID, KEYWORD, TEXT, Schema
from whoosh.reading import SegmentReader

from storybank.extensions import db
from storybank.search import plan, whoosh_match
from storybank.search.analysis import STEMMING
from storybank.search.documents import SEARCH_PURPOSES, IndexDoc
from storybank.search.models import SearchOutbox
from storybank.search.plan import EngineHits

SEGMENT_DOCS = 1000  # a withdrawal rewrites one segment: about a second at this size
SMALL_SEGMENT = 100
WRITER_PROCS = max(1, min(2, os.cpu_count() or 1))
_lock = threading.Lock()
_local = threading.local()


def schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        title=TEXT(analyzer=STEMMING, phrase=True),
        body=TEXT(analyzer=STEMMING, phrase=True),
        site=ID,
        site_label=ID(sortable=True),
        kind=ID(sortable=True),
        role=ID,
        method=ID,
        date=ID,
        themes=KEYWORD,
        theme_set=ID(sortable=True),
    )


def _key(story_id: int) -> str:
    return f"{story_id:012d}"


def _fields(doc: IndexDoc) -> dict[str, str]:
    return {
        "id": _key(doc.story_id),
        "title": doc.title,
        "body": doc.body,
        "site": doc.site.lower(),
        "site_label": doc.site,
        "kind": doc.kind,
        "role": doc.role.lower(),
        "method": doc.method.lower(),
        "date": doc.collected_on.isoformat() if doc.collected_on else "",
        "themes": " ".join(str(t) for t in sorted(doc.themes)),
        "theme_set": " ".join(str(t) for t in sorted(doc.themes)),
    }


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
    @contextmanager
    def _files_lock(self, exclusive: bool) -> Iterator[None]:
        """Across server processes: a writer's commit deletes the files a reader is opening, so they take turns.

        The lock file sits beside the index folder, which a rebuild swaps.
        """
        self.root.parent.mkdir(parents=True, exist_ok=True)
        with open(self.root.with_name(self.root.name + ".lock"), "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _dir(self, purpose: str) -> Path:
        return self.root / purpose

    def exists(self) -> bool:
        with self._files_lock(exclusive=False):
            return all(whoosh_index.exists_in(str(self._dir(p))) for p in SEARCH_PURPOSES)

    def _open(self, purpose: str) -> whoosh_index.Index:
        folder = self._dir(purpose)
        if whoosh_index.exists_in(str(folder)):
            return whoosh_index.open_dir(str(folder))
        folder.mkdir(parents=True, exist_ok=True)
        return whoosh_index.create_in(str(folder), schema())

    def write(self, docs: list[IndexDoc], removals: list[tuple[int, str]]) -> None:
        with _lock, self._files_lock(exclusive=True):
            for purpose in SEARCH_PURPOSES:
                adds = [d for d in docs if d.purpose == purpose]
                gone = [sid for sid, p in removals if p == purpose]
                if not adds and not gone:
                    continue
                ix = self._open(purpose)
                writer = ix.writer(timeout=30.0)
                try:
                    for sid in gone:
                        writer.delete_by_term("id", _key(sid))
                    for doc in adds:
                        writer.update_document(**_fields(doc))
                except BaseException:
                    writer.cancel()
                    raise
                writer.commit(mergetype=_expunge_policy if gone else _merge_policy)
                ix.close()
        self.clear_cache()

    def rebuild(self, docs: Iterable[IndexDoc], progress: Callable[[IndexDoc], None] | None = None) -> None:
        """Write a fresh index beside the old one, then swap it in.

        Two writer processes on a two-core machine; every `2 * SEGMENT_DOCS` documents
        are committed as segments of about SEGMENT_DOCS, so that a later withdrawal
        rewrites only a small segment.
        """
        with _lock, self._files_lock(exclusive=True):
            building = self.root.with_name(self.root.name + ".building")
            shutil.rmtree(building, ignore_errors=True)
            indexes, writers, counts = {}, {}, {}
            batch = SEGMENT_DOCS * WRITER_PROCS

            def new_writer(purpose: str) -> object:
                if WRITER_PROCS > 1:
                    return indexes[purpose].writer(procs=WRITER_PROCS, multisegment=True, limitmb=256,
                                                   batchsize=250)
                return indexes[purpose].writer(limitmb=128)

            for purpose in SEARCH_PURPOSES:
                folder = building / purpose
                folder.mkdir(parents=True)
                indexes[purpose] = whoosh_index.create_in(str(folder), schema())
                writers[purpose] = None
                counts[purpose] = 0
            try:
                for doc in docs:
                    if writers[doc.purpose] is None:
                        writers[doc.purpose] = new_writer(doc.purpose)
                    writers[doc.purpose].add_document(**_fields(doc))
                    counts[doc.purpose] += 1
                    if counts[doc.purpose] % batch == 0:
                        writers[doc.purpose].commit(mergetype=_keep_all)
                        writers[doc.purpose] = None
                    if progress:
                        progress(doc)
                for w in writers.values():
                    if w is not None:
                        w.commit(mergetype=_keep_all)
            except BaseException:
                for w in writers.values():
                    if w is not None:
                        w.cancel()
                shutil.rmtree(building, ignore_errors=True)
                raise
            for ix in indexes.values():
                ix.close()
            old = self.root.with_name(self.root.name + ".old")
            shutil.rmtree(old, ignore_errors=True)
            if self.root.exists():
                self.root.rename(old)
            building.rename(self.root)
            shutil.rmtree(old, ignore_errors=True)
        self.clear_cache()

    # -- searching -----------------------------------------------------------------
    def _searcher(self, purpose: str) -> object:
        cache = _local.__dict__.setdefault("searchers", {})
        key = (str(self.root), purpose)
        searcher = cache.get(key)
        if searcher is not None and not searcher.up_to_date():
            searcher.close()  # reopen rather than refresh(): refresh fails on an index that was empty
            searcher = None
        if searcher is None:
            with self._files_lock(exclusive=False):
                searcher = self._open(purpose).searcher()
        cache[key] = searcher
        return searcher

    def search(self, purpose: str, tree: plan.Plan, offset: int, limit: int, facets: bool) -> EngineHits:
        searcher = self._searcher(purpose)
        if searcher.doc_count_all() == 0:
            return EngineHits(total=0, ids=[], facets={"site": {}, "kind": {}, "theme": {}})
        q = _compile(tree)
        columns = self._columns(searcher)
        mask = whoosh_match.evaluate(searcher, columns, tree)
        queued = _queued_ids()
        if queued:  # a change not applied to the index yet: hide those stories, facets and total included
            mask &= ~np.isin(columns.ids, np.fromiter(queued, dtype=np.int64))
        if plan.has_text(tree):  # Whoosh ranks only the page; the count and facets come from the arrays
            words = whoosh_match.ranking_plan(tree)
            if words is not None or queued:  # rank among the matches only
                allowed = set(np.flatnonzero(mask).tolist())
                results = searcher.search(q if words is None else _compile(words), limit=offset + limit,
                                          filter=allowed)
            else:
                results = searcher.search(q, limit=offset + limit)
            page = [int(columns.ids[hit.docnum]) for hit in results[offset:offset + limit] if mask[hit.docnum]]
        else:
            page = whoosh_match.newest(columns, mask, offset, limit)
        out = EngineHits(total=int(np.count_nonzero(mask)), ids=page)
        if facets:
            out.facets = whoosh_match.facets(columns, mask)
        return out

    def _columns(self, searcher: object) -> whoosh_match.Columns:
        """Per-document facet values as arrays, read once per opened searcher (one index generation)."""
        cache = _local.__dict__.setdefault("columns", {})
        cached = cache.get(id(searcher))
        if cached is None or cached[0] is not searcher:
            cached = (searcher, whoosh_match.read_columns(searcher))
            cache.clear()
            cache[id(searcher)] = cached
        return cached[1]

    def count(self, purpose: str) -> int:
        return self._searcher(purpose).doc_count()

    def clear_cache(self) -> None:
        _local.__dict__.pop("columns", None)
        for searcher in _local.__dict__.pop("searchers", {}).values():
            searcher.close()


def _queued_ids() -> set[int]:
    return set(db.session.scalars(select(SearchOutbox.story_id)))


def _keep_all(writer: object, segments: list) -> list:
    return segments


def _compile(node: plan.Plan) -> wq.Query:
    if isinstance(node, plan.Terms):
        if not node.stems:
            return wq.NullQuery
        return wq.Or([wq.Term(f, s) for s in node.stems for f in ("title", "body")])
    if isinstance(node, plan.Sequence):
        return wq.Or([wq.Phrase(f, list(node.stems)) for f in ("title", "body")])
    if isinstance(node, plan.Filter):
        column = "themes" if node.field == "theme" else node.field
        values = [str(v) for v in node.values]
        if not values:
            return wq.NullQuery
        return wq.Or([wq.Term(column, v) for v in values])
    if isinstance(node, plan.Dates):
        start = node.start.isoformat() if node.start else None
        end = node.end.isoformat() if node.end else None
        return wq.TermRange("date", start or "0", end or "9", startexcl=False, endexcl=False)
    if isinstance(node, plan.AllOf):
        return wq.And([_compile(i) for i in node.items])
    if isinstance(node, plan.AnyOf):
        return wq.Or([_compile(i) for i in node.items])
    if isinstance(node, plan.NoneOf):
        return wq.And([wq.Every(), wq.Not(_compile(node.item))])
    if isinstance(node, plan.Everything):
        return wq.Every()
    raise TypeError(node)
