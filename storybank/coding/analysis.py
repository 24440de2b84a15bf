"""Analyses of the coded archive: code frequencies by attribute, co-occurrence, signifiers beside codes.

Everything runs over research-visible stories only; a story coded with a
sub-theme counts for its parent themes too (as in search). Withdrawn stories
are gone, so analyses say how many were withdrawn instead.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import and_, func, select

from storybank import policy
from storybank.accounts.models import User
from storybank.archive.models import KIND_LABELS, STATUS_WITHDRAWN, Story, StoryRevision
from storybank.coding.models import Code, Coding
from storybank.coding.units import fill_missing_units, unit_counts
from storybank.csv_safe import csv_text
from storybank.errors import NotFound
from storybank.extensions import db
from storybank.search.documents import code_ancestors

ATTRIBUTES = {"kind": "Kind", "site": "Site", "role": "Storyteller role", "method": "Collection method"}


@dataclass
class Table:
    """Rows (codes) × columns with counts, ready for a page, an SVG chart or CSV."""

    title: str
    columns: list[str]
    rows: list[tuple[Code, list[int]]] = field(default_factory=list)

    @property
    def maximum(self) -> int:
        return max((n for _, counts in self.rows for n in counts), default=0)


def withdrawn_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Story).where(Story.status == STATUS_WITHDRAWN)) or 0


def _codes() -> list[Code]:
    from storybank.coding.codebook import tree

    return [c for c, _ in tree()]


def _visible_ids(actor: User) -> object:
    return policy.visible_stories(actor, "research").with_only_columns(Story.id)


def _story_codes(actor: User) -> dict[int, set[int]]:
    """Each visible story's codes, with their ancestors."""
    ancestors = code_ancestors()
    out: dict[int, set[int]] = defaultdict(set)
    for story_id, code_id in db.session.execute(
        select(Coding.story_id, Coding.code_id).where(Coding.story_id.in_(_visible_ids(actor))).distinct()
    ):
        out[story_id].update(ancestors.get(code_id, (code_id,)))
    return out


def _attribute(story: Story, attribute: str) -> str:
    value = {"kind": KIND_LABELS.get(story.kind, story.kind), "site": story.site, "role": story.storyteller_role,
             "method": story.collection_method}[attribute]
    return value or "(not recorded)"


def frequencies(actor: User, attribute: str = "kind") -> Table:
    """Stories coded with each code (or a sub-code), by an attribute of the story: the code × attribute matrix."""
    if attribute not in ATTRIBUTES:
        attribute = "kind"
    story_codes = _story_codes(actor)
    stories = db.session.scalars(select(Story).where(Story.id.in_(list(story_codes)))).all() if story_codes else []
    columns = sorted({_attribute(s, attribute) for s in stories})
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    for story in stories:
        value = _attribute(story, attribute)
        for code_id in story_codes[story.id]:
            counts[code_id][value] += 1
    table = Table(f"Stories per code by {ATTRIBUTES[attribute].lower()}", columns)
    for code in _codes():
        table.rows.append((code, [counts[code.id][c] for c in columns]))
    return table


def cooccurrence(actor: User, level: str = "story") -> Table:
    """How often two codes meet: in the same story, or in the same sentence (the diagonal: at all).

    Counted as an incidence matrix (units × codes) multiplied by its transpose with
    numpy, which keeps a hundred thousand codings well under a second.
    """
    codes = _codes()
    index = {c.id: i for i, c in enumerate(codes)}
    if level == "sentence":
        unit_keys, code_cols = _sentence_incidence(actor, index)
    else:
        pairs = [(sid, index[c]) for sid, ids in _story_codes(actor).items() for c in ids if c in index]
        unit_keys = np.fromiter((p[0] for p in pairs), dtype=np.int64, count=len(pairs))
        code_cols = np.fromiter((p[1] for p in pairs), dtype=np.int64, count=len(pairs))
    matrix = np.zeros((len(codes), len(codes)), dtype=np.int64)
    if len(unit_keys):
        units, rows = np.unique(unit_keys, return_inverse=True)
        incidence = np.zeros((len(units), len(codes)), dtype=np.float32)
        incidence[rows, code_cols] = 1.0
        matrix = np.rint(incidence.T @ incidence).astype(np.int64)
    title = "Codes in the same sentence" if level == "sentence" else "Codes in the same story"
    table = Table(title, [c.name for c in codes])
    table.rows = [(code, [int(n) for n in matrix[i]]) for i, code in enumerate(codes)]
    return table


