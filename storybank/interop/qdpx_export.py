"""The coded project as REFI-QDA `.qdpx`: a ZIP with project.qde and sources/<guid>.txt.

Only what the exporting researcher may read for research goes in: policy.visible_stories
(actor, "research") picks the stories (never withdrawn, narrowed or workshop-only ones),
their current revision's text, every coder's codings on them, and the memos the researcher
may see. Positions are Unicode code points over LF text, end exclusive (the standard's rule).
"""
from __future__ import annotations

import io
import zipfile
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from xml.etree.ElementTree import Element, SubElement

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from storybank import policy
from storybank.accounts.models import User
from storybank.archive.models import KIND_LABELS, Story
from storybank.audit.service import record
from storybank.coding.memos import list_memos
from storybank.coding.models import Coding, Memo
from storybank.errors import InvalidInput, NotFound
from storybank.extensions import db
from storybank.interop.offsets import encode_position
from storybank.interop.qdc import code_elements
from storybank.interop.refi_common import ORIGIN, PROJECT_NS, PROJECT_SCHEMA_LOCATION, XSI_NS, Guids, serialise
from storybank.timeutil import utcnow

# Story attributes exported as Variables on one Case per story: (name, attribute, REFI type).
VARIABLES = (
    ("Kind", "kind", "Text"),
    ("Site", "site", "Text"),
    ("Storyteller role", "storyteller_role", "Text"),
    ("Collection method", "collection_method", "Text"),
    ("Collected on", "collected_on", "Date"),
    ("Language", "language", "Text"),
)
# Who the file is for: (label, how positions are counted, CRLF line breaks in the texts). The standard
# says code points; NVivo and MAXQDA read positions their own way. The tool is named in the file's
# origin, so storybank reading the file back counts the same way (offsets.convention_for).
TARGETS = {
    "standard": ("REFI-QDA standard (QualCoder, storybank)", "codepoints", False),
    "nvivo": ("NVivo", "utf16", True),
    "maxqda": ("MAXQDA", "codepoints", True),
    "atlasti": ("ATLAS.ti", "codepoints", False),
}
ZIP_TIME = (2026, 1, 1, 0, 0, 0)  # fixed: the members' dates say nothing about the data


def stamp(value: datetime | None) -> str:
    return (value or utcnow()).replace(microsecond=0).isoformat() + "Z"


def exported_stories(actor: User) -> list[Story]:
    stmt = policy.visible_stories(actor, "research").order_by(Story.id)
    return list(db.session.scalars(stmt.options(selectinload(Story.revisions), selectinload(Story.consent_events))))


def count_exported(actor: User) -> int:
    sub = policy.visible_stories(actor, "research").subquery()
    return db.session.scalar(select(func.count()).select_from(sub)) or 0


def _note_refs(element: Element, memos: list[Memo], guids: Guids) -> None:
    for memo in memos:
        SubElement(element, "NoteRef", {"targetGUID": guids.derived("memo", memo.id)})


def _coding(parent: Element, coding: Coding, guids: Guids, memos: list[Memo], users: set[int]) -> None:
    attrs = {"guid": guids.derived("coding", coding.id), "creationDateTime": stamp(coding.created_at)}
    if coding.coder_id:
        attrs["creatingUser"] = guids.user(coding.coder_id)
        users.add(coding.coder_id)
    element = SubElement(parent, "Coding", attrs)
    SubElement(element, "CodeRef", {"targetGUID": guids.code(coding.code_id, guids.stored_codes.get(coding.code_id))})
    _note_refs(element, memos, guids)


