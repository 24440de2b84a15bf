"""Building story sets: create, fill from a saved search, add by hand, annotate, reorder.

A set belongs to the host who made it; anyone else gets "not found". Every
story added must be readable by the host for the `workshop` purpose right now.
"""
from __future__ import annotations

from sqlalchemy import func, select

from storybank import policy
from storybank.accounts.models import User
from storybank.archive.models import Story
from storybank.audit.service import record
from storybank.coding.codings import parse_offset
from storybank.errors import InvalidInput, NotFound
from storybank.extensions import db
from storybank.lookup import parse_id
from storybank.search import service as search_service
from storybank.search.query import QuerySyntaxError
from storybank.timeutil import utcnow
from storybank.workshops.models import StorySet, StorySetItem
from storybank.workshops.texts import workshop_texts

MAX_ITEMS = 500
MAX_TITLE = 200
MAX_QUESTION = 1000
MAX_NOTE = 2000
MAX_QUERY = 2000
PAGE = 100


def _clean(value: object, name: str, limit: int, required: bool = False, label: str = "") -> str:
    text = " ".join(str(value or "").split()) if name in ("title", "question") else str(value or "").strip()
    if required and not text:
        raise InvalidInput(f"Write the {label or name}.", field=name)
    if len(text) > limit:
        raise InvalidInput(f"The {label or name} is at most {limit:,} characters.", field=name)
    return text


def _may_build(actor: User) -> None:
    if not policy.can(actor, "sets.build"):
        raise NotFound("No such story set.")


def list_sets(actor: User) -> list[tuple[StorySet, int]]:
    """The host's own sets, newest first, with how many items the host may read now.

    An item whose story was withdrawn or left workshops is not counted: the count says
    nothing about stories the host may not see.
    """
    _may_build(actor)
    readable = policy.visible_stories(actor, "workshop").with_only_columns(Story.id)
    counts = dict(db.session.execute(select(StorySetItem.set_id, func.count()).join(StorySet).where(
        StorySet.host_id == actor.id, StorySetItem.story_id.in_(readable)).group_by(StorySetItem.set_id)).all())
    rows = db.session.scalars(select(StorySet).where(StorySet.host_id == actor.id)
                              .order_by(StorySet.updated_at.desc(), StorySet.id.desc()))
    return [(s, counts.get(s.id, 0)) for s in rows]


def get_set(actor: User, set_id: object) -> StorySet:
    """One of the host's own sets, or NotFound: another host's set does not exist for them."""
    _may_build(actor)
    sid = parse_id(set_id, "No such story set.")
    row = db.session.scalar(select(StorySet).where(StorySet.id == sid, StorySet.host_id == actor.id))
    if row is None:
        raise NotFound("No such story set.")
    return row


def _check_query(actor: User, query: str) -> None:
    if not query:
        return
    try:
        search_service.parse(query, "workshop")
    except QuerySyntaxError as err:
        raise InvalidInput(f"The saved search could not be read: {err}.", field="query") from None


def create_set(actor: User, title: object, question: object, query: object = "") -> StorySet:
    """A new set; with a saved search, it is filled with every story the search finds now."""
    _may_build(actor)
    clean_title = _clean(title, "title", MAX_TITLE, required=True)
    clean_question = _clean(question, "question", MAX_QUESTION, required=True,
                            label="question the session serves")
    clean_query = _clean(query, "query", MAX_QUERY)
    _check_query(actor, clean_query)
    story_set = StorySet(host_id=actor.id, title=clean_title, question=clean_question, query=clean_query)
    db.session.add(story_set)
    db.session.flush()
    if clean_query:
        for story_id in [hit.id for hit in query_matches(actor, story_set)][:MAX_ITEMS]:
            _append(story_set, story_id, from_query=True)
    record(actor, "set.created", set_id=story_set.id, items=len(story_set.items))
    return story_set


def update_set(actor: User, set_id: object, title: object, question: object, query: object) -> StorySet:
    story_set = get_set(actor, set_id)
    clean_query = _clean(query, "query", MAX_QUERY)
    _check_query(actor, clean_query)
    story_set.title = _clean(title, "title", MAX_TITLE, required=True)
    story_set.question = _clean(question, "question", MAX_QUESTION, required=True,
                                label="question the session serves")
    story_set.query = clean_query
    story_set.updated_at = utcnow()
    db.session.flush()
    return story_set


