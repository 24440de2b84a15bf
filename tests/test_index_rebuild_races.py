"""Rebuilds and withdrawals at the same time; a withdrawal while the index is corrupted or missing.

A rebuild that read a story before its withdrawal committed must never end with that story
in the index; requests write while `storybank reindex` runs (it holds no write transaction
between batches); an index that cannot be read while a story is withdrawn is deleted at
once, and the withdrawal says 200 only when no index file is left holding the story.
"""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
from conftest import csrf_token
from sqlalchemy import func, select
from test_index_withdrawal import CANARY, files_holding, rows_holding

from storybank import tx
from storybank.accounts.models import User
from storybank.archive.withdrawal import withdraw_story
from storybank.extensions import db
from storybank.search import indexing, rebuilding, service, whoosh_engine
from storybank.search.models import SearchDocument, SearchOutbox

REBUILDS = {"reindex": indexing.rebuild, "background": indexing.rebuild_engine_only}


def _paused_rebuild(app, rebuild) -> tuple[threading.Thread, threading.Event, threading.Event, dict]:
    """Run `rebuild` in another thread; it stops after its first batch until `resume` is set."""
    paused, resume, outcome = threading.Event(), threading.Event(), {}

    def progress(_phase: str, _n: int) -> None:
        if not paused.is_set():
            paused.set()
            resume.wait(60)

    def run() -> None:
        with app.app_context():
            try:
                outcome["count"] = rebuild(progress)
            except BaseException as err:  # (reported by the test)
                outcome["error"] = err
            finally:
                db.session.remove()

    thread = threading.Thread(target=run)
    thread.start()
    assert paused.wait(60), outcome
    return thread, paused, resume, outcome


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(indexing, "REBUILD_BATCH", 2)
    monkeypatch.setattr(indexing, "BATCH", 2)
    monkeypatch.setattr(whoosh_engine, "SEGMENT_DOCS", 2)
    monkeypatch.setattr(whoosh_engine, "SMALL_SEGMENT", 1)


@pytest.mark.parametrize("which", sorted(REBUILDS))
def test_a_story_withdrawn_while_a_rebuild_runs_is_not_put_back(app, make_user, make_story, small_batches, which,
                                                                 monkeypatch):
    teller = make_user("storyteller")
    canary = make_story(teller, title=f"About {CANARY}", body=f"My {CANARY} story about the hub.")  # first batch
    others = {make_story(title=f"Hub {n}", body=f"Story {n} about the hub.").id for n in range(7)}
    teller_id, canary_id = teller.id, canary.id
    db.session.remove()

    thread, _paused, resume, outcome = _paused_rebuild(app, REBUILDS[which])
    try:  # the rebuild has read the canary; now its teller withdraws it
        withdraw_story(db.session.get(User, teller_id), canary_id)
        tx.commit()
        process_outbox = indexing.process_outbox
        monkeypatch.setattr(indexing, "process_outbox", lambda strict=False: 0)  # no clearing of the queue after
    finally:
        resume.set()
        thread.join(120)
    assert "error" not in outcome, outcome
    assert files_holding(app, CANARY) == []  # the new index never held it: removed before the swap
    process_outbox()

    db.session.expire_all()
    assert files_holding(app, CANARY) == []
    assert rows_holding(CANARY) == []
    researcher = make_user("researcher")
    assert service.search(researcher, CANARY).total == 0
    assert {h.id for h in service.search(researcher, "hub", per_page=50).hits} == others
    assert db.session.scalar(select(func.count()).select_from(SearchOutbox)) == 0
    held = db.session.scalar(select(func.count()).select_from(SearchDocument).where(
        SearchDocument.purpose == "research"))
    assert indexing.engine().count("research") == held == len(others)


def test_requests_write_while_storybank_reindex_runs(app, make_user, make_story, small_batches):
    for n in range(6):
        make_story(title=f"Hub {n}", body=f"Story {n} about the hub.")
    researcher = make_user("researcher")
    researcher_id = researcher.id
    tx.commit()
    db.session.remove()

    thread, _paused, resume, outcome = _paused_rebuild(app, indexing.rebuild)
    try:  # with the old rebuild this waited for SQLite's write lock, then failed "database is locked"
        written = make_story(title="Written meanwhile", body="A story saved during the reindex: ocelotword.").id
        tx.commit()
    finally:
        resume.set()
        thread.join(120)
    assert "error" not in outcome, outcome
    assert outcome["count"] == 6  # the stories there when it started; the seventh came through the queue
    researcher = db.session.get(User, researcher_id)
    assert [h.id for h in service.search(researcher, "ocelotword").hits] == [written]
    assert db.session.scalar(select(func.count()).select_from(SearchOutbox)) == 0


def _garble(folder: Path) -> None:
    for path in folder.glob("*.seg"):
        path.write_bytes(bytes((i * 97 + 13) % 256 for i in range(path.stat().st_size)))


def _corrupted_index(app, make_story, teller) -> tuple[int, set[int]]:
    if indexing.engine().transactional:
        pytest.skip("PostgreSQL's index is the withdrawal's own table rows: no files to corrupt or lose")
    story = make_story(teller, title=f"About {CANARY}", body=f"My {CANARY} story about the hub.")
    others = {make_story(title=f"Hub {n}", body=f"Story {n} about the hub.").id for n in range(4)}
    index_dir = Path(app.config["INDEX_DIR"])
    indexing.engine().clear_cache()
    _garble(index_dir / "research")
    _garble(index_dir / "workshop")
    assert files_holding(app, CANARY), "the damaged files still hold the word"
    return story.id, others


def test_a_withdrawal_deletes_a_corrupted_index_at_once(app, login_as, make_user, make_story):
    client, teller = login_as("storyteller")
    story_id, others = _corrupted_index(app, make_story, teller)

    token = csrf_token(client, f"/stories/{story_id}/withdraw")
    answer = client.post(f"/stories/{story_id}/withdraw", data={"csrf_token": token, "confirm": "y"})
    assert answer.status_code == 302 and answer.location.endswith(f"/stories/{story_id}")  # to the tombstone
    assert files_holding(app, CANARY) == []  # at once, not when the rebuild is done
    rebuilding.wait(120)
    researcher = make_user("researcher")
    assert {h.id for h in service.search(researcher, "hub", per_page=50).hits} == others
    assert service.search(researcher, CANARY).total == 0
    assert files_holding(app, CANARY) == []


def test_a_withdrawal_that_cannot_delete_a_corrupted_index_answers_503(app, login_as, make_story, monkeypatch):
    client, teller = login_as("storyteller")
    story_id, _others = _corrupted_index(app, make_story, teller)
    monkeypatch.setattr(whoosh_engine.shutil, "rmtree", lambda *a, **k: None)  # a read-only disk, say
    monkeypatch.setattr(indexing, "RETRY_DELAYS", (0.01,))

    token = csrf_token(client, f"/stories/{story_id}/withdraw")
    answer = client.post(f"/stories/{story_id}/withdraw", data={"csrf_token": token, "confirm": "y"})
    assert answer.status_code == 503
    assert "search index could not be updated" in answer.get_data(as_text=True)
