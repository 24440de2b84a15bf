"""The search answer through `storybank serve` (gunicorn) with 20 concurrent clients.

Uses the corpus `benchmarks/search.py --keep DIR` left in DIR (SQLite + Whoosh),
gives its researcher an API token, starts `storybank serve` on a free loopback
port and runs 20 clients for --seconds, each asking the query classes of
benchmarks/search.py in turn (GET /api/v1/search, the same service as the page).
Prints requests per second, median / p99 latency and errors per worker count.

    python benchmarks/search.py --keep DIR      # once, builds the corpus
    python benchmarks/search_serving.py DIR [--seconds S] [--workers 1,3]
"""
from __future__ import annotations

import argparse
import itertools
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from sqlalchemy import select

from storybank import create_app, tx
from storybank.accounts.models import User
from storybank.accounts.services import create_token
from storybank.extensions import db

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 20
QUERIES = ["waiting", "waiting crisis", '"crisis team"', "housing theme:thresholds",
           "referral site:Salford kind:lived_experience"]


def _get(url: str, token: str) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as err:
        return err.code
    except OSError:
        return 0


def run(folder: Path, workers: int, seconds: float, token: str) -> tuple[int, float, float, float, int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "STORYBANK_INSTANCE_PATH": str(folder),
           "STORYBANK_DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
           "STORYBANK_SECRET_KEY": "bench" * 8, "STORYBANK_DEID_ON_SAVE": "0"}
    proc = subprocess.Popen([sys.executable, "-c", "from storybank.cli import main; main()", "serve",
                             "--port", str(port), "--workers", str(workers)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    timings: list[float] = []
    errors = [0]
    try:
        for _ in range(600):
            try:
                with urllib.request.urlopen(base + "/readyz", timeout=5):
                    break
            except OSError:
                time.sleep(0.3)
        for q in QUERIES:  # warm every worker's searchers a little
            _get(f"{base}/api/v1/search?purpose=research&q={urllib.parse.quote(q)}", token)
        deadline = time.monotonic() + seconds

        def client(seed: int) -> None:
            for q in itertools.islice(itertools.cycle(QUERIES), seed, None):
                if time.monotonic() >= deadline:
                    return
                began = time.perf_counter()
                status = _get(f"{base}/api/v1/search?purpose=research&q={urllib.parse.quote(q)}", token)
                timings.append((time.perf_counter() - began) * 1000)
                errors[0] += status != 200

        threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    timings.sort()
    n = len(timings)
    return workers, n / seconds, timings[n // 2], timings[min(n - 1, int(n * 0.99))], errors[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", help="the folder benchmarks/search.py --keep filled")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", default="1,3")
    args = parser.parse_args()
    folder = Path(args.folder)
    app = create_app({"INSTANCE_PATH": str(folder), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
                      "SECRET_KEY": "bench" * 8, "INDEX_DIR": str(folder / "search-index"),
                      "SEARCH_REPAIR_ON_START": False})
    with app.app_context():
        researcher = db.session.scalar(select(User).where(User.email == "r@example.org"))
        if researcher is None:
            parser.error(f"no corpus in {folder}: run benchmarks/search.py --keep {folder} first")
        token = create_token(researcher)
        tx.commit()
        stories = db.session.execute(select(db.func.count()).select_from(db.metadata.tables["stories"])).scalar()
        db.engine.dispose()
    rows = [run(folder, int(w), args.seconds, token) for w in args.workers.split(",")]
    print(f"\nstorybank serve, SQLite + Whoosh, {stories:,} stories, {CLIENTS} clients, {args.seconds:.0f} s per row, "
          "the five query classes of benchmarks/search.py in turn\n")
    print("| workers | searches/s | p50 ms | p99 ms | errors |")
    print("|---|---|---|---|---|")
    for workers, rate, p50, p99, errors in rows:
        print(f"| {workers} | {rate:.1f} | {p50:.0f} | {p99:.0f} | {errors} |")


if __name__ == "__main__":
    main()
