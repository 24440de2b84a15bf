"""How well the suggestion model (b) proposes codes for held-out sentences, and how fast it trains.

Two corpora, each through the app's own functions (`suggest_classifier.collect`,
`fit`, `predict`) on a temporary SQLite database:

- demo: the 31 demo stories in `stories/` with the demo codings of two
  researchers (`storybank.coding.demo`); stories are split into folds and each
  fold is held out once (cross-validation over stories, never over sentences
  of the same story);
- synthetic: generated stories (default 400, about 15 sentences each) whose
  sentences carry cue phrases in varied word forms, with 8% of cued sentences
  left uncoded and 5% of uncued sentences coded (coders disagree and miss
  things); a quarter of the stories is held out.

A held-out sentence counts as coded with a code when any excerpt of that code
touches it; the model proposes the code when its score reaches the threshold.
Prints precision, recall and F1 per code and micro-averaged, at the app's
threshold and at others, and the training time.

    python benchmarks/suggest.py [--corpus demo|synthetic|both] [--stories N] [--folds K] [--epochs E]
"""
from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import insert, select

from storybank import create_app, tx
from storybank.accounts.services import create_user
from storybank.archive.consent import current_form
from storybank.archive.models import ConsentEvent, Story, StoryRevision
from storybank.coding import suggest_classifier
from storybank.coding.codebook import install_starter
from storybank.coding.models import Code, Coding
from storybank.coding.suggest_sources import DEFAULT_THRESHOLD
from storybank.extensions import db

ROOT = Path(__file__).resolve().parent.parent
THRESHOLDS = (0.3, 0.4, DEFAULT_THRESHOLD, 0.6, 0.7)

CUES = {
    "Thresholds": ["waited months for an appointment", "was on the waiting list", "waiting lists", "the criteria",
                   "their referral criteria", "a referral", "referred me on", "the assessment", "was assessed",
                   "not ill enough", "too ill for them", "was not eligible", "turned me away"],
    "Fragmentation": ["fell through the gap", "falling through the gaps", "passed between services",
                      "nobody joined it up", "had to start again", "told my story again", "a hand-off",
                      "lost my notes", "discharged without a plan"],
    "Housing": ["the landlord", "our landlords", "mould in the flat", "the tenancy", "was evicted", "eviction notice",
                "the hostel", "housing officer", "temporary accommodation"],
    "Money and debt": ["the debts", "in debt", "bailiffs came", "rent arrears", "universal credit",
                       "a benefit sanction", "was sanctioned", "the food bank", "could not pay the bills"],
    "Isolation": ["felt lonely", "loneliness", "on my own", "isolated", "no one to talk to", "stopped going out",
                  "cut off from everyone"],
    "Peer support": ["the peer worker", "peer workers", "peer support group", "lived experience",
                     "had been there too", "someone who understood"],
    "GP": ["the GP", "my doctor", "the surgery", "a GP appointment", "the practice nurse", "doctors"],
    "Hope": ["felt hopeful", "some hope", "looking forward", "better now", "things improved", "a future again"],
}
FILLER = ("I remember that winter when | my mum said | after school | on the bus home | it was raining and | "
          "we talked about | the kids were small and | every Tuesday | that year | my sister thought | "
          "in the end | for a while | at the time | you could see that | nobody expected that | "
          "most mornings | by then | one afternoon | later that week | my partner and I knew").split(" | ")
NEUTRAL = ("we went to the park | the dog needed walking | I made tea | the weather turned | we watched television | "
           "the neighbours were kind | I cooked dinner | my son started football | the garden was overgrown | "
           "we painted the hall | the bus was late | I read the paper | my friend rang").split(" | ")