def delete_set(actor: User, set_id: object) -> str:
    story_set = get_set(actor, set_id)
    title = story_set.title
    db.session.delete(story_set)
    db.session.flush()
    return title


def query_matches(actor: User, story_set: StorySet) -> list[search_service.Hit]:
    """Every story the saved search finds now (workshop versions only), in the search's order."""
    if not story_set.query:
        return []
    hits: list[search_service.Hit] = []
    page = 1
    while len(hits) < MAX_ITEMS:
        try:
            results = search_service.search(actor, story_set.query, purpose="workshop", page=page, per_page=PAGE,
                                             facets=False)
        except QuerySyntaxError as err:
            raise InvalidInput(f"The saved search could not be read: {err}.", field="query") from None
        hits.extend(results.hits)
        if page >= results.pages or not results.hits:
            break
        page += 1
    return hits


def refresh(actor: User, set_id: object) -> tuple[StorySet, list[search_service.Hit]]:
    """Stories the saved search finds now that are not in the set yet (new since it was filled)."""
    story_set = get_set(actor, set_id)
    present = {item.story_id for item in story_set.items}
    return story_set, [hit for hit in query_matches(actor, story_set) if hit.id not in present]


def _append(story_set: StorySet, story_id: int, start: int | None = None, end: int | None = None,
            revision_id: int | None = None, note: str = "", prompt: str = "", from_query: bool = False
            ) -> StorySetItem:
    if len(story_set.items) >= MAX_ITEMS:
        raise InvalidInput(f"A set holds at most {MAX_ITEMS} items: make a second set for the rest.")
    position = max((i.position for i in story_set.items), default=0) + 1
    item = StorySetItem(story_id=story_id, number=story_set.next_number, position=position, start=start, end=end,
                        revision_id=revision_id, note=note, prompt=prompt, from_query=from_query)
    story_set.items.append(item)
    story_set.next_number += 1
    story_set.updated_at = utcnow()
    db.session.flush()
    return item


def _offset(value: object, name: str) -> int:
    number = parse_offset(value, name)
    if number < 0:
        raise InvalidInput(f"{name} cannot be negative.", field=name)
    return number


def add_item(actor: User, set_id: object, story_id: object, start: object = None, end: object = None,
             note: object = "", prompt: object = "", quote: object = None) -> StorySetItem:
    """Add a whole story, or an excerpt chosen in the workshop text.

    `start`/`end` are code points into the workshop version's body (what the host can see), or `quote` is
    words from it; either is stored as offsets into the story's current revision.
    """
    story_set = get_set(actor, set_id)
    story = policy.get_story(actor, story_id, "workshop")
    clean_note = _clean(note, "note", MAX_NOTE, label="framing note")
    clean_prompt = _clean(prompt, "prompt", MAX_QUESTION, label="prompt question")
    raw_quote = str(quote or "").replace("\r\n", "\n")
    quote_text = raw_quote.strip()
    lead = len(raw_quote) - len(raw_quote.lstrip())  # a selection may start on a space: keep its place
    if start in (None, "") and end in (None, "") and not quote_text:
        if any(i.story_id == story.id and i.whole_story for i in story_set.items):
            raise InvalidInput("That story is already in this set.", field="story_id")
        item = _append(story_set, story.id, note=clean_note, prompt=clean_prompt)
        record(actor, "set.item_added", set_id=story_set.id, item_id=item.id)
        return item
    text = workshop_texts({story.id}).get(story.id)
    if text is None:
        raise NotFound("No such story.")
    w0, w1 = _workshop_range(text.body, start, end, quote_text, lead)
    o0, o1 = text.to_original(w0, w1)
    if o1 <= o0:
        raise InvalidInput("Choose some words of the story for the excerpt.", field="start")
    if any(i.story_id == story.id and (i.start, i.end) == (o0, o1) for i in story_set.items):
        raise InvalidInput("That excerpt is already in this set.", field="start")
    item = _append(story_set, story.id, o0, o1, text.revision_id, clean_note, clean_prompt)
    record(actor, "set.item_added", set_id=story_set.id, item_id=item.id, excerpt=True)
    return item


