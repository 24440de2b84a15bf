"""Reading a REFI-QDA project (.qdpx ZIP, or a folder holding project.qde) into plain values.

Nothing is written here: the whole file is read and checked first, so a bad file
(broken XML, a selection outside its text, a code reference to nothing) stops the
import before a single row exists. Positions are mapped to storybank's code points
according to the exporting tool (storybank/interop/offsets.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from xml.etree.ElementTree import Element

from storybank.errors import InvalidInput
from storybank.interop.offsets import TextMap, convention_for, decode_text
from storybank.interop.qdc import FileCode, read_codes
from storybank.interop.qdpx_paths import find_text_member
from storybank.interop.refi_common import child, children, clean_guid, local, parse_xml, text_of
from storybank.interop.zipsafe import SafeZip

# Case variables that become story attributes (the names storybank's own exports use).
STORY_ATTRIBUTES = ("kind", "site", "storyteller role", "collection method", "collected on", "language")
MEDIA_SOURCES = ("PictureSource", "PDFSource", "AudioSource", "VideoSource")


@dataclass
class FileCoding:
    guid: str
    code_guid: str
    user_guid: str | None
    created: datetime | None
    note_refs: list[str]


@dataclass
class FileSelection:
    guid: str
    start: int
    end: int
    user_guid: str | None
    codings: list[FileCoding]
    note_refs: list[str]
    description: str = ""  # a comment on the selection (ATLAS.ti's quotation comments): becomes a memo


@dataclass
class FileSource:
    guid: str
    name: str
    text: str | None
    selections: list[FileSelection] = field(default_factory=list)
    codings: list[FileCoding] = field(default_factory=list)
    note_refs: list[str] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)
    file_codings: int = 0  # codings the file holds on this source, imported or not
    selections_skipped: list[str] = field(default_factory=list)  # GUIDs of selections on a missing or empty text


@dataclass
class FileNote:
    guid: str
    text: str
    user_guid: str | None
    created: datetime | None


@dataclass
class FileProject:
    name: str
    origin: str
    convention: str
    users: dict[str, str]
    codes: list[FileCode]
    code_note_refs: dict[str, list[str]]
    sources: list[FileSource]
    notes: dict[str, FileNote]
    links: list[tuple[str, str]]
    skipped: dict[str, int]


class FolderFiles:
    """A project unpacked in a folder (project.qde beside sources/), read like a .qdpx."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.names = {p.relative_to(folder).as_posix(): p for p in folder.rglob("*") if p.is_file()}

    def find(self, wanted: str) -> str | None:
        return next((n for n in self.names if n.lower() == wanted.lower()), None)

    def project_file(self) -> str:
        found = self.find("project.qde") or next((n for n in self.names if n.lower().endswith(".qde")), None)
        if found is None:
            raise InvalidInput(f"{self.folder} holds no project.qde.")
        return found

    def read(self, name: str) -> bytes:
        return self.names[name].read_bytes()


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=None) if parsed.utcoffset() is None else (parsed - parsed.utcoffset()).replace(
        tzinfo=None)


def _user(element: Element) -> str | None:
    value = element.get("creatingUser")
    return clean_guid(value, "A creatingUser") if value else None


def _refs(element: Element) -> list[str]:
    return [clean_guid(r.get("targetGUID"), "A NoteRef") for r in children(element, "NoteRef")]


def _codings(element: Element) -> list[FileCoding]:
    out = []
    for item in children(element, "Coding"):
        ref = child(item, "CodeRef")
        if ref is None:
            raise InvalidInput(f"Coding {item.get('guid')} names no code (no CodeRef).")
        out.append(FileCoding(clean_guid(item.get("guid"), "A Coding"), clean_guid(ref.get("targetGUID"), "A CodeRef"),
                              _user(item), _when(item.get("creationDateTime")), _refs(item)))
    return out


