"""Positions as real exporters count them: every imported selection covers exactly the intended text.

Generated projects hold emoji (two UTF-16 code units), a combining accent, a byte-order mark
and CRLF line breaks, once per counting convention (NVivo, ATLAS.ti, MAXQDA and the
standard), with the positions worked out here independently of the importer.
"""
from __future__ import annotations

import io
import re
import uuid
import zipfile
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pytest
from conftest import PASSWORD, make_app
from sqlalchemy import select

from storybank import tx
from storybank.accounts.services import create_user
from storybank.archive.models import Story
from storybank.coding.models import Code, Coding
from storybank.extensions import db
from storybank.interop.offsets import TextMap, convention_for
from storybank.interop.qdpx_export import export_qdpx
from storybank.interop.qdpx_import import import_qdpx

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "refi-qda"
TEXT = "Café 😀 first line\nThe wait was long 👩‍👩‍👧 and then\nspoke to a pe\u0301er worker 🎉 at last.\n"
PHRASES = ["😀 first", "wait was long 👩‍👩‍👧", "pe\u0301er worker 🎉", "at last.", "Café"]


def position(raw: str, index: int, convention: str) -> int:
    """Where `raw[:index]` ends as each tool counts (raw is the file's text without the BOM)."""
    head = raw[:index]
    if convention == "nvivo":
        return len(head.encode("utf-16-le")) // 2
    if convention == "atlas":
        return len(head.replace("\r\n", "\n"))
    return len(head)  # the standard and MAXQDA: code points as written, CRLF as two


ORIGINS = {"nvivo": "NVivo 14 (Windows)", "atlas": "ATLAS.ti 23.2 Windows", "maxqda": "MAXQDA 2022",
           "standard": "QualCoder 3.5"}


def give_research_consent(researcher, teller, story_ids) -> None:
    """The imported stories' teller claims them and consents to research, as the import page asks."""
    from storybank.archive.claims import claim_story, create_claim_link
    from storybank.archive.consent import change_consent

    for story_id in story_ids:
        _, token = create_claim_link(researcher, story_id)
        claim_story(teller, token)
        change_consent(teller, story_id, {"research": True})
    tx.commit()


