"""Demo workshop versions: hosts in the demo find approved stories, and the demo storyteller has one to approve."""
from __future__ import annotations

from sqlalchemy import select

from storybank import policy
from storybank.accounts.models import User
from storybank.archive.models import Story
from storybank.deid import approval, decisions
from storybank.deid.models import WorkshopVersion
from storybank.extensions import db


def prepare_demo_versions(researcher: User, teller: User | None) -> int:
    """Accept the proposed identifiers of every workshop-consented demo story and get each approved.

    One of the demo storyteller's stories is left waiting for their approval.
    """
    if db.session.scalar(select(WorkshopVersion.id).where(WorkshopVersion.status != "review").limit(1)):
        return 0
    stories = db.session.scalars(policy.visible_stories(researcher, "workshop_prep").order_by(Story.id)).all()
    approved = 0
    left_waiting = False
    for story in stories:
        decisions.review(researcher, story.id)
        decisions.accept_all(researcher, story.id)
        if story.teller_id is None:
            approval.send(researcher, story.id, approved_on_behalf=True)
            approved += 1
            continue
        approval.send(researcher, story.id)
        if teller is not None and story.teller_id == teller.id and not left_waiting:
            left_waiting = True
            continue
        owner = db.session.get(User, story.teller_id)
        approval.teller_approve(owner, story.id)
        approved += 1
    return approved
