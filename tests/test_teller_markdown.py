"""Markdown everywhere a story is read: headings survive, the approval page shows both versions rendered with
the replacements highlighted, set pages render safely, and attribution reads in words."""
from __future__ import annotations

import re

from sets_helpers import workshop_story

from storybank import tx
from storybank.archive.render import render_markdown
from storybank.archive.render_marked import render_marked
from storybank.deid import approval, decisions
from storybank.workshops import sets as set_service

BODY = ("# Waiting\n\nMy neighbour Delroy Campbell waited with me for **eleven weeks**.\n\n"
        "## After\n\nA peer worker listened. <script>alert(1)</script> [link](javascript:alert(1))")


def test_every_heading_level_survives_the_sanitiser():
    for level in range(1, 7):
        assert f"<h{level}>Waiting</h{level}>" in render_markdown("#" * level + " Waiting\n\ntext")
    assert "<h1>B</h1>" in render_markdown("B\n=")


def test_the_story_page_and_revisions_render_headings(app, login_as, make_story):
    client, teller = login_as("storyteller")
    story = make_story(teller, body=BODY)
    page = client.get(f"/stories/{story.id}").get_data(as_text=True)
    assert "<h1>Waiting</h1>" in page and "<h2>After</h2>" in page and "<strong>eleven weeks</strong>" in page
    assert "# Waiting" not in page and "<script>alert" not in page and "javascript:" not in page
    assert "<h1>Waiting</h1>" in client.get(f"/stories/{story.id}/revisions/1").get_data(as_text=True)


def test_marks_become_highlights_inside_the_rendered_markdown():
    html = render_marked([("# Waiting\n\nMy neighbour ", False), ("Delroy Campbell", True),
                          (" waited **eleven", False), (" weeks** there", True), (".", False)], "replaced")
    assert html.startswith("<h1>Waiting</h1>")
    assert '<mark class="ident replaced">Delroy Campbell</mark>' in html
    assert "<strong>eleven<mark" in html  # a mark that crosses emphasis is nested properly, not dropped
    # The teller's own text cannot forge a highlight or smuggle markup through the sentinels.
    forged = render_marked([("\ue000<b onclick=x>hi</b>\ue001 <mark class=x>", False)], "marked")
    assert "<mark" not in forged and "onclick" not in forged


def test_the_approval_page_renders_both_versions_with_the_replacements_highlighted(app, login_as, make_user,
                                                                                   make_story):
    researcher = make_user("researcher")
    client, teller = login_as("storyteller")
    story = make_story(teller, body=BODY, consent={"research": True, "workshop": True})
    decisions.review(researcher, story.id)
    decisions.add_identifier(researcher, story.id, "Delroy Campbell", "PERSON")
    decisions.accept_all(researcher, story.id)
    approval.send(researcher, story.id)
    tx.commit()
    page = client.get(f"/stories/{story.id}/workshop").get_data(as_text=True)
    before, after = page.split("What workshops will see", 1)
    assert before.count("<h1>Waiting</h1>") == 1 and after.count("<h1>Waiting</h1>") == 1
    assert '<mark class="ident marked">Delroy Campbell</mark>' in before
    assert re.search(r'<mark class="ident replaced">\[Person [A-Z]\]</mark>', after)
    assert "Delroy" not in after
    assert "# Waiting" not in page and "**eleven" not in page and "<script>alert" not in page


def test_set_page_cards_and_presentation_render_markdown_safely(app, login_as, make_user, make_story):
    researcher = make_user("researcher")
    host = make_user("host")
    story, _ = workshop_story(make_user, make_story, researcher, body=BODY)
    story_set = set_service.create_set(host, "Thresholds", "Where do thresholds shut people out?")
    set_service.add_item(host, story_set.id, story.id)
    tx.commit()
    client, _ = login_as(user=host)
    for path in (f"/sets/{story_set.id}", f"/sets/{story_set.id}/cards", f"/sets/{story_set.id}/present",
                 f"/workshop/stories/{story.id}"):
        page = client.get(path).get_data(as_text=True)
        assert "<h1>Waiting</h1>" in page and "<strong>eleven weeks</strong>" in page, path
        assert "# Waiting" not in page and "**eleven" not in page and "<script>alert" not in page, path
        assert "javascript:" not in page and "Delroy" not in page, path


def test_attribution_is_said_in_words(app, login_as, make_story):
    client, teller = login_as("storyteller")
    story = make_story(teller, attribution="pseudonym")
    page = client.get(f"/stories/{story.id}").get_data(as_text=True)
    assert "If your words are quoted, they are shown with <strong>a made-up name</strong>" in page
    assert ">pseudonym<" not in page
    researcher, _ = login_as("researcher")
    assert "If quoted, attribute to: <strong>a made-up name</strong>" in researcher.get(
        f"/stories/{story.id}").get_data(as_text=True)
