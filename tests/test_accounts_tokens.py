"""API tokens: listed without their secret, revoked (API and page), expiring."""
from __future__ import annotations

from datetime import timedelta

from conftest import csrf_token, sign_in

from storybank import tx
from storybank.accounts.models import ApiToken
from storybank.accounts.tokens import create_token
from storybank.extensions import db


def _auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_the_api_lists_own_tokens_without_secrets_and_revokes_one(app, make_user):
    user, other = make_user("researcher"), make_user("researcher")
    first, second = create_token(user, "laptop script"), create_token(user, "nightly export")
    others = create_token(other, "theirs")
    tx.commit()
    client = app.test_client()
    assert client.get("/api/v1/codes", headers=_auth(first)).status_code == 200  # marks "last used"
    listing = client.get("/api/v1/tokens", headers=_auth(second))
    assert listing.status_code == 200
    rows = listing.get_json()["results"]
    assert [r["label"] for r in rows] == ["nightly export", "laptop script"]
    assert first not in listing.get_data(as_text=True) and second not in listing.get_data(as_text=True)
    laptop = next(r for r in rows if r["label"] == "laptop script")
    assert laptop["last_used_at"] and laptop["created_at"] and laptop["expires_at"]
    other_id = db.session.scalar(db.select(ApiToken.id).where(ApiToken.user_id == other.id))
    assert client.delete(f"/api/v1/tokens/{other_id}", headers=_auth(second)).status_code == 404
    assert client.get("/api/v1/codes", headers=_auth(others)).status_code == 200  # untouched
    assert client.delete(f"/api/v1/tokens/{laptop['id']}", headers=_auth(second)).status_code == 204
    assert client.get("/api/v1/codes", headers=_auth(first)).status_code == 401
    assert client.delete(f"/api/v1/tokens/{laptop['id']}", headers=_auth(second)).status_code == 404
    assert [r["label"] for r in client.get("/api/v1/tokens", headers=_auth(second)).get_json()["results"]] == [
        "nightly export"]


def test_the_tokens_page_makes_shows_once_and_revokes(app, make_user):
    user = make_user("host")
    client = sign_in(app.test_client(), user)
    made = client.post("/account/tokens", data={"csrf_token": csrf_token(client, "/account/tokens"),
                                                "label": "sets sync"})
    page = made.get_data(as_text=True)
    token = page.split('id="new-token" class="wide" readonly value="')[1].split('"')[0]
    assert token.startswith("sb_")
    assert app.test_client().get("/api/v1/sets", headers=_auth(token)).status_code == 200
    listing = client.get("/account/tokens").get_data(as_text=True)
    assert "sets sync" in listing and token not in listing
    row = db.session.scalar(db.select(ApiToken).where(ApiToken.user_id == user.id))
    client.post(f"/account/tokens/{row.id}/revoke", data={"csrf_token": csrf_token(client, "/account/tokens")})
    assert app.test_client().get("/api/v1/sets", headers=_auth(token)).status_code == 401
    assert "sets sync" not in client.get("/account/tokens").get_data(as_text=True)


def test_tokens_expire(app, make_user):
    user = make_user("researcher")
    token = create_token(user)
    tx.commit()
    assert app.test_client().get("/api/v1/codes", headers=_auth(token)).status_code == 200
    row = db.session.scalar(db.select(ApiToken).where(ApiToken.user_id == user.id))
    assert timedelta(days=89) < row.expires_at - row.created_at <= timedelta(days=90)
    row.expires_at = row.created_at - timedelta(seconds=1)
    tx.commit()
    answer = app.test_client().get("/api/v1/codes", headers=_auth(token))
    assert answer.status_code == 401


def test_token_lifetime_is_configurable(app, make_user):
    app.config["TOKEN_DAYS"] = 7
    user = make_user("researcher")
    create_token(user)
    tx.commit()
    row = db.session.scalar(db.select(ApiToken).where(ApiToken.user_id == user.id))
    assert row.expires_at - row.created_at <= timedelta(days=7)


def test_reading_through_the_api_does_not_write_last_used_on_every_request(app, make_user):
    user = make_user("researcher")
    token = create_token(user)
    tx.commit()
    client = app.test_client()
    client.get("/api/v1/codes", headers=_auth(token))
    db.session.expire_all()
    first = db.session.scalar(db.select(ApiToken.last_used_at))
    client.get("/api/v1/codes", headers=_auth(token))
    db.session.expire_all()
    assert first is not None and db.session.scalar(db.select(ApiToken.last_used_at)) == first
