"""Telling, reading, revising and browsing stories."""
from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from storybank import hooks, policy
from storybank.accounts.models import User
from storybank.archive.consent import agreed_form, append_event
from storybank.archive.models import STATUS_ACTIVE, Story, StoryRevision
from storybank.archive.validation import StoryDraft, clean_body, clean_draft, clean_title
from storybank.audit.service import record
from storybank.errors import Conflict, InvalidInput, NotFound
from storybank.extensions import db
from storybank.search.indexing import touch
from storybank.timeutil import utcnow


def _new_story(actor: User | None, draft: StoryDraft, teller: User | None, on_behalf: bool,
               import_key: str | None = None, max_chars: int | None = None) -> Story:
    draft = clean_draft(draft, max_chars)
    story = Story(
        kind=draft.kind,
        title=draft.title,
        site=draft.site,
        storyteller_role=draft.storyteller_role if draft.kind == "practitioner" else "",
        collection_method=draft.collection_method,
        collected_by=draft.collected_by,
        collected_on=draft.collected_on,
        language=draft.language,
        signifiers=draft.signifiers,
        teller_id=teller.id if teller else None,
        entered_by_id=actor.id if actor else None,
        import_key=import_key,
    )
    db.session.add(story)
    story.revisions.append(
        StoryRevision(number=1, title=draft.title, body=draft.body, reason="original",
                      author_id=actor.id if actor else None)
    )
    db.session.flush()
    form = agreed_form(draft.form_version)
    append_event(story, actor, "given", draft.consent, draft.attribution, form, on_behalf=on_behalf)
    return story


def submit_story(actor: User, draft: StoryDraft) -> Story:
    """A storyteller tells their own story."""
    if not policy.can(actor, "story.tell"):
        raise NotFound()
    story = _new_story(actor, draft, teller=actor, on_behalf=False)
    record(actor, "story.submitted", story_id=story.id, purpose="own")
    return story


def enter_on_behalf(actor: User, draft: StoryDraft) -> Story:
    """A researcher enters a story (an interview transcript) for a teller who will claim it."""
    if not policy.can(actor, "story.enter_on_behalf"):
        raise NotFound()
    story = _new_story(actor, draft, teller=None, on_behalf=True)
    record(actor, "story.entered_on_behalf", story_id=story.id, purpose="entered")
    return story


def import_story(actor: User | None, draft: StoryDraft, import_key: str, teller: User | None = None,
                 max_chars: int | None = None) -> Story:
    """A story from an import; `max_chars` is the import's own length limit (long transcripts)."""
    story = _new_story(actor, draft, teller=teller, on_behalf=teller is None, import_key=import_key,
                       max_chars=max_chars)
    record(actor, "story.imported", story_id=story.id, purpose="entered")
    return story


def read_story(actor: User, story_id: object) -> Story:
    """Load a story for reading; a read by anyone but its teller is audited."""
    story = policy.get_story(actor, story_id)
    if story.teller_id != actor.id:
        record(actor, "story.read", story_id=story.id, purpose=policy.purpose_of_read(actor, story))
    return story


def open_own_or_read(actor: User, story_id: object) -> tuple[Story, bool]:
    """(story, is_teller): the teller gets their story or its tombstone; anyone else reads under policy."""
    try:
        return policy.get_own_story(actor, story_id, include_withdrawn=True), True
    except NotFound:
        return read_story(actor, story_id), False


CONFLICT = "Someone else saved this story just now; reload it to see their change, then make yours again."


def _parse_base(base_revision: object) -> int | None:
    if base_revision is None or base_revision == "":
        return None
    try:
        return int(str(base_revision))
    except ValueError:
        raise InvalidInput("'revision' is the number of the revision you started from.", field="revision") from None


def _hold(story: Story) -> None:
    """Take the story for this transaction (PostgreSQL's row lock, SQLite's write lock), then read it afresh.

    Two edits at once are then one after the other: the second sees the first's revision.
    """
    db.session.execute(update(Story).where(Story.id == story.id).values(updated_at=utcnow())
                       .execution_options(synchronize_session=False))
    db.session.expire(story)


def revise_story(actor: User, story_id: object, title: object = None, body: object = None,
                 base_revision: object = None) -> StoryRevision:
    """The teller edits: a new revision; earlier ones stay readable to the teller.

    `base_revision` is the revision the editor started from: if another edit was saved since, 409.
    """
    story = policy.get_own_story(actor, story_id)
    base = _parse_base(base_revision)
    new_title = clean_title(title) if title is not None else None
    new_body = clean_body(body) if body is not None else None
    _hold(story)
    current = story.current_revision
    if current is None or story.status != STATUS_ACTIVE:  # withdrawn by its teller a moment ago
        raise NotFound()
    if base is not None and base != current.number:
        raise Conflict(CONFLICT, detail={"revision": current.number})
    new_title = current.title if new_title is None else new_title
    new_body = current.body if new_body is None else new_body
    if new_title == current.title and new_body == current.body:
        raise InvalidInput("Nothing changed: edit the title or the story before saving.")
    revision = StoryRevision(
        story=story, number=current.number + 1, title=new_title, body=new_body,
        reason="edit", author_id=actor.id,
    )
    db.session.add(revision)
    story.title = new_title
    story.updated_at = utcnow()
    try:
        db.session.flush()
    except IntegrityError:  # the same revision number saved by another edit at the same moment
        raise Conflict(CONFLICT) from None
    for hook in hooks.current().revision:  # codings, excerpts and workshop versions follow the text
        hook(story, current, revision)
    touch(story.id)
    record(actor, "story.revised", story_id=story.id, purpose="own", revision=revision.number)
    return revision


def get_revision(actor: User, story_id: object, number: object) -> StoryRevision:
    story = policy.get_own_story(actor, story_id)
    try:
        n = int(str(number))
    except ValueError:
        raise NotFound("No such revision.") from None
    for revision in story.revisions:
        if revision.number == n:
            return revision
    raise NotFound("No such revision.")


def browse(actor: User, kind: str | None = None, site: str | None = None, page: int = 1,
           per_page: int = 25) -> tuple[list[Story], int]:
    """Stories a researcher may read, filtered by kind and site, newest first."""
    stmt = policy.visible_stories(actor, ("research", "entered"))
    if kind:
        stmt = stmt.where(Story.kind == kind)
    if site:
        stmt = stmt.where(Story.site == site)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    page = max(1, page)
    rows = db.session.scalars(
        stmt.order_by(Story.created_at.desc(), Story.id.desc()).offset((page - 1) * per_page).limit(per_page)
    )
    return list(rows), total


def facet_counts(actor: User) -> dict[str, dict[str, int]]:
    """Counts by kind and site over what the researcher may read (browse sidebar)."""
    sub = policy.visible_stories(actor, ("research", "entered")).subquery()
    out: dict[str, dict[str, int]] = {}
    for column in ("kind", "site"):
        col = getattr(sub.c, column)
        rows = db.session.execute(select(col, func.count()).group_by(col).order_by(col))
        out[column] = {value or "(none)": count for value, count in rows}
    return out


def count_active() -> int:
    return db.session.scalar(select(func.count()).where(Story.status == STATUS_ACTIVE)) or 0
