"""The withdrawal ledger: which stories were withdrawn and when, kept outside the database.

A backup holds the database as it was; a story withdrawn after it was taken
would come back with a restore. So every withdrawal is also appended (story
id and time, never any text) to a file beyond the backup's reach, and a
restore, `storybank serve` and the readiness check all compare the database
with it. `record_withdrawal` is connected as a withdrawal step in storybank.wiring. The database's tombstones are the ledger's table: they are copied
into the file before a backup or restore, which also repairs a crash between
a withdrawal's commit and its line in the file.
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from storybank import tx
from storybank.archive.models import STATUS_WITHDRAWN, Story
from storybank.extensions import db
from storybank.timeutil import utcnow


def path() -> Path:
    configured = current_app.config.get("WITHDRAWAL_LEDGER")
    return Path(configured) if configured else Path(current_app.instance_path) / "withdrawal-ledger.jsonl"


def _read(ledger: Path, id_key: str, time_key: str) -> dict[int, datetime]:
    """id -> first recorded time, for one kind of line; a torn last line (a crash mid-write) is skipped."""
    found: dict[int, datetime] = {}
    if not ledger.exists():
        return found
    for line in ledger.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
            if id_key in entry:
                found.setdefault(int(entry[id_key]), datetime.fromisoformat(entry[time_key]))
        except (ValueError, KeyError, TypeError, AttributeError):
            continue
    return found


def entries(ledger: Path | None = None) -> dict[int, datetime]:
    """story id -> when it was withdrawn."""
    return _read(ledger or path(), "story_id", "withdrawn_at")


def erased_accounts(ledger: Path | None = None) -> dict[int, datetime]:
    """user id -> when the account was erased (its owner deleted it)."""
    return _read(ledger or path(), "user_id", "erased_at")


def append(items: Iterable[tuple[int, datetime]], ledger: Path | None = None, kind: str = "story") -> int:
    """Append and fsync, so a line the app reported is on disk (kind "account": erased accounts)."""
    ledger = ledger or path()
    id_key, time_key = ("user_id", "erased_at") if kind == "account" else ("story_id", "withdrawn_at")
    lines = "".join(json.dumps({id_key: sid, time_key: when.isoformat()}) + "\n" for sid, when in items)
    if not lines:
        return 0
    ledger.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(ledger, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, lines.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    return lines.count("\n")


def record_withdrawal(story: Story) -> dict[str, int]:
    """A withdrawal step: the ledger line follows the commit (a rolled-back withdrawal never happened)."""
    ledger = path()

    def write() -> None:
        append([(story.id, story.withdrawn_at or utcnow())], ledger)  # the tombstone's own time

    tx.after_commit(write)
    return {}


def record_account_erasure(user_id: int) -> None:
    """Called by account deletion: once committed, a restore erases the account again (its stories are
    withdrawn lines of their own)."""
    ledger, when = path(), utcnow()
    tx.after_commit(lambda: append([(user_id, when)], ledger, kind="account"))


def tombstones() -> dict[int, datetime]:
    rows = db.session.execute(select(Story.id, Story.withdrawn_at).where(Story.status == STATUS_WITHDRAWN))
    return {sid: when or utcnow() for sid, when in rows}


def copy_tombstones() -> int:
    """Bring the file up to date with the database's withdrawals (before a backup or a restore)."""
    known = entries()
    return append(sorted((sid, when) for sid, when in tombstones().items() if sid not in known))


def pending_accounts() -> list[int]:
    from storybank.accounts.models import User

    ids = sorted(erased_accounts())
    return sorted(uid for start in range(0, len(ids), 500)
                  for uid in db.session.scalars(select(User.id).where(User.id.in_(ids[start:start + 500]))))


def pending() -> list[int]:
    """Stories the ledger says were withdrawn that this database still holds."""
    ids = sorted(entries())
    waiting: list[int] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        waiting += db.session.scalars(
            select(Story.id).where(Story.id.in_(chunk), Story.status != STATUS_WITHDRAWN)).all()
    return sorted(waiting)


def reapply() -> int:
    """Withdraw again every story the ledger names that the database holds; the caller commits."""
    from storybank.archive.withdrawal import _withdraw

    recorded = entries()
    count = 0
    for story_id in pending():
        story = db.session.get(Story, story_id)
        _withdraw(None, story)
        story.withdrawn_at = recorded[story_id]  # when the teller withdrew it, not when it was re-applied
        count += 1
    db.session.flush()
    return count


def reapply_erasures() -> int:
    """Erase again every account the ledger says its owner deleted; the caller commits.

    Their stories were withdrawn first (those are ledger lines too); the database sets the
    tombstones' teller to none and drops the account's tokens and roles, as deletion does.
    """
    from storybank.accounts.models import User

    erased = pending_accounts()
    for user_id in erased:
        db.session.delete(db.session.get(User, user_id))
    db.session.flush()
    return len(erased)
