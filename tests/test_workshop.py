"""Workshop versions: proposals, review, the pseudonym registry, the teller's approval, what hosts see."""
from __future__ import annotations

import contextlib
import re

import pytest
from conftest import csrf_token
from sqlalchemy import func, select

from storybank import tx
from storybank.archive.consent import change_consent
from storybank.archive.stories import enter_on_behalf, revise_story
from storybank.archive.validation import StoryDraft
from storybank.archive.withdrawal import withdraw_story
from storybank.deid import approval, decisions, reading
from storybank.deid import detect as detection
from storybank.deid.models import (
    ACCEPTED,
    APPROVED,
    PROPOSED,
    AnonymisationEntry,
    IdentifierSpan,
    Pseudonym,
    WorkshopVersion,
)
from storybank.deid.words import same_name
from storybank.errors import InvalidInput, NotFound
from storybank.extensions import db
from storybank.search.service import search

BODY = (
    "My neighbour Delroy Campbell drove me to Brook House on 3 March 2021. I was 34 then.\n\n"
    "Dr Okafor gave me her number, 07700 900123, and said to email delroy.c@example.org if I got worse.\n\n"
    "Delroy waited outside the whole time. The crisis team never called back."
)


@pytest.fixture
def on_save(app):
    app.config["DEID_ON_SAVE"] = True
    yield
    app.config["DEID_ON_SAVE"] = False


def _spans(story_id: int) -> list[IdentifierSpan]:
    return list(db.session.scalars(select(IdentifierSpan).where(IdentifierSpan.story_id == story_id)
                                   .order_by(IdentifierSpan.part.desc(), IdentifierSpan.start)))


def _prepare(researcher, story_id: int) -> None:
    """Review with the defaults and send: what a researcher does for a straightforward story."""
    decisions.review(researcher, story_id)
    decisions.accept_all(researcher, story_id)
    approval.send(researcher, story_id)
    tx.commit()


def _approved(researcher, teller, story_id: int) -> WorkshopVersion:
    _prepare(researcher, story_id)
    version = approval.teller_approve(teller, story_id)
    tx.commit()
    return version


def test_saving_a_story_with_workshop_consent_proposes_its_identifiers(app, on_save, make_user, make_story):
    story = make_story(title="The day Delroy drove me", body=BODY)
    found = {(s.original, s.type) for s in _spans(story.id)}
    assert ("Delroy Campbell", "PERSON") in found
    assert ("07700 900123", "PHONE") in found
    assert ("delroy.c@example.org", "EMAIL") in found
    assert any(t == "DATE" and "March" in o for o, t in found)
    assert any(t == "PERSON" and "Okafor" in o for o, t in found)
    assert any(s.part == "title" and s.original == "Delroy" for s in _spans(story.id))
    assert all(s.decision == PROPOSED for s in _spans(story.id))
    # A story without workshop consent is not processed at all.
    other = make_story(body=BODY, consent={"research": True, "workshop": False, "publication": False})
    assert _spans(other.id) == []


def test_no_approved_workshop_version_contains_an_accepted_identifier(app, make_user, make_story):
    researcher = make_user("researcher")
    teller = make_user("storyteller")
    bodies = [BODY, "Sister Mary Byrne at St Anne's told me to ring 0161 496 0000.\n\nMary never judged me.",
              "I live at 4 Elm Row, postcode M6 5HQ. My NHS number is 943 476 5919 and I was 52 years old.",
              "Nobody named here, only the waiting."]
    stories = [make_story(teller, title=f"Story {i} with Delroy", body=b) for i, b in enumerate(bodies)]
    decisions.review(researcher, stories[2].id)
    decisions.add_identifier(researcher, stories[2].id, "Elm Row", "PLACE", "descriptor", descriptor="a quiet street")
    tx.commit()
    for story in stories:
        _approved(researcher, teller, story.id)
    for story in stories:
        version = db.session.scalar(select(WorkshopVersion).where(WorkshopVersion.story_id == story.id))
        assert version.status == APPROVED
        accepted = {s.original for s in _spans(story.id) if s.decision == ACCEPTED}
        text = f"{version.title}\n{version.body}".casefold()
        for original in accepted:
            assert original.casefold() not in text, (story.id, original)
    assert "a quiet street" in db.session.scalar(
        select(WorkshopVersion.body).where(WorkshopVersion.story_id == stories[2].id))


