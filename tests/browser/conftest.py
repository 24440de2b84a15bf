"""A live storybank on SQLite, served from a thread, and headless Chromium to walk it.

The browser tests are skipped, with the reason shown, when Chromium is not installed.
Pages time out after a few seconds, so a broken page fails fast instead of hanging.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import PASSWORD, make_app, shared_password_hash
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, WebError, expect, sync_playwright
from werkzeug.serving import make_server

from storybank import tx
from storybank.accounts.services import create_user
from storybank.extensions import db

CHROMIUM = Path(os.environ.get("STORYBANK_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--disable-quic", "--no-first-run",
]
TIMEOUT_MS = 10_000
SHOTS = os.environ.get("STORYBANK_BROWSER_SHOTS")  # a folder outside the repo, e.g. /tmp/shots

expect.set_options(timeout=TIMEOUT_MS)


@dataclass
class Account:
    email: str
    name: str
    password: str = PASSWORD


@dataclass
class LiveServer:
    url: str
    app: Flask
    accounts: dict[str, Account] = field(default_factory=dict)


@pytest.fixture
def live_server(tmp_path: Path, sqlite_template: Path, postgres_url: str | None) -> Iterator[LiveServer]:
    """The app on a free port, with a storyteller and a researcher who can sign in."""
    app = make_app("sqlite", tmp_path, sqlite_template, postgres_url)
    accounts = {
        "storyteller": Account("maya@example.org", "Maya"),
        "researcher": Account("rosa.researcher@example.org", "Rosa"),
    }
    with app.app_context(), shared_password_hash():
        for role, account in accounts.items():
            create_user(None, account.email, account.password, [role], account.name)
        tx.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="storybank-live-server", daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = url  # claim and reset links point at this server, as STORYBANK_BASE_URL would
    try:
        yield LiveServer(url, app, accounts)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}: install the Debian package 'chromium' "
                    "(scripts/ensure-chromium.sh) to run the browser journeys")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Browsing:
    """Opens browser contexts (separate people, separate cookies) and notes what their consoles complain about."""

    browser: Browser
    base_url: str
    console_errors: list[str] = field(default_factory=list)
    contexts: list[BrowserContext] = field(default_factory=list)
    expected_error_pages: set[str] = field(default_factory=set)

    def new_page(self) -> Page:
        context = self.browser.new_context(base_url=self.base_url, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        context.on("console", self._console)
        context.on("weberror", self._uncaught)
        self.contexts.append(context)
        return context.new_page()

    def expect_error_page(self, url: str) -> None:
        """Chromium logs an error for every 4xx page; this one is meant to be refused."""
        self.expected_error_pages.add(url)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        url = message.location.get("url", "")
        if message.text.startswith("Failed to load resource") and url in self.expected_error_pages:
            return
        self.console_errors.append(f"{message.text} ({url})")

    def _uncaught(self, error: WebError) -> None:
        self.console_errors.append(f"uncaught: {error.error}")

    def csp_violations(self) -> list[str]:
        return [e for e in self.console_errors if "Content Security Policy" in e]

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def browsing(browser: Browser, live_server: LiveServer) -> Iterator[Browsing]:
    session = Browsing(browser, live_server.url)
    try:
        yield session
    finally:
        session.close()


@pytest.fixture
def page(browsing: Browsing) -> Page:
    """A page in a fresh context: no cookies, nobody signed in."""
    return browsing.new_page()


@pytest.fixture
def shot() -> Callable[[Page, str], None]:
    """Screenshot a page when STORYBANK_BROWSER_SHOTS names a folder; otherwise do nothing."""

    def take(page: Page, name: str) -> None:
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)

    return take
