"""Password strength, change, and single-use reset links."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from storybank.accounts.models import PasswordReset, User
from storybank.audit.service import record
from storybank.errors import Gone, InvalidInput
from storybank.extensions import db
from storybank.timeutil import utcnow

MIN_PASSWORD = 10
MIN_SCORE = 3  # zxcvbn: 0 (guessable in a few tries) … 4 (very unguessable)
RESET_EXPIRED = "This reset link has expired or has already been used. Ask for a new one."


def check_password(password: object, *, email: str = "", name: str = "") -> str:
    """Long enough and not guessable: common, breached-list and keyboard passwords are refused, with why."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise InvalidInput(f"Passwords need at least {MIN_PASSWORD} characters.", field="password")
    if len(password) > 1024:
        raise InvalidInput("That password is too long.", field="password")
    hints = [part for part in (email, email.split("@")[0], name, "storybank") if part]
    verdict = zxcvbn(password[:72], user_inputs=hints)  # zxcvbn refuses longer input; 72 characters say enough
    if verdict["score"] < MIN_SCORE:
        feedback = verdict.get("feedback") or {}
        why = feedback.get("warning") or "it would be easy to guess"
        tips = " ".join(feedback.get("suggestions") or [])
        raise InvalidInput(f"Choose a harder password: {why.rstrip('.')}. {tips}".strip(), field="password")
    return password


def end_other_sessions(user: User) -> None:
    """Every session cookie and remember-cookie issued so far stops working."""
    user.session_version = (user.session_version or 1) + 1


def set_password(user: User, new_password: object) -> None:
    user.password_hash = generate_password_hash(
        check_password(new_password, email=user.email, name=user.display_name))
    end_other_sessions(user)
    db.session.execute(update(PasswordReset).where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
                       .values(used_at=utcnow()))


def change_password(actor: User, current: object, new_password: object) -> None:
    if not isinstance(current, str) or not check_password_hash(actor.password_hash, current):
        raise InvalidInput("Your current password is not right. Nothing was changed.", field="current")
    set_password(actor, new_password)
    db.session.flush()
    record(actor, "password.changed", target_user=actor.id)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_reset(user: User, actor: User | None = None) -> str:
    """A fresh reset token (shown or sent once); earlier unused ones stop working."""
    now = utcnow()
    db.session.execute(update(PasswordReset).where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
                       .values(used_at=now))
    token = secrets.token_urlsafe(32)
    hours = int(current_app.config.get("RESET_LINK_HOURS", 24))
    db.session.add(PasswordReset(user_id=user.id, token_hash=_hash(token), expires_at=now + timedelta(hours=hours)))
    db.session.flush()
    record(actor, "password.reset_link", target_user=user.id)
    return token


def find_reset(token: object) -> PasswordReset:
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        raise Gone(RESET_EXPIRED)
    reset = db.session.scalar(select(PasswordReset).where(PasswordReset.token_hash == _hash(token)))
    if reset is None or reset.used_at is not None or reset.expires_at < utcnow():
        raise Gone(RESET_EXPIRED)
    user = db.session.get(User, reset.user_id)
    if user is None or not user.active:
        raise Gone(RESET_EXPIRED)
    return reset


def use_reset(token: object, new_password: object) -> User:
    reset = find_reset(token)
    user = db.session.get(User, reset.user_id)
    assert user is not None
    set_password(user, new_password)  # marks this and every other open link used
    db.session.flush()
    record(user, "password.reset", target_user=user.id)
    return user
