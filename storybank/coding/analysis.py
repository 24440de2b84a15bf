"""Analyses of the coded archive: code frequencies by attribute, co-occurrence, signifiers beside codes.

Everything runs over research-visible stories only; a story coded with a
sub-theme counts for its parent themes too (as in search). Withdrawn stories
are gone, so analyses say how many were withdrawn instead.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from sqlalchemy import func, select

from storybank import policy
from storybank.accounts.models import User
from storybank.archive.models import KIND_LABELS, STATUS_WITHDRAWN, Story, StoryRevision
from storybank.coding.agreement_service import _units_marked
from storybank.coding.models import Code, Coding
from storybank.extensions import db
from storybank.nlp import sentence_spans
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
    """How often two codes meet: in the same story, or in the same sentence."""
    codes = _codes()
    index = {c.id: i for i, c in enumerate(codes)}
    matrix = [[0] * len(codes) for _ in codes]
    groups = _sentence_groups(actor) if level == "sentence" else [sorted(i) for i in _story_codes(actor).values()]
    for group in groups:
        present = sorted({index[c] for c in group if c in index})
        for i in present:
            matrix[i][i] += 1
        for i, j in combinations(present, 2):
            matrix[i][j] += 1
            matrix[j][i] += 1
    title = "Codes in the same sentence" if level == "sentence" else "Codes in the same story"
    table = Table(title, [c.name for c in codes])
    table.rows = [(code, matrix[i]) for i, code in enumerate(codes)]
    return table


def _sentence_groups(actor: User) -> list[list[int]]:
    """For every sentence that carries codes, the codes (direct ones) that mark it."""
    current = (select(func.max(StoryRevision.number)).where(StoryRevision.story_id == Coding.story_id)
               .correlate(Coding).scalar_subquery())
    rows = db.session.execute(
        select(Coding.story_id, Coding.code_id, Coding.start, Coding.end, StoryRevision.body)
        .join(StoryRevision, StoryRevision.id == Coding.revision_id)
        .where(Coding.story_id.in_(_visible_ids(actor)), StoryRevision.number == current)
    ).all()
    units: dict[tuple[int, int], set[int]] = defaultdict(set)
    for story_id, code_id, start, end, body in rows:
        for unit in _units_marked(sentence_spans(body), start, end):
            units[(story_id, unit)].add(code_id)
    return [sorted(codes) for codes in units.values() if len(codes) > 0]


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
