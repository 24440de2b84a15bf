"""Journeys a real person takes, in headless Chromium, checking what they would notice on the page."""
from __future__ import annotations

import re
import uuid
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from browser.conftest import Account, Browsing, LiveServer

pytestmark = pytest.mark.browser


def canary() -> str:
    return f"canary-{uuid.uuid4().hex[:12]}"


def sign_in(page: Page, account: Account) -> None:
    """Through the login form, as a person would: start page, 'Sign in', email, password."""
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Email").fill(account.email)
    page.get_by_label("Password").fill(account.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name=f"Sign out ({account.email})")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Hello, {account.name}")).to_be_visible()


def go_to(page: Page, link: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name=link, exact=True).click()


def select_text(page: Page, box_id: str, target: str, last: bool = False) -> None:
    """Select words in a box as a person would with the mouse: a DOM range, then mouse-up.

    The first occurrence, or with `last` the last one (when words repeat).
    """
    page.evaluate("""([boxId, target, last]) => {
        const box = document.getElementById(boxId);
        const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
        let node, found = null;
        while ((node = walker.nextNode())) {
            const at = last ? node.textContent.lastIndexOf(target) : node.textContent.indexOf(target);
            if (at >= 0) {
                found = [node, at];
                if (!last) break;
            }
        }
        if (!found) { throw new Error('target text not found'); }
        const range = document.createRange();
        range.setStart(found[0], found[1]);
        range.setEnd(found[0], found[1] + target.length);
        const sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
        box.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
    }""", [box_id, target, last])


def assert_no_console_errors(browsing: Browsing) -> None:
    assert browsing.csp_violations() == [], "Content-Security-Policy violations"
    assert browsing.console_errors == [], "errors in the browser console"


