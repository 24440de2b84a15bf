"""The search page through `storybank serve` (gunicorn) with 20 concurrent clients.

Uses the corpus `benchmarks/search.py --keep DIR` left in DIR (SQLite + Whoosh, or the
PostgreSQL database given with --database-url). The first run gives half the stories
workshop consent and an approved workshop version and adds a host (then rebuilds the
index once), so hosts have stories to search too. It signs in a researcher and a host
through the sign-in page, starts `storybank serve` on a free loopback port and runs 20
clients for --seconds, each asking the query classes of benchmarks/search.py in turn as
the HTML search page (GET /search?q=…, half the clients as the researcher, half as the
host). `--api` asks GET /api/v1/search with the researcher's token instead.
Prints searches per second, median / p99 latency and errors per worker count.

    python benchmarks/search.py --keep DIR [--database-url URL]     # once, builds the corpus
    python benchmarks/search_serving.py DIR [--database-url URL] [--seconds S] [--workers 1,3] [--api]
"""
from __future__ import annotations

import argparse
import http.client
import itertools
import os
import re
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

from sqlalchemy import func, insert, select

from storybank import create_app, tx
from storybank.accounts.models import User
from storybank.accounts.services import create_token, create_user
from storybank.archive.models import ConsentEvent, Story, StoryRevision
from storybank.extensions import db
from storybank.search import indexing

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 20
PASSWORD = "bench password"
QUERIES = ["waiting", "waiting crisis", '"crisis team"', "housing theme:thresholds",
           "referral site:Salford kind:lived_experience"]


def give_hosts_stories() -> None:
    """Half the stories (even ids) get workshop consent and an approved workshop version; a host account."""
    from storybank.deid.models import APPROVED, WorkshopVersion

    if db.session.scalar(select(User).where(User.email == "h@example.org")) is not None:
        return
    print("Giving half the stories a workshop version (once), then rebuilding the index...", flush=True)
    create_user(None, "h@example.org", PASSWORD, ["host"])
    latest = dict(db.session.execute(select(ConsentEvent.story_id, func.max(ConsentEvent.id)).group_by(
        ConsentEvent.story_id)).all())
    events = {e.story_id: e for e in db.session.scalars(select(ConsentEvent).where(
        ConsentEvent.id.in_(list(latest.values()))))}
    revisions = db.session.execute(select(StoryRevision.story_id, StoryRevision.id, StoryRevision.title,
                                          StoryRevision.body).where(StoryRevision.story_id % 2 == 0)).all()
    for start in range(0, len(revisions), 2000):
        chunk = revisions[start:start + 2000]
        db.session.execute(insert(ConsentEvent), [
            {"story_id": sid, "event": "changed", "research": events[sid].research, "workshop": True,
             "publication": False, "attribution": "pseudonym", "form_version_id": events[sid].form_version_id,
             "on_behalf": False} for sid, _rid, _title, _body in chunk if sid in events])
        db.session.execute(insert(WorkshopVersion), [
            {"story_id": sid, "revision_id": rid, "status": APPROVED, "title": title, "body": body}
            for sid, rid, title, body in chunk if sid in events])
    tx.commit()
    db.session.expunge_all()
    started = time.perf_counter()
    indexing.rebuild()
    print(f"  rebuilt in {time.perf_counter() - started:.1f} s", flush=True)


