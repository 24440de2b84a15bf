"""REFI-QDA imports: the real files other tools wrote, codebook merges, and bad files that change nothing."""
from __future__ import annotations

import io
import struct
import uuid
import zipfile
import zlib
from pathlib import Path

import pytest
from sqlalchemy import func, select
from test_refi_offsets import SHARED, make_qdpx

from storybank import policy, tx
from storybank.accounts.models import User
from storybank.archive.models import Story
from storybank.coding.codebook import create_code
from storybank.coding.models import Code, Coding, Memo
from storybank.errors import InvalidInput, NotFound
from storybank.extensions import db
from storybank.interop.models import ImportProject
from storybank.interop.qdc import export_qdc, import_qdc, preview_qdc
from storybank.interop.qdpx_import import import_qdpx

SAMPLES = SHARED / "samples"


def counts() -> tuple[int, ...]:
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Story, Code, Coding, Memo,
                                                                                   ImportProject, User))


def test_atlasti_standard_project_brings_its_codes_and_says_what_it_could_not_bring(app, make_user):
    researcher = make_user("researcher")
    project = import_qdpx(researcher, SAMPLES / "atlasti-8.4-standard-project.qdpx")  # inner file: Project.qde
    tx.commit()
    assert project.name == "ATLAS.ti standard project" and project.convention == "crlf1"
    names = set(db.session.scalars(select(Code.name)))
    assert {"happiness", "Coke::diet Coke", "cornflakes", '"rushed"'} <= names and len(names) == 14
    cornflakes = db.session.scalar(select(Code).where(Code.name == "cornflakes"))
    assert cornflakes.guid == "ae6d04ce-d987-4fc8-af97-d72ca6ffd08f"
    assert cornflakes.colour == "#dc0000" and cornflakes.definition == "breakfast cereal made by Kellogg’s"
    assert project.counts["skipped: text sources without their text"] == 6  # the sample carries no texts
    assert project.counts["skipped: picture, PDF, audio and video sources"] == 6
    assert project.counts["stories"] == 0
    again = import_qdpx(researcher, SAMPLES / "atlasti-8.4-standard-project.qdpx")
    tx.commit()
    assert again.counts["codes_new"] == 0 and again.counts["codes_matched"] == 14  # no duplicate codes


def test_atlasti_23_nested_codes_and_blank_project(app, make_user):
    researcher = make_user("researcher")
    import_qdpx(researcher, SAMPLES / "atlasti-23.2-blank.qdpx")
    project = import_qdpx(researcher, SAMPLES / "atlasti-23.2-nested-codes.qdpx")
    tx.commit()
    assert project.counts["codes_new"] == 3
    parent = db.session.scalar(select(Code).where(Code.name == "Commits"))
    assert sorted(c.name for c in parent.children) == ["2022-02-11T10:39:25Z cdbfd92", "2022-05-10T02:05:59Z 19e4dce"]
    # The file's GUIDs go back out, so ATLAS.ti re-importing our codebook updates rather than duplicates.
    assert "a182cd3a-d83c-4d8c-bc80-26d9103ec6d6" in export_qdc(researcher).decode()


