"""A researcher enters a story on someone's behalf; the teller claims it once and owns it."""
from __future__ import annotations

import re

from conftest import csrf_token

from storybank.archive.models import Story
from storybank.extensions import db


def _enter(client) -> tuple[int, str]:
    token = csrf_token(client, "/research/enter")
    answer = client.post("/research/enter", data={
        "csrf_token": token, "title": "Interview at the hub", "body": "Q: How did it start?\n\nIt started with the rent.",
        "kind": "lived_experience", "site": "Lambeth", "collection_method": "interview", "collected_by": "R. team",
        "collected_on": "2024-05-02", "research": "y", "attribution": "anonymous", "form_version": "1",
    })
    assert answer.status_code == 200, answer.get_data(as_text=True)
    html = answer.get_data(as_text=True)
    link = re.search(r'value="(http://[^"]+/claim/[^"]+)"', html).group(1)
    story_id = int(re.search(r'href="/stories/(\d+)"', html).group(1))
    return story_id, link.split("/claim/", 1)[1]


def test_enter_then_claim_with_a_new_account(app, login_as):
    researcher_client, researcher = login_as("researcher")
    story_id, token = _enter(researcher_client)
    story = db.session.get(Story, story_id)
    assert story.teller_id is None and story.entered_by_id == researcher.id
    assert story.current_consent.on_behalf is True
    assert researcher_client.get(f"/stories/{story_id}").status_code == 200

    visitor = app.test_client()
    page = visitor.get(f"/claim/{token}").get_data(as_text=True)
    assert "waiting for you" in page and "It started with the rent" not in page  # no text before claiming
    form_token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    answer = visitor.post(f"/claim/{token}/signup", data={
        "csrf_token": form_token, "display_name": "Jo", "email": "jo@example.org", "password": "a long password"})
    assert answer.status_code == 302
    own = visitor.get(answer.headers["Location"]).get_data(as_text=True)
    assert "It started with the rent" in own and "Withdraw" in own

    again = app.test_client().get(f"/claim/{token}")
    assert again.status_code == 410
    db.session.expire_all()
    assert db.session.get(Story, story_id).teller.email == "jo@example.org"


def test_an_existing_storyteller_claims_while_signed_in(app, login_as):
    researcher_client, _ = login_as("researcher")
    teller_client, teller = login_as("storyteller")
    story_id, token = _enter(researcher_client)
    form_token = csrf_token(teller_client, f"/claim/{token}")
    answer = teller_client.post(f"/claim/{token}", data={"csrf_token": form_token})
    assert answer.status_code == 302
    assert teller_client.get(f"/stories/{story_id}/edit").status_code == 200
    db.session.expire_all()
    assert db.session.get(Story, story_id).teller_id == teller.id


def test_a_new_link_replaces_the_old_one(app, login_as):
    researcher_client, _ = login_as("researcher")
    story_id, first = _enter(researcher_client)
    token = csrf_token(researcher_client, f"/stories/{story_id}")
    answer = researcher_client.post(f"/research/stories/{story_id}/claim-link", data={"csrf_token": token})
    second = re.search(r"/claim/([^\"]+)\"", answer.get_data(as_text=True)).group(1)
    assert second != first
    assert app.test_client().get(f"/claim/{first}").status_code == 410
    assert app.test_client().get(f"/claim/{second}").status_code == 200


def test_another_researcher_cannot_read_an_unconsented_entered_story(app, login_as):
    researcher_client, _ = login_as("researcher")
    other_client, _ = login_as("researcher")
    token = csrf_token(researcher_client, "/research/enter")
    answer = researcher_client.post("/research/enter", data={
        "csrf_token": token, "title": "Not for research", "body": "Words.", "kind": "practitioner",
        "collection_method": "transcript", "attribution": "anonymous", "form_version": "1"})
    story_id = int(re.search(r'href="/stories/(\d+)"', answer.get_data(as_text=True)).group(1))
    assert researcher_client.get(f"/stories/{story_id}").status_code == 200
    assert other_client.get(f"/stories/{story_id}").status_code == 404
