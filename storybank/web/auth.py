"""Signing in and out, and claiming a story from a one-time link."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from storybank import guard
from storybank.accounts.services import authenticate, create_user
from storybank.archive.claims import claim_story, find_invitation
from storybank.errors import DomainError
from storybank.extensions import limiter
from storybank.web.drafts import restore_carried
from storybank.web.forms import ClaimSignupForm, EmptyForm, LoginForm

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site paths: a login link must not bounce people elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("main.home")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@guard.public
@limiter.limit(_login_limit, methods=["POST"])
def login() -> object:
    form = LoginForm(next=request.args.get("next", ""))
    error = None
    if form.validate_on_submit():
        user = authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            login_user(user)
            restore_carried(user, request.form, _safe_next(form.next.data))  # a story typed before sign-in
            return redirect(_safe_next(form.next.data))
        error = "That email and password do not match an active account."
    return render_template("login.html", form=form, error=error), 200 if error is None else 401


@bp.post("/logout")
@guard.signed_in
def logout() -> object:
    if EmptyForm().validate_on_submit():
        logout_user()
    return redirect(url_for("main.home"))


@bp.get("/claim/<token>")
@guard.public
def claim(token: str) -> object:
    invitation = find_invitation(token)
    return render_template(
        "claim.html", token=token, invitation=invitation, form=EmptyForm(), signup=ClaimSignupForm(),
        user=current_user,
    )


@bp.post("/claim/<token>")
@guard.signed_in
def claim_confirm(token: str) -> object:
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("auth.claim", token=token))
    story = claim_story(current_user, token)
    flash("The story is now yours. You can read it, change your consent or withdraw it at any time.")
    return redirect(url_for("stories.show", story_id=story.id))


@bp.post("/claim/<token>/signup")
@guard.public
@limiter.limit(_login_limit)
def claim_signup(token: str) -> object:
    find_invitation(token)
    form = ClaimSignupForm()
    if not form.validate_on_submit():
        return redirect(url_for("auth.claim", token=token))
    try:
        user = create_user(None, form.email.data, form.password.data, ["storyteller"], form.display_name.data or "")
        story = claim_story(user, token)
    except DomainError as err:
        invitation = find_invitation(token)
        return render_template(
            "claim.html", token=token, invitation=invitation, form=EmptyForm(), signup=form,
            user=current_user, error=err.message,
        ), err.status
    login_user(user)
    flash("Your account is ready and the story is now yours.")
    return redirect(url_for("stories.show", story_id=story.id))
