"""Workshop versions: propose identifiers, let a researcher decide, render, and get the teller's approval.

A story's workshop version follows its current revision. Proposals come from
`detect` (spaCy plus rules) and from the registry (names already replaced in
the teller's other stories, services and places known archive-wide). Hosts
read a version only once it is approved: by the storyteller, or, for a story
whose teller has no account, by a researcher recording the teller's approval.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask import current_app, has_app_context
from sqlalchemy import delete, func, select

from storybank import policy
from storybank.accounts.models import User
from storybank.archive.models import Story, StoryRevision
from storybank.audit.service import record
from storybank.deid import detect as detection
from storybank.deid import registry
from storybank.deid.models import (
    ACCEPTED,
    APPROVED,
    CHANGES_REQUESTED,
    PROPOSED,
    REJECTED,
    REVIEW,
    WITH_TELLER,
    AnonymisationEntry,
    IdentifierSpan,
    WorkshopVersion,
)
from storybank.errors import InvalidInput, NotFound
from storybank.extensions import db
from storybank.lookup import parse_id
from storybank.search.indexing import touch
from storybank.timeutil import utcnow

EDITABLE = (REVIEW, CHANGES_REQUESTED)
MAX_MESSAGE = 2000
MAX_DESCRIPTOR = 120


# --- reading -----------------------------------------------------------------------------------------


def version_of(story: Story) -> WorkshopVersion | None:
    return db.session.scalar(select(WorkshopVersion).where(WorkshopVersion.story_id == story.id))


def states_of(story_ids: list[int]) -> dict[int, str]:
    """Where each story's workshop version stands (stories without one are absent)."""
    if not story_ids:
        return {}
    return dict(db.session.execute(select(WorkshopVersion.story_id, WorkshopVersion.status).where(
        WorkshopVersion.story_id.in_(story_ids))).all())


def approved_text(story: Story) -> tuple[str, str] | None:
    """The approved (title, body) hosts may read, or None."""
    row = db.session.execute(select(WorkshopVersion.title, WorkshopVersion.body).where(
        WorkshopVersion.story_id == story.id, WorkshopVersion.status == APPROVED)).first()
    if row is None or row.body is None:
        return None
    return row.title or "", row.body


def spans_of(story: Story, revision: StoryRevision) -> list[IdentifierSpan]:
    return list(db.session.scalars(select(IdentifierSpan).where(
        IdentifierSpan.story_id == story.id, IdentifierSpan.revision_id == revision.id,
    ).order_by(IdentifierSpan.part.desc(), IdentifierSpan.start)))  # title before body


def replacement_of(span: IdentifierSpan) -> str:
    if span.descriptor:
        return span.descriptor
    if span.pseudonym is not None:
        return f"[{span.pseudonym.label}]"
    return registry.PLACEHOLDER.get(span.type, "[removed]")


def apply(text: str, spans: list[IdentifierSpan]) -> str:
    """`text` with each accepted span replaced (spans of one part, in any order)."""
    out, at = [], 0
    for span in sorted((s for s in spans if s.decision == ACCEPTED), key=lambda s: s.start):
        if span.start < at:
            continue
        out.append(text[at:span.start])
        out.append(replacement_of(span))
        at = span.end
    out.append(text[at:])
    return "".join(out)


def render(story: Story) -> tuple[str, str]:
    """The pseudonymised (title, body) of the current revision under the decisions so far."""
    rev = _revision(story)
    spans = spans_of(story, rev)
    return (apply(rev.title, [s for s in spans if s.part == "title"]),
            apply(rev.body, [s for s in spans if s.part == "body"]))


def _occurrences(text: str, original: str) -> list[tuple[int, int]]:
    original = original.strip()
    if not original:
        return []
    words = [re.escape(w) for w in original.split()]
    pattern = re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def _kept_on_purpose(spans: list[IdentifierSpan], start: int, end: int, kind: str) -> bool:
    """A mention is decided when an accepted span covers it, or a rejection of the same kind ("hope", not Hope)."""
    return any(s.start <= start and s.end >= end and (s.decision == ACCEPTED or (s.decision == REJECTED
                                                                                  and s.type == kind))
               for s in spans)


