"""The story-set journey in Chromium: a host builds a set from a themed search, reorders it, prints the
cards to PDF (a withdrawn story is not in it), records a session insight, and a researcher finds it."""
from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from browser.conftest import Account, Browsing, LiveServer
from browser.test_journeys import assert_no_console_errors, select_text, sign_in

pytestmark = pytest.mark.browser

STORIES = [
    ("Eleven weeks", "I waited eleven weeks for Delroy Campbell to ring back from the team.\n\n"
                     "Nobody told me where I was on the list."),
    ("Not ill enough", "They said I was not ill enough for the team and too ill for the hub.\n\n"
                       "A peer worker listened in the end."),
    ("Hand-offs", "Every hand-off 😞 lost a piece of my story. Nobody held the whole of it.\n\n"
                  "They passed me on again. Nobody held the whole of it."),
    ("Gone soon", "WITHDRAWNCANARY words that must never be printed once I withdraw."),
]


def _world(live_server: LiveServer) -> dict[str, int]:
    from sets_helpers import approve, theme

    from storybank import tx
    from storybank.accounts.services import create_user, find_by_email
    from storybank.archive.stories import submit_story
    from storybank.archive.validation import StoryDraft

    live_server.accounts["host"] = Account("hana.host@example.org", "Hana")
    ids = {}
    with live_server.app.app_context():
        create_user(None, "hana.host@example.org", live_server.accounts["host"].password, ["host"], "Hana")
        teller = find_by_email(live_server.accounts["storyteller"].email)
        researcher = find_by_email(live_server.accounts["researcher"].email)
        tx.commit()
        for title, body in STORIES:
            story = submit_story(teller, StoryDraft(title=title, body=body, kind="lived_experience", site="Salford",
                                                    consent={"research": True, "workshop": True},
                                                    attribution="anonymous"))
            tx.commit()
            theme(researcher, story.id, "Thresholds")
            approve(researcher, teller, story.id, "Delroy Campbell" if "Delroy" in body else None)
            ids[title] = story.id
    return ids


def _withdraw(live_server: LiveServer, story_id: int) -> None:
    from storybank import tx
    from storybank.accounts.services import find_by_email
    from storybank.archive.withdrawal import withdraw_story

    with live_server.app.app_context():
        withdraw_story(find_by_email(live_server.accounts["storyteller"].email), story_id)
        tx.commit()


def _titles(page: Page) -> list[str]:
    return [t.strip() for t in page.locator("#set-items li .item-head strong").all_inner_texts()]


