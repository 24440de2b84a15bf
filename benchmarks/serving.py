"""Throughput and latency of `storybank serve` (gunicorn) with 1 and 3 workers.

Builds a small archive (200 stories, a 4-code codebook, 10 researchers with API
tokens) in a temporary SQLite database (or PostgreSQL with --database-url: the
database must be empty), starts `storybank serve` on a free loopback port, and
runs 10 clients for --seconds each, every one alternating a coding (POST) and a
search (GET). Prints requests per second and median / p95 latency per kind.

    python benchmarks/serving.py [--seconds S] [--workers 1,3] [--database-url URL]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from flask_migrate import upgrade

from storybank import create_app, tx
from storybank.accounts.services import create_token, create_user
from storybank.archive.stories import submit_story
from storybank.archive.validation import StoryDraft
from storybank.coding.codebook import create_code
from storybank.extensions import db

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 10
WORDS = "waiting referral hub crisis team housing peer worker listened appointment letter hope".split()


def _call(base: str, method: str, path: str, token: str, body: dict | None = None) -> int:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def build(instance: Path, url: str) -> tuple[list[int], list[int], list[str], int]:
    app = create_app({"INSTANCE_PATH": str(instance), "SQLALCHEMY_DATABASE_URI": url, "DEID_ON_SAVE": False,
                      "INDEX_DIR": str(instance / "search-index"), "SECRET_KEY": "benchmark"})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        rng = random.Random(3)
        lead = create_user(None, "lead@example.org", "benchmark password", ["researcher"], "")
        codes = [create_code(lead, name).id for name in ("alpha", "beta", "gamma", "delta")]
        teller = create_user(None, "teller@example.org", "benchmark password", ["storyteller"], "")
        body = " ".join(rng.choice(WORDS) for _ in range(120))
        stories = [submit_story(teller, StoryDraft(title=f"Story {i}", body=body, kind="lived_experience",
                                                   consent={"research": True}, attribution="anonymous")).id
                   for i in range(200)]
        tx.commit()
        tokens = []
        for i in range(CLIENTS):
            tokens.append(create_token(create_user(None, f"r{i}@example.org", "benchmark password",
                                                   ["researcher"], "")))
        tx.commit()
        db.engine.dispose()
    return stories, codes, tokens, len(body)


def run(instance: Path, url: str, workers: int, seconds: float, stories: list[int], codes: list[int],
        tokens: list[str], length: int) -> dict:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "STORYBANK_INSTANCE_PATH": str(instance), "STORYBANK_DATABASE_URL": url,
           "STORYBANK_SECRET_KEY": "benchmark", "STORYBANK_DEID_ON_SAVE": "0"}
    proc = subprocess.Popen([sys.executable, "-c", "from storybank.cli import main; main()", "serve",
                             "--port", str(port), "--workers", str(workers)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(base + "/readyz", timeout=5):
                    break
            except OSError:
                time.sleep(0.3)
        timings: dict[str, list[float]] = {"coding": [], "search": []}
        errors = [0]
        deadline = time.monotonic() + seconds

        def client(seed: int) -> None:
            rng = random.Random(seed)
            while time.monotonic() < deadline:
                start = rng.randrange(0, length - 10)
                for kind, method, path, body, ok in (
                    ("coding", "POST", f"/api/v1/stories/{rng.choice(stories)}/codings",
                     {"code_id": rng.choice(codes), "start": start, "end": start + 8}, 201),
                    ("search", "GET", f"/api/v1/search?purpose=research&q={rng.choice(WORDS)}", None, 200),
                ):
                    began = time.perf_counter()
                    status = _call(base, method, path, tokens[seed], body)
                    timings[kind].append((time.perf_counter() - began) * 1000)
                    errors[0] += status != ok

        threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    row = {"workers": workers, "errors": errors[0]}
    for kind, values in timings.items():
        values.sort()
        row[kind] = (len(values) / seconds, statistics.median(values), values[int(len(values) * 0.95) - 1])
    return row


def _drop_everything(url: str) -> None:
    from sqlalchemy import MetaData, create_engine

    engine = create_engine(url)
    existing = MetaData()
    existing.reflect(engine)
    existing.drop_all(engine)
    engine.dispose()


def _require_empty(url: str) -> None:
    """The benchmark builds its own archive: never run it on a database that holds one."""
    from sqlalchemy import create_engine, inspect

    engine = create_engine(url)
    tables = inspect(engine).get_table_names()
    engine.dispose()
    if tables:
        sys.exit(f"{url.rsplit('@', 1)[-1]} is not empty ({len(tables)} tables): give an empty database.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", default="1,3")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    print(f"storybank serve: {CLIENTS} clients, {args.seconds:.0f} s per row, 200 stories")
    print(f"{'database':10} {'workers':>7} {'codings/s':>9} {'p50 ms':>7} {'p95 ms':>7} "
          f"{'searches/s':>10} {'p50 ms':>7} {'p95 ms':>7} {'errors':>6}")
    if args.database_url:
        _require_empty(args.database_url)
    for workers in (int(w) for w in args.workers.split(",")):
        with tempfile.TemporaryDirectory() as folder:
            instance = Path(folder)
            url = args.database_url or f"sqlite:///{instance / 'storybank.sqlite3'}"
            built = build(instance, url)
            try:
                row = run(instance, url, workers, args.seconds, *built)
            finally:
                if args.database_url:
                    _drop_everything(url)  # it was empty before this benchmark
        name = "postgresql" if args.database_url else "sqlite"
        c, s = row["coding"], row["search"]
        print(f"{name:10} {workers:>7} {c[0]:>9.1f} {c[1]:>7.0f} {c[2]:>7.0f} {s[0]:>10.1f} {s[1]:>7.0f} "
              f"{s[2]:>7.0f} {row['errors']:>6}")


if __name__ == "__main__":
    main()
