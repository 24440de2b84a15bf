"""What the index holds for a story, per purpose, derived only from the database.

A story has a `research` document while it is active with research consent
(its current revision) and a `workshop` document while it is active with
workshop consent and an approved workshop version. Anything else is removed.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from storybank import hooks
from storybank.archive.models import Story
from storybank.coding.models import Code, Coding
from storybank.extensions import db

SEARCH_PURPOSES = ("research", "workshop")


@dataclass
class IndexDoc:
    story_id: int
    purpose: str
    title: str
    body: str
    site: str
    kind: str
    role: str
    method: str
    collected_on: date | None
    themes: set[int] = field(default_factory=set)


def workshop_texts(stories: list[Story]) -> dict[int, tuple[str, str]]:
    """The approved workshop versions (title, body) of these stories, from the feature connected in `storybank.wiring`."""
    sources = hooks.current().workshop_text
    return sources[0](stories) if sources and stories else {}


def code_ancestors() -> dict[int, tuple[int, ...]]:
    """Each code with its ancestors: a story coded `thresholds` is found by `theme:access` too."""
    parents = dict(db.session.execute(select(Code.id, Code.parent_id)).all())
    out: dict[int, tuple[int, ...]] = {}
    for code_id in parents:
        chain, seen, node = [], set(), code_id
        while node is not None and node not in seen:
            seen.add(node)
            chain.append(node)
            node = parents.get(node)
        out[code_id] = tuple(chain)
    return out


def documents_for(story_ids: Iterable[int], lock: bool = False) -> tuple[list[IndexDoc], list[tuple[int, str]]]:
    """(documents to write, (story_id, purpose) pairs to remove) for these stories.

    `lock`: hold the stories for share until the transaction ends (PostgreSQL), so none is
    withdrawn or changed between reading it and writing what was read.
    """
    ids = sorted(set(story_ids))
    docs: list[IndexDoc] = []
    removals: list[tuple[int, str]] = []
    if not ids:
        return docs, removals
    ancestors = code_ancestors()
    stories = {
        s.id: s
        for s in db.session.scalars(
            _story_query(ids, lock)
        )
    }
    themes: dict[int, set[int]] = {}
    for story_id, code_id in db.session.execute(
        select(Coding.story_id, Coding.code_id).where(Coding.story_id.in_(ids)).distinct()
    ):
        themes.setdefault(story_id, set()).update(ancestors.get(code_id, (code_id,)))
    versions = workshop_texts([s for s in stories.values() if _workshop_consented(s)])
    for sid in ids:
        story = stories.get(sid)
        wanted: dict[str, tuple[str, str]] = {}
        if story is not None and not story.withdrawn and story.current_revision is not None:
            consent = story.current_consent
            if consent is not None and consent.research:
                rev = story.current_revision
                wanted["research"] = (rev.title, rev.body)
            if consent is not None and consent.workshop and sid in versions:
                wanted["workshop"] = versions[sid]
        for purpose in SEARCH_PURPOSES:
            if purpose not in wanted:
                removals.append((sid, purpose))
                continue
            title, body = wanted[purpose]
            docs.append(IndexDoc(
                story_id=sid, purpose=purpose, title=title, body=body, site=story.site or "",
                kind=story.kind, role=story.storyteller_role or "", method=story.collection_method or "",
                collected_on=story.collected_on, themes=set(themes.get(sid, ())),
            ))
    return docs, removals


def _workshop_consented(story: Story) -> bool:
    consent = story.current_consent if not story.withdrawn else None
    return consent is not None and consent.workshop


def _story_query(ids: list[int], lock: bool) -> Select:
    stmt = select(Story).where(Story.id.in_(ids)).options(
        selectinload(Story.revisions), selectinload(Story.consent_events)
    ).execution_options(populate_existing=True)
    return stmt.with_for_update(read=True, of=Story) if lock else stmt