def test_a_host_builds_prints_and_uses_a_story_set(
    browsing: Browsing, live_server: LiveServer, shot: Callable[[Page, str], None]
) -> None:
    ids = _world(live_server)
    host = browsing.new_page()
    sign_in(host, live_server.accounts["host"])
    host.get_by_role("navigation", name="Main").get_by_role("link", name="Story sets").click()
    host.get_by_label("Title").fill("Thresholds")
    host.get_by_label("The question the session serves").fill("Where do thresholds shut people out?")
    host.get_by_label("Fill from a search (optional)").fill("theme:thresholds")
    host.get_by_role("button", name="Make the set").click()
    expect(host.locator(".flash")).to_contain_text("with 4 stories from the search")
    expect(host.locator("#set-items > li")).to_have_count(4)
    before = _titles(host)

    # Drag the last item to the top; the order is saved and survives a reload.
    items = host.locator("#set-items > li")
    host.set_viewport_size({"width": 1280, "height": 2400})  # all four in view: a drag that scrolls is another test
    items.nth(3).hover(position={"x": 12, "y": 12})
    host.mouse.down()
    for y in (12, 8, 5):  # a person's drag passes over the target more than once
        items.nth(0).hover(position={"x": 20, "y": y})
    host.mouse.up()
    expect(host.locator("#order-status")).to_contain_text("is now number 1")
    host.reload()
    expect(host.locator("#set-items li .item-head strong")).to_have_text([before[3], *before[:3]])
    # Keyboard: Alt+ArrowDown on a focused item moves it one place down.
    host.locator("#set-items > li").nth(0).focus()
    host.keyboard.press("Alt+ArrowDown")
    expect(host.locator("#order-status")).to_contain_text("is now number 2")
    host.reload()
    expect(host.locator("#set-items li .item-head strong")).to_have_text([before[0], before[3], *before[1:3]])
    # Without JavaScript too: the Move up button.
    host.locator("#set-items > li").nth(1).get_by_role("button", name="Move up").click()
    expect(host.locator("#set-items li .item-head strong")).to_have_text([before[3], before[0], *before[1:3]])

    # An excerpt chosen in the workshop version: the name is a label, never the original.
    host.get_by_label("Search workshop versions").fill("hand-off")
    host.get_by_role("button", name="Search").click()
    host.get_by_role("link", name="Choose an excerpt…").first.click()
    expect(host.get_by_role("heading", name="Choose an excerpt of “Hand-offs”")).to_be_visible()
    select_text(host, "excerpt-source", "Nobody held the whole of it.", last=True)
    expect(host.get_by_label("Words for the excerpt")).to_have_value("Nobody held the whole of it.")
    host.get_by_label("Prompt question (empty: the set's question)").fill("Who holds your story?")
    host.get_by_role("button", name="Add the excerpt").click()
    expect(host.locator(".flash")).to_contain_text("Added an excerpt")
    expect(host.locator("#set-items > li")).to_have_count(5)
    # The second of two identical sentences, after an emoji: the browser counted code points, as storybank does.
    with live_server.app.app_context():
        from sqlalchemy import select

        from storybank.archive.models import StoryRevision
        from storybank.extensions import db
        from storybank.workshops.models import StorySetItem

        item = db.session.scalar(select(StorySetItem).where(StorySetItem.start.is_not(None)))
        body = db.session.get(StoryRevision, item.revision_id).body
        assert (item.start, item.end) == (body.rindex("Nobody held"), len(body))
    assert "Delroy" not in host.content()
    shot(host, "set-page")

    # The teller withdraws one story: it leaves the set at once.
    _withdraw(live_server, ids["Gone soon"])
    host.reload()
    expect(host.locator("#set-items .placeholder")).to_have_count(1)
    expect(host.locator("#set-items .placeholder")).to_contain_text("A story was withdrawn by its teller.")

    # Print the cards to PDF: four A6 cards to an A4 page, no withdrawn text, no original names.
    host.get_by_role("link", name="Print story cards").click()
    expect(host.locator(".story-card")).to_have_count(4)
    card_ids = [t.strip() for t in host.locator(".story-card .card-id").all_inner_texts()]
    shot(host, "card-sheet")
    pdf = PdfReader(io.BytesIO(host.pdf(prefer_css_page_size=True, print_background=True)))
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert len(pdf.pages) == 1
    width, height = float(pdf.pages[0].mediabox.width), float(pdf.pages[0].mediabox.height)
    assert abs(width - 595) < 3 and abs(height - 842) < 3  # A4 in points
    assert sorted(re.findall(r"Card \d+-\d+", text)) == sorted(card_ids)
    assert "WITHDRAWNCANARY" not in text and "Gone soon" not in text and "Delroy" not in text
    assert "[Person A]" in text and "Who holds your story?" in text and "Thresholds" in text

    # Presentation: next and previous keys.
    host.go_back()
    host.get_by_role("link", name="Present").click()
    expect(host.locator(".slide-meta")).to_contain_text("1 of 4")
    shot(host, "presentation")
    for key, where in (("ArrowRight", "2 of 4"), ("ArrowLeft", "1 of 4"), ("Escape", None)):
        expect(host.locator("body[data-keys=ready]")).to_have_count(1)  # the page's keys are listening
        host.keyboard.press(key)
        if where:
            expect(host.locator(".slide-meta")).to_contain_text(where)
    expect(host.get_by_role("heading", name="Thresholds")).to_be_visible()

    # Record the session and an insight linked to a card and a theme.
    host.get_by_role("link", name="Record a session").click()
    host.get_by_label("Date").fill("2026-11-30")
    host.get_by_label("Place").fill("Brookside hub")
    host.get_by_label("How many took part").fill("12")
    host.get_by_role("button", name="Record the session").click()
    expect(host.get_by_role("heading", name="Session report: 30 November 2026")).to_be_visible()
    host.get_by_label("What came out of the session").fill("Waiting lists teach people to stop asking.")
    host.get_by_label(re.compile(r"story “Not ill enough”")).check()
    host.get_by_label("Themes it is about").select_option(label="Thresholds")
    host.get_by_role("button", name="Save the insight").click()
    expect(host.locator(".flash")).to_contain_text("Insight saved")
    expect(host.locator(".insight")).to_contain_text("Waiting lists teach people to stop asking.")

    # A researcher finds the insight from the story's page.
    researcher = browsing.new_page()
    sign_in(researcher, live_server.accounts["researcher"])
    researcher.goto(f"/stories/{ids['Not ill enough']}")
    expect(researcher.locator(".insights-beside")).to_contain_text("Waiting lists teach people to stop asking.")
    researcher.locator(".insights-beside").get_by_role("link", name="Session of 30 November 2026").click()
    expect(researcher.get_by_role("heading", name="Session report: 30 November 2026")).to_be_visible()
    expect(researcher.locator("table.facts")).to_contain_text("Brookside hub")

    # The teller sees the use: when and for what question, not who or where.
    teller = browsing.new_page()
    sign_in(teller, live_server.accounts["storyteller"])
    teller.goto(f"/stories/{ids['Not ill enough']}")
    expect(teller.locator(".workshop-uses")).to_contain_text(
        "Used in a workshop session on 30 November 2026 for the question “Where do thresholds shut people out?”")
    assert "Brookside" not in teller.content() and "Hana" not in teller.content()
    assert_no_console_errors(browsing)