def leaks(story: Story) -> list[str]:
    """Accepted identifiers with a mention nobody decided on: must be empty before anyone approves a version."""
    rev = _revision(story)
    spans = spans_of(story, rev)
    accepted = {(s.original, s.type) for s in spans if s.decision == ACCEPTED}
    out = set()
    for part, text in (("title", rev.title), ("body", rev.body)):
        in_part = [s for s in spans if s.part == part]
        for original, kind in accepted:
            if any(not _kept_on_purpose(in_part, a, b, kind) for a, b in _occurrences(text, original)):
                out.add(original)
    return sorted(out)


# --- detection ---------------------------------------------------------------------------------------


def _revision(story: Story) -> StoryRevision:
    rev = story.current_revision
    if rev is None:
        raise NotFound("No such story.")
    return rev


def _registry_proposals(story: Story, text: str) -> list[detection.Proposal]:
    """Mentions of names the registry already knows for this story: one pass over the text, longest first."""
    entries = {registry.key_of(e.original): e for e in registry.known_originals(story) if e.original.strip()}
    if not entries:
        return []
    keys = sorted(entries, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(r"\s+".join(map(re.escape, k.split())) for k in keys) + r")(?!\w)",
                         re.IGNORECASE)
    out = []
    for match in pattern.finditer(text):
        entry = entries.get(registry.key_of(match.group()))
        if entry is not None:
            out.append(detection.Proposal(match.start(), match.end(), match.group(), entry.type, "registry"))
    return out


def _proposals(story: Story, text: str, start: int = 0, end: int | None = None) -> list[detection.Proposal]:
    """Detection over text[start:end] (offsets into the whole text), registry matches first."""
    region = text[start:end]
    found = [detection.Proposal(p.start + start, p.end + start, p.text, p.type, p.source)
             for p in detection.detect(region)] if region.strip() else []
    known = [p for p in _registry_proposals(story, text) if p.start >= start and (end is None or p.end <= end)]
    merged: list[detection.Proposal] = []
    for p in sorted(known + found, key=lambda p: (0 if p.source == "registry" else 1, p.start)):
        if not any(p.start < q.end and p.end > q.start for q in merged):
            merged.append(p)
    return merged


def _add(story: Story, rev: StoryRevision, part: str, proposals: list[detection.Proposal]) -> int:
    taken = [(s.start, s.end) for s in spans_of(story, rev) if s.part == part]
    added = 0
    for p in proposals:
        if any(p.start < b and p.end > a for a, b in taken):
            continue
        db.session.add(IdentifierSpan(story_id=story.id, revision_id=rev.id, part=part, start=p.start, end=p.end,
                                      original=p.text, type=p.type, source=p.source, decision=PROPOSED))
        taken.append((p.start, p.end))
        added += 1
    db.session.flush()
    return added


def _model_label() -> str:
    _nlp, name = detection.load(detection.model_name())
    return name or "rules only"


def detect_story(actor: User | None, story: Story, version: WorkshopVersion) -> int:
    """(Re)propose identifiers over the whole current revision; decisions already made stay."""
    rev = _revision(story)
    db.session.execute(delete(IdentifierSpan).where(
        IdentifierSpan.story_id == story.id, IdentifierSpan.revision_id == rev.id,
        IdentifierSpan.decision == PROPOSED))
    added = _add(story, rev, "title", _proposals(story, rev.title))
    added += _add(story, rev, "body", _proposals(story, rev.body))
    version.detected_at = utcnow()
    version.detected_with = _model_label()
    _log(actor, story, "detected", note=f"{added} identifiers proposed ({version.detected_with})")
    return added


def ensure_version(story: Story, actor: User | None = None) -> WorkshopVersion:
    """The story's workshop version row, with proposals made on first use."""
    version = version_of(story)
    if version is None:
        version = WorkshopVersion(story_id=story.id, revision_id=_revision(story).id, status=REVIEW)
        db.session.add(version)
        db.session.flush()
    if version.detected_at is None:
        detect_story(actor, story, version)
    return version


