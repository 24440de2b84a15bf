"""Abusive search input answers 400 with a clear message on the page and in the API, never a 500."""
from __future__ import annotations

from urllib.parse import quote

import pytest

from storybank import tx
from storybank.accounts.services import create_token

NESTED = "(" * 250 + "hub" + ")" * 250
ABUSE = {
    "nested brackets": (NESTED, "nested more than 32 deep"),
    "nested NOTs": ("NOT " * 200 + "hub", "nested more than 32 deep"),
    "a NUL byte": ("hub\x00crisis", "NUL"),
    "a NUL byte in a filter": ('site:"Sal\x00ford"', "NUL"),
    "a control character": ("hub\x1bcrisis", "U+001B"),
}


@pytest.mark.parametrize("name", list(ABUSE))
def test_the_search_page_refuses_abuse_with_400(app, login_as, make_story, name):
    text, message = ABUSE[name]
    make_story(body="The hub listened.")
    client, _ = login_as("researcher")
    for show in ("stories", "excerpts"):
        page = client.get(f"/search?show={show}&q={quote(text)}")
        assert page.status_code == 400, (name, show)
        assert message in page.get_data(as_text=True)


@pytest.mark.parametrize("name", list(ABUSE))
def test_the_api_refuses_abuse_with_400(app, make_user, make_story, name):
    text, message = ABUSE[name]
    make_story(body="The hub listened.")
    user = make_user("researcher", "host")
    token = create_token(user, "test")
    tx.commit()
    client = app.test_client()
    answer = client.get(f"/api/v1/search?q={quote(text)}", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 400, answer.get_data(as_text=True)[:300]
    assert message in answer.get_json()["error"]
    if message in ("NUL", "U+001B"):  # a filter value is quoted: brackets there are just characters
        filtered = client.get(f"/api/v1/search?site={quote(text)}", headers={"Authorization": f"Bearer {token}"})
        assert filtered.status_code == 400 and message in filtered.get_json()["error"]


def test_invalid_utf8_and_lone_surrogates_never_give_500(app, login_as, make_user, make_story):
    make_story(body="The hub listened.")
    client, _ = login_as("researcher")
    for raw in ("%ED%A0%80", "%FF%FE", "hub%ED%B0%80"):  # a UTF-8-encoded lone surrogate, bytes that are not UTF-8
        page = client.get(f"/search?q={raw}")
        assert page.status_code in (200, 400), raw
    from storybank.search import service
    from storybank.search.query import QuerySyntaxError

    with pytest.raises(QuerySyntaxError, match="U\\+D800"):
        service.search(make_user("researcher"), "hub\ud800")


def test_thirty_brackets_deep_is_still_a_question(app, login_as, make_story):
    story = make_story(body="The hub listened.")
    client, _ = login_as("researcher")
    page = client.get("/search?q=" + quote("(" * 30 + "hub" + ")" * 30))
    assert page.status_code == 200
    assert f"/stories/{story.id}" in page.get_data(as_text=True)