def test_every_mention_is_replaced_when_one_is_accepted(app, make_user, make_story):
    researcher = make_user("researcher")
    story = make_story(title="Quiet", body="Marcia came round. Later marcia rang. MARCIA is my rock.")
    decisions.review(researcher, story.id)
    decisions.add_identifier(researcher, story.id, "Marcia", "PERSON")
    tx.commit()
    title, body = reading.render(story)
    assert "marcia" not in body.casefold()
    assert body.count("[Person A]") == 3


def test_a_name_that_is_also_a_word_is_matched_only_as_written(app, make_user, make_story):
    researcher = make_user("researcher")
    story = make_story(title="Hope", body="Hope rang me every Friday. I had no hope left until then.")
    decisions.review(researcher, story.id)
    db.session.execute(IdentifierSpan.__table__.delete().where(IdentifierSpan.story_id == story.id))
    tx.commit()
    decisions.add_identifier(researcher, story.id, "Hope", "PERSON")
    tx.commit()
    assert reading.render(story) == ("[Person A]", "[Person A] rang me every Friday. I had no hope left until then.")
    assert reading.leaks(story) == []
    version = approval.send(researcher, story.id)
    assert "hope left" in version.body


def test_a_name_that_is_no_word_is_matched_in_any_case_and_a_rejected_mention_stays(app, make_user, make_story):
    researcher = make_user("researcher")
    story = make_story(title="Priya", body="Priya rang me every Friday. my password was PRIYA then.")
    decisions.review(researcher, story.id)
    db.session.execute(IdentifierSpan.__table__.delete().where(IdentifierSpan.story_id == story.id))
    tx.commit()
    decisions.add_identifier(researcher, story.id, "Priya", "PERSON")
    tx.commit()
    assert reading.render(story) == ("[Person A]", "[Person A] rang me every Friday. my password was [Person A] "
                                                    "then.")
    shouted = next(s for s in _spans(story.id) if s.original == "PRIYA")
    decisions.decide(researcher, story.id, shouted.id, "reject")
    tx.commit()
    assert reading.render(story)[1] == "[Person A] rang me every Friday. my password was PRIYA then."
    assert reading.leaks(story) == []
    assert "PRIYA then" in approval.send(researcher, story.id).body


def test_a_name_inside_a_longer_proposed_name_replaces_the_whole_name(app, make_user, make_story):
    researcher = make_user("researcher")
    story = make_story(title="Waiting with Delroy", body="My neighbour Delroy Campbell drove me. Delroy waited.")
    decisions.review(researcher, story.id)
    rev = story.current_revision
    db.session.execute(IdentifierSpan.__table__.delete().where(IdentifierSpan.story_id == story.id))
    for part, start, end in (("title", 13, 19), ("body", 13, 28)):
        text = rev.title if part == "title" else rev.body
        db.session.add(IdentifierSpan(story_id=story.id, revision_id=rev.id, part=part, start=start, end=end,
                                      original=text[start:end], type="PERSON", source="model"))
    tx.commit()
    title_span = next(s for s in _spans(story.id) if s.part == "title")
    decisions.decide(researcher, story.id, title_span.id, "accept")
    tx.commit()
    title, body = reading.render(story)
    assert (title, body) == ("Waiting with [Person A]", "My neighbour [Person A] drove me. [Person A] waited.")
    assert "Campbell" not in body