def sign_in(port: int, email: str) -> str:
    """The session cookie of `email` signed in through the sign-in page (CSRF token and all)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/login")
    response = conn.getresponse()
    page = response.read().decode()
    cookie = _session_cookie(response)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page)
    form = urllib.parse.urlencode({"csrf_token": token.group(1), "email": email, "password": PASSWORD})
    conn.request("POST", "/login", body=form, headers={
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    response.read()
    conn.close()
    if response.status != 302:
        raise SystemExit(f"signing in {email} answered {response.status}")
    return _session_cookie(response)


def _session_cookie(response: http.client.HTTPResponse) -> str:
    for header in response.headers.get_all("Set-Cookie") or []:
        if header.startswith("session="):
            return header.split(";", 1)[0]
    raise SystemExit("no session cookie")


def _get(url: str, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as err:
        return err.code
    except OSError:
        return 0


def run(env: dict[str, str], workers: int, seconds: float, api_token: str | None) -> tuple:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-c", "from storybank.cli import main; main()", "serve",
                             "--port", str(port), "--workers", str(workers)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    timings: dict[str, list[float]] = {"researcher": [], "host": []}
    errors = {"researcher": 0, "host": 0}
    try:
        for _ in range(600):
            try:
                with urllib.request.urlopen(base + "/readyz", timeout=5):
                    break
            except OSError:
                time.sleep(0.3)
        if api_token:
            who = {"researcher": ({"Authorization": f"Bearer {api_token}"}, "/api/v1/search?purpose=research&q=")}
        else:
            who = {role: ({"Cookie": sign_in(port, email)}, "/search?q=")
                   for role, email in (("researcher", "r@example.org"), ("host", "h@example.org"))}
        for headers, path in who.values():  # warm every worker a little
            for q in QUERIES:
                _get(base + path + urllib.parse.quote(q), headers)
        deadline = time.monotonic() + seconds

        def client(seed: int) -> None:
            role = list(who)[seed % len(who)]
            headers, path = who[role]
            for q in itertools.islice(itertools.cycle(QUERIES), seed, None):
                if time.monotonic() >= deadline:
                    return
                began = time.perf_counter()
                status = _get(base + path + urllib.parse.quote(q), headers)
                timings[role].append((time.perf_counter() - began) * 1000)
                errors[role] += status != 200

        threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    every = sorted(t for ts in timings.values() for t in ts)
    rows = []
    for role, samples in [("everyone", every)] + [(r, sorted(ts)) for r, ts in timings.items() if ts]:
        n = len(samples)
        rows.append((workers, role, n / seconds, samples[n // 2], samples[min(n - 1, int(n * 0.99))],
                     sum(errors.values()) if role == "everyone" else errors[role]))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", help="the folder benchmarks/search.py --keep filled")
    parser.add_argument("--database-url", default=None, help="the database benchmarks/search.py filled (PostgreSQL)")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", default="1,3")
    parser.add_argument("--api", action="store_true", help="GET /api/v1/search as the researcher instead of the page")
    args = parser.parse_args()
    folder = Path(args.folder)
    url = args.database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
    app = create_app({"INSTANCE_PATH": str(folder), "SQLALCHEMY_DATABASE_URI": url,
                      "SECRET_KEY": "bench" * 8, "INDEX_DIR": str(folder / "search-index"),
                      "SEARCH_REPAIR_ON_START": False})
    with app.app_context():
        researcher = db.session.scalar(select(User).where(User.email == "r@example.org"))
        if researcher is None:
            parser.error(f"no corpus in {folder}: run benchmarks/search.py --keep {folder} first")
        token = create_token(researcher) if args.api else None
        tx.commit()
        if not args.api:
            give_hosts_stories()
        stories = db.session.scalar(select(func.count()).select_from(Story))
        dialect = db.engine.dialect.name
        engine_name = indexing.engine().name
        db.engine.dispose()
    env = {**os.environ, "STORYBANK_INSTANCE_PATH": str(folder), "STORYBANK_DATABASE_URL": url,
           "STORYBANK_SECRET_KEY": "bench" * 8, "STORYBANK_DEID_ON_SAVE": "0", "STORYBANK_SECURE_COOKIES": "0"}
    rows = [row for w in args.workers.split(",") for row in run(env, int(w), args.seconds, token)]
    what = "GET /api/v1/search (researcher)" if args.api else "the search page, GET /search?q=…"
    print(f"\nstorybank serve, {dialect} + {engine_name}, {stories:,} stories, {CLIENTS} clients, "
          f"{args.seconds:.0f} s per worker count, {what}, the five query classes of benchmarks/search.py in turn; "
          f"load average {os.getloadavg()[0]:.1f}\n")
    print("| workers | who | searches/s | p50 ms | p99 ms | errors |")
    print("|---|---|---|---|---|---|")
    for workers, role, rate, p50, p99, errors in rows:
        print(f"| {workers} | {role} | {rate:.1f} | {p50:.0f} | {p99:.0f} | {errors} |")


if __name__ == "__main__":
    main()
