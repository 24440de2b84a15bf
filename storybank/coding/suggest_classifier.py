"""The suggestion model: a spaCy `textcat_multilabel` (bag of words and word pairs) learned from the
team's sentence codings, one label per code.

A sentence that one of a code's excerpts touches is a positive example for that
code; every other sentence of the coded stories is a negative one. Only stories
the training researcher may read for research are used. The instance folder keeps
the classifier's weights and labels (code ids) and nothing else: no training
sentences and no vocabulary strings (hashed features only). A withdrawal of any
story the model learned from deletes the model.
"""
from __future__ import annotations

import json
import random
import shutil
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path

import spacy
from flask import current_app
from spacy.language import Language
from spacy.training import Example
from spacy.util import minibatch
from sqlalchemy import func, select

from storybank import policy, tx
from storybank.accounts.models import User
from storybank.archive.models import Story, StoryRevision
from storybank.audit.service import record
from storybank.coding import suggest_lemmas
from storybank.coding.models import Code, Coding
from storybank.coding.suggest_models import (
    TRAINING_CURRENT,
    TRAINING_DISCARDED,
    TRAINING_REPLACED,
    SuggestionTraining,
)
from storybank.coding.units import fill_missing_units, spans_of
from storybank.errors import InvalidInput
from storybank.extensions import db

MODEL_DIR = "suggest-model"
MIN_POSITIVES = 3  # a code with fewer coded sentences is not learned
DEFAULT_EPOCHS = 10
DEFAULT_MAX_EXAMPLES = 6000  # sentences; keeps training to seconds
LEARN_RATE = 0.03
BATCH = 64
TEXTCAT_CONFIG = {
    "threshold": 0.5,
    "model": {"@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": False, "ngram_size": 2,
              "no_output_layer": False, "length": 65536},
}
Progress = Callable[[str, int, int], None]  # phase, done, total


@dataclass
class TrainingSet:
    texts: list[str] = field(default_factory=list)  # lemmatised sentences, in memory only
    cats: list[dict[str, float]] = field(default_factory=list)
    positives: dict[int, int] = field(default_factory=dict)  # code id -> coded sentences
    story_ids: list[int] = field(default_factory=list)


def model_root() -> Path:
    return Path(current_app.instance_path) / MODEL_DIR


def latest_training() -> SuggestionTraining | None:
    return db.session.scalar(select(SuggestionTraining).order_by(SuggestionTraining.id.desc()).limit(1))


def current_training() -> SuggestionTraining | None:
    return db.session.scalar(select(SuggestionTraining).where(SuggestionTraining.status == TRAINING_CURRENT)
                             .order_by(SuggestionTraining.id.desc()).limit(1))


def _coded_sentences(story_ids_query: object) -> dict[int, dict[int, set[int]]]:
    """story id -> code id -> sentence units touched by the story's excerpt codings (current revision)."""
    fill_missing_units(Coding.story_id.in_(story_ids_query))
    latest = (select(StoryRevision.story_id, func.max(StoryRevision.number).label("number"))
              .group_by(StoryRevision.story_id).subquery())
    rows = db.session.execute(
        select(Coding.story_id, Coding.code_id, Coding.unit_first, Coding.unit_last)
        .join(StoryRevision, StoryRevision.id == Coding.revision_id)
        .join(latest, (latest.c.story_id == StoryRevision.story_id) & (latest.c.number == StoryRevision.number))
        .where(Coding.story_id.in_(story_ids_query), Coding.start.is_not(None), Coding.unit_first.is_not(None))
    ).all()
    out: dict[int, dict[int, set[int]]] = {}
    for story_id, code_id, first, last in rows:
        out.setdefault(story_id, {}).setdefault(code_id, set()).update(range(first, last + 1))
    return out


