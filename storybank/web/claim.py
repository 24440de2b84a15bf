"""Claiming a story from a one-time link, signing up to do so (routes on the auth blueprint)."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_user

from storybank import guard, mail
from storybank.accounts.sessions import account_key, account_limit, address_key, address_limit
from storybank.accounts.signup import confirm_signup, find_pending, sign_up_to_claim
from storybank.archive.claims import claim_story, find_invitation
from storybank.errors import DomainError
from storybank.extensions import limiter
from storybank.web.auth import bp
from storybank.web.forms import ClaimSignupForm, EmptyForm


def _page(token: str, signup: ClaimSignupForm, error: str | None = None, sent: bool = False) -> str:
    return render_template("claim.html", token=token, invitation=find_invitation(token), form=EmptyForm(),
                           signup=signup, user=current_user, error=error, sent=sent, mail_on=mail.configured())


@bp.get("/claim/<token>")
@guard.public
def claim(token: str) -> object:
    return _page(token, ClaimSignupForm())


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
@limiter.limit(account_limit, key_func=account_key)
@limiter.limit(address_limit, key_func=address_key)
def claim_signup(token: str) -> object:
    find_invitation(token)
    form = ClaimSignupForm()
    if not form.validate_on_submit():
        return redirect(url_for("auth.claim", token=token))
    try:
        made = sign_up_to_claim(token, form.email.data, form.password.data, form.display_name.data or "")
    except DomainError as err:
        return _page(token, form, error=err.message), err.status
    if made is None:  # mail is on: the same answer for every address
        return _page(token, ClaimSignupForm(), sent=True)
    user, story = made
    login_user(user)
    flash("Your account is ready and the story is now yours.")
    return redirect(url_for("stories.show", story_id=story.id))


@bp.route("/signup/<token>", methods=["GET", "POST"])
@guard.public
def signup_confirm(token: str) -> object:
    find_pending(token)  # an old or used link answers 410
    form = EmptyForm()
    if form.validate_on_submit():
        user, story = confirm_signup(token)
        login_user(user)
        flash("Your account is ready and the story is now yours.")
        return redirect(url_for("stories.show", story_id=story.id))
    return render_template("account/signup_confirm.html", form=form)
