"""Making deleted text unrecoverable from the database's own files, as far as each database allows.

SQLite runs with `secure_delete` and is vacuumed: no byte of a withdrawn story stays in the file.
PostgreSQL only marks deleted rows dead; (auto)vacuum makes their space reusable but leaves the
bytes until overwritten. `VACUUM FULL` rewrites each table (and its TOAST and indexes) into new
files and drops the old ones, so the text leaves the live data files. It cannot reach copies
PostgreSQL keeps elsewhere: write-ahead log segments (until recycled and overwritten), replicas,
backups and freed disk blocks. See README, "Running on PostgreSQL".
"""
from __future__ import annotations

import atexit
import logging
import re
import threading
import time

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import JSON, String, Text
from sqlalchemy.exc import OperationalError

from storybank.extensions import db

log = logging.getLogger(__name__)


def text_tables() -> list[str]:
    """Tables with a column that can hold story text (strings, text, JSON)."""
    return [t.name for t in db.metadata.sorted_tables
            if any(isinstance(c.type, String | Text | JSON) for c in t.columns)]


def compact_after_withdrawal() -> list[str]:
    """The compaction a withdrawal runs after its commit: bounded (a few seconds, short lock waits), so the
    archive never waits long behind it. Tables it could not finish (a busy server, a long reader) are
    finished by a background thread of this process, retried until done or `BACKGROUND_BUDGET` runs out;
    only then are they left for `storybank db compact` (logged)."""
    done, kept = _compact(None, AFTER_WITHDRAWAL_BUDGET)
    if kept:
        _finish_in_background(kept)
    return done


AFTER_WITHDRAWAL_BUDGET = 3.0
BACKGROUND_BUDGET = 600.0

_pending: set[str] = set()
_pending_lock = threading.Lock()
_worker: threading.Thread | None = None


def _finish_in_background(tables: list[str]) -> None:
    global _worker
    app = current_app._get_current_object()
    with _pending_lock:
        _pending.update(tables)
        if _worker is not None and _worker.is_alive():
            return  # the running thread takes the new tables too
        _worker = threading.Thread(target=_background_compaction, args=(app,), name="storybank-compaction",
                                   daemon=True)
        _worker.start()


def _background_compaction(app: object) -> None:
    deadline = time.monotonic() + BACKGROUND_BUDGET
    with app.app_context():
        try:
            while time.monotonic() < deadline:
                with _pending_lock:
                    tables = sorted(_pending)
                if not tables:
                    return
                kept = set(rewrite_tables(tables, budget_seconds=min(30.0, deadline - time.monotonic())))
                with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    _checkpoint(conn)
                with _pending_lock:
                    _pending.difference_update(set(tables) - kept)
                    if not _pending:
                        return
                time.sleep(1.0)
            log.warning("compaction: out of time in the background, left for `storybank db compact`: %s",
                        ", ".join(sorted(_pending)))
        except Exception:  # never let a background thread die silently
            log.exception("compaction in the background failed; run `storybank db compact`")
        finally:
            db.session.remove()


def wait_for_compaction(timeout: float = BACKGROUND_BUDGET) -> bool:
    """Wait until this process's background compaction has finished; True when nothing is left.

    Commands call it before they exit (a daemon thread would die with the process)."""
    worker = _worker
    if worker is not None:
        worker.join(timeout)
    with _pending_lock:
        return not _pending and (worker is None or not worker.is_alive())


atexit.register(wait_for_compaction, 120.0)


def compact_database(full: bool | None = None, budget_seconds: float | None = None) -> list[str]:
    """SQLite: VACUUM. PostgreSQL: VACUUM FULL of the text tables, then a CHECKPOINT if allowed.

    Returns what was done, one line each. `full=None` follows `COMPACT_AFTER_WITHDRAWAL`.
    With a budget, PostgreSQL's lock waits are short and tables left when it runs out are reported.
    """
    return _compact(full, budget_seconds)[0]


