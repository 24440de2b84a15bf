"""TOTP two-factor sign-in (pyotp) with one-time recovery codes, kept hashed."""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time

import pyotp
import segno
from sqlalchemy import delete, select

from storybank.accounts.models import RecoveryCode, User
from storybank.audit.service import record
from storybank.errors import InvalidInput
from storybank.extensions import db
from storybank.timeutil import utcnow

ISSUER = "storybank"
RECOVERY_CODES = 10
STEP = 30


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The authenticator link as an inline SVG QR code (no scripts, no external images)."""
    return segno.make(uri, error="m").svg_inline(scale=4, dark="#1d1d1b", light="#ffffff")


def _step_matching(secret: str, code: object, last_step: int | None) -> int | None:
    """The time step a six-digit code belongs to (now, or one step either side), if not used before."""
    if not isinstance(code, str):
        return None
    code = code.replace(" ", "").strip()
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    now = int(time.time()) // STEP
    for step in (now, now - 1, now + 1):
        if hmac.compare_digest(totp.at(step * STEP), code) and (last_step is None or step > last_step):
            return step
    return None


def _hash_code(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").replace(" ", "").lower().encode()).hexdigest()


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [f"{secrets.token_hex(4)}-{secrets.token_hex(4)}" for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash_code(c)) for c in codes)
    return codes


def enable(actor: User, secret: object, code: object) -> list[str]:
    """Turn two-factor on once the app shows a right code; returns the recovery codes (shown once)."""
    if not isinstance(secret, str) or len(secret) != 32:
        raise InvalidInput("Start again: the setup expired.")
    step = _step_matching(secret, code, None)
    if step is None:
        raise InvalidInput("That code is not right: type the six digits your app shows now.", field="code")
    actor.totp_secret = secret
    actor.totp_last_step = step
    codes = _new_recovery_codes(actor)
    db.session.flush()
    record(actor, "two_factor.enabled", target_user=actor.id)
    return codes


def disable(actor: User, code: object) -> None:
    if not verify(actor, code):
        raise InvalidInput("That code is not right. Two-factor sign-in is still on.", field="code")
    actor.totp_secret = None
    actor.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == actor.id))
    db.session.flush()
    record(actor, "two_factor.disabled", target_user=actor.id)


def regenerate(actor: User, code: object) -> list[str]:
    if not verify(actor, code):
        raise InvalidInput("That code is not right. Your recovery codes are unchanged.", field="code")
    codes = _new_recovery_codes(actor)
    db.session.flush()
    record(actor, "two_factor.recovery_codes", target_user=actor.id)
    return codes


def verify(user: User, code: object) -> bool:
    """A current authenticator code (each used once), or an unused recovery code (then spent)."""
    if user.totp_secret is None or not isinstance(code, str) or len(code) > 40:
        return False
    step = _step_matching(user.totp_secret, code, user.totp_last_step)
    if step is not None:
        user.totp_last_step = step
        return True
    row = db.session.scalar(select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash_code(code), RecoveryCode.used_at.is_(None)))
    if row is None:
        return False
    row.used_at = utcnow()
    record(user, "two_factor.recovery_code_used", target_user=user.id)
    return True


def recovery_codes_left(user: User) -> int:
    return len(list(db.session.scalars(select(RecoveryCode.id).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))))
