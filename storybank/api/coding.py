"""Coding endpoints of /api/v1: the codebook, codings, memos, suggestions and agreement (researchers).

The same services as the codebook and coding pages, with the same actions (codebook.view,
codebook.edit, story.code, memo.write, suggest.use): a story the caller may not read for
research answers 404, and so does a coding or memo on one.
"""
from __future__ import annotations

from typing import Any

from flask import g, jsonify

from storybank import guard, policy
from storybank.api import schemas as s
from storybank.api import schemas_analysis as a
from storybank.api.spec import given, operation, parse, parse_query
from storybank.api.views import created, stamp
from storybank.coding import codebook, suggest
from storybank.coding import codings as codings_service
from storybank.coding import memos as memo_service
from storybank.coding.agreement_all_codes import agreement_overview, parse_coder_ids
from storybank.coding.agreement_by_code import code_agreement
from storybank.coding.models import Code, Coding, Memo
from storybank.errors import InvalidInput, NotFound


def code_json(code: Code, depth: int | None = None) -> dict[str, Any]:
    body = {"id": code.id, "name": code.name, "parent_id": code.parent_id, "definition": code.definition,
            "when_to_use": code.when_to_use, "when_not_to_use": code.when_not_to_use, "example": code.example,
            "colour": code.colour}
    if depth is not None:
        body["depth"] = depth
    return body


def coding_json(coding: Coding) -> dict[str, Any]:
    return {"id": coding.id, "story_id": coding.story_id, "code_id": coding.code_id, "coder_id": coding.coder_id,
            "revision_id": coding.revision_id, "start": coding.start, "end": coding.end,
            "created_at": stamp(coding.created_at)}


def memo_json(memo: Memo) -> dict[str, Any]:
    return {"id": memo.id, "text": memo.text, "author_id": memo.author_id, "story_id": memo.story_id,
            "coding_id": memo.coding_id, "code_id": memo.code_id, "created_at": stamp(memo.created_at),
            "updated_at": stamp(memo.updated_at)}


def _known_code(code_id: object, name: str) -> None:
    try:
        codebook.get_code(code_id)
    except NotFound:
        raise InvalidInput("No such code.", field=name) from None


@operation("/codes", "GET", "The codebook, as a tree (depth first)", responses={200: s.CodeList})
@guard.requires("codebook.view")
def list_codes() -> Any:
    return jsonify({"results": [code_json(c, d) for c, d in codebook.tree()]})


@operation("/codes", "POST", "Add a code", body=s.NewCode, responses={201: s.Code})
@guard.requires("codebook.edit")
def create_code() -> Any:
    data = parse(s.NewCode)
    code = codebook.create_code(g.actor, data.name, data.parent_id, data.definition, data.colour)
    return created(code_json(code))


@operation("/codes/<int:code_id>", "PATCH", "Edit a code, or move it (parent_id; null: the top level)",
           body=s.CodeEdit, responses={200: s.Code})
@guard.requires("codebook.edit")
def edit_code(code_id: int) -> Any:
    codebook.get_code(code_id)  # an unknown code is 404 before any 400
    fields = given(parse(s.CodeEdit))
    if not fields:
        raise InvalidInput("Send at least one field to change.")
    if fields.get("parent_id") is not None:
        _known_code(fields["parent_id"], "parent_id")
    return jsonify(code_json(codebook.update_code(g.actor, code_id, fields)))


@operation("/codes/<int:code_id>/merge", "POST", "Merge this code into another: its codings and sub-codes move, "
           "this code goes", body=s.Merge, responses={200: s.Counts})
@guard.requires("codebook.edit")
def merge_code(code_id: int) -> Any:
    codebook.get_code(code_id)
    data = parse(s.Merge)
    _known_code(data.into, "into")
    return jsonify(codebook.merge_codes(g.actor, code_id, data.into))


@operation("/codes/<int:code_id>", "DELETE", "Delete a code with its sub-codes and their codings",
           responses={200: s.Counts})
@guard.requires("codebook.edit")
def delete_code(code_id: int) -> Any:
    return jsonify(codebook.delete_code(g.actor, code_id))


@operation("/stories/<int:story_id>/codings", "GET", "Codings of the story's current revision",
           responses={200: s.CodingList})
@guard.requires("story.code")
def list_codings(story_id: int) -> Any:
    return jsonify({"results": [coding_json(c) for c in codings_service.codings_for(g.actor, story_id)]})


@operation("/stories/<int:story_id>/codings", "POST", "Code an excerpt (Unicode code points, end exclusive) or, "
           "without start/end, the whole story", body=s.NewCoding, responses={201: s.Coding})
@guard.requires("story.code")
def create_coding(story_id: int) -> Any:
    policy.get_story(g.actor, story_id, "research")  # 404 before any 400
    data = parse(s.NewCoding)
    _known_code(data.code_id, "code_id")
    coding = codings_service.apply_coding(g.actor, story_id, data.code_id, data.start, data.end)
    body = coding_json(coding)
    if data.memo:
        body["memo"] = {"id": memo_service.add_memo(g.actor, data.memo, coding_id=coding.id).id, "text": data.memo}
    return created(body)