def test_hosts_get_404_until_the_teller_approves(app, make_user, make_story, login_as):
    researcher = make_user("researcher")
    teller = make_user("storyteller")
    story = make_story(teller, title="Waiting with Delroy", body=BODY)
    host_client, host = login_as("host")
    path = f"/workshop/stories/{story.id}"

    assert host_client.get(path).status_code == 404  # no version at all
    decisions.review(researcher, story.id)
    tx.commit()
    assert host_client.get(path).status_code == 404  # in review
    decisions.accept_all(researcher, story.id)
    approval.send(researcher, story.id)
    tx.commit()
    assert host_client.get(path).status_code == 404  # waiting for the teller
    assert search(host, "crisis", "workshop").total == 0

    approval.teller_approve(teller, story.id)
    tx.commit()
    page = host_client.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Delroy" not in html and "07700" not in html and "[Person A]" in html
    results = search(host, "crisis", "workshop")
    assert [h.id for h in results.hits] == [story.id]
    assert "Delroy" not in results.hits[0].title + results.hits[0].snippet
    assert search(host, "Delroy", "workshop").total == 0  # the original words are not in the workshop index

    approval.teller_request_changes(teller, story.id, "Please take out the crisis team.")
    tx.commit()
    assert host_client.get(path).status_code == 404
    assert search(host, "crisis", "workshop").total == 0


def test_withdrawing_workshop_consent_hides_the_approved_version(app, make_user, make_story, login_as):
    researcher, teller = make_user("researcher"), make_user("storyteller")
    story = make_story(teller, body=BODY)
    _approved(researcher, teller, story.id)
    host_client, _host = login_as("host")
    assert host_client.get(f"/workshop/stories/{story.id}").status_code == 200
    change_consent(teller, story.id, {"workshop": False})
    tx.commit()
    assert host_client.get(f"/workshop/stories/{story.id}").status_code == 404


def test_hosts_never_read_the_original_text(app, make_user, make_story, login_as):
    researcher, teller = make_user("researcher"), make_user("storyteller")
    story = make_story(teller, body=BODY)
    _approved(researcher, teller, story.id)
    host_client, _host = login_as("host")
    assert host_client.get(f"/stories/{story.id}").status_code == 404
    assert host_client.get(f"/research/stories/{story.id}/workshop").status_code == 404
    assert host_client.get("/research/registry").status_code == 404


def test_the_registry_keeps_labels_consistent_across_stories(app, make_user, make_story):
    researcher = make_user("researcher")
    teller, other_teller = make_user("storyteller"), make_user("storyteller")
    first = make_story(teller, title="One", body="Dave Smith took me to Brook House.")
    second = make_story(teller, title="Two", body="Aisha listened. Dave came too, back to Brook House.")
    third = make_story(other_teller, title="Three", body="I went to Brook House alone. Dave Smith was my GP.")
    for story, marks in ((first, [("Dave Smith", "PERSON"), ("Brook House", "ORG")]),
                         (second, [("Aisha", "PERSON"), ("Dave", "PERSON"), ("Brook House", "ORG")]),
                         (third, [("Dave Smith", "PERSON"), ("Brook House", "ORG")])):
        decisions.review(researcher, story.id)
        for text, kind in marks:
            decisions.add_identifier(researcher, story.id, text, kind)
        tx.commit()
    _, b1 = reading.render(first)
    _, b2 = reading.render(second)
    _, b3 = reading.render(third)
    assert b1 == "[Person A] took me to [Service 1]."
    assert b2 == "[Person B] listened. [Person A] came too, back to [Service 1]."  # Dave is Dave Smith
    assert b3 == "I went to [Service 1] alone. [Person A] was my GP."  # another teller's people are their own
    services = db.session.scalars(select(Pseudonym).where(Pseudonym.type == "ORG")).all()
    assert [(s.label, s.scope) for s in services] == [("Service 1", "archive")]
    people = db.session.execute(select(Pseudonym.scope, Pseudonym.key, Pseudonym.label).where(
        Pseudonym.type == "PERSON").order_by(Pseudonym.id)).all()
    assert [(k, lab) for s, k, lab in people if s == f"teller:{teller.id}"] == [
        ("dave smith", "Person A"), ("aisha", "Person B"), ("dave", "Person A")]
    # A later story by the same teller is offered the registry's names and labels.
    fourth = make_story(teller, title="Four", body="Aisha again, and Dave.")
    decisions.review(researcher, fourth.id)
    decisions.accept_all(researcher, fourth.id)
    tx.commit()
    assert reading.render(fourth)[1] == "[Person B] again, and [Person A]."


