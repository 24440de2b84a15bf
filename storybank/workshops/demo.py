"""A demo story set, session and insight, so the demo host has something to print and the analysis has an insight."""
from __future__ import annotations

from sqlalchemy import select

from storybank.accounts.models import User
from storybank.coding.models import Code
from storybank.extensions import db
from storybank.workshops import sessions, sets
from storybank.workshops.models import StorySet


def prepare_demo_set(host: User) -> int:
    """A "Thresholds" set from the saved search `theme:thresholds`, one session and one insight; returns its size."""
    if db.session.scalar(select(StorySet.id).where(StorySet.host_id == host.id).limit(1)):
        return 0
    story_set = sets.create_set(host, "Thresholds", "Where do thresholds shut people out?", "theme:thresholds")
    if not story_set.items:
        return 0
    session = sessions.record_session(host, story_set.id, "2026-11-26", "Community hub, back room", 11)
    links = [value for value, _label in sessions.link_choices(host, session)][:2]
    codes = list(db.session.scalars(select(Code.id).where(Code.name.in_(("Thresholds", "Relational system")))))
    sessions.add_insight(host, session.id, "People learn to stop asking: every refusal at the door teaches them the "
                         "door is not for them. The stories where someone came back were the ones where a person, not "
                         "a criterion, met them.", links, codes)
    return len(story_set.items)
