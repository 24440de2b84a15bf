"""Suggestions: proposed codings a coder accepts or rejects, one sentence at a time.

Two sources propose a code for a sentence of the current revision: the code's
keywords matched on lemmas ("waited" finds the keyword "wait"), and the model
learned from the team's sentence codings (`suggest_classifier`). A suggestion lives
only in memory and is never a coding: agreement, analysis and search never see
it. Accepting one makes an ordinary coding by that coder; rejecting one is
remembered (per coder, per revision, and for the same sentence in later
revisions) so it does not come back. Neither decision keeps any story words.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from sqlalchemy import delete, func, or_, select

from storybank import policy
from storybank.accounts.models import User
from storybank.archive.models import Story, StoryRevision
from storybank.audit.service import record
from storybank.coding import suggest_classifier, suggest_lemmas
from storybank.coding.codebook import get_code
from storybank.coding.codings import apply_coding, parse_offset, remove_coding
from storybank.coding.models import Code, Coding
from storybank.coding.suggest_models import (
    ACCEPTED,
    REJECTED,
    TRAINING_CURRENT,
    SuggestionDecision,
    SuggestionTraining,
)
from storybank.coding.suggest_sources import Suggestion, propose, threshold
from storybank.coding.units import spans_of
from storybank.errors import InvalidInput, NotFound
from storybank.extensions import db
from storybank.lookup import parse_id

DECISIONS = {"accept": ACCEPTED, "accepted": ACCEPTED, "reject": REJECTED, "rejected": REJECTED}


@dataclass
class Panel:
    """What the coding page shows about suggestions for one coder and one story."""

    story: Story
    revision: StoryRevision
    items: list[tuple[Suggestion, Code]]
    rejected: int  # hidden because this coder rejected them
    lemmas: str  # how keywords are matched, in words
    stemmed: bool  # no English model: stems instead of lemmas
    training: SuggestionTraining | None  # the latest training (current, or discarded)
    model_ready: bool
    model_note: str = ""
    keyword_codes: int = 0
    can_train: bool = False
    trained_by: str = ""
    model_hidden: bool = False  # blind mode, and the model learned from other coders' codings of this story
    codes: dict[int, Code] = field(default_factory=dict)


@dataclass
class ModelStatus:
    """The suggestion model's page: what it learned, when, from how much, and the keywords in use."""

    latest: SuggestionTraining | None
    ready: bool
    note: str
    history: list[tuple[SuggestionTraining, str]]  # with who trained it
    learned: list[tuple[Code, int]]  # codes the current model knows, with their coded sentences
    unavailable: int  # stories it learned from that are no longer available for research
    keyword_codes: list[tuple[Code, list[str]]]
    threshold: float
    can_train: bool


# Keywords for the starter codebook in the demo: the words the demo coders looked for, so suggestions show at once.
DEMO_KEYWORDS = {
    "Thresholds": "waiting list, wait, criteria, referral, eligible, assessment, not ill enough",
    "Fragmentation": "fall through, gap, start again, pass between, hand-off",
    "Housing": "housing, landlord, tenancy, evict*, hostel, mould",
    "Money and debt": "debt, bailiff, arrears, universal credit, sanction, benefits",
    "Isolation": "lonely, isolat*, on my own, no one to talk to",
    "Peer support": "peer worker, peer support, lived experience",
    "GP": "GP, surgery, doctor",
    "Secondary care": "crisis team, ward, CMHT, psychiatrist",
    "Hope": "hope, look forward",
}


def add_demo_keywords() -> int:
    """Give the starter codes their demo keywords where they have none; returns how many codes got some."""
    added = 0
    for code in db.session.scalars(select(Code).where(Code.name.in_(list(DEMO_KEYWORDS)))):
        if not code.keywords:
            code.keywords = DEMO_KEYWORDS[code.name]
            added += 1
    db.session.flush()
    return added


def _coder_state(actor: User, story: Story, revision: StoryRevision) -> tuple[set, set, set]:
    """What this coder already said: decisions here, rejected sentences of earlier revisions, own codings."""
    decided = set(db.session.execute(select(
        SuggestionDecision.code_id, SuggestionDecision.start, SuggestionDecision.end).where(
        SuggestionDecision.coder_id == actor.id, SuggestionDecision.revision_id == revision.id)))
    carried: set[tuple[int, str]] = set()
    earlier = db.session.execute(
        select(SuggestionDecision.code_id, SuggestionDecision.start, SuggestionDecision.end, StoryRevision.body)
        .join(StoryRevision, StoryRevision.id == SuggestionDecision.revision_id)
        .where(SuggestionDecision.coder_id == actor.id, SuggestionDecision.story_id == story.id,
               SuggestionDecision.revision_id != revision.id, SuggestionDecision.decision == REJECTED)).all()
    for code_id, start, end, body in earlier:
        carried.add((code_id, " ".join(body[start:end].split())))
    own: set[tuple[int, int]] = set()
    for code_id, first, last, start in db.session.execute(select(
            Coding.code_id, Coding.unit_first, Coding.unit_last, Coding.start).where(
            Coding.revision_id == revision.id, Coding.coder_id == actor.id)):
        if start is None:  # the whole story is coded with it already
            own.update((code_id, u) for u in range(len(spans_of(revision))))
        elif first is not None:
            own.update((code_id, u) for u in range(first, last + 1))
    return decided, carried, own


