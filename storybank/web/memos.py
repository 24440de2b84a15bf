"""Memos: the list, its CSV, and writing, editing and deleting a memo."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from storybank import guard
from storybank.coding import memos as memo_service
from storybank.errors import InvalidInput
from storybank.web.coding_panels import blind_from_form, panels_response, step, wants_json
from storybank.web.forms import EmptyForm

bp = Blueprint("memos", __name__)


@bp.get("/memos")
@guard.requires("codebook.view")
def memos() -> str:
    text = request.args.get("q", "")[:200]
    rows = [(memo, *memo_service.describe(memo)) for memo in memo_service.list_memos(current_user, text)]
    return render_template("codebook/memos.html", rows=rows, q=text, form=EmptyForm())


@bp.get("/memos.csv")
@guard.requires("codebook.view")
def memos_csv() -> Response:
    data = memo_service.memos_csv(current_user, request.args.get("q", "")[:200])
    return Response(data, mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=storybank-memos.csv"})


@bp.post("/memos")
@guard.requires("memo.write")
def add_memo() -> object:
    form = EmptyForm()
    back = _safe_back(request.form.get("next"))
    if form.validate_on_submit():
        memo = memo_service.add_memo(current_user, request.form.get("text"), coding_id=request.form.get("coding_id"),
                                     story_id=request.form.get("story_id"), code_id=request.form.get("code_id"))
        story_id = request.form.get("panel_story", type=int)
        if story_id and wants_json():  # sent in place from the coding page: its parts, and how to undo
            blind = blind_from_form()
            undo = [step("memos.delete_memo", {"blind": "" if blind else "0", "panel_story": story_id},
                         memo_id=memo.id)]
            return panels_response(story_id, blind, "Memo saved.", undo, "the memo", focus=f"memo-{memo.id}")
        flash("Memo saved.")
    elif wants_json():
        raise InvalidInput("This form has expired. Reload the page and try again.")
    return redirect(back)


@bp.post("/memos/<int:memo_id>")
@guard.requires("memo.write")
def edit_memo(memo_id: int) -> object:
    form = EmptyForm()
    if form.validate_on_submit():
        memo_service.update_memo(current_user, memo_id, request.form.get("text"))
        flash("Memo updated.")
    return redirect(_safe_back(request.form.get("next")))


@bp.post("/memos/<int:memo_id>/delete")
@guard.requires("memo.write")
def delete_memo(memo_id: int) -> object:
    form = EmptyForm()
    if form.validate_on_submit():
        memo_service.delete_memo(current_user, memo_id)
        story_id = request.form.get("panel_story", type=int)
        if story_id and wants_json():
            return panels_response(story_id, blind_from_form(), "Memo deleted.")
        flash("Memo deleted.")
    return redirect(_safe_back(request.form.get("next")))


def _safe_back(target: str | None) -> str:
    """Only paths on this site: never an open redirect."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("memos.memos")
