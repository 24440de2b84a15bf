"""Work screens in headless Chromium: finding a code, coding in place, undo, readable units, review, cards."""
from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from browser.conftest import Browsing, LiveServer
from browser.test_journeys import _coding_world, assert_no_console_errors, select_text, sign_in

pytestmark = pytest.mark.browser


def test_find_a_code_filters_the_list_and_enter_ticks_the_code_shown(
    page: Page, browsing: Browsing, live_server: LiveServer, shot: Callable[[Page, str], None]
) -> None:
    story_id = _coding_world(live_server)
    sign_in(page, live_server.accounts["researcher"])
    page.goto(f"/research/stories/{story_id}/code")
    picker = page.locator("#code-picker")
    every = picker.locator("label").count()
    assert every > 30
    picker.evaluate("el => { el.scrollTop = el.scrollHeight; }")  # scrolled to the bottom of a long list
    page.get_by_label("Find a code").fill("hou")
    visible = picker.locator("label:visible")
    expect(visible).to_have_count(1)  # only "Housing" is left on screen, not just marked hidden
    expect(visible).to_contain_text("Housing")
    page.get_by_label("Find a code").press("Enter")
    housing = picker.get_by_label("Housing")
    expect(housing).to_be_checked()
    expect(housing).to_be_in_viewport()
    expect(page.locator("#code-filter-status")).to_have_text("Ticked Housing.")
    shot(page, "screens-find-a-code")
    page.get_by_label("Find a code").fill("no such code")
    expect(picker.locator("label:visible")).to_have_count(0)
    expect(page.locator("#code-filter-none")).to_have_text("No code is called “no such code”.")
    page.get_by_label("Find a code").fill("")
    expect(picker.locator("label:visible")).to_have_count(every)
    expect(housing).to_be_checked()  # clearing the filter keeps what was ticked
    select_text(page, "coding-text", "felt safer than the ward")
    page.get_by_role("button", name="Apply to selection").click()
    expect(page.locator("#margin-marks")).to_contain_text("Housing")
    assert_no_console_errors(browsing)