def test_storyteller_tells_a_story_then_withdraws_it(
    page: Page, browsing: Browsing, live_server: LiveServer, shot: Callable[[Page, str], None]
) -> None:
    teller = live_server.accounts["storyteller"]
    secret = canary()
    title = f"Eleven weeks of waiting {secret}"
    sign_in(page, teller)

    go_to(page, "Tell a story")
    expect(page.get_by_role("heading", name="Tell your story")).to_be_visible()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Your story").fill(
        f"I waited *eleven weeks* for the first appointment.\n\n"
        f"The peer worker at the hub was the first person who listened. {secret}"
    )
    preview = page.locator("#preview")
    expect(preview.locator("em")).to_have_text("eleven weeks")
    expect(preview).to_contain_text(secret)
    expect(preview).not_to_contain_text("*eleven")

    page.get_by_label("Research: the research team may read and code my story").check()
    page.get_by_label("Workshop: a version without names may be read in sense-making workshops").check()
    expect(page.get_by_label("Publication: short quotations may appear in reports")).not_to_be_checked()
    page.get_by_label("Anonymous", exact=True).check()
    page.get_by_label("Waiting", exact=True).check()
    page.get_by_label("Peer support", exact=True).check()
    page.get_by_label("Community", exact=True).check()
    page.get_by_label("4", exact=True).check()
    shot(page, "1-tell-a-story")
    page.get_by_role("button", name="Save story").click()

    expect(page.get_by_role("status")).to_contain_text("Your story is saved")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator(".story-text em")).to_have_text("eleven weeks")
    expect(page.locator(".story-text")).to_contain_text(secret)
    consent = page.locator(".consent-state")
    expect(consent).to_contain_text("Research: yes")
    expect(consent).to_contain_text("Workshop: yes")
    expect(consent).to_contain_text("Publication: no")
    expect(consent).to_contain_text("If your words are quoted, they are shown with no name at all (anonymous)")
    shot(page, "2-story-page")
    story_url = page.url
    assert re.search(r"/stories/\d+$", story_url)

    # A researcher, in another browser, can read it while research consent stands.
    researcher = browsing.new_page()
    sign_in(researcher, live_server.accounts["researcher"])
    researcher.goto(story_url)
    expect(researcher.locator(".story-text")).to_contain_text(secret)

    page.get_by_role("link", name="Withdraw", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Withdraw")
    shot(page, "3-withdraw")
    browsing.expect_error_page(page.url)  # sent without the tick: refused with 400
    page.get_by_role("button", name="Withdraw and delete my story").click()
    expect(page.get_by_role("alert")).to_contain_text("Tick the box to confirm")
    page.get_by_label("I understand that my story's text will be deleted").check()
    page.get_by_role("button", name="Withdraw and delete my story").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("A withdrawn story")
    expect(page.get_by_role("status")).to_contain_text("Your story has been withdrawn")
    shot(page, "4-tombstone")
    assert secret not in page.content()

    go_to(page, "My stories")
    expect(page.get_by_role("heading", name="My stories")).to_be_visible()
    expect(page.get_by_role("link", name="A withdrawn story")).to_be_visible()
    shot(page, "5-my-stories")
    assert secret not in page.content()
    page.goto(story_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("A withdrawn story")
    assert secret not in page.content()

    browsing.expect_error_page(story_url)
    response = researcher.goto(story_url)
    assert response is not None and response.status == 404
    expect(researcher.get_by_role("heading", level=1)).to_have_text("Not found")
    assert secret not in researcher.content()
    go_to(researcher, "Browse stories")
    expect(researcher.get_by_role("heading", name="Stories for research")).to_be_visible()
    assert secret not in researcher.content()

    assert_no_console_errors(browsing)


def test_researcher_enters_a_story_and_its_teller_claims_it(
    page: Page, browsing: Browsing, live_server: LiveServer, shot: Callable[[Page, str], None]
) -> None:
    secret = canary()
    title = "Interview at the hub"
    sign_in(page, live_server.accounts["researcher"])

    go_to(page, "Enter a story")
    expect(page.get_by_role("heading", name="Enter a story on someone's behalf")).to_be_visible()
    page.get_by_label("Title").fill(title)
    page.get_by_label("The story (transcript)").fill(
        "Q: What happened when you first asked for help?\n\n"
        f"A: I was *passed between services* for months before anyone listened. {secret}"
    )
    expect(page.locator("#preview em")).to_have_text("passed between services")
    page.get_by_label("Where", exact=True).select_option("Salford")
    expect(page.get_by_label("How it was collected")).to_have_value("interview")
    page.get_by_label("Collected by").fill("Rosa, Salford research team")
    page.get_by_label("Collected on").fill("2024-05-14")
    page.get_by_label("Research: the research team may read and code my story").check()
    page.get_by_label("Use a made-up name", exact=True).check()
    shot(page, "6-enter-a-story")
    page.get_by_role("button", name="Save story").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Story saved: give this link to its teller")
    shot(page, "7-claim-link")
    link = page.get_by_label("Claim link").input_value()
    assert link.startswith(f"{live_server.url}/claim/")

    claimant = browsing.new_page()
    claimant.goto(link)
    expect(claimant.get_by_role("heading", level=1)).to_have_text("A story recorded with you is waiting for you")
    shot(claimant, "8-claim-page")
    claimant.get_by_label("Your name").fill("Sam")
    claimant.get_by_label("Email").fill("sam@example.org")
    claimant.get_by_label("Choose a password").fill("a long enough passphrase")
    claimant.get_by_role("button", name="Create account and claim").click()

    expect(claimant.get_by_role("status")).to_contain_text("the story is now yours")
    expect(claimant.get_by_role("button", name="Sign out (sam@example.org)")).to_be_visible()
    expect(claimant.get_by_role("heading", level=1)).to_have_text(title)
    expect(claimant.locator(".story-text em")).to_have_text("passed between services")
    expect(claimant.locator(".story-text")).to_contain_text(secret)
    expect(claimant.locator(".consent-state")).to_contain_text("Research: yes")
    for control in ("Revise", "Change consent", "Withdraw"):
        expect(claimant.get_by_role("link", name=control, exact=True)).to_be_visible()
    shot(claimant, "9-claimed-story")
    go_to(claimant, "My stories")
    expect(claimant.get_by_role("link", name=title)).to_be_visible()

    browsing.expect_error_page(link)
    for visitor in (claimant, browsing.new_page()):
        response = visitor.goto(link)
        assert response is not None and response.status == 410
        expect(visitor.get_by_role("alert")).to_contain_text("expired or has already been used")
        expect(visitor.get_by_role("button", name="Create account and claim")).to_have_count(0)
        assert secret not in visitor.content()
    shot(claimant, "10-used-link")

    assert_no_console_errors(browsing)


def test_console_listener_sees_content_security_policy_violations(page: Page, browsing: Browsing) -> None:
    """The journeys' 'no CSP violations' means something only if a violation would be seen, and blocked."""
    page.goto("/login")
    with page.expect_console_message(lambda message: "Content Security Policy" in message.text) as blocked:
        page.evaluate("""() => {
            const script = document.createElement("script");
            script.textContent = "window.inlineScriptRan = true";
            document.body.appendChild(script);
        }""")
    assert "inline script" in blocked.value.text
    assert page.evaluate("() => window.inlineScriptRan === undefined")
    assert browsing.csp_violations() != []


EMOJI_STORY = ("Waiting 😔😔 was the worst part 👩‍👩‍👧. The café near the hub — naïve of me — "
               "felt safer than the ward 🏥. Then Jo from the peer group rang 📞 and everything changed.")


def _coding_world(live_server: LiveServer) -> int:
    from storybank import tx
    from storybank.accounts.services import find_by_email
    from storybank.archive.stories import submit_story
    from storybank.archive.validation import StoryDraft
    from storybank.coding.codebook import install_starter

    with live_server.app.app_context():
        teller = find_by_email(live_server.accounts["storyteller"].email)
        story = submit_story(teller, StoryDraft(
            title="Emoji and all", body=EMOJI_STORY, kind="lived_experience", site="Salford",
            consent={"research": True, "workshop": False, "publication": False}, attribution="anonymous"))
        install_starter(find_by_email(live_server.accounts["researcher"].email))
        tx.commit()
        return story.id


def test_researcher_codes_an_excerpt_by_selecting_it(
    page: Page, browsing: Browsing, live_server: LiveServer, shot: Callable[[Page, str], None]
) -> None:
    story_id = _coding_world(live_server)
    sign_in(page, live_server.accounts["researcher"])
    page.goto(f"/stories/{story_id}")
    page.get_by_role("link", name="Code this story").click()
    expect(page.get_by_role("heading", name="Code “Emoji and all”")).to_be_visible()
    target = "felt safer than the ward 🏥"
    # Select the passage as a person would with the mouse: a DOM range over the visible text.
    select_text(page, "coding-text", target)
    expect(page.locator("#selection-status")).to_contain_text("Selected 26 characters")
    page.get_by_label("Find a code").fill("peer sup")
    page.get_by_label("Find a code").press("Enter")
    page.get_by_role("button", name="Apply to selection").click()
    expect(page.locator("#coding-message")).to_have_text("Coded.")
    expect(page.locator("#margin-marks")).to_contain_text("Peer support")
    expect(page.locator("#margin-marks q")).to_have_text(target)
    expect(page.locator("#coding-text .coded")).to_have_text(target)
    shot(page, "coding-excerpt")
    with live_server.app.app_context():
        from storybank.coding.models import Coding
        from storybank.extensions import db

        coding = db.session.query(Coding).one()
        assert EMOJI_STORY[coding.start:coding.end] == target  # code points, end exclusive
    assert_no_console_errors(browsing)


def test_researcher_codes_an_excerpt_with_the_keyboard_only(
    page: Page, browsing: Browsing, live_server: LiveServer
) -> None:
    story_id = _coding_world(live_server)
    sign_in(page, live_server.accounts["researcher"])
    page.goto(f"/research/stories/{story_id}/code")
    expect(page.get_by_text("Keyboard: focus the story text")).to_be_visible()
    page.locator("#coding-text").focus()
    for _ in range(3):
        page.keyboard.press("Shift+ArrowRight")  # from the start, a word at a time
    selected = page.evaluate("() => window.getSelection().toString()")
    assert selected.startswith("Waiting 😔"), selected  # past the emoji: offsets must count code points
    expect(page.locator("#selection-status")).to_contain_text(f"Selected {len(selected)} characters")
    page.keyboard.press("Tab")  # on to "Find a code"
    expect(page.get_by_label("Find a code")).to_be_focused()
    page.keyboard.type("hope")
    page.keyboard.press("Enter")  # ticks the first match
    expect(page.locator("#code-picker label:not([hidden]) input").first).to_be_checked()
    page.get_by_role("button", name="Apply to selection").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#coding-message")).to_have_text("Coded.")
    with live_server.app.app_context():
        from storybank.coding.models import Coding
        from storybank.extensions import db

        coding = db.session.query(Coding).one()
        assert EMOJI_STORY[coding.start:coding.end] == selected  # code points, whatever the emoji
    assert_no_console_errors(browsing)


def test_researcher_merges_two_codes(
    page: Page, browsing: Browsing, live_server: LiveServer, shot: Callable[[Page, str], None]
) -> None:
    story_id = _coding_world(live_server)
    with live_server.app.app_context():
        from storybank import tx
        from storybank.accounts.services import find_by_email
        from storybank.coding.codings import apply_coding
        from storybank.coding.models import Code
        from storybank.extensions import db

        researcher = find_by_email(live_server.accounts["researcher"].email)
        isolation = db.session.query(Code).filter_by(name="Isolation").one()
        apply_coding(researcher, story_id, isolation.id, 0, 7)
        tx.commit()
    sign_in(page, live_server.accounts["researcher"])
    go_to(page, "Codebook")
    page.locator("li", has_text="Isolation").get_by_role("link", name="Merge").click()
    page.get_by_label("Merge into").select_option(label="— Connection")
    page.get_by_role("button", name="Show what will change").click()
    expect(page.locator("#merge-preview")).to_contain_text("1 coding and 0 sub-codes will move")
    page.get_by_label("Merge them").check()
    page.get_by_role("button", name="Merge").click()
    expect(page.locator(".flash")).to_contain_text("Merged into “Connection”: 1 coding and")
    expect(page.locator(".codebook-tree")).not_to_contain_text("Isolation")
    expect(page.locator("li", has_text="Connection").locator(".count")).to_have_text("1 coding")
    shot(page, "codebook-merged")
    assert_no_console_errors(browsing)


def test_researcher_compares_two_coders(
    page: Page, browsing: Browsing, live_server: LiveServer, shot: Callable[[Page, str], None]
) -> None:
    story_id = _coding_world(live_server)
    with live_server.app.app_context():
        from storybank import tx
        from storybank.accounts.services import create_user, find_by_email
        from storybank.coding.codings import apply_coding
        from storybank.coding.models import Code
        from storybank.extensions import db

        rosa = find_by_email(live_server.accounts["researcher"].email)
        ken = create_user(None, "ken@example.org", "another long passphrase", ["researcher"], "Ken")
        peer = db.session.query(Code).filter_by(name="Peer support").one()
        hope = db.session.query(Code).filter_by(name="Hope").one()
        last = EMOJI_STORY.index("Then Jo")
        apply_coding(rosa, story_id, peer.id, last, len(EMOJI_STORY))   # both code the last sentence
        apply_coding(ken, story_id, peer.id, last, len(EMOJI_STORY))
        apply_coding(ken, story_id, hope.id, 0, 7)                      # only Ken codes the first
        tx.commit()
    sign_in(page, live_server.accounts["researcher"])
    page.goto(f"/research/stories/{story_id}/code")
    page.get_by_role("link", name="Compare coders").click()
    expect(page.locator("#disagreement-count")).to_have_text("1 of 3 sentences coded differently.")
    rows = page.locator("table.compare tbody tr")
    expect(rows.nth(0)).to_have_class("disagree")
    expect(rows.nth(0)).to_contain_text("Hope")
    expect(rows.nth(2)).not_to_have_class("disagree")
    expect(rows.nth(2).locator("td").nth(1)).to_contain_text("Peer support")
    expect(rows.nth(2).locator("td").nth(2)).to_contain_text("Peer support")
    shot(page, "compare-coders")
    assert_no_console_errors(browsing)


def test_researcher_accepts_and_rejects_suggestions_with_one_key(
    page: Page, browsing: Browsing, live_server: LiveServer, shot: Callable[[Page, str], None]
) -> None:
    story_id = _coding_world(live_server)
    with live_server.app.app_context():
        from storybank import tx
        from storybank.coding.models import Code
        from storybank.extensions import db

        db.session.query(Code).filter_by(name="Thresholds").one().keywords = "wait"
        db.session.query(Code).filter_by(name="Peer support").one().keywords = "peer group"
        tx.commit()
    sign_in(page, live_server.accounts["researcher"])
    page.goto(f"/research/stories/{story_id}/code")
    suggestions = page.locator("#suggestion-list .suggestion")
    expect(suggestions).to_have_count(2)
    expect(suggestions.nth(0)).to_contain_text("Thresholds")
    expect(suggestions.nth(0)).to_contain_text("suggested")
    expect(suggestions.nth(0).locator("mark")).to_have_text("Waiting")  # keyword "wait", matched on its lemma
    expect(page.locator("#coding-text .coded")).to_have_count(0)  # a suggestion is not a coding
    shot(page, "suggestions")
    suggestions.nth(0).focus()
    first_sentence = "Waiting 😔😔 was the worst part 👩‍👩‍👧."
    # The focused suggestion's sentence is highlighted in the story text (code points mapped past the emoji).
    highlighted = page.evaluate("() => [...CSS.highlights.get('storybank-suggestion')].map(r => r.toString())")
    assert highlighted == [first_sentence]
    page.keyboard.press("a")
    expect(page.locator("#coding-message")).to_have_text("Accepted: now one of your codings.")
    expect(page.locator("#coding-text .coded")).to_have_text(first_sentence)
    expect(page.locator("#margin-marks")).to_contain_text("Thresholds")
    # Focus moved on to the next suggestion, which took the accepted one's place.
    expect(suggestions).to_have_count(1)
    expect(suggestions.nth(0)).to_be_focused()
    expect(suggestions.nth(0)).to_contain_text("Peer support")
    page.keyboard.press("r")
    expect(page.locator("#coding-message")).to_contain_text("Rejected")
    expect(page.locator("#no-suggestions")).to_be_visible()
    expect(page.locator("#suggestions")).to_contain_text("You rejected 1 suggestion here.")
    shot(page, "suggestions-decided")
    with live_server.app.app_context():
        from storybank.coding.models import Coding
        from storybank.extensions import db

        coding = db.session.query(Coding).one()
        assert EMOJI_STORY[coding.start:coding.end] == first_sentence  # code points, end exclusive
    assert_no_console_errors(browsing)
