"""Proposing identifiers: detection (spaCy plus rules) and names the registry already knows.

A story's workshop version is created, and identifiers proposed, when it may
first go to workshops or when a researcher first opens its review.
"""
from __future__ import annotations

import re

from flask import current_app, has_app_context
from sqlalchemy import delete

from storybank.accounts.models import User
from storybank.archive.models import Story, StoryRevision
from storybank.deid import detect as detection
from storybank.deid import registry, words
from storybank.deid.models import PROPOSED, REVIEW, IdentifierSpan, WorkshopVersion
from storybank.deid.reading import log_action, revision_of, spans_of, version_of
from storybank.extensions import db
from storybank.timeutil import utcnow


def _registry_proposals(story: Story, text: str) -> list[detection.Proposal]:
    """Mentions of names the registry already knows for this story: one pass over the text, longest first.

    Case follows `words.same_name`: "Hope" the person never matches "hope" the word."""
    entries = {registry.key_of(e.original): e for e in registry.known_originals(story) if e.original.strip()}
    if not entries:
        return []
    keys = sorted(entries, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(r"\s+".join(map(re.escape, k.split())) for k in keys)
                         + r")(?![\w-])", re.IGNORECASE)
    out = []
    for match in pattern.finditer(text):
        entry = entries.get(registry.key_of(match.group()))
        if entry is not None and words.same_name(entry.original, match.group()):
            out.append(detection.Proposal(match.start(), match.end(), match.group(), entry.type, "registry"))
    return out


def proposals_in(story: Story, text: str, start: int = 0, end: int | None = None) -> list[detection.Proposal]:
    """Detection over text[start:end] (offsets into the whole text), registry matches first."""
    region = text[start:end]
    found = [detection.Proposal(p.start + start, p.end + start, p.text, p.type, p.source)
             for p in detection.detect(region)] if region.strip() else []
    known = [p for p in _registry_proposals(story, text) if p.start >= start and (end is None or p.end <= end)]
    merged: list[detection.Proposal] = []
    for p in sorted(known + found, key=lambda p: (0 if p.source == "registry" else 1, p.start)):
        if not any(p.start < q.end and p.end > q.start for q in merged):
            merged.append(p)
    return merged


def add_proposals(story: Story, rev: StoryRevision, part: str, proposals: list[detection.Proposal]) -> int:
    taken = [(s.start, s.end) for s in spans_of(story, rev) if s.part == part]
    added = 0
    for p in proposals:
        if any(p.start < b and p.end > a for a, b in taken):
            continue
        db.session.add(IdentifierSpan(story_id=story.id, revision_id=rev.id, part=part, start=p.start, end=p.end,
                                      original=p.text, type=p.type, source=p.source, decision=PROPOSED))
        taken.append((p.start, p.end))
        added += 1
    db.session.flush()
    return added


def _model_label() -> str:
    _nlp, name = detection.load(detection.model_name())
    return name or "rules only"


def detect_story(actor: User | None, story: Story, version: WorkshopVersion) -> int:
    """(Re)propose identifiers over the whole current revision; decisions already made stay."""
    rev = revision_of(story)
    db.session.execute(delete(IdentifierSpan).where(
        IdentifierSpan.story_id == story.id, IdentifierSpan.revision_id == rev.id,
        IdentifierSpan.decision == PROPOSED))
    added = add_proposals(story, rev, "title", proposals_in(story, rev.title))
    added += add_proposals(story, rev, "body", proposals_in(story, rev.body))
    version.detected_at = utcnow()
    version.detected_with = _model_label()
    log_action(actor, story, "detected", note=f"{added} identifiers proposed ({version.detected_with})")
    return added


def ensure_version(story: Story, actor: User | None = None) -> WorkshopVersion:
    """The story's workshop version row, with proposals made on first use."""
    version = version_of(story)
    if version is None:
        version = WorkshopVersion(story_id=story.id, revision_id=revision_of(story).id, status=REVIEW)
        db.session.add(version)
        db.session.flush()
    if version.detected_at is None:
        detect_story(actor, story, version)
    return version


def on_saved(story: Story) -> None:
    """A story was told, entered, imported or its consent changed: propose identifiers now if it may go to workshops."""
    if has_app_context() and not current_app.config.get("DEID_ON_SAVE", True):
        return
    consent = story.current_consent
    if story.withdrawn or consent is None or not consent.workshop or story.current_revision is None:
        return
    if version_of(story) is None:
        ensure_version(story)
