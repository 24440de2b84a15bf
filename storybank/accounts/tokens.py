"""API tokens: made, listed, revoked, expiring; only a SHA-256 of each token is kept."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from storybank import tx
from storybank.accounts.models import ApiToken, User
from storybank.audit.service import record
from storybank.errors import NotFound
from storybank.extensions import db
from storybank.lookup import parse_id
from storybank.timeutil import utcnow

#: a token's "last used" is written at most this often (each write is a moment of the write lock)
TOKEN_TOUCH_EVERY = timedelta(minutes=5)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User, label: str = "") -> str:
    days = int(current_app.config.get("TOKEN_DAYS", 90))
    token = "sb_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_hash=_token_hash(token), label=(label or "")[:120],
                            expires_at=utcnow() + timedelta(days=days)))
    db.session.flush()
    record(user, "token.created", target_user=user.id)
    return token


def user_for_token(token: str) -> User | None:
    if not token or len(token) > 200:
        return None
    now = utcnow()
    row = db.session.scalar(select(ApiToken).where(
        ApiToken.token_hash == _token_hash(token), ApiToken.revoked_at.is_(None), ApiToken.expires_at > now))
    if row is None or not row.user.active:
        return None
    if row.last_used_at is None or now - row.last_used_at >= TOKEN_TOUCH_EVERY:
        # only at the commit: a read never holds the write lock while it runs
        token_id = row.id
        tx.before_commit(lambda: db.session.execute(
            update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now)))
    return row.user


def list_tokens(actor: User) -> list[ApiToken]:
    """The actor's own tokens that still work, newest first."""
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == actor.id, ApiToken.revoked_at.is_(None),
                               ApiToken.expires_at > utcnow())
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def revoke_token(actor: User, token_id: object) -> None:
    """Only the actor's own token; anyone else's (or none) answers 404."""
    tid = parse_id(token_id, "No such token.")
    row = db.session.scalar(select(ApiToken).where(ApiToken.id == tid, ApiToken.user_id == actor.id,
                                                   ApiToken.revoked_at.is_(None)))
    if row is None:
        raise NotFound("No such token.")
    row.revoked_at = utcnow()
    db.session.flush()
    record(actor, "token.revoked", target_user=actor.id)


def revoke_all(user: User) -> int:
    result = db.session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                                .values(revoked_at=utcnow()))
    return result.rowcount or 0


def token_json(row: ApiToken) -> dict[str, object]:
    def stamp(value: object) -> str | None:
        return value.isoformat() + "Z" if value else None  # type: ignore[union-attr]

    return {"id": row.id, "label": row.label, "created_at": stamp(row.created_at),
            "last_used_at": stamp(row.last_used_at), "expires_at": stamp(row.expires_at)}
