"""Story sets: building from a search and by hand, excerpts in workshop form, reordering, ownership, bad input."""
from __future__ import annotations

import io
import zipfile

import pytest
from conftest import api_client, csrf_token
from sets_helpers import BODY, code_id, theme, workshop_story
from sqlalchemy import func, select

from storybank import tx
from storybank.archive.stories import revise_story
from storybank.errors import InvalidInput, NotFound
from storybank.extensions import db
from storybank.workshops import sets as set_service
from storybank.workshops.cards import render_cards
from storybank.workshops.models import StorySet, StorySetItem
from storybank.workshops.texts import workshop_texts


@pytest.fixture
def world(app, make_user, make_story):
    researcher = make_user("researcher")
    host = make_user("host")
    a, teller = workshop_story(make_user, make_story, researcher)
    b, _ = workshop_story(make_user, make_story, researcher, title="Hand-offs", themes=("Fragmentation",),
                          body="Every hand-off lost a piece of my story. Nobody held the whole of it.")
    return {"researcher": researcher, "host": host, "a": a, "b": b, "teller": teller}


def texts_of(story_id: int):
    return workshop_texts({story_id})[story_id]


def test_a_set_filled_from_a_themed_search_refreshes_with_what_is_new(app, world, make_user, make_story):
    host = world["host"]
    story_set = set_service.create_set(host, "Thresholds", "Where do thresholds shut people out?", "theme:Thresholds")
    tx.commit()
    assert [i.story_id for i in story_set.items] == [world["a"].id]
    assert set_service.refresh(host, story_set.id)[1] == []
    later, _ = workshop_story(make_user, make_story, world["researcher"], title="Not ill enough",
                              body="They said I was not ill enough for the team, and too ill for the hub.")
    new = set_service.refresh(host, story_set.id)[1]
    assert [h.id for h in new] == [later.id]
    assert "not ill enough" in new[0].title.lower()
    client = app.test_client()
    from conftest import sign_in
    sign_in(client, host)
    page = client.get(f"/sets/{story_set.id}/refresh").get_data(as_text=True)
    assert "Not ill enough" in page
    token = csrf_token(client, f"/sets/{story_set.id}/refresh")
    response = client.post(f"/sets/{story_set.id}/refresh", data={"csrf_token": token, "story_id": str(later.id)})
    assert response.status_code == 302
    db.session.expire_all()
    assert [i.story_id for i in db.session.get(StorySet, story_set.id).items] == [world["a"].id, later.id]
    assert set_service.refresh(host, story_set.id)[1] == []


def test_excerpts_are_chosen_and_shown_in_the_workshop_version_only(app, world):
    host, story = world["host"], world["a"]
    story_set = set_service.create_set(host, "Waiting", "What does waiting do?")
    item = set_service.add_item(host, story_set.id, story.id, quote="rejected twice: not ill enough, they said, so "
                                "[Person A] rang them himself.", note="Read slowly", prompt="Who decides?")
    tx.commit()
    rev = story.current_revision
    # Stored as offsets into the original revision, covering the whole name the label stands for.
    assert rev.body[item.start:item.end] == ("rejected twice: not ill enough, they said, so Delroy Campbell rang "
                                             "them himself.")
    card = render_cards(host, story_set)[0]
    assert card.text == "rejected twice: not ill enough, they said, so [Person A] rang them himself."
    assert "Delroy" not in card.text and "Delroy" not in card.title
    assert card.themes == ["Thresholds"] and card.prompt == "Who decides?"
    # An excerpt that cuts into a name shows the whole label, never half a name.
    cut = set_service.add_item(host, story_set.id, story.id, start=card.start + 47, end=card.end)
    tx.commit()
    assert render_cards(host, story_set)[1].text.startswith("[Person A] rang")
    assert rev.body[cut.start:cut.end].startswith("Delroy Campbell rang")
    # Words that occur twice: the selection's place decides which (a selection may start on a space).
    workshop = texts_of(story.id).body
    twice = set_service.add_item(host, story_set.id, story.id, quote=" [Person A]",
                                 start=workshop.rindex("[Person A]") - 1)
    assert (twice.start, twice.end) == (rev.body.rindex("Delroy Campbell"), rev.body.rindex("Delroy Campbell") + 15)
    with pytest.raises(InvalidInput, match="not in the workshop version"):
        set_service.add_item(host, story_set.id, story.id, quote="Delroy Campbell rang")
    with pytest.raises(InvalidInput, match="already in this set"):
        set_service.add_item(host, story_set.id, story.id, start=card.start, end=card.end)