def test_hand_authored_project_with_every_element_type(app, make_user, tmp_path):
    researcher, other = make_user("researcher"), make_user("researcher")
    folder = SAMPLES / "hand-authored"
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:  # as a .qdpx, with the Sources/ folder ATLAS.ti writes
        archive.write(folder / "project.qde", "project.qde")
        for path in (folder / "sources").iterdir():
            archive.write(path, f"Sources/{path.name}")
    project = import_qdpx(researcher, data.getvalue())
    tx.commit()
    story = db.session.scalar(select(Story))
    text = story.current_revision.body
    assert text == (folder / "sources" / "11111111-1111-1111-1111-111111111111.txt").read_text()
    codings = db.session.scalars(select(Coding).order_by(Coding.start)).all()
    assert [(c.code.name, text[c.start:c.end]) for c in codings] == [("Health", "Diet and health"),
                                                                     ("Diet", "health are clo")]
    coder = db.session.get(User, codings[0].coder_id)
    assert coder.display_name == "Researcher A" and coder.roles == set() and coder.password_hash == "!"
    memo = db.session.scalar(select(Memo))
    assert memo.text == "Remember to follow up on diet-related comments." and memo.coding_id == codings[0].id
    assert project.counts["skipped: picture, PDF, audio and video sources"] == 4
    assert project.counts["skipped: sets"] == 1
    assert project.counts["skipped: variables other than story attributes"] == 2  # Age, Consented
    # Entered on the tellers' behalf with no consent: only the importing researcher can read it.
    assert story.entered_by_id == researcher.id and story.teller_id is None
    assert story.current_consent.scopes() == {"research": False, "workshop": False, "publication": False}
    assert policy.get_story(researcher, story.id).id == story.id
    with pytest.raises(NotFound):
        policy.get_story(other, story.id)
    # The folder itself imports too (nothing twice: the source is already here).
    again = import_qdpx(researcher, folder)
    assert again.counts["stories"] == 0 and again.counts["already_present"] == 1


def test_codebook_round_trip_preview_and_merge(app, make_user):
    researcher = make_user("researcher")
    waiting = create_code(researcher, "Waiting", definition="Time before help.", colour="#112233")
    tx.commit()
    data = export_qdc(researcher)
    steps, _ = preview_qdc(researcher, data)
    assert [(s.action, s.changes) for s in steps] == [("guid", [])]
    edited = (data.decode().replace("#112233", "#abcdef").replace("Time before help.", "Time spent waiting.")
              .replace("</Codes>", f'<Code guid="{uuid.uuid4()}" name="Hope" isCodable="true" color="#0f0"/></Codes>'))
    steps, _ = preview_qdc(researcher, edited.encode())
    assert [(s.action, s.code.name) for s in steps] == [("guid", "Waiting"), ("new", "Hope")]
    assert steps[0].changes == ["definition", "colour: #112233 → #abcdef"]
    assert db.session.get(Code, waiting.id).colour == "#112233"  # a preview changes nothing
    result = import_qdc(researcher, edited.encode())
    tx.commit()
    assert result["new"] == 1 and result["changed"] == 1
    code = db.session.get(Code, waiting.id)
    assert (code.colour, code.definition) == ("#abcdef", "Time spent waiting.")
    assert db.session.scalar(select(Code.colour).where(Code.name == "Hope")) == "#00ff00"
    # A file from another tool: same name, another GUID: matched by name, and it keeps the file's GUID.
    foreign = str(uuid.uuid4())
    steps, _ = preview_qdc(researcher, f'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="{foreign}" '
                                       'name="waiting" isCodable="true"/></Codes></CodeBook>'.encode())
    assert [s.action for s in steps] == ["name"]


def _zip_with(member: str, size: int, stream: bytes) -> bytes:
    """A one-member deflated ZIP written by hand, so its header can declare any size."""
    name = member.encode()
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, 0, len(stream), size, len(name), 0) + name
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, 0, len(stream), size, len(name),
                          0, 0, 0, 0, 0, 0) + name
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), len(local) + len(stream), 0)
    return local + stream + central + end