def on_saved(story: Story) -> None:
    """A story was told, entered, imported or its consent changed: propose identifiers now if it may go to workshops."""
    if has_app_context() and not current_app.config.get("DEID_ON_SAVE", True):
        return
    consent = story.current_consent
    if story.withdrawn or consent is None or not consent.workshop or story.current_revision is None:
        return
    if version_of(story) is None:
        ensure_version(story)


# --- the researcher's review ---------------------------------------------------------------------------


@dataclass
class Segment:
    text: str
    span: IdentifierSpan | None = None
    replacement: str = ""


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

    @property
    def pending(self) -> int:
        return sum(1 for s in self.spans if s.decision == PROPOSED)

    @property
    def editable(self) -> bool:
        return self.version.status in EDITABLE


def segments(text: str, spans: list[IdentifierSpan]) -> list[Segment]:
    out, at = [], 0
    for span in sorted(spans, key=lambda s: s.start):
        if span.start < at:
            continue
        if span.start > at:
            out.append(Segment(text[at:span.start]))
        out.append(Segment(text[span.start:span.end], span, replacement_of(span) if span.decision == ACCEPTED else ""))
        at = span.end
    if at < len(text):
        out.append(Segment(text[at:]))
    return out


def _story_for_review(actor: User, story_id: object) -> Story:
    if not policy.can(actor, "workshop.prepare"):
        raise NotFound("No such story.")
    return policy.get_story(actor, story_id, "workshop_prep")


def review(actor: User, story_id: object) -> Review:
    """Everything the review page shows; proposes identifiers first if that has not happened yet."""
    story = _story_for_review(actor, story_id)
    version = ensure_version(story, actor)
    record(actor, "story.read", story_id=story.id, purpose="workshop_prep")
    rev = _revision(story)
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
    )


def _editable(actor: User, story_id: object) -> tuple[Story, WorkshopVersion]:
    story = _story_for_review(actor, story_id)
    version = ensure_version(story, actor)
    if version.status not in EDITABLE:
        raise InvalidInput("This version was sent for approval: reopen it before changing decisions.")
    return story, version


def _span(story: Story, span_id: object) -> IdentifierSpan:
    sid = parse_id(span_id, "No such identifier.")
    span = db.session.scalar(select(IdentifierSpan).where(
        IdentifierSpan.id == sid, IdentifierSpan.story_id == story.id,
        IdentifierSpan.revision_id == _revision(story).id))
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
    _log(actor, story, "accepted", span.type, span.original, replacement_of(span))


def _propagate(actor: User, story: Story, span: IdentifierSpan) -> int:
    """Every other mention of an accepted identifier in this revision gets the same replacement."""
    rev = _revision(story)
    key = registry.key_of(span.original)
    # A lone first name or surname of an accepted person is the same person ("Delroy" of "Delroy Campbell").
    parts = {w for w in key.split() if len(w) > 1 and w.title() not in detection.TITLES} \
        if span.type == "PERSON" and " " in key else set()
    count = 0
    for other in spans_of(story, rev):
        other_key = registry.key_of(other.original)
        if other.id != span.id and other.decision == PROPOSED and other.type == span.type \
                and (other_key == key or other_key in parts):
            other.pseudonym, other.descriptor = span.pseudonym, span.descriptor
            other.decision, other.decided_by_id, other.decided_at = ACCEPTED, actor.id, utcnow()
            count += 1
    for part, text in (("title", rev.title), ("body", rev.body)):
        for start, end in _occurrences(text, span.original):
            covering = [s for s in spans_of(story, rev) if s.part == part and s.start < end and s.end > start]
            if _kept_on_purpose(covering, start, end, span.type):  # replaced already, or rejected on purpose
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
    story, _version = _editable(actor, story_id)
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
        _log(actor, story, "rejected", span.type, span.original)
    else:
        raise InvalidInput("Accept or reject the identifier.", field="decision")
    return span