def test_a_researcher_may_choose_a_new_label_or_a_descriptor(app, make_user, make_story):
    researcher = make_user("researcher")
    teller = make_user("storyteller")
    first = make_story(teller, title="One", body="Dave Smith helped.")
    decisions.review(researcher, first.id)
    decisions.add_identifier(researcher, first.id, "Dave Smith", "PERSON")
    second = make_story(teller, title="Two", body="A different Dave phoned from Oldham Road. Kwesi too.")
    decisions.review(researcher, second.id)
    decisions.add_identifier(researcher, second.id, "Dave", "PERSON", "new")
    decisions.add_identifier(researcher, second.id, "Oldham Road", "PLACE", "descriptor", "a busy road")
    tx.commit()
    assert reading.render(second)[1].startswith("A different [Person B] phoned from a busy road.")
    with pytest.raises(InvalidInput):
        decisions.add_identifier(researcher, second.id, "Kwesi", "PERSON", "label:Person Z")
    with pytest.raises(InvalidInput):
        decisions.add_identifier(researcher, second.id, "phoned", "PERSON", "descriptor", "   ")


def test_bad_input_changes_nothing(app, make_user, make_story, login_as):
    researcher = make_user("researcher")
    story = make_story(body=BODY)
    other = make_story(body="Jonah from the hub rang me.")
    decisions.review(researcher, story.id)
    decisions.review(researcher, other.id)
    tx.commit()
    foreign = _spans(other.id)[0].id if _spans(other.id) else 999999

    def snapshot() -> list[tuple]:
        return [(s.id, s.decision, s.pseudonym_id, s.descriptor, s.type) for s in _spans(story.id)]

    before = snapshot()
    for span_id in ("abc", "0", "99999999999999999999", foreign):
        with pytest.raises(NotFound):
            decisions.decide(researcher, story.id, span_id, "accept")
    with pytest.raises(InvalidInput):
        decisions.decide(researcher, story.id, _spans(story.id)[0].id, "maybe")
    with pytest.raises(InvalidInput):
        decisions.decide(researcher, story.id, _spans(story.id)[0].id, "accept", kind="ALIEN")
    with pytest.raises(InvalidInput):
        decisions.add_identifier(researcher, story.id, "Nowhere Lane", "PLACE")
    with pytest.raises(InvalidInput):
        approval.send(researcher, story.id)  # proposals are still undecided
    tx.rollback()
    assert snapshot() == before

    client, _ = login_as(user=researcher)
    token = csrf_token(client, f"/research/stories/{story.id}/workshop")
    page = client.post(f"/research/stories/{story.id}/workshop/add",
                       data={"csrf_token": token, "text": "Nowhere Lane", "type": "PLACE"})
    assert page.status_code == 400 and "is not in this story" in page.get_data(as_text=True)
    page = client.post(f"/research/stories/{story.id}/workshop/decide",
                       data={"csrf_token": token, "span_id": "abc", "decision": "accept"})
    assert page.status_code == 404
    assert client.post(f"/research/stories/{story.id}/workshop/send", data={"csrf_token": token}).status_code == 400
    assert snapshot() == before


def test_review_page_marks_and_decides(app, make_user, make_story, login_as):
    client, researcher = login_as("researcher")
    story = make_story(body=BODY)
    page = client.get(f"/research/stories/{story.id}/workshop")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'class="ident proposed"' in html and "Delroy Campbell" in html
    span = next(s for s in _spans(story.id) if s.original == "Delroy Campbell")
    token = csrf_token(client, f"/research/stories/{story.id}/workshop")
    response = client.post(f"/research/stories/{story.id}/workshop/decide",
                           data={"csrf_token": token, "span_id": span.id, "decision": "accept", "replacement": ""})
    assert response.status_code == 302
    html = client.get(f"/research/stories/{story.id}/workshop").get_data(as_text=True)
    assert "[Person A]" in html
    db.session.expire_all()
    assert {s.decision for s in _spans(story.id) if s.original.startswith("Delroy")} == {ACCEPTED}


