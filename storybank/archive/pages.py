"""What the story pages need, assembled from the policy-checked services."""
from __future__ import annotations

from dataclasses import dataclass, field

from storybank import policy
from storybank.accounts.models import User
from storybank.archive.models import Story
from storybank.archive.stories import read_story
from storybank.archive.uses import UseLine, story_use_lines
from storybank.errors import NotFound


@dataclass
class StoryView:
    story: Story
    is_teller: bool
    uses: list[UseLine] = field(default_factory=list)


def open_story(actor: User, story_id: object) -> StoryView:
    """The teller sees their story (or its tombstone) and its uses; others read under policy."""
    try:
        own = policy.get_own_story(actor, story_id, include_withdrawn=True)
    except NotFound:
        own = None
    if own is not None:
        return StoryView(story=own, is_teller=True, uses=story_use_lines(actor, own.id))
    return StoryView(story=read_story(actor, story_id), is_teller=False)


REMOVED_LABELS = {
    "revisions": "versions of the text",
    "codings": "codings by researchers",
    "memos": "researchers' memos",
    "index_entries": "search-index entries",
    "files": "generated files",
    "workshop_versions": "workshop versions",
    "identifiers": "names and details marked for replacement",
    "registry_entries": "pseudonym registry entries",
    "anonymisation_log": "anonymisation log entries",
    "memo_quotations": "quotations of it in researchers' memos",
    "workshop_quotations": "quotations of it in workshop insights and card notes",
}
