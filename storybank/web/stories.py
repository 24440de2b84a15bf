"""The storyteller's own space: tell, read, revise, consent, withdraw, download."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from storybank import guard, policy
from storybank.archive.consent import change_consent, consent_dict, current_form
from storybank.archive.copies import CANNOT_RECALL, own_story_copies
from storybank.archive.drafts import discard_draft, get_draft
from storybank.archive.pages import ATTRIBUTION_WORDS, REMOVED_LABELS, open_story
from storybank.archive.render import render_markdown
from storybank.archive.stories import get_revision, revise_story, submit_story
from storybank.archive.takeout import export_my_data
from storybank.archive.withdrawal import withdraw_story
from storybank.deid.reading import states_of as workshop_states_of
from storybank.errors import Conflict, InvalidInput
from storybank.extensions import db
from storybank.web.drafts import (
    draft_from_form,
    draft_notice,
    prepare_story_form,
    story_form_data,
    story_form_page,
)
from storybank.web.forms import ConsentForm, EmptyForm, ReviseForm, StoryForm, WithdrawForm

bp = Blueprint("stories", __name__)


@bp.get("/stories")
@guard.requires("story.own")
def mine() -> str:
    stories = list(db.session.scalars(policy.own_stories(current_user)))
    return render_template("stories/mine.html", stories=stories, consent_dict=consent_dict,
                           workshop_states=workshop_states_of([s.id for s in stories]))


@bp.route("/stories/new", methods=["GET", "POST"])
@guard.requires("story.tell")
def new() -> object:
    kept = get_draft(current_user, None) if request.method == "GET" else None
    form = StoryForm(formdata=story_form_data(kept)) if kept is not None else StoryForm()
    prepare_story_form(form)
    error = None
    if form.validate_on_submit():
        try:
            story = submit_story(current_user, draft_from_form(form))
        except InvalidInput as err:
            error = err.message
        else:
            discard_draft(current_user, None)
            session["draft_done"] = f"new-{current_user.id}"  # the page after tells the tab to forget its copy
            flash("Thank you. Your story is saved, and only you can change what happens to it.")
            return redirect(url_for("stories.show", story_id=story.id))
    elif request.method == "POST":
        error = "The form could not be read. Please try again."
    return story_form_page(form, error, on_behalf=False, notice=draft_notice(kept))


@bp.get("/stories/<int:story_id>")
@guard.requires("story.read")
def show(story_id: int) -> str:
    view = open_story(current_user, story_id)
    story = view.story
    revision = story.current_revision
    return render_template(
        "stories/show.html", view=view, story=story, revision=revision,
        html=render_markdown(revision.body) if revision else "",
        consent=consent_dict(story.current_consent), removed_labels=REMOVED_LABELS,
        attribution_words=ATTRIBUTION_WORDS,
        button=EmptyForm(), workshop_state=workshop_states_of([story.id]).get(story.id),
        draft_done=session.pop("draft_done", None),
    )


@bp.route("/stories/<int:story_id>/edit", methods=["GET", "POST"])
@guard.requires("story.own")
def edit(story_id: int) -> object:
    story = policy.get_own_story(current_user, story_id)
    revision = story.current_revision
    kept = get_draft(current_user, story.id) if request.method == "GET" else None
    shown = kept or revision
    form = ReviseForm(data={"title": shown.title, "body": shown.body, "revision": revision.number}
                      if request.method == "GET" else None)
    error, status = None, 200
    if form.validate_on_submit():
        try:
            new = revise_story(current_user, story_id, form.title.data, form.body.data, form.revision.data)
        except (InvalidInput, Conflict) as err:
            error, status = err.message, err.status  # the teller's text stays in the form
        else:
            discard_draft(current_user, story.id)
            session["draft_done"] = f"story-{story.id}-{current_user.id}"
            flash(f"Saved as revision {new.number}.")
            return redirect(url_for("stories.show", story_id=story_id))
    return render_template("stories/edit.html", form=form, story=story, error=error, notice=draft_notice(kept),
                           ), status


@bp.get("/stories/<int:story_id>/revisions/<int:number>")
@guard.requires("story.own")
def revision(story_id: int, number: int) -> str:
    rev = get_revision(current_user, story_id, number)
    return render_template("stories/revision.html", story=rev.story, revision=rev, html=render_markdown(rev.body))


@bp.route("/stories/<int:story_id>/consent", methods=["GET", "POST"])
@guard.requires("story.own")
def consent(story_id: int) -> object:
    story = policy.get_own_story(current_user, story_id)
    current = consent_dict(story.current_consent)
    form = ConsentForm(data=current if request.method == "GET" else None)
    error = None
    if form.validate_on_submit():
        try:
            change_consent(current_user, story_id, {
                "research": form.research.data, "workshop": form.workshop.data,
                "publication": form.publication.data, "attribution": form.attribution.data,
                "form_version": form.form_version.data or None,
            })
        except InvalidInput as err:
            error = err.message
        else:
            flash("Your consent is updated. It applies from now on, for everyone.")
            return redirect(url_for("stories.show", story_id=story_id))
    form_version = current_form()
    form.form_version.data = str(form_version.version)
    return render_template(
        "stories/consent.html", form=form, story=story, consent=current, consent_form=form_version,
        consent_html=render_markdown(form_version.text), error=error,
    ), 200 if error is None else 400


@bp.route("/stories/<int:story_id>/withdraw", methods=["GET", "POST"])
@guard.requires("story.own")
def withdraw(story_id: int) -> object:
    story = policy.get_own_story(current_user, story_id, include_withdrawn=True)
    form = WithdrawForm()
    error = None
    if form.validate_on_submit():
        if not form.confirm.data:
            error = "Tick the box to confirm: withdrawing deletes your story's text for good."
        else:
            withdraw_story(current_user, story_id)  # a second click finds it withdrawn: same tombstone
            flash("Your story has been withdrawn. Its text is deleted; nobody can read it now.")
            return redirect(url_for("stories.show", story_id=story_id))
    if story.withdrawn:
        return redirect(url_for("stories.show", story_id=story_id))
    return render_template("stories/withdraw.html", form=form, story=story, error=error,
                           copies=own_story_copies(current_user, story_id), cannot_recall=CANNOT_RECALL,
                           ), 200 if error is None else 400


@bp.get("/me/export")
@guard.requires("story.own")
def export() -> Response:
    data = export_my_data(current_user)
    name = current_app.config.get("EXPORT_NAME", "storybank-my-data.zip")
    return Response(data, mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
