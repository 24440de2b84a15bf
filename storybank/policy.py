"""Who may see or change what. Every query for stories starts here.

Page- and API-level actions are granted to roles; story-level access is a
query (`visible_stories`) so that out-of-scope stories are simply never loaded
and the caller answers 404. Hosts see only approved workshop versions: the
`workshop` purpose never hands out the original text, and researchers prepare
those versions under the separate `workshop_prep` purpose. Neither is among the
default purposes, so a plain story read never reaches them.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable

from sqlalchemy import Select, and_, false, or_, select
from sqlalchemy.orm import aliased

from storybank.accounts.models import User
from storybank.archive.models import STATUS_ACTIVE, ConsentEvent, Story
from storybank.errors import NotFound
from storybank.extensions import db
from storybank.lookup import parse_id

ROLES = ("storyteller", "researcher", "host", "admin")
ROLE_LABELS = {
    "storyteller": "Storyteller",
    "researcher": "Researcher",
    "host": "Workshop host",
    "admin": "Administrator",
}

PUBLIC = "public"
SIGNED_IN = "signed_in"

# action -> roles that hold it. Story-level rules are in visible_stories().
ACTIONS: dict[str, frozenset[str]] = {
    "story.tell": frozenset({"storyteller"}),
    "story.own": frozenset({"storyteller"}),
    "story.read": frozenset({"storyteller", "researcher"}),
    "story.browse": frozenset({"researcher"}),
    "story.enter_on_behalf": frozenset({"researcher"}),
    "story.search": frozenset({"researcher", "host"}),
    "excerpt.search": frozenset({"researcher"}),
    "codebook.view": frozenset({"researcher"}),
    "codebook.edit": frozenset({"researcher"}),
    "story.code": frozenset({"researcher"}),
    "memo.write": frozenset({"researcher"}),
    "suggest.use": frozenset({"researcher"}),
    "suggest.train": frozenset({"researcher"}),
    "workshop.prepare": frozenset({"researcher"}),
    "workshop.read": frozenset({"host"}),
    "workshop.review_own": frozenset({"storyteller"}),
    # Story sets and sense-making sessions (storybank/workshops/): hosts build sets from workshop versions and
    # record sessions; researchers read sessions and insights (they feed analysis), never hosts' sets.
    "sets.build": frozenset({"host"}),
    "sessions.record": frozenset({"host"}),
    "insights.read": frozenset({"researcher", "host"}),
    "sessions.read_all": frozenset({"researcher"}),  # hosts read only the sessions they recorded
    "registry.read": frozenset({"researcher", "admin"}),
    # REFI-QDA, Markdown and CSV exchange with other tools (storybank/interop/).
    "exchange.export": frozenset({"researcher"}),
    "exchange.import": frozenset({"researcher"}),
    # Accounts (storybank/accounts/): a storyteller may erase their own account; two-factor sign-in is for
    # the roles that read many people's stories. Changing one's password and API tokens need only a sign-in.
    "account.delete": frozenset({"storyteller"}),
    "account.two_factor": frozenset({"researcher", "admin"}),
    "admin.users": frozenset({"admin"}),
    "admin.consent_forms": frozenset({"admin"}),
    "admin.audit": frozenset({"admin"}),
}

PURPOSES = ("own", "research", "entered", "workshop", "workshop_prep")
# A plain read of a story's own text: never through the workshop purposes.
ORIGINAL_TEXT_PURPOSES = ("own", "research", "entered")
PURPOSE_ROLES = {
    "own": "storyteller",
    "research": "researcher",
    "entered": "researcher",
    "workshop": "host",
    "workshop_prep": "researcher",  # reviewing identifiers of a story whose teller consented to workshops
}


def can(user: User | None, action: str) -> bool:
    if action == PUBLIC:
        return True
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if action == SIGNED_IN:
        return True
    roles = ACTIONS.get(action)
    if roles is None:
        raise KeyError(f"unknown action {action!r}")
    return bool(roles & user.roles)


def purposes_for(user: User | None, candidates: Iterable[str] = PURPOSES) -> list[str]:
    """The purposes among `candidates` (in their order) that the user's roles allow reading for."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    return [purpose for purpose in candidates if PURPOSE_ROLES[purpose] in user.roles]


def holds_only(user: User, role: str) -> bool:
    """The user's one role is `role` (a storyteller may erase their own account; other roles' work is the team's)."""
    return user.roles == {role}


_LATER_CONSENT = aliased(ConsentEvent)  # made once: building an alias costs about a millisecond per query