def _open_for(actor: User, story: Story, revision: StoryRevision,
              with_model: bool = True) -> tuple[list[Suggestion], int]:
    decided, carried, own = _coder_state(actor, story, revision)
    rejected = 0
    out = []
    for s in propose(revision):
        if not with_model and s.score is not None:
            if not s.keywords:
                continue
            s = replace(s, score=None)
        if (s.code_id, s.start, s.end) in decided:
            continue
        if carried and (s.code_id, " ".join(revision.body[s.start:s.end].split())) in carried:
            rejected += 1
            continue
        if any((s.code_id, u) in own for u in range(s.units[0], s.units[1] + 1)):
            continue
        out.append(s)
    rejected += db.session.scalar(select(func.count()).select_from(SuggestionDecision).where(
        SuggestionDecision.coder_id == actor.id, SuggestionDecision.revision_id == revision.id,
        SuggestionDecision.decision == REJECTED)) or 0
    return out, rejected


def _model_saw_others(actor: User, story: Story, training: SuggestionTraining | None) -> bool:
    """Did the model learn from other coders' codings of this very story? Then, coding blind, it would tell."""
    if training is None or story.id not in (training.story_ids or []):
        return False
    return db.session.scalar(select(Coding.id).where(
        Coding.story_id == story.id, or_(Coding.coder_id != actor.id, Coding.coder_id.is_(None))).limit(1)) is not None


def suggestions_for(actor: User, story_id: object, blind: bool = True) -> Panel:
    """The suggestions still open for this coder on the story's current revision.

    Coding blind, a coder is not shown the model's suggestions on a story whose other coders' codings the model
    learned from: they would echo those codings and inflate agreement. Keyword suggestions stay.
    """
    story = policy.get_story(actor, story_id, "research")
    revision = story.current_revision
    assert revision is not None
    model_hidden = blind and _model_saw_others(actor, story, suggest_classifier.current_training())
    items, rejected = _open_for(actor, story, revision, with_model=not model_hidden)
    codes = {c.id: c for c in db.session.scalars(select(Code).where(Code.id.in_({s.code_id for s in items})))}
    lem = suggest_lemmas.lemmatiser()
    latest = suggest_classifier.latest_training()
    current = suggest_classifier.current_training()
    ready = current is not None and suggest_classifier.load(current) is not None
    note = _model_note(latest, current, ready)
    keyword_codes = db.session.scalar(select(func.count()).select_from(Code).where(Code.keywords != "")) or 0
    return Panel(story=story, revision=revision, items=[(s, codes[s.code_id]) for s in items if s.code_id in codes],
                 rejected=rejected, lemmas=lem.description, stemmed=lem.mode == "stem", training=latest,
                 model_ready=ready, model_note=note, keyword_codes=keyword_codes,
                 can_train=policy.can(actor, "suggest.train"), trained_by=_name(latest.trained_by_id if latest else None),
                 model_hidden=model_hidden, codes=codes)


def _model_note(latest: SuggestionTraining | None, current: SuggestionTraining | None, ready: bool) -> str:
    if latest is None:
        return "Not trained yet."
    if latest.status != TRAINING_CURRENT:
        return latest.note or "The model is out of date; retrain it."
    if current is not None and not ready:
        return "The model's files are missing from the instance folder; retrain it."
    if current is not None and current.features != suggest_lemmas.lemmatiser().mode:
        return "The model was trained with a different lemmatiser than the one installed now; retrain it."
    return ""


def _name(user_id: int | None) -> str:
    user = db.session.get(User, user_id) if user_id else None
    return (user.display_name or user.email) if user else "a former researcher"


def model_status(actor: User) -> ModelStatus:
    latest = suggest_classifier.latest_training()
    current = suggest_classifier.current_training()
    ready = current is not None and suggest_classifier.load(current) is not None
    history = [(t, _name(t.trained_by_id)) for t in db.session.scalars(
        select(SuggestionTraining).order_by(SuggestionTraining.id.desc()).limit(10))]
    learned: list[tuple[Code, int]] = []
    unavailable = 0
    if current is not None:
        counts = {int(cid): n for cid, n in current.labels}
        codes = db.session.scalars(select(Code).where(Code.id.in_(counts)).order_by(Code.name))
        learned = [(c, counts[c.id]) for c in codes]
        ids = set(current.story_ids or [])
        visible = set(db.session.scalars(policy.visible_stories(actor, "research").with_only_columns(Story.id)
                                         .where(Story.id.in_(ids)))) if ids else set()
        unavailable = len(ids - visible)
    keyword_codes = [(c, suggest_lemmas.parse_keywords(c.keywords)) for c in db.session.scalars(
        select(Code).where(Code.keywords != "").order_by(Code.name))]
    return ModelStatus(latest=latest, ready=ready, note=_model_note(latest, current, ready), history=history,
                       learned=learned, unavailable=unavailable, keyword_codes=[k for k in keyword_codes if k[1]],
                       threshold=threshold(), can_train=policy.can(actor, "suggest.train"))


