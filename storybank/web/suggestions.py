"""Suggestions on the coding page (accept, reject, bring back) and the suggestion model's page (retrain)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from storybank import guard, policy, tx
from storybank.coding import suggest, suggest_classifier
from storybank.coding.codebook import get_code
from storybank.coding.suggest_lemmas import lemmatiser
from storybank.errors import DomainError, InvalidInput
from storybank.web.coding_panels import panels_response, step, wants_json
from storybank.web.forms import EmptyForm

bp = Blueprint("suggestions", __name__)


def _back(story_id: int, index: object = None) -> str:
    url = url_for("coding.code_story", story_id=story_id, blind=request.form.get("blind") or None)
    try:
        at = max(0, int(str(index)))
    except ValueError:
        return url + "#suggestions"
    return url + f"#suggestion-{at}"


@bp.post("/research/stories/<int:story_id>/suggestions")
@guard.requires("suggest.use")
def decide(story_id: int) -> object:
    policy.get_story(current_user, story_id, "research")  # a story the user may not see is 404 before anything else
    form = EmptyForm()
    index = request.form.get("index")
    if not form.validate_on_submit():
        return redirect(_back(story_id, index))
    blind = request.form.get("blind", "") != "0"
    try:
        form_values = [request.form.get(name) for name in ("code_id", "start", "end", "decision", "revision_id")]
        _decision, coding, _new = suggest.decide(current_user, story_id, *form_values)
    except DomainError as err:  # a stale page: say why and show the fresh suggestions
        if wants_json():
            tx.rollback()
            return panels_response(story_id, blind, err.message, error=True)
        flash(err.message)
        return redirect(_back(story_id, index))
    message = "Accepted: now one of your codings." if coding else "Rejected: it will not be suggested to you again."
    if wants_json():
        fields = {name: request.form.get(name) for name in ("code_id", "start", "end")}
        fields["blind"] = "" if blind else "0"
        code = get_code(fields["code_id"]).name
        return panels_response(story_id, blind, message, [step("suggestions.undo", fields, story_id=story_id)],
                               f"{'accepting' if coding else 'rejecting'} {code}", focus=f"suggestion-{index}")
    flash(message)
    return redirect(_back(story_id, index))


@bp.post("/research/stories/<int:story_id>/suggestions/undo")
@guard.requires("suggest.use")
def undo(story_id: int) -> object:
    """Take a decision back: the suggestion is open again (an accepted one's coding is removed)."""
    policy.get_story(current_user, story_id, "research")
    blind = request.form.get("blind", "") != "0"
    if not EmptyForm().validate_on_submit():
        raise InvalidInput("This form has expired. Reload the page and try again.")
    verdict = suggest.undo_decision(current_user, story_id, *(request.form.get(n) for n in ("code_id", "start", "end")))
    message = f"Undone: the suggestion you {verdict} is open again."
    if wants_json():
        return panels_response(story_id, blind, message)
    flash(message)
    return redirect(_back(story_id))


@bp.post("/research/stories/<int:story_id>/suggestions/restore")
@guard.requires("suggest.use")
def restore(story_id: int) -> object:
    policy.get_story(current_user, story_id, "research")
    if EmptyForm().validate_on_submit():
        count = suggest.restore_rejected(current_user, story_id)
        message = f"Brought back {count} rejected {'suggestion' if count == 1 else 'suggestions'}."
        if wants_json():
            return panels_response(story_id, request.form.get("blind", "") != "0", message)
        flash(message)
    return redirect(_back(story_id))


@bp.get("/codebook/suggestions")
@guard.requires("suggest.use")
def model_page() -> str:
    return render_template("codebook/suggestions.html", status=suggest.model_status(current_user), form=EmptyForm(),
                           lemmas=lemmatiser().description)


@bp.post("/codebook/suggestions/train")
@guard.requires("suggest.train")
def train() -> object:
    form = EmptyForm()
    back = request.form.get("next") or ""
    target = back if back.startswith("/") and not back.startswith("//") else url_for("suggestions.model_page")
    if not form.validate_on_submit():
        return redirect(target)
    try:
        training = suggest_classifier.train(current_user)
    except DomainError as err:
        flash(err.message)
        return redirect(target)
    flash(f"Retrained the suggestion model on {training.examples} sentences from {training.story_count} "
          f"{'story' if training.story_count == 1 else 'stories'} ({len(training.labels)} codes, "
          f"{training.seconds:.1f} s).")
    return redirect(target)
