"""A workshop version follows its story: new revisions, a claimed story, withdrawal."""
from __future__ import annotations

from sqlalchemy import delete, func, select

from storybank.archive.models import Story, StoryRevision
from storybank.deid import registry
from storybank.deid.approval import clear_version
from storybank.deid.models import REVIEW, AnonymisationEntry, IdentifierSpan, WorkshopVersion
from storybank.deid.proposing import add_proposals, proposals_in
from storybank.deid.reading import log_action, render, spans_of, version_of
from storybank.extensions import db
from storybank.search.indexing import touch


def follow_revision(story: Story, old: StoryRevision, new: StoryRevision) -> dict[str, int]:
    """Carry decisions whose text is unchanged to the new revision; propose only in the changed parts."""
    from storybank.coding.reanchor import unchanged_blocks

    version = version_of(story)
    if version is None:
        return {}
    kept = dropped = 0
    new_proposals = 0
    for part, before, after in (("title", old.title, new.title), ("body", old.body, new.body)):
        blocks = unchanged_blocks(before, after)
        for span in [s for s in spans_of(story, old) if s.part == part]:
            moved = next(((b + span.start - a) for a, b, size in blocks
                          if a <= span.start and span.end <= a + size), None)
            if moved is None or after[moved:moved + span.end - span.start] != span.original:
                db.session.delete(span)
                dropped += 1
                continue
            span.start, span.end, span.revision_id = moved, moved + span.end - span.start, new.id
            kept += 1
        db.session.flush()
        for start, end in _changed_regions(after, blocks):
            new_proposals += add_proposals(story, new, part, proposals_in(story, after, start, end))
    ids = set(db.session.scalars(select(IdentifierSpan.pseudonym_id).where(
        IdentifierSpan.story_id == story.id, IdentifierSpan.revision_id == old.id)))
    db.session.execute(delete(IdentifierSpan).where(IdentifierSpan.revision_id == old.id))
    registry.prune({i for i in ids if i})
    version.revision_id = new.id
    was = version.status
    clear_version(story, version, REVIEW)
    log_action(None, story, "story revised", note=f"{kept} decisions kept, {dropped} dropped, {new_proposals} new "
         f"proposals in the changed parts" + (f"; the {was.replace('_', ' ')} version needs a new review"
                                               if was != REVIEW else ""))
    return {"kept": kept, "dropped": dropped, "proposed": new_proposals}


def _changed_regions(text: str, blocks: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """Stretches of the new text no unchanged block covers, widened to whole lines for context."""
    covered = sorted((b, b + size) for _a, b, size in blocks)
    gaps, at = [], 0
    for lo, hi in covered:
        if lo > at:
            gaps.append((at, lo))
        at = max(at, hi)
    if at < len(text):
        gaps.append((at, len(text)))
    regions: list[tuple[int, int]] = []
    for lo, hi in gaps:
        while lo < hi and text[lo].isspace():
            lo += 1
        while hi > lo and text[hi - 1].isspace():
            hi -= 1
        if lo >= hi:
            continue
        lo = text.rfind("\n", 0, lo) + 1
        nl = text.find("\n", hi)
        hi = len(text) if nl < 0 else nl
        if regions and lo <= regions[-1][1]:
            regions[-1] = (regions[-1][0], max(regions[-1][1], hi))
        else:
            regions.append((lo, hi))
    return regions


def follow_claim(story: Story) -> None:
    """The teller claimed a story entered on their behalf: its people join the teller's registry scope."""
    changed = registry.adopt_story_scope(story)
    version = version_of(story)
    if changed and version is not None and version.body is not None:
        version.title, version.body = render(story)  # only labels differ
        touch(story.id)
    if changed:
        log_action(None, story, "labels follow the storyteller's account", note=f"{changed} label(s) changed")


def withdraw_step(story: Story) -> dict[str, int]:
    """Everything de-identification kept about a story, its registry entries included."""
    ids = set(db.session.scalars(select(IdentifierSpan.pseudonym_id).where(
        IdentifierSpan.story_id == story.id, IdentifierSpan.pseudonym_id.is_not(None))))
    spans = db.session.scalar(select(func.count()).where(IdentifierSpan.story_id == story.id)) or 0
    log_rows = db.session.scalar(select(func.count()).where(AnonymisationEntry.story_id == story.id)) or 0
    versions = db.session.scalar(select(func.count()).where(WorkshopVersion.story_id == story.id)) or 0
    db.session.execute(delete(IdentifierSpan).where(IdentifierSpan.story_id == story.id))
    db.session.execute(delete(AnonymisationEntry).where(AnonymisationEntry.story_id == story.id))
    db.session.execute(delete(WorkshopVersion).where(WorkshopVersion.story_id == story.id))
    entries = registry.prune(ids)
    counts = {"workshop_versions": versions, "identifiers": spans, "registry_entries": entries,
              "anonymisation_log": log_rows}
    return {name: n for name, n in counts.items() if n}