def _latest_revisions() -> object:
    return (select(StoryRevision.story_id, func.max(StoryRevision.id).label("rid"))
            .group_by(StoryRevision.story_id).subquery())


def _sentence_incidence(actor: User, index: dict[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """(sentence key, code column) for every sentence each code marks; a key is story × 2^20 + sentence."""
    latest = _latest_revisions()
    on_current = and_(Coding.story_id.in_(_visible_ids(actor)),
                      Coding.revision_id.in_(select(latest.c.rid)))
    fill_missing_units(on_current)
    excerpts = db.session.connection().execute(  # duplicates are harmless: a code marks a sentence or it does not
        select(Coding.story_id, Coding.code_id, Coding.unit_first, Coding.unit_last)
        .where(on_current, Coding.unit_first.is_not(None))
    ).all()
    wholes = db.session.execute(
        select(Coding.story_id, Coding.revision_id, Coding.code_id).where(on_current, Coding.start.is_(None)).distinct()
    ).all()
    sizes = unit_counts({r[1] for r in wholes}) if wholes else {}
    rows = np.array([tuple(r) for r in excerpts], dtype=np.int64).reshape(-1, 4)
    if wholes:
        extra = np.array([(sid, code_id, 0, sizes.get(rid, 0) - 1) for sid, rid, code_id in wholes],
                         dtype=np.int64).reshape(-1, 4)
        rows = np.concatenate([rows, extra])
    lookup = np.full(max(index, default=0) + 1, -1, dtype=np.int64)
    for code_id, col in index.items():
        lookup[code_id] = col
    known = rows[:, 1] <= max(index, default=0)
    rows = rows[known]
    col_of = lookup[rows[:, 1]]
    rows = rows[(col_of >= 0) & (rows[:, 3] >= rows[:, 2])]
    stories, cols, firsts, lasts = rows[:, 0], lookup[rows[:, 1]], rows[:, 2], rows[:, 3]
    lengths = lasts - firsts + 1
    total = int(lengths.sum()) if len(lengths) else 0
    offsets = np.repeat(np.cumsum(lengths) - lengths, lengths)
    units = np.repeat(firsts, lengths) + (np.arange(total, dtype=np.int64) - offsets)
    return np.repeat(stories, lengths) * (1 << 20) + units, np.repeat(cols, lengths)


def signifiers_beside_codes(actor: User) -> Table:
    """What tellers said their story is about (columns) beside the codes researchers gave it (rows)."""
    from storybank.archive.validation import SIGNIFIER_ABOUT

    story_codes = _story_codes(actor)
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    if story_codes:
        for story in db.session.scalars(select(Story).where(Story.id.in_(list(story_codes)))):
            about = (story.signifiers or {}).get("about") or []
            for code_id in story_codes[story.id]:
                for value in about:
                    counts[code_id][value] += 1
    table = Table("Tellers' own words about their story beside researchers' codes", list(SIGNIFIER_ABOUT))
    table.rows = [(code, [counts[code.id][v] for v in SIGNIFIER_ABOUT]) for code in _codes()]
    return table


def csv_rows(table: Table) -> list[list[object]]:
    return [["code", "parent", *table.columns]] + [
        [code.name, code.parent.name if code.parent else "", *counts] for code, counts in table.rows]


TABLES = ("frequencies", "cooccurrence", "signifiers")


def table_csv(actor: User, table: str, by: str = "kind", level: str = "story") -> str:
    """One analysis table as CSV (the page's download), cells neutralised for spreadsheets."""
    if table == "frequencies":
        data = frequencies(actor, by)
    elif table == "cooccurrence":
        data = cooccurrence(actor, level)
    elif table == "signifiers":
        data = signifiers_beside_codes(actor)
    else:
        raise NotFound("No such table.")
    return csv_text(csv_rows(data))
