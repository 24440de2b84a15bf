"""Registry hygiene: only proper names become entries, names match by the case rule, a lone word never
labels another teller's story, and `storybank deid clean-registry` repairs entries made before these rules."""
from __future__ import annotations

import re

from sqlalchemy import select

from storybank import tx
from storybank.deid import approval, decisions, reading
from storybank.deid.models import ACCEPTED, IdentifierSpan, Pseudonym
from storybank.extensions import db


def _clear_proposals(story_id: int) -> None:
    db.session.execute(IdentifierSpan.__table__.delete().where(IdentifierSpan.story_id == story_id))
    tx.commit()


def _entries() -> list[tuple[str, str, str]]:
    return [(p.type, p.scope, p.original) for p in db.session.scalars(select(Pseudonym).order_by(Pseudonym.id))]


def test_a_kinship_word_or_generic_service_gets_a_placeholder_and_no_registry_entry(app, make_user, make_story):
    researcher = make_user("researcher")
    story = make_story(title="Home", body="Mum rang the crisis team. Later Mum came round.")
    decisions.review(researcher, story.id)
    _clear_proposals(story.id)
    decisions.add_identifier(researcher, story.id, "Mum", "PERSON")
    decisions.add_identifier(researcher, story.id, "crisis team", "ORG")
    tx.commit()
    assert reading.render(story)[1] == "[person] rang the [service]. Later [person] came round."
    assert _entries() == []


def test_a_lone_word_place_label_stays_in_its_story(app, make_user, make_story):
    researcher = make_user("researcher")
    first = make_story(make_user("storyteller"), title="One", body="We drove out to Callan every summer.")
    decisions.review(researcher, first.id)
    _clear_proposals(first.id)
    decisions.add_identifier(researcher, first.id, "Callan", "PLACE")
    tx.commit()
    assert _entries() == [("PLACE", f"story:{first.id}", "Callan")]
    other = make_story(make_user("storyteller"), title="Two", body="My cousin Callan drove me to the hub.")
    decisions.review(researcher, other.id)
    assert not any(s.source == "registry" for s in db.session.scalars(
        select(IdentifierSpan).where(IdentifierSpan.story_id == other.id)))
    # A place shaped like one is archive-wide: the next story that names it is proposed the same label.
    third = make_story(make_user("storyteller"), title="Three", body="Then we moved to Ordsall Lane.")
    fourth = make_story(make_user("storyteller"), title="Four", body="The flat on Ordsall Lane had mould.")
    decisions.review(researcher, third.id)
    decisions.add_identifier(researcher, third.id, "Ordsall Lane", "PLACE")
    tx.commit()
    decisions.review(researcher, fourth.id)
    known = [s for s in db.session.scalars(select(IdentifierSpan).where(IdentifierSpan.story_id == fourth.id))
             if s.source == "registry"]
    assert [(s.original, s.type) for s in known] == [("Ordsall Lane", "PLACE")]


def test_a_name_that_is_a_word_is_not_proposed_in_lower_case_in_the_tellers_next_story(app, make_user, make_story):
    researcher, teller = make_user("researcher"), make_user("storyteller")
    first = make_story(teller, title="Rose", body="Rose sat with me every night.")
    decisions.review(researcher, first.id)
    _clear_proposals(first.id)
    decisions.add_identifier(researcher, first.id, "Rose", "PERSON")
    tx.commit()
    second = make_story(teller, title="Garden", body="I grew a rose for her. Rose laughed.")
    decisions.review(researcher, second.id)
    registry_spans = [s.original for s in db.session.scalars(select(IdentifierSpan).where(
        IdentifierSpan.story_id == second.id)) if s.source == "registry"]
    assert registry_spans == ["Rose"]


def test_clean_registry_undoes_ordinary_words_and_localises_lone_words(app, make_user, make_story):
    researcher, teller_a, teller_b = make_user("researcher"), make_user("storyteller"), make_user("storyteller")
    story_a = make_story(teller_a, title="Mould", body="I changed my mind when Callan came.")
    story_b = make_story(teller_b, title="Bus", body="Callan is where I grew up.")
    for story in (story_a, story_b):
        decisions.review(researcher, story.id)
        _clear_proposals(story.id)
    # What the registry held before the hygiene rules: "I" as a service, "Callan" as an archive-wide place.
    bad_i = Pseudonym(type="ORG", scope="archive", key="i", original="I", label="Service 22")
    callan = Pseudonym(type="PLACE", scope="archive", key="callan", original="Callan", label="Place 64")
    db.session.add_all([bad_i, callan])
    db.session.flush()
    for story in (story_a, story_b):
        rev = story.current_revision
        for original, entry, kind in (("I", bad_i, "ORG"), ("Callan", callan, "PLACE")):
            for start, end in reading.occurrences(rev.body, original):
                db.session.add(IdentifierSpan(story_id=story.id, revision_id=rev.id, part="body", start=start,
                                              end=end, original=original, type=kind, source="registry",
                                              decision=ACCEPTED, pseudonym=entry))
    tx.commit()
    approval.send(researcher, story_a.id)
    tx.commit()
    assert reading.version_of(story_a).body == "[Service 22] changed my mind when [Place 64] came."

    result = app.test_cli_runner().invoke(args=["deid", "clean-registry"])
    assert result.exit_code == 0, result.output
    assert "Removed 1 entries" in result.output and "1 lone-word labels" in result.output
    db.session.expire_all()
    body_a = reading.version_of(story_a).body
    assert body_a.startswith("I changed my mind when [Place ") and "64" not in body_a
    assert reading.render(story_b)[1].startswith("[Place ") and reading.render(story_b)[1].endswith(
        " is where I grew up.")
    labels = {re.search(r"\[Place \d+\]", reading.render(s)[1]).group() for s in (story_a, story_b)}
    assert len(labels) == 2  # one teller's word no longer labels the other's story
    assert sorted(scope for _t, scope, _o in _entries()) == sorted([f"story:{story_a.id}", f"story:{story_b.id}"])
    again = app.test_cli_runner().invoke(args=["deid", "clean-registry"])
    assert "Removed 0 entries" in again.output and "0 lone-word labels" in again.output
