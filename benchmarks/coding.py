"""How long one coding action takes on a long transcript: in place (JSON parts) against post, redirect, reload.

Builds one long interview transcript (default 120 question-and-answer pairs, about 9,000 words) with the
starter codebook and a few hundred existing codings, then times, through the app's own views, applying a
code to a passage and removing it again: the way the coding page does it now (one request answered with the
parts of the page that changed) and the way it did before (the form's post, its redirect and the whole page
again). Prints a table. Times are server-side only; the browser's own reload (parsing, styling, scripts,
finding the reader's place again) comes on top of the old way.

    python benchmarks/coding.py [--pairs N] [--codings N] [--repeat R] [--database-url URL]
"""
from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import select

from storybank import create_app, tx
from storybank.accounts.services import create_user
from storybank.archive.stories import submit_story
from storybank.archive.validation import StoryDraft
from storybank.coding.codebook import install_starter
from storybank.coding.codings import apply_coding
from storybank.coding.models import Code, Coding
from storybank.extensions import db

ROOT = Path(__file__).resolve().parent.parent
JSON = {"Accept": "application/json"}


def transcript(pairs: int) -> str:
    rng = random.Random(5)
    words = ("waiting referral hub crisis team housing rent debt peer worker listened gp appointment letter "
             "threshold eligibility discharged hope kitchen table bus sister council benefits tired again").split()
    parts = []
    for n in range(1, pairs + 1):
        parts.append(f"**Q{n}:** What happened next, the {n}th time?")
        parts.append(f"A{n}: " + " ".join(rng.choice(words) for _ in range(70)).capitalize() + ".")
    return "\n\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=120)
    parser.add_argument("--codings", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="storybank-bench-"))
    url = args.database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
    app = create_app({"INSTANCE_PATH": str(folder), "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench" * 8,
                      "SESSION_COOKIE_SECURE": False, "SEARCH_REPAIR_ON_START": False, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        researcher = create_user(None, "r@example.org", "bench password", ["researcher"])
        teller = create_user(None, "t@example.org", "bench password", ["storyteller"])
        tx.commit()
        body = transcript(args.pairs)
        story = submit_story(teller, StoryDraft(title="A long transcript", body=body, kind="lived_experience",
                                                site="Salford", consent={"research": True}, attribution="anonymous"))
        install_starter(researcher)
        tx.commit()
        codes = db.session.scalars(select(Code.id)).all()
        rng = random.Random(3)
        for _ in range(args.codings):
            start = rng.randrange(0, len(body) - 400)
            apply_coding(researcher, story.id, rng.choice(codes), start, start + rng.randint(20, 300))
        tx.commit()
        sid, rid, code_id = story.id, researcher.id, codes[0]
        passage = (body.index("A7:"), body.index("A7:") + 120)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(rid)
    form = {"code_id": code_id, "start": passage[0], "end": passage[1]}

    def newest() -> int:
        with app.app_context():
            return db.session.scalar(select(Coding.id).order_by(Coding.id.desc()))

    samples: dict[str, list[float]] = {k: [] for k in ("apply", "apply_old", "remove", "remove_old", "page")}
    for _ in range(args.repeat):
        t = time.perf_counter()
        assert client.post(f"/research/stories/{sid}/codings", data=form, headers=JSON).status_code == 200
        samples["apply"].append(time.perf_counter() - t)
        t = time.perf_counter()
        answer = client.post(f"/research/codings/{newest()}/delete", data={"story_id": sid}, headers=JSON)
        samples["remove"].append(time.perf_counter() - t)
        assert answer.status_code == 200
        t = time.perf_counter()
        assert client.post(f"/research/stories/{sid}/codings", data=form, follow_redirects=True).status_code == 200
        samples["apply_old"].append(time.perf_counter() - t)
        t = time.perf_counter()
        answer = client.post(f"/research/codings/{newest()}/delete", data={"story_id": sid}, follow_redirects=True)
        samples["remove_old"].append(time.perf_counter() - t)
        assert answer.status_code == 200
        t = time.perf_counter()
        assert client.get(f"/research/stories/{sid}/code").status_code == 200
        samples["page"].append(time.perf_counter() - t)
    rows = [("open the coding page", "page"), ("apply a code, in place", "apply"),
            ("apply a code, post + redirect + page", "apply_old"), ("remove it, in place", "remove"),
            ("remove it, post + redirect + page", "remove_old")]
    print(f"\n{len(body.split()):,}-word transcript, {args.codings} codings, on {url.split(':')[0]}; "
          f"{args.repeat} of each\n")
    print(f"| {'action':38} | median ms | p95 ms |")
    print(f"|{'-' * 40}|-----------|--------|")
    for name, key in rows:
        ms = [s * 1000 for s in samples[key]]
        print(f"| {name:38} | {statistics.median(ms):9.1f} | {statistics.quantiles(ms, n=20)[18]:6.1f} |")


if __name__ == "__main__":
    main()
