"""Getting back in: reset links by e-mail, from an administrator, or from the command line."""
from __future__ import annotations

from storybank import mail, policy
from storybank.accounts.models import User
from storybank.accounts.passwords import create_reset
from storybank.accounts.services import find_by_email, get_user
from storybank.errors import NotFound


def reset_link(token: str) -> str:
    return mail.link("auth.reset", token=token)


def _send_reset(user: User, token: str) -> bool:
    return mail.send_after_commit(
        user.email, "Reset your storybank password",
        "Someone (probably you) asked to reset the password of your storybank account. Open this link to "
        "choose a new one:", reset_link(token),
        "The link works once and only for a while. If you did not ask, ignore this message: nothing changes.")


def request_reset(email: object) -> None:
    """The same answer whether or not the address has an account: the owner alone learns anything, by e-mail."""
    if not mail.configured() or not isinstance(email, str) or len(email) > 254:
        return
    user = find_by_email(email)
    if user is None or not user.active:
        return
    _send_reset(user, create_reset(user))


def admin_reset_link(actor: User, user_id: object, send: bool) -> tuple[User, str | None]:
    """A reset link an administrator hands over (send=False), or sends to the account's address."""
    if not policy.can(actor, "admin.users"):
        raise NotFound()
    user = get_user(user_id)
    if not user.active:
        raise NotFound("That account is deactivated: activate it first.")
    token = create_reset(user, actor)
    if send and _send_reset(user, token):
        return user, None
    return user, reset_link(token)


def admin_turn_off_two_factor(actor: User, user_id: object) -> User:
    """For someone who lost both their phone and their recovery codes; every session of theirs ends."""
    from sqlalchemy import delete

    from storybank.accounts.models import RecoveryCode
    from storybank.accounts.passwords import end_other_sessions
    from storybank.audit.service import record
    from storybank.extensions import db

    if not policy.can(actor, "admin.users"):
        raise NotFound()
    user = get_user(user_id)
    user.totp_secret = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    end_other_sessions(user)
    db.session.flush()
    record(actor, "two_factor.reset_by_admin", target_user=user.id)
    return user
