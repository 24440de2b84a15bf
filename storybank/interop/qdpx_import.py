"""Importing a REFI-QDA project into a new project space (one transaction, after the whole file is checked).

Sources become stories entered on behalf of storytellers by the importing researcher,
with no consent recorded: only that researcher can read them (purpose "entered") until
a claim link hands a story to its teller, who records consent. Codings keep their
coder: the file's users are matched by GUID (storybank's own GUIDs included, so a
round trip finds the original accounts), then by name among accounts earlier imports
made; otherwise they become accounts with no password and no role, which cannot sign in.
Notes become memos on what they are attached to.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import IO

from flask import current_app
from sqlalchemy import func, select

from storybank import policy
from storybank.accounts.models import User
from storybank.archive.models import COLLECTION_METHODS, KIND_LABELS, Story
from storybank.archive.stories import import_story
from storybank.archive.validation import StoryDraft
from storybank.audit.service import record
from storybank.coding.memos import MAX_MEMO
from storybank.coding.models import Code, Coding, Memo
from storybank.coding.units import set_units
from storybank.errors import InvalidInput, NotFound
from storybank.extensions import db
from storybank.interop.models import ImportedSource, ImportedUser, ImportProject
from storybank.interop.qdc import apply_plan, plan
from storybank.interop.qdpx_merge import merge_codings
from storybank.interop.qdpx_parse import FileCoding, FileProject, FileSource, FolderFiles, read_project
from storybank.interop.refi_common import Guids
from storybank.interop.zipsafe import SafeZip
from storybank.lookup import get_or_not_found
from storybank.search.indexing import touch
from storybank.timeutil import utcnow

KINDS_BY_LABEL = {label.lower(): kind for kind, label in KIND_LABELS.items()} | {k: k for k in KIND_LABELS}


def source_key(guid: str) -> str:
    """Story.import_key of an imported source: kept on a tombstone, so a re-import never brings it back."""
    return hashlib.sha256(f"refi-source:{guid}".encode()).hexdigest()


def open_project(source: bytes | IO[bytes] | Path) -> SafeZip | FolderFiles:
    if isinstance(source, Path) and source.is_dir():
        return FolderFiles(source)
    limit = int(current_app.config.get("IMPORT_MAX_BYTES", 200 * 1024 * 1024))
    if isinstance(source, Path):
        with source.open("rb") as handle:
            return SafeZip(handle.read(), limit)
    return SafeZip(source, limit)


class _Users:
    def __init__(self, actor: User, project: ImportProject, names: dict[str, str]) -> None:
        self.actor, self.project, self.names = actor, project, names
        guids = Guids()
        self.by_guid: dict[str, User] = {}
        for user in db.session.scalars(select(User)):
            self.by_guid[guids.user(user.id)] = user
        for row in db.session.scalars(select(ImportedUser)):
            self.by_guid[row.guid] = db.session.get(User, row.user_id)
        imported = select(ImportedUser.user_id)
        self.by_name = {u.display_name: u for u in db.session.scalars(select(User).where(User.id.in_(imported)))
                        if u.display_name != "Imported coder"}
        self.created = 0

    def get(self, guid: str | None) -> User:
        if guid is None:
            return self.actor
        user = self.by_guid.get(guid)
        if user is None:
            name = (self.names.get(guid) or "").strip()[:120]
            user = self.by_name.get(name) if name else None  # nameless users are never merged
            if user is None:
                user = User(email=f"{guid}@refi-import.invalid", display_name=name or "Imported coder",
                            password_hash="!")
                db.session.add(user)
                db.session.flush()
                self.created += 1
                if name:
                    self.by_name[name] = user
            db.session.add(ImportedUser(user_id=user.id, guid=guid, project_id=self.project.id))
            self.by_guid[guid] = user
        return user


def _draft(source: FileSource) -> StoryDraft:
    values = {k.lower(): v for k, v in source.variables.items()}
    method = values.get("collection method", "transcript")
    collected_on = None
    if values.get("collected on"):
        try:
            collected_on = date.fromisoformat(values["collected on"][:10])
        except ValueError:
            collected_on = None
    return StoryDraft(
        title=source.name[:200], body=source.text or "",
        kind=KINDS_BY_LABEL.get(values.get("kind", "").lower(), "lived_experience"),
        site=values.get("site", "")[:80], storyteller_role=values.get("storyteller role", "")[:80],
        collection_method=method if method in COLLECTION_METHODS else "transcript",
        collected_on=collected_on, language=values.get("language", "en")[:12] or "en",
        consent={}, attribution="anonymous")


def import_qdpx(actor: User, source: bytes | IO[bytes] | Path,
                progress: Callable[[int, int], None] | None = None) -> ImportProject:
    """Check the whole file, then import it; any problem raises InvalidInput and the caller rolls back."""
    if not policy.can(actor, "exchange.import"):
        raise NotFound()
    parsed = read_project(open_project(source))
    project = ImportProject(name=parsed.name[:200], origin=parsed.origin[:200], convention=parsed.convention,
                            imported_by_id=actor.id, counts={})
    db.session.add(project)
    db.session.flush()
    users = _Users(actor, project, parsed.users)
    steps = plan(parsed.codes, update_existing=False)
    codes = apply_plan(actor, steps, update_existing=False)
    targets: dict[str, tuple[str, int]] = {fc.guid: ("code", codes[fc.guid].id) for fc in parsed.codes}
    counts = {"stories": 0, "codings": 0, "memos": 0, "already_present": 0,
              "codings_in_file": sum(s.file_codings for s in parsed.sources),
              "codes_new": sum(s.action == "new" for s in steps),
              "codes_matched": sum(s.action != "new" for s in steps)}
    guids = Guids()
    known = {guids.source(story_id): story_id for story_id in db.session.scalars(select(Story.id))}
    for done, file_source in enumerate(parsed.sources, 1):
        if file_source.text is not None:
            _import_source(actor, project, file_source, codes, users, targets, counts, known)
        if progress:
            progress(done, len(parsed.sources))
    counts["memos"] = _import_notes(parsed, users, targets)
    counts["coders_created"] = users.created
    counts.update({f"skipped: {k}": v for k, v in parsed.skipped.items()})
    project.counts = counts
    db.session.flush()
    record(actor, "exchange.imported", format="qdpx", project_id=project.id, origin=parsed.origin[:200], **{
        k.replace("skipped: ", "skipped_").replace(" ", "_").replace(",", ""): v for k, v in counts.items()})
    return project


def _import_source(actor: User, project: ImportProject, source: FileSource, codes: dict[str, Code], users: _Users,
                   targets: dict[str, tuple[str, int]], counts: dict[str, int], known: dict[str, int]) -> None:
    key = source_key(source.guid)
    present = known.get(source.guid) or db.session.scalar(select(Story.id).where(Story.import_key == key))
    if present is not None:
        counts["already_present"] += 1
        merge_codings(actor, present, source, codes, users.get, targets, counts)
        return
    limit = int(current_app.config.get("IMPORT_MAX_STORY_CHARS", 5_000_000))
    if len(source.text or "") > limit:
        raise InvalidInput(f"Source {source.name!r} is {len(source.text or ''):,} characters long; an import takes "
                           f"sources of up to {limit:,} characters (STORYBANK_IMPORT_MAX_STORY_CHARS).")
    try:
        story = import_story(actor, _draft(source), key, max_chars=limit)
    except InvalidInput as err:
        raise InvalidInput(f"Source {source.name!r}: {err.message}") from None
    db.session.add(ImportedSource(story_id=story.id, project_id=project.id, guid=source.guid))
    targets[source.guid] = ("story", story.id)
    revision = story.current_revision
    assert revision is not None
    rows: dict[tuple[int, int, int | None, int | None], Coding] = {}
    by_guid: dict[str, Coding] = {}

    def add(coding: FileCoding, start: int | None, end: int | None, fallback: str | None) -> None:
        coder = users.get(coding.user_guid or fallback)
        key = (codes[coding.code_guid].id, coder.id, start, end)
        if key not in rows:  # the same coder's same code on the same words counts once
            rows[key] = Coding(story_id=story.id, revision_id=revision.id, code_id=key[0], coder_id=coder.id,
                               start=start, end=end, created_at=coding.created or utcnow())
            set_units(rows[key], revision)
            db.session.add(rows[key])
        by_guid[coding.guid] = rows[key]

    first_coding: dict[str, str] = {}
    for selection in source.selections:
        for coding in selection.codings:
            add(coding, selection.start, selection.end, selection.user_guid)
            first_coding.setdefault(selection.guid, coding.guid)
    for coding in source.codings:
        add(coding, None, None, None)
    db.session.flush()
    for guid, row in by_guid.items():
        targets[guid] = ("coding", row.id)
    for selection in source.selections:
        targets[selection.guid] = targets[first_coding[selection.guid]] if selection.guid in first_coding else (
            "story", story.id)
    counts["codings"] += len(rows)
    touch(story.id)
    counts["stories"] += 1


def _import_notes(parsed: FileProject, users: _Users, targets: dict[str, tuple[str, int]]) -> int:
    """Each note becomes a memo on every coding, story or code it is attached to (by NoteRef or Link)."""
    attached: dict[str, list[tuple[str, int]]] = {}

    def attach(note: str, target: str) -> None:
        if note in parsed.notes and target in targets and targets[target] not in attached.setdefault(note, []):
            attached[note].append(targets[target])

    for source in parsed.sources:
        for ref in source.note_refs:
            attach(ref, source.guid)
        for selection in source.selections:
            for ref in selection.note_refs:
                attach(ref, selection.guid)
            for coding in selection.codings:
                for ref in coding.note_refs:
                    attach(ref, coding.guid)
        for coding in source.codings:
            for ref in coding.note_refs:
                attach(ref, coding.guid)
    for code_guid, refs in parsed.code_note_refs.items():
        for ref in refs:
            attach(ref, code_guid)
    for origin, target in parsed.links:
        attach(origin, target)
        attach(target, origin)
    made = 0
    for guid, places in attached.items():
        note = parsed.notes[guid]
        if not note.text:
            continue
        if len(note.text) > MAX_MEMO:
            raise InvalidInput(f"Note {guid} is {len(note.text):,} characters long; a memo holds at most {MAX_MEMO:,}.")
        author = users.get(note.user_guid)
        for kind, object_id in places:
            db.session.add(Memo(author_id=author.id, text=note.text, created_at=note.created or utcnow(),
                                updated_at=note.created or utcnow(), **{f"{kind}_id": object_id}))
            made += 1
    for source in parsed.sources:
        for selection in source.selections:
            if selection.description and selection.guid in targets:
                kind, object_id = targets[selection.guid]
                author = users.get(selection.user_guid)
                db.session.add(Memo(author_id=author.id, text=selection.description[:MAX_MEMO],
                                    **{f"{kind}_id": object_id}))
                made += 1
    unattached = len(parsed.notes) - len(attached)
    if unattached:
        parsed.skipped["notes attached to nothing imported"] = unattached
    db.session.flush()
    return made


def codings_brought_in(counts: dict[str, int]) -> int:
    """Codings an import made or found already here: 0 of many means the work did not arrive."""
    return counts.get("codings", 0) + counts.get("codings_already_present", 0) + sum(
        v for k, v in counts.items() if k.startswith("codings added to stories already here"))


def lost_every_coding(counts: dict[str, int]) -> bool:
    return bool(counts.get("codings_in_file")) and not codings_brought_in(counts)


def import_projects() -> list[ImportProject]:
    return list(db.session.scalars(select(ImportProject).order_by(ImportProject.id.desc())))


def readable_counts(actor: User, projects: list[ImportProject]) -> dict[int, dict[str, int]]:
    """Per project, its stories this researcher may read now and their codings.

    What arrived (`project.counts`) is the import's record; these say nothing of stories
    withdrawn since, narrowed, or another researcher's to read.
    """
    out = {p.id: {"stories": 0, "codings": 0} for p in projects}
    readable = policy.visible_stories(actor, ("research", "entered")).with_only_columns(Story.id)
    rows = db.session.execute(select(ImportedSource.project_id, ImportedSource.story_id).where(
        ImportedSource.project_id.in_(list(out)), ImportedSource.story_id.in_(readable))).all()
    project_of = {story_id: project_id for project_id, story_id in rows}
    for project_id in project_of.values():
        out[project_id]["stories"] += 1
    if project_of:
        for story_id, n in db.session.execute(select(Coding.story_id, func.count()).where(
                Coding.story_id.in_(list(project_of))).group_by(Coding.story_id)):
            out[project_of[story_id]]["codings"] += n
    return out


def get_project(actor: User, project_id: object) -> tuple[ImportProject, list[Story]]:
    """A project space and the stories from it this researcher may read (others are simply not listed)."""
    if not policy.can(actor, "exchange.import"):
        raise NotFound()
    project = get_or_not_found(ImportProject, project_id, "No such import.")
    ids = select(ImportedSource.story_id).where(ImportedSource.project_id == project.id)
    stories = list(db.session.scalars(policy.visible_stories(actor, ("research", "entered"))
                                      .where(Story.id.in_(ids)).order_by(Story.id)))
    return project, stories
