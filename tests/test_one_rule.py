"""Rules that used to be written twice now answer the same on every path: page, API and service."""
from __future__ import annotations

from conftest import api_client, csrf_token
from sqlalchemy import func, select

from storybank import tx
from storybank.archive.consent import current_form, publish_form
from storybank.archive.models import Story
from storybank.coding.models import Code
from storybank.extensions import db


def _stories() -> int:
    return db.session.scalar(select(func.count()).select_from(Story))


def test_a_missing_parent_code_is_the_same_400_on_the_page_and_the_api(app, login_as):
    client, researcher = login_as("researcher")
    codes_before = db.session.scalar(select(func.count()).select_from(Code))
    page = client.post("/codebook", data={"csrf_token": csrf_token(client, "/codebook"), "name": "Orphan",
                                          "parent_id": "99999"})
    api = api_client(app, researcher).post("/api/v1/codes", json={"name": "Orphan", "parent_id": 99999})
    assert page.status_code == 400 and api.status_code == 400
    assert "No such parent code." in page.get_data(as_text=True)
    assert api.get_json()["error"] == "No such parent code."
    assert db.session.scalar(select(func.count()).select_from(Code)) == codes_before


def _newer_form(make_user) -> None:
    current_form()
    tx.commit()
    publish_form(make_user("admin"), "A newer consent text that nobody has read yet.")
    tx.commit()


def test_entering_on_someones_behalf_checks_the_consent_form_they_were_shown(app, login_as, make_user):
    client, _researcher = login_as("researcher")
    token = csrf_token(client, "/research/enter")
    _newer_form(make_user)
    before = _stories()
    answer = client.post("/research/enter", data={
        "csrf_token": token, "title": "Transcript", "body": "Words of the interview.", "kind": "lived_experience",
        "research": "y", "attribution": "anonymous", "collection_method": "interview", "form_version": "1",
    })
    assert answer.status_code == 400
    assert "consent form changed" in answer.get_data(as_text=True)
    assert _stories() == before


def test_the_api_checks_the_consent_form_version_it_names(app, make_user):
    teller = make_user("storyteller")
    client = api_client(app, teller)
    _newer_form(make_user)
    before = _stories()
    stale = client.post("/api/v1/stories", json={"title": "Mine", "body": "Words", "kind": "lived_experience",
                                                  "consent": {"research": True}, "consent_form_version": 1})
    assert stale.status_code == 400
    assert "consent form changed" in stale.get_json()["error"]
    assert _stories() == before
    fresh = client.post("/api/v1/stories", json={"title": "Mine", "body": "Words", "kind": "lived_experience",
                                                  "consent": {"research": True}, "consent_form_version": 2})
    assert fresh.status_code == 201
    assert fresh.get_json()["consent"]["form_version"] == 2


def test_changing_consent_checks_the_form_version_on_the_page_and_the_api(app, login_as, make_user, make_story):
    client, teller = login_as("storyteller")
    story = make_story(teller)
    token = csrf_token(client, f"/stories/{story.id}/consent")
    _newer_form(make_user)
    page = client.post(f"/stories/{story.id}/consent", data={
        "csrf_token": token, "research": "y", "attribution": "anonymous", "form_version": "1"})
    assert page.status_code == 400
    assert "consent form changed" in page.get_data(as_text=True)
    api = api_client(app, teller).patch(f"/api/v1/stories/{story.id}/consent", json={"workshop": False, "form_version": 1})
    assert api.status_code == 400
    db.session.expire_all()
    assert db.session.get(Story, story.id).current_consent.workshop is True


def test_the_teller_gets_the_same_tombstone_on_the_page_and_the_api(app, login_as, make_story):
    client, teller = login_as("storyteller")
    story = make_story(teller, title="Gone soon")
    from storybank.archive.withdrawal import withdraw_story

    withdraw_story(teller, story.id)
    tx.commit()
    page = client.get(f"/stories/{story.id}")
    api = api_client(app, teller).get(f"/api/v1/stories/{story.id}")
    assert page.status_code == 200 and api.status_code == 200
    assert api.get_json()["status"] == "withdrawn"
    assert "withdrawn" in page.get_data(as_text=True).lower()
    assert "Gone soon" not in page.get_data(as_text=True)


def test_role_checks_are_made_by_the_policy_alone():
    """Outside policy.py no code or template asks which roles someone holds: it asks `can()`."""
    import re
    from pathlib import Path

    import storybank

    package = Path(storybank.__file__).parent
    checks = re.compile(r"""["'](storyteller|researcher|host|admin)["']\s+(not\s+)?in\s+\w+\.roles|has_role\(""")
    managing_roles = {"policy.py", "accounts/services.py"}  # the policy itself, and assigning roles to accounts
    found = [f"{path.relative_to(package)}:{n}" for path in package.rglob("*.py")
             if str(path.relative_to(package)) not in managing_roles
             for n, line in enumerate(path.read_text().splitlines(), 1) if checks.search(line)]
    templates = Path(storybank.__file__).parent.parent / "templates"
    found += [f"{path.relative_to(templates)}:{n}" for path in templates.rglob("*.html")
              for n, line in enumerate(path.read_text().splitlines(), 1) if checks.search(line)]
    assert found == []
