"""Drafts: kept as the teller types, back after a new sign-in, the teller's only, gone when done."""
from __future__ import annotations

import html
import io
import json
import re
import zipfile

from conftest import PASSWORD, csrf_token, sign_in
from sqlalchemy import func, select

from storybank import tx
from storybank.archive.teller_models import SavedDraft
from storybank.archive.withdrawal import withdraw_story
from storybank.extensions import db

WORDS = "The waiting room clock had stopped at twenty past nine"


def _drafts() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(SavedDraft)) or 0


def _textarea(page: str) -> str:
    match = re.search(r'<textarea[^>]*id="body"[^>]*>(.*?)</textarea>', page, re.S)
    return html.unescape(match.group(1)).strip() if match else ""


def test_typing_keeps_a_draft_that_the_form_shows_again(app, login_as):
    client, _ = login_as("storyteller")
    token = csrf_token(client, "/stories/new")
    saved = client.post("/stories/new/draft", headers={"X-CSRFToken": token, "Accept": "application/json"},
                        data={"title": "Half a story", "body": WORDS, "kind": "practitioner", "about": ["housing"],
                              "workshop": "y"})
    assert saved.status_code == 200 and saved.get_json()["saved"] is True
    page = client.get("/stories/new").get_data(as_text=True)
    assert _textarea(page) == WORDS and 'value="Half a story"' in page
    assert "This is the draft you were writing" in page
    assert re.search(r'value="practitioner"[^>]*checked|checked[^>]*value="practitioner"', page)
    assert re.search(r'value="housing"[^>]*checked|checked[^>]*value="housing"', page)
    # Saving the story clears the draft.
    form = {"csrf_token": token, "title": "Half a story", "body": WORDS, "kind": "practitioner",
            "attribution": "anonymous", "research": "y", "form_version": "1"}
    assert client.post("/stories/new", data=form).status_code == 302
    assert _drafts() == 0
    assert "This is the draft" not in client.get("/stories/new").get_data(as_text=True)


def test_without_the_csrf_header_nothing_is_saved(app, login_as):
    client, _ = login_as("storyteller")
    refused = client.post("/stories/new/draft", data={"title": "x", "body": WORDS},
                          headers={"Accept": "application/json"})
    assert refused.status_code == 400 and _drafts() == 0


def test_a_form_posted_after_the_session_ended_comes_back_after_signing_in(app, make_user):
    teller = make_user("storyteller")
    client = sign_in(app.test_client(), teller)
    token = csrf_token(client, "/stories/new")
    with client.session_transaction() as session:  # the session ends while the teller writes
        session.clear()
    posted = client.post("/stories/new", data={"csrf_token": token, "title": "Written slowly", "body": WORDS,
                                               "kind": "lived_experience", "about": ["housing", "money"]})
    assert posted.status_code == 401
    page = posted.get_data(as_text=True)
    assert "Your text is safe: sign in again" in html.unescape(page)
    assert 'name="carry-body"' in page and _drafts() == 0
    login_token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    carried = dict(re.findall(r'name="(carry-[a-z_]+)" value="([^"]*)"', page))
    assert html.unescape(carried["carry-body"]) == WORDS
    form = {"csrf_token": login_token, "email": teller.email, "password": PASSWORD, "next": "/stories/new",
            "carry-title": "Written slowly", "carry-body": WORDS, "carry-kind": "lived_experience"}
    signed = client.post("/login", data=form)
    assert signed.status_code == 302 and signed.location.endswith("/stories/new")
    back = client.get("/stories/new").get_data(as_text=True)
    assert _textarea(back) == WORDS and 'value="Written slowly"' in back


def test_a_revision_whose_token_went_stale_is_kept_and_shown_again(app, login_as, make_story):
    client, teller = login_as("storyteller")
    story = make_story(teller, body="The first words.")
    posted = client.post(f"/stories/{story.id}/edit", data={"csrf_token": "stale", "title": "T", "body": WORDS})
    assert posted.status_code == 302 and posted.location.endswith(f"/stories/{story.id}/edit")
    page = client.get(f"/stories/{story.id}/edit").get_data(as_text=True)
    assert _textarea(page) == WORDS and "your text was kept as a draft" in page


def test_drafts_are_the_tellers_only_and_go_with_a_withdrawal(app, login_as, make_story):
    client, teller = login_as("storyteller")
    story = make_story(teller, body="Saved words of the story.")
    token = csrf_token(client, f"/stories/{story.id}/edit")
    headers = {"X-CSRFToken": token, "Accept": "application/json"}
    assert client.post(f"/stories/{story.id}/draft", headers=headers,
                       data={"title": "T", "body": f"{WORDS} draftonly"}).status_code == 200
    other, _ = login_as("storyteller")
    other_token = csrf_token(other, "/stories/new")
    assert other.post(f"/stories/{story.id}/draft", headers={"X-CSRFToken": other_token},
                      data={"title": "T", "body": "hijack"}).status_code == 404
    assert "draftonly" not in other.get("/stories/new").get_data(as_text=True)
    researcher, _ = login_as("researcher")
    assert "draftonly" not in researcher.get(f"/stories/{story.id}").get_data(as_text=True)
    found = researcher.get("/search?q=draftonly").get_data(as_text=True).replace('value="draftonly"', "")
    assert "draftonly" not in found and f"/stories/{story.id}" not in found
    # The teller's own download holds it: it is data about them.
    with zipfile.ZipFile(io.BytesIO(client.get("/me/export").data)) as archive:
        assert "draftonly" in json.loads(archive.read("drafts.json"))[0]["body"]
    withdraw_story(teller, story.id)
    tx.commit()
    assert _drafts() == 0
