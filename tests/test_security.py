"""Passwords, sign-in limits, CSRF, cookies and headers."""
from __future__ import annotations

import re

from conftest import PASSWORD, csrf_token

from storybank import create_app


def _login(client, email: str, password: str, token: str):
    return client.post("/login", data={"csrf_token": token, "email": email, "password": password})


def test_passwords_are_stored_as_scrypt_hashes(app):
    """Through the service itself: the factories share one precomputed hash of PASSWORD."""
    from storybank.accounts.services import create_user

    user = create_user(None, "hashed@example.org", PASSWORD, ["storyteller"])
    other = create_user(None, "salted@example.org", PASSWORD, ["storyteller"])
    assert user.password_hash.startswith("scrypt:")
    assert PASSWORD not in user.password_hash
    assert other.password_hash != user.password_hash  # salted: the same password never gives the same hash


def test_sign_in_and_out_through_the_form(app, make_user):
    user = make_user("storyteller")
    client = app.test_client()
    token = csrf_token(client, "/login")
    wrong = _login(client, user.email, "not the password", token)
    assert wrong.status_code == 401
    assert "do not match" in wrong.get_data(as_text=True)
    assert client.get("/stories").status_code == 302  # still signed out

    right = _login(client, user.email, PASSWORD, token)
    assert right.status_code == 302
    assert client.get("/stories").status_code == 200
    cookie = right.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie

    out_token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/stories").get_data(as_text=True)).group(1)
    assert client.post("/logout", data={"csrf_token": out_token}).status_code == 302
    assert client.get("/stories").status_code == 302


def test_sign_in_is_rate_limited(app, make_user):
    user = make_user("storyteller")
    client = app.test_client()
    token = csrf_token(client, "/login")
    statuses = [_login(client, user.email, "wrong password!", token).status_code for _ in range(10)]
    assert statuses == [401] * 10
    blocked = _login(client, user.email, PASSWORD, token)
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.get_data(as_text=True)


def test_open_redirects_are_refused_after_sign_in(app, make_user):
    user = make_user("storyteller")
    client = app.test_client()
    token = csrf_token(client, "/login")
    answer = client.post("/login", data={"csrf_token": token, "email": user.email, "password": PASSWORD,
                                         "next": "//evil.example/phish"})
    assert answer.headers["Location"] == "/"


def test_forms_without_csrf_token_are_refused_and_change_nothing(app, login_as, make_story):
    client, teller = login_as("storyteller")
    story = make_story(teller)
    answer = client.post(f"/stories/{story.id}/withdraw", data={"confirm": "y"})
    assert answer.status_code == 400
    assert "form has expired" in answer.get_data(as_text=True)
    assert client.get(f"/stories/{story.id}").status_code == 200
    assert "A withdrawn story" not in client.get(f"/stories/{story.id}").get_data(as_text=True)


def test_every_page_carries_security_headers(app, login_as, make_story):
    client, teller = login_as("storyteller")
    story = make_story(teller)
    for path in ("/", "/login", "/stories", f"/stories/{story.id}", "/stories/new", "/no-such-page"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Cache-Control"] == "no-store"


def test_pages_have_no_inline_script(app, login_as, make_story):
    client, teller = login_as("storyteller", "researcher", "admin")
    story = make_story(teller)
    for path in ("/", "/stories", f"/stories/{story.id}", "/stories/new", "/research/enter", "/admin/users"):
        html = client.get(path).get_data(as_text=True)
        assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None, path
        assert re.search(r"\son[a-z]+=", html) is None, path


def test_session_cookies_are_secure_by_default(tmp_path, monkeypatch):
    monkeypatch.setenv("STORYBANK_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("STORYBANK_SECURE_COOKIES", raising=False)
    monkeypatch.delenv("STORYBANK_SECRET_KEY", raising=False)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    # No built-in secret: one is made and kept, private, in the instance folder.
    key_file = tmp_path / "secret_key"
    assert key_file.exists() and oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert app.config["SECRET_KEY"] == key_file.read_text().strip()
