"""One transaction per request or command, and work that must follow the commit.

Services flush; the request handler or CLI command calls commit() once. Work
that touches things outside the database (files, the search index, SQLite's
VACUUM) is queued with after_commit() so it runs only once the data is safe.
"""
from __future__ import annotations

from collections.abc import Callable

from storybank.extensions import db

_KEY = "storybank_after_commit"
_BEFORE = "storybank_before_commit"


def before_commit(fn: Callable[[], None]) -> None:
    """Bookkeeping writes of a read (audit rows, a token's last use) wait for the commit.

    On SQLite the first write takes the database's write lock until the commit; a page that
    wrote its audit row first would hold it while it renders, and every other writer would wait.
    """
    db.session.info.setdefault(_BEFORE, []).append(fn)


def after_commit(fn: Callable[[], None]) -> None:
    db.session.info.setdefault(_KEY, []).append(fn)


def commit() -> None:
    """Commit, then run every queued callback; if any fails, the first failure is raised after all ran."""
    for fn in db.session.info.pop(_BEFORE, []):
        fn()
    db.session.commit()
    callbacks = db.session.info.pop(_KEY, [])
    failure: BaseException | None = None
    for fn in callbacks:
        try:
            fn()
        except Exception as err:  # (re-raised below, once the others had their turn)
            failure = failure or err
    if failure is not None:
        raise failure


def rollback() -> None:
    db.session.rollback()
    db.session.info.pop(_KEY, None)
    db.session.info.pop(_BEFORE, None)