def current_consent_join() -> object:
    """Join condition selecting each story's latest consent event (consent is derived).

    "No later event for the same story" plans as an anti-join on both SQLite and
    PostgreSQL, which is faster than a correlated max() per story.
    """
    later = _LATER_CONSENT
    newer_exists = (
        select(later.id).where(later.story_id == ConsentEvent.story_id, later.id > ConsentEvent.id).exists()
    )
    return and_(ConsentEvent.story_id == Story.id, ~newer_exists)


def _purpose_condition(user: User, purpose: str) -> object:
    if PURPOSE_ROLES[purpose] not in user.roles:
        return false()
    if purpose == "own":
        return Story.teller_id == user.id
    if purpose == "entered":
        return and_(Story.entered_by_id == user.id, Story.teller_id.is_(None))
    if purpose == "research":
        return ConsentEvent.research.is_(True)
    if purpose == "workshop_prep":
        return ConsentEvent.workshop.is_(True)
    if purpose == "workshop":
        return and_(ConsentEvent.workshop.is_(True), _approved_version_exists())
    return false()


def _approved_version_exists() -> object:
    from storybank.deid.models import APPROVED, WorkshopVersion

    return select(WorkshopVersion.id).where(
        WorkshopVersion.story_id == Story.id, WorkshopVersion.status == APPROVED).exists()


@functools.cache
def _active_stories_with_consent() -> Select:
    """Active stories joined to their current consent: the same for every user, built once (it took 0.15 ms)."""
    return select(Story).join(ConsentEvent, current_consent_join()).where(Story.status == STATUS_ACTIVE)


def visible_stories(user: User | None, purposes: Iterable[str] | str | None = None) -> Select:
    """Select the active stories `user` may read for any of `purposes` (default: the original text's).

    The statement is built once per (purposes, user id, roles), the only things it is made
    from (`_purpose_condition`), and handed out again: a Select is never changed in place, so
    a caller's `.where()` makes its own. Building it cost about 0.1 ms of every search.
    """
    if isinstance(purposes, str):
        purposes = (purposes,)
    wanted = tuple(purposes) if purposes is not None else ORIGINAL_TEXT_PURPOSES
    unknown = set(wanted) - set(PURPOSES)
    if unknown:
        raise ValueError(f"unknown purpose {sorted(unknown)}")
    if user is None or not user.is_authenticated or not user.is_active:
        return _nothing_visible()
    key = (wanted, user.id, frozenset(user.roles))
    stmt = _VISIBLE.get(key)
    if stmt is None:
        stmt = _active_stories_with_consent().where(or_(*(_purpose_condition(user, p) for p in wanted)))
        if len(_VISIBLE) >= _MAX_VISIBLE:
            _VISIBLE.clear()
        _VISIBLE[key] = stmt
    return stmt


_VISIBLE: dict[tuple, Select] = {}  # visible_stories' statements by (purposes, user id, roles)
_MAX_VISIBLE = 2000


@functools.cache
def _nothing_visible() -> Select:
    return _active_stories_with_consent().where(false())


def own_stories(user: User, include_withdrawn: bool = True) -> Select:
    """A teller's own stories, with tombstones: the teller alone sees what was withdrawn."""
    stmt = select(Story).where(Story.teller_id == user.id)
    if "storyteller" not in user.roles:
        stmt = stmt.where(false())
    if not include_withdrawn:
        stmt = stmt.where(Story.status == STATUS_ACTIVE)
    return stmt.order_by(Story.created_at.desc(), Story.id.desc())


def get_story(user: User | None, story_id: object, purposes: Iterable[str] | str | None = None) -> Story:
    """Load one story the user may read, or raise NotFound (never 'forbidden')."""
    sid = _as_id(story_id)
    story = db.session.scalar(visible_stories(user, purposes).where(Story.id == sid))
    if story is None:
        raise NotFound("No such story.")
    return story


def get_own_story(user: User | None, story_id: object, include_withdrawn: bool = False) -> Story:
    if user is None or not user.is_authenticated:
        raise NotFound("No such story.")
    sid = _as_id(story_id)
    story = db.session.scalar(own_stories(user, include_withdrawn).where(Story.id == sid))
    if story is None:
        raise NotFound("No such story.")
    return story


def purpose_of_read(user: User, story: Story) -> str:
    """Why this user is reading this story, for the audit log and the teller's page."""
    if story.teller_id == user.id:
        return "own"
    researcher = PURPOSE_ROLES["research"] in user.roles
    if researcher and story.current_consent and story.current_consent.research:
        return "research"
    if story.entered_by_id == user.id:
        return "entered"
    if researcher and story.current_consent and story.current_consent.workshop:
        return "workshop_prep"
    return "workshop"


def _as_id(value: object) -> int:
    return parse_id(value, "No such story.")