def synthetic_story(rng: random.Random, codes: dict[str, int]) -> tuple[str, list[tuple[int, int, int]]]:
    """A story body and its codings (start, end, code id), one excerpt per coded sentence."""
    sentences: list[tuple[str, list[int]]] = []
    names = list(CUES)
    for _ in range(rng.randint(10, 20)):
        if rng.random() < 0.45:
            chosen = rng.sample(names, 2 if rng.random() < 0.15 else 1)
            parts = [rng.choice(FILLER)]
            for name in chosen:
                parts.append(rng.choice(CUES[name]))
                parts.append(rng.choice(NEUTRAL))
            coded = [codes[n] for n in chosen if rng.random() >= 0.08]  # coders miss some
        else:
            parts = [rng.choice(FILLER), rng.choice(NEUTRAL), "and", rng.choice(NEUTRAL)]
            coded = [codes[rng.choice(names)]] if rng.random() < 0.05 else []  # and read some in
        sentences.append((" ".join(parts).capitalize() + ".", coded))
    body, codings, at = "", [], 0
    for text, coded in sentences:
        codings.extend((at, at + len(text), cid) for cid in coded)
        body += text + " "
        at = len(body)
    return body.rstrip(), codings


def build_synthetic(stories: int, coder_id: int, form_id: int) -> list[int]:
    rng = random.Random(7)
    codes = {c.name: c.id for c in db.session.scalars(select(Code).where(Code.name.in_(list(CUES))))}
    first = (db.session.scalar(select(Story.id).order_by(Story.id.desc()).limit(1)) or 0) + 1
    rows_s, rows_r, rows_c, rows_k = [], [], [], []
    for sid in range(first, first + stories):
        body, codings = synthetic_story(rng, codes)
        rows_s.append({"id": sid, "kind": "lived_experience", "status": "active", "title": f"Story {sid}",
                       "site": "Luton", "language": "en", "collection_method": "written", "storyteller_role": "",
                       "collected_by": ""})
        rows_r.append({"id": sid, "story_id": sid, "number": 1, "title": f"Story {sid}", "body": body,
                       "reason": "original"})
        rows_c.append({"story_id": sid, "event": "given", "research": True, "workshop": False, "publication": False,
                       "attribution": "anonymous", "form_version_id": form_id, "on_behalf": False})
        rows_k.extend({"story_id": sid, "revision_id": sid, "code_id": cid, "coder_id": coder_id, "start": a,
                       "end": b} for a, b, cid in codings)
    for model, rows in ((Story, rows_s), (StoryRevision, rows_r), (ConsentEvent, rows_c), (Coding, rows_k)):
        db.session.execute(insert(model), rows)
    tx.commit()
    return list(range(first, first + stories))


def build_demo(first: object, second: object) -> list[int]:
    from storybank.cli import DEMO_TELLER_PREFIXES, run_import
    from storybank.coding.demo import code_demo_stories

    teller = create_user(None, "teller@example.org", "bench password", ["storyteller"])
    tx.commit()
    run_import(ROOT / "stories", first.email, dict.fromkeys(DEMO_TELLER_PREFIXES, teller))
    code_demo_stories(first, second)
    tx.commit()
    return list(db.session.scalars(select(Coding.story_id).distinct()))


