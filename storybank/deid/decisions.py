"""The researcher's review: what the page shows, and accepting, rejecting or adding identifiers."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from storybank import policy
from storybank.accounts.models import User
from storybank.archive.models import Story, StoryRevision
from storybank.audit.service import record
from storybank.deid import detect as detection
from storybank.deid import quasi, registry, words
from storybank.deid.models import (
    ACCEPTED,
    CHANGES_REQUESTED,
    PROPOSED,
    REJECTED,
    REVIEW,
    AnonymisationEntry,
    IdentifierSpan,
    WorkshopVersion,
)
from storybank.deid.proposing import detect_story, ensure_version
from storybank.deid.reading import (
    NOT_FOLLOWED,
    Segment,
    kept_on_purpose,
    log_action,
    occurrences,
    render,
    replacement_of,
    revision_of,
    segments,
    spans_of,
)
from storybank.errors import InvalidInput, NotFound
from storybank.extensions import db
from storybank.lookup import parse_id
from storybank.timeutil import utcnow

EDITABLE = (REVIEW, CHANGES_REQUESTED)
MAX_DESCRIPTOR = 120


@dataclass
class Review:
    story: Story
    revision: StoryRevision
    version: WorkshopVersion
    spans: list[IdentifierSpan]
    title_segments: list[Segment]
    body_segments: list[Segment]
    preview_title: str
    preview_body: str
    suggestions: dict[int, registry.Suggestion] = field(default_factory=dict)
    label_choices: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    log: list[AnonymisationEntry] = field(default_factory=list)
    model: str = ""
    quasi: list[quasi.Flag] = field(default_factory=list)  # what a local reader could recognise

    @property
    def pending(self) -> int:
        return sum(1 for s in self.spans if s.decision == PROPOSED)

    @property
    def editable(self) -> bool:
        return self.version.status in EDITABLE


def story_for_review(actor: User, story_id: object) -> Story:
    if not policy.can(actor, "workshop.prepare"):
        raise NotFound("No such story.")
    return policy.get_story(actor, story_id, "workshop_prep")


def review(actor: User, story_id: object) -> Review:
    """Everything the review page shows; proposes identifiers first if that has not happened yet."""
    story = story_for_review(actor, story_id)
    version = ensure_version(story, actor)
    record(actor, "story.read", story_id=story.id, purpose="workshop_prep")
    rev = revision_of(story)
    spans = spans_of(story, rev)
    title, body = render(story)
    choices: dict[str, list[tuple[str, str]]] = {}
    for kind in registry.LABEL_PREFIX:
        scope = registry.scope_of(story, kind)
        if scope:
            choices[kind] = registry.labels_in_scope(kind, scope)
    return Review(
        story=story, revision=rev, version=version, spans=spans,
        title_segments=segments(rev.title, [s for s in spans if s.part == "title"]),
        body_segments=segments(rev.body, [s for s in spans if s.part == "body"]),
        preview_title=title, preview_body=body,
        suggestions={s.id: registry.suggest(story, s.type, s.original) for s in spans if s.decision == PROPOSED},
        label_choices=choices,
        log=list(db.session.scalars(select(AnonymisationEntry).where(AnonymisationEntry.story_id == story.id)
                                    .order_by(AnonymisationEntry.id.desc()).limit(50))),
        model=version.detected_with,
        quasi=quasi.flags(rev.title, [s for s in spans if s.part == "title"])
        + quasi.flags(rev.body, [s for s in spans if s.part == "body"]),
    )


def editable_version(actor: User, story_id: object) -> tuple[Story, WorkshopVersion]:
    story = story_for_review(actor, story_id)
    version = ensure_version(story, actor)
    if version.status not in EDITABLE:
        raise InvalidInput("This version was sent for approval: reopen it before changing decisions.")
    return story, version


def _span(story: Story, span_id: object) -> IdentifierSpan:
    sid = parse_id(span_id, "No such identifier.")
    span = db.session.scalar(select(IdentifierSpan).where(
        IdentifierSpan.id == sid, IdentifierSpan.story_id == story.id,
        IdentifierSpan.revision_id == revision_of(story).id))
    if span is None:
        raise NotFound("No such identifier.")
    return span


def _clean_kind(kind: object) -> str:
    if kind not in detection.TYPES:
        raise InvalidInput("Choose what kind of identifier this is.", field="type")
    return str(kind)


def _clean_descriptor(text: object) -> str:
    value = " ".join(str(text or "").split())
    if not value:
        raise InvalidInput("Write the descriptor to use instead, for example “a northern town”.", field="descriptor")
    if len(value) > MAX_DESCRIPTOR:
        raise InvalidInput(f"A descriptor is at most {MAX_DESCRIPTOR} characters.", field="descriptor")
    return value


def _label_choice(replacement: object) -> str | None:
    """'' -> the registry's default, 'new' -> a new label, 'label:Person B' -> that label."""
    value = str(replacement or "")
    if value in ("", "default"):
        return None
    if value == registry.NEW_LABEL:
        return registry.NEW_LABEL
    if value.startswith("label:"):
        return value[len("label:"):]
    raise InvalidInput("Choose a replacement from the list.", field="replacement")