def _compact(full: bool | None, budget_seconds: float | None) -> tuple[list[str], list[str]]:
    """What `compact_database` does, plus the PostgreSQL tables it had to leave."""
    engine = db.engine
    db.session.rollback()  # a read begun after the commit would hold a lock VACUUM FULL waits for
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("VACUUM")
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")  # old pages in the write-ahead log go too
            return ["VACUUM", "WAL checkpoint"], []
        if engine.dialect.name != "postgresql":
            return [], []
        if full is None:
            full = bool(current_app.config.get("COMPACT_AFTER_WITHDRAWAL", True))
        # Never stall the app behind a long reader (VACUUM FULL queued for a lock blocks those after it).
        conn.exec_driver_sql("SET lock_timeout = '1s'" if budget_seconds is not None else "SET lock_timeout = '5s'")
        tables = text_tables()
        if not full:
            conn.exec_driver_sql("VACUUM " + ", ".join(f'"{name}"' for name in tables))
            return [f"VACUUM of {len(tables)} tables"] + _checkpoint(conn), []
        deadline = None if budget_seconds is None else time.monotonic() + budget_seconds
        kept = _vacuum_full(conn, tables, deadline=deadline)
        done = [f"VACUUM FULL of {len(tables)} tables"]
        if kept:
            done.append("not finished in time (dead rows still seen by other sessions, or locked), left for "
                        "another pass: " + ", ".join(kept))
        return done + _checkpoint(conn), kept


def rewrite_tables(tables: list[str], budget_seconds: float = 30.0) -> list[str]:
    """PostgreSQL: VACUUM FULL these tables (short lock waits, bounded in time); the tables left are returned.

    After a rebuild has replaced every row, the old rows would otherwise double the table
    until autovacuum, and stay in its files. SQLite reuses freed pages itself: nothing to do.
    """
    if db.engine.dialect.name != "postgresql":
        return []
    db.session.rollback()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("SET lock_timeout = '1s'")
        return _vacuum_full(conn, tables, attempts=8, deadline=time.monotonic() + budget_seconds)


def _vacuum_full(conn: object, tables: list[str], attempts: int = 40, deadline: float | None = None) -> list[str]:
    """VACUUM FULL each table; one whose dead rows an open snapshot still sees is done again, a little later.

    VACUUM FULL copies a deleted row that some session may still see (an ANALYZE, a long read),
    which would carry withdrawn text into the new files; PostgreSQL says so in its VERBOSE report.
    """
    notices: list[str] = []
    raw = conn.connection.driver_connection

    def collect(diag: object) -> None:
        notices.append(f"{diag.message_primary or ''} {diag.message_detail or ''}")

    raw.add_notice_handler(collect)
    kept: list[str] = []
    try:
        for index, name in enumerate(tables):
            if deadline is not None and time.monotonic() > deadline:
                kept.extend(tables[index:])
                log.warning("compaction: out of time, left for `storybank db compact`: %s", ", ".join(tables[index:]))
                break
            for attempt in range(attempts):
                notices.clear()
                try:
                    conn.exec_driver_sql(f'VACUUM (FULL, VERBOSE) "{name}"')
                except OperationalError as err:  # lock_timeout: someone holds the table; the next compaction
                    log.warning("compaction: %s skipped (%s)", name, err.orig)
                    kept.append(name)
                    break
                if not any(_STILL_SEEN.search(n) and not _NONE_SEEN.search(n) for n in notices):
                    break
                if attempt == attempts - 1 or (deadline is not None and time.monotonic() > deadline):
                    kept.append(name)
                    log.warning("compaction: %s has dead rows other sessions still see", name)
                    break
                time.sleep(0.25)
    finally:
        raw.remove_notice_handler(collect)
    return kept


_STILL_SEEN = re.compile(r"dead row versions cannot be removed yet")
_NONE_SEEN = re.compile(r"\b0 dead row versions cannot be removed yet")


def _checkpoint(conn: object) -> list[str]:
    try:
        conn.exec_driver_sql("CHECKPOINT")
    except Exception as err:  # (needs superuser or pg_checkpoint: the next automatic one will do)
        log.warning("CHECKPOINT after compaction refused: %s", err)
        return []
    return ["CHECKPOINT"]


@click.command("compact")
@with_appcontext
def compact_command() -> None:
    """Rewrite the database files so deleted (withdrawn) text leaves them (SQLite VACUUM; PostgreSQL VACUUM FULL)."""
    for line in compact_database(full=True):
        click.echo(line)