def zip_bomb() -> bytes:
    """2 GiB of zeros in about 2 MB: 128 identical deflate blocks of 16 MiB."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = bytes(1 << 24)
    first = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeat = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    return _zip_with("project.qde", 1 << 31, first + repeat * 126 + compressor.flush())


def bad_files() -> dict[str, tuple[bytes, str]]:
    code, source = str(uuid.uuid4()), str(uuid.uuid4())
    outside = make_qdpx("QualCoder", [{"guid": source, "name": "talk.txt", "data": b"short text",
                                       "selections": [(str(uuid.uuid4()), 2, 40, code)]}], [(code, "C")])
    unknown_code = make_qdpx("QualCoder", [{"guid": source, "name": "talk.txt", "data": b"short text",
                                            "selections": [(str(uuid.uuid4()), 0, 5, str(uuid.uuid4()))]}],
                             [(code, "C")])
    no_qde = io.BytesIO()
    with zipfile.ZipFile(no_qde, "w") as archive:
        archive.writestr("sources/a.txt", "text")
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("project.qde", "<Project name='x'><Users></Project>")
    traversal = io.BytesIO()
    with zipfile.ZipFile(traversal, "w") as archive:
        archive.writestr("project.qde", "<Project xmlns='urn:QDA-XML:project:1.0' name='x'/>")
        archive.writestr("../../evil.txt", "x")
    lying = _zip_with("project.qde", 1000, zlib.compress(bytes(50_000))[2:-4])
    return {
        "not a zip": (b"PK but not really a zip file", "not a ZIP archive"),
        "no qde": (no_qde.getvalue(), "no project.qde"),
        "invalid xml": (broken.getvalue(), "not valid XML"),
        "outside": (outside, "outside its text"),
        "unknown code": (unknown_code, "not in the file's codebook"),
        "traversal": (traversal.getvalue(), "unsafe path"),
        "2 GB bomb": (zip_bomb(), "looks like a ZIP bomb"),
        "lying header": (lying, "damaged"),
    }


def test_bad_files_say_what_is_wrong_and_import_nothing(app, make_user):
    researcher = make_user("researcher")
    create_code(researcher, "C")
    tx.commit()
    before = counts()
    for label, (data, message) in bad_files().items():
        with pytest.raises(InvalidInput) as err:
            import_qdpx(researcher, data)
        tx.rollback()
        assert message in err.value.message, label
        assert counts() == before, label


def test_the_cap_is_configurable(app, make_user):
    app.config["IMPORT_MAX_BYTES"] = 1000
    code, source = str(uuid.uuid4()), str(uuid.uuid4())
    data = make_qdpx("QualCoder", [{"guid": source, "name": "long.txt", "data": b"words " * 400,
                                    "selections": []}], [(code, "C")])
    with pytest.raises(InvalidInput, match="STORYBANK_IMPORT_MAX_BYTES"):
        import_qdpx(make_user("researcher"), data)


def test_cli_import_and_export(app, make_user, tmp_path: Path):
    researcher = make_user("researcher")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import-qdpx", str(SAMPLES / "atlasti-23.2-nested-codes.qdpx"), "--as",
                                 researcher.email])
    assert result.exit_code == 0, result.output
    assert "codes new: 3" in result.output
    bad = tmp_path / "bad.qdpx"
    bad.write_bytes(b"not a zip")
    result = runner.invoke(args=["import-qdpx", str(bad), "--as", researcher.email])
    assert result.exit_code == 1 and "not a ZIP archive" in result.output and "Nothing was imported" in result.output
    assert runner.invoke(args=["import-qdpx", str(bad)]).exit_code == 1  # --as is required to import
    for args in (["export", "qdpx", str(tmp_path / "a.qdpx")], ["export", "qdc", str(tmp_path / "a.qdc"),
                                                                "--as", researcher.email]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
    assert zipfile.ZipFile(tmp_path / "a.qdpx").namelist() == ["project.qde"]
    assert b"Commits" in (tmp_path / "a.qdc").read_bytes()


def test_a_withdrawn_imported_story_never_comes_back_and_leaves_no_words(app, make_user):
    from storybank.archive.claims import claim_story, create_claim_link
    from storybank.archive.withdrawal import withdraw_story
    from storybank.interop.models import ImportedSource

    researcher, teller = make_user("researcher"), make_user("storyteller")
    code, source = str(uuid.uuid4()), str(uuid.uuid4())
    data = make_qdpx("NVivo 14", [{"guid": source, "name": "Withdrawn talk.txt", "data": b"SECRET words here",
                                   "selections": [(str(uuid.uuid4()), 0, 6, code, None, [])]}], [(code, "Talk")])
    import_qdpx(researcher, data)
    tx.commit()
    story = db.session.scalar(select(Story))
    _, token = create_claim_link(researcher, story.id)
    claim_story(teller, token)
    withdraw_story(teller, story.id)
    tx.commit()
    assert db.session.scalar(select(func.count()).select_from(Coding)) == 0
    assert db.session.get(ImportedSource, story.id).guid == source  # a GUID, no words: it stops a re-import
    again = import_qdpx(researcher, data)
    tx.commit()
    assert again.counts["stories"] == 0 and again.counts["already_present"] == 1
    assert db.session.scalar(select(func.count()).select_from(Story)) == 1


def test_notes_and_selection_comments_become_memos_by_their_authors(app, make_user):
    researcher = make_user("researcher")
    code, source, user, note = (str(uuid.uuid4()) for _ in range(4))
    data = make_qdpx("ATLAS.ti 23.2", [{"guid": source, "name": "talk.txt", "data": b"We waited for weeks.",
                                        "selections": [(str(uuid.uuid4()), 3, 9, code, user, [note],
                                                        "Why so long?")]}],
                     [(code, "Waiting")], users=[(user, "Coder B")], notes=[(note, "Memo", "Check the dates")])
    project = import_qdpx(researcher, data)
    tx.commit()
    coding = db.session.scalar(select(Coding))
    memos = db.session.scalars(select(Memo).order_by(Memo.id)).all()
    assert [(m.text, m.coding_id) for m in memos] == [("Check the dates", coding.id), ("Why so long?", coding.id)]
    coder = db.session.get(User, coding.coder_id)
    # The note names no author, so the importing researcher wrote it; the comment is its selection's coder's.
    assert coder.display_name == "Coder B" and [m.author_id for m in memos] == [researcher.id, coder.id]
    assert project.counts["memos"] == 2 and project.counts["coders_created"] == 1


def test_our_own_export_imported_again_duplicates_nothing(app, make_user, make_story):
    from storybank.coding.codings import apply_coding
    from storybank.interop.qdpx_export import export_qdpx

    researcher = make_user("researcher")
    story = make_story(body="Our own words, exported and brought back.")
    code = create_code(researcher, "Ours")
    tx.commit()
    apply_coding(researcher, story.id, code.id, 0, 8)
    tx.commit()
    before = counts()
    project = import_qdpx(researcher, export_qdpx(researcher))
    tx.commit()
    assert (project.counts["stories"], project.counts["already_present"], project.counts["codes_new"],
            project.counts["codes_matched"], project.counts["coders_created"]) == (0, 1, 0, 1, 0)
    assert counts()[:4] == before[:4]  # no new story, code, coding or memo


def test_coders_are_matched_by_guid_then_by_name_never_when_nameless(app, make_user):
    researcher = make_user("researcher", name="Rosa")

    def project(users: list[tuple[str, str]]) -> bytes:
        code = str(uuid.uuid4())
        selections = [(str(uuid.uuid4()), i, i + 2, code, guid) for i, (guid, _name) in enumerate(users)]
        return make_qdpx("ATLAS.ti 23.2", [{"guid": str(uuid.uuid4()), "name": "s.txt", "data": b"abcdefgh",
                                            "selections": selections}], [(code, "C")], users=users)

    first = import_qdpx(researcher, project([(str(uuid.uuid4()), "Coder B"), (str(uuid.uuid4()), ""),
                                             (str(uuid.uuid4()), "")]))
    # ATLAS.ti changes GUIDs between exports: the same coder by name is the same account; "Rosa" is no proof.
    second = import_qdpx(researcher, project([(str(uuid.uuid4()), "Coder B"), (str(uuid.uuid4()), "Rosa")]))
    tx.commit()
    assert (first.counts["coders_created"], second.counts["coders_created"]) == (3, 1)
    names = sorted(db.session.scalars(select(User.display_name).where(User.password_hash == "!")))
    assert names == ["Coder B", "Imported coder", "Imported coder", "Rosa"]
