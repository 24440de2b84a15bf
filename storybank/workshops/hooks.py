"""Sets follow their stories: revisions re-anchor excerpts, withdrawal leaves placeholders and cuts links."""
from __future__ import annotations

from collections import Counter

from sqlalchemy import delete, select, update

from storybank.archive.models import Story, StoryRevision
from storybank.archive.quotations import remove_traces, traces_of
from storybank.coding.reanchor import map_span, unchanged_blocks
from storybank.extensions import db
from storybank.workshops.models import Insight, InsightStory, SessionStory, StorySet, StorySetItem, WorkshopSession


def follow_revision(story: Story, old: StoryRevision, new: StoryRevision) -> dict[str, int]:
    """Excerpts move with their words; an excerpt whose words are gone leaves its set (counted on the set)."""
    items = list(db.session.scalars(select(StorySetItem).where(
        StorySetItem.story_id == story.id, StorySetItem.start.is_not(None), StorySetItem.revision_id == old.id)))
    if not items:
        return {}
    blocks = unchanged_blocks(old.body, new.body)
    dropped: Counter[int] = Counter()
    for item in items:
        span = map_span(item.start or 0, item.end or 0, blocks, old.body)
        if span is None or not new.body[span[0]:span[1]].strip():
            dropped[item.set_id] += 1
            db.session.delete(item)
            continue
        item.start, item.end, item.revision_id = span[0], span[1], new.id
    for set_id, count in dropped.items():
        story_set = db.session.get(StorySet, set_id)
        if story_set is not None:
            story_set.excerpts_dropped += count
    db.session.flush()
    return {"set_excerpts_kept": len(items) - sum(dropped.values()), "set_excerpts_dropped": sum(dropped.values())}


def withdraw_step(story: Story) -> dict[str, int]:
    """Items stay as placeholders (story id, position, the host's note); links from sessions and insights go."""
    items = db.session.execute(update(StorySetItem).where(StorySetItem.story_id == story.id)
                               .values(revision_id=None)).rowcount or 0
    per_insight = Counter(db.session.scalars(select(InsightStory.insight_id).where(
        InsightStory.story_id == story.id)))
    for insight_id, count in per_insight.items():
        db.session.execute(update(Insight).where(Insight.id == insight_id).values(
            stories_withdrawn=Insight.stories_withdrawn + count))
    sessions = list(db.session.scalars(select(SessionStory.session_id).where(SessionStory.story_id == story.id)))
    if sessions:
        db.session.execute(update(WorkshopSession).where(WorkshopSession.id.in_(sessions)).values(
            stories_withdrawn=WorkshopSession.stories_withdrawn + 1))
    quoted = _remove_traces(story, list(per_insight), sessions)
    db.session.execute(delete(InsightStory).where(InsightStory.story_id == story.id))
    db.session.execute(delete(SessionStory).where(SessionStory.story_id == story.id))
    counts = {"story_set_places": items, "insight_links": sum(per_insight.values()), "session_records": len(sessions),
              **quoted}
    return {name: n for name, n in counts.items() if n}


def _remove_traces(story: Story, insight_ids: list[int], session_ids: list[int]) -> dict[str, int]:
    """Insights about the story, the cards' notes and prompts, and the titles and questions of its sets lose
    quotations, names and rare words of it; how many passages went, per place, for the tombstone."""
    traces = traces_of(story)
    counts: Counter[str] = Counter()
    if not traces.grams and not traces.terms:
        return {}
    insights = select(Insight).where(Insight.id.in_(insight_ids) | Insight.session_id.in_(session_ids))
    for insight in db.session.scalars(insights):
        insight.text, n = remove_traces(insight.text, traces)
        counts["insight_quotations"] += n
    set_ids: set[int] = set()
    for item in db.session.scalars(select(StorySetItem).where(StorySetItem.story_id == story.id)):
        set_ids.add(item.set_id)
        item.note, n_note = remove_traces(item.note or "", traces)
        item.prompt, n_prompt = remove_traces(item.prompt or "", traces)
        counts["card_note_quotations"] += n_note
        counts["card_prompt_quotations"] += n_prompt
    for story_set in db.session.scalars(select(StorySet).where(StorySet.id.in_(set_ids))):
        title, n_title = remove_traces(story_set.title, traces)
        story_set.title = title[:200]
        story_set.question, n_question = remove_traces(story_set.question or "", traces)
        counts["set_title_quotations"] += n_title + n_question
    return {name: n for name, n in counts.items() if n}
