"""The exchange journey in Chromium: a researcher imports a project from another tool, its teller claims
the story and consents to research, and the researcher's export then carries it."""
from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from browser.conftest import Browsing, LiveServer
from browser.test_journeys import assert_no_console_errors, go_to, sign_in

pytestmark = pytest.mark.browser
SAMPLE = Path(__file__).resolve().parents[2].parent / "shared" / "refi-qda" / "samples" / "hand-authored"


def _qdpx(folder: Path) -> Path:
    path = folder / "sample-study.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(SAMPLE / "project.qde", "project.qde")
        for source in (SAMPLE / "sources").iterdir():
            archive.write(source, f"sources/{source.name}")
    return path


def test_researcher_imports_a_project_and_exports_it_once_its_teller_consents(
    page: Page, browsing: Browsing, live_server: LiveServer, tmp_path: Path, shot: Callable[[Page, str], None]
) -> None:
    sign_in(page, live_server.accounts["researcher"])
    go_to(page, "Exchange")
    expect(page.get_by_role("heading", name="Exchange with other tools")).to_be_visible()
    expect(page.locator(".notice")).to_contain_text("cannot reach files already handed out")
    shot(page, "exchange-1-page")
    page.get_by_label("Project file").set_input_files(str(_qdpx(tmp_path)))
    page.get_by_role("button", name="Import").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Imported project: Sample Study")
    expect(page.get_by_role("status")).to_contain_text("1 story, 2 codings, 1 memo")
    expect(page.get_by_role("link", name="Interview 1.txt")).to_be_visible()
    shot(page, "exchange-2-project")
    page.get_by_role("button", name="Make a claim link").click()
    link = page.get_by_label("Claim link").input_value()

    teller = browsing.new_page()
    teller.goto(link)
    teller.get_by_label("Your name").fill("Sam")
    teller.get_by_label("Email").fill("sam@example.org")
    teller.get_by_label("Choose a password").fill("a long enough passphrase")
    teller.get_by_role("button", name="Create account and claim").click()
    expect(teller.get_by_role("heading", level=1)).to_have_text("Interview 1.txt")
    expect(teller.locator(".consent-state")).to_contain_text("Research: no")
    teller.get_by_role("link", name="Change consent", exact=True).click()
    teller.get_by_label("Research: the research team may read and code my story").check()
    teller.get_by_role("button", name="Save consent").click()
    expect(teller.locator(".consent-state")).to_contain_text("Research: yes")

    go_to(page, "Exchange")
    expect(page.get_by_text("1 story you may read for research")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Coded project (.qdpx)").click()
    with zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes())) as archive:
        texts = [archive.read(n).decode() for n in archive.namelist()]
    assert "Diet and health are closely linked in this interview." in texts
    assert 'guid="40000000-0000-0000-0000-000000000001"' in texts[0]  # the source keeps the file's GUID

    assert_no_console_errors(browsing)
