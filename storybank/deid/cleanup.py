"""Clean registry entries made before the hygiene rules (`storybank deid clean-registry`).

- An entry that is not a proper name ("I", "Mum", "café", "crisis team"): every
  replacement it made is undone (the word was never an identifier: the span is
  rejected, so nothing proposes it again) and the entry is deleted.
- An archive-wide place or service label on a lone word that may be a person's
  name ("Callan"): each story that uses it gets a label of its own, so one
  teller's word no longer labels another teller's story.

Versions already sent or approved are rendered again from their decisions, so
hosts read the cleaned text at once; the anonymisation log of each story says what
changed. Running it twice changes nothing the second time.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from storybank.archive.models import Story
from storybank.deid import registry
from storybank.deid.models import REJECTED, IdentifierSpan, Pseudonym, WorkshopVersion
from storybank.deid.reading import log_action, render
from storybank.extensions import db
from storybank.search.indexing import touch
from storybank.timeutil import utcnow


@dataclass
class Cleanup:
    removed: list[str] = field(default_factory=list)  # originals of deleted entries
    localised: list[str] = field(default_factory=list)  # lone words given story-local labels
    stories: set[int] = field(default_factory=set)


def clean_registry() -> Cleanup:
    report = Cleanup()
    for entry in list(db.session.scalars(select(Pseudonym).order_by(Pseudonym.id))):
        spans = list(db.session.scalars(select(IdentifierSpan).where(IdentifierSpan.pseudonym_id == entry.id)))
        if not registry.registrable(entry.type, entry.original):
            for span in spans:
                span.decision, span.pseudonym, span.descriptor, span.decided_at = REJECTED, None, "", utcnow()
                report.stories.add(span.story_id)
                log_action(None, _story(span.story_id), "registry cleaned", span.type, span.original,
                           note="not a proper name: the word is kept as written")
            report.removed.append(entry.original)
            db.session.delete(entry)
        elif entry.scope == "archive" and not registry.place_shaped(entry.original):
            by_story: dict[int, list[IdentifierSpan]] = {}
            for span in spans:
                by_story.setdefault(span.story_id, []).append(span)
            for story_id, story_spans in by_story.items():
                story = _story(story_id)
                local = registry.entry_for(None, story, entry.type, entry.original)
                for span in story_spans:
                    span.pseudonym = local
                report.stories.add(story_id)
                log_action(None, story, "registry cleaned", entry.type, entry.original,
                           replacement=f"[{local.label}]" if local else "",
                           note="a lone word: its label now holds in this story only")
            report.localised.append(entry.original)
            db.session.delete(entry)
        db.session.flush()
    for story_id in sorted(report.stories):
        _rerender(_story(story_id))
    return report


def _story(story_id: int) -> Story:
    story = db.session.get(Story, story_id)
    assert story is not None  # spans cascade with their story
    return story


def _rerender(story: Story) -> None:
    version = db.session.scalar(select(WorkshopVersion).where(WorkshopVersion.story_id == story.id))
    if version is None or version.body is None:
        return
    version.title, version.body = render(story)
    version.updated_at = utcnow()
    touch(story.id)