def _source(sources: Element, story: Story, guids: Guids, codings: list[Coding],
            memos_by: dict[tuple[str, int], list[Memo]], users: set[int], target: str) -> tuple[str, str]:
    """One <TextSource> with its selections and codings; returns (guid, text as written to the file)."""
    revision = story.current_revision
    assert revision is not None
    text, guid = revision.body, guids.source(story.id)
    _label, convention, crlf = TARGETS[target]

    def position(offset: int) -> str:
        return str(encode_position(text, offset, convention, crlf))

    element = SubElement(sources, "TextSource", {
        "guid": guid, "name": story.title or f"Story {story.id}", "plainTextPath": f"internal://{guid}.txt",
        "creationDateTime": stamp(story.created_at), "modifiedDateTime": stamp(revision.created_at)})
    spans: dict[tuple[int, int], list[Coding]] = defaultdict(list)
    whole: list[Coding] = []
    for coding in codings:
        if coding.start is None:
            whole.append(coding)
        else:
            spans[(coding.start, coding.end)].append(coding)
    for (start, end), group in sorted(spans.items()):
        excerpt = " ".join(text[start:end].split())
        attrs = {"guid": guids.derived("selection", f"{story.id}:{start}:{end}"),
                 "name": excerpt[:100] + ("…" if len(excerpt) > 100 else ""),
                 "startPosition": position(start), "endPosition": position(end),
                 "creationDateTime": stamp(min(c.created_at for c in group))}
        if group[0].coder_id:
            attrs["creatingUser"] = guids.user(group[0].coder_id)
        selection = SubElement(element, "PlainTextSelection", attrs)
        for coding in group:
            _coding(selection, coding, guids, memos_by.get(("coding", coding.id), []), users)
    for coding in whole:
        _coding(element, coding, guids, memos_by.get(("coding", coding.id), []), users)
    _note_refs(element, memos_by.get(("story", story.id), []), guids)
    return guid, text.replace("\n", "\r\n") if crlf else text


def _variables(root: Element, guids: Guids) -> None:
    variables = SubElement(root, "Variables")
    for name, attribute, kind in VARIABLES:
        SubElement(variables, "Variable", {"guid": guids.derived("variable", attribute), "name": name,
                                           "typeOfVariable": kind})


def _case(cases: Element, story: Story, guids: Guids) -> None:
    case = SubElement(cases, "Case", {"guid": guids.derived("case", story.id),
                                      "name": story.title or f"Story {story.id}"})
    for _name, attribute, kind in VARIABLES:
        value = getattr(story, attribute)
        if value in (None, ""):
            continue
        holder = SubElement(case, "VariableValue")
        SubElement(holder, "VariableRef", {"targetGUID": guids.derived("variable", attribute)})
        if kind == "Date":
            SubElement(holder, "DateValue").text = value.isoformat()
        else:
            SubElement(holder, "TextValue").text = KIND_LABELS.get(value, value) if attribute == "kind" else value
    SubElement(case, "SourceRef", {"targetGUID": guids.source(story.id)})


def story_set_elements(root: Element, guids: Guids, story_ids: set[int], actor: User) -> int:
    """The exporter's own story sets (storybank/workshops) as REFI-QDA Sets of the exported sources they hold.

    A set is its host's alone (researchers never read hosts' sets), so only someone who is both
    researcher and host exports sets, and only their own.
    """
    try:
        from storybank.workshops.models import StorySet, StorySetItem
    except ImportError:  # the story-sets feature is not installed
        return 0
    if actor.id is None or not policy.can(actor, "sets.build"):
        return 0
    own = select(StorySet.id).where(StorySet.host_id == actor.id)
    members: dict[int, list[int]] = defaultdict(list)
    for set_id, story_id in db.session.execute(select(StorySetItem.set_id, StorySetItem.story_id)
                                               .where(StorySetItem.set_id.in_(own))
                                               .order_by(StorySetItem.set_id, StorySetItem.position)):
        if story_id in story_ids and story_id not in members[set_id]:
            members[set_id].append(story_id)
    wanted = [set_id for set_id, ids in members.items() if ids]
    if not wanted:
        return 0
    sets = SubElement(root, "Sets")
    for story_set in db.session.scalars(select(StorySet).where(StorySet.id.in_(wanted)).order_by(StorySet.id)):
        element = SubElement(sets, "Set", {"guid": guids.derived("set", story_set.id), "name": story_set.title})
        if story_set.question:
            SubElement(element, "Description").text = story_set.question
        for story_id in members[story_set.id]:
            SubElement(element, "MemberSource", {"targetGUID": guids.source(story_id)})
    return len(wanted)


def _memos_on(ids: set[int]) -> list[Memo]:
    """Memos on codes, and on the given stories (which the exporter may read) or their codings."""
    on_codings = select(Coding.id).where(Coding.story_id.in_(ids))
    return list(db.session.scalars(select(Memo).where(or_(
        Memo.code_id.is_not(None), Memo.story_id.in_(ids), Memo.coding_id.in_(on_codings))).order_by(Memo.id)))


