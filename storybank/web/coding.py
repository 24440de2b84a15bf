"""The coding page: reading a story for research, applying and removing codings, comparing coders.

Each form here answers a redirect back to the page, or (asked for JSON by the page's script) the parts of
the page that changed and how to undo the action: see coding_panels.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from storybank import guard, policy
from storybank.coding.codings import apply_coding, remove_coding, visible_coding
from storybank.coding.compare import compare_coders
from storybank.coding.memos import add_memo
from storybank.coding.models import Memo
from storybank.errors import InvalidInput
from storybank.extensions import db
from storybank.web.coding_panels import blind_from_form, page_context, panels_response, step, wants_json
from storybank.web.forms import EmptyForm

bp = Blueprint("coding", __name__)


@bp.get("/research/stories/<int:story_id>/code")
@guard.requires("story.code")
def code_story(story_id: int) -> str:
    blind = request.args.get("blind", "1") != "0"
    return render_template("codebook/code_story.html", **page_context(story_id, blind))


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
    blind = blind_from_form()
    back = url_for("coding.code_story", story_id=story_id, blind=None if blind else 0)
    if not form.validate_on_submit():
        if wants_json():
            raise InvalidInput("This form has expired. Reload the page and try again.")
        return redirect(back)
    whole = request.form.get("whole") == "1"
    start = None if whole else request.form.get("start")
    end = None if whole else request.form.get("end")
    if not whole and (not start or not end):
        raise InvalidInput("Select some text first, or choose “Code the whole story”.")
    code_ids = request.form.getlist("code_id")
    if not code_ids:
        raise InvalidInput("Choose a code to apply.")
    made = [apply_coding(current_user, story_id, code_id, start, end) for code_id in code_ids]
    for coding in made:  # an undone removal brings back the coder's memos on it
        for text in request.form.getlist("memo"):
            add_memo(current_user, text, coding_id=coding.id)
    message = "Coded." if len(made) == 1 else f"Applied {len(made)} codes."
    if wants_json():
        undo = [step("coding.delete_coding", {"story_id": story_id, "blind": "" if blind else "0"},
                     coding_id=c.id) for c in made]
        label = ", ".join(c.code.name for c in made)
        return panels_response(story_id, blind, message, undo, f"coding {label}", focus=f"coding-{made[-1].id}")
    flash(message)
    return redirect(back)


@bp.post("/research/codings/<int:coding_id>/delete")
@guard.requires("story.code")
def delete_coding(coding_id: int) -> object:
    form = EmptyForm()
    story_id = request.form.get("story_id", type=int)
    blind = blind_from_form()
    if form.validate_on_submit():
        coding = visible_coding(current_user, coding_id)
        mine = [m.text for m in db.session.scalars(
            db.select(Memo).where(Memo.coding_id == coding.id, Memo.author_id == current_user.id).order_by(Memo.id))]
        fields: dict[str, object] = {"code_id": coding.code_id, "blind": "" if blind else "0", "memo": mine}
        if coding.start is None:
            fields["whole"] = "1"
        else:
            fields.update(start=coding.start, end=coding.end)
        name, story_id = coding.code.name, coding.story_id
        remove_coding(current_user, coding_id)
        message = "Coding removed." + (f" (with your {len(mine)} memo{'s' if len(mine) > 1 else ''} on it)"
                                       if mine else "")
        if wants_json():
            return panels_response(story_id, blind, message,
                                   [step("coding.add_coding", fields, story_id=story_id)], f"removing {name}")
        flash(message)
    elif wants_json():
        raise InvalidInput("This form has expired. Reload the page and try again.")
    if story_id:
        return redirect(url_for("coding.code_story", story_id=story_id, blind=None if blind else 0))
    return redirect(url_for("codebook.index"))
