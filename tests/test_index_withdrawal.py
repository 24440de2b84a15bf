"""Withdrawal reaches the search index: after retraining suggestions, across several Whoosh segments,
with a writer that fails, and with a lock left by a killed process."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import csrf_token
from sqlalchemy import String, Text, cast, func, or_, select

from storybank import tx
from storybank.accounts.models import User
from storybank.archive.withdrawal import withdraw_story
from storybank.coding import codebook, suggest_classifier
from storybank.coding.codings import apply_coding
from storybank.coding.models import Code
from storybank.extensions import db
from storybank.search import indexing, service, whoosh_engine, whoosh_files
from storybank.search.models import SearchDocument, SearchOutbox

CANARY = "zqxcanaryword7f3a"  # one token the analyser keeps whole and leaves unstemmed
SITE = "Canaryville"
CODED = ["The waiting list was months long.", "They put me on a waiting list again.",
         "I waited months for a referral."]


def files_holding(app, needle: str) -> list[Path]:
    roots = [Path(app.config["INDEX_DIR"]).parent]
    return [p for root in roots for p in root.rglob("*") if p.is_file() and needle.encode() in p.read_bytes()]


def rows_holding(needle: str) -> list[str]:
    hits = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text) or c.type.__class__.__name__ == "JSON"]
        if columns:
            condition = or_(*(cast(c, Text).like(f"%{needle}%") for c in columns))
            if db.session.scalar(select(func.count()).select_from(table).where(condition)):
                hits.append(table.name)
    return hits


def segments(app) -> int:
    from whoosh import index as whoosh_index

    if indexing.engine().transactional:
        return 0
    ix = whoosh_index.open_dir(str(Path(app.config["INDEX_DIR"]) / "research"))
    try:
        return len(ix._segments())
    finally:
        ix.close()


def host_and_researcher(make_user):
    return make_user("host"), make_user("researcher")


def coded_for_training(make_user, make_story) -> User:
    """A researcher with the starter codebook and three stories coded enough to train suggestions on."""
    researcher = make_user("researcher")
    codebook.install_starter(researcher)
    scarcity = db.session.scalar(select(Code).where(Code.name == "Scarcity")).id
    for i in range(3):
        body = " ".join(CODED) + f" Then story {i} went on."
        story = make_story(body=body, title=f"Coded {i}")
        for sentence in CODED:
            start = body.index(sentence)
            apply_coding(researcher, story.id, scarcity, start, start + len(sentence))
    tx.commit()
    return researcher


@pytest.fixture
def many_stories(app, make_story, monkeypatch):
    """A dozen stories in several Whoosh segments (small segments, none merged by the way)."""
    monkeypatch.setattr(whoosh_engine, "SEGMENT_DOCS", 2)
    monkeypatch.setattr(whoosh_engine, "SMALL_SEGMENT", 1)
    return [make_story(title=f"Weather {n}", body=f"Story {n} about the weather and the hub.") for n in range(12)]


def test_retraining_suggestions_then_withdrawing_leaves_no_trace(app, make_user, make_story, many_stories):
    researcher = coded_for_training(make_user, make_story)
    teller = make_user("storyteller")
    suggest_classifier.train(researcher, epochs=2)
    tx.commit()
    canary = make_story(teller, title=f"About {CANARY}", body=f"My {CANARY} story about the hub.", site=SITE)
    suggest_classifier.train(researcher, epochs=2)  # the same training again: once this reseeded `random`
    tx.commit()
    later = make_story(body="Another story about the hub, written after the second training: ocelotword.")
    assert service.search(researcher, CANARY).total == 1
    assert files_holding(app, CANARY) or indexing.engine().transactional

    withdraw_story(teller, canary.id)
    tx.commit()  # the index removal must succeed, not be logged and skipped

    assert files_holding(app, CANARY) == []
    assert rows_holding(CANARY) == []
    assert db.session.scalar(select(func.count()).select_from(SearchOutbox)) == 0
    # Nothing else was lost or doubled on the way (reused segment names overwrote each other's files).
    held = db.session.scalar(select(func.count()).select_from(SearchDocument).where(
        SearchDocument.purpose == "research"))
    assert indexing.engine().count("research") == held
    assert {h.id for h in service.search(researcher, "ocelotword").hits} == {later.id}
    for user in host_and_researcher(make_user):
        results = service.search(user, "hub")
        assert canary.id not in {h.id for h in results.hits}
        assert SITE not in {f.value for f in results.facets["site"]}
        assert service.search(user, CANARY).total == 0


def test_training_leaves_the_global_random_generators_alone(app, make_user, make_story):
    import random

    import numpy

    researcher = coded_for_training(make_user, make_story)
    draws = []
    for _ in range(2):
        suggest_classifier.train(researcher, epochs=1)
        tx.commit()
        draws.append((random.random(), float(numpy.random.random())))
    assert draws[0][0] != draws[1][0] and draws[0][1] != draws[1][1]


def test_whoosh_segment_names_do_not_follow_a_reseeded_global_random(tmp_path):
    import random

    from whoosh.codec.base import Segment

    names = []
    for _ in range(2):
        random.seed(0)  # what a library that fixes seeds does
        names.append(Segment._random_id())
    assert names[0] != names[1]


def test_withdrawal_expunges_the_story_from_a_segment_among_several(app, make_user, make_story, many_stories):
    teller = make_user("storyteller")
    canary = make_story(teller, body=f"My {CANARY} story about the hub.", site=SITE)
    more = [make_story(body=f"Later story {n} about the hub.").id for n in range(3)]
    expected = {s.id for s in many_stories} | set(more)
    teller_id, canary_id = teller.id, canary.id
    indexing.rebuild()  # segments of a few stories each, as `storybank reindex` leaves them
    teller = db.session.get(User, teller_id)
    if not indexing.engine().transactional:
        assert segments(app) >= 4
        assert files_holding(app, CANARY), "the index holds the word before withdrawal"
    else:
        assert {"search_documents", "search_words"} <= set(rows_holding(CANARY))

    withdraw_story(teller, canary_id)
    tx.commit()

    assert files_holding(app, CANARY) == []
    assert rows_holding(CANARY) == []
    researcher = make_user("researcher")
    assert {h.id for h in service.search(researcher, "hub", per_page=50).hits} == expected
    assert SITE not in {f.value for f in service.search(researcher, "hub").facets["site"]}


def test_a_withdrawal_whose_index_removal_fails_answers_503_not_200(app, login_as, make_story, monkeypatch):
    if indexing.engine().transactional:
        pytest.skip("PostgreSQL removes the story's index row in the withdrawal's own transaction")
    client, teller = login_as("storyteller")
    story = make_story(teller, body=f"My {CANARY} story.", site=SITE)
    attempts = []

    def broken(self, docs, removals):
        attempts.append(removals)
        raise OSError("No space left on device")

    monkeypatch.setattr(whoosh_engine.WhooshEngine, "write", broken)
    monkeypatch.setattr(indexing, "RETRY_DELAYS", (0.01, 0.01))
    token = csrf_token(client, f"/stories/{story.id}/withdraw")
    answer = client.post(f"/stories/{story.id}/withdraw", data={"csrf_token": token, "confirm": "y"})
    assert answer.status_code == 503
    text = answer.get_data(as_text=True)
    assert "search index could not be updated" in text and "No space left on device" in text
    assert len(attempts) == 3  # retried before giving up
    monkeypatch.undo()
    researcher_client, researcher = login_as("researcher")
    page = researcher_client.get(f"/search?q={CANARY}")
    assert page.status_code == 200 and "No stories match" in page.get_data(as_text=True) or CANARY not in \
        page.get_data(as_text=True)
    make_story(body="The next write applies the queued removal too.")
    assert files_holding(app, CANARY) == []


def test_a_lock_held_by_a_live_process_times_out_with_a_clear_error(app, make_user, make_story, monkeypatch):
    if indexing.engine().transactional:
        pytest.skip("no index files with PostgreSQL")
    make_story(body="First.")
    holder = _hold_lock(app)
    try:
        app.config["SEARCH_LOCK_TIMEOUT"] = 0.3
        monkeypatch.setattr(indexing, "RETRY_DELAYS", (0.01,))
        began = time.monotonic()
        with pytest.raises(indexing.IndexNotUpdated, match="busy"):
            make_story(body=f"Blocked {CANARY}.")
        assert time.monotonic() - began < 5
    finally:
        holder.kill()
        holder.communicate()
    app.config["SEARCH_LOCK_TIMEOUT"] = 5
    assert indexing.process_outbox() == 1  # the holder is gone: the queued write goes through


def test_a_lock_left_by_a_killed_process_does_not_block(app, make_user, make_story):
    if indexing.engine().transactional:
        pytest.skip("no index files with PostgreSQL")
    make_story(body="First.")
    holder = _hold_lock(app)
    os.kill(holder.pid, signal.SIGKILL)
    holder.communicate()
    began = time.monotonic()
    story = make_story(body=f"After the kill {CANARY}.")
    assert time.monotonic() - began < 5
    assert {h.id for h in service.search(make_user("researcher"), CANARY).hits} == {story.id}


def _hold_lock(app) -> subprocess.Popen:
    """Another process takes the index's write lock and keeps it (until killed)."""
    lock = whoosh_files.sibling(Path(app.config["INDEX_DIR"]), ".lock")
    code = ("import fcntl, sys, time\nhandle = open(sys.argv[1], 'a')\nfcntl.flock(handle, fcntl.LOCK_EX)\n"
            "print('held', flush=True)\ntime.sleep(120)\n")
    holder = subprocess.Popen([sys.executable, "-c", code, str(lock)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder
