"""The workshop-version journey in Chromium: a researcher reviews, the teller approves, a host reads."""
from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from browser.conftest import Account, Browsing, LiveServer
from browser.test_journeys import assert_no_console_errors, select_text, sign_in

pytestmark = pytest.mark.browser

STORY = ("My neighbour Delroy Campbell drove me to the hub on a wet Tuesday.\n\n"
         "The crisis team at Hollybank never rang back, so Delroy waited with me all afternoon.")


def _world(live_server: LiveServer) -> int:
    from storybank import tx
    from storybank.accounts.services import create_user, find_by_email
    from storybank.archive.stories import submit_story
    from storybank.archive.validation import StoryDraft

    live_server.accounts["host"] = Account("hana.host@example.org", "Hana")
    with live_server.app.app_context():
        create_user(None, "hana.host@example.org", live_server.accounts["host"].password, ["host"], "Hana")
        teller = find_by_email(live_server.accounts["storyteller"].email)
        story = submit_story(teller, StoryDraft(
            title="Waiting with Delroy", body=STORY, kind="lived_experience", site="Salford",
            consent={"research": True, "workshop": True, "publication": False}, attribution="anonymous"))
        tx.commit()
        return story.id


def test_a_workshop_version_is_reviewed_approved_by_its_teller_and_read_by_a_host(
    browsing: Browsing, live_server: LiveServer, shot: Callable[[Page, str], None]
) -> None:
    story_id = _world(live_server)

    researcher = browsing.new_page()
    sign_in(researcher, live_server.accounts["researcher"])
    researcher.goto(f"/stories/{story_id}")
    researcher.get_by_role("link", name="Workshop version", exact=True).click()
    expect(researcher.get_by_role("heading", name="Workshop version of “Waiting with Delroy”")).to_be_visible()
    expect(researcher.locator("#deid-text .ident.proposed").first).to_be_visible()
    # Hollybank is a service the model may miss: the researcher selects it and marks it.
    select_text(researcher, "deid-text", "Hollybank")
    expect(researcher.get_by_label("Words to replace")).to_have_value("Hollybank")
    researcher.get_by_label("Kind of identifier").select_option("ORG")
    researcher.get_by_role("button", name="Mark and replace").click()
    expect(researcher.locator(".flash")).to_contain_text("Marked 1 mention")
    accept_all = researcher.locator("button", has_text="Accept all")
    if accept_all.is_enabled():
        accept_all.click()
        expect(researcher.locator(".flash")).to_contain_text("Accepted")
    preview = researcher.locator(".workshop-preview")
    expect(preview).to_contain_text("[Person A]")
    expect(preview).not_to_contain_text("Delroy")
    expect(preview).not_to_contain_text("Hollybank")
    shot(researcher, "workshop-review")
    researcher.get_by_role("button", name="Send to the storyteller for approval").click()
    expect(researcher.locator(".flash")).to_contain_text("sent to the storyteller")

    # A host cannot read it yet.
    host = browsing.new_page()
    sign_in(host, live_server.accounts["host"])
    browsing.expect_error_page(f"{live_server.url}/workshop/stories/{story_id}")
    assert host.goto(f"/workshop/stories/{story_id}").status == 404

    teller = browsing.new_page()
    sign_in(teller, live_server.accounts["storyteller"])
    teller.get_by_role("navigation", name="Main").get_by_role("link", name="My stories").click()
    teller.get_by_role("link", name="workshop version waiting for your approval").click()
    expect(teller.get_by_role("heading", name="Your words")).to_be_visible()
    expect(teller.locator(".before-after")).to_contain_text("Delroy Campbell")
    expect(teller.locator(".before-after")).to_contain_text("[Person A]")
    shot(teller, "workshop-teller")
    teller.get_by_role("button", name="Approve this version for workshops").click()
    expect(teller.locator(".flash")).to_contain_text("Workshop hosts can now read")

    host.goto("/search?q=crisis&purpose=workshop")
    result = host.locator(".result-title a")
    expect(result).to_have_count(1)
    expect(host.locator("main")).not_to_contain_text("Delroy")
    result.click()
    expect(host.locator("article")).to_contain_text("[Person A] drove me")
    expect(host.locator("article")).not_to_contain_text("Delroy")
    expect(host.locator("article")).not_to_contain_text("Hollybank")
    assert_no_console_errors(browsing)
