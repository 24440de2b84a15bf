"""PostgreSQL: after a withdrawal, the story's text leaves the database's live data files (VACUUM FULL).

What it cannot reach is said in README: write-ahead log segments, replicas, backups, freed disk blocks.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from storybank import tx
from storybank.archive import compaction
from storybank.archive.withdrawal import withdraw_story
from storybank.extensions import db

CANARY = "zqxcanaryword7f3a"


def _data_files() -> list[Path]:
    row = db.session.execute(text(
        "SELECT current_setting('data_directory'), oid FROM pg_database WHERE datname = current_database()")).one()
    db.session.rollback()
    return [p for p in (Path(row[0]) / "base" / str(row[1])).iterdir() if p.is_file()]


def _files_holding(needle: bytes) -> list[str]:
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("CHECKPOINT")  # what is in shared buffers reaches the files
    hits = []
    for path in _data_files():
        try:
            if needle in path.read_bytes():
                hits.append(path.name)
        except FileNotFoundError:  # dropped meanwhile
            continue
    return hits


@pytest.fixture
def pg(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's own file is checked byte for byte in test_withdrawal")
    try:
        _data_files()
    except OSError as err:
        pytest.skip(f"PostgreSQL's data directory is not readable here: {err}")
    return app


def test_withdrawal_takes_the_text_out_of_postgresqls_data_files(pg, make_user, make_story):
    teller = make_user("storyteller")
    story = make_story(teller, title=f"About {CANARY}", body=f"My {CANARY} story, " * 40)
    for n in range(5):
        make_story(body=f"Another story {n}.")
    assert _files_holding(CANARY.encode()), "the text is in the data files before"
    withdraw_story(teller, story.id)
    tx.commit()
    assert compaction.wait_for_compaction(300), "a busy server finishes the compaction in the background"
    assert _files_holding(CANARY.encode()) == []


def test_what_the_bounded_compaction_leaves_is_finished_in_the_background(pg, make_user, make_story, monkeypatch):
    """A withdrawal never waits long behind VACUUM FULL, yet the text still leaves the files soon after."""
    monkeypatch.setattr(compaction, "AFTER_WITHDRAWAL_BUDGET", 0.0)  # as if the server were too busy for any
    teller = make_user("storyteller")
    story = make_story(teller, body=f"My {CANARY} story, " * 40)
    withdraw_story(teller, story.id)
    tx.commit()
    assert compaction.wait_for_compaction(300)
    assert _files_holding(CANARY.encode()) == []


def test_db_compact_command_says_what_it_did(pg):
    result = pg.test_cli_runner().invoke(args=["db", "compact"])
    assert result.exit_code == 0, result.output
    assert "VACUUM FULL of" in result.output and "CHECKPOINT" in result.output


def test_without_compaction_the_text_stays_in_the_data_files(pg, make_user, make_story):
    """Why VACUUM FULL is needed: a plain delete (and even VACUUM) leaves the bytes in place."""
    pg.config["COMPACT_AFTER_WITHDRAWAL"] = False
    teller = make_user("storyteller")
    story = make_story(teller, body=f"My {CANARY} story, " * 40)
    assert _files_holding(CANARY.encode())
    withdraw_story(teller, story.id)
    tx.commit()
    assert _files_holding(CANARY.encode()), "if this fails, PostgreSQL now overwrites deleted rows: simplify"


def test_reindexing_again_does_not_grow_postgresqls_search_tables(app, make_story):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite reuses the pages a rebuild frees")
    from storybank.search import indexing

    for n in range(40):
        make_story(body=f"Story {n} about waiting for the crisis team. " * 30)
    size = "SELECT pg_total_relation_size('search_documents') + pg_total_relation_size('search_words')"
    indexing.rebuild()
    before = db.session.scalar(text(size))
    for _ in range(3):
        indexing.rebuild()
    assert db.session.scalar(text(size)) <= before  # the replaced rows left the files
    assert db.session.scalar(text("SELECT count(*) FROM search_documents")) == 40
