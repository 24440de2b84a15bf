"""Reading an approved workshop version: hosts, and the API for whoever may read it (never the original text)."""
from __future__ import annotations

from storybank import policy
from storybank.accounts.models import User
from storybank.archive.models import Story
from storybank.audit.service import record
from storybank.deid.models import APPROVED, WorkshopVersion
from storybank.deid.reading import version_of
from storybank.errors import NotFound


def host_version(actor: User, story_id: object) -> tuple[Story, WorkshopVersion]:
    """An approved workshop version for a host (never the original text)."""
    if not policy.can(actor, "workshop.read"):
        raise NotFound("No such story.")
    story = policy.get_story(actor, story_id, "workshop")
    version = version_of(story)
    if version is None or version.status != APPROVED or version.body is None:
        raise NotFound("No such story.")
    record(actor, "story.read", story_id=story.id, purpose="workshop")
    return story, version


def workshop_for(actor: User, story_id: object) -> tuple[Story, WorkshopVersion]:
    """The approved version for whoever may read it: its teller, a researcher preparing it, a host."""
    try:
        story = policy.get_own_story(actor, story_id)
    except NotFound:
        purposes = policy.purposes_for(actor, ("workshop", "workshop_prep", "research"))
        if not purposes:
            raise
        story = policy.get_story(actor, story_id, purposes)
    version = version_of(story)
    if version is None or version.status != APPROVED or version.body is None:
        raise NotFound("This story has no approved workshop version.")
    if story.teller_id != actor.id:
        record(actor, "story.read", story_id=story.id, purpose=policy.purpose_of_read(actor, story)
               if not policy.can(actor, "workshop.read") else "workshop")
    return story, version
