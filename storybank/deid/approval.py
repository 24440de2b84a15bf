"""Sending a workshop version to its teller, the teller's approval or request for changes, reopening."""
from __future__ import annotations

from dataclasses import dataclass

from storybank import policy
from storybank.accounts.models import User
from storybank.archive.models import Story
from storybank.audit.service import record
from storybank.deid.decisions import EDITABLE, editable_version, story_for_review
from storybank.deid.models import ACCEPTED, APPROVED, CHANGES_REQUESTED, PROPOSED, REVIEW, WITH_TELLER, WorkshopVersion
from storybank.deid.proposing import ensure_version
from storybank.deid.reading import Segment, leaks, log_action, render, revision_of, segments, spans_of, version_of
from storybank.errors import InvalidInput
from storybank.search.indexing import touch
from storybank.timeutil import utcnow

MAX_MESSAGE = 2000


def send(actor: User, story_id: object, approved_on_behalf: bool = False) -> WorkshopVersion:
    """Freeze the rendering and send it to the teller (or record their approval for a teller without an account)."""
    story, version = editable_version(actor, story_id)
    pending = sum(1 for s in spans_of(story, revision_of(story)) if s.decision == PROPOSED)
    if pending:
        raise InvalidInput(f"{pending} proposed identifier{'s' if pending != 1 else ''} still need a decision.")
    title, body = render(story)
    left = leaks(story)
    if left:
        raise InvalidInput(f"Some mentions of {', '.join(f'“{o}”' for o in left[:5])} are neither replaced nor "
                           "rejected: mark every mention before sending.")
    version.title, version.body = title, body
    version.sent_at, version.sent_by_id, version.updated_at = utcnow(), actor.id, utcnow()
    version.teller_message = ""
    if story.teller_id is not None:
        version.status = WITH_TELLER
        log_action(actor, story, "sent to storyteller")
        record(actor, "workshop.sent", story_id=story.id, purpose="workshop_prep")
    else:
        if not approved_on_behalf:
            raise InvalidInput("This story's teller has no account: confirm that they saw the before and after "
                               "and approved it.", field="approved_on_behalf")
        _approve(actor, story, version, on_behalf=True)
    return version


def reopen(actor: User, story_id: object) -> WorkshopVersion:
    """Take a sent or approved version back for review: hosts lose it until it is approved again."""
    story = story_for_review(actor, story_id)
    version = ensure_version(story, actor)
    if version.status in EDITABLE:
        return version
    clear_version(story, version, REVIEW)
    log_action(actor, story, "reopened for review")
    return version


def clear_version(story: Story, version: WorkshopVersion, status: str) -> None:
    version.status, version.title, version.body = status, None, None
    version.approved_at, version.approved_by_id, version.approved_on_behalf = None, None, False
    version.updated_at = utcnow()
    touch(story.id)


def _approve(actor: User, story: Story, version: WorkshopVersion, on_behalf: bool) -> None:
    version.status, version.approved_at, version.approved_by_id = APPROVED, utcnow(), actor.id
    version.approved_on_behalf, version.updated_at = on_behalf, utcnow()
    log_action(actor, story, "approved on the storyteller's behalf" if on_behalf else "approved by the storyteller")
    record(actor, "workshop.approved", story_id=story.id, purpose="workshop_prep" if on_behalf else "own")
    touch(story.id)


@dataclass
class TellerView:
    story: Story
    version: WorkshopVersion | None
    before: list[Segment]
    after: list[Segment]
    title_before: str = ""
    title_after: str = ""

    @property
    def awaiting(self) -> bool:
        return self.version is not None and self.version.status == WITH_TELLER


def teller_view(actor: User, story_id: object) -> TellerView:
    """Before and after of the teller's own story, once a researcher has sent it."""
    story = policy.get_own_story(actor, story_id)
    version = version_of(story)
    if version is None or version.body is None:
        return TellerView(story, version, [], [])
    rev = revision_of(story)
    spans = [s for s in spans_of(story, rev) if s.decision == ACCEPTED]
    body_spans = [s for s in spans if s.part == "body"]
    before = segments(rev.body, body_spans)
    after = [Segment(seg.replacement, seg.span) if seg.span else seg for seg in before]
    return TellerView(story, version, before, after, title_before=rev.title, title_after=version.title or "")


def teller_approve(actor: User, story_id: object) -> WorkshopVersion:
    story = policy.get_own_story(actor, story_id)
    version = version_of(story)
    if version is None or version.status != WITH_TELLER:
        raise InvalidInput("There is no workshop version waiting for your approval.")
    _approve(actor, story, version, on_behalf=False)
    return version


def teller_request_changes(actor: User, story_id: object, message: object) -> WorkshopVersion:
    """The teller asks for changes: hosts cannot see the version until a new one is approved."""
    story = policy.get_own_story(actor, story_id)
    version = version_of(story)
    if version is None or version.status not in (WITH_TELLER, APPROVED):
        raise InvalidInput("There is no workshop version to change yet.")
    text = str(message or "").strip()
    if not text:
        raise InvalidInput("Say what should change, for example a name that was missed.", field="message")
    if len(text) > MAX_MESSAGE:
        raise InvalidInput(f"Please keep the message under {MAX_MESSAGE} characters.", field="message")
    clear_version(story, version, CHANGES_REQUESTED)
    version.teller_message = text
    log_action(actor, story, "storyteller asked for changes", note=text)
    record(actor, "workshop.changes_requested", story_id=story.id, purpose="own")
    return version
