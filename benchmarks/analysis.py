"""How fast agreement and co-occurrence are over many codings.

Builds a synthetic coded archive (default 5,000 stories of about 400 words and
100,000 codings by three coders on the starter codebook), then times through
the app's own functions: agreement for one code, story-level and
sentence-level co-occurrence, and code frequencies. The codings are inserted
in bulk, so the first call also works out and stores every coding's sentence
units (as for an imported project); "warm" is the median of the following
calls, as every later request sees it. Prints a table.

    python benchmarks/analysis.py [--stories N] [--codings N] [--repeat R] [--database-url URL]
"""
from __future__ import annotations

import argparse
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import insert, select, text

from storybank import create_app, tx
from storybank.accounts.models import User
from storybank.accounts.services import create_user
from storybank.archive.consent import current_form
from storybank.archive.models import ConsentEvent, Story, StoryRevision
from storybank.coding import analysis
from storybank.coding.agreement_all_codes import agreement_overview
from storybank.coding.agreement_by_code import code_agreement
from storybank.coding.codebook import install_starter
from storybank.coding.models import Code, Coding
from storybank.extensions import db

ROOT = Path(__file__).resolve().parent.parent
WORDS = ("waiting referral hub crisis team housing rent debt peer worker listened gp appointment letter "
         "threshold eligibility discharged hope kitchen table bus sister council benefits tired again").split()


def build(stories: int, codings: int, coders: list[int], codes: list[int], form_id: int) -> None:
    rng = random.Random(11)
    bodies = {}
    rows_s, rows_r, rows_c = [], [], []
    for sid in range(1, stories + 1):
        sentences = [" ".join(rng.choices(WORDS, k=rng.randint(8, 20))).capitalize() + "." for _ in range(30)]
        body = " ".join(sentences)
        bodies[sid] = body
        rows_s.append({"id": sid, "kind": rng.choice(["lived_experience", "practitioner"]), "status": "active",
                       "title": f"Story {sid}", "site": rng.choice(["Luton", "Salford", "Lambeth"]),
                       "language": "en", "collection_method": "written", "storyteller_role": "", "collected_by": ""})
        rows_r.append({"id": sid, "story_id": sid, "number": 1, "title": f"Story {sid}", "body": body,
                       "reason": "original"})
        rows_c.append({"story_id": sid, "event": "given", "research": True, "workshop": False, "publication": False,
                       "attribution": "anonymous", "form_version_id": form_id, "on_behalf": False})
    db.session.execute(insert(Story), rows_s)
    db.session.execute(insert(StoryRevision), rows_r)
    db.session.execute(insert(ConsentEvent), rows_c)
    batch = []
    for _ in range(codings):
        sid = rng.randint(1, stories)
        body = bodies[sid]
        start = rng.randrange(0, len(body) - 200)
        batch.append({"story_id": sid, "revision_id": sid, "code_id": rng.choice(codes),
                      "coder_id": rng.choice(coders), "start": start, "end": start + rng.randint(20, 200)})
        if len(batch) == 10000:
            db.session.execute(insert(Coding), batch)
            batch = []
    if batch:
        db.session.execute(insert(Coding), batch)
    tx.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE"))
        tx.commit()


def timed(fn, repeat: int) -> tuple[float, float]:
    start = time.perf_counter()
    fn()
    tx.commit()  # as a request does: sentence units worked out on the way are kept
    cold = time.perf_counter() - start
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        tx.commit()
        samples.append(time.perf_counter() - start)
    return cold * 1000, statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=5000)
    parser.add_argument("--codings", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="storybank-analysis-bench-"))
    url = args.database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
    app = create_app({"INSTANCE_PATH": str(folder), "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench" * 8,
                      "INDEX_DIR": str(folder / "search-index"), "SEARCH_REPAIR_ON_START": False})
    try:
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            coders = [create_user(None, f"coder{i}@example.org", "bench password", ["researcher"]) for i in range(3)]
            install_starter(coders[0])
            form = current_form()
            tx.commit()
            codes = list(db.session.scalars(select(Code.id).where(Code.parent_id.is_not(None))))
            print(f"Building {args.stories:,} stories and {args.codings:,} codings on {db.engine.dialect.name}...")
            build(args.stories, args.codings, [c.id for c in coders], codes, form.id)
            user = db.session.get(User, coders[0].id)
            gp = db.session.scalar(select(Code.id).where(Code.name == "GP"))
            rows = [
                ("agreement, one code (3 coders, sentence units)", timed(lambda: code_agreement(user, gp), args.repeat)),
                ("agreement, every code and overall (3 coders)",
                 timed(lambda: agreement_overview(user), args.repeat)),
                ("co-occurrence, same story", timed(lambda: analysis.cooccurrence(user, "story"), args.repeat)),
                ("co-occurrence, same sentence", timed(lambda: analysis.cooccurrence(user, "sentence"), args.repeat)),
                ("code frequencies by site", timed(lambda: analysis.frequencies(user, "site"), args.repeat)),
            ]
            db.session.remove()
            db.engine.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"\n{args.codings:,} codings on {args.stories:,} stories ({url.split(':')[0]}); ms\n")
    print("| analysis | cold (first call) | warm (median) |")
    print("|---|---|---|")
    for name, (cold, warm) in rows:
        print(f"| {name} | {cold:,.0f} | {warm:,.0f} |")


if __name__ == "__main__":
    main()