def collect(actor: User, max_examples: int = DEFAULT_MAX_EXAMPLES, seed: int = 0,
            progress: Progress | None = None, only: Collection[int] | None = None,
            codes: Collection[int] | None = None) -> TrainingSet:
    """The training sentences: every sentence of the coded stories this researcher may read for research.

    `only` keeps some of those stories and `codes` fixes the labels (the benchmark holds stories out).
    """
    visible = policy.visible_stories(actor, "research").with_only_columns(Story.id)
    if only is not None:
        visible = visible.where(Story.id.in_(list(only)))
    coded = _coded_sentences(visible)
    order = sorted(coded)
    random.Random(seed).shuffle(order)
    revisions = {r.story_id: r for r in db.session.scalars(
        select(StoryRevision).where(StoryRevision.story_id.in_(order)).order_by(StoryRevision.number))}
    chosen: list[int] = []
    total = 0
    for story_id in order:
        count = len(spans_of(revisions[story_id]))
        if chosen and total + count > max_examples:
            continue
        chosen.append(story_id)
        total += count
    chosen.sort()
    positives: dict[int, int] = {}
    for story_id in chosen:
        for code_id, units in coded[story_id].items():
            positives[code_id] = positives.get(code_id, 0) + len(units)
    if codes is not None:
        learned = {cid: positives.get(cid, 0) for cid in sorted(codes)}
    else:
        existing = set(db.session.scalars(select(Code.id).where(Code.id.in_(positives))))
        learned = {cid: n for cid, n in sorted(positives.items()) if n >= MIN_POSITIVES and cid in existing}
    out = TrainingSet(positives=learned, story_ids=chosen)
    docs = suggest_lemmas.analyse(revisions[sid].body for sid in chosen)
    for done, (story_id, doc) in enumerate(zip(chosen, docs, strict=True), start=1):
        spans = spans_of(revisions[story_id])
        for unit, text in enumerate(suggest_lemmas.sentence_features(doc, spans)):
            out.texts.append(text)
            out.cats.append({str(cid): float(unit in coded[story_id].get(cid, ())) for cid in learned})
        if progress:
            progress("Reading coded stories", done, len(chosen))
    db.session.flush()  # sentence units worked out on the way are kept
    return out


def fit(texts: list[str], cats: list[dict[str, float]], labels: list[str], epochs: int = DEFAULT_EPOCHS,
        seed: int = 0, progress: Progress | None = None) -> Language:
    """A textcat_multilabel pipeline trained on the sentences (deterministic for a given seed).

    The order of examples comes from a generator of its own: spaCy's `fix_random_seed` would reseed
    Python's global `random` (and numpy's), and Whoosh draws its segment file names from it, so a
    reseed made the next index write reuse a name and fail. The bag-of-words model starts at zero
    and draws nothing else at random, so no global reseed is needed for repeatable training.
    """
    nlp = spacy.blank("en")
    textcat = nlp.add_pipe("textcat_multilabel", config=TEXTCAT_CONFIG)
    for label in labels:
        textcat.add_label(label)
    examples = [Example.from_dict(nlp.make_doc(text), {"cats": c}) for text, c in zip(texts, cats, strict=True)]
    optimizer = nlp.initialize(lambda: examples)
    optimizer.learn_rate = LEARN_RATE
    rng = random.Random(seed)
    for epoch in range(1, epochs + 1):
        rng.shuffle(examples)
        for batch in minibatch(examples, size=BATCH):
            textcat.update(batch, sgd=optimizer, losses={})  # not nlp.update: it copies every doc first
        if progress:
            progress("Training", epoch, epochs)
    return nlp


