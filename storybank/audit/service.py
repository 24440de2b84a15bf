"""Write to the audit log inside the current transaction."""
from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from sqlalchemy import func, select

from storybank import tx
from storybank.accounts.models import User
from storybank.audit.models import AuditEvent
from storybank.extensions import db
from storybank.timeutil import utcnow


def record(
    actor: User | None,
    action: str,
    story_id: int | None = None,
    purpose: str = "",
    **detail: Any,
) -> AuditEvent:
    event = AuditEvent(
        actor_id=actor.id if actor is not None and actor.is_authenticated else None,
        actor_roles=",".join(sorted(actor.roles)) if actor is not None and actor.is_authenticated else "",
        action=action,
        purpose=purpose,
        story_id=story_id,
        detail=detail,
    )
    if has_request_context() and request.method in ("GET", "HEAD"):
        event.at = utcnow()
        tx.before_commit(lambda: db.session.add(event))  # a read never holds the write lock while it renders
    else:
        db.session.add(event)
    return event


def story_uses(story_id: int, teller_id: int | None) -> list[AuditEvent]:
    """What others did with a story, for its teller's page (roles are shown, names never)."""
    stmt = select(AuditEvent).where(AuditEvent.story_id == story_id).order_by(AuditEvent.at.desc())
    if teller_id is not None:
        stmt = stmt.where((AuditEvent.actor_id != teller_id) | AuditEvent.actor_id.is_(None))
    return list(db.session.scalars(stmt))


def list_events(action: str | None = None, story_id: int | None = None, page: int = 1,
                per_page: int = 50) -> tuple[list[AuditEvent], int]:
    stmt = select(AuditEvent)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if story_id:
        stmt = stmt.where(AuditEvent.story_id == story_id)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.scalars(
        stmt.order_by(AuditEvent.id.desc()).offset((max(page, 1) - 1) * per_page).limit(per_page)
    )
    return list(rows), total


def known_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))
