"""Input that cannot be stored is refused with 400 and a message, in one place, and nothing is saved."""
from __future__ import annotations

import json

import pytest
from conftest import api_client, csrf_token
from sqlalchemy import func, select

from storybank.archive.models import Story, StoryRevision
from storybank.coding.models import Coding
from storybank.extensions import db


def _counts() -> tuple[int, int, int]:
    db.session.expire_all()
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Story, StoryRevision, Coding))


def _story(**changes: object) -> dict:
    data = {"title": "A title", "body": "Some words.", "kind": "lived_experience", "site": "Luton",
            "consent": {"research": True, "workshop": False, "publication": False}, "attribution": "pseudonym"}
    data.update(changes)
    return data


def _raw(document: dict) -> str:
    """JSON as a client would send it, escapes and all (json.dumps writes a lone surrogate as \\ud800)."""
    return json.dumps(document)


@pytest.mark.parametrize(("changes", "message"), [
    ({"body": "Before \ud800 after."}, "lone surrogate (\\ud800)"),
    ({"title": "Lone \udfff"}, "lone surrogate (\\udfff)"),
    ({"site": "Lu\x00ton"}, "NUL character"),
    ({"body": "Some\x00words."}, "NUL character"),
    ({"consent": {"research\x00": True}}, "NUL character"),
])
def test_api_story_with_unstorable_text_is_400_and_saves_nothing(app, make_user, changes, message):
    client = api_client(app, make_user("storyteller"))
    before = _counts()
    answer = client.post("/api/v1/stories", data=_raw(_story(**changes)), content_type="application/json")
    assert answer.status_code == 400, answer.get_data(as_text=True)
    assert message in answer.get_json()["error"] and "nothing was saved" in answer.get_json()["error"]
    assert _counts() == before


@pytest.mark.parametrize("document", [
    "[" * 100_000 + "]" * 100_000,
    json.dumps(_story(signifiers=json.loads("[" * 40 + "]" * 40))),
    '{"title": ' + '{"a": ' * 5_000 + "1" + "}" * 5_000 + "}",
])
def test_deeply_nested_json_is_400(app, make_user, document):
    client = api_client(app, make_user("storyteller"))
    before = _counts()
    answer = client.post("/api/v1/stories", data=document, content_type="application/json")
    assert answer.status_code == 400
    assert "nested too deeply" in answer.get_json()["error"]
    assert _counts() == before


def test_api_edit_and_coding_with_unstorable_text_change_nothing(app, make_user, make_story):
    teller = make_user("storyteller")
    story = make_story(teller)
    body = story.current_revision.body
    answer = api_client(app, teller).patch(f"/api/v1/stories/{story.id}", data=_raw({"body": "New \ud800"}),
                                           content_type="application/json")
    assert answer.status_code == 400 and "lone surrogate" in answer.get_json()["error"]
    researcher = api_client(app, make_user("researcher"))
    code = researcher.post("/api/v1/codes", json={"name": "Hope"}).get_json()
    before = _counts()
    answer = researcher.post(f"/api/v1/stories/{story.id}/codings", data=_raw({"code_id": code["id"], "memo": "a\x00b"}),
                             content_type="application/json")
    assert answer.status_code == 400 and "NUL" in answer.get_json()["error"]
    assert _counts() == before
    db.session.expire_all()
    assert db.session.get(Story, story.id).current_revision.body == body


def test_form_with_a_nul_byte_is_400_with_the_field_named(app, login_as):
    client, _ = login_as("storyteller")
    token = csrf_token(client, "/stories/new")
    before = _counts()
    answer = client.post("/stories/new", data={
        "csrf_token": token, "title": "A title", "body": "Some\x00words.", "kind": "lived_experience",
        "site": "Luton", "research": "y", "attribution": "pseudonym", "form_version": "1"})
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert "NUL character" in page and "body" in page
    assert _counts() == before


@pytest.mark.parametrize("path", ["/search?q=wait%00ed", "/api/v1/search?q=wait%00ed&purpose=research",
                                  "/research/stories?site=Lu%00ton"])
def test_query_with_a_nul_byte_is_400(app, make_user, login_as, path):
    client, researcher = login_as("researcher")
    if path.startswith("/api/"):
        client = api_client(app, researcher)
    answer = client.get(path)
    assert answer.status_code == 400 and "NUL character" in answer.get_data(as_text=True)


def test_broken_utf8_in_a_query_is_not_an_error(app, login_as):
    client, _ = login_as("researcher")
    assert client.get("/search?q=%ED%A0%80waited").status_code == 200  # read as U+FFFD, never a surrogate
