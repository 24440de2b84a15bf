"""Several gunicorn workers, many clients: no write fails and none is lost, on SQLite and PostgreSQL.

3 workers, 10 clients coding and searching over the API for 15 seconds, loopback
only (the issue's 30 s found nothing more: each client has written many codings and
searched as often well before 15 s, with three processes writing the same index).
Every coding a client was told about must be in the database afterwards, and the
search index must know every theme it gave a story.
"""
from __future__ import annotations

import random
import threading
import time
from collections import Counter

import pytest
from serving_helpers import call, running_server
from sqlalchemy import func, select

from storybank import tx
from storybank.accounts.services import create_token
from storybank.coding.codebook import create_code
from storybank.coding.models import Coding
from storybank.extensions import db
from storybank.search.models import SearchOutbox

pytestmark = pytest.mark.serving
CLIENTS = 10
WORKERS = 3
SECONDS = 15
WORDS = ("waited", "appointment", "listened", "peer", "story", "hub")


def _client(base: str, token: str, story_ids: list[int], codes: dict[str, int], body_length: int, deadline: float,
            created: list, errors: list, seed: int) -> None:
    rng = random.Random(seed)
    n = 0
    while time.monotonic() < deadline:
        n += 1
        story_id, (name, code_id) = rng.choice(story_ids), rng.choice(sorted(codes.items()))
        start = rng.randrange(0, body_length - 10)
        try:
            status, _h, answer = call(base, "POST", f"/api/v1/stories/{story_id}/codings", token,
                                      {"code_id": code_id, "start": start, "end": start + rng.randint(3, 10)})
            if status == 201:
                created.append((answer["id"], story_id, code_id))
            else:
                errors.append(("coding", status, str(answer)[:300]))
            query = f"theme:{name}" if n % 3 == 0 else rng.choice(WORDS)
            status, _h, answer = call(base, "GET", f"/api/v1/search?purpose=research&q={query}", token)
            if status != 200:
                errors.append(("search", status, str(answer)[:300]))
        except OSError as err:  # refused, reset, timed out: each one a failed request
            errors.append(("connection", 0, repr(err)))


def test_three_workers_ten_clients_lose_and_fail_nothing(app, make_user, make_story, tmp_path):
    admin = make_user("researcher")
    codes = {name: create_code(admin, name).id for name in ("alpha", "beta", "gamma", "delta")}
    tx.commit()
    stories = [make_story(title=f"Story {i}") for i in range(12)]
    body_length = len(stories[0].revisions[-1].body)
    story_ids = [s.id for s in stories]
    coders = [make_user("researcher") for _ in range(CLIENTS)]
    tokens = [create_token(c) for c in coders]
    tx.commit()
    coder_ids = [c.id for c in coders]
    db.session.remove()
    db.engine.dispose()  # the server's processes are the only ones writing now

    created: list = []
    errors: list = []
    log = tmp_path / "serve.log"
    with running_server(app, WORKERS, log) as base:
        deadline = time.monotonic() + SECONDS
        threads = [threading.Thread(target=_client, args=(base, tokens[i], story_ids, codes, body_length, deadline,
                                                            created, errors, i)) for i in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(SECONDS + 120)
        assert not any(t.is_alive() for t in threads)
        # What the index says, asked through the server once the writing has stopped.
        themes_found = {name: call(base, "GET", f"/api/v1/search?purpose=research&per_page=100&q=theme:{name}",
                                   tokens[0])[2]["total"] for name in codes}

    server_log = log.read_text()
    print(f"\n{app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}: {len(created)} codings and as many searches "
          f"by {CLIENTS} clients in {SECONDS} s, {len(errors)} errors")
    assert errors == [], errors[:5]
    assert len(created) > CLIENTS  # every client got work done
    assert "Traceback" not in server_log and "WORKER TIMEOUT" not in server_log, server_log[-3000:]

    db.session.expire_all()
    stored = {row.id: (row.story_id, row.code_id) for row in db.session.scalars(
        select(Coding).where(Coding.coder_id.in_(coder_ids)))}
    assert {cid: (sid, code) for cid, sid, code in created} == stored  # each one there, and nothing else
    assert db.session.scalar(select(func.count()).select_from(SearchOutbox)) == 0  # no index change left behind
    coded = Counter(code_id for _story_id, code_id in set(stored.values()))
    assert themes_found == {name: coded[code_id] for name, code_id in codes.items()}