def make_qdpx(origin: str, sources: list[dict], codes: list[tuple[str, str]], users: list[tuple[str, str]] = (),
              notes: list[tuple[str, str, str]] = (), inner: str = "project.qde", folder: str = "sources") -> bytes:
    """A .qdpx as another tool writes it.

    sources: {guid, name, data (bytes), selections: [(guid, start, end, code[, user, note refs[, comment]])]}.
    """
    user_xml = "".join(f'<User guid="{g}" name={quoteattr(n)}/>' for g, n in users)
    code_xml = "".join(f'<Code guid="{g}" name={quoteattr(n)} isCodable="true"/>' for g, n in codes)
    source_xml = ""
    for src in sources:
        sels = "".join(
            f'<PlainTextSelection guid="{g}" startPosition="{s}" endPosition="{e}"'
            f'{(" creatingUser=" + quoteattr(u)) if u else ""}>'
            + (f"<Description>{d}</Description>" if d else "")
            + f'<Coding guid="{uuid.uuid4()}"><CodeRef targetGUID="{c}"/>'
            + "".join(f'<NoteRef targetGUID="{n}"/>' for n in refs) + "</Coding></PlainTextSelection>"
            for g, s, e, c, u, refs, d in [(*sel, *(None, (), "")[len(sel) - 4:]) for sel in src["selections"]])
        source_xml += (f'<TextSource guid="{src["guid"]}" name={quoteattr(src["name"])} '
                       f'plainTextPath="internal://{src["guid"]}.txt">{sels}</TextSource>')
    note_xml = "".join(f'<Note guid="{g}" name={quoteattr(n)}><PlainTextContent>{t}</PlainTextContent></Note>'
                       for g, n, t in notes)
    qde = (f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="Generated" '
           f'origin={quoteattr(origin)}>'
           + (f"<Users>{user_xml}</Users>" if user_xml else "")
           + (f"<CodeBook><Codes>{code_xml}</Codes></CodeBook>" if code_xml else "")
           + (f"<Sources>{source_xml}</Sources>" if source_xml else "")
           + (f"<Notes>{note_xml}</Notes>" if note_xml else "") + "</Project>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(inner, qde)
        for src in sources:
            archive.writestr(f"{folder}/{src['guid']}.txt", src["data"])
    return buffer.getvalue()


def convention_file(kind: str, code_guid: str) -> tuple[bytes, list[str]]:
    """A source written with a BOM and CRLF, selections for PHRASES counted the `kind` tool's way."""
    raw = TEXT.replace("\n", "\r\n")
    selections = []
    for phrase in PHRASES:
        at = raw.index(phrase)
        selections.append((str(uuid.uuid4()), position(raw, at, kind), position(raw, at + len(phrase), kind),
                           code_guid))
    source = {"guid": str(uuid.uuid4()), "name": f"{kind} interview.txt",
              "data": b"\xef\xbb\xbf" + raw.encode(), "selections": selections}
    return make_qdpx(ORIGINS[kind], [source], [(code_guid, "Waiting")]), PHRASES


def test_each_tool_is_known_by_its_origin():
    assert convention_for("NVivo 14 (Windows)") == "utf16"
    assert convention_for("ATLAS.ti 8.4.0 573 , macOS") == "crlf1"
    assert convention_for("MAXQDA 2022") == "codepoints"
    assert convention_for("") == "codepoints"
    text_map = TextMap("a😀\r\nb", "utf16")
    assert text_map.text == "a😀\nb"
    assert [text_map.to_codepoints(p) for p in range(7)] == [0, 1, None, 2, 2, 3, 4]


def _selections(data: bytes) -> list[tuple[str, int, int, str]]:
    """(source guid, start, end, covered text) of an exported .qdpx, in order."""
    from storybank.interop.qdpx_parse import read_project
    from storybank.interop.zipsafe import SafeZip

    project = read_project(SafeZip(data, 10**8))
    return sorted((s.guid, sel.start, sel.end, s.text[sel.start:sel.end]) for s in project.sources
                  for sel in s.selections)


@pytest.mark.parametrize("kind", sorted(ORIGINS))
def test_selections_cover_the_intended_text_and_survive_a_round_trip(app, make_user, kind, tmp_path,
                                                                     sqlite_template, postgres_url):
    researcher = make_user("researcher")
    code_guid = str(uuid.uuid4())
    data, phrases = convention_file(kind, code_guid)
    project = import_qdpx(researcher, data)
    tx.commit()
    assert project.counts["stories"] == 1 and project.counts["codings"] == len(phrases)
    codings = db.session.scalars(select(Coding).order_by(Coding.start)).all()
    text = db.session.get(Story, codings[0].story_id).current_revision.body
    assert text == TEXT  # no BOM, LF line breaks
    assert sorted(text[c.start:c.end] for c in codings) == sorted(phrases)
    assert db.session.scalar(select(Code.guid).where(Code.name == "Waiting")) == code_guid
    assert _selections(export_qdpx(researcher)) == []  # no consent recorded yet: not exported
    give_research_consent(researcher, make_user("storyteller"), [codings[0].story_id])
    first = export_qdpx(researcher)
    assert sorted(t for *_, t in _selections(first)) == sorted(phrases)
    # Into another installation, and out again: the same selections on the same source GUIDs.
    other = make_app("sqlite", tmp_path / "other", sqlite_template, postgres_url)
    with other.app_context():
        second_researcher = create_user(None, "other@example.org", PASSWORD, ["researcher"], "Other")
        teller = create_user(None, "teller@example.org", PASSWORD, ["storyteller"], "Teller")
        import_qdpx(second_researcher, first)
        tx.commit()
        give_research_consent(second_researcher, teller, db.session.scalars(select(Story.id)).all())
        second = export_qdpx(second_researcher)
        db.session.remove()
        db.engine.dispose()
    assert _selections(second) == _selections(first)
    assert db.session.scalar(select(Code.guid).where(Code.name == "Waiting")) == code_guid


def test_a_selection_inside_an_emoji_or_past_the_end_is_refused(app, make_user):
    researcher = make_user("researcher")
    code = str(uuid.uuid4())
    raw = "ab😀cd"
    for start, end, origin, message in ((3, 5, "NVivo 14", "starts at position 3, inside a character"),
                                        (1, 3, "NVivo 14", "ends at position 3, inside a character"),
                                        (0, 99, "QualCoder", "outside its text")):
        source = {"guid": str(uuid.uuid4()), "name": "s.txt", "data": raw.encode(),
                  "selections": [(str(uuid.uuid4()), start, end, code)]}
        with pytest.raises(Exception) as err:
            import_qdpx(researcher, make_qdpx(origin, [source], [(code, "C")]))
        assert message in str(err.value) and "s.txt" in str(err.value)
        tx.rollback()
    assert db.session.scalar(select(Code.id)) is None


@pytest.mark.parametrize("target,kind", [("standard", "standard"), ("nvivo", "nvivo"), ("maxqda", "maxqda"),
                                         ("atlasti", "atlas")])
def test_exports_for_a_tool_count_its_way_and_read_back(app, make_user, make_story, target, kind, tmp_path,
                                                        sqlite_template, postgres_url):
    from storybank.coding.codebook import create_code
    from storybank.coding.codings import apply_coding
    from storybank.interop.qdpx_parse import read_project
    from storybank.interop.zipsafe import SafeZip

    researcher = make_user("researcher")
    story = make_story(body=TEXT)
    code = create_code(researcher, "Waiting")
    tx.commit()
    for phrase in PHRASES:
        at = TEXT.index(phrase)
        apply_coding(researcher, story.id, code.id, at, at + len(phrase))
    tx.commit()
    data = export_qdpx(researcher, target=target)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        raw = next(archive.read(n).decode() for n in archive.namelist() if n.startswith("sources/"))
        qde = archive.read("project.qde").decode()
    assert ("\r\n" in raw) == (target in ("nvivo", "maxqda"))
    found = sorted((int(s), int(e)) for s, e in re.findall(r'startPosition="(\d+)" endPosition="(\d+)"', qde))
    wanted = sorted((position(raw, raw.index(p), kind), position(raw, raw.index(p) + len(p), kind))
                    for p in PHRASES)
    assert found == wanted
    # storybank reads its own file back the same way, by the tool named in the origin.
    project = read_project(SafeZip(data, 10**8))
    assert sorted(s.text[x.start:x.end] for s in project.sources for x in s.selections) == sorted(PHRASES)
    other = make_app("sqlite", tmp_path / "other", sqlite_template, postgres_url)
    with other.app_context():
        import_qdpx(create_user(None, "other@example.org", PASSWORD, ["researcher"], "Other"), data)
        tx.commit()
        body = db.session.scalar(select(Story)).current_revision.body
        covered = sorted(body[c.start:c.end] for c in db.session.scalars(select(Coding)))
        db.session.remove()
        db.engine.dispose()
    assert body == TEXT and covered == sorted(PHRASES)
