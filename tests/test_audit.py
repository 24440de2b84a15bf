"""Reads by others, consent changes, withdrawals and exports are in the audit log; tellers see roles, not names."""
from __future__ import annotations

from conftest import csrf_token
from sqlalchemy import select

from storybank import tx
from storybank.archive.consent import change_consent
from storybank.archive.withdrawal import withdraw_story
from storybank.audit.models import AuditEvent
from storybank.extensions import db


def _actions(story_id: int | None = None) -> list[tuple[str, str]]:
    db.session.expire_all()
    stmt = select(AuditEvent).order_by(AuditEvent.id)
    if story_id is not None:
        stmt = stmt.where(AuditEvent.story_id == story_id)
    return [(e.action, e.purpose) for e in db.session.scalars(stmt)]


def test_reads_by_others_are_logged_and_the_tellers_own_are_not(app, login_as, make_story):
    teller_client, teller = login_as("storyteller")
    researcher_client, researcher = login_as("researcher")
    story = make_story(teller)
    teller_client.get(f"/stories/{story.id}")
    assert ("story.read", "research") not in _actions(story.id)
    researcher_client.get(f"/stories/{story.id}")
    researcher_client.get(f"/stories/{story.id}")
    assert _actions(story.id).count(("story.read", "research")) == 2
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "story.read"))
    assert event.actor_id == researcher.id and event.actor_roles == "researcher"


def test_consent_changes_withdrawal_and_export_are_logged(app, login_as, make_story):
    client, teller = login_as("storyteller")
    story = make_story(teller)
    change_consent(teller, story.id, {"workshop": False})
    tx.commit()
    client.get("/me/export")
    withdraw_story(teller, story.id)
    tx.commit()
    actions = [a for a, _ in _actions()]
    for expected in ("story.submitted", "consent.changed", "data.exported", "story.withdrawn"):
        assert expected in actions
    change = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "consent.changed"))
    assert change.detail["before"]["workshop"] is True and change.detail["after"]["workshop"] is False


def test_the_teller_sees_who_used_the_story_by_role_never_by_name(app, login_as, make_user, make_story):
    teller_client, teller = login_as("storyteller")
    researcher = make_user("researcher", email="rosa.quietname@example.org", name="Rosa Quietname")
    researcher_client, _ = login_as(user=researcher)
    story = make_story(teller)
    researcher_client.get(f"/stories/{story.id}")
    page = teller_client.get(f"/stories/{story.id}").get_data(as_text=True)
    section = page.split("Who used this story", 1)[1]
    assert "Researchers read it once on" in section and "for research" in section
    assert "Rosa" not in page and "quietname" not in page


def test_admin_reads_and_filters_the_audit_log(app, login_as, make_story):
    admin_client, _ = login_as("admin")
    researcher_client, _ = login_as("researcher")
    teller_client, teller = login_as("storyteller")
    story = make_story(teller, title="Private title words", body="Private body words")
    researcher_client.get(f"/stories/{story.id}")
    page = admin_client.get("/admin/audit?action=story.read").get_data(as_text=True)
    assert "story.read" in page and "1 entries" in page
    assert "story.submitted</td>" not in page
    assert "Private title words" not in page and "Private body words" not in page
    by_story = admin_client.get(f"/admin/audit?story={story.id}").get_data(as_text=True)
    assert "story.submitted" in by_story and "story.read" in by_story
    assert admin_client.get(f"/stories/{story.id}").status_code == 404  # admins do not read stories


def test_forms_post_through_pages_are_audited_once(app, login_as, make_story):
    client, teller = login_as("storyteller")
    story = make_story(teller)
    token = csrf_token(client, f"/stories/{story.id}/consent")
    client.post(f"/stories/{story.id}/consent", data={"csrf_token": token, "research": "y", "publication": "y",
                                                      "attribution": "name"})
    assert _actions(story.id).count(("consent.changed", "own")) == 1
