"""One-time claim links for stories entered on a teller's behalf."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select

from storybank import hooks, policy
from storybank.accounts.models import User
from storybank.archive.models import STATUS_ACTIVE, ClaimInvitation, Story
from storybank.audit.service import record
from storybank.errors import Gone, NotFound
from storybank.extensions import db
from storybank.timeutil import utcnow

EXPIRED_MESSAGE = (
    "This claim link has expired or has already been used. Ask the researcher who "
    "recorded your story for a new link."
)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_claim_link(actor: User, story_id: object) -> tuple[Story, str]:
    """Make a fresh token (shown once); any earlier unused link for the story stops working."""
    story = policy.get_story(actor, story_id, "entered")
    db.session.execute(
        delete(ClaimInvitation).where(ClaimInvitation.story_id == story.id, ClaimInvitation.used_at.is_(None))
    )
    token = secrets.token_urlsafe(24)
    days = int(current_app.config.get("CLAIM_LINK_DAYS", 30))
    db.session.add(ClaimInvitation(
        story_id=story.id, token_hash=_hash(token), created_by_id=actor.id,
        expires_at=utcnow() + timedelta(days=days),
    ))
    db.session.flush()
    record(actor, "claim_link.created", story_id=story.id, purpose="entered")
    return story, token


def find_invitation(token: str) -> ClaimInvitation:
    """The invitation behind a token, if still usable; otherwise a clear 'expired' error."""
    if not isinstance(token, str) or not 10 <= len(token) <= 100:
        raise Gone(EXPIRED_MESSAGE)
    return _usable(db.session.scalar(select(ClaimInvitation).where(ClaimInvitation.token_hash == _hash(token))))


def _usable(invitation: ClaimInvitation | None) -> ClaimInvitation:
    if invitation is None or invitation.used_at is not None or invitation.expires_at < utcnow():
        raise Gone(EXPIRED_MESSAGE)
    story = db.session.get(Story, invitation.story_id)
    if story is None or story.status != STATUS_ACTIVE or story.teller_id is not None:
        raise Gone(EXPIRED_MESSAGE)
    return invitation


def claim_story(user: User, token: str) -> Story:
    return _claim(user, find_invitation(token))


def claim_invitation(user: User, invitation_id: int) -> Story:
    """Claim through an invitation already proven (an e-mail confirmation link that carried it)."""
    return _claim(user, _usable(db.session.get(ClaimInvitation, invitation_id)))


def _claim(user: User, invitation: ClaimInvitation) -> Story:
    if not policy.can(user, "story.own"):
        raise NotFound("Only a storyteller account can claim a story.")
    story = db.session.get(Story, invitation.story_id)
    assert story is not None
    story.teller_id = user.id
    invitation.used_at = utcnow()
    invitation.used_by_id = user.id
    db.session.flush()
    for hook in hooks.current().claim:  # the pseudonym registry follows the teller
        hook(story)
    record(user, "story.claimed", story_id=story.id, purpose="own")
    return story


def email_claim_link(actor: User, story_id: object, token: str, email: str) -> bool:
    """Send a claim link just made for a story the actor entered; False when mail is not configured."""
    from storybank import mail
    from storybank.accounts.services import clean_email

    story = policy.get_story(actor, story_id, "entered")
    address = clean_email(email)
    if find_invitation(token).story_id != story.id:
        raise Gone(EXPIRED_MESSAGE)
    sent = mail.send_after_commit(
        address, "A story recorded with you is waiting on storybank",
        "A researcher recorded your story with you. Open this link to claim it: then it is yours to read, "
        "correct, share or withdraw.", mail.link("auth.claim", token=token),
        "The link works once.")
    if sent:
        record(actor, "claim_link.emailed", story_id=story.id, purpose="entered")
    return sent
