"""The story form: turned into a StoryDraft (tellers and researchers), and kept as a draft while a teller writes."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from storybank import guard
from storybank.accounts.models import User
from storybank.archive.consent import current_form
from storybank.archive.drafts import save_draft
from storybank.archive.render import render_markdown
from storybank.archive.teller_models import SavedDraft
from storybank.archive.validation import StoryDraft
from storybank.errors import DomainError
from storybank.web.forms import LoginForm, StoryForm, options


def prepare_story_form(form: StoryForm) -> None:
    sites = current_app.config.get("SITES", [])
    form.site.choices = options([("", "Rather not say"), *((s, s) for s in sites)])


def story_form_page(form: StoryForm, error: str | None, on_behalf: bool,
                    notice: str | None = None) -> tuple[str, int]:
    """The story form (a teller's own, or a researcher's on someone's behalf) with the current consent text."""
    consent_form = current_form()
    form.form_version.data = str(consent_form.version)
    return render_template(
        "stories/new.html", form=form, consent_form=consent_form, consent_html=render_markdown(consent_form.text),
        error=error, on_behalf=on_behalf, notice=notice,
    ), 200 if error is None else 400


def draft_from_form(form: StoryForm) -> StoryDraft:
    return StoryDraft(
        title=form.title.data or "",
        body=form.body.data or "",
        kind=form.kind.data or "",
        site=form.site.data or "",
        storyteller_role=form.storyteller_role.data or "",
        collection_method=form.collection_method.data or "written",
        collected_by=form.collected_by.data or "",
        collected_on=form.collected_on.data,
        signifiers={
            "about": form.about.data or [],
            "help_from": form.help_from.data or None,
            "felt_heard": form.felt_heard.data or None,
        },
        consent={"research": bool(form.research.data), "workshop": bool(form.workshop.data),
                 "publication": bool(form.publication.data)},
        attribution=form.attribution.data or "",
        form_version=form.form_version.data or None,
    )


# --- drafts saved as the teller types, and text carried through a new sign-in -------------------------------

bp = Blueprint("drafts", __name__)

STORY_FORMS = {"stories.new", "stories.edit"}
NOT_KEPT = {"csrf_token", "title", "body", "form_version"}


def _fields_of(form: MultiDict) -> dict[str, list[str]]:
    return {name: form.getlist(name) for name in form if name not in NOT_KEPT}


def _saved(draft: SavedDraft | None) -> Response:
    return jsonify({"saved": draft is not None,
                    "saved_at": draft.updated_at.strftime("%H:%M") + " UTC" if draft is not None else None})


@bp.post("/stories/new/draft")
@guard.requires("story.tell")
def save_new() -> Response:
    return _saved(save_draft(current_user, None, request.form.get("title"), request.form.get("body"),
                             _fields_of(request.form)))


@bp.post("/stories/<int:story_id>/draft")
@guard.requires("story.own")
def save_revision(story_id: int) -> Response:
    return _saved(save_draft(current_user, story_id, request.form.get("title"), request.form.get("body")))


def story_form_data(draft: SavedDraft) -> MultiDict:
    """A draft as form data, so the form shows exactly what the teller had chosen."""
    data = MultiDict()
    for name, values in (draft.fields or {}).items():
        for value in values:
            data.add(name, value)
    data["title"], data["body"] = draft.title, draft.body
    return data


def draft_notice(draft: SavedDraft | None) -> str | None:
    if draft is None:
        return None
    when = draft.updated_at
    return (f"This is the draft you were writing, kept on {when.day} {when:%B %Y} at {when:%H:%M} UTC. "
            "Only you can see it; saving the story clears it.")


def keep_unsent_story() -> object | None:
    """A story form posted after the session or its token had expired: never lose the text.

    Still signed in: the text becomes the draft and the form comes back with it. Signed out:
    the sign-in page carries the text in hidden fields, and signing in makes it the draft.
    """
    if request.method != "POST" or request.endpoint not in STORY_FORMS:
        return None
    story_id = (request.view_args or {}).get("story_id")
    if current_user.is_authenticated:
        try:
            save_draft(current_user, story_id, request.form.get("title"), request.form.get("body"),
                       _fields_of(request.form) if story_id is None else None)
        except DomainError:
            return None
        flash("The form had expired, so your text was kept as a draft. Check it and press Save again.")
        return redirect(request.path)
    carried = [(name, value) for name in request.form if name not in ("csrf_token", "form_version")
               for value in request.form.getlist(name)]
    form = LoginForm(next=request.path)
    return render_template("login.html", form=form, carried=carried, error=(
        "You were signed out before your story was saved. Your text is safe: sign in again and it will be "
        "back in the form.")), 401


def restore_carried(user: User, form: MultiDict, next_path: str) -> None:
    """After signing in: text carried through the sign-in page becomes the teller's draft for that form."""
    carried = MultiDict([(name[6:], value) for name in form if name.startswith("carry-")
                         for value in form.getlist(name)])
    if not carried:
        return
    story_id = None
    if next_path != url_for("stories.new"):
        parts = next_path.strip("/").split("/")
        if len(parts) != 3 or parts[0] != "stories" or parts[2] != "edit" or not parts[1].isdigit():
            return
        story_id = int(parts[1])
    try:
        save_draft(user, story_id, carried.get("title"), carried.get("body"),
                   _fields_of(carried) if story_id is None else None)
    except DomainError:
        return  # signed in as someone who may not write this story: the text stays on the page they left
