"""The signed-in person's own account: password, two-factor sign-in, API tokens, erasing the account."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from storybank import guard, mail, policy
from storybank.accounts import two_factor
from storybank.accounts.deletion import delete_account
from storybank.accounts.passwords import change_password
from storybank.accounts.recovery import admin_reset_link, admin_turn_off_two_factor
from storybank.accounts.tokens import create_token, list_tokens, revoke_token
from storybank.errors import DomainError
from storybank.web.account_forms import (
    ChangePasswordForm,
    CodeForm,
    DeleteAccountForm,
    TokenForm,
    TwoFactorSetupForm,
)
from storybank.web.admin import bp as admin_bp
from storybank.web.forms import EmptyForm

bp = Blueprint("account", __name__, url_prefix="/account")
# Pages an administrator who must still set up two-factor sign-in may reach.
SETUP_ENDPOINTS = {"account.two_factor_setup", "auth.logout", "static"}


@bp.before_app_request
def admins_set_up_two_factor() -> object:
    if (current_app.config.get("REQUIRE_ADMIN_2FA") and current_user.is_authenticated
            and policy.can(current_user, "admin.users") and not current_user.two_factor
            and request.endpoint not in SETUP_ENDPOINTS and not request.path.startswith("/api/")):
        flash("Administrators here must use two-factor sign-in: set it up to continue.")
        return redirect(url_for("account.two_factor_setup"))
    return None


@bp.app_context_processor
def mail_context() -> dict[str, bool]:
    return {"mail_on": mail.configured()}


def _page(error: str | None = None, status: int = 200, **forms: object) -> tuple[str, int]:
    return render_template(
        "account/index.html", password_form=forms.get("password_form") or ChangePasswordForm(), error=error,
        may_two_factor=policy.can(current_user, "account.two_factor"), code_form=CodeForm(),
        may_delete=policy.can(current_user, "account.delete"),
        codes_left=two_factor.recovery_codes_left(current_user) if current_user.two_factor else 0,
    ), status


@bp.get("")
@guard.signed_in
def index() -> object:
    return _page()


@bp.post("/password")
@guard.signed_in
def password() -> object:
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return redirect(url_for("account.index"))
    try:
        change_password(current_user, form.current.data, form.new.data)
    except DomainError as err:
        return _page(err.message, err.status, password_form=form)
    login_user(current_user)  # this session carries on under the new version; every other one has ended
    flash("Your password is changed. You have been signed out everywhere else.")
    return redirect(url_for("account.index"))


@bp.route("/two-factor", methods=["GET", "POST"])
@guard.requires("account.two_factor")
def two_factor_setup() -> object:
    form = TwoFactorSetupForm()
    error = None
    if form.validate_on_submit():
        try:
            codes = two_factor.enable(current_user, session.get("totp_setup"), form.code.data)
        except DomainError as err:
            error = err.message
        else:
            session.pop("totp_setup", None)
            return render_template("account/recovery_codes.html", codes=codes)
    if current_user.two_factor and error is None:
        return redirect(url_for("account.index"))
    secret = session.get("totp_setup") or two_factor.new_secret()
    session["totp_setup"] = secret
    uri = two_factor.provisioning_uri(current_user, secret)
    return render_template("account/two_factor_setup.html", form=form, secret=secret, qr=two_factor.qr_svg(uri),
                           error=error), 200 if error is None else 400


@bp.post("/two-factor/off")
@guard.requires("account.two_factor")
def two_factor_off() -> object:
    form = CodeForm()
    if form.validate_on_submit():
        try:
            two_factor.disable(current_user, form.code.data)
        except DomainError as err:
            return _page(err.message, err.status)
        flash("Two-factor sign-in is off.")
    return redirect(url_for("account.index"))


@bp.post("/two-factor/recovery-codes")
@guard.requires("account.two_factor")
def recovery_codes() -> object:
    form = CodeForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.regenerate(current_user, form.code.data)
        except DomainError as err:
            return _page(err.message, err.status)
        return render_template("account/recovery_codes.html", codes=codes)
    return redirect(url_for("account.index"))


@bp.route("/tokens", methods=["GET", "POST"])
@guard.signed_in
def tokens() -> object:
    form = TokenForm()
    new_token = None
    if form.validate_on_submit():
        new_token = create_token(current_user, form.label.data or "")
    return render_template("account/tokens.html", tokens=list_tokens(current_user), form=form, new_token=new_token,
                           revoke_form=EmptyForm(), days=current_app.config["TOKEN_DAYS"])


@bp.post("/tokens/<int:token_id>/revoke")
@guard.signed_in
def revoke(token_id: int) -> object:
    if EmptyForm().validate_on_submit():
        revoke_token(current_user, token_id)
        flash("The token is revoked: it no longer works.")
    return redirect(url_for("account.tokens"))


@bp.route("/delete", methods=["GET", "POST"])
@guard.requires("account.delete")
def delete() -> object:
    form = DeleteAccountForm()
    error = None
    if form.validate_on_submit():
        if not form.confirm.data:
            error = "Tick the box to confirm. Nothing was deleted."
        else:
            try:
                withdrawn = delete_account(current_user, form.password.data)
            except DomainError as err:
                error = err.message
            else:
                logout_user()
                flash(f"Your account is erased and {withdrawn} stories were withdrawn. Thank you for sharing them.")
                return redirect(url_for("main.home"))
    return render_template("account/delete.html", form=form, error=error), 200 if error is None else 400


@admin_bp.post("/users/<int:user_id>/reset-link")
@guard.requires("admin.users")
def reset_link(user_id: int) -> object:
    """An administrator's reset link, to send by e-mail or to hand to someone without e-mail."""
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("admin.edit_user", user_id=user_id))
    user, link = admin_reset_link(current_user, user_id, send=request.form.get("how") == "email")
    return render_template("account/admin_reset.html", user=user, link=link,
                           hours=current_app.config["RESET_LINK_HOURS"], mail_on=mail.configured())


@admin_bp.post("/users/<int:user_id>/two-factor-off")
@guard.requires("admin.users")
def two_factor_reset(user_id: int) -> object:
    if EmptyForm().validate_on_submit():
        user = admin_turn_off_two_factor(current_user, user_id)
        flash(f"Two-factor sign-in is off for {user.email}; they sign in with their password and can set it up again.")
    return redirect(url_for("admin.edit_user", user_id=user_id))