def test_a_host_chooses_an_excerpt_with_the_keyboard_only(page: Page, browsing: Browsing, live_server: LiveServer
                                                          ) -> None:
    ids = _world(live_server)
    with live_server.app.app_context():
        from storybank import tx
        from storybank.accounts.services import find_by_email
        from storybank.workshops.sets import create_set

        story_set = create_set(find_by_email("hana.host@example.org"), "Hand-offs", "Who holds your story?")
        tx.commit()
        set_id = story_set.id
    sign_in(page, live_server.accounts["host"])
    page.goto(f"/sets/{set_id}/stories/{ids['Hand-offs']}/excerpt")
    expect(page.get_by_text("Keyboard: focus the text")).to_be_visible()
    page.locator("#excerpt-source").focus()
    selected = ""
    for _ in range(10):  # from the start, a word at a time, until the selection is past the emoji
        page.keyboard.press("Shift+ArrowRight")
        selected = page.evaluate("() => window.getSelection().toString()")
        if "😞" in selected:
            break
    assert selected.startswith("Every hand-off 😞"), selected
    expect(page.get_by_label("Words for the excerpt")).to_have_value(selected)
    page.get_by_role("button", name="Add the excerpt").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".flash")).to_contain_text("Added an excerpt")
    with live_server.app.app_context():
        from sqlalchemy import select

        from storybank.extensions import db
        from storybank.workshops.models import StorySetItem

        item = db.session.scalar(select(StorySetItem).where(StorySetItem.set_id == set_id))
        body = STORIES[2][1]
        assert body[item.start:item.end] == selected.strip()  # no replaced names here: the same code points
    assert_no_console_errors(browsing)
