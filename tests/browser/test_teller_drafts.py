"""A teller's words survive: drafts saved as they type, and a session that ends mid-story."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from browser.conftest import Browsing, LiveServer
from browser.test_journeys import sign_in

pytestmark = pytest.mark.browser

FIRST = "The clock in the waiting room had stopped at twenty past nine."
MORE = " Nobody came to say why."


def _sign_in_here(page: Page, live_server: LiveServer) -> None:
    account = live_server.accounts["storyteller"]
    page.get_by_label("Email").fill(account.email)
    page.get_by_label("Password").fill(account.password)
    page.get_by_role("button", name="Sign in").click()


def test_the_draft_is_saved_as_the_teller_types_and_is_there_after_a_reload(page: Page, browsing: Browsing,
                                                                            live_server: LiveServer) -> None:
    sign_in(page, live_server.accounts["storyteller"])
    page.goto("/stories/new")
    page.get_by_label("Title").fill("The stopped clock")
    page.locator("#body").press_sequentially(FIRST, delay=5)
    expect(page.locator(".draft-status")).to_contain_text("Draft saved at")
    page.reload()
    expect(page.locator("#body")).to_have_value(FIRST)
    expect(page.get_by_role("status").first).to_contain_text("This is the draft you were writing")
    assert browsing.console_errors == []


def test_a_session_that_ends_mid_story_loses_nothing(page: Page, browsing: Browsing,
                                                     live_server: LiveServer) -> None:
    sign_in(page, live_server.accounts["storyteller"])
    page.goto("/stories/new")
    page.get_by_label("Title").fill("The stopped clock")
    page.locator("#body").press_sequentially(FIRST, delay=5)
    expect(page.locator(".draft-status")).to_contain_text("Draft saved at")
    browsing.expect_error_page(f"{live_server.url}/stories/new/draft")
    browsing.expect_error_page(f"{live_server.url}/stories/new")
    page.context.clear_cookies()  # the session ends while the teller writes
    page.locator("#body").press_sequentially(MORE, delay=5)
    expect(page.locator(".draft-status")).to_contain_text("Your text is kept in this browser tab")
    page.get_by_role("button", name="Save story").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Your text is safe: sign in again")
    _sign_in_here(page, live_server)
    expect(page.get_by_role("heading", name="Tell your story")).to_be_visible()
    expect(page.locator("#body")).to_have_value(FIRST + MORE)
    expect(page.get_by_label("Title")).to_have_value("The stopped clock")


def test_signing_in_from_the_menu_after_the_session_ended_brings_the_text_back(page: Page, browsing: Browsing,
                                                                               live_server: LiveServer) -> None:
    sign_in(page, live_server.accounts["storyteller"])
    page.goto("/stories/new")
    page.locator("#body").press_sequentially(FIRST, delay=5)
    expect(page.locator(".draft-status")).to_contain_text("Draft saved at")
    browsing.expect_error_page(f"{live_server.url}/stories/new/draft")
    page.context.clear_cookies()
    page.locator("#body").press_sequentially(MORE, delay=5)
    expect(page.locator(".draft-status")).to_contain_text("Your text is kept in this browser tab")
    sign_in(page, live_server.accounts["storyteller"])  # from the start page, in the same tab
    page.goto("/stories/new")
    expect(page.locator("#body")).to_have_value(FIRST + MORE)
    expect(page.locator(".draft-status")).to_contain_text("Draft saved at")  # and on the server again
    page.reload()
    expect(page.locator("#body")).to_have_value(FIRST + MORE)
