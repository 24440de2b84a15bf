"""Two edits of the same story at once: one is saved, the other is told to reload (409), none fails.

Under gunicorn with 3 workers, 50 clients PATCH the same story at the same moment, on SQLite
and PostgreSQL: with the revision they started from, exactly one wins and 49 get 409 with a
message; without it, the edits are saved one after the other as revisions 2, 3, ...
"""
from __future__ import annotations

import threading

import pytest
from conftest import api_client, csrf_token
from serving_helpers import call, running_server
from sqlalchemy import select

from storybank import tx
from storybank.accounts.services import create_token
from storybank.archive.models import StoryRevision
from storybank.extensions import db

CLIENTS = 50


def _all_at_once(base: str, token: str, path: str, bodies: list[dict]) -> list[tuple[int, object]]:
    barrier = threading.Barrier(len(bodies))
    answers: list = [None] * len(bodies)

    def one(i: int) -> None:
        barrier.wait()
        try:
            status, _h, payload = call(base, "PATCH", path, token, bodies[i], timeout=60)
        except OSError as err:
            status, payload = 0, repr(err)
        answers[i] = (status, payload)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return answers


def _numbers(story_id: int) -> list[int]:
    db.session.expire_all()
    return list(db.session.scalars(select(StoryRevision.number).where(StoryRevision.story_id == story_id)
                                   .order_by(StoryRevision.number)))


@pytest.mark.serving
def test_fifty_edits_at_once_one_saved_the_rest_409(app, make_user, make_story, tmp_path):
    teller = make_user("storyteller")
    story = make_story(teller)
    token = create_token(teller)
    tx.commit()
    story_id = story.id
    db.session.remove()
    db.engine.dispose()
    with running_server(app, 3, tmp_path / "serve.log") as base:
        path = f"/api/v1/stories/{story_id}"
        raced = _all_at_once(base, token, path, [{"body": f"Edit {i}.", "revision": 1} for i in range(CLIENTS)])
        unversioned = _all_at_once(base, token, path, [{"body": f"Later edit {i}."} for i in range(CLIENTS)])
    log = (tmp_path / "serve.log").read_text()
    statuses = sorted(status for status, _ in raced)
    print(f"\nwith the revision: {statuses.count(200)} saved, {statuses.count(409)} told to reload; "
          f"without: {sorted(s for s, _ in unversioned)[:3]}...")
    assert statuses == [200] + [409] * (CLIENTS - 1), raced
    assert all("reload" in payload["error"] for status, payload in raced if status == 409)
    assert {s for s, _ in unversioned} <= {200, 409}, unversioned
    saved = sum(1 for s, _ in unversioned if s == 200)
    assert saved >= CLIENTS // 2  # one after the other, not refused
    assert _numbers(story_id) == list(range(1, 3 + saved))
    assert "Traceback" not in log, log[-3000:]


def test_the_edit_form_says_reload_and_keeps_the_text(app, login_as, make_story):
    client, teller = login_as("storyteller")
    story = make_story(teller)
    token = csrf_token(client, f"/stories/{story.id}/edit")  # the form carries revision 1
    assert api_client(app, teller).patch(f"/api/v1/stories/{story.id}", json={"body": "Saved elsewhere first."}
                                         ).status_code == 200
    answer = client.post(f"/stories/{story.id}/edit", data={
        "csrf_token": token, "title": "Mine", "body": "My careful new words.", "revision": "1"})
    assert answer.status_code == 409
    page = answer.get_data(as_text=True)
    assert "Someone else saved this story just now" in page and "My careful new words." in page
    assert _numbers(story.id) == [1, 2]


def test_the_api_refuses_a_stale_revision_and_names_the_current_one(app, make_user, make_story):
    teller = make_user("storyteller")
    story = make_story(teller)
    client = api_client(app, teller)
    assert client.patch(f"/api/v1/stories/{story.id}", json={"body": "Two.", "revision": 1}).status_code == 200
    stale = client.patch(f"/api/v1/stories/{story.id}", json={"body": "Three?", "revision": 1})
    assert stale.status_code == 409 and stale.get_json()["detail"] == {"revision": 2}
    assert client.patch(f"/api/v1/stories/{story.id}", json={"body": "Three.", "revision": "x"}).status_code == 400
    assert _numbers(story.id) == [1, 2]
