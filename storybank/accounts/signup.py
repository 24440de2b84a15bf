"""Claim-link sign-up that does not tell anyone which addresses have accounts.

With mail configured every sign-up answers the same "check your e-mail": a new
address gets a link that finishes the account and the claim; an address that
already has an account is told so by e-mail (with a sign-in link, never the
claim link). Without mail the account is made at once, and an existing address
gets the same refusal as any other address that cannot be used.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select
from werkzeug.security import generate_password_hash

from storybank import mail
from storybank.accounts.models import PendingSignup, User, UserRole
from storybank.accounts.passwords import check_password
from storybank.accounts.services import clean_email, create_user, find_by_email
from storybank.archive.claims import claim_invitation, claim_story, find_invitation
from storybank.archive.models import Story
from storybank.audit.service import record
from storybank.errors import Conflict, Gone
from storybank.extensions import db
from storybank.timeutil import utcnow

SIGNUP_EXPIRED = "This confirmation link has expired or has already been used. Open your claim link again."
CANNOT_USE = ("That address cannot be used for a new account. If you already have one, sign in first "
              "and then open the claim link again.")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign_up_to_claim(claim_token: str, email: object, password: object,
                     display_name: str) -> tuple[User, Story] | None:
    """The new account and its story when mail is off; None when a message was sent instead."""
    invitation = find_invitation(claim_token)
    email = clean_email(email)
    display_name = (display_name or "").strip()[:120]
    check_password(password, email=email, name=display_name)
    password_hash = generate_password_hash(password)  # hashed either way: the answer takes as long for both
    existing = find_by_email(email)
    if not mail.configured():
        if existing is not None:
            raise Conflict(CANNOT_USE, field="email")
        user = create_user(None, email, password, ["storyteller"], display_name)
        return user, claim_story(user, claim_token)
    if existing is not None:
        mail.send_after_commit(
            email, "Someone tried to make a storybank account with your address",
            "Someone (probably you) tried to create a new storybank account with this address, to claim a "
            "story. You already have an account. Sign in here, then open the claim link again:",
            mail.link("auth.login"))
        record(None, "signup.existing_address", target_user=existing.id)
        return None
    token = secrets.token_urlsafe(32)
    db.session.execute(delete(PendingSignup).where(PendingSignup.email == email))
    db.session.add(PendingSignup(
        token_hash=_hash(token), email=email, display_name=display_name,
        password_hash=password_hash, invitation_id=invitation.id,  # type: ignore[arg-type]
        expires_at=utcnow() + timedelta(hours=int(current_app.config.get("RESET_LINK_HOURS", 24)))))
    db.session.flush()
    mail.send_after_commit(
        email, "Finish claiming your story on storybank",
        "Open this link to finish making your storybank account and claim the story recorded with you:",
        mail.link("auth.signup_confirm", token=token))
    return None


def find_pending(token: object) -> PendingSignup:
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        raise Gone(SIGNUP_EXPIRED)
    pending = db.session.scalar(select(PendingSignup).where(PendingSignup.token_hash == _hash(token)))
    if pending is None or pending.expires_at < utcnow():
        raise Gone(SIGNUP_EXPIRED)
    return pending


def confirm_signup(token: object) -> tuple[User, Story]:
    """Make the account and claim the story; the link works once."""
    pending = find_pending(token)
    email, invitation_id = pending.email, pending.invitation_id
    db.session.delete(pending)
    if find_by_email(email) is not None:
        raise Gone(SIGNUP_EXPIRED)
    user = User(email=email, display_name=pending.display_name, password_hash=pending.password_hash)
    user.role_rows = [UserRole(role="storyteller")]
    db.session.add(user)
    db.session.flush()
    record(None, "user.created", target_user=user.id, roles=["storyteller"])
    story = claim_invitation(user, invitation_id)
    return user, story
