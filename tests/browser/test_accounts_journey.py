"""A researcher protects their account: two-factor sign-in set up from the account page, then a recovery code."""
from __future__ import annotations

import re

import pyotp
import pytest
from playwright.sync_api import Page, expect

from browser.conftest import Browsing, LiveServer
from browser.test_journeys import go_to, sign_in

pytestmark = pytest.mark.browser


def test_two_factor_from_set_up_to_a_recovery_code(live_server: LiveServer, browsing: Browsing, page: Page,
                                                    shot) -> None:
    account = live_server.accounts["researcher"]
    sign_in(page, account)
    go_to(page, "Your account")
    page.get_by_role("link", name="Set up two-factor sign-in").click()
    expect(page.locator("figure.qr svg")).to_be_visible()  # the QR code draws under the page's CSP
    shot(page, "two-factor-setup")
    secret = page.get_by_label("Key").input_value()
    page.get_by_label("The six-digit code your app shows").fill("000000")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("alert")).to_contain_text("That code is not right")
    page.get_by_label("The six-digit code your app shows").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{8}", c) for c in codes)

    page.get_by_role("button", name=f"Sign out ({account.email})").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in").click()
    page.get_by_label("Email").fill(account.email)
    page.get_by_label("Password").fill(account.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="One more step")).to_be_visible()
    page.get_by_label("Code from your authenticator app, or a recovery code").fill(codes[0])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name=f"Sign out ({account.email})")).to_be_visible()
    go_to(page, "Your account")
    expect(page.get_by_text("Recovery codes left: 9")).to_be_visible()
    assert browsing.csp_violations() == []
