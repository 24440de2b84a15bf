"""The JSON API (/api/v1): stories, consent, withdrawal and search; same services and policy as the pages.

Every endpoint is declared with `operation()` (storybank/api/spec.py), which also documents it.
Coding, workshops and exchange endpoints live in the sibling modules, on the same blueprint.
"""
from __future__ import annotations

from typing import Any

from flask import g, jsonify, request, url_for

from storybank import guard, policy
from storybank.api import schemas as s
from storybank.api.openapi import openapi_document
from storybank.api.spec import bp, given, operation, parse, parse_query
from storybank.archive.consent import change_consent, consent_dict
from storybank.archive.models import Story
from storybank.archive.render import render_markdown
from storybank.archive.stories import browse, open_own_or_read, revise_story, submit_story
from storybank.archive.validation import StoryDraft
from storybank.archive.withdrawal import withdraw_story
from storybank.deid import hosts as workshop_hosts
from storybank.errors import InvalidInput
from storybank.extensions import db
from storybank.search import service as search_service
from storybank.search.query import QuerySyntaxError

__all__ = ["bp", "created", "stamp"]  # the other API modules add their endpoints to this blueprint


def stamp(value: Any) -> str | None:
    return value.isoformat() + "Z" if value is not None else None


def created(body: dict[str, Any], location: str | None = None) -> Any:
    response = jsonify(body)
    response.status_code = 201
    if location:
        response.headers["Location"] = location
    return response


def story_json(story: Story) -> dict[str, Any]:
    revision = story.current_revision
    return {
        "id": story.id,
        "title": story.title,
        "body": revision.body if revision else None,
        "html": render_markdown(revision.body) if revision else None,
        "kind": story.kind,
        "site": story.site,
        "storyteller_role": story.storyteller_role or None,
        "collection_method": story.collection_method,
        "language": story.language,
        "signifiers": story.signifiers,
        "consent": consent_dict(story.current_consent),
        "revision": revision.number if revision else None,
        "created_at": stamp(story.created_at),
        "updated_at": stamp(story.updated_at),
    }


def tombstone_json(story: Story) -> dict[str, Any]:
    return {"id": story.id, "kind": story.kind, "status": "withdrawn", "withdrawn_at": stamp(story.withdrawn_at),
            "removed": story.removed_counts or {}}


@operation("/openapi.json", "GET", "This document", responses={200: "application/json"}, public=True)
@guard.public
def openapi() -> Any:
    return jsonify(openapi_document())


@operation("/stories", "GET", "Stories the caller may read (own stories, or research-consented ones)",
           responses={200: s.StoryList}, query=s.StoriesQuery)
@guard.requires("story.read")
def list_stories() -> Any:
    """Own stories for tellers; research-consented stories for researchers."""
    actor, args = g.actor, parse_query(s.StoriesQuery)
    if policy.can(actor, "story.browse"):
        rows, total = browse(actor, kind=args.kind, site=args.site, page=args.page)
    else:
        rows = list(db.session.scalars(policy.own_stories(actor, include_withdrawn=False)))
        total = len(rows)
    return jsonify({"total": total, "page": args.page,
                    "results": [{"id": r.id, "title": r.title, "kind": r.kind, "site": r.site} for r in rows]})


@operation("/stories", "POST", "Tell a story; the caller is its teller", body=s.NewStory, responses={201: s.Story})
@guard.requires("story.tell")
def create_story() -> Any:
    data = parse(s.NewStory)
    draft = StoryDraft(
        title=data.title, body=data.body, kind=data.kind, site=data.site or "",
        storyteller_role=data.storyteller_role or "", collection_method=data.collection_method or "written",
        collected_by=data.collected_by or "", language=data.language or "en", signifiers=data.signifiers,
        consent=data.consent, attribution=data.attribution, form_version=data.consent_form_version,
    )
    story = submit_story(g.actor, draft)
    return created(story_json(story), url_for("api.get_story", story_id=story.id))


@operation("/stories/<int:story_id>", "GET", "One story, or its tombstone for its teller",
           responses={200: s.StoryOrTombstone})
@guard.requires("story.read")
def get_story(story_id: int) -> Any:
    story, _is_teller = open_own_or_read(g.actor, story_id)
    return jsonify(tombstone_json(story) if story.withdrawn else story_json(story))


@operation("/stories/<int:story_id>/workshop", "GET", "The approved pseudonymised version (hosts see only this)",
           responses={200: s.WorkshopVersion})
@guard.signed_in
def get_workshop_version(story_id: int) -> Any:
    story, version = workshop_hosts.workshop_for(g.actor, story_id)
    return jsonify({
        "id": story.id, "title": version.title, "body": version.body, "html": render_markdown(version.body or ""),
        "kind": story.kind, "site": story.site, "themes": search_service.theme_names_of(story.id),
        "approved_at": stamp(version.approved_at), "approved_on_behalf": version.approved_on_behalf,
    })


@operation("/stories/<int:story_id>", "PATCH", "Revise (own stories): a new revision", body=s.Revise,
           responses={200: s.Story})
@guard.requires("story.own")
def patch_story(story_id: int) -> Any:
    policy.get_own_story(g.actor, story_id)  # a story the caller may not see is 404 before any 400
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not set(data) - {"revision"} or set(data) - {"title", "body", "revision"}:
        raise InvalidInput("Send 'title' and/or 'body' (and the 'revision' you started from) to make a new revision.")
    revision = parse(s.Revise)
    revise_story(g.actor, story_id, revision.title, revision.body, revision.revision)
    return jsonify(story_json(policy.get_own_story(g.actor, story_id)))


@operation("/stories/<int:story_id>/consent", "PATCH", "Change consent (own stories); narrowing is immediate",
           body=s.ConsentChange, responses={200: s.Consent})
@guard.requires("story.own")
def patch_consent(story_id: int) -> Any:
    policy.get_own_story(g.actor, story_id)
    event = change_consent(g.actor, story_id, given(parse(s.ConsentChange)))
    return jsonify(consent_dict(event))


@operation("/stories/<int:story_id>/withdraw", "POST", "Withdraw (own stories): the text is deleted, a tombstone "
           "remains", responses={200: s.Tombstone})
@guard.requires("story.own")
def withdraw(story_id: int) -> Any:
    return jsonify(tombstone_json(withdraw_story(g.actor, story_id)))


@operation("/search", "GET", "Full-text and theme search over what the caller may read for a purpose",
           responses={200: s.SearchResults},
           description="Query language: words (AND), \"phrases\", OR, NOT / -word, brackets, hous*, recieve~, "
                       "theme:, site:, kind:, role:, method:, date:2021-01..2021-06. A query that cannot be parsed "
                       "answers 400 with detail.position (0-based).",
           query=s.SearchQuery)
@guard.requires("story.search")
def search() -> Any:
    args = parse_query(s.SearchQuery)
    text = search_service.combine(args.q, theme=args.theme, site=args.site, kind=args.kind)
    try:
        results = search_service.search(g.actor, text, purpose=args.purpose or None, page=args.page,
                                         per_page=min(max(args.per_page, 1), 100))
    except QuerySyntaxError as err:
        raise InvalidInput(f"The search could not be read: {err}.",
                           detail={"position": err.position, "query": text}) from None
    return jsonify({
        "total": results.total, "page": results.page, "purpose": results.purpose,
        "did_you_mean": results.did_you_mean,
        "results": [{"id": h.id, "title": h.title, "snippet": str(h.snippet), "kind": h.kind, "site": h.site,
                     "themes": h.themes} for h in results.hits],
        "facets": {name: {f.label: f.count for f in facets} for name, facets in results.facets.items()},
    })
