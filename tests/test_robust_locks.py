"""A read never takes the write lock: a slow page does not make other requests wait or fail.

API tokens record their last use at most every few minutes, and audit rows of a read are
written at the commit, after the page is built; under gunicorn with 3 workers, while one
worker renders a very slow story, another process can take SQLite's write lock at once and
other reads and writes answer.
"""
from __future__ import annotations

import sqlite3
import threading
import time
from datetime import timedelta

import pytest
from serving_helpers import call, running_server
from sqlalchemy import select

from storybank import tx
from storybank.accounts.models import ApiToken
from storybank.accounts.services import create_token
from storybank.extensions import db
from storybank.timeutil import utcnow

SLOW_BODY = "![" * 49_999  # just under the Markdown limit: seconds to render, uncached in a fresh worker


def _last_used(token_id: int):
    db.session.expire_all()
    return db.session.get(ApiToken, token_id).last_used_at


def test_last_use_is_written_at_most_every_few_minutes(app, make_user, make_story):
    from conftest import api_client

    user = make_user("researcher")
    story = make_story()
    client = api_client(app, user)
    token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == user.id))
    assert client.get(f"/api/v1/stories/{story.id}").status_code == 200
    first = _last_used(token_id)
    assert first is not None  # the tokens page shows when it was last used
    assert client.get("/api/v1/codes").status_code == 200
    assert _last_used(token_id) == first  # not rewritten on every request
    db.session.get(ApiToken, token_id).last_used_at = utcnow() - timedelta(minutes=6)
    tx.commit()
    assert client.get("/api/v1/codes").status_code == 200
    assert _last_used(token_id) > first


def test_story_read_is_still_in_the_teller_uses(app, make_user, make_story, login_as):
    from storybank.audit.models import AuditEvent

    story = make_story()
    client, researcher = login_as("researcher")
    assert client.get(f"/stories/{story.id}").status_code == 200
    db.session.expire_all()
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.story_id == story.id,
                                                         AuditEvent.actor_id == researcher.id)).all()
    assert len(events) == 1


@pytest.mark.serving
def test_a_slow_read_holds_no_lock_and_stops_nobody(app, make_user, make_story, tmp_path):
    teller = make_user("storyteller")
    researcher = make_user("researcher")
    slow = make_story(teller, title="A very slow story", body=SLOW_BODY)
    quick = make_story(teller, title="An ordinary story")
    slow_token, token, teller_token = create_token(researcher), create_token(make_user("researcher")), \
        create_token(teller)
    tx.commit()
    slow_id, quick_id = slow.id, quick.id
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    db.session.remove()
    db.engine.dispose()

    slow_answer: list = []
    refused: list = []
    answers: list = []
    with running_server(app, 3, tmp_path / "serve.log") as base:
        reader = threading.Thread(target=lambda: slow_answer.append(
            call(base, "GET", f"/api/v1/stories/{slow_id}", slow_token, timeout=120)))
        started = time.monotonic()
        reader.start()
        time.sleep(0.5)
        n = 0
        while reader.is_alive() and n < 12:
            n += 1
            if url.startswith("sqlite"):
                probe = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=0, isolation_level=None)
                try:
                    probe.execute("BEGIN IMMEDIATE")  # the write lock, without waiting
                    probe.execute("ROLLBACK")
                except sqlite3.OperationalError as err:
                    refused.append(str(err))
                finally:
                    probe.close()
            answers.append(call(base, "GET", f"/api/v1/stories/{quick_id}", token)[0])
            answers.append(call(base, "PATCH", f"/api/v1/stories/{quick_id}", teller_token,
                                {"body": f"An ordinary story, edited {n} times."})[0])
        reader.join(120)
        elapsed = time.monotonic() - started
    assert slow_answer and slow_answer[0][0] == 200, slow_answer
    assert n >= 1 and elapsed > 0.5, "the slow story rendered too fast to test anything"
    assert refused == [], f"the write lock was held during a read: {refused}"
    assert set(answers) == {200}, answers
