"""How fast search is on a large archive, beside bare Whoosh on the same corpus.

Generates a synthetic corpus (default 20,000 stories of about 400 words,
Zipf-distributed words drawn from the demo stories, with 1-3 themes each),
rebuilds the app's index (`storybank reindex`'s own code, timed), builds a
bare Whoosh index of the same documents, then times the same queries through
the app's own search function (parsing, consent filter, re-check against the
database, snippets, facets, "did you mean") and through bare Whoosh (top 10),
and prints a table.

    python benchmarks/search.py [--stories N] [--repeat R] [--database-url URL] [--keep DIR] [--no-bare-whoosh]

`--keep DIR` keeps the generated corpus, the app's index and the bare Whoosh index in
DIR and reuses them on the next run (pass `--reindex` to time the
rebuild again): the corpus takes minutes to build on a busy machine. With
--database-url the corpus stays in that database and a run with --keep reuses it.
"""
from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import func, insert, select, text
from whoosh import index as whoosh_index
from whoosh import sorting
from whoosh.qparser import MultifieldParser

from storybank import create_app, tx
from storybank.accounts.models import User
from storybank.accounts.services import create_user
from storybank.archive.consent import current_form
from storybank.archive.models import ConsentEvent, Story, StoryRevision
from storybank.coding.codebook import install_starter
from storybank.coding.models import Code, Coding
from storybank.extensions import db
from storybank.search import indexing, service
from storybank.search.documents import IndexDoc
from storybank.search.models import SearchDocument
from storybank.search.whoosh_engine import _fields, schema

ROOT = Path(__file__).resolve().parent.parent
SITES = ["Lambeth", "Edinburgh", "Luton", "Salford", "Tameside & Glossop"]
QUERIES = [
    ("single term", "waiting", None),
    ("two-term AND", "waiting crisis", None),
    ("phrase", '"crisis team"', None),
    ("theme-filtered", "housing theme:thresholds", "housing themes:{thresholds}"),
    ("faceted (site + kind)", "referral site:Salford kind:lived_experience",
     "referral site:salford kind:lived_experience"),
]


def demo_words() -> list[str]:
    counts: dict[str, int] = {}
    for path in sorted((ROOT / "stories").glob("*.md")):
        for word in re.findall(r"[a-z']+", path.read_text(encoding="utf-8").split("---", 2)[-1].lower()):
            counts[word] = counts.get(word, 0) + 1
    return sorted(counts, key=lambda w: (-counts[w], w))


def build(n: int, form_id: int, words: list[str], code_ids: list[int], coder_id: int) -> None:
    rng = random.Random(7)
    weights = [1 / (rank + 1) for rank in range(len(words))]
    batch = 2000
    for start in range(0, n, batch):
        stories, revisions, events, codings = [], [], [], []
        count = min(n, start + batch) - start
        pool = rng.choices(words, weights=weights, k=count * 400)
        for j, i in enumerate(range(start, start + count)):
            sid = i + 1
            body_words = pool[j * 400:(j + 1) * 400]
            if rng.random() < 0.2:
                body_words[rng.randrange(390)] = "crisis team"
            body = ". ".join(" ".join(body_words[k:k + 15]) for k in range(0, 400, 15)) + "."
            title = " ".join(rng.choices(words[:400], k=4)).capitalize()
            stories.append({"id": sid, "kind": rng.choice(["lived_experience", "practitioner"]), "status": "active",
                            "title": title, "site": rng.choice(SITES), "language": "en",
                            "collection_method": "written", "storyteller_role": "", "collected_by": ""})
            revisions.append({"id": sid, "story_id": sid, "number": 1, "title": title, "body": body,
                              "reason": "original"})
            events.append({"story_id": sid, "event": "given", "research": rng.random() < 0.9, "workshop": False,
                           "publication": False, "attribution": "pseudonym", "form_version_id": form_id,
                           "on_behalf": False})
            for code_id in rng.sample(code_ids, rng.randint(1, 3)):
                codings.append({"story_id": sid, "revision_id": sid, "code_id": code_id, "coder_id": coder_id})
        db.session.execute(insert(Story), stories)
        db.session.execute(insert(StoryRevision), revisions)
        db.session.execute(insert(ConsentEvent), events)
        db.session.execute(insert(Coding), codings)
        tx.commit()
        print(f"  stories {min(n, start + batch):,} / {n:,}", end="\r", flush=True)
    print()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(f"SELECT setval('stories_id_seq', {n})"))
        db.session.execute(text(f"SELECT setval('story_revisions_id_seq', {n})"))
        db.session.execute(text("ANALYZE"))
        tx.commit()