def add_identifier(actor: User, story_id: object, text: object, kind: object, replacement: object = "",
                   descriptor: object = "") -> int:
    """Mark something detection missed: every mention of `text` in the title and the story is replaced."""
    story, _version = _editable(actor, story_id)
    kind = _clean_kind(kind)
    original = " ".join(str(text or "").split())
    if len(original) < 2:
        raise InvalidInput("Select or type the words to replace (two characters or more).", field="text")
    if len(original) > 200:
        raise InvalidInput("An identifier is at most 200 characters: mark a shorter passage.", field="text")
    rev = _revision(story)
    places = [(part, s, e) for part, t in (("title", rev.title), ("body", rev.body)) for s, e in _occurrences(t, original)]
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
    _log(actor, story, "added", kind, span.original)
    _accept(actor, story, span, replacement, descriptor)
    return 1 + _propagate(actor, story, span)


def accept_all(actor: User, story_id: object) -> int:
    """Accept every remaining proposal with its default replacement, in reading order."""
    story, _version = _editable(actor, story_id)
    count = 0
    for span_id in [s.id for s in spans_of(story, _revision(story))]:
        span = db.session.get(IdentifierSpan, span_id)  # propagation may have decided or removed it meanwhile
        if span is not None and span.decision == PROPOSED:
            _accept(actor, story, span, "", "")
            count += 1 + _propagate(actor, story, span)
    return count


def redetect(actor: User, story_id: object) -> int:
    story, version = _editable(actor, story_id)
    return detect_story(actor, story, version)


def send(actor: User, story_id: object, approved_on_behalf: bool = False) -> WorkshopVersion:
    """Freeze the rendering and send it to the teller (or record their approval for a teller without an account)."""
    story, version = _editable(actor, story_id)
    pending = sum(1 for s in spans_of(story, _revision(story)) if s.decision == PROPOSED)
    if pending:
        raise InvalidInput(f"{pending} proposed identifier{'s' if pending != 1 else ''} still need a decision.")
    title, body = render(story)
    left = leaks(story)
    if left:
        raise InvalidInput(f"Some mentions of {', '.join(f'“{o}”' for o in left[:5])} are neither replaced nor "
                           "rejected: mark every mention before sending.")
    version.title, version.body = title, body
    version.sent_at, version.sent_by_id, version.updated_at = utcnow(), actor.id, utcnow()
    version.teller_message = ""
    if story.teller_id is not None:
        version.status = WITH_TELLER
        _log(actor, story, "sent to storyteller")
        record(actor, "workshop.sent", story_id=story.id, purpose="workshop_prep")
    else:
        if not approved_on_behalf:
            raise InvalidInput("This story's teller has no account: confirm that they saw the before and after "
                               "and approved it.", field="approved_on_behalf")
        _approve(actor, story, version, on_behalf=True)
    return version


def reopen(actor: User, story_id: object) -> WorkshopVersion:
    """Take a sent or approved version back for review: hosts lose it until it is approved again."""
    story = _story_for_review(actor, story_id)
    version = ensure_version(story, actor)
    if version.status in EDITABLE:
        return version
    _clear(story, version, REVIEW)
    _log(actor, story, "reopened for review")
    return version


def _clear(story: Story, version: WorkshopVersion, status: str) -> None:
    version.status, version.title, version.body = status, None, None
    version.approved_at, version.approved_by_id, version.approved_on_behalf = None, None, False
    version.updated_at = utcnow()
    touch(story.id)


def _approve(actor: User, story: Story, version: WorkshopVersion, on_behalf: bool) -> None:
    version.status, version.approved_at, version.approved_by_id = APPROVED, utcnow(), actor.id
    version.approved_on_behalf, version.updated_at = on_behalf, utcnow()
    _log(actor, story, "approved on the storyteller's behalf" if on_behalf else "approved by the storyteller")
    record(actor, "workshop.approved", story_id=story.id, purpose="workshop_prep" if on_behalf else "own")
    touch(story.id)


# --- the storyteller ---------------------------------------------------------------------------------


@dataclass
class TellerView:
    story: Story
    version: WorkshopVersion | None
    before: list[Segment]
    after: list[Segment]
    title_before: str = ""
    title_after: str = ""

    @property
    def awaiting(self) -> bool:
        return self.version is not None and self.version.status == WITH_TELLER


