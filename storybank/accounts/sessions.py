"""Who a session cookie belongs to, and the sign-in limits.

The session (and a remember-cookie) holds "<user id>:<session version>". Signing
out, changing or resetting the password and deactivation move the version on,
so a cookie copied before then no longer signs anyone in.

Failed sign-ins are limited per account and, with a higher bound, per address
(many people can share one proxy's address); with STORYBANK_RATELIMIT_STORAGE_URI
pointing at Redis the counts are shared by every worker and server.
"""
from __future__ import annotations

import hashlib

from flask import current_app, request, session
from flask_limiter.util import get_remote_address

from storybank.accounts.models import User
from storybank.extensions import db


def load_user(user_id: str) -> User | None:
    user_part, _, version = (user_id or "").partition(":")
    try:
        user = db.session.get(User, int(user_part))
        wanted = int(version)
    except ValueError:
        return None
    if user is None or user.session_version != wanted:
        return None
    return user


def _digest(value: str) -> str:
    """Counters are keyed by a digest, so the limiter's storage never holds an e-mail address."""
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]


def account_key() -> str:
    """The account a sign-in (or reset) names: the submitted e-mail, or the one waiting for its second step."""
    pending = session.get("two_factor") or {}
    if request.endpoint == "auth.two_factor" and pending.get("uid"):
        return f"account:{pending['uid']}"
    email = request.form.get("email", "")
    return f"account:{_digest(email)}" if email else f"address:{get_remote_address()}"


def address_key() -> str:
    return f"address:{get_remote_address()}"


def account_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def address_limit() -> str:
    return current_app.config["LOGIN_ADDRESS_RATE_LIMIT"]


def reset_limit() -> str:
    return current_app.config["RESET_RATE_LIMIT"]


def failed(response: object) -> bool:
    """Only failures count against sign-in limits: 401 is a wrong password or code."""
    return getattr(response, "status_code", 200) == 401