def size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def backend_seconds(pid: int | None) -> float:
    """The processor time the PostgreSQL backend `pid` has used (Linux's /proc; 0 where it cannot be read)."""
    try:
        with open(f"/proc/{pid}/schedstat") as found:
            return int(found.read().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        return 0.0


def percentiles(samples: list[float]) -> tuple[float, float]:
    return statistics.median(samples), statistics.quantiles(samples, n=20)[18]


def bare_postgres(app_query: str) -> object:
    """The same condition on `search_documents`, ranked by `ts_rank`, top 10, nothing counted."""
    from sqlalchemy import cast, literal
    from sqlalchemy.dialects.postgresql import TSQUERY

    from storybank.search import plan
    from storybank.search import postgres_engine as pg

    _tree, resolved, _notes = service.parse(app_query, "research")
    condition = pg._as_sql(pg._compile(resolved))
    rank = func.ts_rank(SearchDocument.tsv, cast(literal(pg._ts_or(tuple(sorted(plan.highlight_stems(resolved))))),
                                                 TSQUERY))
    return (select(SearchDocument.story_id).where(SearchDocument.purpose == "research", condition)
            .order_by(rank.desc()).limit(10))


def bare_whoosh(folder: Path, reused: bool) -> tuple[object, float | None, int]:
    """Bare Whoosh: the same documents, the same schema, one writer, no app around it."""
    docs = []
    stmt = (select(StoryRevision.story_id, StoryRevision.title, StoryRevision.body, Story.site, Story.kind)
            .join(Story, Story.id == StoryRevision.story_id))
    themes: dict[int, set[int]] = {}
    for sid, code_id in db.session.execute(select(Coding.story_id, Coding.code_id)):
        themes.setdefault(sid, set()).add(code_id)
    for sid, title, body, site, kind in db.session.execute(stmt):
        docs.append(IndexDoc(story_id=sid, purpose="research", title=title, body=body, site=site, kind=kind, role="",
                             method="written", collected_on=None, themes=themes.get(sid, set())))
    db.session.rollback()
    bare_dir = folder / "bare-whoosh"
    bare_build = None
    if reused and whoosh_index.exists_in(str(bare_dir)):
        ix = whoosh_index.open_dir(str(bare_dir))
    else:
        shutil.rmtree(bare_dir, ignore_errors=True)
        bare_dir.mkdir()
        start = time.perf_counter()
        ix = whoosh_index.create_in(str(bare_dir), schema())
        writer = ix.writer(limitmb=128)
        for doc in docs:
            writer.add_document(**_fields(doc))
        writer.commit()
        bare_build = time.perf_counter() - start
    bare_size = size_of(bare_dir)
    del docs
    return ix, bare_build, bare_size


def _secs(seconds: float | None) -> str:
    return "(kept from an earlier run)" if seconds is None else f"{seconds:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--keep", default=None, help="a folder to keep (and reuse) the corpus and indexes in")
    parser.add_argument("--reindex", action="store_true", help="with --keep: time the app's rebuild again")
    parser.add_argument("--no-bare-whoosh", action="store_true",
                        help="skip the bare Whoosh index (PostgreSQL runs, large corpora)")
    args = parser.parse_args()
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="storybank-search-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    url = args.database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
    app = create_app({"INSTANCE_PATH": str(folder), "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench" * 8,
                      "INDEX_DIR": str(folder / "search-index"), "SEARCH_REPAIR_ON_START": False})
    try:
        with app.app_context():
            run(args, folder)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


