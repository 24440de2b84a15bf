"""Quasi-identifiers are flagged on the review page and never replaced on their own."""
from __future__ import annotations

from storybank.deid import quasi, reading


def test_flags_a_rare_job_the_only_one_and_a_named_event():
    text = ("I work as a lollipop man outside the school, and I'm the only one in Radcliffe who's done it for "
            "twenty years. We met at the Mossley Carnival. I had a cup of tea.")
    reasons = {f.text: f.reason for f in quasi.flags(text, [])}
    assert any("lollipop man" in t for t in reasons)
    assert any(t.startswith("the only one") for t in reasons)
    assert "Mossley Carnival" in reasons
    assert not any("cup of tea" in t for t in reasons)


def test_the_review_page_flags_an_exact_age_with_a_small_place_and_replaces_nothing(app, login_as, make_story):
    client, researcher = login_as("researcher")
    story = make_story(title="The bench", body="I'm the last steelworker on our street. I was 58 when we moved "
                                               "to Mossley, and the Mossley Carnival was where I met her.")
    page = client.get(f"/research/stories/{story.id}/workshop")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "A local reader could still recognise" in html
    assert "an exact age with a small place (Mossley)" in html
    assert "a named event" in html and "the last steelworker on our street" in html
    assert "steelworker" in reading.render(story)[1]  # flagged, not replaced


def test_a_plain_story_has_no_flags(app, login_as, make_story):
    client, _researcher = login_as("researcher")
    story = make_story(title="Waiting", body="I waited eleven weeks for the first appointment.")
    html = client.get(f"/research/stories/{story.id}/workshop").get_data(as_text=True)
    assert "A local reader could still recognise" not in html
