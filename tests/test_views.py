"""The pages people use, through the test client."""
from __future__ import annotations

import io
import json
import re
import zipfile

from conftest import csrf_token
from sqlalchemy import select

from storybank.accounts.models import User
from storybank.archive.models import Story
from storybank.extensions import db


def test_telling_a_story_with_signifiers(app, login_as):
    client, teller = login_as("storyteller")
    page = client.get("/stories/new").get_data(as_text=True)
    assert "Consent form version 1" in page and "withdraw your story completely" in page
    token = csrf_token(client, "/stories/new")
    answer = client.post("/stories/new", data={
        "csrf_token": token, "title": "Eleven weeks", "body": "I *waited*.\n\nThen the hub.", "kind": "practitioner",
        "site": "Salford", "storyteller_role": "peer worker", "research": "y", "workshop": "y",
        "attribution": "anonymous", "about": ["waiting", "peer support"], "help_from": "community",
        "felt_heard": "4", "form_version": "1"})
    assert answer.status_code == 302
    story = db.session.scalar(select(Story).where(Story.teller_id == teller.id))
    assert story.signifiers == {"about": ["waiting", "peer support"], "help_from": "community", "felt_heard": 4}
    assert story.storyteller_role == "peer worker" and story.site == "Salford"
    shown = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "<em>waited</em>" in shown and "Workshop: <strong>yes</strong>" in shown


def test_live_preview_renders_sanitised_markdown(app, login_as):
    client, _ = login_as("storyteller")
    token = csrf_token(client, "/stories/new")
    answer = client.post("/preview", data={"body": "*hi* <script>x()</script>"}, headers={"X-CSRFToken": token})
    assert answer.get_json()["html"].startswith("<p><em>hi</em>") and "<script" not in answer.get_json()["html"]
    assert client.post("/preview", data={"body": "*hi*"}).status_code == 400  # CSRF applies to the preview too


def test_revising_keeps_earlier_revisions_for_the_teller(app, login_as, make_story):
    client, teller = login_as("storyteller")
    story = make_story(teller, title="First title", body="First words.")
    token = csrf_token(client, f"/stories/{story.id}/edit")
    answer = client.post(f"/stories/{story.id}/edit", data={"csrf_token": token, "title": "Second title",
                                                            "body": "Second words."})
    assert answer.status_code == 302
    page = client.get(f"/stories/{story.id}").get_data(as_text=True)
    assert "Second words." in page and "revision 2" in page and "Revision 1" in page
    old = client.get(f"/stories/{story.id}/revisions/1").get_data(as_text=True)
    assert "First words." in old and "First title" in old
    researcher_client, _ = login_as("researcher")
    assert researcher_client.get(f"/stories/{story.id}/revisions/1").status_code == 404
    assert "Second words." in researcher_client.get(f"/stories/{story.id}").get_data(as_text=True)


def test_my_stories_lists_stories_and_tombstones(app, login_as, make_story):
    from storybank import tx
    from storybank.archive.withdrawal import withdraw_story

    client, teller = login_as("storyteller")
    make_story(teller, title="Still here")
    gone = make_story(teller, title="Gone title")
    withdraw_story(teller, gone.id)
    tx.commit()
    page = client.get("/stories").get_data(as_text=True)
    assert "Still here" in page and "A withdrawn story" in page and "Gone title" not in page


def test_download_everything_held_about_me(app, login_as, make_story):
    from storybank import tx
    from storybank.archive.consent import change_consent

    client, teller = login_as("storyteller")
    other = make_story(title="Someone else's")
    story = make_story(teller, title="Mine to take", signifiers={"about": ["housing"], "felt_heard": 2})
    change_consent(teller, story.id, {"publication": True})
    tx.commit()
    answer = client.get("/me/export")
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(answer.data)) as archive:
        names = set(archive.namelist())
        account = json.loads(archive.read("account.json"))
        records = json.loads(archive.read("stories.json"))
        markdown = archive.read(f"stories/story-{story.id}.md").decode()
    assert {"account.json", "stories.json", "README.txt"} <= names
    assert f"stories/story-{other.id}.md" not in names
    assert account["email"] == teller.email
    assert [r["title"] for r in records] == ["Mine to take"]
    assert [e["event"] for e in records[0]["consent_history"]] == ["given", "changed"]
    assert "Your story, your choice" in records[0]["consent_history"][0]["form_text"]
    assert markdown.startswith("---\n") and "publication: true" in markdown and "housing" in markdown


