"""REFI-QDA imports that never lose work: every path form, colleagues' codings, long and empty sources.

Every file here is built in the test, the way the tool named in its origin writes it.
"""
from __future__ import annotations

import io
import re
import uuid
import zipfile

import pytest
from sqlalchemy import func, select
from test_refi_import import counts
from test_refi_offsets import make_qdpx

from storybank import tx
from storybank.accounts.models import User
from storybank.archive.models import Story
from storybank.coding.models import Coding
from storybank.errors import InvalidInput
from storybank.extensions import db
from storybank.interop.qdpx_import import import_qdpx

TALK = "We waited weeks for a call back. Then a peer worker rang and listened."


def rewrite(data: bytes, old: str, new: str, rename: dict[str, str] | None = None) -> bytes:
    """The same .qdpx with `old` replaced by `new` in project.qde and members renamed (another tool's habits)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            if name.endswith(".qde"):
                content = content.decode().replace(old, new).encode()
            target.writestr((rename or {}).get(name, name), content)
    return out.getvalue()


def one_source(guid: str, code: str, text: str = TALK, user: str | None = None,
               spans: tuple[tuple[int, int], ...] = ((0, 9), (40, 51))) -> dict:
    return {"guid": guid, "name": "talk.txt", "data": text.encode(),
            "selections": [(str(uuid.uuid4()), s, e, code, user) for s, e in spans]}


@pytest.mark.parametrize("path,member", [
    ("{g}.txt", "sources/{g}.txt"),                        # QualCoder-style: no scheme
    ("/{g}.txt", "sources/{g}.txt"),
    ("sources/{g}.txt", "sources/{g}.txt"),
    ("internal:///{g}.txt", "sources/{g}.txt"),
    ("internal://Sources/{g}.txt", "Sources/{g}.txt"),
    ("internal://Talk%20one%20%C3%A9.txt", "sources/Talk one é.txt"),  # URL-encoded name
    ("sources\\{g}.txt", "sources/{g}.txt"),              # Windows separators
    ("relative:///{g}.txt", "sources/{g}.txt"),            # beside the file, yet shipped inside it
    ("absolute://C:\\Users\\ana\\Documents\\{g}.txt", "sources/{g}.txt"),
    ("file:///home/ana/project/{g}.txt", "{g}.txt"),
])
def test_every_path_form_finds_the_text_in_the_zip(app, make_user, path, member):
    researcher = make_user("researcher")
    code, source = str(uuid.uuid4()), str(uuid.uuid4())
    data = make_qdpx("QualCoder 3.5", [one_source(source, code)], [(code, "Waiting")])
    data = rewrite(data, f"internal://{source}.txt", path.format(g=source),
                   {f"sources/{source}.txt": member.format(g=source)})
    project = import_qdpx(researcher, data)
    tx.commit()
    assert (project.counts["stories"], project.counts["codings"], project.counts["codings_in_file"]) == (1, 2, 2)
    body = db.session.scalar(select(Story)).current_revision.body
    assert sorted(body[c.start:c.end] for c in db.session.scalars(select(Coding))) == ["We waited", "peer worker"]


def test_a_path_climbing_out_of_the_file_is_refused_as_unsafe(app, make_user):
    researcher = make_user("researcher")
    code, source = str(uuid.uuid4()), str(uuid.uuid4())
    before = counts()
    for path in ("internal://../../etc/passwd", "relative://..\\secrets.txt", "internal://%2E%2E/x.txt"):
        data = rewrite(make_qdpx("QualCoder", [one_source(source, code)], [(code, "C")]),
                       f"internal://{source}.txt", path)
        with pytest.raises(InvalidInput, match="unsafe path") as err:
            import_qdpx(researcher, data)
        tx.rollback()
        assert "talk.txt" in err.value.message and "missing" not in err.value.message
        assert counts() == before


def test_an_empty_source_is_skipped_and_counted_not_fatal(app, make_user):
    researcher = make_user("researcher")
    codes = [(str(uuid.uuid4()), f"Code {i}") for i in range(262)]
    empty, full = str(uuid.uuid4()), str(uuid.uuid4())
    sources = [{"guid": empty, "name": "blank.txt", "data": b"\xef\xbb\xbf \r\n",
                "selections": [(str(uuid.uuid4()), 0, 1, codes[0][0])]}, one_source(full, codes[1][0])]
    project = import_qdpx(researcher, make_qdpx("NVivo 14 (Mac)", sources, codes))
    tx.commit()
    assert project.counts["codes_new"] == 262 and project.counts["stories"] == 1 and project.counts["codings"] == 2
    assert project.counts["skipped: empty text sources"] == 1
    assert project.counts["skipped: selections on empty sources"] == 1


def test_duplicate_guids_say_which_and_import_nothing(app, make_user):
    researcher = make_user("researcher")
    code, a, b = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    second = dict(one_source(b, code), name="other.txt")
    twice = make_qdpx("QualCoder", [one_source(a, code), second], [(code, "C")])
    sources = rewrite(twice, f'guid="{b}"', f'guid="{a}"')
    selection = str(uuid.uuid4())
    selections = make_qdpx("QualCoder", [{"guid": a, "name": "talk.txt", "data": TALK.encode(),
                                          "selections": [(selection, 0, 3, code), (selection, 4, 9, code)]}],
                           [(code, "C")])
    coding_guids = re.findall(r'<Coding guid="([^"]+)"', zipfile.ZipFile(io.BytesIO(twice)).read("project.qde")
                              .decode())
    codings = rewrite(twice, coding_guids[-1], coding_guids[0])
    before = counts()
    for data, message in ((sources, f"GUID {a} for two sources ('talk.txt' and 'other.txt')"),
                          (selections, f"GUID {selection} for two selections"),
                          (codings, f"GUID {coding_guids[0]} for two codings")):
        with pytest.raises(InvalidInput) as err:
            import_qdpx(researcher, data)
        tx.rollback()
        assert message in err.value.message
        assert counts() == before


def test_imports_have_their_own_length_limit_named_in_the_message(app, make_user):
    researcher = make_user("researcher")
    app.config["MAX_STORY_CHARS"] = 100  # the storyteller form's limit does not apply to imports
    code = str(uuid.uuid4())
    long_talk = " ".join([TALK] * 20)
    project = import_qdpx(researcher, make_qdpx("NVivo 14", [one_source(str(uuid.uuid4()), code, long_talk)],
                                                [(code, "C")]))
    tx.commit()
    assert project.counts["stories"] == 1 and len(db.session.scalar(select(Story)).current_revision.body) > 1000
    app.config["IMPORT_MAX_STORY_CHARS"] = 1000
    before = counts()
    with pytest.raises(InvalidInput) as err:
        import_qdpx(researcher, make_qdpx("NVivo 14", [one_source(str(uuid.uuid4()), code, long_talk)],
                                          [(code, "C")]))
    tx.rollback()
    assert f"{len(long_talk):,} characters long" in err.value.message and "1,000" in err.value.message
    assert "STORYBANK_IMPORT_MAX_STORY_CHARS" in err.value.message and counts() == before


def _coders(story_id: int) -> list[tuple[str, str]]:
    body = db.session.get(Story, story_id).current_revision.body
    return sorted((db.session.get(User, c.coder_id).display_name, body[c.start:c.end])
                  for c in db.session.scalars(select(Coding).where(Coding.story_id == story_id)))


def test_a_colleagues_coding_of_the_same_sources_joins_the_existing_stories(app, make_user):
    researcher, stranger = make_user("researcher"), make_user("researcher")
    code, source, ana, ben = (str(uuid.uuid4()) for _ in range(4))
    mine = make_qdpx("QualCoder", [one_source(source, code, user=ana)], [(code, "Waiting")],
                     users=[(ana, "Ana")])
    import_qdpx(researcher, mine)
    tx.commit()
    story_id = db.session.scalar(select(Story.id))
    # Ben coded the same source (same GUID) in his copy, whose text gained a heading since: his
    # positions are shifted, and one selection covers words the story here does not have.
    his_text = "Interview 3\n" + TALK + " The end."
    spans = ((12, 21), (52, 63), (his_text.index("The end."), len(his_text)))
    his = make_qdpx("QualCoder", [one_source(source, code, his_text, ben, spans)], [(code, "Waiting")],
                    users=[(ben, "Ben")])
    project = import_qdpx(researcher, his)
    tx.commit()
    assert project.counts["stories"] == 0 and project.counts["already_present"] == 1
    assert project.counts["codings added to stories already here, by Ben"] == 2
    assert project.counts["skipped: codings by Ben whose words are no longer in the story"] == 1
    assert _coders(story_id) == [("Ana", "We waited"), ("Ana", "peer worker"), ("Ben", "We waited"),
                                 ("Ben", "peer worker")]
    again = import_qdpx(researcher, his)  # nothing twice
    tx.commit()
    assert again.counts["codings_already_present"] == 2 and len(_coders(story_id)) == 4
    # A researcher who may not read the story adds nothing to it and learns nothing about it.
    theirs = import_qdpx(stranger, his)
    tx.commit()
    assert len(_coders(story_id)) == 4 and not any(k.startswith("codings added") for k in theirs.counts)


def test_cli_import_of_none_of_the_codings_does_not_exit_0(app, make_user, tmp_path):
    researcher = make_user("researcher")
    code, source = str(uuid.uuid4()), str(uuid.uuid4())
    lost = rewrite(make_qdpx("QualCoder", [one_source(source, code)], [(code, "C")]),
                   f"internal://{source}.txt", "internal://elsewhere.txt")
    path = tmp_path / "lost.qdpx"
    path.write_bytes(lost)
    result = app.test_cli_runner().invoke(args=["import-qdpx", str(path), "--as", researcher.email])
    assert result.exit_code == 2 and "0 of the file's 2 codings were imported" in result.output
    assert "text sources without their text: 1" in result.output
    assert db.session.scalar(select(func.count()).select_from(Coding)) == 0


def test_the_project_page_exports_the_researchers_own_material(app, login_as, make_user):
    from conftest import csrf_token

    page, researcher = login_as("researcher")
    code, source = str(uuid.uuid4()), str(uuid.uuid4())
    project = import_qdpx(researcher, make_qdpx("QualCoder", [one_source(source, code)], [(code, "Waiting")]))
    tx.commit()
    shown = page.get(f"/exchange/imports/{project.id}").get_data(as_text=True)
    assert "Export this project (.qdpx)" in shown
    token = csrf_token(page, f"/exchange/imports/{project.id}")
    answer = page.post(f"/exchange/imports/{project.id}/project.qdpx", data={"csrf_token": token})
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(answer.data)) as archive:
        assert archive.read(f"sources/{source}.txt").decode() == TALK  # the file's own GUID goes back out
        assert archive.read("project.qde").decode().count("<Coding ") == 2
    assert page.post(f"/exchange/imports/{project.id}/project.qdpx").status_code == 400  # no CSRF token
    other, _ = login_as("researcher")
    token = csrf_token(other, "/exchange/")
    assert other.post(f"/exchange/imports/{project.id}/project.qdpx", data={"csrf_token": token}).status_code == 200
    with zipfile.ZipFile(io.BytesIO(other.post(f"/exchange/imports/{project.id}/project.qdpx",
                                               data={"csrf_token": token}).data)) as archive:
        assert all(not n.startswith("sources/") for n in archive.namelist())  # not theirs to read


def test_cli_exports_an_imports_own_material(app, make_user, tmp_path):
    researcher = make_user("researcher")
    code, source = str(uuid.uuid4()), str(uuid.uuid4())
    project = import_qdpx(researcher, make_qdpx("QualCoder", [one_source(source, code)], [(code, "Waiting")]))
    tx.commit()
    runner = app.test_cli_runner()
    out = tmp_path / "mine.qdpx"
    result = runner.invoke(args=["export", "qdpx", str(out), "--import", str(project.id), "--as", researcher.email])
    assert result.exit_code == 0, result.output
    assert zipfile.ZipFile(out).read(f"sources/{source}.txt").decode() == TALK
    assert runner.invoke(args=["export", "qdpx", str(out), "--import", str(project.id)]).exit_code == 1
    missing = runner.invoke(args=["export", "qdpx", str(out), "--import", "987654", "--as", researcher.email])
    assert missing.exit_code == 1 and "import #987654" in missing.output


def test_the_page_says_so_when_none_of_the_codings_arrived(app, login_as):
    from conftest import csrf_token

    page, _ = login_as("researcher")
    code, source = str(uuid.uuid4()), str(uuid.uuid4())
    lost = rewrite(make_qdpx("QualCoder", [one_source(source, code)], [(code, "C")]),
                   f"internal://{source}.txt", "internal://elsewhere.txt")
    token = csrf_token(page, "/exchange/")
    answer = page.post("/exchange/import/project", data={"csrf_token": token, "file": (io.BytesIO(lost), "l.qdpx")},
                       follow_redirects=True)
    shown = answer.get_data(as_text=True)
    assert "None of the file&#39;s 2 codings arrived" in shown and "text sources without their text" in shown
