"""The Exchange page: downloads, the codebook preview and confirm, a project upload and its project space."""
from __future__ import annotations

import io
import re
import uuid
import zipfile

from conftest import csrf_token, sign_in
from sqlalchemy import func, select
from test_refi_offsets import SHARED, make_qdpx

from storybank import tx
from storybank.archive.models import Story
from storybank.coding.codebook import create_code
from storybank.coding.models import Code, Coding
from storybank.extensions import db
from storybank.interop.models import ImportProject


def hand_authored_qdpx() -> bytes:
    folder = SHARED / "samples" / "hand-authored"
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.write(folder / "project.qde", "project.qde")
        for path in (folder / "sources").iterdir():
            archive.write(path, f"sources/{path.name}")
    return data.getvalue()


def test_only_researchers_reach_the_page_and_it_warns_about_copies(app, login_as, make_story):
    page, _ = login_as("researcher")
    make_story(consent={"research": True, "workshop": False, "publication": False})
    html = page.get("/exchange/").get_data(as_text=True)
    assert "1 story you may read for research" in html
    assert "cannot reach files already handed out" in html
    assert 'href="/exchange/"' in html  # the nav link
    for role in ("storyteller", "host", "admin"):
        client, _ = login_as(role)
        assert client.get("/exchange/").status_code == 404
        token = csrf_token(client, "/login")
        assert client.post("/exchange/export/project.qdpx", data={"csrf_token": token}).status_code == 404


def test_downloads(app, login_as, make_story):
    page, researcher = login_as("researcher")
    story = make_story(body="Words to export")
    code = create_code(researcher, "Waiting")
    tx.commit()
    from storybank.coding.codings import apply_coding

    apply_coding(researcher, story.id, code.id, 0, 5)
    tx.commit()
    token = csrf_token(page, "/exchange/")
    assert page.get("/exchange/export/project.qdpx").status_code == 405
    assert page.post("/exchange/export/project.qdpx").status_code == 400  # no CSRF token: no export
    response = page.post("/exchange/export/project.qdpx", data={"csrf_token": token})
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"] and response.headers["Cache-Control"] == "no-store"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert "Words to export" in "".join(archive.read(n).decode() for n in archive.namelist())
    nvivo = page.post("/exchange/export/project.qdpx", data={"csrf_token": token, "target": "nvivo"})
    assert "storybank-for-nvivo.qdpx" in nvivo.headers["Content-Disposition"]
    bogus = page.post("/exchange/export/project.qdpx", data={"csrf_token": token, "target": "word"})
    assert bogus.status_code == 400 and "Unknown target tool" in bogus.get_data(as_text=True)
    assert b'name="Waiting"' in page.post("/exchange/export/codebook.qdc", data={"csrf_token": token}).data
    with zipfile.ZipFile(io.BytesIO(page.post("/exchange/export/stories-markdown.zip", data={"csrf_token": token}).data)) as archive:
        [name] = archive.namelist()
        assert name.startswith("stories/storybank-") and archive.read(name).decode().endswith("Words to export")
    rows = page.post("/exchange/export/codings.csv", data={"csrf_token": token}).get_data(as_text=True).splitlines()
    assert rows[0].startswith("story_id,code,code_path,coder") and f"{story.id},Waiting,Waiting," in rows[1]
    assert ",0,5,Words," in rows[1]


