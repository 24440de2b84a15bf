"""Workshop versions: the researcher's review, the teller's approval, the host's reading, the registry."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from storybank import guard
from storybank.archive.render import render_markdown
from storybank.archive.render_marked import render_marked
from storybank.deid import approval, decisions, hosts, listing
from storybank.deid import detect as detection
from storybank.deid.registry import NEW_LABEL, PLACEHOLDER, TYPE_LABELS
from storybank.errors import InvalidInput
from storybank.web.forms import EmptyForm

bp = Blueprint("workshop", __name__)


def _page(number: object) -> int:
    try:
        return max(1, min(int(str(number)), 10000))
    except ValueError:
        return 1


# --- researchers -----------------------------------------------------------------------------------------


@bp.get("/research/workshop")
@guard.requires("workshop.prepare")
def queue() -> str:
    status = request.args.get("status") or None
    data = listing.queue(current_user, status, _page(request.args.get("page", 1)))
    return render_template("workshop/queue.html", data=data)


def _review_page(story_id: int, error: str | None = None, entered: dict | None = None) -> tuple[str, int]:
    view = decisions.review(current_user, story_id)
    return render_template(
        "workshop/review.html", view=view, form=EmptyForm(), error=error, entered=entered or {},
        type_labels=TYPE_LABELS, new_label=NEW_LABEL, placeholders=PLACEHOLDER, has_model=detection.has_model(),
        preview_html=render_markdown(view.preview_body),
    ), 400 if error else 200


@bp.get("/research/stories/<int:story_id>/workshop")
@guard.requires("workshop.prepare")
def review(story_id: int) -> object:
    return _review_page(story_id)


def _act(story_id: int, action: object, done: str) -> object:
    if not EmptyForm().validate_on_submit():
        return _review_page(story_id, "The form expired. Please try again.")
    try:
        result = action()
    except InvalidInput as err:
        return _review_page(story_id, err.message, dict(request.form))
    flash(done.format(result=result) if isinstance(done, str) else done)
    anchor = request.form.get("next_anchor", "")
    return redirect(url_for("workshop.review", story_id=story_id) + (f"#{anchor}" if anchor.isidentifier() else ""))


@bp.post("/research/stories/<int:story_id>/workshop/decide")
@guard.requires("workshop.prepare")
def decide(story_id: int) -> object:
    f = request.form
    return _act(story_id, lambda: decisions.decide(
        current_user, story_id, f.get("span_id"), f.get("decision"), f.get("replacement", ""),
        f.get("descriptor", ""), f.get("type") or None), "Decision saved.")


@bp.post("/research/stories/<int:story_id>/workshop/add")
@guard.requires("workshop.prepare")
def add(story_id: int) -> object:
    f = request.form
    return _act(story_id, lambda: decisions.add_identifier(
        current_user, story_id, f.get("text"), f.get("type"), f.get("replacement", ""), f.get("descriptor", "")),
        "Marked {result} mention(s) to replace.")


@bp.post("/research/stories/<int:story_id>/workshop/accept-all")
@guard.requires("workshop.prepare")
def accept_all(story_id: int) -> object:
    return _act(story_id, lambda: decisions.accept_all(current_user, story_id),
                "Accepted {result} proposal(s) with their suggested replacements.")


@bp.post("/research/stories/<int:story_id>/workshop/detect")
@guard.requires("workshop.prepare")
def detect(story_id: int) -> object:
    return _act(story_id, lambda: decisions.redetect(current_user, story_id),
                "Ran detection again: {result} new proposal(s); your decisions were kept.")


@bp.post("/research/stories/<int:story_id>/workshop/send")
@guard.requires("workshop.prepare")
def send(story_id: int) -> object:
    def action() -> str:
        version = approval.send(current_user, story_id, request.form.get("approved_on_behalf") == "yes")
        return ("approved on the storyteller's behalf: hosts can now read it" if version.status == "approved"
                else "sent to the storyteller for approval")
    return _act(story_id, action, "The workshop version was {result}.")


@bp.post("/research/stories/<int:story_id>/workshop/reopen")
@guard.requires("workshop.prepare")
def reopen(story_id: int) -> object:
    return _act(story_id, lambda: approval.reopen(current_user, story_id),
                "Reopened for review: hosts cannot read this story until it is approved again.")


@bp.get("/research/registry")
@guard.requires("registry.read")
def registry_page() -> str:
    data = listing.registry_entries(current_user, request.args.get("q", ""), _page(request.args.get("page", 1)))
    log = listing.log_entries(current_user, _page(request.args.get("log_page", 1)))
    return render_template("workshop/registry.html", data=data, log=log, type_labels=TYPE_LABELS)


# --- storytellers ----------------------------------------------------------------------------------------


def _teller_page(story_id: int, error: str | None = None) -> tuple[str, int]:
    view = approval.teller_view(current_user, story_id)
    before = render_marked(((seg.text, seg.span is not None) for seg in view.before), "marked")
    after = render_marked(((seg.text, seg.span is not None) for seg in view.after), "replaced")
    return render_template("workshop/teller.html", view=view, form=EmptyForm(), error=error, before_html=before,
                           after_html=after, message=request.form.get("message", "")), 400 if error else 200


@bp.get("/stories/<int:story_id>/workshop")
@guard.requires("workshop.review_own")
def teller(story_id: int) -> object:
    return _teller_page(story_id)


@bp.post("/stories/<int:story_id>/workshop/approve")
@guard.requires("workshop.review_own")
def teller_approve(story_id: int) -> object:
    if not EmptyForm().validate_on_submit():
        return _teller_page(story_id, "The form expired. Please try again.")
    try:
        approval.teller_approve(current_user, story_id)
    except InvalidInput as err:
        return _teller_page(story_id, err.message)
    flash("Thank you. Workshop hosts can now read this version of your story. You can ask for changes at any time.")
    return redirect(url_for("workshop.teller", story_id=story_id))


@bp.post("/stories/<int:story_id>/workshop/changes")
@guard.requires("workshop.review_own")
def teller_changes(story_id: int) -> object:
    if not EmptyForm().validate_on_submit():
        return _teller_page(story_id, "The form expired. Please try again.")
    try:
        approval.teller_request_changes(current_user, story_id, request.form.get("message"))
    except InvalidInput as err:
        return _teller_page(story_id, err.message)
    flash("Your message was sent to the research team. No host can read this story until you approve a new version.")
    return redirect(url_for("workshop.teller", story_id=story_id))


# --- hosts -----------------------------------------------------------------------------------------------


@bp.get("/workshop/stories/<int:story_id>")
@guard.requires("workshop.read")
def read(story_id: int) -> str:
    story, version = hosts.host_version(current_user, story_id)
    return render_template("workshop/read.html", story=story, version=version,
                           html=render_markdown(version.body or ""))
