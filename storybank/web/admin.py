"""Administrators: accounts and roles, consent-form versions, the audit log."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from storybank import guard
from storybank.accounts.services import create_user, get_user, list_users, update_user
from storybank.archive.consent import all_forms, current_form, publish_form
from storybank.archive.render import render_markdown
from storybank.audit.service import known_actions, list_events
from storybank.errors import DomainError
from storybank.policy import ROLE_LABELS
from storybank.web.forms import ConsentFormTextForm, UserForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/users")
@guard.requires("admin.users")
def users() -> str:
    return render_template("admin/users.html", users=list_users(), role_labels=ROLE_LABELS)


@bp.route("/users/new", methods=["GET", "POST"])
@guard.requires("admin.users")
def new_user() -> object:
    form = UserForm()
    error = None
    if form.validate_on_submit():
        try:
            user = create_user(current_user, form.email.data, form.password.data, form.roles.data or [],
                               form.display_name.data or "")
        except DomainError as err:
            error = err.message
        else:
            flash(f"Account {user.email} created.")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, error=error, user=None), 200 if error is None else 400


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@guard.requires("admin.users")
def edit_user(user_id: int) -> object:
    user = get_user(user_id)
    form = UserForm(data={"email": user.email, "display_name": user.display_name, "roles": sorted(user.roles),
                          "active": user.active} if request.method == "GET" else None)
    error = None
    if form.validate_on_submit():
        try:
            update_user(current_user, user_id, form.roles.data or [], bool(form.active.data), form.display_name.data)
        except DomainError as err:
            error = err.message
        else:
            flash(f"Account {user.email} updated.")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, error=error, user=user), 200 if error is None else 400


@bp.route("/consent-forms", methods=["GET", "POST"])
@guard.requires("admin.consent_forms")
def consent_forms() -> object:
    form = ConsentFormTextForm()
    error = None
    if form.validate_on_submit():
        try:
            published = publish_form(current_user, form.text.data or "")
        except DomainError as err:
            error = err.message
        else:
            flash(f"Consent form version {published.version} is now the one storytellers agree to.")
            return redirect(url_for("admin.consent_forms"))
    current_form()
    forms = all_forms()
    if request.method == "GET" and forms:
        form.text.data = forms[0].text
    return render_template("admin/consent_forms.html", form=form, forms=forms, render=render_markdown,
                           error=error), 200 if error is None else 400


@bp.get("/audit")
@guard.requires("admin.audit")
def audit() -> str:
    action = request.args.get("action") or None
    story_id = request.args.get("story", type=int)
    page = request.args.get("page", 1, type=int) or 1
    events, total = list_events(action=action, story_id=story_id, page=page)
    return render_template("admin/audit.html", events=events, total=total, page=page, per_page=50,
                           action=action, story_id=story_id, actions=known_actions())