def run(args: argparse.Namespace, folder: Path) -> None:
    upgrade(directory=str(ROOT / "migrations"))
    reused = bool(args.keep) and (db.session.scalar(select(func.count()).select_from(Story)) or 0) > 0
    if reused:
        researcher = db.session.scalar(select(User).where(User.email == "r@example.org"))
        args.stories = db.session.scalar(select(func.count()).select_from(Story))
    else:
        researcher = create_user(None, "r@example.org", "bench password", ["researcher"])
        install_starter(researcher)
        form = current_form()
        tx.commit()
    researcher_id = researcher.id
    codes = {c.name.lower(): c.id for c in db.session.scalars(select(Code))}
    leaf_codes = [c.id for c in db.session.scalars(select(Code).where(Code.parent_id.is_not(None)))]
    dialect = db.engine.dialect.name
    if not reused:
        print(f"Generating {args.stories:,} stories on {dialect}...")
        build(args.stories, form.id, demo_words(), leaf_codes, researcher.id)

    ticks: dict[str, int] = {}

    phase_started: dict[str, float] = {}

    def progress(phase: str, n: int) -> None:
        phase_started.setdefault(phase, time.perf_counter())
        ticks[phase] = ticks.get(phase, 0) + n
        if ticks[phase] % 5000 < n:
            print(f"  {phase}: {ticks[phase]:,}", flush=True)

    app_build = None
    if dialect == "postgresql":  # the index is the search_documents table, not a folder
        indexed = db.session.scalar(select(func.count()).select_from(SearchDocument)) > 0
    else:
        indexed = (folder / "search-index").exists()
    if not reused or args.reindex or not indexed:
        start = time.perf_counter()
        indexing.rebuild(progress)
        app_build = time.perf_counter() - start
    if dialect == "postgresql":
        app_size = db.session.scalar(text("SELECT pg_total_relation_size('search_documents')"))
        db.session.execute(text("ANALYZE"))
        tx.commit()
    else:
        app_size = size_of(folder / "search-index")

    ix, bare_build, bare_size = (None, None, 0) if args.no_bare_whoosh else bare_whoosh(folder, reused)
    researcher = db.session.get(type(researcher), researcher_id)  # rebuild() cleared the session
    searcher = ix.searcher() if ix else None
    qparser = MultifieldParser(["title", "body"], ix.schema) if ix else None
    facets = {"site": sorting.FieldFacet("site", maptype=sorting.Count),
              "kind": sorting.FieldFacet("kind", maptype=sorting.Count),
              "theme": sorting.FieldFacet("themes", allow_overlap=True, maptype=sorting.Count)}

    rows, pg_rows = [], []
    for name, app_query, bare_query in QUERIES:
        bare_text = (bare_query or app_query).replace("{thresholds}", str(codes["thresholds"]))
        parsed = qparser.parse(bare_text) if qparser else None
        stmt = bare_postgres(app_query) if dialect == "postgresql" else None
        service.search(researcher, app_query)  # warm
        app_ms, bare_ms, top_ms, pg_ms = [], [], [], []
        app_cpu, pg_cpu = [0.0, 0.0], [0.0, 0.0]  # (this process, its PostgreSQL backend) seconds
        pid = db.session.scalar(text("SELECT pg_backend_pid()")) if dialect == "postgresql" else None
        for _ in range(args.repeat):
            _ = researcher.roles  # (a request has loaded its user before the view searches: not timed)
            db.session.connection()  # (and begun its transaction)
            c0, b0 = time.process_time(), backend_seconds(pid)
            t0 = time.perf_counter()
            results = service.search(researcher, app_query)
            app_ms.append((time.perf_counter() - t0) * 1000)
            app_cpu[0] += time.process_time() - c0
            app_cpu[1] += backend_seconds(pid) - b0
            db.session.rollback()
            if stmt is not None:  # the bare PostgreSQL query right after the app's, under the same load
                db.session.connection()
                c0, b0 = time.process_time(), backend_seconds(pid)
                t0 = time.perf_counter()
                db.session.scalars(stmt).all()
                pg_ms.append((time.perf_counter() - t0) * 1000)
                pg_cpu[0] += time.process_time() - c0
                pg_cpu[1] += backend_seconds(pid) - b0
                db.session.rollback()
            if searcher is None:
                continue
            t0 = time.perf_counter()
            bare = searcher.search(parsed, limit=10, groupedby=facets)
            [hit["id"] for hit in bare]
            bare_ms.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            [hit["id"] for hit in searcher.search(parsed, limit=10)]
            top_ms.append((time.perf_counter() - t0) * 1000)
        if searcher is not None:
            rows.append((name, results.total, *percentiles(app_ms), *percentiles(bare_ms), *percentiles(top_ms)))
        if pg_ms:
            cpu = [1000 * t / args.repeat for t in (*app_cpu, *pg_cpu)]
            pg_rows.append((name, results.total, *percentiles(app_ms), *percentiles(pg_ms), *cpu))
    if searcher is not None:
        searcher.close()

    print(f"\n{args.stories:,} stories of about 400 words; app on {dialect} "
          f"({indexing.engine().name}); {args.repeat} runs per query; warm\n")
    print("| build | time s | index MB |")
    print("|---|---|---|")
    print(f"| app: `storybank reindex` (database records + {indexing.engine().name}) | {_secs(app_build)} "
          f"| {app_size / 1e6:.1f} |")
    if ix is not None:
        print(f"| bare Whoosh, one writer | {_secs(bare_build)} | {bare_size / 1e6:.1f} |")
    if rows:
        print("\n| query | hits | app median / p95 ms | bare Whoosh + same facets | p95 ratio "
              "| bare Whoosh, top 10 only | p95 ratio |")
        print("|---|---|---|---|---|---|---|")
    for name, hits, a_med, a_p95, b_med, b_p95, t_med, t_p95 in rows:
        print(f"| {name} | {hits:,} | {a_med:.1f} / {a_p95:.1f} | {b_med:.1f} / {b_p95:.1f} | "
              f"{a_p95 / b_p95:.1f}× | {t_med:.1f} / {t_p95:.1f} | {a_p95 / t_p95:.1f}× |")
    if pg_rows:
        print("\n| query | hits | app median / p95 ms | bare `tsvector @@` + `ts_rank`, top 10 | p95 ratio "
              "| processor ms, app: here + PostgreSQL | bare | ratio |")
        print("|---|---|---|---|---|---|---|---|")
        for name, hits, a_med, a_p95, p_med, p_p95, a_here, a_pg, p_here, p_pg in pg_rows:
            print(f"| {name} | {hits:,} | {a_med:.1f} / {a_p95:.1f} | {p_med:.1f} / {p_p95:.1f} | "
                  f"{a_p95 / p_p95:.1f}× | {a_here:.2f} + {a_pg:.2f} | {p_here:.2f} + {p_pg:.2f} | "
                  f"{(a_here + a_pg) / max(p_here + p_pg, 1e-9):.2f}× |")
        print("\nProcessor time is the mean per search of this process's and of its PostgreSQL backend's "
              "(/proc/PID/schedstat, where PostgreSQL runs on this machine): less swayed than wall time by other "
              "work on the machine, though it leaves out waiting.")
    print("\nThe app's figures include parsing, the consent filter, re-checking each shown story against the "
          "database, snippets, 'did you mean' and facet counts (site, kind, themes) over every match, as the "
          "search page shows them. 'Bare Whoosh + same facets' does the same search with the same facets "
          "(groupedby); 'top 10 only' is the bare search with no facets at all.")


if __name__ == "__main__":
    main()
