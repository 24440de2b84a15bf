"""The JSON API contract in ../shared/API.md."""
from __future__ import annotations

import re

import pytest
from conftest import sign_in
from sqlalchemy import func, select

from storybank import tx
from storybank.accounts.services import create_token
from storybank.archive.models import ConsentEvent, Story, StoryRevision
from storybank.audit.models import AuditEvent
from storybank.extensions import db

NEW_STORY = {"title": "The threshold", "body": "They said I was *not ill enough*.", "kind": "lived_experience",
             "site": "Luton", "consent": {"research": True, "workshop": False, "publication": False},
             "attribution": "pseudonym"}


@pytest.fixture
def api_as(app, make_user):
    def factory(*roles: str, user=None):
        user = user or make_user(*roles)
        token = create_token(user)
        tx.commit()
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        return client, user

    return factory


def _counts() -> tuple:
    db.session.expire_all()
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Story, StoryRevision, ConsentEvent))


def test_story_lifecycle(api_as):
    client, teller = api_as("storyteller")
    created = client.post("/api/v1/stories", json=NEW_STORY)
    assert created.status_code == 201
    story = created.get_json()
    assert created.headers["Location"].endswith(f"/api/v1/stories/{story['id']}")
    assert story["revision"] == 1 and "<em>not ill enough</em>" in story["html"]
    assert story["consent"]["research"] is True and story["consent"]["attribution"] == "pseudonym"
    assert db.session.get(Story, story["id"]).teller_id == teller.id

    got = client.get(f"/api/v1/stories/{story['id']}").get_json()
    assert {"id", "title", "body", "html", "kind", "site", "consent", "revision"} <= set(got)

    revised = client.patch(f"/api/v1/stories/{story['id']}", json={"body": "They said I was too ill."})
    assert revised.status_code == 200 and revised.get_json()["revision"] == 2

    first_event = db.session.scalar(select(ConsentEvent).where(ConsentEvent.story_id == story["id"]))
    first = (first_event.id, first_event.research, first_event.workshop)
    consent = client.patch(f"/api/v1/stories/{story['id']}/consent", json={"workshop": True, "attribution": "name"})
    assert consent.status_code == 200
    assert consent.get_json()["workshop"] is True and consent.get_json()["attribution"] == "name"
    db.session.expire_all()
    events = list(db.session.scalars(select(ConsentEvent).where(ConsentEvent.story_id == story["id"])
                                     .order_by(ConsentEvent.id)))
    assert len(events) == 2 and (events[0].id, events[0].research, events[0].workshop) == first

    tombstone = client.post(f"/api/v1/stories/{story['id']}/withdraw")
    assert tombstone.status_code == 200
    body = tombstone.get_json()
    assert body["status"] == "withdrawn" and body["kind"] == "lived_experience"
    assert body["removed"] == {"revisions": 2} and body["withdrawn_at"]
    assert client.get(f"/api/v1/stories/{story['id']}").get_json() == body


def test_withdrawn_story_is_404_for_everyone_else(api_as):
    teller, _ = api_as("storyteller")
    other, _ = api_as("storyteller", "researcher", "host", "admin")
    story_id = teller.post("/api/v1/stories", json=NEW_STORY).get_json()["id"]
    assert other.get(f"/api/v1/stories/{story_id}").status_code == 200
    teller.post(f"/api/v1/stories/{story_id}/withdraw")
    answer = other.get(f"/api/v1/stories/{story_id}")
    assert answer.status_code == 404 and answer.get_json() == {"error": "No such story.", "detail": None}