def test_researcher_browses_by_kind_and_site_with_counts(app, login_as, make_story):
    client, _ = login_as("researcher")
    make_story(title="Salford lived", site="Salford")
    make_story(title="Luton practitioner", site="Luton", kind="practitioner")
    make_story(title="No research", site="Luton", consent={"research": False, "workshop": True})
    page = client.get("/research/stories").get_data(as_text=True)
    assert "Salford lived" in page and "Luton practitioner" in page and "No research" not in page
    assert re.search(r"Luton</a> <span class=\"count\">1</span>", page)
    filtered = client.get("/research/stories?kind=practitioner&site=Luton").get_data(as_text=True)
    assert "Luton practitioner" in filtered and "Salford lived" not in filtered


def test_browse_pages_through_many_stories(app, login_as, make_user, make_story):
    client, _ = login_as("researcher")
    teller = make_user("storyteller")
    for n in range(30):
        make_story(teller, title=f"Story number {n:02d}")
    first = client.get("/research/stories").get_data(as_text=True)
    second = client.get("/research/stories?page=2").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Story number 29" in first and "Story number 00" not in first
    assert "Story number 00" in second


def test_admin_creates_an_account_and_changes_roles(app, login_as):
    client, admin = login_as("admin")
    token = csrf_token(client, "/admin/users/new")
    answer = client.post("/admin/users/new", data={"csrf_token": token, "email": "New.Host@example.org",
                                                   "display_name": "New Host", "password": "long enough pw",
                                                   "roles": ["host"]})
    assert answer.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "new.host@example.org"))
    assert user.roles == {"host"}
    duplicate = client.post("/admin/users/new", data={"csrf_token": token, "email": "new.host@example.org",
                                                      "password": "long enough pw", "roles": ["host"]})
    assert duplicate.status_code == 409 or "already exists" in duplicate.get_data(as_text=True)
    answer = client.post(f"/admin/users/{user.id}", data={"csrf_token": token, "display_name": "New Host",
                                                          "roles": ["host", "researcher"], "active": ""})
    assert answer.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.roles == {"host", "researcher"} and user.active is False
    refuse_self = client.post(f"/admin/users/{admin.id}", data={"csrf_token": token, "roles": ["host"], "active": "y"})
    assert refuse_self.status_code == 400 and "your own admin role" in refuse_self.get_data(as_text=True)


def test_admin_publishes_a_consent_form_version(app, login_as):
    client, _ = login_as("admin")
    token = csrf_token(client, "/admin/consent-forms")
    short = client.post("/admin/consent-forms", data={"csrf_token": token, "text": "too short"})
    assert short.status_code == 400
    answer = client.post("/admin/consent-forms", data={
        "csrf_token": token, "text": "Version two: your story may be quoted in the annual report."})
    assert answer.status_code == 302
    page = client.get("/admin/consent-forms").get_data(as_text=True)
    assert "Version 2" in page and "Version 1" in page and "Publish as version 3" in page


def test_deactivated_accounts_cannot_sign_in(app, login_as, make_user):
    from conftest import PASSWORD

    from storybank import tx
    from storybank.accounts.services import update_user

    admin = make_user("admin")
    user = make_user("storyteller")
    update_user(admin, user.id, ["storyteller"], active=False)
    tx.commit()
    client = app.test_client()
    token = csrf_token(client, "/login")
    answer = client.post("/login", data={"csrf_token": token, "email": user.email, "password": PASSWORD})
    assert answer.status_code == 401
