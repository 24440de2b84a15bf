"""Sessions, insights and where insights appear (story pages, codebook, analysis), their own blueprint."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from storybank import guard, policy
from storybank.coding.models import Code
from storybank.errors import InvalidInput
from storybank.extensions import db
from storybank.web.forms import EmptyForm
from storybank.workshops import sessions as service
from storybank.workshops import sets as set_service

bp = Blueprint("set_sessions", __name__)


@bp.get("/sessions")
@guard.requires("insights.read")
def sessions() -> str:
    return render_template("sets/sessions.html", sessions=service.list_sessions(current_user))


def _new_session_page(set_id: int, error: str | None = None) -> tuple[str, int]:
    story_set = set_service.get_set(current_user, set_id)
    return render_template("sets/session_new.html", story_set=story_set, form=EmptyForm(), error=error,
                           entered=request.form), 400 if error else 200


@bp.get("/sets/<int:set_id>/sessions/new")
@guard.requires("sessions.record")
def new_session(set_id: int) -> Any:
    return _new_session_page(set_id)


@bp.post("/sets/<int:set_id>/sessions/new")
@guard.requires("sessions.record")
def record_session(set_id: int) -> Any:
    set_service.get_set(current_user, set_id)
    if not EmptyForm().validate_on_submit():
        return _new_session_page(set_id, "The form expired. Please try again.")
    f = request.form
    try:
        session = service.record_session(current_user, set_id, f.get("held_on"), f.get("place"), f.get("participants"))
    except InvalidInput as err:
        return _new_session_page(set_id, err.message)
    flash("Session recorded. Now write down the insights that came out of it.")
    return redirect(url_for("set_sessions.session_report", session_id=session.id))


def _report(session_id: int, error: str | None = None) -> tuple[str, int]:
    session = service.get_session(current_user, session_id)
    own = session.host_id == current_user.id and policy.can(current_user, "sessions.record")
    codes = list(db.session.scalars(select(Code).order_by(Code.name))) if own else []
    return render_template(
        "sets/session.html", session=session, insights=service.session_insights(current_user, session), own=own,
        choices=service.link_choices(current_user, session) if own else [], codes=codes, form=EmptyForm(),
        error=error, entered=request.form), 400 if error else 200


@bp.get("/sessions/<int:session_id>")
@guard.requires("insights.read")
def session_report(session_id: int) -> Any:
    return _report(session_id)


@bp.post("/sessions/<int:session_id>/insights")
@guard.requires("sessions.record")
def add_insight(session_id: int) -> Any:
    service.get_session(current_user, session_id)
    if not EmptyForm().validate_on_submit():
        return _report(session_id, "The form expired. Please try again.")
    f = request.form
    try:
        service.add_insight(current_user, session_id, f.get("text"), f.getlist("links"), f.getlist("code_ids"))
    except InvalidInput as err:
        return _report(session_id, err.message)
    flash("Insight saved. Researchers see it beside the stories and themes it names.")
    return redirect(url_for("set_sessions.session_report", session_id=session_id) + "#insights")


@bp.post("/sessions/<int:session_id>/insights/<int:insight_id>/delete")
@guard.requires("sessions.record")
def delete_insight(session_id: int, insight_id: int) -> Any:
    service.get_session(current_user, session_id)
    if EmptyForm().validate_on_submit():
        service.delete_insight(current_user, session_id, insight_id)
        flash("Insight deleted.")
    return redirect(url_for("set_sessions.session_report", session_id=session_id) + "#insights")


@bp.post("/sessions/<int:session_id>/delete")
@guard.requires("sessions.record")
def delete_session(session_id: int) -> Any:
    service.get_session(current_user, session_id)
    if not EmptyForm().validate_on_submit() or request.form.get("confirm") != "yes":
        return _report(session_id, "Tick the box to confirm deleting the session and its insights.")
    session = service.delete_session(current_user, session_id)
    flash(f"Deleted the session of {session.held_on.strftime('%-d %B %Y')} and its insights.")
    return redirect(url_for("set_sessions.sessions"))


@bp.get("/insights")
@guard.requires("insights.read")
def insights() -> str:
    code_id = request.args.get("code", type=int)
    code = db.session.get(Code, code_id) if code_id else None
    views = service.insights_for_code(current_user, code.id) if code else service.recent_insights(current_user, 200)
    return render_template("sets/insights.html", views=views, code=code)


# --- what other pages show (template helpers: each checks the reader again) ---------------------------------


@bp.app_template_global()
def story_insights(story_id: int) -> list[service.InsightView]:
    """Insights naming a story, for the story page (researchers) and the workshop reading page (hosts)."""
    if not current_user.is_authenticated or not policy.can(current_user, "insights.read"):
        return []
    return service.insights_for_story(current_user, story_id)


@bp.app_template_global()
def code_insight_counts() -> dict[int, int]:
    if not current_user.is_authenticated:
        return {}
    return service.insight_counts_by_code(current_user)


@bp.app_template_global()
def recent_session_insights(limit: int = 10) -> list[service.InsightView]:
    if not current_user.is_authenticated:
        return []
    return service.recent_insights(current_user, limit)
