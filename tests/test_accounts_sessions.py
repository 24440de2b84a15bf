"""Passwords and sessions: change, strength, sign-out that really ends a session, deactivation."""
from __future__ import annotations

from conftest import PASSWORD, csrf_token, sign_in
from flask_login.utils import encode_cookie

from storybank import tx
from storybank.accounts.services import create_user, update_user
from storybank.accounts.tokens import create_token
from storybank.extensions import db

NEW_PASSWORD = "lantern orchard quietly"


def _login(client, email: str, password: str):
    return client.post("/login", data={"csrf_token": csrf_token(client, "/login"), "email": email,
                                       "password": password})


def _copy_cookies(source, target) -> None:
    for cookie in source._cookies.values():
        target.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)


def test_a_session_cookie_copied_before_sign_out_does_not_work_after_it(app, make_user):
    user = make_user("storyteller")
    browser = app.test_client()
    assert _login(browser, user.email, PASSWORD).status_code == 302
    thief = app.test_client()
    _copy_cookies(browser, thief)
    assert thief.get("/stories").status_code == 200  # the copy works while the session lives
    browser.post("/logout", data={"csrf_token": csrf_token(browser, "/stories")})
    assert browser.get("/stories").status_code == 302
    assert thief.get("/stories").status_code == 302  # and not after sign-out
    assert thief.get("/stories").location.startswith("/login")


def test_change_password_needs_the_current_one_and_ends_every_other_session(app, make_user):
    user = make_user("storyteller")
    here, elsewhere = app.test_client(), app.test_client()
    for client in (here, elsewhere):
        assert _login(client, user.email, PASSWORD).status_code == 302
    remember = encode_cookie(user.get_id())  # a remember-me cookie issued before the change
    token = csrf_token(here, "/account")

    wrong = here.post("/account/password", data={"csrf_token": token, "current": "not my password",
                                                  "new": NEW_PASSWORD})
    assert wrong.status_code == 400 and "current password is not right" in wrong.get_data(as_text=True)
    assert elsewhere.get("/stories").status_code == 200  # nothing changed

    ok = here.post("/account/password", data={"csrf_token": token, "current": PASSWORD, "new": NEW_PASSWORD})
    assert ok.status_code == 302
    assert here.get("/stories").status_code == 200  # this session carries on
    assert elsewhere.get("/stories").status_code == 302  # the other one ended
    remembered = app.test_client()
    remembered.set_cookie("remember_token", remember)
    assert remembered.get("/stories").status_code == 302
    fresh = app.test_client()
    assert _login(fresh, user.email, PASSWORD).status_code == 401
    assert _login(fresh, user.email, NEW_PASSWORD).status_code == 302


def test_a_remember_cookie_works_until_the_session_version_moves_on(app, make_user):
    """The check above can fail: a current remember-cookie does sign in."""
    user = make_user("storyteller")
    remembered = app.test_client()
    remembered.set_cookie("remember_token", encode_cookie(user.get_id()))
    assert remembered.get("/stories").status_code == 200


def test_weak_and_common_passwords_are_refused_with_a_reason(app, login_as):
    client, user = login_as("storyteller")
    token = csrf_token(client, "/account")
    for weak in ("aaaaaaaaaa", "password123", "qwertyuiop", "1234567890", user.email.split("@")[0] + "2024"):
        answer = client.post("/account/password", data={"csrf_token": token, "current": PASSWORD, "new": weak})
        assert answer.status_code == 400, weak
        page = answer.get_data(as_text=True)
        assert "Choose a harder password" in page or "at least 10 characters" in page, weak
    db.session.expire_all()
    fresh = app.test_client()
    assert _login(fresh, user.email, PASSWORD).status_code == 302  # the password did not change


def test_new_accounts_refuse_a_guessable_password_too(app):
    import pytest

    from storybank.errors import InvalidInput

    with pytest.raises(InvalidInput, match="harder password"):
        create_user(None, "weak@example.org", "aaaaaaaaaa", ["storyteller"])
    with pytest.raises(InvalidInput, match="harder password"):
        create_user(None, "maria.gonzalez@example.org", "mariagonzalez", ["storyteller"], "Maria Gonzalez")


def test_deactivation_ends_sessions_and_reactivation_revives_no_token(app, make_user, login_as):
    admin = make_user("admin")
    user = make_user("researcher")
    client = sign_in(app.test_client(), user)
    token = create_token(user)
    tx.commit()
    api = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/api/v1/codes", headers=api).status_code == 200
    update_user(admin, user.id, ["researcher"], active=False)
    tx.commit()
    assert client.get("/research/stories").status_code == 302
    assert app.test_client().get("/api/v1/codes", headers=api).status_code == 401
    update_user(admin, user.id, ["researcher"], active=True)
    tx.commit()
    assert client.get("/research/stories").status_code == 302  # the old session stays dead
    assert app.test_client().get("/api/v1/codes", headers=api).status_code == 401  # and so does the token
    assert _login(app.test_client(), user.email, PASSWORD).status_code == 302  # a new sign-in works


def test_a_long_passphrase_is_welcome(app):
    """zxcvbn itself refuses more than 72 characters; storybank judges the first 72 and keeps all of it."""
    phrase = "the bus was late again so I walked along the canal and counted herons " * 3
    user = create_user(None, "long@example.org", phrase, ["storyteller"])
    tx.commit()
    client = app.test_client()
    assert _login(client, user.email, phrase).status_code == 302
