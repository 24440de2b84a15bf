"""How long a storyteller's own story page takes when the story has been used a lot.

Builds one story whose audit log holds N uses by researchers and hosts (reads for research and
for workshops, codings, exports), spread over a year, then times the teller opening the story
page (where "Who used this story" groups them into sentences) and the withdraw page (which lists
the copies that left). Prints a table, one row per N.

    python benchmarks/teller.py [--uses 35,1000,10000] [--repeat R] [--database-url URL]
"""
from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from flask_migrate import upgrade

from storybank import create_app, tx
from storybank.accounts.services import create_user
from storybank.archive.stories import submit_story
from storybank.archive.validation import StoryDraft
from storybank.audit.models import AuditEvent
from storybank.extensions import db
from storybank.timeutil import utcnow

ROOT = Path(__file__).resolve().parent.parent
KINDS = [("story.read", "research", {}), ("story.read", "workshop", {"via": "cards"}), ("coding.added", "research", {}),
         ("story.exported", "research", {"format": "qdpx"}), ("story.read", "workshop_prep", {})]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uses", default="35,1000,10000")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    rows = []
    for n in (int(x) for x in args.uses.split(",")):
        folder = Path(tempfile.mkdtemp(prefix="storybank-bench-"))
        url = args.database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
        app = create_app({"INSTANCE_PATH": str(folder), "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench" * 8,
                          "SESSION_COOKIE_SECURE": False, "SEARCH_REPAIR_ON_START": False})
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            researcher = create_user(None, f"r{n}@example.org", "bench password", ["researcher", "host"])
            teller = create_user(None, f"t{n}@example.org", "bench password", ["storyteller"])
            tx.commit()
            story = submit_story(teller, StoryDraft(title="Used a lot", body="Words. " * 200, kind="lived_experience",
                                                    consent={"research": True, "workshop": True},
                                                    attribution="anonymous"))
            tx.commit()
            rng, start = random.Random(n), utcnow() - timedelta(days=365)
            db.session.add_all(AuditEvent(
                at=start + timedelta(minutes=rng.randrange(365 * 24 * 60)), actor_id=researcher.id,
                actor_roles="host,researcher", action=action, purpose=purpose, story_id=story.id, detail=detail)
                for action, purpose, detail in (rng.choice(KINDS) for _ in range(n)))
            tx.commit()
            sid, tid = story.id, teller.id
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = str(tid)
        times: dict[str, list[float]] = {"page": [], "withdraw": []}
        lines = 0
        for _ in range(args.repeat):
            t = time.perf_counter()
            page = client.get(f"/stories/{sid}")
            times["page"].append(time.perf_counter() - t)
            lines = page.get_data(as_text=True).split('class="uses-list', 1)[1].split("</ul>", 1)[0].count("<li>")
            t = time.perf_counter()
            assert client.get(f"/stories/{sid}/withdraw").status_code == 200
            times["withdraw"].append(time.perf_counter() - t)
        rows.append((n, lines, *(statistics.median(v) * 1000 for v in times.values()),
                     statistics.quantiles([s * 1000 for s in times["page"]], n=20)[18]))
        with app.app_context():
            db.engine.dispose()
    print(f"\nA teller's story page and withdraw page, on {url.split(':')[0]}; {args.repeat} of each\n")
    print("| uses in the audit log | sentences shown | story page median ms | p95 ms | withdraw page median ms |")
    print("|---|---|---|---|---|")
    for n, lines, page_ms, withdraw_ms, p95 in rows:
        print(f"| {n:,} | {lines} | {page_ms:.1f} | {p95:.1f} | {withdraw_ms:.1f} |")


if __name__ == "__main__":
    main()
