"""Rebuilding a lost or corrupted index while the app keeps serving.

A search that finds the index missing or unreadable starts one rebuild in a
background thread (one across all processes: the engine's rebuild lock) and
tells the user "search is being rebuilt", with how far it has got. The
progress is kept in a small JSON file beside the index (counts only, no text),
so every worker can report it.
"""
from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app

from storybank.errors import DomainError
from storybank.search.whoosh_files import IndexBusy, rebuild_running, sibling

log = logging.getLogger(__name__)
_threads: dict[str, threading.Thread] = {}
_guard = threading.Lock()


class SearchRebuilding(DomainError):
    """Search cannot answer truthfully until the rebuild is done."""

    status = 503


@dataclass
class RebuildProgress:
    done: int
    total: int


def _root(app: Flask) -> Path:
    return Path(app.config["INDEX_DIR"])


def _progress_file(root: Path) -> Path:
    return sibling(root, ".rebuild.json")


def running() -> bool:
    """Whether a rebuild is under way in any process (it applies the queued changes before its swap)."""
    return rebuild_running(_root(current_app))


def progress() -> RebuildProgress | None:
    """How far a running rebuild has got (None when none is running)."""
    root = _root(current_app)
    if not rebuild_running(root):
        return None
    try:
        data = json.loads(_progress_file(root).read_text())
        return RebuildProgress(done=int(data["done"]), total=int(data["total"]))
    except (OSError, ValueError, KeyError):
        return RebuildProgress(done=0, total=0)


def ensure_rebuilding() -> None:
    """Start a background rebuild unless one is running here or in another process."""
    app = current_app._get_current_object()
    root = _root(app)
    with _guard:
        thread = _threads.get(str(root))
        if (thread is not None and thread.is_alive()) or rebuild_running(root):
            return
        thread = threading.Thread(target=_run, args=(app,), name="storybank-reindex", daemon=True)
        _threads[str(root)] = thread
        thread.start()


def wait(timeout: float = 60.0) -> None:
    """Wait for this process's background rebuild (tests, and the CLI)."""
    thread = _threads.get(str(_root(current_app)))
    if thread is not None:
        thread.join(timeout)


def _run(app: Flask) -> None:
    from storybank.extensions import db
    from storybank.search import indexing

    root = _root(app)
    with app.app_context():
        total = len(indexing.all_story_ids())
        db.session.rollback()
        done = 0

        def report(_phase: str, n: int) -> None:
            nonlocal done
            done += n
            _progress_file(root).write_text(json.dumps({"done": done, "total": total}))

        try:
            _progress_file(root).write_text(json.dumps({"done": 0, "total": total}))
            count = indexing.rebuild_engine_only(report)
            log.warning("search index rebuilt: %d stories", count)
        except IndexBusy:
            log.info("search index: another process is rebuilding it")
        except Exception:
            log.exception("search index rebuild failed")
        finally:
            _progress_file(root).unlink(missing_ok=True)
            db.session.remove()


def start_for(err: Exception) -> SearchRebuilding:
    """A search found the index unusable: rebuild it, and answer that it is being rebuilt."""
    log.warning("search index unavailable (%s): rebuilding it", err)
    ensure_rebuilding()
    return rebuilding_error()


def rebuilding_error() -> SearchRebuilding:
    """The answer while the index is rebuilt: say so, and how far it has got."""
    state = progress()
    detail = {"rebuilding": True}
    message = "Search is being rebuilt"
    if state is not None and state.total:
        message += f" ({state.done} of {state.total} stories done)"
        detail.update(done=state.done, total=state.total)
    return SearchRebuilding(message + ". Try again in a minute; nothing you saved is lost.", detail=detail)