def _accept(actor: User, story: Story, span: IdentifierSpan, replacement: object, descriptor: object) -> None:
    before = span.pseudonym_id
    if replacement == "descriptor":
        span.descriptor, span.pseudonym = _clean_descriptor(descriptor), None
    else:
        span.descriptor = ""
        span.pseudonym = registry.entry_for(actor, story, span.type, span.original, _label_choice(replacement))
    span.decision, span.decided_by_id, span.decided_at = ACCEPTED, actor.id, utcnow()
    db.session.flush()
    if before and before != span.pseudonym_id:
        registry.prune({before})
    log_action(actor, story, "accepted", span.type, span.original, replacement_of(span))


def _propagate(actor: User, story: Story, span: IdentifierSpan) -> int:
    """Every other mention of an accepted identifier in this revision gets the same replacement.

    Mentions are matched as `words.same_name` says. A name written in lower case that is also an
    ordinary word ("will" in a story written all in lower case) is only proposed at its other
    mentions: the reviewer tells "will said" from "i will". An age is one mention's fact: "two" elsewhere is
    not the same age."""
    if span.type in NOT_FOLLOWED:
        return 0
    rev = revision_of(story)
    # A lone first name or surname of an accepted person is the same person ("Delroy" of "Delroy Campbell").
    parts = {w for w in span.original.split() if len(w) > 1 and w.title() not in detection.TITLES} \
        if span.type == "PERSON" and len(span.original.split()) > 1 else set()
    auto = not (span.original == span.original.lower() and not words.follows_case_blind(span.original))
    count = 0
    for other in spans_of(story, rev) if auto else []:
        if other.id != span.id and other.decision == PROPOSED and other.type == span.type \
                and (words.same_name(span.original, other.original)
                     or any(words.same_name(w, other.original) for w in parts)):
            other.pseudonym, other.descriptor = span.pseudonym, span.descriptor
            other.decision, other.decided_by_id, other.decided_at = ACCEPTED, actor.id, utcnow()
            count += 1
    for part, text in (("title", rev.title), ("body", rev.body)):
        for start, end in occurrences(text, span.original):
            covering = [s for s in spans_of(story, rev) if s.part == part and s.start < end and s.end > start]
            if kept_on_purpose(covering, start, end, span.type):  # replaced already, or rejected on purpose
                continue
            if not auto:
                if not covering:
                    db.session.add(IdentifierSpan(
                        story_id=story.id, revision_id=rev.id, part=part, start=start, end=end,
                        original=text[start:end], type=span.type, source="propagated", decision=PROPOSED))
                    db.session.flush()
                continue
            wider = next((s for s in covering if s.decision != ACCEPTED and s.start <= start and s.end >= end), None)
            if wider is not None:  # "Delroy" inside a proposed "Delroy Campbell": the whole name is replaced
                if span.descriptor and wider.type == span.type:
                    _accept(actor, story, wider, "descriptor", span.descriptor)
                else:
                    label = span.pseudonym.label if span.pseudonym is not None and wider.type == span.type else None
                    _accept(actor, story, wider, f"label:{label}" if label else "", "")
                count += 1
                continue
            for s in covering:  # an undecided or rejected overlap gives way to the accepted identifier
                if s.decision != ACCEPTED:
                    db.session.delete(s)
            db.session.flush()
            if any(s.decision == ACCEPTED for s in covering):
                continue
            db.session.add(IdentifierSpan(
                story_id=story.id, revision_id=rev.id, part=part, start=start, end=end, original=text[start:end],
                type=span.type, source="propagated", decision=ACCEPTED, pseudonym=span.pseudonym,
                descriptor=span.descriptor, decided_by_id=actor.id, decided_at=utcnow()))
            db.session.flush()
            count += 1
    return count


