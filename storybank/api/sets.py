"""Story-set endpoints of /api/v1 (hosts, their own sets only: anyone else's answers 404).

Excerpt offsets in requests and answers are code points into the approved workshop
version's body, the only text a host can read; storybank stores them as offsets into
the story's current revision.
"""
from __future__ import annotations

from typing import Any

from flask import g, jsonify, url_for

from storybank import guard
from storybank.api import schemas_workshops as w
from storybank.api.spec import operation, parse
from storybank.api.views import created, stamp
from storybank.audit.service import record
from storybank.workshops import sets as set_service
from storybank.workshops.cards import Card, render_cards
from storybank.workshops.models import StorySet


def _card_json(card: Card) -> dict[str, Any]:
    if not card.available:  # withdrawn and out-of-scope items look the same; the id is the host's own item
        return {"placeholder": "withdrawn", "id": card.item.id, "position": card.position}
    return {
        "id": card.item.id, "card": card.card_id, "position": card.position, "story_id": card.item.story_id,
        "kind": "excerpt" if card.excerpt else "story", "start": card.start, "end": card.end,
        "title": card.title, "text": card.text, "themes": card.themes, "note": card.item.note,
        "prompt": card.prompt,
    }


def set_json(story_set: StorySet, audit: str = "") -> dict[str, Any]:
    cards = render_cards(g.actor, story_set, audit=audit)
    return {
        "id": story_set.id, "title": story_set.title, "question": story_set.question,
        "query": story_set.query or None, "created_at": stamp(story_set.created_at),
        "updated_at": stamp(story_set.updated_at), "items": [_card_json(c) for c in cards],
    }


@operation("/sets", "GET", "The caller's own story sets (hosts)", responses={200: w.SetList})
@guard.requires("sets.build")
def list_sets() -> Any:
    return jsonify({"results": [{"id": s.id, "title": s.title, "question": s.question, "query": s.query or None,
                                 "items": count} for s, count in set_service.list_sets(g.actor)]})


@operation("/sets", "POST", "Make a story set; with a saved search (query) it is filled with every workshop "
           "version the search finds now", body=w.NewSet, responses={201: w.StorySet})
@guard.requires("sets.build")
def create_set() -> Any:
    data = parse(w.NewSet)
    story_set = set_service.create_set(g.actor, data.title, data.question, data.query or "")
    return created(set_json(story_set, audit="api"), url_for("api.get_set", set_id=story_set.id))


@operation("/sets/<int:set_id>", "GET", "One of the caller's sets with its items in order",
           responses={200: w.StorySet})
@guard.requires("sets.build")
def get_set(set_id: int) -> Any:
    return jsonify(set_json(set_service.get_set(g.actor, set_id), audit="api"))


@operation("/sets/<int:set_id>/items", "POST", "Add a story, or an excerpt of its workshop version, to the set",
           body=w.NewItem, responses={201: w.Item})
@guard.requires("sets.build")
def add_item(set_id: int) -> Any:
    set_service.get_set(g.actor, set_id)  # someone else's set is 404 before any 400
    data = parse(w.NewItem)
    item = set_service.add_item(g.actor, set_id, data.story_id, data.start, data.end, data.note or "",
                                data.prompt or "")
    story_set = set_service.get_set(g.actor, set_id)
    card = next(c for c in render_cards(g.actor, story_set) if c.item.id == item.id)
    record(g.actor, "story.read", story_id=item.story_id, purpose="workshop", via="api", set_id=story_set.id)
    return created(_card_json(card))


@operation("/sets/<int:set_id>/items/<int:item_id>", "PATCH", "Change an item's framing note or prompt question",
           body=w.ItemEdit, responses={200: w.Item})
@guard.requires("sets.build")
def edit_item(set_id: int, item_id: int) -> Any:
    story_set = set_service.get_set(g.actor, set_id)
    current = next((i for i in story_set.items if i.id == item_id), None)
    data = parse(w.ItemEdit)
    item = set_service.update_item(g.actor, set_id, item_id,
                                   data.note if data.note is not None else (current.note if current else ""),
                                   data.prompt if data.prompt is not None else (current.prompt if current else ""))
    card = next(c for c in render_cards(g.actor, set_service.get_set(g.actor, set_id)) if c.item.id == item.id)
    return jsonify(_card_json(card))


@operation("/sets/<int:set_id>/items/<int:item_id>", "DELETE", "Remove an item (a placeholder too) from the set",
           responses={204: None})
@guard.requires("sets.build")
def delete_item(set_id: int, item_id: int) -> Any:
    set_service.remove_item(g.actor, set_id, item_id)
    return "", 204


@operation("/sets/<int:set_id>/order", "PUT", "Put the items in a new order (every item id, once)",
           body=w.Reorder, responses={200: w.StorySet})
@guard.requires("sets.build")
def reorder_items(set_id: int) -> Any:
    set_service.get_set(g.actor, set_id)
    story_set = set_service.reorder(g.actor, set_id, parse(w.Reorder).order)
    return jsonify(set_json(story_set, audit="api"))
