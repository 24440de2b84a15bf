"""A lost or corrupted index, a killed reindex, readers of deleted files: detected, rebuilt, cleaned."""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

from storybank import create_app, tx
from storybank.archive.withdrawal import withdraw_story
from storybank.extensions import db
from storybank.search import indexing, rebuilding, service, whoosh_files

CANARY = "zqxcanaryword7f3a"


@pytest.fixture
def whoosh(app):
    if indexing.engine().transactional:
        pytest.skip("PostgreSQL's index is the database's own table: no files to lose")
    return Path(app.config["INDEX_DIR"])


@pytest.fixture
def stories(app, make_story):
    return [make_story(body=f"Story {n} about the hub and the waiting list.").id for n in range(8)]


def _ids(user, text: str) -> set[int]:
    return {h.id for h in service.search(user, text, per_page=50).hits}


def test_a_deleted_index_folder_is_detected_rebuilt_and_said(app, whoosh, stories, make_user, login_as):
    researcher = make_user("researcher")
    assert _ids(researcher, "hub") == set(stories)
    shutil.rmtree(whoosh)  # while the app runs; this thread's reader still has the old files open
    client, _ = login_as("researcher")
    page = client.get("/search?q=hub")
    assert page.status_code == 503
    assert "Search is being rebuilt" in page.get_data(as_text=True)
    rebuilding.wait()
    assert _ids(researcher, "hub") == set(stories)
    assert client.get("/search?q=hub").status_code == 200


def test_an_index_left_empty_is_not_taken_for_no_results(app, whoosh, stories, make_user):
    researcher = make_user("researcher")
    assert _ids(researcher, "hub") == set(stories)
    from whoosh import index as whoosh_index

    from storybank.search.whoosh_schema import schema

    for purpose in ("research", "workshop"):  # an index that exists but lost its documents
        shutil.rmtree(whoosh / purpose)
        (whoosh / purpose).mkdir()
        whoosh_index.create_in(str(whoosh / purpose), schema()).close()
    with pytest.raises(rebuilding.SearchRebuilding, match="Search is being rebuilt"):
        service.search(researcher, "hub")
    rebuilding.wait()
    assert _ids(researcher, "hub") == set(stories)


def test_the_api_says_search_is_being_rebuilt(app, whoosh, stories, make_user, monkeypatch):
    from storybank.accounts.services import create_token

    user = make_user("researcher")
    token = create_token(user, "test")
    tx.commit()
    shutil.rmtree(whoosh)
    started = threading.Event()
    release = threading.Event()
    original = indexing.rebuild_engine_only

    def slow(progress=None):
        started.set()
        release.wait(20)
        return original(progress)

    monkeypatch.setattr(indexing, "rebuild_engine_only", slow)
    answer = app.test_client().get("/api/v1/search?q=hub", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 503
    assert answer.get_json()["error"].startswith("Search is being rebuilt")
    assert answer.get_json()["detail"]["rebuilding"] is True
    release.set()
    rebuilding.wait()
    again = app.test_client().get("/api/v1/search?q=hub", headers={"Authorization": f"Bearer {token}"})
    assert again.status_code == 200 and again.get_json()["total"] == len(stories)


def test_a_killed_reindex_leaves_no_text_after_the_next_start(app, whoosh, stories, make_user, make_story):
    story = make_story(body=f"My {CANARY} story.")
    building = whoosh_files.sibling(whoosh, ".building")
    shutil.copytree(whoosh, building)  # what a reindex killed half way leaves behind
    assert any(CANARY.encode() in p.read_bytes() for p in building.rglob("*") if p.is_file())
    create_app(dict(app.config))  # the next start
    assert not building.exists()
    assert story.id in _ids(make_user("researcher"), CANARY)


def test_withdrawal_deletes_a_killed_reindexs_leftovers(app, whoosh, make_user, make_story):
    teller = make_user("storyteller")
    story = make_story(teller, body=f"My {CANARY} story.")
    building = whoosh_files.sibling(whoosh, ".building")
    shutil.copytree(whoosh, building)
    withdraw_story(teller, story.id)
    tx.commit()
    assert not building.exists()
    assert not [p for p in whoosh.parent.rglob("*") if p.is_file() and CANARY.encode() in p.read_bytes()]


def _open_deleted_index_files() -> list[str]:
    """Index files deleted from the folder that this process still has open or mapped (readable via /proc)."""
    out = []
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.endswith("(deleted)") and "search-index" in target:
            out.append(target)
    for line in Path("/proc/self/maps").read_text().splitlines():
        if line.endswith("(deleted)") and "search-index" in line:
            out.append(line.split(None, 5)[-1])
    return out


def test_after_a_withdrawal_an_idle_thread_holds_no_deleted_index_file(app, whoosh, stories, make_user,
                                                                         login_as, make_story):
    teller = make_user("storyteller")
    story = make_story(teller, body=f"My {CANARY} story about the hub.")
    other_client, _ = login_as("researcher")
    results: dict[str, object] = {}
    go_on = threading.Event()
    searched = threading.Event()

    def other_worker() -> None:  # a second thread, as in a threaded server: its own readers
        results["first"] = other_client.get(f"/search?q={CANARY}").status_code
        searched.set()
        go_on.wait(30)
        results["after"] = _open_deleted_index_files()  # idle since its search: no next request, no gc

    thread = threading.Thread(target=other_worker)
    thread.start()
    assert searched.wait(30) and results["first"] == 200
    withdraw_story(teller, story.id)
    tx.commit()
    go_on.set()
    thread.join(30)
    assert results["after"] == [], "an idle thread still held the withdrawn story's deleted segment open"
    db.session.remove()