@operation("/codings/<int:coding_id>", "DELETE", "Remove one of the caller's own codings", responses={204: None})
@guard.requires("story.code")
def delete_coding(coding_id: int) -> Any:
    codings_service.remove_coding(g.actor, coding_id)
    return "", 204


@operation("/memos", "GET", "Memos the caller may read, newest first", responses={200: s.MemoList},
           query=s.MemosQuery)
@guard.requires("codebook.view")
def list_memos() -> Any:
    return jsonify({"results": [memo_json(m) for m in memo_service.list_memos(g.actor, parse_query(s.MemosQuery).q)]})


@operation("/memos", "POST", "Write a memo on a story, a coding or a code", body=s.NewMemo, responses={201: s.Memo})
@guard.requires("memo.write")
def create_memo() -> Any:
    data = parse(s.NewMemo)
    memo = memo_service.add_memo(g.actor, data.text, coding_id=data.coding_id, story_id=data.story_id,
                                 code_id=data.code_id)
    return created(memo_json(memo))


@operation("/memos/<int:memo_id>", "PATCH", "Edit one of the caller's own memos", body=s.MemoEdit,
           responses={200: s.Memo})
@guard.requires("memo.write")
def edit_memo(memo_id: int) -> Any:
    memo_service.own_memo(g.actor, memo_id)  # someone else's memo is 404 before any 400
    return jsonify(memo_json(memo_service.update_memo(g.actor, memo_id, parse(s.MemoEdit).text)))


@operation("/memos/<int:memo_id>", "DELETE", "Delete one of the caller's own memos", responses={204: None})
@guard.requires("memo.write")
def delete_memo(memo_id: int) -> Any:
    memo_service.delete_memo(g.actor, memo_id)
    return "", 204


@operation("/stories/<int:story_id>/suggestions", "GET", "Suggested codings still open for the caller on the "
           "current revision", responses={200: a.Suggestions}, query=a.SuggestionsQuery)
@guard.requires("suggest.use")
def list_suggestions(story_id: int) -> Any:
    panel = suggest.suggestions_for(g.actor, story_id, blind=parse_query(a.SuggestionsQuery).blind != 0)
    model = None
    if panel.model_ready and panel.training is not None:
        model = {"trained_at": stamp(panel.training.trained_at), "examples": panel.training.examples,
                 "stories": panel.training.story_count, "codes": [cid for cid, _ in panel.training.labels]}
    return jsonify({
        "story_id": panel.story.id, "revision_id": panel.revision.id, "rejected": panel.rejected,
        "model_hidden": panel.model_hidden,
        "keywords_matched_on": "stems" if panel.stemmed else "lemmas", "model": model,
        "results": [{"code_id": x.code_id, "start": x.start, "end": x.end, "sources": list(x.sources),
                     "keywords": list(x.keywords), "matches": [{"start": m, "end": n} for m, n in x.matches],
                     "score": x.score} for x, _code in panel.items],
    })


@operation("/stories/<int:story_id>/suggestions", "POST", "Accept (an ordinary coding by the caller) or reject one "
           "open suggestion", body=a.SuggestionChoice, responses={201: a.SuggestionDecision,
                                                                   200: a.SuggestionDecision})
@guard.requires("suggest.use")
def decide_suggestion(story_id: int) -> Any:
    policy.get_story(g.actor, story_id, "research")  # 404 before any 400
    data = parse(a.SuggestionChoice)
    decision, coding, new = suggest.decide(g.actor, story_id, data.code_id, data.start, data.end, data.decision,
                                           data.revision_id)
    response = jsonify({"decision": decision.decision, "source": decision.source,
                        "coding": coding_json(coding) if coding else None})
    response.status_code = 201 if coding is not None and new else 200
    return response


@operation("/agreement", "GET", "Every code's agreement and the overall (pooled) figure",
           responses={200: a.AgreementOverview}, query=a.AgreementQuery)
@guard.requires("codebook.view")
def agreement_all() -> Any:
    overview = agreement_overview(g.actor, parse_coder_ids(parse_query(a.AgreementQuery).coder) or None)

    def figures(f: Any) -> dict[str, Any]:
        return {"units": f.units, "units_all_coders": f.units_all_coders, "percent_agreement": f.percent_agreement,
                "cohen_kappa": f.cohen_kappa, "krippendorff_alpha": f.krippendorff_alpha}

    return jsonify({"coders": [u.id for u in overview.coders], "stories": overview.stories,
                    "sentences": overview.sentences, "overall": figures(overview.overall),
                    "codes": [{"code_id": code.id, "code": code.name, "sentences_marked": marked, **figures(f)}
                              for code, f, marked in overview.codes]})


@operation("/codes/<int:code_id>/agreement", "GET", "One code's agreement between coders on sentence units",
           responses={200: a.CodeAgreement})
@guard.requires("codebook.view")
def agreement(code_id: int) -> Any:
    figures = code_agreement(g.actor, code_id)
    return jsonify({key: figures[key] for key in ("code_id", "coders", "units", "units_all_coders", "stories",
                                                  "percent_agreement", "cohen_kappa", "krippendorff_alpha")})
