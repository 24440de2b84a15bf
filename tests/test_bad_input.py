"""Bad input gets a clear message and changes nothing."""
from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import csrf_token
from sqlalchemy import func, select

from storybank import tx
from storybank.archive.claims import create_claim_link
from storybank.archive.models import ClaimInvitation, ConsentEvent, Story, StoryRevision
from storybank.archive.stories import enter_on_behalf
from storybank.archive.validation import StoryDraft
from storybank.extensions import db


def _counts() -> tuple[int, int, int]:
    db.session.expire_all()
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Story, StoryRevision, ConsentEvent))


def _story_form(token: str, **changes: str) -> dict:
    data = {"csrf_token": token, "title": "A title", "body": "Some words.", "kind": "lived_experience",
            "site": "Luton", "research": "y", "attribution": "pseudonym", "form_version": "1"}
    data.update(changes)
    return data


@pytest.mark.parametrize(("changes", "message"), [
    ({"body": "   \n  "}, "The story is empty"),
    ({"title": ""}, "Give your story a title"),
    ({"kind": "poem"}, "Unknown kind"),
    ({"attribution": "famous"}, "Attribution must be one of"),
    ({"felt_heard": "9"}, "from 1 to 5"),
    ({"title": "x" * 201}, "title is too long"),
])
def test_story_form_rejects_with_a_clear_message(app, login_as, changes, message):
    client, _ = login_as("storyteller")
    token = csrf_token(client, "/stories/new")
    before = _counts()
    answer = client.post("/stories/new", data=_story_form(token, **changes))
    assert answer.status_code == 400
    assert message in answer.get_data(as_text=True)
    assert _counts() == before


def test_a_five_megabyte_story_is_refused_whole(app, login_as):
    client, _ = login_as("storyteller")
    token = csrf_token(client, "/stories/new")
    before = _counts()
    answer = client.post("/stories/new", data=_story_form(token, body="word " * (1024 * 1024)))
    assert answer.status_code == 413
    assert "too large" in answer.get_data(as_text=True) and "Nothing was saved" in answer.get_data(as_text=True)
    assert _counts() == before


def test_a_story_over_the_character_limit_is_refused(app, login_as):
    app.config["MAX_STORY_CHARS"] = 1000
    client, _ = login_as("storyteller")
    token = csrf_token(client, "/stories/new")
    before = _counts()
    answer = client.post("/stories/new", data=_story_form(token, body="x" * 1001))
    assert answer.status_code == 400
    assert "the limit is 1,000" in answer.get_data(as_text=True)
    assert _counts() == before


@pytest.mark.parametrize("path", ["/stories/999999", "/stories/0", "/stories/abc", "/stories/1e3",
                                  "/stories/-1", "/stories/99999999999999999999999", "/stories/1/revisions/77",
                                  "/stories/999999/edit", "/admin/users/424242"])
def test_wrong_ids_are_not_found(app, login_as, make_story, path):
    client, teller = login_as("storyteller", "researcher", "admin")
    make_story(teller)
    answer = client.get(path)
    assert answer.status_code == 404
    assert "Not found" in answer.get_data(as_text=True)


def test_an_unchanged_revision_is_refused(app, login_as, make_story):
    client, teller = login_as("storyteller")
    story = make_story(teller, title="Same", body="Same words.")
    token = csrf_token(client, f"/stories/{story.id}/edit")
    answer = client.post(f"/stories/{story.id}/edit", data={"csrf_token": token, "title": "Same", "body": "Same words."})
    assert answer.status_code == 400 and "Nothing changed" in answer.get_data(as_text=True)
    assert _counts()[1] == 1


def test_expired_and_used_claim_links_say_so(app, make_user):
    researcher = make_user("researcher")
    story = enter_on_behalf(researcher, StoryDraft(title="Interview", body="Transcript.", kind="lived_experience",
                                                   consent={"research": True}, attribution="anonymous"))
    _, token = create_claim_link(researcher, story.id)
    tx.commit()
    invitation = db.session.scalar(select(ClaimInvitation))
    invitation.expires_at -= timedelta(days=365)
    tx.commit()
    client = app.test_client()
    for path in (f"/claim/{token}", "/claim/not-a-real-token-at-all"):
        answer = client.get(path)
        assert answer.status_code == 410
        assert "expired or has already been used" in answer.get_data(as_text=True)
