"""REFI-QDA exports: valid against the standard's schemas, only what consent allows, stable GUIDs."""
from __future__ import annotations

import io
import re
import zipfile
from functools import cache
from xml.etree import ElementTree

import xmlschema
from conftest import sign_in
from test_refi_offsets import SHARED

from storybank import tx
from storybank.archive.consent import change_consent
from storybank.archive.stories import enter_on_behalf
from storybank.archive.validation import StoryDraft
from storybank.archive.withdrawal import withdraw_story
from storybank.coding.codebook import create_code, install_starter
from storybank.coding.codings import apply_coding
from storybank.coding.memos import add_memo
from storybank.extensions import db
from storybank.interop.qdc import export_qdc
from storybank.interop.qdpx_export import export_qdpx

NS = {"p": "urn:QDA-XML:project:1.0", "c": "urn:QDA-XML:codebook:1.0"}


@cache
def schema(name: str) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SHARED / name))


def project_of(data: bytes) -> tuple[str, dict[str, str]]:
    """(project.qde as text, {member name: text}) of a .qdpx."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {n: archive.read(n).decode() for n in archive.namelist()}
    return members.pop("project.qde"), members


def coded_world(make_user, make_story) -> dict:
    """Two coders on a research story; withdrawn, narrowed, workshop-only and entered stories beside it."""
    teller = make_user("storyteller")
    r1 = make_user("researcher", name="Rosa Researcher")
    r2 = make_user("researcher", name="Ravi Researcher")
    shared = make_story(teller, title="Shared story", body="The peer worker 😀 listened to me.\nThen I waited.\n",
                        consent={"research": True, "workshop": False, "publication": False})
    gone = make_story(teller, title="GONE-TITLE", body="GONE-WORDS withdrawn later")
    narrowed = make_story(teller, title="NARROW-TITLE", body="NARROW-WORDS narrowed later")
    make_story(teller, title="WORKSHOP-TITLE", body="WORKSHOP-WORDS only",
               consent={"research": False, "workshop": True, "publication": False})
    entered = enter_on_behalf(r1, StoryDraft(title="ENTERED-TITLE", body="ENTERED-WORDS", kind="lived_experience",
                                             consent={}, collection_method="interview"))
    install_starter(r1)
    tx.commit()
    code = create_code(r1, "Being heard", definition="Someone listens.")
    coding = apply_coding(r1, shared.id, code.id, 4, 15)
    apply_coding(r2, shared.id, code.id, 4, 15)
    apply_coding(r2, shared.id, code.id)
    add_memo(r1, "Memo on the coding", coding_id=coding.id)
    add_memo(r2, "Memo on the story", story_id=shared.id)
    add_memo(r1, "Memo on the code", code_id=code.id)
    for story in (gone, narrowed):
        c = apply_coding(r1, story.id, code.id, 0, 5)
        add_memo(r1, f"MEMO-ON-{story.title}", coding_id=c.id)
    tx.commit()
    withdraw_story(teller, gone.id)
    change_consent(teller, narrowed.id, {"research": False})
    tx.commit()
    return {"r1": r1, "r2": r2, "teller": teller, "shared": shared, "code": code, "entered": entered}


def test_project_export_is_valid_and_holds_only_research_consented_stories(app, make_user, make_story):
    world = coded_world(make_user, make_story)
    qde, sources = project_of(export_qdpx(world["r1"]))
    schema("Project.xsd").validate(qde)
    everything = qde + "".join(sources.values())
    for word in ("GONE", "NARROW", "WORKSHOP", "ENTERED"):
        assert word not in everything
    root = ElementTree.fromstring(qde)
    text_sources = root.findall(".//p:TextSource", NS)
    assert [s.get("name") for s in text_sources] == ["Shared story"]
    assert list(sources.values()) == ["The peer worker 😀 listened to me.\nThen I waited.\n"]
    selection = root.find(".//p:PlainTextSelection", NS)
    assert (selection.get("startPosition"), selection.get("endPosition")) == ("4", "15")
    users = {u.get("guid"): u.get("name") for u in root.findall(".//p:User", NS)}
    coders = [users[c.get("creatingUser")] for c in selection.findall("p:Coding", NS)]
    assert coders == ["Rosa Researcher", "Ravi Researcher"]  # one selection, each coder's coding kept apart
    assert len(text_sources[0].findall("p:Coding", NS)) == 1  # the whole-story coding
    notes = sorted(n.find("p:PlainTextContent", NS).text for n in root.findall(".//p:Note", NS))
    assert notes == ["Memo on the code", "Memo on the coding", "Memo on the story"]
    variables = {v.get("name") for v in root.findall(".//p:Variable", NS)}
    assert variables == {"Kind", "Site", "Storyteller role", "Collection method", "Collected on", "Language"}
    case_values = [v.text for v in root.findall(".//p:Case/p:VariableValue/p:TextValue", NS)]
    assert "Lived experience" in case_values and "Salford" in case_values


def test_guids_are_stable_across_exports_and_codebook_validates(app, make_user, make_story):
    world = coded_world(make_user, make_story)
    guid = re.compile(r'(?:guid|GUID)="([0-9a-f-]{36})"')
    first, _ = project_of(export_qdpx(world["r1"]))
    second, _ = project_of(export_qdpx(world["r1"]))
    assert guid.findall(first) == guid.findall(second) and len(set(guid.findall(first))) > 30
    qdc = export_qdc(world["r1"]).decode()
    schema("Codebook.xsd").validate(qdc)
    assert 'name="Being heard"' in qdc and "Someone listens." in qdc
    # Same GUID for a code in the codebook file and in the project file.
    code_guid = re.search(r'<Code guid="([^"]+)" name="Being heard"', qdc).group(1)
    assert f'guid="{code_guid}" name="Being heard"' in first


def test_own_story_sets_are_exported_as_sets_of_their_exported_stories(app, make_user, make_story):
    from storybank.workshops.models import StorySet, StorySetItem

    world = coded_world(make_user, make_story)
    host_and_researcher, host = make_user("researcher", "host"), make_user("host")
    for owner, title in ((host_and_researcher, "Waiting"), (host, "HOST-ONLY-SET")):
        story_set = StorySet(host_id=owner.id, title=title, question="What does waiting do?")
        db.session.add(story_set)
        db.session.flush()
        db.session.add(StorySetItem(set_id=story_set.id, story_id=world["shared"].id, number=1, position=1))
        db.session.add(StorySetItem(set_id=story_set.id, story_id=world["entered"].id, number=2, position=2))
    tx.commit()
    qde, _ = project_of(export_qdpx(host_and_researcher))
    schema("Project.xsd").validate(qde)
    assert '<Set guid="' in qde and 'name="Waiting"' in qde and "HOST-ONLY-SET" not in qde
    assert qde.count("<MemberSource ") == 1  # the entered story is not in the export, so not in the set
    qde, _ = project_of(export_qdpx(world["r1"]))  # a researcher never reads hosts' sets
    assert "<Set " not in qde


def test_export_is_written_to_the_audit_log(app, make_user, make_story):
    from sqlalchemy import select

    from storybank.audit.models import AuditEvent

    world = coded_world(make_user, make_story)
    export_qdpx(world["r1"])
    tx.commit()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "exchange.exported"))
    assert event.actor_id == world["r1"].id and event.detail["stories"] == 1 and event.detail["format"] == "qdpx"
    # The teller sees the export on their story's page, by role, never by name.
    page = sign_in(app.test_client(), world["teller"]).get(f"/stories/{world['shared'].id}").get_data(as_text=True)
    assert "exported for analysis in another tool" in page and "Rosa Researcher" not in page


def test_story_attributes_travel_as_variables_to_another_installation(app, make_user, make_story, tmp_path,
                                                                      sqlite_template, postgres_url):
    from datetime import date

    from conftest import PASSWORD, make_app
    from sqlalchemy import select

    from storybank.accounts.services import create_user
    from storybank.archive.models import Story
    from storybank.interop.qdpx_import import import_qdpx

    researcher = make_user("researcher")
    story = make_story(kind="practitioner", site="Tameside & Glossop", title="Running the hub")
    row = db.session.get(Story, story.id)
    row.storyteller_role, row.collection_method, row.collected_on, row.language = (
        "Peer worker", "being-with", date(2024, 5, 14), "cy")
    tx.commit()
    data = export_qdpx(researcher)
    other = make_app("sqlite", tmp_path / "other", sqlite_template, postgres_url)
    with other.app_context():
        importer = create_user(None, "importer@example.org", PASSWORD, ["researcher"], "Importer")
        import_qdpx(importer, data)
        tx.commit()
        imported = db.session.scalar(select(Story))
        got = (imported.title, imported.kind, imported.site, imported.storyteller_role, imported.collection_method,
               imported.collected_on, imported.language)
        db.session.remove()
        db.engine.dispose()
    assert got == ("Running the hub", "practitioner", "Tameside & Glossop", "Peer worker", "being-with",
                   date(2024, 5, 14), "cy")
