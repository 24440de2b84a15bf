"""OpenAPI paths and schemas of the story-set endpoints (merged into the document in openapi.py)."""
from __future__ import annotations

from typing import Any

ERROR = {"$ref": "#/components/responses/Error"}
SET_ID = {"name": "set_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


SETS_PATHS: dict[str, Any] = {
    "/sets": {
        "get": {"summary": "The caller's own story sets (hosts)",
                "responses": {"200": _json({"type": "object", "properties": {"results": {
                    "type": "array", "items": _ref("StorySetSummary")}}}), "401": ERROR, "404": ERROR}},
        "post": {
            "summary": "Make a story set; with a saved search (`query`) it is filled with every workshop version "
                       "the search finds now",
            "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("NewStorySet")}}},
            "responses": {"201": _json(_ref("StorySet"), "Created"), "400": ERROR, "401": ERROR, "404": ERROR},
        },
    },
    "/sets/{set_id}": {
        "parameters": [SET_ID],
        "get": {"summary": "One of the caller's sets with its items in order; an item whose story was withdrawn or "
                           "left workshops is {\"placeholder\": \"withdrawn\"}",
                "responses": {"200": _json(_ref("StorySet")), "401": ERROR, "404": ERROR}},
    },
    "/sets/{set_id}/items": {
        "parameters": [SET_ID],
        "post": {
            "summary": "Add a whole story, or an excerpt: start/end are code points into the approved workshop "
                       "version's body (end exclusive); omit both for the whole story",
            "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("NewSetItem")}}},
            "responses": {"201": _json(_ref("SetItem"), "Created"), "400": ERROR, "401": ERROR, "404": ERROR},
        },
    },
}

SETS_SCHEMAS: dict[str, Any] = {
    "NewStorySet": {"type": "object", "required": ["title", "question"], "properties": {
        "title": {"type": "string", "maxLength": 200},
        "question": {"type": "string", "maxLength": 1000},
        "query": {"type": "string", "maxLength": 2000, "description": "a saved search, in the search language"}}},
    "StorySetSummary": {"type": "object", "properties": {
        "id": {"type": "integer"}, "title": {"type": "string"}, "question": {"type": "string"},
        "query": {"type": "string", "nullable": True}, "items": {"type": "integer"}}},
    "StorySet": {"type": "object", "properties": {
        "id": {"type": "integer"}, "title": {"type": "string"}, "question": {"type": "string"},
        "query": {"type": "string", "nullable": True},
        "created_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
        "items": {"type": "array", "items": {"oneOf": [_ref("SetItem"), _ref("Placeholder")]}}}},
    "NewSetItem": {"type": "object", "required": ["story_id"], "properties": {
        "story_id": {"type": "integer"},
        "start": {"type": "integer", "minimum": 0}, "end": {"type": "integer", "minimum": 1},
        "note": {"type": "string", "maxLength": 2000}, "prompt": {"type": "string", "maxLength": 1000}}},
    "SetItem": {"type": "object", "properties": {
        "id": {"type": "integer"}, "card": {"type": "string", "description": "short, stable card id"},
        "position": {"type": "integer"}, "story_id": {"type": "integer"},
        "kind": {"type": "string", "enum": ["story", "excerpt"]},
        "start": {"type": "integer", "nullable": True}, "end": {"type": "integer", "nullable": True},
        "title": {"type": "string"}, "text": {"type": "string", "description": "workshop-version Markdown"},
        "themes": {"type": "array", "items": {"type": "string"}},
        "note": {"type": "string"}, "prompt": {"type": "string"}}},
    "Placeholder": {"type": "object", "properties": {"placeholder": {"type": "string", "enum": ["withdrawn"]}}},
}