def teller_view(actor: User, story_id: object) -> TellerView:
    """Before and after of the teller's own story, once a researcher has sent it."""
    story = policy.get_own_story(actor, story_id)
    version = version_of(story)
    if version is None or version.body is None:
        return TellerView(story, version, [], [])
    rev = _revision(story)
    spans = [s for s in spans_of(story, rev) if s.decision == ACCEPTED]
    body_spans = [s for s in spans if s.part == "body"]
    before = segments(rev.body, body_spans)
    after = [Segment(seg.replacement, seg.span) if seg.span else seg for seg in before]
    return TellerView(story, version, before, after, title_before=rev.title, title_after=version.title or "")


def teller_approve(actor: User, story_id: object) -> WorkshopVersion:
    story = policy.get_own_story(actor, story_id)
    version = version_of(story)
    if version is None or version.status != WITH_TELLER:
        raise InvalidInput("There is no workshop version waiting for your approval.")
    _approve(actor, story, version, on_behalf=False)
    return version


def teller_request_changes(actor: User, story_id: object, message: object) -> WorkshopVersion:
    """The teller asks for changes: hosts cannot see the version until a new one is approved."""
    story = policy.get_own_story(actor, story_id)
    version = version_of(story)
    if version is None or version.status not in (WITH_TELLER, APPROVED):
        raise InvalidInput("There is no workshop version to change yet.")
    text = str(message or "").strip()
    if not text:
        raise InvalidInput("Say what should change, for example a name that was missed.", field="message")
    if len(text) > MAX_MESSAGE:
        raise InvalidInput(f"Please keep the message under {MAX_MESSAGE} characters.", field="message")
    _clear(story, version, CHANGES_REQUESTED)
    version.teller_message = text
    _log(actor, story, "storyteller asked for changes", note=text)
    record(actor, "workshop.changes_requested", story_id=story.id, purpose="own")
    return version


# --- hosts and the API -------------------------------------------------------------------------------


def host_version(actor: User, story_id: object) -> tuple[Story, WorkshopVersion]:
    """An approved workshop version for a host (never the original text)."""
    if not policy.can(actor, "workshop.read"):
        raise NotFound("No such story.")
    story = policy.get_story(actor, story_id, "workshop")
    version = version_of(story)
    if version is None or version.status != APPROVED or version.body is None:
        raise NotFound("No such story.")
    record(actor, "story.read", story_id=story.id, purpose="workshop")
    return story, version


def workshop_for(actor: User, story_id: object) -> tuple[Story, WorkshopVersion]:
    """The approved version for whoever may read it: its teller, a researcher preparing it, a host."""
    try:
        story = policy.get_own_story(actor, story_id)
    except NotFound:
        purposes = [p for p in ("workshop", "workshop_prep", "research") if policy.PURPOSE_ROLES[p] in actor.roles]
        if not purposes:
            raise
        story = policy.get_story(actor, story_id, purposes)
    version = version_of(story)
    if version is None or version.status != APPROVED or version.body is None:
        raise NotFound("This story has no approved workshop version.")
    if story.teller_id != actor.id:
        record(actor, "story.read", story_id=story.id, purpose=policy.purpose_of_read(actor, story)
               if "host" not in actor.roles else "workshop")
    return story, version


# --- revisions and withdrawal --------------------------------------------------------------------------