def test_codebook_upload_previews_then_imports_on_confirm(app, login_as):
    page, researcher = login_as("researcher")
    create_code(researcher, "Waiting", colour="#112233")
    tx.commit()
    qdc = (f'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="{uuid.uuid4()}" name="Waiting" '
           f'isCodable="true" color="#445566"/><Code guid="{uuid.uuid4()}" name="Hope" isCodable="true"/>'
           '</Codes></CodeBook>').encode()
    token = csrf_token(page, "/exchange/")
    preview = page.post("/exchange/import/codebook", data={"csrf_token": token,
                                                           "file": (io.BytesIO(qdc), "theirs.qdc")})
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "1 new code, 0 matched by GUID, 1 matched by name" in html
    assert "colour: #112233 → #445566" in html
    assert db.session.scalar(select(func.count()).select_from(Code)) == 1  # nothing yet
    payload = re.search(r'name="payload" value="([^"]+)"', html).group(1)
    done = page.post("/exchange/import/codebook/confirm", data={"csrf_token": token, "payload": payload},
                     follow_redirects=True)
    assert "Codebook merged: 1 new code, 0 matched by GUID, 1 by name, 1 changed." in done.get_data(as_text=True)
    assert sorted(db.session.scalars(select(Code.name))) == ["Hope", "Waiting"]
    bad = page.post("/exchange/import/codebook", data={"csrf_token": token,
                                                       "file": (io.BytesIO(b"<CodeBook"), "broken.qdc")})
    assert bad.status_code == 400 and "not valid XML" in bad.get_data(as_text=True)


def test_project_upload_makes_a_project_space_only_its_importer_reads(app, login_as, make_user):
    page, researcher = login_as("researcher")
    token = csrf_token(page, "/exchange/")
    response = page.post("/exchange/import/project", data={"csrf_token": token,
                                                           "file": (io.BytesIO(hand_authored_qdpx()), "study.qdpx")})
    assert response.status_code == 302
    html = page.get(response.location).get_data(as_text=True)
    assert "Imported project: Sample Study" in html and "Interview 1.txt" in html and "Make a claim link" in html
    story = db.session.scalar(select(Story))
    assert page.get(f"/stories/{story.id}").status_code == 200
    other = sign_in(app.test_client(), make_user("researcher"))
    other_html = other.get(response.location).get_data(as_text=True)
    assert "Sample Study" in other_html and "Interview 1.txt" not in other_html
    assert other.get(f"/stories/{story.id}").status_code == 404
    # The claim link from the project page hands the story to its teller, who then records consent.
    claim = page.post(f"/research/stories/{story.id}/claim-link", data={"csrf_token": token})
    assert claim.status_code == 200 and "/claim/" in claim.get_data(as_text=True)


def test_a_bad_upload_shows_the_problem_and_imports_nothing(app, login_as):
    page, _ = login_as("researcher")
    token = csrf_token(page, "/exchange/")
    code = str(uuid.uuid4())
    outside = make_qdpx("NVivo 14", [{"guid": str(uuid.uuid4()), "name": "talk.txt", "data": b"short",
                                      "selections": [(str(uuid.uuid4()), 0, 99, code)]}], [(code, "Talk")])
    for data, name, message in ((b"plain text", "x.qdpx", "not a ZIP archive"),
                                (outside, "y.qdpx", "outside its text"),
                                (outside, "y.zip", "is not a .qdpx file")):
        response = page.post("/exchange/import/project", data={"csrf_token": token,
                                                               "file": (io.BytesIO(data), name)})
        html = response.get_data(as_text=True)
        assert response.status_code == 400 and message in html and "Nothing was imported" in html
        assert "Nothing imported yet." in html
    assert db.session.scalar(select(func.count()).select_from(ImportProject)) == 0
    assert db.session.scalar(select(func.count()).select_from(Code)) == 0
    assert db.session.scalar(select(func.count()).select_from(Coding)) == 0


def test_page_uploads_are_limited_by_the_upload_size(app, login_as):
    page, _ = login_as("researcher")
    token = csrf_token(page, "/exchange/")
    app.config["MAX_CONTENT_LENGTH"] = 2000
    response = page.post("/exchange/import/project", data={"csrf_token": token,
                                                           "file": (io.BytesIO(b"x" * 5000), "big.qdpx")})
    assert response.status_code == 413
    assert db.session.scalar(select(func.count()).select_from(ImportProject)) == 0