def test_the_api_builds_a_set_with_workshop_offsets(app, world):
    host, story = world["host"], world["a"]
    api = api_client(app, host)
    created = api.post("/api/v1/sets", json={"title": "Thresholds", "question": "Where do thresholds shut people "
                                             "out?", "query": "theme:thresholds"})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["query"] == "theme:thresholds" and [i["story_id"] for i in body["items"]] == [story.id]
    workshop = api.get(f"/api/v1/stories/{story.id}/workshop").get_json()["body"]
    at = workshop.index("[Person A] rang")
    added = api.post(f"/api/v1/sets/{body['id']}/items", json={"story_id": world["b"].id})
    assert added.status_code == 201 and added.get_json()["kind"] == "story"
    excerpt = api.post(f"/api/v1/sets/{body['id']}/items", json={"story_id": story.id, "start": at,
                                                                 "end": at + 15, "note": "the neighbour"})
    assert excerpt.status_code == 201, excerpt.get_json()
    assert excerpt.get_json()["text"] == "[Person A] rang"
    assert (excerpt.get_json()["start"], excerpt.get_json()["end"]) == (at, at + 15)
    got = api.get(f"/api/v1/sets/{body['id']}").get_json()
    assert [i["kind"] for i in got["items"]] == ["story", "story", "excerpt"]
    assert "Delroy" not in str(got)
    assert got["items"][2]["note"] == "the neighbour" and got["items"][2]["card"] == f"{body['id']}-3"


BAD_SETS = [
    ({"question": "Q?"}, "Write the title"),
    ({"title": "T"}, "question the session serves"),
    ({"title": "T", "question": "Q?", "query": "theme:(("}, "saved search could not be read"),
    ({"title": "T", "question": "Q?", "colour": "red"}, "Unknown field"),
    ({"title": 3, "question": "Q?"}, "title is text"),
]
BAD_ITEMS = [
    ({}, "story_id"),
    ({"story_id": 1, "start": 5}, "both start and end"),
    ({"story_id": 1, "start": 9, "end": 3}, "end must come after start"),
    ({"story_id": 1, "start": 0, "end": 100000}, "past the end"),
    ({"story_id": 1, "start": "x", "end": 4}, "whole number"),
    ({"story_id": 1, "note": ["a"]}, "note is text"),
]


def test_bad_input_is_400_with_a_message_and_changes_nothing(app, world, login_as):
    api = api_client(app, world["host"])
    for payload, message in BAD_SETS:
        response = api.post("/api/v1/sets", json=payload)
        assert response.status_code == 400 and message in response.get_json()["error"], payload
    assert db.session.scalar(select(func.count()).select_from(StorySet)) == 0
    set_id = api.post("/api/v1/sets", json={"title": "T", "question": "Q?"}).get_json()["id"]
    for payload, message in BAD_ITEMS:
        if "story_id" in payload:
            payload = {**payload, "story_id": world["a"].id}
        response = api.post(f"/api/v1/sets/{set_id}/items", json=payload)
        assert response.status_code == 400 and message in response.get_json()["error"], response.get_json()
    assert db.session.scalar(select(func.count()).select_from(StorySetItem)) == 0
    # The pages re-render with the message and save nothing.
    client, _ = login_as(user=world["host"])
    token = csrf_token(client, "/sets")
    page = client.post("/sets", data={"csrf_token": token, "title": "", "question": "Q?"})
    assert page.status_code == 400 and "Write the title" in page.get_data(as_text=True)
    page = client.post(f"/sets/{set_id}/items", data={"csrf_token": token, "story_id": str(world["a"].id),
                                                      "quote": "words that are not there"})
    assert page.status_code == 400 and "not in the workshop version" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(StorySet)) == 1
    assert db.session.scalar(select(func.count()).select_from(StorySetItem)) == 0