def train(actor: User, epochs: int = DEFAULT_EPOCHS, seed: int = 0, max_examples: int | None = None,
          progress: Progress | None = None) -> SuggestionTraining:
    """Retrain on the team's current sentence codings; the new model replaces the old one on commit."""
    if not policy.can(actor, "suggest.train"):
        raise InvalidInput("Only researchers can train suggestions.")
    if not 1 <= int(epochs) <= 100:
        raise InvalidInput("Epochs must be between 1 and 100.")
    began = time.perf_counter()
    limit = max_examples or int(current_app.config.get("SUGGEST_MAX_EXAMPLES", DEFAULT_MAX_EXAMPLES))
    data = collect(actor, limit, seed, progress)
    if not data.positives:
        raise InvalidInput(f"Nothing to learn from yet: a code needs at least {MIN_POSITIVES} coded sentences "
                           "(excerpts, not whole-story codings) in stories with research consent.")
    labels = [str(cid) for cid in data.positives]
    nlp = fit(data.texts, data.cats, labels, epochs, seed, progress)
    for old in db.session.scalars(select(SuggestionTraining).where(SuggestionTraining.status == TRAINING_CURRENT)):
        old.status = TRAINING_REPLACED
    training = SuggestionTraining(
        trained_by_id=actor.id, status=TRAINING_CURRENT, examples=len(data.texts), story_count=len(data.story_ids),
        epochs=epochs, features=suggest_lemmas.lemmatiser().mode,
        labels=[[cid, n] for cid, n in data.positives.items()], story_ids=data.story_ids)
    db.session.add(training)
    db.session.flush()
    root = model_root()
    _save(nlp, root / str(training.id), training)
    training.seconds = round(time.perf_counter() - began, 3)
    db.session.flush()
    record(actor, "suggestions.trained", examples=training.examples, stories=training.story_count,
           codes=len(labels))
    keep = str(training.id)
    tx.after_commit(lambda: prune(root, keep))
    return training


def _save(nlp: Language, folder: Path, training: SuggestionTraining) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    nlp.get_pipe("textcat_multilabel").to_disk(folder / "textcat", exclude=["vocab"])
    (folder / "meta.json").write_text(json.dumps({
        "training_id": training.id, "features": training.features, "labels": [str(c) for c, _ in training.labels],
        "textcat": TEXTCAT_CONFIG}))


def prune(root: Path, keep: str | None) -> None:
    """Remove every model folder but the current one (older trainings, or one whose commit failed)."""
    if not root.exists():
        return
    for child in root.iterdir():
        if child.name != keep:
            shutil.rmtree(child, ignore_errors=True) if child.is_dir() else child.unlink(missing_ok=True)


_LOADED: dict[str, tuple[int, Language]] = {}
_LOCK = threading.Lock()


def load(training: SuggestionTraining) -> Language | None:
    folder = model_root() / str(training.id)
    key = str(folder)
    with _LOCK:
        cached = _LOADED.get(key)
        if cached and cached[0] == training.id:
            return cached[1]
        if not (folder / "textcat").exists():
            return None
        nlp = spacy.blank("en")
        textcat = nlp.add_pipe("textcat_multilabel", config=TEXTCAT_CONFIG)
        textcat.from_disk(folder / "textcat", exclude=["vocab"])
        _LOADED.clear()
        _LOADED[key] = (training.id, nlp)
        return nlp


def forget_loaded() -> None:
    with _LOCK:
        _LOADED.clear()


def predict(nlp: Language, features: list[str]) -> list[dict[int, float]]:
    """Each sentence's score for each code the model knows."""
    return [{int(label): score for label, score in doc.cats.items()} for doc in nlp.pipe(features, batch_size=64)]


def forget_withdrawn_story(story: Story) -> dict[str, int]:
    """Withdrawal: a model that learned from this story is deleted (weights, not text, but still derived)."""
    _discard_models_of(story, "A story it learned from was withdrawn, so the model was deleted. Retrain to use it.")
    return {}


def forget_unconsented_story(story: Story) -> None:
    """Consent changed: a teller who took research away takes their story out of the model too.

    The model's page would otherwise go on counting the story's coded sentences, and its
    suggestions would go on echoing them, for researchers who may no longer read it.
    """
    consent = story.current_consent
    if consent is None or not consent.research:
        _discard_models_of(story, "A story it learned from is no longer available for research, so the model "
                                  "was deleted. Retrain to use it.")


def _discard_models_of(story: Story, note: str) -> None:
    for training in db.session.scalars(select(SuggestionTraining).where(
            SuggestionTraining.status == TRAINING_CURRENT)):
        if story.id in (training.story_ids or []):
            training.status = TRAINING_DISCARDED
            training.note = note
            folder = model_root() / str(training.id)
            tx.after_commit(lambda f=folder: (shutil.rmtree(f, ignore_errors=True), forget_loaded()))
