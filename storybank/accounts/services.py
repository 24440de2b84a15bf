"""Accounts, roles and passwords (werkzeug scrypt); tokens live in tokens.py, resets in passwords.py."""
from __future__ import annotations

import re

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from storybank import policy
from storybank.accounts.models import User, UserRole
from storybank.accounts.passwords import MIN_PASSWORD, check_password, end_other_sessions
from storybank.accounts.tokens import create_token, revoke_all, user_for_token
from storybank.audit.service import record
from storybank.errors import Conflict, InvalidInput, NotFound
from storybank.extensions import db
from storybank.lookup import get_or_not_found

__all__ = ["MIN_PASSWORD", "authenticate", "check_password", "create_token", "create_user", "find_by_email",
           "get_user", "list_users", "update_user", "user_for_token"]
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Compared against when the email is unknown, so a login takes as long either way.
_DUMMY_HASH = generate_password_hash("storybank-timing-equaliser")


def clean_email(email: object) -> str:
    if not isinstance(email, str) or not EMAIL_RE.match(email.strip()) or len(email) > 254:
        raise InvalidInput("Enter a valid email address.", field="email")
    return email.strip().lower()


def clean_roles(roles: object) -> list[str]:
    if not isinstance(roles, list | tuple | set) or not roles:
        raise InvalidInput("Choose at least one role.", field="roles")
    bad = [r for r in roles if r not in policy.ROLES]
    if bad:
        raise InvalidInput(f"Unknown role {bad[0]!r}: use {', '.join(policy.ROLES)}.", field="roles")
    return sorted(set(roles))


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def create_user(actor: User | None, email: object, password: object, roles: object,
                display_name: str = "") -> User:
    """Create an account. actor None means the command line or a claim-link sign-up."""
    if actor is not None and not policy.can(actor, "admin.users"):
        raise NotFound()
    email = clean_email(email)
    roles = clean_roles(roles)
    display_name = (display_name or "").strip()[:120]
    password = check_password(password, email=email, name=display_name)
    if find_by_email(email) is not None:
        raise Conflict("An account with that email already exists.", field="email")
    user = User(email=email, display_name=display_name,
                password_hash=generate_password_hash(password))
    user.role_rows = [UserRole(role=r) for r in roles]
    db.session.add(user)
    db.session.flush()
    record(actor, "user.created", target_user=user.id, roles=roles)
    return user


def authenticate(email: object, password: object) -> User | None:
    user = find_by_email(email) if isinstance(email, str) else None
    if user is None or not isinstance(password, str):
        check_password_hash(_DUMMY_HASH, "x")
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


def update_user(actor: User, user_id: object, roles: object, active: bool, display_name: str | None = None) -> User:
    if not policy.can(actor, "admin.users"):
        raise NotFound()
    user = get_user(user_id)
    roles = clean_roles(roles)
    if user.id == actor.id and ("admin" not in roles or not active):
        raise InvalidInput("You cannot remove your own admin role or deactivate yourself.")
    before = sorted(user.roles)
    user.role_rows = [r for r in user.role_rows if r.role in roles]
    for role in roles:
        if role not in user.roles:
            user.role_rows.append(UserRole(role=role))
    if user.active and not active:
        # Deactivation ends every session and revokes every token: reactivating revives none of them.
        end_other_sessions(user)
        revoke_all(user)
    user.active = bool(active)
    if display_name is not None:
        user.display_name = display_name.strip()[:120]
    db.session.flush()
    record(actor, "user.updated", target_user=user.id, roles_before=before, roles=roles, active=user.active)
    return user


def get_user(user_id: object) -> User:
    return get_or_not_found(User, user_id, "No such account.")


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.email)))
