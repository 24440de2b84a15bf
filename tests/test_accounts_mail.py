"""Getting back in by e-mail, through a real SMTP server: reset links, claim links, claim sign-up."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from accounts_helpers import body_of, links_in, mail_config, smtp_server
from conftest import csrf_token, sign_in

from storybank import mail, tx
from storybank.accounts.models import PasswordReset, User
from storybank.archive.claims import create_claim_link
from storybank.archive.models import Story
from storybank.archive.stories import enter_on_behalf
from storybank.archive.validation import StoryDraft
from storybank.extensions import db

NEW_PASSWORD = "lantern orchard quietly"
STORY_WORDS = "It started with the rent and the letters"


@pytest.fixture
def inbox(app):
    with smtp_server() as (box, port):
        app.config.update(mail_config(port))
        mail.init_app(app)
        yield box


def _forgot(client, email: str, host: str = "localhost"):
    page = client.get("/forgot", headers={"Host": host}).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return client.post("/forgot", data={"csrf_token": token, "email": email}, headers={"Host": host})


def _answer(response) -> str:
    return re.sub(r'name="csrf_token"[^>]*>', "", response.get_data(as_text=True))


def test_forgot_password_answers_the_same_and_mails_only_the_owner(app, make_user, inbox):
    user = make_user("storyteller")
    known = _forgot(app.test_client(), user.email.upper(), host="evil.example")
    unknown = _forgot(app.test_client(), "nobody@example.org")
    assert known.status_code == unknown.status_code == 200
    assert _answer(known) == _answer(unknown)
    assert "If an account has that address" in _answer(known)
    [message] = inbox.wait_for(1)
    assert inbox.settle() == [message]  # nothing for the unknown address
    assert message["To"] == user.email and message.get_content_type() == "text/plain"
    [link] = links_in(message)
    assert link.startswith("https://stories.example.org/reset/")  # the base URL, never the Host header
    assert "evil.example" not in body_of(message)


def test_a_reset_link_works_once_and_ends_every_other_session(app, make_user, inbox):
    user = make_user("storyteller")
    signed_in = sign_in(app.test_client(), user)
    _forgot(app.test_client(), user.email)
    [link] = links_in(inbox.wait_for(1)[0])
    path = link.removeprefix("https://stories.example.org")
    visitor = app.test_client()
    weak = visitor.post(path, data={"csrf_token": csrf_token(visitor, path), "password": "aaaaaaaaaa"})
    assert weak.status_code == 400 and "harder password" in weak.get_data(as_text=True)
    done = visitor.post(path, data={"csrf_token": csrf_token(visitor, path), "password": NEW_PASSWORD})
    assert done.status_code == 302 and done.location.endswith("/login")
    assert signed_in.get("/stories").status_code == 302  # the old session ended
    assert app.test_client().get(path).status_code == 410  # single use
    login = app.test_client()
    answer = login.post("/login", data={"csrf_token": csrf_token(login, "/login"), "email": user.email,
                                        "password": NEW_PASSWORD})
    assert answer.status_code == 302
    stored = db.session.scalars(db.select(PasswordReset.token_hash)).all()
    assert stored and all(path.rsplit("/", 1)[1] not in h for h in stored)  # only a hash is kept


def test_reset_links_expire(app, make_user, inbox):
    user = make_user("storyteller")
    _forgot(app.test_client(), user.email)
    [link] = links_in(inbox.wait_for(1)[0])
    row = db.session.scalar(db.select(PasswordReset))
    row.expires_at = row.created_at - timedelta(seconds=1)
    tx.commit()
    answer = app.test_client().get(link.removeprefix("https://stories.example.org"))
    assert answer.status_code == 410 and "expired" in answer.get_data(as_text=True)


def test_forgot_password_is_rate_limited_per_address(app, make_user, inbox):
    user = make_user("storyteller")
    statuses = [_forgot(app.test_client(), user.email).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    assert len(inbox.wait_for(5)) == 5 and len(inbox.settle()) == 5


def test_without_mail_the_forgot_page_says_so_and_sends_nothing(app, make_user):
    make_user("storyteller")
    page = app.test_client().get("/forgot").get_data(as_text=True)
    assert "cannot send e-mail" in page and "Ask an administrator" in page


def test_the_command_line_prints_a_reset_link_last(app, make_user):
    user = make_user("storyteller")
    result = app.test_cli_runner().invoke(args=["users", "reset-link", user.email])
    assert result.exit_code == 0, result.output
    link = result.output.strip().splitlines()[-1]
    assert link.startswith("http://127.0.0.1:5000/reset/")
    path = link.removeprefix("http://127.0.0.1:5000")
    visitor = app.test_client()
    assert visitor.post(path, data={"csrf_token": csrf_token(visitor, path), "password": NEW_PASSWORD}
                        ).status_code == 302
    missing = app.test_cli_runner().invoke(args=["users", "reset-link", "nobody@example.org"])
    assert missing.exit_code == 1 and "no active account" in missing.output


def test_an_admin_hands_over_or_mails_a_reset_link(app, make_user, inbox):
    admin, user = make_user("admin"), make_user("storyteller")
    client = sign_in(app.test_client(), admin)
    token = csrf_token(client, f"/admin/users/{user.id}")
    shown = client.post(f"/admin/users/{user.id}/reset-link", data={"csrf_token": token, "how": "show"})
    link = re.search(r'id="reset-link" class="wide" readonly value="([^"]+)"', shown.get_data(as_text=True)).group(1)
    assert link.startswith("https://stories.example.org/reset/")
    sent = client.post(f"/admin/users/{user.id}/reset-link", data={"csrf_token": token, "how": "email"})
    assert "was sent to" in sent.get_data(as_text=True)
    [message] = inbox.wait_for(1)
    assert message["To"] == user.email
    # The mailed link replaced the one shown before: only the newest works.
    assert app.test_client().get(link.removeprefix("https://stories.example.org")).status_code == 410
    assert app.test_client().get(links_in(message)[0].removeprefix("https://stories.example.org")).status_code == 200
    teller = sign_in(app.test_client(), user)
    assert teller.post(f"/admin/users/{user.id}/reset-link",
                       data={"csrf_token": csrf_token(teller, "/account")}).status_code == 404


def _entered_story(researcher: User) -> tuple[Story, str]:
    story = enter_on_behalf(researcher, StoryDraft(
        title="Interview at the hub", body=STORY_WORDS, kind="lived_experience", consent={"research": True},
        attribution="anonymous", collection_method="interview"))
    story, token = create_claim_link(researcher, story.id)
    tx.commit()
    return story, token


def test_a_researcher_mails_the_claim_link_without_the_story(app, make_user, inbox):
    researcher = make_user("researcher")
    story, token = _entered_story(researcher)
    client = sign_in(app.test_client(), researcher)
    answer = client.post(f"/research/stories/{story.id}/claim-link/email", data={
        "csrf_token": csrf_token(client, "/research/stories"), "token": token, "email": "jo@example.org"})
    assert answer.status_code == 302
    [message] = inbox.wait_for(1)
    assert message["To"] == "jo@example.org"
    assert links_in(message) == [f"https://stories.example.org/claim/{token}"]
    assert "rent" not in body_of(message) and "Interview at the hub" not in body_of(message)


def test_claim_sign_up_does_not_reveal_which_addresses_have_accounts(app, make_user, inbox):
    researcher = make_user("researcher")
    existing = make_user("storyteller")
    answers = {}
    for email in (existing.email, "new.teller@example.org"):
        _story, token = _entered_story(researcher)
        visitor = app.test_client()
        response = visitor.post(f"/claim/{token}/signup", data={
            "csrf_token": csrf_token(visitor, f"/claim/{token}"), "display_name": "Jo", "email": email,
            "password": "a long enough passphrase"})
        answers[email] = (response.status_code, _answer(response).replace(token, "TOKEN"))
    assert answers[existing.email] == answers["new.teller@example.org"]
    assert answers[existing.email][0] == 200 and "We have sent a message" in answers[existing.email][1]
    messages = {m["To"]: m for m in inbox.wait_for(2)}
    told = messages[existing.email]
    assert "You already have an account" in body_of(told)
    assert links_in(told) == ["https://stories.example.org/login"]  # never the claim link
    [confirm] = links_in(messages["new.teller@example.org"])
    assert db.session.scalar(db.select(User).where(User.email == "new.teller@example.org")) is None
    visitor = app.test_client()
    path = confirm.removeprefix("https://stories.example.org")
    done = visitor.post(path, data={"csrf_token": csrf_token(visitor, path)})
    assert done.status_code == 302
    assert STORY_WORDS in visitor.get(done.location).get_data(as_text=True)
    assert app.test_client().get(path).status_code == 410  # the confirmation works once


def test_without_mail_claim_sign_up_still_works_directly(app, make_user):
    researcher = make_user("researcher")
    _story, token = _entered_story(researcher)
    visitor = app.test_client()
    page = visitor.get(f"/claim/{token}").get_data(as_text=True)
    assert "We will send a link" not in page
    response = visitor.post(f"/claim/{token}/signup", data={
        "csrf_token": csrf_token(visitor, f"/claim/{token}"), "display_name": "Jo", "email": "jo@example.org",
        "password": "a long enough passphrase"})
    assert response.status_code == 302
    assert STORY_WORDS in visitor.get(response.location).get_data(as_text=True)
