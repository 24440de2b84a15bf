"""Sentence units, worked out once per revision and once per coding and kept in the database.

Units follow the text's structure: the Markdown is cut into its blocks first (headings, each list item,
paragraphs, quotations, code), with markdown-it-py's source line map, and only then into sentences, so a
heading or a list item is a unit of its own and never runs on into the next paragraph. Offsets stay code
points into the source. Agreement and sentence-level co-occurrence then need only integers, not the
texts: that is what keeps them fast over a hundred thousand codings.
"""
from __future__ import annotations

import bisect
import re
from functools import lru_cache

from markdown_it import MarkdownIt
from sqlalchemy import select, update

from storybank.archive.models import StoryRevision
from storybank.coding.models import Coding
from storybank.extensions import db
from storybank.nlp import sentence_spans

BLOCK_MARKER = re.compile(r"[ \t]*(?:>[ \t]?)*[ \t]*(?:#{1,6}(?=[ \t]|$)|(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$))?[ \t]*")
_CLOSING_HASHES = re.compile(r"[ \t]+#+[ \t]*$")
_LEAVES = {"inline", "fence", "code_block", "html_block"}


@lru_cache(maxsize=1)
def markdown_parser() -> MarkdownIt:
    return MarkdownIt("commonmark")


def line_starts(text: str) -> list[int]:
    """Where each line starts, breaking lines where markdown-it does (\\n, \\r\\n, \\r)."""
    starts = [0]
    for match in re.finditer(r"\r\n|\r|\n", text):
        starts.append(match.end())
    starts.append(len(text))
    return starts


def blocks(text: str) -> list[tuple[int, int]]:
    """(start, end) of each leaf block of the Markdown source, leading markers (#, -, 1., >) left out."""
    starts = line_starts(text)
    last = len(starts) - 1
    out = []
    for token in markdown_parser().parse(text):
        if token.type not in _LEAVES or not token.map:
            continue
        first_line, end_line = token.map
        start, end = starts[min(first_line, last)], starts[min(end_line, last)]
        if token.type == "inline":
            marker = BLOCK_MARKER.match(text, start, end)
            heading = marker is not None and "#" in marker.group()
            start = marker.end() if marker else start
            closing = _CLOSING_HASHES.search(text, start, end) if heading and end_line == first_line + 1 else None
            end = closing.start() if closing else end
        if start < end:
            out.append((start, end))
    return out


@lru_cache(maxsize=4096)
def structural_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Sentence units: sentences within blocks, never across a block's edge; white space trimmed."""
    spans: list[tuple[int, int]] = []
    for start, end in blocks(text):
        spans.extend((start + a, start + b) for a, b in sentence_spans(text[start:end]))
    if not spans and text.strip():  # nothing Markdown sees as a block (only a link definition, say)
        spans = list(sentence_spans(text))
    return tuple(spans)


def spans_of(revision: StoryRevision) -> list[tuple[int, int]]:
    if revision.sentence_spans is None:
        revision.sentence_spans = [x for span in structural_spans(revision.body) for x in span]
    flat = revision.sentence_spans
    return list(zip(flat[0::2], flat[1::2], strict=True))


def touched(spans: list[tuple[int, int]], start: int, end: int) -> tuple[int, int] | None:
    """First and last unit that [start, end) overlaps, or None."""
    starts = [s for s, _ in spans]
    i = max(0, bisect.bisect_right(starts, start) - 1)
    first = last = None
    while i < len(spans) and spans[i][0] < end:
        if spans[i][1] > start:
            first = i if first is None else first
            last = i
        i += 1
    return None if first is None else (first, last)


def set_units(coding: Coding, revision: StoryRevision) -> None:
    if coding.start is None or coding.end is None:
        coding.unit_first = coding.unit_last = None
        return
    found = touched(spans_of(revision), coding.start, coding.end)
    coding.unit_first, coding.unit_last = found if found else (None, None)


def unit_counts(revision_ids: set[int]) -> dict[int, int]:
    """Sentence count of each revision, working out (and keeping) any not known yet."""
    out: dict[int, int] = {}
    missing = []
    for rid, flat in db.session.execute(
        select(StoryRevision.id, StoryRevision.sentence_spans).where(StoryRevision.id.in_(revision_ids))
    ):
        if flat is None:
            missing.append(rid)
        else:
            out[rid] = len(flat) // 2
    for revision in db.session.scalars(select(StoryRevision).where(StoryRevision.id.in_(missing))):
        out[revision.id] = len(spans_of(revision))
    if missing:
        db.session.flush()
    return out


def fill_missing_units(coding_filter: object) -> int:
    """Work out unit ranges for excerpt codings that lack them (bulk imports, older rows)."""
    rows = db.session.execute(
        select(Coding.id, Coding.revision_id, Coding.start, Coding.end)
        .where(coding_filter, Coding.start.is_not(None), Coding.unit_first.is_(None))
    ).all()
    if not rows:
        return 0
    revisions = {r.id: r for r in db.session.scalars(
        select(StoryRevision).where(StoryRevision.id.in_({rid for _, rid, _, _ in rows})))}
    spans = {rid: spans_of(rev) for rid, rev in revisions.items()}
    updates = []
    for cid, rid, start, end in rows:
        found = touched(spans[rid], start, end)
        if found:
            updates.append({"cid": cid, "first": found[0], "last": found[1]})
    if updates:
        db.session.connection().execute(
            update(Coding.__table__).where(Coding.__table__.c.id == db.bindparam("cid"))
            .values(unit_first=db.bindparam("first"), unit_last=db.bindparam("last")), updates)
    db.session.flush()
    return len(rows)
