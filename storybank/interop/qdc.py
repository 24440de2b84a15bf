"""The codebook as REFI-QDA `.qdc`: export, and import merged by GUID or name after a preview.

A code's definition, when to use, when not to use and example travel together in the
one `Description` the standard has, as labelled paragraphs that come back apart on import.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, SubElement

from sqlalchemy import func, select

from storybank import policy
from storybank.accounts.models import User
from storybank.audit.service import record
from storybank.coding.codebook import tree
from storybank.coding.models import Code
from storybank.errors import InvalidInput, NotFound
from storybank.extensions import db
from storybank.interop.refi_common import (
    CODEBOOK_NS,
    CODEBOOK_SCHEMA_LOCATION,
    ORIGIN,
    XSI_NS,
    Guids,
    child,
    children,
    clean_colour,
    clean_guid,
    local,
    parse_xml,
    serialise,
)

SECTIONS = (("when_to_use", "When to use: "), ("when_not_to_use", "When not to use: "), ("example", "Example: "))
TEXT_FIELDS = ("definition", "when_to_use", "when_not_to_use", "example")
MAX_QDC_BYTES = 5 * 1024 * 1024


def describe(code: Code) -> str:
    parts = [code.definition.strip()] if code.definition.strip() else []
    parts += [label + getattr(code, name).strip() for name, label in SECTIONS if getattr(code, name).strip()]
    return "\n\n".join(parts)


def split_description(text: str) -> dict[str, str]:
    """The inverse of describe(): labelled paragraphs back into their fields, the rest is the definition."""
    out = dict.fromkeys(TEXT_FIELDS, "")
    rest: list[str] = []
    for paragraph in (text or "").replace("\r\n", "\n").split("\n\n"):
        for name, label in SECTIONS:
            if paragraph.startswith(label):
                out[name] = paragraph[len(label):].strip()
                break
        else:
            if paragraph.strip():
                rest.append(paragraph.strip())
    out["definition"] = "\n\n".join(rest)
    return out


def code_elements(parent: Element, guids: Guids, notes: dict[int, list] | None = None) -> int:
    """Append the codebook as nested <Code> elements (shared by .qdc and .qde); returns how many.

    `notes` (code id -> memos) adds NoteRefs, which only the project schema allows.
    """
    count = 0
    elements: dict[int | None, Element] = {None: parent}
    for code, _depth in tree():
        element = SubElement(elements[code.parent_id], "Code", {
            "guid": guids.code(code.id, code.guid), "name": code.name, "isCodable": "true",
            "color": code.colour})
        description = describe(code)
        if description:
            SubElement(element, "Description").text = description
        for memo in (notes or {}).get(code.id, []):
            SubElement(element, "NoteRef", {"targetGUID": guids.derived("memo", memo.id)})
        elements[code.id] = element
        count += 1
    return count


def export_qdc(actor: User) -> bytes:
    if not policy.can(actor, "exchange.export"):
        raise NotFound()
    root = Element("CodeBook", {"xmlns": CODEBOOK_NS, "xmlns:xsi": XSI_NS,
                                "xsi:schemaLocation": CODEBOOK_SCHEMA_LOCATION, "origin": ORIGIN})
    codes = SubElement(root, "Codes")
    count = code_elements(codes, Guids())
    if not count:
        raise InvalidInput("The codebook is empty: there is nothing to export.")
    record(actor, "exchange.exported", format="qdc", codes=count)
    return serialise(root)


@dataclass
class FileCode:
    guid: str
    name: str
    fields: dict[str, str]
    colour: str | None
    parent_guid: str | None
    kids: list[FileCode] = field(default_factory=list)


def read_codes(codes_element: Element) -> list[FileCode]:
    """Codes in tree order (parents first) from a <Codes> element of a .qdc or .qde."""
    out: list[FileCode] = []
    seen: set[str] = set()

    def walk(element: Element, parent: str | None) -> None:
        for item in children(element, "Code"):
            guid = clean_guid(item.get("guid"), f"Code {item.get('name', '')[:60]!r}")
            if guid in seen:
                raise InvalidInput(f"Two codes share the guid {guid}.")
            seen.add(guid)
            name = " ".join((item.get("name") or "").split())[:120]
            if not name:
                raise InvalidInput(f"The code with guid {guid} has no name.")
            description = child(item, "Description")
            out.append(FileCode(guid, name, split_description(description.text or "" if description is not None
                                                              else ""), clean_colour(item.get("color")), parent))
            walk(item, guid)

    walk(codes_element, None)
    return out


def parse_qdc(data: bytes) -> tuple[list[FileCode], int]:
    """(codes, number of code sets) from a .qdc file."""
    if len(data) > MAX_QDC_BYTES:
        raise InvalidInput("The codebook file is larger than 5 MB: is it really a .qdc?")
    root = parse_xml(data, "The codebook file")
    if local(root.tag) != "CodeBook":
        raise InvalidInput(f"The file's root element is <{local(root.tag)}>, not <CodeBook>: is it a .qdc file?")
    codes = child(root, "Codes")
    if codes is None:
        raise InvalidInput("The codebook file has no <Codes> element.")
    sets = child(root, "Sets")
    return read_codes(codes), len(children(sets, "Set")) if sets is not None else 0


@dataclass
class Step:
    """What importing one file code will do: `new`, or matched by `guid` or `name`, with its changes."""

    action: str
    code: FileCode
    existing: Code | None
    changes: list[str]


def plan(codes: list[FileCode], update_existing: bool = True) -> list[Step]:
    """Match each file code to the codebook (GUID first, then name under the same parent, then a unique name)."""
    guids = Guids()
    existing = list(db.session.scalars(select(Code)))
    by_guid = {guids.code(c.id, c.guid): c for c in existing}
    by_parent_name = {(c.parent_id, c.name.lower()): c for c in existing}
    name_counts: dict[str, list[Code]] = {}
    for c in existing:
        name_counts.setdefault(c.name.lower(), []).append(c)
    matched: dict[str, Code | None] = {}
    steps: list[Step] = []
    for fc in codes:
        parent = matched.get(fc.parent_guid) if fc.parent_guid else None
        parent_id = parent.id if parent is not None else None
        code, action = by_guid.get(fc.guid), "guid"
        if code is None and (fc.parent_guid is None or parent is not None):
            code, action = by_parent_name.get((parent_id, fc.name.lower())), "name"
        if code is None and len(name_counts.get(fc.name.lower(), [])) == 1:
            code, action = name_counts[fc.name.lower()][0], "name"
        if code is not None and code in matched.values():
            code = None  # two file codes never land on one of ours
        matched[fc.guid] = code
        if code is None:
            steps.append(Step("new", fc, None, []))
            continue
        changes: list[str] = []
        if update_existing:
            if action == "guid" and code.name != fc.name:
                changes.append(f"name: {code.name} → {fc.name}")
            for name in TEXT_FIELDS:
                if fc.fields[name] and fc.fields[name] != getattr(code, name):
                    changes.append(name.replace("_", " "))
            if fc.colour and fc.colour != code.colour:
                changes.append(f"colour: {code.colour} → {fc.colour}")
        steps.append(Step(action, fc, code, changes))
    return steps


def apply_plan(actor: User, steps: list[Step], update_existing: bool = True) -> dict[str, Code]:
    """Carry out a plan; returns the code each file GUID now stands for."""
    taken = set(db.session.scalars(select(Code.guid).where(Code.guid.is_not(None))))
    result: dict[str, Code] = {}
    top = db.session.scalar(select(func.max(Code.position)).where(Code.parent_id.is_(None))) or 0
    for step in steps:
        fc = step.code
        parent = result.get(fc.parent_guid) if fc.parent_guid else None
        code = step.existing
        if code is None:
            top += 1
            code = Code(name=fc.name, parent=parent, colour=fc.colour or (parent.colour if parent else "#6b7280"),
                        position=top if parent is None else len(result), created_by_id=actor.id,
                        guid=fc.guid if fc.guid not in taken else None, **fc.fields)
            db.session.add(code)
        else:
            if code.guid is None and fc.guid not in taken:
                code.guid = fc.guid
            if update_existing and step.changes:
                if step.action == "guid":
                    code.name = fc.name
                for name in TEXT_FIELDS:
                    if fc.fields[name]:
                        setattr(code, name, fc.fields[name])
                code.colour = fc.colour or code.colour
        taken.add(fc.guid)
        result[fc.guid] = code
    db.session.flush()
    return result


def preview_qdc(actor: User, data: bytes) -> tuple[list[Step], int]:
    if not policy.can(actor, "exchange.import"):
        raise NotFound()
    codes, sets = parse_qdc(data)
    return plan(codes), sets


def import_qdc(actor: User, data: bytes) -> dict[str, int]:
    """Merge a .qdc into the codebook; the counts say what happened (also written to the audit log)."""
    steps, sets = preview_qdc(actor, data)
    apply_plan(actor, steps)
    counts = {
        "new": sum(s.action == "new" for s in steps),
        "matched_by_guid": sum(s.action == "guid" for s in steps),
        "matched_by_name": sum(s.action == "name" for s in steps),
        "changed": sum(bool(s.changes) for s in steps),
        "code_sets_not_kept": sets,
    }
    record(actor, "exchange.imported", format="qdc", **counts)
    return counts
