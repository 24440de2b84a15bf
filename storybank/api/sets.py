"""Story-set endpoints of /api/v1, on the API blueprint of views.py.

Hosts only, and only their own sets (anyone else's answers 404). Excerpt
offsets in requests and answers are code points into the approved workshop
version's body, the only text a host can read; storybank stores them as
offsets into the story's current revision.
"""
from __future__ import annotations

from typing import Any

from flask import g, jsonify, url_for

from storybank import guard
from storybank.api.views import _json_body, bp
from storybank.audit.service import record
from storybank.errors import InvalidInput
from storybank.workshops import sets as set_service
from storybank.workshops.cards import Card, render_cards
from storybank.workshops.models import StorySet


def _card_json(card: Card) -> dict[str, Any]:
    if not card.available:
        return {"placeholder": "withdrawn"}  # the contract: withdrawn and out-of-scope items look the same
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
        "query": story_set.query or None, "created_at": story_set.created_at.isoformat() + "Z",
        "updated_at": story_set.updated_at.isoformat() + "Z", "items": [_card_json(c) for c in cards],
    }


def _unknown(data: dict[str, Any], allowed: set[str]) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise InvalidInput(f"Unknown field {sorted(unknown)[0]!r}.", field=sorted(unknown)[0])


@bp.get("/sets")
@guard.requires("sets.build")
def list_sets() -> Any:
    return jsonify({"results": [{"id": s.id, "title": s.title, "question": s.question, "query": s.query or None,
                                 "items": count} for s, count in set_service.list_sets(g.actor)]})


@bp.post("/sets")
@guard.requires("sets.build")
def create_set() -> Any:
    data = _json_body()
    _unknown(data, {"title", "question", "query"})
    for name in ("title", "question", "query"):
        if name in data and data[name] is not None and not isinstance(data[name], str):
            raise InvalidInput(f"{name} is text.", field=name)
    story_set = set_service.create_set(g.actor, data.get("title"), data.get("question"), data.get("query") or "")
    response = jsonify(set_json(story_set, audit="api"))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_set", set_id=story_set.id)
    return response


@bp.get("/sets/<int:set_id>")
@guard.requires("sets.build")
def get_set(set_id: int) -> Any:
    return jsonify(set_json(set_service.get_set(g.actor, set_id), audit="api"))


@bp.post("/sets/<int:set_id>/items")
@guard.requires("sets.build")
def add_item(set_id: int) -> Any:
    set_service.get_set(g.actor, set_id)  # someone else's set is 404 before any 400
    data = _json_body()
    _unknown(data, {"story_id", "start", "end", "note", "prompt"})
    if "story_id" not in data:
        raise InvalidInput("Say which story: story_id.", field="story_id")
    for name in ("note", "prompt"):
        if data.get(name) is not None and not isinstance(data[name], str):
            raise InvalidInput(f"{name} is text.", field=name)
    item = set_service.add_item(g.actor, set_id, data["story_id"], data.get("start"), data.get("end"),
                                data.get("note") or "", data.get("prompt") or "")
    story_set = set_service.get_set(g.actor, set_id)
    card = next(c for c in render_cards(g.actor, story_set) if c.item.id == item.id)
    record(g.actor, "story.read", story_id=item.story_id, purpose="workshop", via="api", set_id=story_set.id)
    response = jsonify(_card_json(card))
    response.status_code = 201
    return response
