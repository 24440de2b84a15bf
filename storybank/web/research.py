"""Researchers: browse research-consented stories, enter a story on someone's behalf."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from storybank import guard, mail
from storybank.archive.claims import create_claim_link
from storybank.archive.claims import email_claim_link as email_claim
from storybank.archive.models import KIND_LABELS
from storybank.archive.stories import browse, enter_on_behalf, facet_counts
from storybank.errors import InvalidInput
from storybank.web.drafts import draft_from_form, prepare_story_form, story_form_page
from storybank.web.forms import EmptyForm, StoryForm

bp = Blueprint("research", __name__, url_prefix="/research")
PER_PAGE = 25


@bp.get("/stories")
@guard.requires("story.browse")
def stories() -> str:
    kind = request.args.get("kind") or None
    site = request.args.get("site") or None
    page = request.args.get("page", 1, type=int) or 1
    rows, total = browse(current_user, kind=kind, site=site, page=page, per_page=PER_PAGE)
    return render_template(
        "research/stories.html", stories=rows, total=total, page=page, per_page=PER_PAGE,
        kind=kind, site=site, facets=facet_counts(current_user), kind_labels=KIND_LABELS,
    )


@bp.route("/enter", methods=["GET", "POST"])
@guard.requires("story.enter_on_behalf")
def enter() -> object:
    form = StoryForm()
    prepare_story_form(form)
    if request.method == "GET":
        form.collection_method.data = "interview"
    error = None
    if form.validate_on_submit():
        try:
            story = enter_on_behalf(current_user, draft_from_form(form))
            _, token = create_claim_link(current_user, story.id)
        except InvalidInput as err:
            error = err.message
        else:
            return _claim_link_page(story, token)
    elif request.method == "POST":
        error = "The form could not be read. Please try again."
    return story_form_page(form, error, on_behalf=True)


@bp.post("/stories/<int:story_id>/claim-link")
@guard.requires("story.enter_on_behalf")
def new_claim_link(story_id: int) -> object:
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("stories.show", story_id=story_id))
    story, token = create_claim_link(current_user, story_id)
    flash("A new claim link was made; any earlier link no longer works.")
    return _claim_link_page(story, token)


def _claim_link_page(story: object, token: str) -> str:
    """Links come from STORYBANK_BASE_URL, never from the Host header of the request."""
    return render_template("research/claim_link.html", story=story, token=token,
                           link=mail.link("auth.claim", token=token), days=current_app.config["CLAIM_LINK_DAYS"])


@bp.post("/stories/<int:story_id>/claim-link/email")
@guard.requires("story.enter_on_behalf")
def email_claim_link(story_id: int) -> object:
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("stories.show", story_id=story_id))
    if email_claim(current_user, story_id, request.form.get("token", ""), request.form.get("email", "")):
        flash("The claim link is on its way to the teller.")
    else:
        flash("This storybank cannot send e-mail: give the link to the teller yourself.")
    return redirect(url_for("stories.show", story_id=story_id))