def test_a_set_belongs_to_the_host_who_made_it(app, world, make_user, login_as):
    story_set = set_service.create_set(world["host"], "Mine", "Q?")
    set_service.add_item(world["host"], story_set.id, world["a"].id)
    tx.commit()
    other_host = make_user("host")
    with pytest.raises(NotFound):
        set_service.get_set(other_host, story_set.id)
    for user in (other_host, world["researcher"], world["teller"]):
        client, _ = login_as(user=user)
        for path in ("", "/cards", "/present", "/export.zip", "/refresh", "/sessions/new"):
            assert client.get(f"/sets/{story_set.id}{path}").status_code == 404, (user.roles, path)
        assert api_client(app, user).get(f"/api/v1/sets/{story_set.id}").status_code == 404
        assert api_client(app, user).post(f"/api/v1/sets/{story_set.id}/items",
                                    json={"story_id": world["a"].id}).status_code == 404
    # A host cannot add a story without an approved workshop version: it does not exist for them.
    unapproved = world["teller"]
    from storybank.archive.stories import submit_story
    from storybank.archive.validation import StoryDraft
    draft = submit_story(unapproved, StoryDraft(title="Draft", body="Not approved yet.", kind="lived_experience",
                                                consent={"research": True, "workshop": True}))
    tx.commit()
    with pytest.raises(NotFound):
        set_service.add_item(world["host"], story_set.id, draft.id)


def test_reorder_by_buttons_keys_and_drag_and_drop(app, world, login_as):
    host = world["host"]
    story_set = set_service.create_set(host, "Order", "Q?")
    first = set_service.add_item(host, story_set.id, world["a"].id)
    second = set_service.add_item(host, story_set.id, world["b"].id)
    third = set_service.add_item(host, story_set.id, world["a"].id, quote="a peer worker listened")
    tx.commit()
    client, _ = login_as(user=host)
    token = csrf_token(client, f"/sets/{story_set.id}")

    def order():
        db.session.expire_all()
        return [i.id for i in db.session.get(StorySet, story_set.id).items]

    client.post(f"/sets/{story_set.id}/items/{third.id}/move", data={"csrf_token": token, "direction": "up"})
    assert order() == [first.id, third.id, second.id]
    response = client.post(f"/sets/{story_set.id}/order", json={"order": [second.id, first.id, third.id]},
                           headers={"X-CSRFToken": token})
    assert response.status_code == 200 and order() == [second.id, first.id, third.id]
    assert client.post(f"/sets/{story_set.id}/order", json={"order": [second.id]},
                       headers={"X-CSRFToken": token}).status_code == 400
    assert client.post(f"/sets/{story_set.id}/order", json={"order": [first.id, second.id, third.id]}
                       ).status_code == 400  # no CSRF token
    assert order() == [second.id, first.id, third.id]
    # Card ids stay with their items when they move.
    assert [c.card_id for c in render_cards(host, db.session.get(StorySet, story_set.id))] == [
        f"{story_set.id}-2", f"{story_set.id}-1", f"{story_set.id}-3"]


def test_the_set_page_cards_presentation_and_export(app, world, login_as):
    host = world["host"]
    story_set = set_service.create_set(host, "Thresholds", "Where do thresholds shut people out?")
    set_service.add_item(host, story_set.id, world["a"].id, note="Start here")
    set_service.add_item(host, story_set.id, world["b"].id, prompt="Who holds the whole story?")
    tx.commit()
    client, _ = login_as(user=host)
    page = client.get(f"/sets/{story_set.id}").get_data(as_text=True)
    assert "Eleven weeks at the hub" in page and "Start here" in page and "Delroy" not in page
    sheet = client.get(f"/sets/{story_set.id}/cards").get_data(as_text=True)
    assert sheet.count('class="story-card') == 2 and "[Person A]" in sheet and "Delroy" not in sheet
    assert "Where do thresholds shut people out?" in sheet and "Who holds the whole story?" in sheet
    assert f"Card {story_set.id}-1" in sheet and "Thresholds" in sheet
    slide = client.get(f"/sets/{story_set.id}/present?at=2").get_data(as_text=True)
    assert "Hand-offs" in slide and 'id="slide-prev"' in slide and 'id="slide-next"' not in slide
    export = client.get(f"/sets/{story_set.id}/export.zip")
    with zipfile.ZipFile(io.BytesIO(export.data)) as archive:
        names = archive.namelist()
        assert "index.md" in names and len(names) == 3
        index = archive.read("index.md").decode()
        assert "Where do thresholds shut people out?" in index and "Hand-offs" in index
        text = "".join(archive.read(n).decode() for n in names)
    assert "[Person A]" in text and "Delroy" not in text and "Start here" in text


