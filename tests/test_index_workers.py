"""After a withdrawal no gunicorn worker keeps the withdrawn story's deleted index files open.

Under `storybank serve` with 3 workers, every worker searches for the canary (each
holds one slow client's connection while the next one arrives, so each of the three
answers one search), then the story is withdrawn. Every worker's open files
(/proc/PID/fd) and memory maps (/proc/PID/maps) are then read: none may be a deleted
index file, let alone one that held the canary. SQLite only: with PostgreSQL the
search index is the database's own table and Whoosh is not used at all.
"""
from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import pytest
from serving_helpers import running_server

from storybank import tx
from storybank.accounts.models import User
from storybank.accounts.services import create_token
from storybank.archive.withdrawal import withdraw_story
from storybank.extensions import db
from storybank.search import indexing, whoosh_engine

pytestmark = pytest.mark.serving
CANARY = "zqxcanaryword7f3a"
WORKERS = 3


def worker_pids(port: int) -> list[int]:
    """The gunicorn workers serving `port`: children of the arbiter started with `--port PORT`."""
    marker = f"\0--port\0{port}\0".encode()
    server = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker in (entry / "cmdline").read_bytes():
                    server.add(int(entry.name))
            except OSError:
                continue
    parents = {pid: _parent(pid) for pid in server}
    return sorted(pid for pid, parent in parents.items() if parent in server)


def _parent(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("PPid:"):
            return int(line.split()[1])
    return 0


def deleted_index_files(pid: int, index_root: Path) -> list[tuple[str, bool]]:
    """(path, holds the canary) of every deleted index file the process has open or mapped."""
    found = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.endswith("(deleted)") and str(index_root) in target:
            try:
                held = CANARY.encode() in fd.read_bytes()
            except OSError:
                held = True  # unreadable: count it as holding the text
            found.append((target, held))
    for line in Path(f"/proc/{pid}/maps").read_text().splitlines():
        if line.endswith("(deleted)") and str(index_root) in line:
            found.append((line.split(None, 5)[-1], True))
    return found


def _start_search(port: int, token: str) -> socket.socket:
    """A client that sends half its request: the worker that accepted it waits for the rest."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    sock.sendall(f"GET /api/v1/search?purpose=research&q={CANARY} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode())
    return sock


def _finish_search(sock: socket.socket, token: str) -> str:
    sock.sendall(f"Authorization: Bearer {token}\r\nConnection: close\r\n\r\n".encode())
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    sock.close()
    return b"".join(chunks).decode("utf-8", "replace")


def test_no_worker_keeps_a_withdrawn_storys_deleted_index_files_open(app, make_user, make_story, monkeypatch,
                                                                       tmp_path):
    if indexing.engine().transactional:
        pytest.skip("PostgreSQL's search index is its own table: no index files for a worker to hold")
    monkeypatch.setattr(whoosh_engine, "SEGMENT_DOCS", 2)  # many small segments, as a big reindex leaves them
    monkeypatch.setattr(whoosh_engine, "SMALL_SEGMENT", 1)
    teller = make_user("storyteller")
    researcher = make_user("researcher")
    for n in range(10):
        make_story(title=f"Weather {n}", body=f"Story {n} about the weather and the hub.")
    canary = make_story(teller, title=f"About {CANARY}", body=f"My {CANARY} story about the hub.")
    for n in range(4):
        make_story(title=f"Later {n}", body=f"Later story {n} about the hub.")
    token = create_token(researcher)
    tx.commit()
    teller_id, canary_id = teller.id, canary.id
    indexing.rebuild()
    index_root = Path(app.config["INDEX_DIR"])
    assert len(list((index_root / "research").glob("*.seg"))) >= 4
    db.session.remove()

    with running_server(app, WORKERS, tmp_path / "serve.log") as base:
        port = int(base.rsplit(":", 1)[1])
        deadline = time.monotonic() + 60
        while len(workers := worker_pids(port)) < WORKERS and time.monotonic() < deadline:
            time.sleep(0.2)  # /readyz answered from the first worker up
        assert len(workers) == WORKERS
        time.sleep(2)  # every worker has built its app and accepts
        pending = []
        for _ in range(WORKERS):  # each worker takes one connection and waits on it
            pending.append(_start_search(port, token))
            time.sleep(0.5)
        answers = [_finish_search(sock, token) for sock in pending]
        assert all(a.startswith("HTTP/1.1 200") and '"total":1' in a.replace(" ", "") for a in answers), answers

        withdraw_story(db.session.get(User, teller_id), canary_id)
        tx.commit()

        held = {pid: deleted_index_files(pid, index_root) for pid in workers}
        assert all(not files for files in held.values()), held
        assert not [p for p in index_root.rglob("*") if p.is_file() and CANARY.encode() in p.read_bytes()]
