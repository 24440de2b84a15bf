"""What closing the Whoosh readers at the end of every request costs a search.

Uses the corpus `benchmarks/search.py --keep DIR` left in DIR (SQLite + Whoosh).
For each query class of benchmarks/search.py, times the search service with the
thread's readers kept open between searches (as before) and closed after each
one (as every request and command now does: reopened from the folder, the
per-generation arrays reused). Prints median / p95 milliseconds of each.

    python benchmarks/search.py --keep DIR      # once, builds the corpus
    python benchmarks/search_readers.py DIR [--repeat N]
"""
from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from sqlalchemy import select

from storybank import create_app
from storybank.accounts.models import User
from storybank.extensions import db
from storybank.search import indexing, service

QUERIES = ["waiting", "waiting crisis", '"crisis team"', "housing theme:thresholds",
           "referral site:Salford kind:lived_experience"]


def _times(user: User, query: str, repeat: int, close: bool) -> list[float]:
    search_engine = indexing.engine()
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        service.search(user, query)
        out.append((time.perf_counter() - start) * 1000)
        if close:
            search_engine.close_readers()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    folder = Path(args.folder)
    app = create_app({"INSTANCE_PATH": str(folder), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
                      "SECRET_KEY": "bench" * 8, "INDEX_DIR": str(folder / "search-index"),
                      "SEARCH_REPAIR_ON_START": False})
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "r@example.org"))
        print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}; {args.repeat} searches each, ms")
        print(f"{'query':45} {'kept med':>9} {'kept p95':>9} {'closed med':>11} {'closed p95':>11}")
        for query in QUERIES:
            _times(user, query, 3, close=False)  # warm: arrays read, pages cached by the OS
            kept = sorted(_times(user, query, args.repeat, close=False))
            closed = sorted(_times(user, query, args.repeat, close=True))
            p95 = max(0, int(len(kept) * 0.95) - 1)
            print(f"{query:45} {statistics.median(kept):9.1f} {kept[p95]:9.1f} "
                  f"{statistics.median(closed):11.1f} {closed[p95]:11.1f}")


if __name__ == "__main__":
    main()