def decide(actor: User, story_id: object, span_id: object, decision: object, replacement: object = "",
           descriptor: object = "", kind: object = None) -> IdentifierSpan:
    """Accept (with a replacement) or reject one proposed identifier."""
    story, _version = editable_version(actor, story_id)
    span = _span(story, span_id)
    if kind not in (None, ""):
        span.type = _clean_kind(kind)
    if decision == "accept":
        _accept(actor, story, span, replacement, descriptor)
        _propagate(actor, story, span)
    elif decision == "reject":
        before = span.pseudonym_id
        span.decision, span.pseudonym, span.descriptor = REJECTED, None, ""
        span.decided_by_id, span.decided_at = actor.id, utcnow()
        db.session.flush()
        if before:
            registry.prune({before})
        log_action(actor, story, "rejected", span.type, span.original)
    else:
        raise InvalidInput("Accept or reject the identifier.", field="decision")
    return span


def add_identifier(actor: User, story_id: object, text: object, kind: object, replacement: object = "",
                   descriptor: object = "") -> int:
    """Mark something detection missed: every mention of `text` in the title and the story is replaced."""
    story, _version = editable_version(actor, story_id)
    kind = _clean_kind(kind)
    original = " ".join(str(text or "").split())
    if len(original) < 2:
        raise InvalidInput("Select or type the words to replace (two characters or more).", field="text")
    if len(original) > 200:
        raise InvalidInput("An identifier is at most 200 characters: mark a shorter passage.", field="text")
    rev = revision_of(story)
    places = [(part, s, e) for part, t in (("title", rev.title), ("body", rev.body)) for s, e in occurrences(t, original)]
    if not places:
        raise InvalidInput(f"“{original}” is not in this story's text (whole words are matched).", field="text")
    part, start, end = places[0]
    source_text = rev.title if part == "title" else rev.body
    for s in spans_of(story, rev):
        if s.part == part and s.start < end and s.end > start:
            if s.decision == ACCEPTED:
                raise InvalidInput(f"“{original}” overlaps an identifier already accepted.", field="text")
            db.session.delete(s)
    db.session.flush()
    span = IdentifierSpan(story_id=story.id, revision_id=rev.id, part=part, start=start, end=end,
                          original=source_text[start:end], type=kind, source="researcher", decision=PROPOSED)
    db.session.add(span)
    db.session.flush()
    log_action(actor, story, "added", kind, span.original)
    _accept(actor, story, span, replacement, descriptor)
    return 1 + _propagate(actor, story, span)


def accept_all(actor: User, story_id: object) -> int:
    """Accept every remaining proposal with its default replacement, in reading order."""
    story, _version = editable_version(actor, story_id)
    count = 0
    for span_id in [s.id for s in spans_of(story, revision_of(story))]:
        span = db.session.get(IdentifierSpan, span_id)  # propagation may have decided or removed it meanwhile
        if span is not None and span.decision == PROPOSED:
            _accept(actor, story, span, "", "")
            count += 1 + _propagate(actor, story, span)
    return count


def redetect(actor: User, story_id: object) -> int:
    story, version = editable_version(actor, story_id)
    return detect_story(actor, story, version)
