"""Withdrawal deletes: no byte of the story survives in the database or the instance folder."""
from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import String, Text, cast, func, or_, select

from storybank import hooks, tx
from storybank.archive.models import Story, StoryRevision
from storybank.archive.stories import revise_story
from storybank.archive.withdrawal import withdraw_story
from storybank.extensions import db

CANARY = "zqxcanaryword7f3a"  # one token the analyser keeps whole and unstemmed: the index holds it as is


def _files_containing(folder: Path, needle: bytes) -> list[str]:
    hits = []
    for path in folder.rglob("*"):
        if path.is_file() and needle in path.read_bytes():
            hits.append(str(path))
    return hits


def _rows_containing(needle: str) -> list[str]:
    """Every text-like column of every table, searched in the database itself."""
    hits = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text) or c.type.__class__.__name__ == "JSON"]
        if not columns:
            continue
        condition = or_(*(cast(c, Text).like(f"%{needle}%") for c in columns))
        count = db.session.scalar(select(func.count()).select_from(table).where(condition))
        if count:
            hits.append(f"{table.name}: {count}")
    return hits


def test_withdrawal_leaves_zero_bytes_of_the_canary(app, make_user, make_story, monkeypatch):
    from storybank.accounts.models import User
    from storybank.search import indexing, whoosh_engine

    monkeypatch.setattr(whoosh_engine, "SEGMENT_DOCS", 2)  # several segments, none merged by the way
    monkeypatch.setattr(whoosh_engine, "SMALL_SEGMENT", 1)
    teller = make_user("storyteller")
    for n in range(5):
        make_story(body=f"Story {n} before it.")
    story = make_story(teller, title=f"My story {CANARY}", body=f"It began in March. {CANARY}\n\nThen it got worse.")
    revise_story(teller, story.id, body=f"It began in March. {CANARY}\n\nThen it got better. {CANARY}")
    revise_story(teller, story.id, title=f"Still mine {CANARY}")
    tx.commit()
    for n in range(5):
        make_story(body=f"Story {n} after it.")
    teller_id, story_id = teller.id, story.id
    indexing.rebuild()
    teller, story = db.session.get(User, teller_id), db.session.get(Story, story_id)
    assert _rows_containing(CANARY), "the canary should be stored before withdrawal"
    if not indexing.engine().transactional:
        assert _files_containing(Path(app.config["INDEX_DIR"]), CANARY.encode()), "and in the index files"

    tombstone = withdraw_story(teller, story.id)
    tx.commit()  # runs the app's own clean-up step (VACUUM on SQLite)

    assert _rows_containing(CANARY) == []
    instance = Path(app.config["INSTANCE_PATH"])
    assert _files_containing(instance, CANARY.encode()) == []
    assert _files_containing(instance, CANARY.encode("utf-16-le")) == []
    if db.engine.dialect.name == "sqlite":
        assert (instance / "storybank.sqlite3").exists()
    assert db.session.scalar(select(func.count()).select_from(StoryRevision).where(StoryRevision.story_id == story.id)) == 0
    assert tombstone.withdrawn and tombstone.withdrawn_at is not None
    assert tombstone.kind == "lived_experience"
    assert tombstone.removed_counts == {"revisions": 3}
    assert tombstone.title is None and tombstone.site == "" and tombstone.signifiers is None


def test_the_connected_withdrawal_steps_run_and_are_counted(app, make_user, make_story, monkeypatch):
    deleted = []

    def fake_codings(story: Story) -> dict[str, int]:
        deleted.append(story.id)
        return {"codings": 3}

    monkeypatch.setattr(hooks.current(), "withdrawal", [])
    hooks.current().add("test", "withdrawal", fake_codings)
    teller = make_user("storyteller")
    story = make_story(teller)
    withdraw_story(teller, story.id)
    tx.commit()
    assert deleted == [story.id]
    assert db.session.get(Story, story.id).removed_counts == {"revisions": 1, "codings": 3}


def test_withdrawn_story_is_404_for_everyone_but_its_teller(app, login_as, make_story):
    teller_client, teller = login_as("storyteller")
    researcher_client, _ = login_as("researcher")
    everyone_client, _ = login_as("storyteller", "researcher", "host", "admin")
    story = make_story(teller, body=f"Words that must go. {CANARY}")
    assert researcher_client.get(f"/stories/{story.id}").status_code == 200

    withdraw_story(teller, story.id)
    tx.commit()

    for client in (researcher_client, everyone_client):
        page = client.get(f"/stories/{story.id}")
        assert page.status_code == 404
        assert CANARY not in page.get_data(as_text=True)
    own = teller_client.get(f"/stories/{story.id}")
    assert own.status_code == 200, own.get_data(as_text=True)[-800:]
    text = own.get_data(as_text=True)
    assert "A withdrawn story" in text and CANARY not in text
    assert "versions of the text" in text  # the counts of what was removed


def test_withdraw_page_needs_confirmation_and_changes_nothing_without_it(app, login_as, make_story):
    from conftest import csrf_token

    client, teller = login_as("storyteller")
    story = make_story(teller)
    token = csrf_token(client, f"/stories/{story.id}/withdraw")
    refused = client.post(f"/stories/{story.id}/withdraw", data={"csrf_token": token})
    assert refused.status_code == 400
    assert "Tick the box" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(Story, story.id).withdrawn

    done = client.post(f"/stories/{story.id}/withdraw", data={"csrf_token": token, "confirm": "y"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Story, story.id).withdrawn


def test_takeout_after_withdrawal_holds_only_the_tombstone(app, login_as, make_story):
    import io
    import zipfile

    client, teller = login_as("storyteller")
    story = make_story(teller, body=f"Gone soon. {CANARY}")
    withdraw_story(teller, story.id)
    tx.commit()
    data = client.get("/me/export").data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        blob = b"".join(archive.read(name) for name in archive.namelist())
        records = json.loads(archive.read("stories.json"))
    assert CANARY.encode() not in blob
    assert records[0]["status"] == "withdrawn" and records[0]["revisions"] == []


def test_withdrawal_removes_workshop_versions_registry_entries_and_the_log(app, make_user, make_story):
    from storybank.deid import approval, decisions

    teller, researcher = make_user("storyteller"), make_user("researcher")
    story = make_story(teller, title="Mine", body=f"My friend {CANARY} came.\n\nThe waiting at zellwood "
                                                 "went on.")
    decisions.review(researcher, story.id)
    decisions.add_identifier(researcher, story.id, CANARY, "PERSON")
    decisions.accept_all(researcher, story.id)
    approval.send(researcher, story.id)
    approval.teller_approve(teller, story.id)
    approval.teller_request_changes(teller, story.id, f"Please also hide the clinic, not only {CANARY}.")
    tx.commit()
    decisions.add_identifier(researcher, story.id, "zellwood", "ORG")  # a name, in lower case
    approval.send(researcher, story.id)
    approval.teller_approve(teller, story.id)
    tx.commit()
    assert _rows_containing(CANARY)  # in the registry, the identifiers and the log

    tombstone = withdraw_story(teller, story.id)
    tx.commit()
    assert _rows_containing(CANARY) == []
    assert _rows_containing("zellwood") == []  # the registry entry only this story used went too
    assert tombstone.removed_counts["registry_entries"] == 2
    assert _files_containing(Path(app.config["INSTANCE_PATH"]), CANARY.encode()) == []