def follow_revision(story: Story, old: StoryRevision, new: StoryRevision) -> dict[str, int]:
    """Carry decisions whose text is unchanged to the new revision; propose only in the changed parts."""
    from storybank.coding.reanchor import unchanged_blocks

    version = version_of(story)
    if version is None:
        return {}
    kept = dropped = 0
    new_proposals = 0
    for part, before, after in (("title", old.title, new.title), ("body", old.body, new.body)):
        blocks = unchanged_blocks(before, after)
        for span in [s for s in spans_of(story, old) if s.part == part]:
            moved = next(((b + span.start - a) for a, b, size in blocks
                          if a <= span.start and span.end <= a + size), None)
            if moved is None or after[moved:moved + span.end - span.start] != span.original:
                db.session.delete(span)
                dropped += 1
                continue
            span.start, span.end, span.revision_id = moved, moved + span.end - span.start, new.id
            kept += 1
        db.session.flush()
        for start, end in _changed_regions(after, blocks):
            new_proposals += _add(story, new, part, _proposals(story, after, start, end))
    ids = set(db.session.scalars(select(IdentifierSpan.pseudonym_id).where(
        IdentifierSpan.story_id == story.id, IdentifierSpan.revision_id == old.id)))
    db.session.execute(delete(IdentifierSpan).where(IdentifierSpan.revision_id == old.id))
    registry.prune({i for i in ids if i})
    version.revision_id = new.id
    was = version.status
    _clear(story, version, REVIEW)
    _log(None, story, "story revised", note=f"{kept} decisions kept, {dropped} dropped, {new_proposals} new "
         f"proposals in the changed parts" + (f"; the {was.replace('_', ' ')} version needs a new review"
                                               if was != REVIEW else ""))
    return {"kept": kept, "dropped": dropped, "proposed": new_proposals}


def _changed_regions(text: str, blocks: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """Stretches of the new text no unchanged block covers, widened to whole lines for context."""
    covered = sorted((b, b + size) for _a, b, size in blocks)
    gaps, at = [], 0
    for lo, hi in covered:
        if lo > at:
            gaps.append((at, lo))
        at = max(at, hi)
    if at < len(text):
        gaps.append((at, len(text)))
    regions: list[tuple[int, int]] = []
    for lo, hi in gaps:
        while lo < hi and text[lo].isspace():
            lo += 1
        while hi > lo and text[hi - 1].isspace():
            hi -= 1
        if lo >= hi:
            continue
        lo = text.rfind("\n", 0, lo) + 1
        nl = text.find("\n", hi)
        hi = len(text) if nl < 0 else nl
        if regions and lo <= regions[-1][1]:
            regions[-1] = (regions[-1][0], max(regions[-1][1], hi))
        else:
            regions.append((lo, hi))
    return regions


def follow_claim(story: Story) -> None:
    """The teller claimed a story entered on their behalf: its people join the teller's registry scope."""
    changed = registry.adopt_story_scope(story)
    version = version_of(story)
    if changed and version is not None and version.body is not None:
        version.title, version.body = render(story)  # only labels differ
        touch(story.id)
    if changed:
        _log(None, story, "labels follow the storyteller's account", note=f"{changed} label(s) changed")


def withdraw_step(story: Story) -> dict[str, int]:
    """Everything de-identification kept about a story, its registry entries included."""
    ids = set(db.session.scalars(select(IdentifierSpan.pseudonym_id).where(
        IdentifierSpan.story_id == story.id, IdentifierSpan.pseudonym_id.is_not(None))))
    spans = db.session.scalar(select(func.count()).where(IdentifierSpan.story_id == story.id)) or 0
    log_rows = db.session.scalar(select(func.count()).where(AnonymisationEntry.story_id == story.id)) or 0
    versions = db.session.scalar(select(func.count()).where(WorkshopVersion.story_id == story.id)) or 0
    db.session.execute(delete(IdentifierSpan).where(IdentifierSpan.story_id == story.id))
    db.session.execute(delete(AnonymisationEntry).where(AnonymisationEntry.story_id == story.id))
    db.session.execute(delete(WorkshopVersion).where(WorkshopVersion.story_id == story.id))
    entries = registry.prune(ids)
    counts = {"workshop_versions": versions, "identifiers": spans, "registry_entries": entries,
              "anonymisation_log": log_rows}
    return {name: n for name, n in counts.items() if n}


def _log(actor: User | None, story: Story, action: str, kind: str = "", original: str = "",
         replacement: str = "", note: str = "") -> None:
    db.session.add(AnonymisationEntry(story_id=story.id, actor_id=actor.id if actor is not None else None,
                                      action=action, type=kind, original=original, replacement=replacement[:200],
                                      note=note))
