"""REFI-QDA shared pieces: stable GUIDs, XML namespaces, safe parsing, colours.

GUIDs are derived, not random: uuid5 of a namespace kept once per installation plus
the object's kind and id, so exporting twice gives the same GUIDs and another tool
re-importing the file updates its codes instead of duplicating them. A code, source
or user that arrived from a file keeps that file's GUID instead.
"""
from __future__ import annotations

import re
import uuid
from xml.etree.ElementTree import Element, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from sqlalchemy import select

from storybank.coding.models import Code
from storybank.errors import InvalidInput
from storybank.extensions import db
from storybank.interop.models import ExchangeSetting, ImportedSource, ImportedUser

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
PROJECT_SCHEMA_LOCATION = f"{PROJECT_NS} http://schema.qdasoftware.org/versions/Project/v1.0/Project.xsd"
CODEBOOK_SCHEMA_LOCATION = f"{CODEBOOK_NS} http://schema.qdasoftware.org/versions/Codebook/v1.0/Codebook.xsd"
ORIGIN = "storybank 0.1"
_NAMESPACE_KEY = "refi_namespace"
_GUID = re.compile(r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_COLOUR = re.compile(r"^#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")


def installation_namespace() -> uuid.UUID:
    """The installation's GUID namespace, made once and kept in the database (shared by every app server)."""
    row = db.session.get(ExchangeSetting, _NAMESPACE_KEY)
    if row is None:
        row = ExchangeSetting(key=_NAMESPACE_KEY, value=str(uuid.uuid4()))
        db.session.add(row)
        db.session.flush()
    return uuid.UUID(row.value)


class Guids:
    """GUIDs for one export: derived ones, or the GUID an imported object brought with it."""

    def __init__(self) -> None:
        self.namespace = installation_namespace()
        self._sources = dict(db.session.execute(select(ImportedSource.story_id, ImportedSource.guid)).all())
        self.stored_codes = dict(db.session.execute(select(Code.id, Code.guid).where(Code.guid.is_not(None))).all())
        self._users: dict[int, str] = {}
        for user_id, guid in db.session.execute(select(ImportedUser.user_id, ImportedUser.guid)
                                                .order_by(ImportedUser.id)):
            self._users.setdefault(user_id, guid)

    def derived(self, kind: str, key: object) -> str:
        return str(uuid.uuid5(self.namespace, f"storybank:{kind}:{key}"))

    def code(self, code_id: int, stored: str | None) -> str:
        return stored or self.derived("code", code_id)

    def source(self, story_id: int) -> str:
        return self._sources.get(story_id) or self.derived("story", story_id)

    def user(self, user_id: int) -> str:
        return self._users.get(user_id) or self.derived("user", user_id)


def clean_guid(value: object, what: str) -> str:
    """A file's GUID in canonical form (lower case, no braces), or a clear error naming the element."""
    match = _GUID.match(str(value or "").strip())
    if not match:
        raise InvalidInput(f"{what} has no valid guid (found {str(value or '')[:60]!r}).")
    return match.group(1).lower()


def clean_colour(value: str | None) -> str | None:
    if not value or not _COLOUR.match(value.strip()):
        return None
    digits = value.strip()[1:].lower()
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return f"#{digits}"


def parse_xml(data: bytes, what: str) -> Element:
    """Parse untrusted XML (no entities, no external references), or say where it is broken."""
    try:
        return fromstring(data)
    except DefusedXmlException as err:
        raise InvalidInput(f"{what} uses XML features that are not allowed ({type(err).__name__}).") from None
    except Exception as err:  # ElementTree.ParseError carries the line and column
        raise InvalidInput(f"{what} is not valid XML: {err}.") from None


def local(tag: str) -> str:
    """An element's name without its namespace (files from some tools omit or vary it)."""
    return tag.rsplit("}", 1)[-1]


def children(element: Element, name: str) -> list[Element]:
    return [child for child in element if local(child.tag) == name]


def child(element: Element, name: str) -> Element | None:
    for item in element:
        if local(item.tag) == name:
            return item
    return None


def text_of(element: Element, name: str) -> str:
    found = child(element, name)
    return (found.text or "") if found is not None else ""


def serialise(root: Element) -> bytes:
    """UTF-8 XML with a declaration; characters XML 1.0 cannot carry (even escaped) are left out."""
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + _NOT_XML.sub("", tostring(root, encoding="unicode")).encode()
