"""How fast the archive's pages are on a large archive.

Builds a synthetic archive (default 20,000 stories of about 400 words) in a
temporary SQLite database (or PostgreSQL with --database-url), then times the
researcher's browse page, its facet counts, one story page and the teller's
"My stories" through the app's own views, and prints a table.

    python benchmarks/pages.py [--stories N] [--repeat R] [--database-url URL]
"""
from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import insert, select, text

from storybank import create_app, tx
from storybank.accounts.services import create_user
from storybank.archive.consent import current_form
from storybank.archive.models import ConsentEvent, Story, StoryRevision
from storybank.extensions import db

ROOT = Path(__file__).resolve().parent.parent
WORDS = ("waiting referral hub crisis team housing rent debt peer worker listened gp appointment letter "
         "threshold eligibility discharged hope kitchen table bus sister council benefits tired again").split()
SITES = ["Lambeth", "Edinburgh", "Luton", "Salford", "Tameside & Glossop"]


def build(n: int, teller_id: int, form_id: int) -> None:
    rng = random.Random(7)
    batch = 2000
    for start in range(0, n, batch):
        stories, revisions, events = [], [], []
        for i in range(start, min(n, start + batch)):
            sid = i + 1
            stories.append({"id": sid, "kind": rng.choice(["lived_experience", "practitioner"]),
                            "status": "active", "title": f"Story {sid}", "site": rng.choice(SITES),
                            "teller_id": teller_id if sid % 1000 == 0 else None, "language": "en",
                            "collection_method": "written", "storyteller_role": "", "collected_by": ""})
            body = " ".join(rng.choice(WORDS) for _ in range(400))
            revisions.append({"story_id": sid, "number": 1, "title": f"Story {sid}", "body": body,
                              "reason": "original"})
            events.append({"story_id": sid, "event": "given", "research": rng.random() < 0.8,
                           "workshop": rng.random() < 0.6, "publication": False, "attribution": "pseudonym",
                           "form_version_id": form_id, "on_behalf": False})
            if rng.random() < 0.1:  # some stories have a later consent change
                events.append({**events[-1], "event": "changed", "research": not events[-1]["research"]})
        db.session.execute(insert(Story), stories)
        db.session.execute(insert(StoryRevision), revisions)
        db.session.execute(insert(ConsentEvent), events)
        tx.commit()
        print(f"  built {min(n, start + batch):,} / {n:,}", end="\r", flush=True)
    print()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(f"SELECT setval('stories_id_seq', {n})"))
        db.session.execute(text("ANALYZE"))
        tx.commit()


def build_workshop(n: int, researcher_id: int) -> None:
    """Workshop versions in every state, identifiers and a registry of a few thousand names."""
    from storybank.deid.models import IdentifierSpan, Pseudonym, WorkshopVersion

    rng = random.Random(11)
    ids = db.session.scalars(select(Story.id).join(ConsentEvent).where(ConsentEvent.workshop.is_(True))
                             .distinct().order_by(Story.id)).all()
    revisions = dict(db.session.execute(select(StoryRevision.story_id, StoryRevision.id)).all())
    names = [f"Name{i}" for i in range(3000)]
    db.session.execute(insert(Pseudonym), [
        {"type": "ORG", "scope": "archive", "key": name.lower(), "original": name, "label": f"Service {i + 1}",
         "created_by_id": researcher_id} for i, name in enumerate(names)])
    pseudonyms = db.session.scalars(select(Pseudonym.id)).all()
    states = ["review", "with_teller", "changes_requested", "approved"]
    versions, spans = [], []
    for sid in ids[: n // 2]:
        status = rng.choice(states)
        versions.append({"story_id": sid, "revision_id": revisions[sid], "status": status, "teller_message": "",
                         "detected_with": "bench", "approved_on_behalf": False,
                         "title": "Story" if status == "approved" else None,
                         "body": "text" if status == "approved" else None})
        for k in range(5):
            spans.append({"story_id": sid, "revision_id": revisions[sid], "part": "body", "start": k * 20,
                          "end": k * 20 + 6, "original": "word", "type": "ORG", "source": "model",
                          "decision": rng.choice(["proposed", "accepted", "rejected"]),
                          "pseudonym_id": rng.choice(pseudonyms), "descriptor": ""})
    db.session.execute(insert(WorkshopVersion), versions)
    for start in range(0, len(spans), 5000):
        db.session.execute(insert(IdentifierSpan), spans[start:start + 5000])
    tx.commit()


def timed(client, path: str, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        answer = client.get(path)
        samples.append((time.perf_counter() - start) * 1000)
        assert answer.status_code == 200, (path, answer.status_code)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="storybank-bench-"))
    url = args.database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
    app = create_app({"INSTANCE_PATH": str(folder), "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench" * 8,
                      "SESSION_COOKIE_SECURE": False, "SEARCH_REPAIR_ON_START": False})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        researcher = create_user(None, "r@example.org", "bench password", ["researcher"])
        teller = create_user(None, "t@example.org", "bench password", ["storyteller"])
        form = current_form()
        tx.commit()
        print(f"Building {args.stories:,} stories on {db.engine.dialect.name}...")
        start = time.perf_counter()
        build(args.stories, teller.id, form.id)
        build_workshop(args.stories, researcher.id)
        build_s = time.perf_counter() - start
        review_id = db.session.scalar(select(Story.id).join(ConsentEvent).where(ConsentEvent.workshop.is_(True))
                                      .order_by(Story.id.desc()))
        readable = db.session.scalar(select(Story.id).join(ConsentEvent).where(ConsentEvent.research.is_(True))
                                     .order_by(Story.id.desc()))
        rid, tid = researcher.id, teller.id
    researcher_client, teller_client = app.test_client(), app.test_client()
    for client, uid in ((researcher_client, rid), (teller_client, tid)):
        with client.session_transaction() as session:
            session["_user_id"] = str(uid)
    rows = [
        ("browse, page 1 (count + facets)", timed(researcher_client, "/research/stories", args.repeat)),
        ("browse, site + kind, page 5", timed(researcher_client,
                                              "/research/stories?site=Luton&kind=practitioner&page=5", args.repeat)),
        ("one story page (audited read)", timed(researcher_client, f"/stories/{readable}", args.repeat)),
        ("teller: My stories", timed(teller_client, "/stories", args.repeat)),
        ("workshop versions, page 1", timed(researcher_client, "/research/workshop", args.repeat)),
        ("workshop versions, approved, page 3", timed(researcher_client, "/research/workshop?status=approved&page=3",
                                                       args.repeat)),
        ("review a workshop version", timed(researcher_client, f"/research/stories/{review_id}/workshop",
                                            args.repeat)),
        ("pseudonym registry, page 1", timed(researcher_client, "/research/registry", args.repeat)),
    ]
    print(f"\n{args.stories:,} stories on {url.split(':')[0]}; build {build_s:.1f} s; {args.repeat} requests each\n")
    print(f"| {'page':34} | median ms | p95 ms |")
    print(f"|{'-' * 36}|-----------|--------|")
    for name, samples in rows:
        p95 = statistics.quantiles(samples, n=20)[18]
        print(f"| {name:34} | {statistics.median(samples):9.1f} | {p95:6.1f} |")


if __name__ == "__main__":
    main()