def test_a_revision_reanchors_excerpts_or_drops_them(app, world):
    host, story, teller = world["host"], world["a"], world["teller"]
    story_set = set_service.create_set(host, "Revised", "Q?")
    kept = set_service.add_item(host, story_set.id, story.id, quote="a peer worker listened")
    gone = set_service.add_item(host, story_set.id, story.id, quote="waited with me at the hub")
    tx.commit()
    revise_story(teller, story.id, body="It started in winter.\n\n" + BODY.split("\n\n", 1)[1])
    tx.commit()
    db.session.expire_all()
    story_set = db.session.get(StorySet, story_set.id)
    assert [i.id for i in story_set.items] == [kept.id] and story_set.excerpts_dropped == 1
    item = story_set.items[0]
    assert story.current_revision.body[item.start:item.end] == "a peer worker listened"
    assert gone.id not in {i.id for i in story_set.items}
    # Until the revised version is approved again, the excerpt is a placeholder for the host.
    assert render_cards(host, story_set)[0].placeholder == "unavailable"


def test_themes_on_an_excerpt_are_the_codes_it_touches(app, world):
    host, story, researcher = world["host"], world["a"], world["researcher"]
    start = story.current_revision.body.index("a peer worker")
    theme(researcher, story.id, "Peer support", start, start + 13)
    story_set = set_service.create_set(host, "Peers", "Q?")
    set_service.add_item(host, story_set.id, story.id, quote="a peer worker listened")
    set_service.add_item(host, story_set.id, story.id, quote="waited with me at the hub")
    tx.commit()
    cards = render_cards(host, story_set)
    assert cards[0].themes == ["Peer support", "Thresholds"]
    assert cards[1].themes == ["Thresholds"]
    assert code_id("Peer support")


def _span(start: int, end: int, label: str):
    from storybank.deid.models import ACCEPTED, IdentifierSpan

    return IdentifierSpan(part="body", start=start, end=end, original="", type="PERSON", decision=ACCEPTED,
                          descriptor=label)


def test_the_offset_map_never_cuts_a_replacement_and_counts_code_points():
    """Pure mapping, no database: names at the very start, side by side, at the end, and emoji before them."""
    from storybank.workshops.texts import WorkshopText, _pieces

    original = "Amy Lee 😞 met Bob and Cy at Oak Hill"
    spans = [_span(0, 7, "[Person A]"), _span(14, 17, "[Person B]"), _span(22, 24, "[Person C]"),
             _span(28, 36, "[Place 1]")]
    pieces, rendered = _pieces(original, spans)
    assert rendered == "[Person A] 😞 met [Person B] and [Person C] at [Place 1]"
    text = WorkshopText(1, 1, "", rendered, pieces)
    assert text.excerpt(0, len(original)) == rendered
    assert text.excerpt(2, 12) == "[Person A] 😞 me"  # starts inside a name: the whole label
    assert text.excerpt(15, 16) == "[Person B]"  # inside a name only
    assert text.excerpt(10, 13) == "met"  # after the emoji: code points, not UTF-16 units
    w0, w1 = text.to_workshop(10, 13)
    assert text.to_original(w0, w1) == (10, 13)
    start = rendered.index("[Person C]")
    assert text.to_original(start + 3, start + 5) == (22, 24)  # a selection inside a label is the whole name
    assert text.to_original(rendered.index("at"), len(rendered)) == (25, 36)
