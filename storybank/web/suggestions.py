"""Suggestions on the coding page (accept, reject, bring back) and the suggestion model's page (retrain)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from storybank import guard, policy
from storybank.coding import suggest, suggest_classifier
from storybank.coding.suggest_lemmas import lemmatiser
from storybank.errors import DomainError
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
    try:
        form_values = [request.form.get(name) for name in ("code_id", "start", "end", "decision", "revision_id")]
        _decision, coding, _new = suggest.decide(current_user, story_id, *form_values)
    except DomainError as err:  # a stale page: say why and show the fresh suggestions
        flash(err.message)
        return redirect(_back(story_id, index))
    flash("Accepted: now one of your codings." if coding else "Rejected: it will not be suggested to you again.")
    return redirect(_back(story_id, index))


@bp.post("/research/stories/<int:story_id>/suggestions/restore")
@guard.requires("suggest.use")
def restore(story_id: int) -> object:
    policy.get_story(current_user, story_id, "research")
    if EmptyForm().validate_on_submit():
        count = suggest.restore_rejected(current_user, story_id)
        flash(f"Brought back {count} rejected {'suggestion' if count == 1 else 'suggestions'}.")
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