def export_qdpx(actor: User, progress: Callable[[int], None] | None = None, target: str = "standard",
                project_id: object = None) -> bytes:
    """The .qdpx bytes, built in memory and handed out: the app keeps no copy that withdrawal would miss.

    With `project_id`, the stories of that import this researcher may still read (their own
    material, entered on the tellers' behalf, before the tellers claim it) instead of the research view.
    """
    if not policy.can(actor, "exchange.export"):
        raise NotFound()
    if target not in TARGETS:
        raise InvalidInput(f"Unknown target tool {target!r}: use one of {', '.join(TARGETS)}.")
    guids = Guids()
    project_name = "storybank export"
    if project_id is None:
        stories = exported_stories(actor)
    else:
        from storybank.interop.qdpx_import import get_project

        project, stories = get_project(actor, project_id)
        project_name = project.name
    ids = {s.id for s in stories}
    codings: dict[int, list[Coding]] = defaultdict(list)
    for coding in db.session.scalars(select(Coding).where(Coding.story_id.in_(ids)).order_by(Coding.id)):
        codings[coding.story_id].append(coding)
    if project_id is None:
        memos = [m for m in list_memos(actor, limit=10**9)
                 if m.code_id is not None or m.story_id in ids
                 or (m.coding_id is not None and db.session.get(Coding, m.coding_id).story_id in ids)]
    else:
        memos = _memos_on(ids)
    memos_by: dict[tuple[str, int], list[Memo]] = defaultdict(list)
    for memo in sorted(memos, key=lambda m: m.id):
        kind = "code" if memo.code_id else "coding" if memo.coding_id else "story"
        memos_by[(kind, memo.code_id or memo.coding_id or memo.story_id)].append(memo)
    users: set[int] = {m.author_id for m in memos if m.author_id}
    root = Element("Project", {"xmlns": PROJECT_NS, "xmlns:xsi": XSI_NS,
                               "xsi:schemaLocation": PROJECT_SCHEMA_LOCATION, "name": project_name,
                               "origin": ORIGIN if target == "standard" else f"{ORIGIN} (for {TARGETS[target][0]})",
                               "creationDateTime": stamp(None)})
    if actor.id is not None:  # None: the command line's system export of the research view
        root.set("creatingUserGUID", guids.user(actor.id))
        users.add(actor.id)
    users_element = SubElement(root, "Users")
    codebook = SubElement(root, "CodeBook")
    codes = SubElement(codebook, "Codes")
    code_count = code_elements(codes, guids, {k[1]: v for k, v in memos_by.items() if k[0] == "code"})
    if not code_count:
        root.remove(codebook)
    texts: list[tuple[str, str]] = []
    if stories:
        _variables(root, guids)
        cases = SubElement(root, "Cases")
        for story in stories:
            _case(cases, story, guids)
        sources = SubElement(root, "Sources")
        for story in stories:
            texts.append(_source(sources, story, guids, codings[story.id], memos_by, users, target))
            if progress:
                progress(1)
    if memos:
        notes = SubElement(root, "Notes")
        for memo in sorted(memos, key=lambda m: m.id):
            attrs = {"guid": guids.derived("memo", memo.id), "name": "Memo",
                     "creationDateTime": stamp(memo.created_at), "modifiedDateTime": stamp(memo.updated_at)}
            if memo.author_id:
                attrs["creatingUser"] = guids.user(memo.author_id)
            SubElement(SubElement(notes, "Note", attrs), "PlainTextContent").text = memo.text
    sets = story_set_elements(root, guids, ids, actor)
    for user in db.session.scalars(select(User).where(User.id.in_(users)).order_by(User.id)):
        SubElement(users_element, "User", {"guid": guids.user(user.id), "name": user.display_name or f"User {user.id}"})
    if not len(users_element):
        root.remove(users_element)
    qde = serialise(root)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("project.qde", ZIP_TIME), qde, zipfile.ZIP_DEFLATED)
        for guid, text in texts:
            archive.writestr(zipfile.ZipInfo(f"sources/{guid}.txt", ZIP_TIME), text.encode(), zipfile.ZIP_DEFLATED)
    for story in stories:  # the teller's "who used this story" lists each export
        record(actor, "story.exported", story_id=story.id, format="qdpx",
               purpose="research" if project_id is None else policy.purpose_of_read(actor, story))
    record(actor, "exchange.exported", format="qdpx", target=target, stories=len(stories),
           **({"import_id": project_id} if project_id is not None else {}),
           codings=sum(len(v) for v in codings.values()), notes=len(memos), sets=sets)
    return buffer.getvalue()
