"""Workshop review over /api/v1: a researcher reviews and sends the pseudonymised version, the teller approves.

The contract is ../shared/API.md "Additions"; the rules are the deid services'
(storybank/deid/decisions.py and approval.py), the same the review and teller pages call,
with the same actions: workshop.prepare for researchers, workshop.review_own for tellers.
"""
from __future__ import annotations

from typing import Any

from flask import g, jsonify

from storybank import guard, policy
from storybank.api import schemas_workshops as w
from storybank.api.spec import operation, parse
from storybank.api.views import stamp
from storybank.deid import approval, decisions
from storybank.deid.models import ACCEPTED, WorkshopVersion
from storybank.deid.reading import replacement_of
from storybank.errors import InvalidInput


def review_json(review: decisions.Review) -> dict[str, Any]:
    return {
        "story_id": review.story.id, "status": review.version.status, "pending": review.pending,
        "identifiers": [{"id": span.id, "start": span.start, "end": span.end, "part": span.part,
                         "text": span.original, "kind": span.type, "decision": span.decision,
                         "replacement": replacement_of(span) if span.decision == ACCEPTED else None}
                        for span in review.spans],
        "title": review.preview_title, "body": review.preview_body,
    }


def state_json(story_id: int, version: WorkshopVersion) -> dict[str, Any]:
    return {"story_id": story_id, "status": version.status, "sent_at": stamp(version.sent_at),
            "approved_at": stamp(version.approved_at), "approved_on_behalf": version.approved_on_behalf,
            "teller_message": version.teller_message or None}


@operation("/stories/<int:story_id>/workshop/review", "GET", "The proposed workshop version and its identifiers "
           "(researchers); proposes identifiers first if that has not happened yet", responses={200: w.Review})
@guard.requires("workshop.prepare")
def get_review(story_id: int) -> Any:
    return jsonify(review_json(decisions.review(g.actor, story_id)))


@operation("/stories/<int:story_id>/workshop/review", "POST", "Accept every proposed identifier, or accept or "
           "reject some (with a replacement label)", body=w.ReviewDecisions, responses={200: w.Review})
@guard.requires("workshop.prepare")
def post_review(story_id: int) -> Any:
    decisions.story_for_review(g.actor, story_id)  # 404 before any 400
    data = parse(w.ReviewDecisions)
    if bool(data.accept_all) == (data.decisions is not None):
        raise InvalidInput('Send {"accept_all": true} or {"decisions": [{"id", "decision", "replacement"?}]}.')
    if data.accept_all:
        decisions.accept_all(g.actor, story_id)
    for choice in data.decisions or []:
        decisions.decide(g.actor, story_id, choice.id, choice.decision, choice.replacement or "")
    return jsonify(review_json(decisions.review(g.actor, story_id)))


@operation("/stories/<int:story_id>/workshop/send", "POST", "Send the reviewed version to the teller for approval "
           "(or record an approval given outside storybank for a teller without an account)", body=w.Send,
           responses={200: w.VersionState})
@guard.requires("workshop.prepare")
def send(story_id: int) -> Any:
    decisions.story_for_review(g.actor, story_id)
    version = approval.send(g.actor, story_id, approved_on_behalf=parse(w.Send).approved_on_behalf)
    body = state_json(story_id, version)
    if version.status == "with_teller":
        body["status"] = "sent"
    return jsonify(body)


@operation("/stories/<int:story_id>/workshop/approve", "POST", "The teller approves the version sent to them "
           "({}), or asks for changes ({\"changes\": \"message\"})", body=w.TellerAnswer,
           responses={200: w.VersionState})
@guard.requires("workshop.review_own")
def teller_answer(story_id: int) -> Any:
    policy.get_own_story(g.actor, story_id)
    data = parse(w.TellerAnswer)
    if data.changes is not None:
        version = approval.teller_request_changes(g.actor, story_id, data.changes)
    else:
        version = approval.teller_approve(g.actor, story_id)
    return jsonify(state_json(story_id, version))
