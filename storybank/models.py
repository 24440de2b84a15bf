"""Every model, imported in one place so Alembic and the app see the same metadata."""
from storybank.accounts.models import ApiToken, PasswordReset, PendingSignup, RecoveryCode, User, UserRole
from storybank.archive.models import (
    ClaimInvitation,
    ConsentEvent,
    ConsentFormVersion,
    Story,
    StoryRevision,
)
from storybank.archive.teller_models import SavedDraft, WithdrawalNotice
from storybank.audit.models import AuditEvent
from storybank.coding.models import Code, CoderNotice, Coding, Memo
from storybank.coding.suggest_models import SuggestionDecision, SuggestionTraining
from storybank.deid.models import AnonymisationEntry, IdentifierSpan, Pseudonym, WorkshopVersion
from storybank.interop.models import ExchangeSetting, ImportedSource, ImportedUser, ImportProject
from storybank.search.models import SearchDocument, SearchGeneration, SearchOutbox, SearchWord
from storybank.workshops.models import (
    Insight,
    InsightCode,
    InsightStory,
    SessionStory,
    StorySet,
    StorySetItem,
    WorkshopSession,
)

__all__ = [
    "AnonymisationEntry",
    "IdentifierSpan",
    "Pseudonym",
    "WorkshopVersion",
    "ApiToken",
    "PasswordReset",
    "PendingSignup",
    "RecoveryCode",
    "AuditEvent",
    "Code",
    "ExchangeSetting",
    "ImportProject",
    "ImportedSource",
    "ImportedUser",
    "CoderNotice",
    "Coding",
    "Memo",
    "ClaimInvitation",
    "ConsentEvent",
    "ConsentFormVersion",
    "SearchDocument",
    "SearchGeneration",
    "SearchOutbox",
    "SearchWord",
    "Story",
    "StoryRevision",
    "SavedDraft",
    "WithdrawalNotice",
    "SuggestionDecision",
    "SuggestionTraining",
    "User",
    "UserRole",
    "Insight",
    "InsightCode",
    "InsightStory",
    "SessionStory",
    "StorySet",
    "StorySetItem",
    "WorkshopSession",
]