def _source_text(files: SafeZip | FolderFiles, element: Element, name: str) -> str | None:
    inline = child(element, "PlainTextContent")
    if inline is not None:
        return decode_text((inline.text or "").encode())
    found = find_text_member(files, element.get("plainTextPath") or "", f"Source {name!r}")
    if found is None:
        return None
    try:
        return decode_text(files.read(found))
    except InvalidInput as err:
        raise InvalidInput(f"The text of source {name!r} {err.message}.") from None


def _count(skipped: dict[str, int], what: str, n: int = 1) -> None:
    if n:
        skipped[what] = skipped.get(what, 0) + n


def _source(files: SafeZip | FolderFiles, element: Element, convention: str, skipped: dict[str, int]) -> FileSource:
    guid = clean_guid(element.get("guid"), "A TextSource")
    name = " ".join((element.get("name") or "").split()) or "Imported source"
    raw = _source_text(files, element, name)
    source = FileSource(guid, name, None, codings=_codings(element), note_refs=_refs(element))
    selections = children(element, "PlainTextSelection")
    source.file_codings = len(source.codings) + sum(len(children(s, "Coding")) for s in selections)
    if raw is None or not raw.strip():
        empty = raw is not None
        _count(skipped, "empty text sources" if empty else "text sources without their text")
        _count(skipped, "selections on empty sources" if empty else "selections on sources without text",
               len(selections))
        source.selections_skipped = [clean_guid(s.get("guid"), f"A selection in source {name!r}")
                                     for s in selections]
        return source
    text_map = TextMap(raw, convention)
    source.text = text_map.text
    for item in selections:
        sel_guid = clean_guid(item.get("guid"), f"A selection in source {name!r}")
        try:
            start, end = int(item.get("startPosition", "")), int(item.get("endPosition", ""))
        except ValueError:
            raise InvalidInput(f"Selection {sel_guid} in source {name!r} has no whole-number positions.") from None
        s, e = text_map.to_codepoints(start), text_map.to_codepoints(end)
        inside = [p for p in (start, end) if text_map.inside_character(p)]
        if inside:
            raise InvalidInput(
                f"Selection {sel_guid} in source {name!r} {'starts' if inside[0] == start else 'ends'} at position "
                f"{inside[0]}, inside a character (between the two UTF-16 code units of an emoji or other "
                f"character beyond the Basic Multilingual Plane, counted as {convention}): the exporting tool "
                "split a character, so this selection cannot be placed.")
        if s is None or e is None or s > e:
            raise InvalidInput(
                f"Selection {sel_guid} in source {name!r} runs from {start} to {end}, outside its text "
                f"({text_map.length} positions, counted as {convention}).")
        if s == e:
            skipped["empty selections"] = skipped.get("empty selections", 0) + 1
            continue
        source.selections.append(FileSelection(sel_guid, s, e, _user(item), _codings(item), _refs(item),
                                               text_of(item, "Description").strip()))
    return source


def _variables(root: Element) -> dict[str, dict[str, str]]:
    """Case variables by source GUID (storybank's own exports carry kind, site and so on this way)."""
    names = {}
    variables = child(root, "Variables")
    for item in children(variables, "Variable") if variables is not None else []:
        names[(item.get("guid") or "").lower().strip("{}")] = item.get("name") or ""
    out: dict[str, dict[str, str]] = {}
    cases = child(root, "Cases")
    for case in children(cases, "Case") if cases is not None else []:
        values = {}
        for holder in children(case, "VariableValue"):
            ref = child(holder, "VariableRef")
            value = next((v.text for v in holder if local(v.tag).endswith("Value")), None)
            if ref is not None and value is not None:
                values[names.get((ref.get("targetGUID") or "").lower().strip("{}"), "")] = value.strip()
        for ref in children(case, "SourceRef"):
            out.setdefault((ref.get("targetGUID") or "").lower().strip("{}"), {}).update(values)
    return out


