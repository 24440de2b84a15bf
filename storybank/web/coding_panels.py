"""The coding page's parts, rendered alone: what its forms answer when the page's script sends them in place.

Every form on the coding page works without JavaScript (post, redirect back). With it, static/coding.js sends
the same form with `Accept: application/json` (same endpoint, same permission checks, same CSRF token) and
gets back the parts of the page that changed, a message and how to undo the action; the reader's place in
the story is never lost to a reload.
"""
from __future__ import annotations

from typing import Any

from flask import jsonify, render_template, request, url_for
from flask_login import current_user

from storybank.coding import codebook as books
from storybank.coding.coding_view import coding_view
from storybank.coding.suggest import suggestions_for
from storybank.web.forms import EmptyForm

PARTS = {"coding-text": "codebook/_coding_text.html", "codings-panel": "codebook/_codings.html",
         "suggestions-panel": "codebook/_suggestions_panel.html", "story-memos": "codebook/_story_memos.html"}


def wants_json() -> bool:
    """The page's script asks for JSON; a browser submitting the form itself asks for HTML."""
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


def blind_from_form() -> bool:
    return request.form.get("blind", "") != "0"


def page_context(story_id: int, blind: bool) -> dict[str, Any]:
    """What the coding page and each of its parts render from."""
    return {"view": coding_view(current_user, story_id, blind=blind), "blind": blind, "form": EmptyForm(),
            "tree": books.tree(), "suggestions": suggestions_for(current_user, story_id, blind),
            "page_url": url_for("coding.code_story", story_id=story_id, blind=None if blind else 0)}


def panels_response(story_id: int, blind: bool, message: str, undo: list[dict[str, Any]] | None = None,
                    undo_label: str = "", focus: str | None = None, error: bool = False) -> Any:
    """The changed parts; `error` marks a message that says why nothing was done (a stale page, say)."""
    context = page_context(story_id, blind)
    return jsonify({"message": message, "undo": undo or [], "undo_label": undo_label, "focus": focus, "error": error,
                    "panels": {key: render_template(name, **context) for key, name in PARTS.items()}})


def step(endpoint: str, fields: dict[str, Any], **values: Any) -> dict[str, Any]:
    """One request of an undo: a form post the page's script sends (adding the CSRF token) to take an action back."""
    return {"action": url_for(endpoint, **values), "fields": fields}
