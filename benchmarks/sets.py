"""How fast a big story set renders: the card sheet of 200 items must take at most a second.

Builds (default) 200 stories of about 400 words, each with an approved workshop
version (a few names replaced), themes from codings, and a host's set of 200
items (150 whole stories, 50 excerpts), then requests the pages a host uses
through the app, as a browser would (signed in, full template rendering,
policy re-check and audit on every request). "cold" is the first request,
"warm" the median of the following ones. Prints a table.

    python benchmarks/sets.py [--items N] [--repeat R] [--database-url URL of an empty database]
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
from storybank.accounts.services import create_user
from storybank.archive.consent import current_form
from storybank.archive.models import ConsentEvent, Story, StoryRevision
from storybank.coding.codebook import install_starter
from storybank.coding.models import Code, Coding
from storybank.deid.models import ACCEPTED, APPROVED, IdentifierSpan, WorkshopVersion
from storybank.extensions import db
from storybank.workshops.models import StorySet, StorySetItem

ROOT = Path(__file__).resolve().parent.parent
WORDS = ("waiting referral hub crisis team housing rent debt peer worker listened gp appointment letter "
         "threshold eligibility discharged hope kitchen table bus sister council benefits tired again").split()
NAMES = ("Delroy", "Amina", "Brookside", "Hollybank")


def build(items: int, host_id: int, researcher_id: int, codes: list[int], form_id: int) -> int:
    """Stories, approved versions, codings and one set, inserted in bulk; returns the set's id."""
    rng = random.Random(7)
    stories, revisions, consents, versions, spans, codings, set_items = [], [], [], [], [], [], []
    count = max(1, items * 3 // 4)
    for sid in range(1, count + 1):
        sentences = [" ".join(rng.choices(WORDS, k=rng.randint(8, 16))).capitalize() + "." for _ in range(30)]
        for _ in range(3):  # a name in three sentences, replaced in the workshop version
            sentences[rng.randrange(30)] += f" {rng.choice(NAMES)} came too."
        body = " ".join(sentences)
        stories.append({"id": sid, "kind": "lived_experience", "status": "active", "title": f"Story {sid}",
                        "site": "Salford", "language": "en", "collection_method": "written", "storyteller_role": "",
                        "collected_by": ""})
        revisions.append({"id": sid, "story_id": sid, "number": 1, "title": f"Story {sid}", "body": body,
                          "reason": "original"})
        consents.append({"story_id": sid, "event": "given", "research": True, "workshop": True,
                         "publication": False, "attribution": "anonymous", "form_version_id": form_id,
                         "on_behalf": False})
        rendered, at = [], 0
        for name in NAMES:
            start = body.find(name)
            while start >= 0:
                spans.append({"story_id": sid, "revision_id": sid, "part": "body", "start": start,
                              "end": start + len(name), "original": name, "type": "PERSON", "source": "rule",
                              "decision": ACCEPTED, "descriptor": "[Person A]"})
                start = body.find(name, start + 1)
        for span in sorted((s for s in spans if s["story_id"] == sid), key=lambda s: s["start"]):
            rendered += [body[at:span["start"]], "[Person A]"]
            at = span["end"]
        rendered.append(body[at:])
        versions.append({"story_id": sid, "revision_id": sid, "status": APPROVED, "title": f"Story {sid}",
                         "body": "".join(rendered), "teller_message": "", "detected_with": "bench",
                         "approved_on_behalf": True})
        for _ in range(4):
            start = rng.randrange(0, len(body) - 200)
            codings.append({"story_id": sid, "revision_id": sid, "code_id": rng.choice(codes),
                            "coder_id": researcher_id, "start": start, "end": start + rng.randint(20, 200)})
        codings.append({"story_id": sid, "revision_id": sid, "code_id": rng.choice(codes), "coder_id": researcher_id,
                        "start": None, "end": None})
        set_items.append((sid, None, None))
    while len(set_items) < items:
        sid = rng.randint(1, count)
        body = revisions[sid - 1]["body"]
        start = rng.randrange(0, len(body) - 400)
        set_items.append((sid, start, start + rng.randint(150, 400)))
    db.session.execute(insert(Story), stories)
    db.session.execute(insert(StoryRevision), revisions)
    db.session.execute(insert(ConsentEvent), consents)
    db.session.execute(insert(WorkshopVersion), versions)
    db.session.execute(insert(IdentifierSpan), spans)
    db.session.execute(insert(Coding), codings)
    story_set = StorySet(host_id=host_id, title="Thresholds", question="Where do thresholds shut people out?",
                         next_number=len(set_items) + 1)
    db.session.add(story_set)
    db.session.flush()
    db.session.execute(insert(StorySetItem), [
        {"set_id": story_set.id, "story_id": sid, "number": n, "position": n, "start": start, "end": end,
         "revision_id": sid if start is not None else None, "note": "", "prompt": "", "from_query": False}
        for n, (sid, start, end) in enumerate(set_items, start=1)])
    tx.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE"))
        tx.commit()
    return story_set.id


def timed(client, path: str, repeat: int) -> tuple[float, float, int]:
    def once() -> tuple[float, int]:
        start = time.perf_counter()
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return time.perf_counter() - start, len(response.data)
    cold, size = once()
    warm = statistics.median(once()[0] for _ in range(repeat))
    return cold * 1000, warm * 1000, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="storybank-sets-bench-"))
    url = args.database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
    app = create_app({"INSTANCE_PATH": str(folder), "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench" * 8,
                      "INDEX_DIR": str(folder / "search-index"), "SEARCH_REPAIR_ON_START": False,
                      "DEID_ON_SAVE": False})
    try:
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            host = create_user(None, "host@example.org", "bench password", ["host"])
            researcher = create_user(None, "researcher@example.org", "bench password", ["researcher"])
            install_starter(researcher)
            form = current_form()
            tx.commit()
            codes = list(db.session.scalars(select(Code.id).where(Code.parent_id.is_not(None))))
            print(f"Building a set of {args.items} items on {db.engine.dialect.name}...")
            set_id = build(args.items, host.id, researcher.id, codes, form.id)
            host_id = host.id
            db.session.remove()
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = str(host_id)
            session["_fresh"] = True
        cards = client.get(f"/sets/{set_id}/cards").get_data(as_text=True).count('class="story-card')
        assert cards == args.items, f"only {cards} of {args.items} cards rendered"
        rows = [(name, timed(client, path, args.repeat)) for name, path in (
            ("card sheet (print)", f"/sets/{set_id}/cards"),
            ("set page (editor)", f"/sets/{set_id}"),
            ("presentation, one card", f"/sets/{set_id}/present?at=100"),
            ("export ZIP", f"/sets/{set_id}/export.zip"),
        )]
        with app.app_context():
            db.engine.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"\nA set of {args.items} items ({url.split(':')[0]}); ms, through the app with a signed-in host\n")
    print("| page | cold (first request) | warm (median) | size |")
    print("|---|---|---|---|")
    for name, (cold, warm, size) in rows:
        print(f"| {name} | {cold:,.0f} | {warm:,.0f} | {size / 1024:,.0f} KB |")


if __name__ == "__main__":
    main()
