"""Every model, imported in one place so Alembic and the app see the same metadata."""
from storybank.accounts.models import ApiToken, User, UserRole
from storybank.archive.models import (
    ClaimInvitation,
    ConsentEvent,
    ConsentFormVersion,
    Story,
    StoryRevision,
)
from storybank.audit.models import AuditEvent

__all__ = [
    "ApiToken",
    "AuditEvent",
    "ClaimInvitation",
    "ConsentEvent",
    "ConsentFormVersion",
    "Story",
    "StoryRevision",
    "User",
    "UserRole",
]
