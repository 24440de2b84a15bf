"""Signing in (with a second step for two-factor accounts) and out, and getting back in with a reset link."""
from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from storybank import guard, mail
from storybank.accounts import two_factor as totp
from storybank.accounts.models import User
from storybank.accounts.passwords import end_other_sessions, find_reset, use_reset
from storybank.accounts.recovery import request_reset
from storybank.accounts.services import authenticate
from storybank.accounts.sessions import account_key, account_limit, address_key, address_limit, failed, reset_limit
from storybank.errors import DomainError
from storybank.extensions import db, limiter
from storybank.web.account_forms import CodeForm, ForgotForm, ResetForm
from storybank.web.drafts import restore_carried
from storybank.web.forms import EmptyForm, LoginForm

bp = Blueprint("auth", __name__)
SECOND_STEP_SECONDS = 300
MISMATCH = "That email and password do not match an active account."


def _safe_next(target: str | None) -> str:
    """Only same-site paths: a login link must not bounce people elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("main.home")


def sign_in(user: User, target: str | None) -> object:
    session.pop("two_factor", None)
    login_user(user)
    return redirect(_safe_next(target))


def _limited(fn: object) -> object:
    """Failures (401) count per account and, with a higher bound, per address."""
    fn = limiter.limit(account_limit, key_func=account_key, methods=["POST"], deduct_when=failed)(fn)
    return limiter.limit(address_limit, key_func=address_key, methods=["POST"], deduct_when=failed)(fn)


@bp.route("/login", methods=["GET", "POST"])
@guard.public
@_limited
def login() -> object:
    form = LoginForm(next=request.args.get("next", ""))
    error = None
    if form.validate_on_submit():
        user = authenticate(form.email.data or "", form.password.data or "")
        if user is not None and user.two_factor:
            session["two_factor"] = {"uid": user.id, "v": user.session_version, "next": form.next.data or "",
                                     "at": int(time.time())}
            return redirect(url_for("auth.two_factor"))
        if user is not None:
            restore_carried(user, request.form, _safe_next(form.next.data))  # a story typed before sign-in
            return sign_in(user, form.next.data)
        error = MISMATCH
    return render_template("login.html", form=form, error=error), 200 if error is None else 401


def _pending_user() -> User | None:
    pending = session.get("two_factor") or {}
    if not pending or int(time.time()) - int(pending.get("at", 0)) > SECOND_STEP_SECONDS:
        return None
    user = db.session.get(User, int(pending.get("uid", 0)))
    if user is None or not user.active or user.session_version != pending.get("v") or not user.two_factor:
        return None
    return user


@bp.route("/login/two-factor", methods=["GET", "POST"])
@guard.public
@_limited
def two_factor() -> object:
    user = _pending_user()
    if user is None:
        session.pop("two_factor", None)
        flash("Sign in again: the second step waits five minutes at most.")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    error = None
    if form.validate_on_submit():
        if totp.verify(user, form.code.data or ""):
            return sign_in(user, session["two_factor"].get("next"))
        error = "That code is not right. Type the six digits your app shows now, or one of your recovery codes."
    return render_template("account/two_factor_login.html", form=form, error=error), 200 if error is None else 401


@bp.post("/logout")
@guard.signed_in
def logout() -> object:
    if EmptyForm().validate_on_submit():
        end_other_sessions(current_user)  # a copy of this cookie (or any other) stops working too
        logout_user()
    return redirect(url_for("main.home"))


@bp.route("/forgot", methods=["GET", "POST"])
@guard.public
@limiter.limit(reset_limit, key_func=account_key, methods=["POST"])
@limiter.limit(address_limit, key_func=address_key, methods=["POST"])
def forgot() -> object:
    form = ForgotForm()
    sent = False
    if mail.configured() and form.validate_on_submit():
        request_reset(form.email.data)
        sent = True
    return render_template("account/forgot.html", form=form, sent=sent, mail_on=mail.configured())


@bp.route("/reset/<token>", methods=["GET", "POST"])
@guard.public
@limiter.limit(address_limit, key_func=address_key, methods=["POST"])
def reset(token: str) -> object:
    find_reset(token)  # an expired or used link answers 410 with what to do
    form = ResetForm()
    error = None
    if form.validate_on_submit():
        try:
            use_reset(token, form.password.data)
        except DomainError as err:
            error = err.message
        else:
            flash("Your password is changed, and every other session has ended. Sign in with the new password.")
            return redirect(url_for("auth.login"))
    return render_template("account/reset.html", form=form, error=error), 200 if error is None else 400
