"""Consent is a log of events; the current state is derived and takes effect at once."""
from __future__ import annotations

from conftest import csrf_token
from sqlalchemy import select

from storybank import policy, tx
from storybank.archive.consent import change_consent, current_form, publish_form
from storybank.archive.models import ConsentEvent
from storybank.extensions import db


def _events(story_id: int) -> list[ConsentEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(ConsentEvent).where(ConsentEvent.story_id == story_id)
                                   .order_by(ConsentEvent.id)))


def test_changes_append_events_and_never_edit_earlier_ones(app, make_user, make_story):
    teller = make_user("storyteller")
    story = make_story(teller, consent={"research": True, "workshop": True, "publication": False})
    first = [(e.id, e.research, e.workshop, e.publication, e.attribution) for e in _events(story.id)]

    change_consent(teller, story.id, {"workshop": False})
    tx.commit()
    change_consent(teller, story.id, {"publication": True, "attribution": "name"})
    tx.commit()

    events = _events(story.id)
    assert [e.event for e in events] == ["given", "changed", "changed"]
    assert [(e.id, e.research, e.workshop, e.publication, e.attribution) for e in events[:1]] == first
    current = events[-1]
    assert (current.research, current.workshop, current.publication, current.attribution) == (True, False, True, "name")


def test_an_unchanged_consent_adds_no_event(app, make_user, make_story):
    teller = make_user("storyteller")
    story = make_story(teller, consent={"research": True, "workshop": False, "publication": False})
    change_consent(teller, story.id, {"research": True})
    tx.commit()
    assert len(_events(story.id)) == 1


def test_narrowing_hides_the_story_from_the_researcher_at_once(app, login_as, make_story):
    researcher_client, researcher = login_as("researcher")
    teller_client, teller = login_as("storyteller")
    story = make_story(teller, title="A story about the crisis line")
    assert researcher_client.get(f"/stories/{story.id}").status_code == 200
    assert "A story about the crisis line" in researcher_client.get("/research/stories").get_data(as_text=True)

    token = csrf_token(teller_client, f"/stories/{story.id}/consent")
    answer = teller_client.post(f"/stories/{story.id}/consent",
                                data={"csrf_token": token, "workshop": "y", "attribution": "pseudonym"})
    assert answer.status_code == 302

    assert researcher_client.get(f"/stories/{story.id}").status_code == 404
    assert "A story about the crisis line" not in researcher_client.get("/research/stories").get_data(as_text=True)
    assert db.session.scalar(policy.visible_stories(researcher, "research").where(
        policy.Story.id == story.id)) is None
    # The teller still reads it, with the new consent shown.
    own = teller_client.get(f"/stories/{story.id}").get_data(as_text=True)
    assert "Research: <strong>no</strong>" in own


def test_new_consent_form_version_applies_to_new_agreements_only(app, make_user, make_story):
    admin = make_user("admin")
    teller = make_user("storyteller")
    old_story = make_story(teller)
    v1 = current_form()
    v2 = publish_form(admin, "Version two of the consent text, with a new paragraph on quotation.")
    tx.commit()
    new_story = make_story(teller)
    assert _events(old_story.id)[0].form_version_id == v1.id
    assert _events(new_story.id)[0].form_version_id == v2.id
    assert v1.text != v2.text and v2.version == v1.version + 1
    # Changing consent later records agreement with the form in force at that moment.
    change_consent(teller, old_story.id, {"publication": True})
    tx.commit()
    assert _events(old_story.id)[-1].form_version_id == v2.id


def test_a_form_published_while_writing_asks_again(app, login_as, make_user):
    client, teller = login_as("storyteller")
    admin = make_user("admin")
    token = csrf_token(client, "/stories/new")
    current_form()
    tx.commit()
    publish_form(admin, "A newer consent text that the teller has not yet read.")
    tx.commit()
    answer = client.post("/stories/new", data={
        "csrf_token": token, "title": "Mine", "body": "Words", "kind": "lived_experience",
        "research": "y", "attribution": "anonymous", "form_version": "1",
    })
    assert answer.status_code == 400
    assert "consent form changed" in answer.get_data(as_text=True)
    assert "A newer consent text" in answer.get_data(as_text=True)


def test_the_policy_statement_kept_for_a_user_is_the_one_built_afresh(app, make_user, make_story):
    """visible_stories is built once per (purposes, user id, roles): a change of roles, activity or user is a new one."""
    from storybank.accounts.models import UserRole

    teller = make_user("storyteller")
    researcher, other = make_user("researcher"), make_user("researcher")
    story = make_story(teller, title="Kept")

    def shown(user, purpose="research") -> list[int]:
        return list(db.session.scalars(policy.visible_stories(user, purpose).with_only_columns(policy.Story.id)))

    kept = policy.visible_stories(researcher, "research")
    assert policy.visible_stories(researcher, "research") is kept
    policy._VISIBLE.clear()
    fresh = policy.visible_stories(researcher, "research")
    assert fresh is not kept and str(fresh) == str(kept)
    assert fresh.compile().params == kept.compile().params
    assert policy.visible_stories(other, "research") is not kept
    assert shown(researcher) == [story.id] and shown(teller, "own") == [story.id] and shown(researcher, "own") == []

    researcher.role_rows.append(UserRole(role="storyteller"))  # now also a teller (of nothing): a statement of its own
    tx.commit()
    assert policy.visible_stories(researcher, "research") is not kept and shown(researcher, "own") == []
    researcher.role_rows = [r for r in researcher.role_rows if r.role == "storyteller"]
    tx.commit()
    assert shown(researcher) == []
    teller.active = False
    tx.commit()
    assert shown(teller, "own") == []