def decide(actor: User, story_id: object, code_id: object, start: object, end: object, decision: object,
           revision_id: object = None) -> tuple[SuggestionDecision, Coding | None, bool]:
    """Accept (an ordinary coding by this coder) or reject one open suggestion; True when newly decided."""
    story = policy.get_story(actor, story_id, "research")
    revision = story.current_revision
    assert revision is not None
    verdict = DECISIONS.get(str(decision or "").lower())
    if verdict is None:
        raise InvalidInput("Say accept or reject.", field="decision")
    code = get_code(code_id)
    if revision_id not in (None, "") and parse_id(revision_id, "No such revision.") != revision.id:
        raise InvalidInput("The story was revised since these suggestions were made: here are fresh ones.")
    s, e = parse_offset(start, "start"), parse_offset(end, "end")
    existing = db.session.scalar(select(SuggestionDecision).where(
        SuggestionDecision.coder_id == actor.id, SuggestionDecision.revision_id == revision.id,
        SuggestionDecision.code_id == code.id, SuggestionDecision.start == s, SuggestionDecision.end == e))
    if existing is not None:
        if existing.decision == verdict:  # a second press of the same key
            return existing, db.session.get(Coding, existing.coding_id) if existing.coding_id else None, False
        raise InvalidInput(f"You already {existing.decision} this suggestion.")
    suggestion = next((x for x in propose(revision) if (x.code_id, x.start, x.end) == (code.id, s, e)), None)
    if suggestion is None:
        raise NotFound("No such suggestion: the story or the codebook may have changed. Reload the page.")
    coding = apply_coding(actor, story.id, code.id, s, e) if verdict == ACCEPTED else None
    row = SuggestionDecision(story_id=story.id, revision_id=revision.id, code_id=code.id, coder_id=actor.id,
                             start=s, end=e, source=suggestion.source, decision=verdict,
                             coding_id=coding.id if coding else None)
    db.session.add(row)
    db.session.flush()
    record(actor, f"suggestion.{verdict}", story_id=story.id, purpose="research", code_id=code.id,
           source=suggestion.source)
    return row, coding, True


def undo_decision(actor: User, story_id: object, code_id: object, start: object, end: object) -> str:
    """Take back this coder's decision on one suggestion of the current text (an accepted one loses its coding).

    The suggestion is open again; what was undone ("accepted" or "rejected") is returned.
    """
    story = policy.get_story(actor, story_id, "research")
    revision = story.current_revision
    assert revision is not None
    code = get_code(code_id)
    s, e = parse_offset(start, "start"), parse_offset(end, "end")
    row = db.session.scalar(select(SuggestionDecision).where(
        SuggestionDecision.coder_id == actor.id, SuggestionDecision.revision_id == revision.id,
        SuggestionDecision.code_id == code.id, SuggestionDecision.start == s, SuggestionDecision.end == e))
    if row is None:
        raise NotFound("You have not decided that suggestion.")
    coding = db.session.get(Coding, row.coding_id) if row.coding_id else None
    verdict = row.decision
    db.session.delete(row)
    if coding is not None and coding.coder_id == actor.id:
        remove_coding(actor, coding.id)
    db.session.flush()
    record(actor, "suggestion.undone", story_id=story.id, purpose="research", code_id=code.id)
    return verdict


def restore_rejected(actor: User, story_id: object) -> int:
    """Bring back every suggestion this coder rejected on the story."""
    story = policy.get_story(actor, story_id, "research")
    where = (SuggestionDecision.story_id == story.id, SuggestionDecision.coder_id == actor.id,
             SuggestionDecision.decision == REJECTED)
    count = db.session.scalar(select(func.count()).select_from(SuggestionDecision).where(*where)) or 0
    db.session.execute(delete(SuggestionDecision).where(*where))
    db.session.flush()
    return count


def delete_decisions_of(story: Story) -> dict[str, int]:
    """Withdrawal: every coder's decisions on the story's suggestions."""
    count = db.session.scalar(select(func.count()).select_from(SuggestionDecision).where(
        SuggestionDecision.story_id == story.id)) or 0
    db.session.execute(delete(SuggestionDecision).where(SuggestionDecision.story_id == story.id))
    return {"suggestion_decisions": count} if count else {}