def test_the_teller_sees_before_and_after_and_decides(app, make_user, make_story, login_as):
    researcher = make_user("researcher")
    client, teller = login_as("storyteller")
    story = make_story(teller, body=BODY)
    assert "not prepared a workshop version yet" in client.get(f"/stories/{story.id}/workshop").get_data(as_text=True)
    _prepare(researcher, story.id)
    html = client.get(f"/stories/{story.id}/workshop").get_data(as_text=True)
    assert "Delroy Campbell" in html and "[Person A]" in html and "Approve this version" in html
    token = csrf_token(client, f"/stories/{story.id}/workshop")
    empty = client.post(f"/stories/{story.id}/workshop/changes", data={"csrf_token": token, "message": "  "})
    assert empty.status_code == 400
    assert client.post(f"/stories/{story.id}/workshop/approve", data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert reading.version_of(story).status == APPROVED
    asked = client.post(f"/stories/{story.id}/workshop/changes",
                        data={"csrf_token": token, "message": "My street is still in it."})
    assert asked.status_code == 302
    db.session.expire_all()
    version = reading.version_of(story)
    assert version.status == "changes_requested" and version.body is None
    review_html = client.get(f"/research/stories/{story.id}/workshop")
    assert review_html.status_code == 404  # a teller never reaches the researchers' page
    researcher_client, _ = login_as(user=researcher)
    assert "My street is still in it." in researcher_client.get(
        f"/research/stories/{story.id}/workshop").get_data(as_text=True)
    # Another teller cannot see or approve it.
    stranger, _ = login_as("storyteller")
    assert stranger.get(f"/stories/{story.id}/workshop").status_code == 404


def test_a_story_without_a_teller_account_needs_recorded_approval(app, make_user):
    researcher = make_user("researcher")
    story = enter_on_behalf(researcher, StoryDraft(
        title="Interview", body="Kwame from the day centre sat with me.", kind="lived_experience",
        consent={"research": True, "workshop": True}, attribution="anonymous", collection_method="interview"))
    tx.commit()
    decisions.review(researcher, story.id)
    decisions.add_identifier(researcher, story.id, "Kwame", "PERSON")
    decisions.accept_all(researcher, story.id)
    with pytest.raises(InvalidInput, match="no account"):
        approval.send(researcher, story.id)
    tx.rollback()
    decisions.review(researcher, story.id)
    decisions.add_identifier(researcher, story.id, "Kwame", "PERSON")
    decisions.accept_all(researcher, story.id)
    version = approval.send(researcher, story.id, approved_on_behalf=True)
    tx.commit()
    assert version.status == APPROVED and version.approved_on_behalf
    assert "Kwame" not in version.body


def test_revising_reruns_detection_on_the_changed_parts_only(app, make_user, make_story, monkeypatch):
    researcher, teller = make_user("researcher"), make_user("storyteller")
    story = make_story(teller, title="Waiting", body=BODY)
    _approved(researcher, teller, story.id)
    accepted_before = {s.original for s in _spans(story.id) if s.decision == ACCEPTED}
    seen: list[str] = []
    real = detection.detect

    def spy(text: str) -> list:
        seen.append(text)
        return real(text)

    monkeypatch.setattr(detection, "detect", spy)
    revise_story(teller, story.id, body=BODY + "\n\nMy sister Grace Adeyemi came in the end.")
    tx.commit()
    assert seen == ["My sister Grace Adeyemi came in the end."]  # only the new paragraph was read
    version = reading.version_of(story)
    assert version.status == "review" and version.body is None  # hosts lose it until approved again
    spans = _spans(story.id)
    assert {s.original for s in spans if s.decision == ACCEPTED} == accepted_before
    new = [s for s in spans if s.decision == PROPOSED]
    assert [s.original for s in new] == ["Grace Adeyemi"]
    rev_body = story.current_revision.body
    assert all(rev_body[s.start:s.end] == s.original for s in spans if s.part == "body")


def test_withdrawal_removes_the_storys_registry_entries(app, make_user, make_story):
    researcher, teller = make_user("researcher"), make_user("storyteller")
    first = make_story(teller, title="One", body="Delroy and Marcia came.")
    second = make_story(teller, title="Two", body="Delroy came again.")
    for story in (first, second):
        decisions.review(researcher, story.id)
        decisions.add_identifier(researcher, story.id, "Delroy", "PERSON")
    decisions.add_identifier(researcher, first.id, "Marcia", "PERSON")
    tx.commit()
    _approved(researcher, teller, first.id)
    tombstone = withdraw_story(teller, first.id)
    tx.commit()
    assert tombstone.removed_counts["registry_entries"] == 1
    keys = set(db.session.scalars(select(Pseudonym.key)))
    assert keys == {"delroy"}  # still used by the second story; Marcia was only in the withdrawn one
    for model in (IdentifierSpan, AnonymisationEntry, WorkshopVersion):
        assert db.session.scalar(select(func.count()).select_from(model).where(model.story_id == first.id)) == 0
    assert reading.render(second)[1] == "[Person A] came again."


def test_researchers_prepare_workshop_only_stories_without_reading_them_for_research(app, make_user, make_story,
                                                                                    login_as):
    client, researcher = login_as("researcher")
    story = make_story(body=BODY, consent={"research": False, "workshop": True, "publication": False})
    assert client.get(f"/stories/{story.id}").status_code == 404
    assert client.get(f"/research/stories/{story.id}/code").status_code == 404
    assert client.get(f"/research/stories/{story.id}/workshop").status_code == 200
    narrowed = make_story(body=BODY, consent={"research": True, "workshop": False, "publication": False})
    assert client.get(f"/research/stories/{narrowed.id}/workshop").status_code == 404


def test_registry_page_shows_originals_to_researchers_only(app, make_user, make_story, login_as):
    researcher = make_user("researcher")
    story = make_story(body="Delroy Campbell drove.")
    decisions.review(researcher, story.id)
    decisions.add_identifier(researcher, story.id, "Delroy Campbell", "PERSON")
    tx.commit()
    client, _ = login_as(user=researcher)
    html = client.get("/research/registry").get_data(as_text=True)
    assert "Delroy Campbell" in html and "[Person A]" in html
    assert "Delroy Campbell" in client.get("/research/registry?q=delroy").get_data(as_text=True)
    admin_client, _ = login_as("admin")
    page = admin_client.get("/research/registry")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "[Person A]" in html and "Delroy" not in html and "withheld" in html
    # Once the teller stops research and workshop use, researchers no longer see its identifiers.
    change_consent(story.teller, story.id, {"research": False, "workshop": False})
    tx.commit()
    assert "Delroy" not in client.get("/research/registry").get_data(as_text=True)


def test_the_api_serves_only_approved_versions(app, make_user, make_story):
    from storybank.accounts.services import create_token

    researcher, teller, host = make_user("researcher"), make_user("storyteller"), make_user("host")
    story = make_story(teller, body=BODY)
    tokens = {}
    for name, user in (("teller", teller), ("host", host), ("researcher", researcher)):
        tokens[name] = create_token(user, "test")
    tx.commit()
    client = app.test_client()

    def get(name: str):
        return client.get(f"/api/v1/stories/{story.id}/workshop", headers={"Authorization": f"Bearer {tokens[name]}"})

    assert {get(n).status_code for n in tokens} == {404}
    _approved(researcher, teller, story.id)
    for name in tokens:
        response = get(name)
        assert response.status_code == 200, name
        data = response.get_json()
        assert "Delroy" not in data["body"] and "[Person A]" in data["body"] and data["id"] == story.id
    assert client.get(f"/api/v1/stories/{story.id}/workshop").status_code == 401


def test_the_page_says_recall_is_lower_without_a_model(app, make_user, make_story, login_as):
    app.config["SPACY_MODEL"] = "no_such_model_installed"
    try:
        client, _ = login_as("researcher")
        story = make_story(body="Call 07700 900123 or write to a@b.org.")
        html = client.get(f"/research/stories/{story.id}/workshop").get_data(as_text=True)
        assert "No spaCy language model is installed" in html
        assert re.search(r"07700 900123", html)
        assert {s.type for s in _spans(story.id)} == {"PHONE", "EMAIL"}
    finally:
        app.config["SPACY_MODEL"] = ""


def test_approved_versions_of_the_evaluation_passages_hold_no_accepted_identifier(app, make_user, make_story):
    """Every passage of the evaluation set, reviewed with random decisions and approved: the invariant holds."""
    import random
    from pathlib import Path

    import yaml

    data = yaml.safe_load((Path(__file__).resolve().parent.parent / "benchmarks/data/deid_eval.yaml").read_text())
    passages = data["passages"] if isinstance(data, dict) else data
    rng = random.Random(5)
    researcher, teller = make_user("researcher"), make_user("storyteller")
    for passage in passages:
        story = make_story(teller, title="A passage", body=passage["text"])
        decisions.review(researcher, story.id)
        for span in _spans(story.id):
            if span.decision == PROPOSED and rng.random() < 0.3:
                decisions.decide(researcher, story.id, span.id, "reject")
        for item in (passage.get("identifiers") or [])[:3]:  # what a careful reviewer adds by hand
            with contextlib.suppress(InvalidInput):  # already accepted through another mention
                decisions.add_identifier(researcher, story.id, item["text"], item["type"])
        decisions.accept_all(researcher, story.id)
        approval.send(researcher, story.id)
        approval.teller_approve(teller, story.id)
        tx.commit()
        version = reading.version_of(story)
        assert version.status == APPROVED
        text = f"{version.title}\n{version.body}"
        spans = _spans(story.id)
        for original, kind in {(s.original, s.type) for s in spans if s.decision == ACCEPTED}:
            left = len(reading.occurrences(text, original))  # "Hope" the name, never "hope" the word
            kept = sum(1 for s in spans if s.decision == "rejected" and s.type == kind
                       and same_name(original, s.original))
            assert left <= kept, (original, left, kept)  # only mentions a researcher rejected on purpose remain


def test_adding_workshop_consent_later_proposes_identifiers(app, on_save, make_user, make_story):
    teller = make_user("storyteller")
    story = make_story(teller, body=BODY, consent={"research": True, "workshop": False, "publication": False})
    assert _spans(story.id) == [] and reading.version_of(story) is None
    change_consent(teller, story.id, {"workshop": True})
    tx.commit()
    assert reading.version_of(story) is not None
    assert any(s.original == "Delroy Campbell" for s in _spans(story.id))


def test_a_claimed_story_joins_its_tellers_registry_scope(app, make_user, make_story):
    from storybank.archive.claims import claim_story, create_claim_link

    researcher, teller = make_user("researcher"), make_user("storyteller")
    own = make_story(teller, title="Mine", body="Delroy drove. Sam came.")
    decisions.review(researcher, own.id)
    decisions.add_identifier(researcher, own.id, "Delroy", "PERSON")  # Person A for this teller
    decisions.add_identifier(researcher, own.id, "Sam", "PERSON")  # Person B
    entered = enter_on_behalf(researcher, StoryDraft(
        title="Interview", body="Kemi and Delroy sat with me.", kind="lived_experience",
        consent={"research": True, "workshop": True}, attribution="anonymous", collection_method="interview"))
    tx.commit()
    decisions.review(researcher, entered.id)
    decisions.add_identifier(researcher, entered.id, "Kemi", "PERSON")  # Person A within the story's own scope
    decisions.add_identifier(researcher, entered.id, "Delroy", "PERSON")  # Person B there
    approval.send(researcher, entered.id, approved_on_behalf=True)
    tx.commit()
    assert reading.version_of(entered).body == "[Person A] and [Person B] sat with me."
    _story, token = create_claim_link(researcher, entered.id)
    tx.commit()
    claim_story(teller, token)
    tx.commit()
    # Delroy is the teller's Person A everywhere; Kemi gets the teller's next free label.
    assert reading.version_of(entered).body == "[Person C] and [Person A] sat with me."
    scopes = set(db.session.scalars(select(Pseudonym.scope)))
    assert scopes == {f"teller:{teller.id}"}
