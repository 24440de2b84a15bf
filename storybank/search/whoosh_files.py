"""The Whoosh index on disk: one writer at a time across processes, rebuilds beside it, no leftovers.

Several gunicorn workers share the folder. A writer's commit deletes the files a
reader may be opening, so they take turns on an operating-system file lock
(`search-index.lock` beside the folder, flock: shared to open a reader, exclusive
to write) with a timeout and a clear error. The kernel drops such a lock when
its process dies, so a killed worker never blocks the others. Whoosh's own
writer lock is released on every failure too (Whoosh leaves it held when a
commit raises).

A rebuild writes `search-index.building/` and swaps it in; one that was killed
leaves full text there, so leftovers are deleted at start and on withdrawal,
unless a rebuild is running right now (its own lock says so).
"""
from __future__ import annotations

import fcntl
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from storybank.errors import DomainError

LOCK_TIMEOUT = 15.0  # seconds a write waits for another process's write


class IndexBusy(DomainError):
    """Another process held the index's lock for longer than the timeout: 503, say so."""

    status = 503


def sibling(root: Path, suffix: str) -> Path:
    return root.with_name(root.name + suffix)


@contextmanager
def files_lock(root: Path, exclusive: bool, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the index's lock: exclusive to write or swap, shared to open readers (across processes and threads)."""
    root.parent.mkdir(parents=True, exist_ok=True)
    with open(sibling(root, ".lock"), "a") as handle:
        _flock(handle, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH, timeout,
               f"The search index is busy: another process has been writing it for over {timeout:g} seconds.")
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def write_lock(root: Path, timeout: float = LOCK_TIMEOUT) -> contextmanager:
    return files_lock(root, exclusive=True, timeout=timeout)


def _flock(handle: object, mode: int, timeout: float, message: str) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(handle, mode | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise IndexBusy(message) from None
            time.sleep(0.02)


class RebuildLock:
    """Held by the one process rebuilding the index; others see that a rebuild is under way."""

    def __init__(self, root: Path) -> None:
        root.parent.mkdir(parents=True, exist_ok=True)
        self.path = sibling(root, ".rebuild.lock")
        self._handle: object | None = None

    def try_acquire(self) -> bool:
        handle = open(self.path, "a")  # noqa: SIM115  (kept open while the lock is held)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._handle = handle
        return True

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None

    def held_elsewhere(self) -> bool:
        """True while some process (or another rebuild in this one) is rebuilding."""
        if self._handle is not None:
            return True
        if not self.try_acquire():
            return True
        self.release()
        return False


def rebuild_running(root: Path) -> bool:
    return RebuildLock(root).held_elsewhere()


def purge_leftovers(root: Path) -> list[Path]:
    """Delete the building and old folders unless a rebuild is using them; returns what went."""
    if rebuild_running(root):
        return []
    gone = []
    for suffix in (".building", ".old"):
        folder = sibling(root, suffix)
        if folder.exists():
            shutil.rmtree(folder, ignore_errors=True)
            gone.append(folder)
    return gone


def abandon(writer: object) -> None:
    """Cancel a Whoosh writer after a failure and make sure its lock file is released."""
    with suppress(Exception):  # the writer is broken already; the lock below is what matters
        if not getattr(writer, "is_closed", True):
            writer.cancel()
    lock = getattr(writer, "writelock", None)
    if lock is not None:
        with suppress(Exception):  # released already
            lock.release()
