"""The one interface both search engines implement (Whoosh files; PostgreSQL full-text).

Callers (indexing, the search service, the CLI) hold a `SearchEngine` and never ask
which one it is: what differs between the engines lives behind these methods.
`tests/test_index_engines.py` checks that both implement all of it.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol, runtime_checkable

from sqlalchemy.orm import Session

from storybank.search import plan
from storybank.search.documents import IndexDoc
from storybank.search.plan import EngineHits

IndexProgress = Callable[[IndexDoc], None]
#: the changes made while a rebuild read the database: (documents to write, (story_id, purpose) removals)
CatchUp = Callable[[], tuple[list[IndexDoc], list[tuple[int, str]]]]


class IndexUnavailable(Exception):
    """The index is missing or unreadable (folder deleted, corrupted segment): it must be rebuilt."""


@runtime_checkable
class SearchEngine(Protocol):
    name: str
    #: True when the index is written inside the database transaction (no outbox, never stale).
    transactional: bool

    def record_fields(self, doc: IndexDoc) -> dict[str, object]:
        """Engine columns of the `search_documents` row for `doc` (tsvector, theme ids) or None each."""
        ...

    def follow_commit(self, session: Session, story_ids: list[int]) -> None:
        """Arrange for the index to follow this transaction's changes to these stories."""
        ...

    def write(self, docs: list[IndexDoc], removals: list[tuple[int, str]]) -> None:
        """Apply added/changed documents and (story_id, purpose) removals; raise if they could not be."""
        ...

    def rebuild(self, docs: Iterable[IndexDoc], progress: IndexProgress | None = None,
                catch_up: CatchUp | None = None) -> None:
        """Replace the whole index with `docs` (the iterable also writes the database records).

        `catch_up()` gives the changes made since `docs` were read; they are applied before the
        new index replaces the old one, so a story withdrawn meanwhile is never put back.
        """
        ...

    def search(self, purpose: str, tree: plan.Plan, offset: int, limit: int, facets: bool,
               reads: plan.PageReads | None = None) -> EngineHits:
        """One page of matching story ids, the exact total and (if asked) facet counts.

        An engine whose index is in the database may also read `reads` in the same statement
        (and say so by setting `EngineHits.shown`); otherwise the service reads them after.
        Raises IndexUnavailable when the index is lost or corrupted.
        """
        ...

    def count(self, purpose: str) -> int:
        """How many documents the index holds for a purpose."""
        ...

    def exists(self) -> bool:
        """Whether the index is there to be searched (False: it must be rebuilt)."""
        ...

    def close_readers(self) -> None:
        """Close this thread's readers (at the end of every request and command), so no deleted file stays open."""
        ...

    def purge_leftovers(self) -> None:
        """Delete what an interrupted rebuild or swap left beside the index (it may hold withdrawn text)."""
        ...

    def clear_cache(self) -> None:
        """Close every open reader of this process."""
        ...
