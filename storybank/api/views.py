"""The JSON API (/api/v1): same services and policy as the pages, bearer tokens only."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, g, jsonify, request, url_for

from storybank import guard, policy
from storybank.api.openapi import openapi_document
from storybank.archive.consent import change_consent, consent_dict
from storybank.archive.models import Story
from storybank.archive.render import render_markdown
from storybank.archive.stories import browse, open_own_or_read, revise_story, submit_story
from storybank.archive.validation import StoryDraft
from storybank.archive.withdrawal import withdraw_story
from storybank.coding import codebook, suggest
from storybank.coding import codings as codings_service
from storybank.coding.agreement_all_codes import agreement_overview, parse_coder_ids
from storybank.coding.agreement_by_code import code_agreement
from storybank.coding.memos import add_memo
from storybank.coding.models import Code, Coding
from storybank.deid import hosts as workshop_hosts
from storybank.errors import InvalidInput, NotFound
from storybank.extensions import db
from storybank.search import service as search_service
from storybank.search.query import QuerySyntaxError

bp = Blueprint("api", __name__, url_prefix="/api/v1")
STORY_FIELDS = {"title", "body", "kind", "site", "consent", "attribution", "storyteller_role",
                "collection_method", "collected_by", "language", "signifiers", "consent_form_version"}


def _json_body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise InvalidInput("Send a JSON object with Content-Type: application/json.")
    return data


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
        "created_at": story.created_at.isoformat() + "Z",
        "updated_at": story.updated_at.isoformat() + "Z",
    }


def tombstone_json(story: Story) -> dict[str, Any]:
    return {
        "id": story.id,
        "kind": story.kind,
        "status": "withdrawn",
        "withdrawn_at": story.withdrawn_at.isoformat() + "Z" if story.withdrawn_at else None,
        "removed": story.removed_counts or {},
    }


@bp.get("/openapi.json")
@guard.public
def openapi() -> Any:
    return jsonify(openapi_document())


@bp.get("/stories")
@guard.requires("story.read")
def list_stories() -> Any:
    """Own stories for tellers; research-consented stories for researchers."""
    actor = g.actor
    page = request.args.get("page", 1, type=int) or 1
    if policy.can(actor, "story.browse"):
        rows, total = browse(actor, kind=request.args.get("kind"), site=request.args.get("site"), page=page)
    else:
        rows = list(db.session.scalars(policy.own_stories(actor, include_withdrawn=False)))
        total = len(rows)
    return jsonify({"total": total, "page": page,
                    "results": [{"id": s.id, "title": s.title, "kind": s.kind, "site": s.site} for s in rows]})


@bp.post("/stories")
@guard.requires("story.tell")
def create_story() -> Any:
    data = _json_body()
    unknown = set(data) - STORY_FIELDS
    if unknown:
        raise InvalidInput(f"Unknown field {sorted(unknown)[0]!r}.", field=sorted(unknown)[0])
    draft = StoryDraft(
        title=data.get("title"), body=data.get("body"), kind=data.get("kind"),
        site=data.get("site") or "", storyteller_role=data.get("storyteller_role") or "",
        collection_method=data.get("collection_method") or "written",
        collected_by=data.get("collected_by") or "", language=data.get("language") or "en",
        signifiers=data.get("signifiers"), consent=data.get("consent", {}),
        attribution=data.get("attribution", "anonymous"), form_version=data.get("consent_form_version"),
    )
    story = submit_story(g.actor, draft)
    response = jsonify(story_json(story))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_story", story_id=story.id)
    return response


@bp.get("/stories/<int:story_id>")
@guard.requires("story.read")
def get_story(story_id: int) -> Any:
    story, _is_teller = open_own_or_read(g.actor, story_id)
    return jsonify(tombstone_json(story) if story.withdrawn else story_json(story))


@bp.get("/stories/<int:story_id>/workshop")
@guard.signed_in
def get_workshop_version(story_id: int) -> Any:
    story, version = workshop_hosts.workshop_for(g.actor, story_id)
    return jsonify({
        "id": story.id, "title": version.title, "body": version.body, "html": render_markdown(version.body or ""),
        "kind": story.kind, "site": story.site, "themes": search_service.theme_names_of(story.id),
        "approved_at": version.approved_at.isoformat() + "Z" if version.approved_at else None,
        "approved_on_behalf": version.approved_on_behalf,
    })


@bp.patch("/stories/<int:story_id>")
@guard.requires("story.own")
def patch_story(story_id: int) -> Any:
    policy.get_own_story(g.actor, story_id)  # a story the caller may not see is 404 before any 400
    data = _json_body()
    unknown = set(data) - {"title", "body"}
    if unknown or not data:
        raise InvalidInput("Send 'title' and/or 'body' to make a new revision.")
    revise_story(g.actor, story_id, data.get("title"), data.get("body"))
    return jsonify(story_json(policy.get_own_story(g.actor, story_id)))


@bp.patch("/stories/<int:story_id>/consent")
@guard.requires("story.own")
def patch_consent(story_id: int) -> Any:
    policy.get_own_story(g.actor, story_id)
    event = change_consent(g.actor, story_id, _json_body())
    return jsonify(consent_dict(event))


@bp.get("/search")
@guard.requires("story.search")
def search() -> Any:
    args = request.args
    text = search_service.combine(args.get("q", ""), theme=args.get("theme"), site=args.get("site"),
                                  kind=args.get("kind"))
    per_page = min(max(args.get("per_page", 10, type=int) or 10, 1), 100)
    try:
        results = search_service.search(g.actor, text, purpose=args.get("purpose") or None,
                                         page=args.get("page", 1, type=int) or 1, per_page=per_page)
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


def code_json(code: Code) -> dict[str, Any]:
    return {"id": code.id, "name": code.name, "parent_id": code.parent_id, "definition": code.definition,
            "when_to_use": code.when_to_use, "when_not_to_use": code.when_not_to_use, "example": code.example,
            "colour": code.colour}


def coding_json(coding: Coding) -> dict[str, Any]:
    return {"id": coding.id, "story_id": coding.story_id, "code_id": coding.code_id, "coder_id": coding.coder_id,
            "revision_id": coding.revision_id, "start": coding.start, "end": coding.end,
            "created_at": coding.created_at.isoformat() + "Z"}


@bp.get("/codes")
@guard.requires("codebook.view")
def list_codes() -> Any:
    return jsonify({"results": [dict(code_json(c), depth=d) for c, d in codebook.tree()]})


@bp.post("/codes")
@guard.requires("codebook.edit")
def create_code() -> Any:
    data = _json_body()
    unknown = set(data) - {"name", "parent_id", "definition", "colour"}
    if unknown:
        raise InvalidInput(f"Unknown field {sorted(unknown)[0]!r}.", field=sorted(unknown)[0])
    code = codebook.create_code(g.actor, data.get("name"), data.get("parent_id"), data.get("definition", ""),
                                data.get("colour"))
    response = jsonify(code_json(code))
    response.status_code = 201
    return response


@bp.get("/stories/<int:story_id>/codings")
@guard.requires("story.code")
def list_codings(story_id: int) -> Any:
    return jsonify({"results": [coding_json(c) for c in codings_service.codings_for(g.actor, story_id)]})


@bp.post("/stories/<int:story_id>/codings")
@guard.requires("story.code")
def create_coding(story_id: int) -> Any:
    policy.get_story(g.actor, story_id, "research")  # 404 before any 400
    data = _json_body()
    unknown = set(data) - {"code_id", "start", "end", "memo"}
    if unknown:
        raise InvalidInput(f"Unknown field {sorted(unknown)[0]!r}.", field=sorted(unknown)[0])
    if "code_id" not in data:
        raise InvalidInput("Say which code: code_id.", field="code_id")
    try:
        codebook.get_code(data["code_id"])
    except NotFound:
        raise InvalidInput("No such code.", field="code_id") from None
    coding = codings_service.apply_coding(g.actor, story_id, data["code_id"], data.get("start"), data.get("end"))
    body = coding_json(coding)
    if data.get("memo"):
        body["memo"] = {"id": add_memo(g.actor, data["memo"], coding_id=coding.id).id, "text": str(data["memo"])}
    response = jsonify(body)
    response.status_code = 201
    return response


@bp.get("/stories/<int:story_id>/suggestions")
@guard.requires("suggest.use")
def list_suggestions(story_id: int) -> Any:
    panel = suggest.suggestions_for(g.actor, story_id, blind=request.args.get("blind", "1") != "0")
    model = None
    if panel.model_ready and panel.training is not None:
        model = {"trained_at": panel.training.trained_at.isoformat() + "Z", "examples": panel.training.examples,
                 "stories": panel.training.story_count, "codes": [cid for cid, _ in panel.training.labels]}
    return jsonify({
        "story_id": panel.story.id, "revision_id": panel.revision.id, "rejected": panel.rejected,
        "model_hidden": panel.model_hidden,
        "keywords_matched_on": "stems" if panel.stemmed else "lemmas", "model": model,
        "results": [{"code_id": s.code_id, "start": s.start, "end": s.end, "sources": list(s.sources),
                     "keywords": list(s.keywords), "matches": [{"start": a, "end": b} for a, b in s.matches],
                     "score": s.score} for s, _code in panel.items],
    })


@bp.post("/stories/<int:story_id>/suggestions")
@guard.requires("suggest.use")
def decide_suggestion(story_id: int) -> Any:
    policy.get_story(g.actor, story_id, "research")  # 404 before any 400
    data = _json_body()
    unknown = set(data) - {"code_id", "start", "end", "decision", "revision_id"}
    if unknown:
        raise InvalidInput(f"Unknown field {sorted(unknown)[0]!r}.", field=sorted(unknown)[0])
    for name in ("code_id", "start", "end", "decision"):
        if name not in data:
            raise InvalidInput(f"Say {name}.", field=name)
    decision, coding, new = suggest.decide(g.actor, story_id, data["code_id"], data["start"], data["end"],
                                      data["decision"], data.get("revision_id"))
    response = jsonify({"decision": decision.decision, "source": decision.source,
                        "coding": coding_json(coding) if coding else None})
    response.status_code = 201 if coding is not None and new else 200
    return response


@bp.get("/agreement")
@guard.requires("codebook.view")
def agreement_all() -> Any:
    """Every code's agreement and the overall (pooled) figure; `coder` may repeat to choose whom to compare."""
    chosen = parse_coder_ids(request.args.getlist("coder"))
    overview = agreement_overview(g.actor, chosen or None)

    def figures(f: Any) -> dict[str, Any]:
        return {"units": f.units, "units_all_coders": f.units_all_coders, "percent_agreement": f.percent_agreement,
                "cohen_kappa": f.cohen_kappa, "krippendorff_alpha": f.krippendorff_alpha}

    return jsonify({"coders": [u.id for u in overview.coders], "stories": overview.stories,
                    "sentences": overview.sentences, "overall": figures(overview.overall),
                    "codes": [{"code_id": code.id, "code": code.name, "sentences_marked": marked, **figures(f)}
                              for code, f, marked in overview.codes]})


@bp.get("/codes/<int:code_id>/agreement")
@guard.requires("codebook.view")
def agreement(code_id: int) -> Any:
    figures = code_agreement(g.actor, code_id)
    return jsonify({key: figures[key] for key in ("code_id", "coders", "units", "units_all_coders", "stories",
                                                  "percent_agreement", "cohen_kappa", "krippendorff_alpha")})


@bp.post("/stories/<int:story_id>/withdraw")
@guard.requires("story.own")
def withdraw(story_id: int) -> Any:
    return jsonify(tombstone_json(withdraw_story(g.actor, story_id)))