@pytest.mark.parametrize(("payload", "message"), [
    ({**NEW_STORY, "body": ""}, "empty"),
    ({**NEW_STORY, "kind": "novel"}, "Unknown kind"),
    ({**NEW_STORY, "consent": {"research": "yes"}}, "true or false"),
    ({**NEW_STORY, "consent": {"everything": True}}, "Unknown consent scope"),
    ({**NEW_STORY, "secret": 1}, "Unknown field"),
    ({**NEW_STORY, "attribution": "loud"}, "Attribution"),
    ([1, 2], "JSON object"),
])
def test_bad_input_is_400_with_a_message_and_writes_nothing(api_as, payload, message):
    client, _ = api_as("storyteller")
    before = _counts()
    answer = client.post("/api/v1/stories", json=payload)
    assert answer.status_code == 400
    assert message in answer.get_json()["error"]
    assert _counts() == before


def test_not_json_and_huge_bodies(api_as):
    client, _ = api_as("storyteller")
    before = _counts()
    assert client.post("/api/v1/stories", data="title=x", content_type="text/plain").status_code == 400
    huge = client.post("/api/v1/stories", json={**NEW_STORY, "body": "x" * (5 * 1024 * 1024)})
    assert huge.status_code == 413 and "too large" in huge.get_json()["error"]
    assert _counts() == before


def test_authentication_is_by_bearer_token_only(app, make_user, make_story):
    user = make_user("storyteller")
    story = make_story(user)
    anonymous = app.test_client()
    assert anonymous.get(f"/api/v1/stories/{story.id}").status_code == 401
    bad = anonymous.get(f"/api/v1/stories/{story.id}", headers={"Authorization": "Bearer sb_not-a-token"})
    assert bad.status_code == 401 and "Bearer" in bad.get_json()["error"]
    session_only = sign_in(app.test_client(), user)
    assert session_only.get(f"/stories/{story.id}").status_code == 200
    assert session_only.get(f"/api/v1/stories/{story.id}").status_code == 401
    assert session_only.post("/api/v1/stories", json=NEW_STORY).status_code == 401


@pytest.mark.parametrize("path", ["/api/v1/stories/999999", "/api/v1/stories/abc", "/api/v1/stories/0/consent"])
def test_wrong_ids_are_404(api_as, path):
    client, _ = api_as("storyteller")
    answer = client.get(path) if "consent" not in path else client.patch(path, json={"research": True})
    assert answer.status_code == 404 and "error" in answer.get_json()


def test_other_tellers_cannot_change_or_withdraw(api_as, make_story):
    owner, teller = api_as("storyteller")
    story = make_story(teller)
    intruder, _ = api_as("storyteller")
    before = _counts()
    assert intruder.patch(f"/api/v1/stories/{story.id}", json={"body": "mine now"}).status_code == 404
    assert intruder.patch(f"/api/v1/stories/{story.id}/consent", json={"research": False}).status_code == 404
    assert intruder.post(f"/api/v1/stories/{story.id}/withdraw").status_code == 404
    assert _counts() == before


def test_researcher_reads_research_consented_stories_and_is_audited(api_as, make_story):
    client, researcher = api_as("researcher")
    yes = make_story(consent={"research": True, "workshop": False, "publication": False})
    no = make_story(consent={"research": False, "workshop": True, "publication": False})
    assert client.get(f"/api/v1/stories/{yes.id}").status_code == 200
    assert client.get(f"/api/v1/stories/{no.id}").status_code == 404
    listing = client.get("/api/v1/stories").get_json()
    assert [r["id"] for r in listing["results"]] == [yes.id] and listing["total"] == 1
    reads = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "story.read")).all()
    assert [(e.story_id, e.actor_id, e.purpose) for e in reads] == [(yes.id, researcher.id, "research")]


def test_researchers_cannot_tell_stories_through_the_api(api_as):
    client, _ = api_as("researcher")
    assert client.post("/api/v1/stories", json=NEW_STORY).status_code == 404


def test_openapi_documents_every_api_route(app):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule[len("/api/v1"):])
        assert path in paths, f"{rule.rule} is not in the OpenAPI document"
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in paths[path], f"{method} {rule.rule} is not documented"
    for path, item in paths.items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            assert operation["responses"], (path, method)
