"""What a host may read of a story in a set: the approved workshop version, whole or one excerpt.

Excerpts are stored as code-point offsets into the story's current revision
(like codings) but hosts choose and read them in the workshop version. A map
between the two texts is built from the accepted identifier spans, the same way
`deid.reading.apply` renders the version; a replacement is never cut in half,
so an excerpt that touches a name shows the whole label. The map is trusted
only while it rebuilds the approved text exactly; otherwise the item is shown
as unavailable rather than risk a word of the original.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from storybank.archive.models import StoryRevision
from storybank.deid.models import ACCEPTED, APPROVED, IdentifierSpan, WorkshopVersion
from storybank.deid.reading import replacement_of
from storybank.extensions import db

Piece = tuple[int, int, int, int, bool]  # original start/end, workshop start/end, replaced?


@dataclass
class WorkshopText:
    story_id: int
    revision_id: int
    title: str
    body: str  # the approved workshop body
    pieces: list[Piece]

    def to_workshop(self, start: int, end: int) -> tuple[int, int]:
        """Original [start, end) -> workshop [start, end), widened to whole replacements."""
        return self._map(start, end, 0, 2)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Workshop [start, end) -> original [start, end), widened to whole replacements."""
        return self._map(start, end, 2, 0)

    def _map(self, start: int, end: int, src: int, dst: int) -> tuple[int, int]:
        lo = hi = None
        for piece in self.pieces:
            a, b, x, y, replaced = piece[src], piece[src + 1], piece[dst], piece[dst + 1], piece[4]
            if lo is None and a <= start < b:
                lo = x if replaced else x + (start - a)
            if a < end <= b:
                hi = y if replaced else x + (end - a)
        last = self.pieces[-1] if self.pieces else (0, 0, 0, 0, False)
        if lo is None:
            lo = last[dst + 1]
        if hi is None:
            hi = last[dst + 1]
        return lo, max(lo, hi)

    def excerpt(self, start: int, end: int) -> str:
        """The workshop text of the original range [start, end)."""
        w0, w1 = self.to_workshop(start, end)
        return self.body[w0:w1]


def _pieces(text: str, spans: list[IdentifierSpan]) -> tuple[list[Piece], str]:
    pieces: list[Piece] = []
    out: list[str] = []
    at = w = 0
    for span in sorted((s for s in spans if s.decision == ACCEPTED), key=lambda s: s.start):
        if span.start < at:
            continue
        if span.start > at:
            pieces.append((at, span.start, w, w + span.start - at, False))
            out.append(text[at:span.start])
            w += span.start - at
        label = replacement_of(span)
        pieces.append((span.start, span.end, w, w + len(label), True))
        out.append(label)
        w += len(label)
        at = span.end
    if at < len(text):
        pieces.append((at, len(text), w, w + len(text) - at, False))
        out.append(text[at:])
    return pieces, "".join(out)


def approved_versions(story_ids: set[int]) -> dict[int, WorkshopVersion]:
    if not story_ids:
        return {}
    return {v.story_id: v for v in db.session.scalars(select(WorkshopVersion).where(
        WorkshopVersion.story_id.in_(story_ids), WorkshopVersion.status == APPROVED,
        WorkshopVersion.body.is_not(None)))}


def workshop_texts(story_ids: set[int], versions: dict[int, WorkshopVersion] | None = None) -> dict[int, WorkshopText]:
    """The offset maps of these stories' approved versions (stories without a trustworthy one are absent)."""
    versions = versions if versions is not None else approved_versions(story_ids)
    ids = {sid for sid in story_ids if sid in versions}
    if not ids:
        return {}
    revisions = {v.story_id: v.revision_id for v in versions.values() if v.story_id in ids}
    bodies = dict(db.session.execute(select(StoryRevision.id, StoryRevision.body).where(
        StoryRevision.id.in_(set(revisions.values())))).all())
    spans: dict[int, list[IdentifierSpan]] = {}
    for span in db.session.scalars(select(IdentifierSpan).where(
            IdentifierSpan.story_id.in_(ids), IdentifierSpan.part == "body",
            IdentifierSpan.revision_id.in_(set(revisions.values()))).options(selectinload(IdentifierSpan.pseudonym))):
        spans.setdefault(span.story_id, []).append(span)
    out: dict[int, WorkshopText] = {}
    for sid in ids:
        version, body = versions[sid], bodies.get(revisions[sid])
        if body is None:
            continue
        pieces, rendered = _pieces(body, spans.get(sid, []))
        if rendered != version.body:
            continue  # out of step with what the teller approved: show nothing
        out[sid] = WorkshopText(sid, revisions[sid], version.title or "", version.body or "", pieces)
    return out
