"""axe-core in Chromium: no violations on any storyteller page, at desktop and phone widths, nor on the main
research and host pages.

axe runs from the vendored, unmodified axe.min.js (tests/browser/vendor/README.md says why), injected as an
init script so the pages' Content-Security-Policy stays on for everything else.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from browser.conftest import Account, Browsing, LiveServer
from browser.test_journeys import sign_in

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
# WCAG 2.1 A and AA, and axe's best practices (landmarks, one main heading, heading order …).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 800}}


def violations(page: Page) -> list[str]:
    found = page.evaluate("""async (tags) => {
        const result = await window.axe.run(document, {runOnly: {type: 'tag', values: tags}});
        return {passes: result.passes.length, violations: result.violations.map(v => v.id + ' (' + v.impact +
            '): ' + v.help + ' — ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))};
    }""", TAGS)
    assert found["passes"] > 10, "axe ran no checks"
    return list(found["violations"])


def check(page: Page, paths: list[str]) -> list[str]:
    failures = []
    for path in paths:
        for width, size in WIDTHS.items():
            page.set_viewport_size(size)
            response = page.goto(path)
            assert response is not None and response.status < 400, (path, response and response.status)
            failures += [f"{path} at {width}: {v}" for v in violations(page)]
            if width == "phone":
                wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
                    .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1
                                  && !el.closest('.table-scroll, pre'))
                    .slice(0, 3).map(el => el.tagName.toLowerCase() + '.' + el.className)""")
                if wide:
                    failures.append(f"{path} at {width}: wider than the screen: {wide}")
    return failures


def _world(live_server: LiveServer) -> dict[str, int]:
    from sets_helpers import approve, theme

    from storybank import tx
    from storybank.accounts.services import create_user, find_by_email
    from storybank.archive.claims import create_claim_link
    from storybank.archive.stories import enter_on_behalf, revise_story, submit_story
    from storybank.archive.validation import StoryDraft
    from storybank.archive.withdrawal import withdraw_story
    from storybank.deid import approval, decisions
    from storybank.workshops import sets as set_service

    live_server.accounts["host"] = Account("hana.host@example.org", "Hana")
    with live_server.app.app_context():
        host = create_user(None, "hana.host@example.org", live_server.accounts["host"].password, ["host"], "Hana")
        teller = find_by_email(live_server.accounts["storyteller"].email)
        researcher = find_by_email(live_server.accounts["researcher"].email)
        tx.commit()

        def tell(title: str, body: str) -> int:
            story = submit_story(teller, StoryDraft(
                title=title, body=body, kind="lived_experience", site="Salford",
                consent={"research": True, "workshop": True}, attribution="pseudonym"))
            tx.commit()
            return story.id

        shared = tell("Eleven weeks", "# Waiting\n\nI waited eleven weeks for Delroy Campbell to ring back.\n\n"
                                      "## After\n\nA *peer worker* listened in the end.")
        theme(researcher, shared, "Thresholds")
        approve(researcher, teller, shared, "Delroy Campbell")
        revised = tell("Told twice", "The first telling.")
        revise_story(teller, revised, "Told twice", "The second telling, with more in it.")
        tx.commit()
        waiting = tell("Not ill enough", "They said I was not ill enough, Delroy Campbell said so too.")
        decisions.review(researcher, waiting)
        decisions.add_identifier(researcher, waiting, "Delroy Campbell", "PERSON")
        decisions.accept_all(researcher, waiting)
        approval.send(researcher, waiting)
        tx.commit()
        gone = tell("Gone soon", "Words that go.")
        withdraw_story(teller, gone)
        tx.commit()
        story_set = set_service.create_set(host, "Thresholds", "Where do thresholds shut people out?", "")
        tx.commit()
        set_service.add_item(host, story_set.id, shared)
        tx.commit()
        entered = enter_on_behalf(researcher, StoryDraft(
            title="Told to a researcher", body="An interview.", kind="lived_experience",
            consent={"research": True}, attribution="anonymous", collection_method="interview"))
        tx.commit()
        _, claim_token = create_claim_link(researcher, entered.id)
        tx.commit()
        return {"claim": claim_token, "shared": shared, "revised": revised, "waiting": waiting, "gone": gone, "set": story_set.id}


def test_storyteller_pages_have_no_violations(page: Page, browsing: Browsing, live_server: LiveServer) -> None:
    ids = _world(live_server)
    page.context.add_init_script(path=str(AXE))
    failures = check(page, ["/", "/login", f"/claim/{ids['claim']}"])
    sign_in(page, live_server.accounts["storyteller"])
    s, r, w, g = ids["shared"], ids["revised"], ids["waiting"], ids["gone"]
    failures += check(page, [
        "/", "/stories", "/stories/new", f"/stories/{s}", f"/stories/{r}", f"/stories/{r}/edit",
        f"/stories/{r}/revisions/1", f"/stories/{s}/consent", f"/stories/{s}/withdraw", f"/stories/{w}/workshop",
        f"/stories/{s}/workshop", f"/stories/{g}", "/notices",
    ])
    assert failures == [], "\n".join(failures)


def test_main_research_and_host_pages_have_no_violations(page: Page, browsing: Browsing,
                                                         live_server: LiveServer) -> None:
    ids = _world(live_server)
    page.context.add_init_script(path=str(AXE))
    sign_in(page, live_server.accounts["researcher"])
    s = ids["shared"]
    failures = check(page, ["/research/stories", f"/stories/{s}", "/search?q=weeks", "/codebook",
                            f"/research/stories/{s}/code", "/analysis", "/research/workshop",
                            f"/research/stories/{s}/workshop", "/research/enter", "/sessions"])
    host = page.context.browser.new_context(base_url=live_server.url).new_page()
    host.context.add_init_script(path=str(AXE))
    sign_in(host, live_server.accounts["host"])
    failures += check(host, ["/search?q=weeks", "/sets", f"/sets/{ids['set']}", f"/workshop/stories/{s}"])
    host.context.close()
    assert failures == [], "\n".join(failures)
