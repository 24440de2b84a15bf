"""A storyteller erases their account: every story withdrawn as usual, then the account itself."""
from __future__ import annotations

from sqlalchemy import select
from werkzeug.security import check_password_hash

from storybank import ledger, policy
from storybank.accounts.models import User
from storybank.archive.models import STATUS_ACTIVE, Story
from storybank.archive.withdrawal import withdraw_story
from storybank.audit.service import record
from storybank.errors import InvalidInput, NotFound
from storybank.extensions import db


def delete_account(actor: User, password: object) -> int:
    """Withdraw each of the actor's stories (tombstones stay, with no teller), then erase the account.

    Returns how many stories were withdrawn. Only storytellers delete themselves; the
    other roles' work (codings, sets) belongs to the team and an admin deactivates them.
    """
    if not policy.can(actor, "account.delete"):
        raise NotFound()
    if not isinstance(password, str) or not check_password_hash(actor.password_hash, password):
        raise InvalidInput("That password is not right. Nothing was deleted.", field="password")
    if not policy.holds_only(actor, "storyteller"):
        raise InvalidInput("This account has other roles besides storyteller: ask an administrator to close it.")
    story_ids = list(db.session.scalars(
        select(Story.id).where(Story.teller_id == actor.id, Story.status == STATUS_ACTIVE)))
    for story_id in story_ids:
        withdraw_story(actor, story_id)
    record(None, "account.deleted", target_user=actor.id, withdrawn=len(story_ids))
    ledger.record_account_erasure(actor.id)  # a restore of an older backup erases the account again
    db.session.flush()
    db.session.delete(actor)  # the database sets the tombstones' teller to none and drops tokens and roles
    db.session.flush()
    return len(story_ids)
