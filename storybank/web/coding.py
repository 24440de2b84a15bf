"""The coding page: reading a story for research, applying and removing codings, comparing coders."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from storybank import guard, policy
from storybank.coding import codebook as books
from storybank.coding.coding_view import coding_view
from storybank.coding.codings import apply_coding, remove_coding
from storybank.coding.compare import compare_coders
from storybank.coding.suggest import suggestions_for
from storybank.errors import InvalidInput
from storybank.web.forms import EmptyForm

bp = Blueprint("coding", __name__)


@bp.get("/research/stories/<int:story_id>/code")
@guard.requires("story.code")
def code_story(story_id: int) -> str:
    blind = request.args.get("blind", "1") != "0"
    view = coding_view(current_user, story_id, blind=blind)
    return render_template("codebook/code_story.html", view=view, blind=blind, form=EmptyForm(),
                           tree=books.tree(), suggestions=suggestions_for(current_user, story_id, blind))


@bp.get("/research/stories/<int:story_id>/compare")
@guard.requires("story.code")
def compare(story_id: int) -> tuple[str, int]:
    try:
        comparison = compare_coders(current_user, story_id, request.args.get("a"), request.args.get("b"))
    except InvalidInput as err:
        comparison = compare_coders(current_user, story_id)
        return render_template("codebook/compare.html", c=comparison, error=err.message), 400
    return render_template("codebook/compare.html", c=comparison), 200


@bp.post("/research/stories/<int:story_id>/codings")
@guard.requires("story.code")
def add_coding(story_id: int) -> object:
    policy.get_story(current_user, story_id, "research")  # a story the user may not see is 404 before any 400
    form = EmptyForm()
    back = url_for("coding.code_story", story_id=story_id, blind=request.form.get("blind") or None)
    if not form.validate_on_submit():
        return redirect(back)
    whole = request.form.get("whole") == "1"
    start = None if whole else request.form.get("start")
    end = None if whole else request.form.get("end")
    if not whole and (not start or not end):
        raise InvalidInput("Select some text first, or choose “Code the whole story”.")
    code_ids = request.form.getlist("code_id")
    if not code_ids:
        raise InvalidInput("Choose a code to apply.")
    for code_id in code_ids:
        apply_coding(current_user, story_id, code_id, start, end)
    flash("Coded." if len(code_ids) == 1 else f"Applied {len(code_ids)} codes.")
    return redirect(back)


@bp.post("/research/codings/<int:coding_id>/delete")
@guard.requires("story.code")
def delete_coding(coding_id: int) -> object:
    form = EmptyForm()
    story_id = request.form.get("story_id", type=int)
    if form.validate_on_submit():
        remove_coding(current_user, coding_id)
        flash("Coding removed.")
    if story_id:
        return redirect(url_for("coding.code_story", story_id=story_id))
    return redirect(url_for("codebook.index"))
