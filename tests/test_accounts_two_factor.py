"""TOTP two-factor sign-in with recovery codes; required for admins when configured."""
from __future__ import annotations

import re
import time

import pyotp
from conftest import PASSWORD, csrf_token, sign_in

from storybank.accounts.models import RecoveryCode
from storybank.extensions import db


def _enable(client) -> tuple[str, list[str]]:
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert "<svg" in page  # the QR code, inline
    secret = re.search(r'id="secret" class="wide" readonly value="([A-Z2-7]{32})"', page).group(1)
    wrong = client.post("/account/two-factor", data={"csrf_token": csrf_token(client, "/account/two-factor"),
                                                     "code": "000000"})
    assert wrong.status_code == 400 and "not right" in wrong.get_data(as_text=True)
    done = client.post("/account/two-factor", data={"csrf_token": csrf_token(client, "/account/two-factor"),
                                                    "code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    codes = re.findall(r"<code>([0-9a-f]{8}-[0-9a-f]{8})</code>", done.get_data(as_text=True))
    assert len(codes) == 10
    return secret, codes


def _password_step(client, email: str):
    return client.post("/login", data={"csrf_token": csrf_token(client, "/login"), "email": email,
                                       "password": PASSWORD})


def _code_step(client, code: str):
    return client.post("/login/two-factor", data={"csrf_token": csrf_token(client, "/login"), "code": code})


def _a_minute_later(user) -> None:
    """Setting up used the code of this 30-second step; pretend the clock moved on (codes are used once)."""
    from storybank import tx

    row = db.session.get(type(user), user.id)
    db.session.refresh(row)
    row.totp_last_step -= 2
    tx.commit()


def _previous_code(secret: str) -> str:
    return pyotp.TOTP(secret).at(int(time.time()) - 30)


def test_a_researcher_turns_on_two_factor_and_then_needs_a_code(app, make_user):
    user = make_user("researcher")
    secret, codes = _enable(sign_in(app.test_client(), user))
    stored = db.session.scalars(db.select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)  # kept hashed
    _a_minute_later(user)

    client = app.test_client()
    first = _password_step(client, user.email)
    assert first.status_code == 302 and first.location.endswith("/login/two-factor")
    assert client.get("/research/stories").status_code == 302  # the password alone does not sign in
    assert _code_step(client, "123456").status_code == 401
    code = _previous_code(secret)  # a code from the last 30 s is still accepted (clock drift) ...
    assert _code_step(client, code).status_code == 302
    assert client.get("/research/stories").status_code == 200

    replay = app.test_client()
    _password_step(replay, user.email)
    assert _code_step(replay, code).status_code == 401  # ... but only once


def test_recovery_codes_sign_in_once_each(app, make_user):
    user = make_user("admin")
    _secret, codes = _enable(sign_in(app.test_client(), user))
    client = app.test_client()
    _password_step(client, user.email)
    assert _code_step(client, codes[0].upper()).status_code == 302
    assert client.get("/admin/users").status_code == 200
    again = app.test_client()
    _password_step(again, user.email)
    assert _code_step(again, codes[0]).status_code == 401
    page = sign_in(app.test_client(), user).get("/account").get_data(as_text=True)
    assert "Recovery codes left: 9" in page


def test_two_factor_is_offered_to_researchers_and_admins_only(app, make_user):
    teller = sign_in(app.test_client(), make_user("storyteller"))
    assert "Two-factor" not in teller.get("/account").get_data(as_text=True)
    assert teller.get("/account/two-factor").status_code == 404


def test_turning_it_off_needs_a_code(app, make_user):
    user = make_user("researcher")
    client = sign_in(app.test_client(), user)
    secret, _codes = _enable(client)
    token = csrf_token(client, "/account")
    assert client.post("/account/two-factor/off", data={"csrf_token": token, "code": "000000"}).status_code == 400
    db.session.expire_all()
    assert db.session.get(type(user), user.id).two_factor
    _a_minute_later(user)
    assert client.post("/account/two-factor/off", data={"csrf_token": token,
                                                       "code": pyotp.TOTP(secret).now()}).status_code == 302
    db.session.expire_all()
    assert not db.session.get(type(user), user.id).two_factor
    assert _password_step(app.test_client(), user.email).location == "/"


def test_admins_must_set_it_up_when_required(app, make_user):
    app.config["REQUIRE_ADMIN_2FA"] = True
    admin, researcher = make_user("admin"), make_user("researcher")
    client = sign_in(app.test_client(), admin)
    blocked = client.get("/admin/users")
    assert blocked.status_code == 302 and blocked.location.endswith("/account/two-factor")
    assert sign_in(app.test_client(), researcher).get("/research/stories").status_code == 200  # admins only
    _enable(client)
    assert client.get("/admin/users").status_code == 200


def test_an_admin_turns_it_off_for_someone_who_lost_everything(app, make_user):
    user, admin = make_user("researcher"), make_user("admin")
    mine = sign_in(app.test_client(), user)
    _enable(mine)
    client = sign_in(app.test_client(), admin)
    page = client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert "Turn off two-factor sign-in" in page
    answer = client.post(f"/admin/users/{user.id}/two-factor-off",
                         data={"csrf_token": csrf_token(client, f"/admin/users/{user.id}")})
    assert answer.status_code == 302
    assert mine.get("/research/stories").status_code == 302  # their sessions ended
    assert _password_step(app.test_client(), user.email).location == "/"  # the password alone signs in
    other = sign_in(app.test_client(), make_user("researcher"))
    assert other.post(f"/admin/users/{admin.id}/two-factor-off",
                      data={"csrf_token": csrf_token(other, "/account")}).status_code == 404