def _workshop_range(body: str, start: object, end: object, quote: str, lead: int = 0) -> tuple[int, int]:
    if quote:
        hint = _offset(start, "start") + lead if start not in (None, "") else None
        at = hint if hint is not None and body[hint:hint + len(quote)] == quote else body.find(quote)
        if at < 0:
            raise InvalidInput("Those words are not in the workshop version of this story: copy them exactly.",
                               field="quote")
        return at, at + len(quote)
    if start in (None, "") or end in (None, ""):
        raise InvalidInput("Give both start and end for an excerpt, or neither for the whole story.",
                           field="start" if start in (None, "") else "end")
    w0, w1 = _offset(start, "start"), _offset(end, "end")
    if w1 <= w0:
        raise InvalidInput("end must come after start.", field="end")
    if w1 > len(body):
        raise InvalidInput(f"end is past the end of the story ({len(body)} characters).", field="end")
    if not body[w0:w1].strip():
        raise InvalidInput("Choose some words of the story for the excerpt.", field="start")
    return w0, w1


def _item(story_set: StorySet, item_id: object) -> StorySetItem:
    iid = parse_id(item_id, "No such item.")
    for item in story_set.items:
        if item.id == iid:
            return item
    raise NotFound("No such item.")


def update_item(actor: User, set_id: object, item_id: object, note: object, prompt: object) -> StorySetItem:
    story_set = get_set(actor, set_id)
    item = _item(story_set, item_id)
    item.note = _clean(note, "note", MAX_NOTE, label="framing note")
    item.prompt = _clean(prompt, "prompt", MAX_QUESTION, label="prompt question")
    story_set.updated_at = utcnow()
    db.session.flush()
    return item


def remove_item(actor: User, set_id: object, item_id: object) -> None:
    story_set = get_set(actor, set_id)
    story_set.items.remove(_item(story_set, item_id))
    _renumber(story_set, list(story_set.items))


def move_item(actor: User, set_id: object, item_id: object, direction: object) -> StorySetItem:
    """Move one item up or down (the keyboard and no-JavaScript way to reorder)."""
    story_set = get_set(actor, set_id)
    item = _item(story_set, item_id)
    order = list(story_set.items)
    at = order.index(item)
    to = {"up": at - 1, "down": at + 1, "top": 0, "bottom": len(order) - 1}.get(str(direction))
    if to is None:
        raise InvalidInput("Move up, down, to the top or to the bottom.", field="direction")
    order.insert(max(0, min(to, len(order) - 1)), order.pop(at))
    _renumber(story_set, order)
    return item


def reorder(actor: User, set_id: object, item_ids: object) -> StorySet:
    """Put the items in the given order (drag and drop sends the whole order); all or nothing."""
    story_set = get_set(actor, set_id)
    if not isinstance(item_ids, list | tuple):
        raise InvalidInput("Send the items' ids in their new order.", field="order")
    by_id = {item.id: item for item in story_set.items}
    try:
        wanted = [int(str(i)) for i in item_ids]
    except ValueError:
        raise InvalidInput("The order lists item ids only.", field="order") from None
    if sorted(wanted) != sorted(by_id):
        raise InvalidInput("The order must list every item of the set once: reload the page and try again.",
                           field="order")
    _renumber(story_set, [by_id[i] for i in wanted])
    return story_set


def _renumber(story_set: StorySet, order: list[StorySetItem]) -> None:
    """Rewrite positions in one flush (inside the request's single transaction)."""
    for position, item in enumerate(order, start=1):
        item.position = position
    story_set.items.sort(key=lambda i: i.position)
    story_set.updated_at = utcnow()
    db.session.flush()


def story_choices(actor: User, story_set: StorySet, text: str, page: int = 1) -> search_service.Results:
    """Search results to add by hand (workshop versions only), marking those already in the set."""
    return search_service.search(actor, text, purpose="workshop", page=page, per_page=20)


def visible_story_ids(actor: User, story_ids: set[int]) -> set[int]:
    """Which of these stories the host may read for workshops right now (re-checked on every render)."""
    if not story_ids:
        return set()
    return set(db.session.scalars(policy.visible_stories(actor, "workshop").with_only_columns(Story.id).where(
        Story.id.in_(story_ids))))
