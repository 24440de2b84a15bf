"""Withdrawal deletes: the text and everything derived from it, leaving a tombstone.

Each feature's withdrawal step (connected in `storybank.wiring`) deletes what it
keeps about a story (codings, memos, index entries, generated files) and returns
how many things went, so the tombstone can say "3 codings removed".
"""
from __future__ import annotations

from sqlalchemy import delete, func, select, update

from storybank import hooks, policy, tx
from storybank.accounts.models import User
from storybank.archive import quotations
from storybank.archive.compaction import compact_after_withdrawal
from storybank.archive.consent import append_event
from storybank.archive.copies import leave_notices
from storybank.archive.models import STATUS_WITHDRAWN, ClaimInvitation, Story, StoryRevision
from storybank.archive.teller_models import SavedDraft
from storybank.audit.service import record
from storybank.extensions import db
from storybank.timeutil import utcnow


def _delete_revisions(story: Story) -> dict[str, int]:
    count = db.session.scalar(select(func.count()).where(StoryRevision.story_id == story.id)) or 0
    db.session.execute(delete(StoryRevision).where(StoryRevision.story_id == story.id))
    db.session.execute(delete(ClaimInvitation).where(ClaimInvitation.story_id == story.id))
    drafts = db.session.execute(delete(SavedDraft).where(SavedDraft.story_id == story.id)).rowcount
    return {"revisions": count, **({"drafts": drafts} if drafts else {})}


def withdraw_story(actor: User, story_id: object) -> Story:
    """Withdraw once: asking again (a double click, a second tab) returns the first withdrawal's tombstone."""
    story = policy.get_own_story(actor, story_id, include_withdrawn=True)
    return _withdraw(actor, story)


def _claim(story: Story) -> bool:
    """Mark the story withdrawn if it still is active; False if another request got there first.

    A conditional UPDATE: on PostgreSQL the second request waits for the first's row lock and then
    matches nothing; on SQLite it waits for the write lock. Either way one withdrawal runs.
    """
    result = db.session.execute(update(Story).where(Story.id == story.id, Story.status != STATUS_WITHDRAWN)
                                .values(status=STATUS_WITHDRAWN), execution_options={"synchronize_session": False})
    if result.rowcount == 1:
        return True
    db.session.refresh(story)
    return False


def _withdraw(actor: User | None, story: Story) -> Story:
    if story.withdrawn:
        return story
    # Names, rare words and quotations to find, worked out before any step deletes their source, and
    # before the claim takes the write lock (on SQLite): reading the archive for rare words takes a while.
    quotations.prepare(story)
    if not _claim(story):
        quotations.forget(story)
        return story
    leave_notices(story)
    counts: dict[str, int] = {}
    for step in [*hooks.current().withdrawal, _delete_revisions]:  # steps first: revisions cascade to codings
        for name, n in step(story).items():
            counts[name] = counts.get(name, 0) + n
    current = story.current_consent
    append_event(story, actor, "withdrawn", {}, current.attribution if current else "anonymous", None)
    story.status = STATUS_WITHDRAWN
    story.withdrawn_at = utcnow()
    story.removed_counts = counts
    # The tombstone keeps id, kind, when, and counts; every other descriptive field goes.
    story.title = None
    story.site = ""
    story.storyteller_role = ""
    story.collected_by = ""
    story.collected_on = None
    story.signifiers = None
    db.session.expire(story, ["revisions"])
    quotations.forget(story)
    db.session.flush()
    record(actor, "story.withdrawn", story_id=story.id, purpose="own", removed=counts)
    tx.after_commit(compact_after_withdrawal)  # SQLite VACUUM; PostgreSQL VACUUM FULL, bounded in time
    tx.after_commit(_purge_index_leftovers)
    return story


def _purge_index_leftovers() -> None:
    """A killed `storybank reindex` left full text beside the index: it goes with the story."""
    from storybank.search.indexing import engine

    engine().purge_leftovers()