def read_project(files: SafeZip | FolderFiles) -> FileProject:
    """Read and check the whole project; raises InvalidInput naming the first problem."""
    root = parse_xml(files.read(files.project_file()), "The project file (project.qde)")
    if local(root.tag) != "Project":
        raise InvalidInput(f"The project file's root element is <{local(root.tag)}>, not <Project>.")
    origin = root.get("origin") or ""
    convention = convention_for(origin)
    users = {}
    users_element = child(root, "Users")
    for item in children(users_element, "User") if users_element is not None else []:
        users[clean_guid(item.get("guid"), "A User")] = (item.get("name") or "").strip()
    codebook = child(root, "CodeBook")
    codes_element = child(codebook, "Codes") if codebook is not None else None
    codes = read_codes(codes_element) if codes_element is not None else []
    code_note_refs: dict[str, list[str]] = {}
    for item in codes_element.iter() if codes_element is not None else []:
        if local(item.tag) == "Code" and _refs(item):
            code_note_refs[clean_guid(item.get("guid"), "A Code")] = _refs(item)
    skipped: dict[str, int] = {}
    sources: list[FileSource] = []
    variables = _variables(root)
    variables_element = child(root, "Variables")
    unused = [v for v in (children(variables_element, "Variable") if variables_element is not None else [])
              if (v.get("name") or "").lower() not in STORY_ATTRIBUTES]
    if unused:
        skipped["variables other than story attributes"] = len(unused)
    sources_element = child(root, "Sources")
    for item in sources_element if sources_element is not None else []:
        kind = local(item.tag)
        if kind == "TextSource":
            source = _source(files, item, convention, skipped)
            source.variables = variables.get(source.guid, {})
            sources.append(source)
        elif kind in MEDIA_SOURCES:
            skipped["picture, PDF, audio and video sources"] = skipped.get(
                "picture, PDF, audio and video sources", 0) + 1
    notes = {}
    notes_element = child(root, "Notes")
    for item in children(notes_element, "Note") if notes_element is not None else []:
        guid = clean_guid(item.get("guid"), "A Note")
        text = text_of(item, "PlainTextContent").strip()
        if not text and item.get("plainTextPath"):
            found = find_text_member(files, item.get("plainTextPath", ""), f"Note {guid}")
            text = decode_text(files.read(found)).strip() if found else ""
        notes[guid] = FileNote(guid, text, _user(item), _when(item.get("creationDateTime")))
    links = []
    links_element = child(root, "Links")
    for item in children(links_element, "Link") if links_element is not None else []:
        if item.get("originGUID") and item.get("targetGUID"):
            links.append((clean_guid(item.get("originGUID"), "A Link"), clean_guid(item.get("targetGUID"), "A Link")))
    sets = child(root, "Sets")
    if sets is not None and children(sets, "Set"):
        skipped["sets"] = len(children(sets, "Set"))
    graphs = child(root, "Graphs")
    if graphs is not None and children(graphs, "Graph"):
        skipped["graphs"] = len(children(graphs, "Graph"))
    project = FileProject(root.get("name") or "Imported project", origin, convention, users, codes,
                          code_note_refs, sources, notes, links, skipped)
    _check_references(project)
    return project


def _check_references(project: FileProject) -> None:
    codes = {c.guid for c in project.codes}
    seen: dict[str, dict[str, str]] = {"source": {}, "selection": {}, "coding": {}}

    def once(kind: str, guid: str, where: str) -> None:
        if guid in seen[kind]:
            raise InvalidInput(f"The file uses GUID {guid} for two {kind}s ({seen[kind][guid]} and {where}): "
                               f"each {kind} needs its own GUID.")
        seen[kind][guid] = where

    for source in project.sources:
        once("source", source.guid, f"{source.name!r}")
        for guid in [s.guid for s in source.selections] + source.selections_skipped:
            once("selection", guid, f"in source {source.name!r}")
        for coding in [*source.codings, *(c for s in source.selections for c in s.codings)]:
            once("coding", coding.guid, f"in source {source.name!r}")
            if coding.code_guid not in codes:
                raise InvalidInput(f"A coding in source {source.name!r} refers to code {coding.code_guid}, "
                                   "which is not in the file's codebook.")
