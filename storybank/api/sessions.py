"""Sessions and insights over /api/v1: hosts record their own; researchers read every session.

The same services and actions as the session pages (sessions.record, insights.read). An
insight names only the cards read in its session, and a story it links to that the
caller may not open is listed without its id or title.
"""
from __future__ import annotations

from typing import Any

from flask import g, jsonify

from storybank import guard
from storybank.api import schemas_workshops as w
from storybank.api.spec import operation, parse
from storybank.api.views import created, stamp
from storybank.workshops import sessions as service
from storybank.workshops.models import WorkshopSession


def insight_json(view: service.InsightView) -> dict[str, Any]:
    insight = view.insight
    return {"id": insight.id, "session_id": insight.session_id, "text": insight.text,
            "created_at": stamp(insight.created_at), "stories_withdrawn": insight.stories_withdrawn,
            "stories": [{"story_id": link.story_id if link.readable else None,
                         "label": link.label, "excerpt": link.excerpt} for link in view.stories],
            "code_ids": [code.id for code in view.codes]}


def session_json(session: WorkshopSession) -> dict[str, Any]:
    return {"id": session.id, "set_id": session.set_id, "set_title": session.set_title,
            "question": session.question, "held_on": session.held_on.isoformat(), "place": session.place,
            "participants": session.participants, "stories_withdrawn": session.stories_withdrawn,
            "insights": [insight_json(v) for v in service.session_insights(g.actor, session)]}


@operation("/sessions", "GET", "Sessions the caller may read (hosts: their own; researchers: all)",
           responses={200: w.SessionList})
@guard.requires("insights.read")
def list_sessions() -> Any:
    return jsonify({"results": [session_json(s) for s in service.list_sessions(g.actor)]})


@operation("/sets/<int:set_id>/sessions", "POST", "Record a session held with one of the caller's sets",
           body=w.NewSession, responses={201: w.Session})
@guard.requires("sessions.record")
def record_session(set_id: int) -> Any:
    from storybank.workshops.sets import get_set

    get_set(g.actor, set_id)  # someone else's set is 404 before any 400
    data = parse(w.NewSession)
    session = service.record_session(g.actor, set_id, data.held_on, data.place or "", data.participants or 0)
    return created(session_json(session))


@operation("/sessions/<int:session_id>", "GET", "One session with its insights", responses={200: w.Session})
@guard.requires("insights.read")
def get_session(session_id: int) -> Any:
    return jsonify(session_json(service.get_session(g.actor, session_id)))


@operation("/sessions/<int:session_id>", "DELETE", "Remove a session recorded by mistake, with its insights",
           responses={204: None})
@guard.requires("sessions.record")
def delete_session(session_id: int) -> Any:
    service.delete_session(g.actor, session_id)
    return "", 204


@operation("/sessions/<int:session_id>/insights", "POST", "Record an insight, linked to cards read in the session "
           "and to themes", body=w.NewInsight, responses={201: w.Insight})
@guard.requires("sessions.record")
def add_insight(session_id: int) -> Any:
    session = service.get_session(g.actor, session_id)
    data = parse(w.NewInsight)
    insight = service.add_insight(g.actor, session.id, data.text, data.links, list(data.code_ids))
    return created(insight_json(service.describe(g.actor, [insight])[0]))


@operation("/sessions/<int:session_id>/insights/<int:insight_id>", "DELETE", "Remove an insight",
           responses={204: None})
@guard.requires("sessions.record")
def delete_insight(session_id: int, insight_id: int) -> Any:
    service.delete_insight(g.actor, session_id, insight_id)
    return "", 204