def evaluate(actor: object, story_ids: list[int], folds: list[tuple[list[int], list[int]]],
             epochs: int) -> tuple[dict[float, dict[int, list[int]]], float, float, int, int]:
    """Counts (tp, fp, fn) per threshold and code over the held-out folds; seconds reading and fitting; sizes."""
    counts: dict[float, dict[int, list[int]]] = {t: {} for t in THRESHOLDS}
    reading, seconds, trained, tested = 0.0, 0.0, 0, 0
    for train_ids, test_ids in folds:
        began = time.perf_counter()
        train = suggest_classifier.collect(actor, max_examples=10**9, only=train_ids)
        reading += time.perf_counter() - began
        labels = list(train.positives)
        began = time.perf_counter()
        nlp = suggest_classifier.fit(train.texts, train.cats, [str(c) for c in labels], epochs)
        seconds += time.perf_counter() - began
        trained += len(train.texts)
        test = suggest_classifier.collect(actor, max_examples=10**9, only=test_ids, codes=labels)
        tested += len(test.texts)
        for scores, gold in zip(suggest_classifier.predict(nlp, test.texts), test.cats, strict=True):
            for threshold in THRESHOLDS:
                for cid in labels:
                    said, truth = scores[cid] >= threshold, gold[str(cid)] >= 0.5
                    row = counts[threshold].setdefault(cid, [0, 0, 0])
                    row[0] += said and truth
                    row[1] += said and not truth
                    row[2] += truth and not said
    return counts, reading / len(folds), seconds / len(folds), trained // len(folds), tested


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def report(title: str, counts: dict[float, dict[int, list[int]]], names: dict[int, str], reading: float,
           seconds: float, trained: int, tested: int) -> None:
    print(f"\n### {title}\n")
    print(f"Training set: {trained:,} sentences per fold, read and lemmatised in {reading:.2f} s, fitted in "
          f"{seconds:.2f} s; {tested:,} held-out sentences in all.\n")
    print(f"| code (threshold {DEFAULT_THRESHOLD}) | held-out coded sentences | precision | recall | F1 |")
    print("|---|---|---|---|---|")
    at = counts[DEFAULT_THRESHOLD]
    for cid, (tp, fp, fn) in sorted(at.items(), key=lambda kv: names.get(kv[0], "")):
        p, r, f = prf(tp, fp, fn)
        shown = [f"{x:.2f}" if ok else "–" for x, ok in ((p, tp + fp), (r, tp + fn), (f, tp + fp + fn))]
        print(f"| {names.get(cid, cid)} | {tp + fn} | {' | '.join(shown)} |")
    print("\n| threshold | micro precision | micro recall | micro F1 |")
    print("|---|---|---|---|")
    for threshold in THRESHOLDS:
        tp, fp, fn = (sum(row[i] for row in counts[threshold].values()) for i in range(3))
        p, r, f = prf(tp, fp, fn)
        mark = " (the app's)" if threshold == DEFAULT_THRESHOLD else ""
        print(f"| {threshold}{mark} | {p:.2f} | {r:.2f} | {f:.2f} |")


def split(story_ids: list[int], folds: int, seed: int = 3) -> list[tuple[list[int], list[int]]]:
    ids = sorted(story_ids)
    random.Random(seed).shuffle(ids)
    parts = [ids[i::folds] for i in range(folds)]
    return [([s for j, p in enumerate(parts) if j != i for s in p], parts[i]) for i in range(folds)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=["demo", "synthetic", "both"], default="both")
    parser.add_argument("--stories", type=int, default=400, help="synthetic stories")
    parser.add_argument("--folds", type=int, default=4, help="folds for the demo corpus")
    parser.add_argument("--epochs", type=int, default=suggest_classifier.DEFAULT_EPOCHS)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="storybank-suggest-bench-"))
    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    app = create_app({"INSTANCE_PATH": str(folder), "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench" * 8,
                      "INDEX_DIR": str(folder / "search-index"), "SEARCH_REPAIR_ON_START": False,
                      "DEID_ON_SAVE": False})
    try:
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            first = create_user(None, "r1@example.org", "bench password", ["researcher"], "R1")
            second = create_user(None, "r2@example.org", "bench password", ["researcher"], "R2")
            install_starter(first)
            form = current_form()
            tx.commit()
            names = {c.id: c.name for c in db.session.scalars(select(Code))}
            if args.corpus in ("demo", "both"):
                ids = build_demo(first, second)
                result = evaluate(first, ids, split(ids, args.folds), args.epochs)
                report(f"Demo stories ({len(ids)} coded), {args.folds}-fold cross-validation over stories, "
                       f"{args.epochs} epochs", result[0], names, *result[1:])
            if args.corpus in ("synthetic", "both"):
                ids = build_synthetic(args.stories, first.id, form.id)
                held = split(ids, 4)[:1]
                result = evaluate(first, ids, held, args.epochs)
                report(f"Synthetic stories ({len(ids)}), a quarter held out, {args.epochs} epochs", result[0], names,
                       *result[1:])
            db.session.remove()
            db.engine.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
