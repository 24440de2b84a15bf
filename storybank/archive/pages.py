"""What the story pages need, assembled from the policy-checked services."""
from __future__ import annotations

from dataclasses import dataclass, field

from storybank.accounts.models import User
from storybank.archive.copies import notices_told, told_sentence
from storybank.archive.models import Story
from storybank.archive.stories import open_own_or_read
from storybank.archive.uses import UseLine, story_use_lines


@dataclass
class StoryView:
    story: Story
    is_teller: bool
    uses: list[UseLine] = field(default_factory=list)
    told: str = ""  # on a tombstone: who was asked to delete a copy, and whether they read it
    told_any: bool = False


def open_story(actor: User, story_id: object) -> StoryView:
    """The teller sees their story (or its tombstone) and its uses; others read under policy."""
    story, is_teller = open_own_or_read(actor, story_id)
    if is_teller:
        told = notices_told(actor, story.id) if story.withdrawn else []
        return StoryView(story=story, is_teller=True, uses=story_use_lines(actor, story.id),
                         told=told_sentence(told) if story.withdrawn else "", told_any=bool(told))
    return StoryView(story=story, is_teller=False)


# How a teller's attribution choice reads on their pages: words, never the stored code.
ATTRIBUTION_WORDS = {
    "name": "your name",
    "pseudonym": "a made-up name",
    "anonymous": "no name at all (anonymous)",
}

REMOVED_LABELS = {
    "revisions": "versions of the text",
    "drafts": "unsaved drafts",
    "codings": "codings by researchers",
    "memos": "researchers' memos",
    "index_entries": "search-index entries",
    "files": "generated files",
    "workshop_versions": "workshop versions",
    "identifiers": "names and details marked for replacement",
    "registry_entries": "pseudonym registry entries",
    "anonymisation_log": "anonymisation log entries",
    "memo_quotations": "quotations, names and rare words of it in researchers' memos",
    "workshop_quotations": "quotations of it in workshop insights and card notes",
    "insight_quotations": "quotations, names and rare words of it in workshop insights",
    "card_note_quotations": "quotations, names and rare words of it in hosts' card notes",
    "card_prompt_quotations": "quotations, names and rare words of it in card prompts",
    "set_title_quotations": "quotations, names and rare words of it in story-set titles and questions",
}
