"""Work screens in headless Chromium: finding a code, coding in place, undo, readable units, review, cards."""
from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from browser.conftest import Account, Browsing, LiveServer
from browser.test_journeys import EMOJI_STORY, _coding_world, assert_no_console_errors, select_text, sign_in

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


TRANSCRIPT_PARAGRAPHS = [
    f"Q{n}: And what happened after that, the {n}th time you asked for help at the surgery?\n\n"
    f"A{n}: I waited again, and the receptionist said there was nothing for me this week, number {n}."
    for n in range(1, 40)
]
FAR_DOWN = "the receptionist said there was nothing for me this week, number 31"


def _transcript_world(live_server: LiveServer, keywords: dict[str, str] | None = None) -> int:
    from storybank import tx
    from storybank.accounts.services import find_by_email
    from storybank.archive.stories import submit_story
    from storybank.archive.validation import StoryDraft
    from storybank.coding.codebook import install_starter
    from storybank.coding.models import Code
    from storybank.extensions import db

    with live_server.app.app_context():
        teller = find_by_email(live_server.accounts["storyteller"].email)
        story = submit_story(teller, StoryDraft(
            title="A long transcript", body="\n\n".join(TRANSCRIPT_PARAGRAPHS), kind="lived_experience",
            site="Salford", consent={"research": True, "workshop": False, "publication": False},
            attribution="anonymous"))
        install_starter(find_by_email(live_server.accounts["researcher"].email))
        for name, words in (keywords or {}).items():
            db.session.query(Code).filter_by(name=name).one().keywords = words
        tx.commit()
        return story.id


def _codings(live_server: LiveServer) -> list[tuple[str, int | None, int | None]]:
    from storybank.coding.models import Coding
    from storybank.extensions import db

    with live_server.app.app_context():
        return [(c.code.name, c.start, c.end) for c in db.session.query(Coding).order_by(Coding.id)]


def _mark_page(page: Page) -> None:
    """A mark that a reload would wipe: the page must still carry it after each action."""
    page.evaluate("() => { window.notReloaded = true; }")


def _not_reloaded(page: Page) -> bool:
    return page.evaluate("() => window.notReloaded === true")


def test_coding_happens_in_place_keeps_the_readers_place_and_undoes_the_last_action(
    page: Page, browsing: Browsing, live_server: LiveServer, shot: Callable[[Page, str], None]
) -> None:
    story_id = _transcript_world(live_server)
    sign_in(page, live_server.accounts["researcher"])
    page.goto(f"/research/stories/{story_id}/code")
    _mark_page(page)
    page.evaluate("""(target) => {  // scroll as a reader would, to a passage far down the transcript
        const node = document.createTreeWalker(document.getElementById('coding-text'), NodeFilter.SHOW_TEXT).nextNode();
        const range = document.createRange();
        const at = node.textContent.indexOf(target);
        range.setStart(node, at);
        range.setEnd(node, at + target.length);
        window.scrollTo(0, window.scrollY + range.getBoundingClientRect().top - 300);
    }""", FAR_DOWN)
    before = page.evaluate("() => window.scrollY")
    assert before > 1500, "the passage is far down a long transcript"
    select_text(page, "coding-text", FAR_DOWN)
    page.get_by_role("checkbox", name="Isolation").check()
    page.get_by_role("button", name="Apply to selection").click()
    expect(page.locator("#coding-message")).to_have_text("Coded.")
    expect(page.locator("#coding-text .coded")).to_have_text(FAR_DOWN)
    expect(page.locator("#margin-marks")).to_contain_text("Isolation")
    assert _not_reloaded(page)
    assert abs(page.evaluate("() => window.scrollY") - before) < 2, "the reader's place is kept"
    expect(page.get_by_role("checkbox", name="Isolation")).not_to_be_checked()  # ready for the next passage
    shot(page, "screens-coded-in-place")
    assert _codings(live_server) == [("Isolation", *_span(FAR_DOWN))]

    page.get_by_role("button", name="Undo coding Isolation").click()
    expect(page.locator("#coding-message")).to_have_text("Undone: coding Isolation.")
    expect(page.locator("#coding-text .coded")).to_have_count(0)
    expect(page.get_by_role("button", name="Undo", exact=False)).to_be_hidden()
    assert _codings(live_server) == []

    # Whole story, a memo on the coding, then remove it and undo the removal: the memo comes back too.
    page.get_by_role("checkbox", name="Hope", exact=True).check()
    page.get_by_role("button", name="Code the whole story").click()
    expect(page.locator("#margin-marks")).to_contain_text("Hope — whole story")
    item = page.locator("#margin-marks li", has_text="Hope")
    item.get_by_text("add a memo").click()
    item.get_by_label("Memo").fill("Hope runs through the whole interview")
    item.get_by_role("button", name="Save memo").click()
    expect(page.locator("#coding-message")).to_have_text("Memo saved.")
    expect(page.locator("#margin-marks .memo")).to_have_text("✎ Hope runs through the whole interview")
    page.get_by_role("button", name="Remove this coding: Hope").click()
    expect(page.locator("#coding-message")).to_contain_text("Coding removed.")
    expect(page.locator("#margin-marks")).to_contain_text("No codings yet.")
    page.locator("#coding-text").focus()
    page.keyboard.press("Control+z")
    expect(page.locator("#coding-message")).to_have_text("Undone: removing Hope.")
    expect(page.locator("#margin-marks")).to_contain_text("Hope — whole story")
    expect(page.locator("#margin-marks .memo")).to_have_text("✎ Hope runs through the whole interview")
    assert _codings(live_server) == [("Hope", None, None)]

    # A memo on the story, undone.
    memos = page.locator("#story-memos")
    memos.get_by_text("add a memo").click()
    memos.get_by_label("Memo").fill("Thirty-nine times he asked")
    memos.get_by_role("button", name="Save memo").click()
    expect(memos.locator(".memo")).to_have_text("✎ Thirty-nine times he asked")
    page.get_by_role("button", name="Undo the memo").click()
    expect(memos.locator(".memo")).to_have_count(0)
    assert _not_reloaded(page)
    assert abs(page.evaluate("() => window.scrollY") - before) < 2
    assert_no_console_errors(browsing)


def _span(text: str) -> tuple[int, int]:
    body = "\n\n".join(TRANSCRIPT_PARAGRAPHS)
    at = body.index(text)
    return at, at + len(text)


def test_suggestions_are_decided_in_place_and_a_decision_can_be_undone(
    page: Page, browsing: Browsing, live_server: LiveServer
) -> None:
    story_id = _transcript_world(live_server, {"GP": "receptionist"})
    sign_in(page, live_server.accounts["researcher"])
    page.goto(f"/research/stories/{story_id}/code")
    _mark_page(page)
    suggestions = page.locator("#suggestion-list .suggestion")
    total = suggestions.count()
    assert total >= 2
    suggestions.nth(0).focus()
    page.keyboard.press("a")
    expect(page.locator("#coding-message")).to_have_text("Accepted: now one of your codings.")
    expect(suggestions).to_have_count(total - 1)
    expect(suggestions.nth(0)).to_be_focused()  # on to the next, without a reload
    assert len(_codings(live_server)) == 1
    page.get_by_role("button", name="Undo accepting GP").click()
    expect(page.locator("#coding-message")).to_have_text("Undone: accepting GP.")
    expect(suggestions).to_have_count(total)  # open again
    expect(page.locator("#coding-text .coded")).to_have_count(0)
    assert _codings(live_server) == []
    suggestions.nth(1).focus()
    page.keyboard.press("r")
    expect(page.locator("#suggestions")).to_contain_text("You rejected 1 suggestion here.")
    page.get_by_role("button", name="Undo rejecting GP").click()
    expect(page.locator("#suggestions")).not_to_contain_text("You rejected")
    expect(suggestions).to_have_count(total)
    assert _not_reloaded(page)
    assert_no_console_errors(browsing)


def test_the_coding_forms_still_work_without_javascript(browsing: Browsing, live_server: LiveServer) -> None:
    story_id = _transcript_world(live_server)
    context = browsing.browser.new_context(base_url=live_server.url, java_script_enabled=False)
    browsing.contexts.append(context)
    page = context.new_page()
    sign_in(page, live_server.accounts["researcher"])
    page.goto(f"/research/stories/{story_id}/code")
    page.get_by_role("checkbox", name="Hope", exact=True).check()
    page.get_by_role("button", name="Code the whole story").click()
    expect(page.locator(".flash")).to_have_text("Coded.")
    expect(page.locator("#margin-marks")).to_contain_text("Hope — whole story")
    page.get_by_role("button", name="Remove this coding: Hope").click()
    expect(page.locator(".flash")).to_have_text("Coding removed.")
    assert _codings(live_server) == []


MARKDOWN_STORY = ("# The waiting\n\nI was **very** tired 😔 and _alone_.\n"
                  "- the forms\n- the phone line\n\nThen the hub opened.")


def _select_source(page: Page, start: int, end: int) -> None:
    """Select code points [start, end) of the source, whatever spans the text is cut into, then mouse-up."""
    page.evaluate("""([start, end]) => {
        const box = document.getElementById('coding-text');
        function at(offset) {
            for (const span of box.querySelectorAll('span[data-start]')) {
                const a = +span.dataset.start, b = +span.dataset.end;
                if (offset >= a && offset < b || offset === b && offset === end) {
                    const units = Array.from(span.firstChild.textContent).slice(0, offset - a).join('').length;
                    return [span.firstChild, units];
                }
            }
            throw new Error('offset not found');
        }
        const range = document.createRange();
        range.setStart(...at(start));
        range.setEnd(...at(end));
        const sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
        box.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
    }""", [start, end])


def test_the_coding_page_shows_markdown_lightened_and_offsets_stay_in_the_source(
    page: Page, browsing: Browsing, live_server: LiveServer, shot: Callable[[Page, str], None]
) -> None:
    from storybank import tx
    from storybank.accounts.services import find_by_email
    from storybank.archive.stories import submit_story
    from storybank.archive.validation import StoryDraft
    from storybank.coding.codebook import install_starter

    with live_server.app.app_context():
        story = submit_story(find_by_email(live_server.accounts["storyteller"].email), StoryDraft(
            title="Marked up", body=MARKDOWN_STORY, kind="lived_experience", site="Salford",
            consent={"research": True, "workshop": False, "publication": False}, attribution="anonymous"))
        install_starter(find_by_email(live_server.accounts["researcher"].email))
        tx.commit()
        story_id = story.id
    sign_in(page, live_server.accounts["researcher"])
    page.goto(f"/research/stories/{story_id}/code")
    text = page.locator("#coding-text")
    heading = text.locator(".md-h1")
    expect(heading).to_have_text("The waiting\n")
    size = heading.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    body_size = text.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    assert size > body_size * 1.3, "the heading reads as a heading"
    expect(text.locator(".md-strong")).to_have_text("very")
    expect(text.locator(".md-em")).to_have_text("alone")
    marks = text.locator(".md-mark")
    assert marks.first.evaluate("el => getComputedStyle(el).color") != text.evaluate("el => getComputedStyle(el).color")
    assert text.text_content() == MARKDOWN_STORY  # the source, every character where it is
    shot(page, "screens-lightened-markdown")
    # Across the bold marks and past an emoji: the coding's offsets are code points into the source.
    start = MARKDOWN_STORY.index("very**")
    end = MARKDOWN_STORY.index(" and _alone")
    _select_source(page, start, end)
    expect(page.locator("#selection-status")).to_contain_text(f"Selected {end - start} characters")
    page.get_by_role("checkbox", name="Isolation").check()
    page.get_by_role("button", name="Apply to selection").click()
    expect(page.locator("#margin-marks q")).to_have_text("very** tired 😔")
    item = MARKDOWN_STORY.index("the forms")
    _select_source(page, item, item + len("the forms"))
    page.get_by_role("checkbox", name="Thresholds").check()
    page.get_by_role("button", name="Apply to selection").click()
    expect(page.locator("#margin-marks")).to_contain_text("Thresholds")
    with live_server.app.app_context():
        from storybank.coding.models import Coding
        from storybank.extensions import db

        got = sorted((c.start, c.end) for c in db.session.query(Coding))
    assert got == [(start, end), (item, item + len("the forms"))]
    expect(text.locator(".coded")).to_have_count(4)  # "very", "**", " tired 😔" (cut at the marks), "the forms"
    assert_no_console_errors(browsing)


SENTENCE = "The letter said I was on the list, and then nothing came for weeks while I waited by the phone. "
CARD_STORIES = [
    ("A very long wait", SENTENCE * 40),  # far beyond one card: cut at the limit
    ("Medium", SENTENCE * 5),
    ("Short", "A peer worker listened."),
    ("Another long one", SENTENCE * 30),
    ("Fifth", SENTENCE * 2),
]


def _set_world(live_server: LiveServer) -> int:
    from sets_helpers import approve, theme

    from storybank import tx
    from storybank.accounts.services import create_user, find_by_email
    from storybank.archive.stories import submit_story
    from storybank.archive.validation import StoryDraft
    from storybank.workshops.sets import add_item, create_set

    live_server.accounts["host"] = Account("hana.host@example.org", "Hana")
    with live_server.app.app_context():
        host = create_user(None, "hana.host@example.org", live_server.accounts["host"].password, ["host"], "Hana")
        teller = find_by_email(live_server.accounts["storyteller"].email)
        researcher = find_by_email(live_server.accounts["researcher"].email)
        tx.commit()
        story_set = create_set(host, "Waiting", "Where does waiting shut people out?")
        tx.commit()
        for title, body in CARD_STORIES:
            story = submit_story(teller, StoryDraft(title=title, body=body, kind="lived_experience", site="Salford",
                                                    consent={"research": True, "workshop": True},
                                                    attribution="anonymous"))
            tx.commit()
            theme(researcher, story.id, "Thresholds")
            approve(researcher, teller, story.id, None)
            add_item(host, story_set.id, story.id, note="Read it aloud, slowly.")
            tx.commit()
        return story_set.id


def test_presentation_scrolls_a_long_card_before_moving_on(
    page: Page, browsing: Browsing, live_server: LiveServer, shot: Callable[[Page, str], None]
) -> None:
    set_id = _set_world(live_server)
    sign_in(page, live_server.accounts["host"])
    page.goto(f"/sets/{set_id}/present")
    expect(page.locator(".slide-meta")).to_contain_text("1 of 5")
    expect(page.locator("body[data-keys=ready]")).to_have_count(1)
    shot(page, "screens-presentation-long")
    more = "() => document.documentElement.scrollHeight - window.scrollY - window.innerHeight > 2"
    presses = 0
    while page.evaluate(more):
        before = page.evaluate("() => window.scrollY")
        page.keyboard.press("PageDown" if presses % 2 else " ")  # a clicker sends either
        page.wait_for_function("(b) => window.scrollY > b", arg=before)  # more of the same card, not the next
        expect(page.locator(".slide-meta")).to_contain_text("1 of 5")
        presses += 1
        assert presses < 30
    assert presses >= 2, "a long card takes several presses before the next"
    page.keyboard.press(" ")  # at its end: the next card
    expect(page.locator(".slide-meta")).to_contain_text("2 of 5")
    expect(page.get_by_role("heading", level=1)).to_have_text("Medium")
    page.keyboard.press("PageUp")  # at the top of a card: back to the previous one
    expect(page.locator(".slide-meta")).to_contain_text("1 of 5")
    assert_no_console_errors(browsing)


def test_cards_are_at_least_11_pt_larger_when_short_and_print_four_to_an_a4_page(
    page: Page, browsing: Browsing, live_server: LiveServer, shot: Callable[[Page, str], None]
) -> None:
    import io
    import re

    from pypdf import PdfReader

    set_id = _set_world(live_server)
    sign_in(page, live_server.accounts["host"])
    page.goto(f"/sets/{set_id}/cards")
    cards = page.locator(".story-card")
    expect(cards).to_have_count(5)
    shot(page, "screens-card-sheet")
    page.emulate_media(media="print")
    sizes = page.evaluate("""() => [...document.querySelectorAll('.story-card')].map(card => {
        const pt = el => parseFloat(getComputedStyle(el).fontSize) * 0.75;  // CSS px to points
        const text = card.querySelector('.card-text');
        return {title: card.querySelector('h2').textContent, text: pt(text), note: pt(card.querySelector('.note')),
                prompt: pt(card.querySelector(".prompt")), overflow: text.scrollHeight - text.clientHeight,
                height: text.clientHeight};
    })""")
    by_title = {s["title"]: s for s in sizes}
    for s in sizes:
        assert min(s["text"], s["note"], s["prompt"]) >= 11, s
        assert s["overflow"] <= 1, f"the text of “{s['title']}” does not fit its card: {s}"
    assert by_title["Short"]["text"] > by_title["Medium"]["text"] > by_title["A very long wait"]["text"]
    pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True, print_background=True)))
    assert len(pdf.pages) == 2
    for sheet in pdf.pages:
        width, height = float(sheet.mediabox.width), float(sheet.mediabox.height)
        assert abs(width - 595) < 3 and abs(height - 842) < 3  # A4 in points
    per_page = [len(re.findall(r"Card \d+-\d+", sheet.extract_text())) for sheet in pdf.pages]
    assert per_page == [4, 1]
    assert "…" in pdf.pages[0].extract_text()  # the long story is cut at a word, and says so
    assert_no_console_errors(browsing)


REVIEW_STORY = ("My neighbour Delroy Campbell drove me to the hub on a wet Tuesday.\n\n"
                "The crisis team at Hollybank never rang back, so Delroy waited with me all afternoon.\n\n"
                "Later Maria Lopez from Brookside Surgery rang 07700 900123 and wrote to jo@example.org.\n\n"
                + "We waited and waited, and nothing came for weeks. " * 40)


def test_identifiers_are_decided_in_place_in_a_compact_table(
    page: Page, browsing: Browsing, live_server: LiveServer, shot: Callable[[Page, str], None]
) -> None:
    from storybank import tx
    from storybank.accounts.services import find_by_email
    from storybank.archive.stories import submit_story
    from storybank.archive.validation import StoryDraft

    with live_server.app.app_context():
        story = submit_story(find_by_email(live_server.accounts["storyteller"].email), StoryDraft(
            title="Waiting with Delroy", body=REVIEW_STORY, kind="lived_experience", site="Salford",
            consent={"research": True, "workshop": True, "publication": False}, attribution="anonymous"))
        tx.commit()
        story_id = story.id
    sign_in(page, live_server.accounts["researcher"])
    page.goto(f"/research/stories/{story_id}/workshop")
    rows = page.locator("table.identifiers tbody tr")
    assert rows.count() >= 3
    heights = rows.evaluate_all("rows => rows.map(r => r.getBoundingClientRect().height)")
    shot(page, "screens-identifier-review")
    assert max(heights) < 60, f"one compact line per identifier: {heights}"
    expect(rows.first.locator('input[name="descriptor"]')).to_be_hidden()  # until a descriptor is chosen
    shot(page, "screens-identifier-review")
    _mark_page(page)
    first = rows.nth(0)
    first_words = first.locator("td").nth(1).inner_text()
    first.scroll_into_view_if_needed()
    page.evaluate("() => window.scrollBy(0, -120)")
    where = first.evaluate("r => r.getBoundingClientRect().top")
    pending = page.locator("#ident-heading").inner_text()
    first.get_by_role("button", name=f"Accept “{first_words}”").click()
    expect(first).to_have_class("decision-accepted")
    expect(page.locator(".flash")).to_have_text("Decision saved.")
    assert _not_reloaded(page)
    assert abs(first.evaluate("r => r.getBoundingClientRect().top") - where) < 2, "the row stays where it was"
    expect(page.locator("#ident-heading")).not_to_have_text(pending)
    # The keyboard is on the next identifier still to decide (accepting a name may decide its other mentions).
    second_id = page.locator("table.identifiers tr.decision-proposed").first.get_attribute("id")
    second = page.locator(f"#{second_id}")
    second_words = second.locator("td").nth(1).inner_text()
    expect(second.get_by_role("button", name=f"Accept “{second_words}”")).to_be_focused()
    page.keyboard.press("Tab")  # from Accept to Reject, then press it
    expect(second.get_by_role("button", name=f"Reject “{second_words}”")).to_be_focused()
    page.keyboard.press("Enter")
    expect(second).to_have_class("decision-rejected")
    expect(page.locator(".workshop-preview")).not_to_contain_text(first_words)
    expect(page.locator(".workshop-preview")).to_contain_text(second_words)
    # A descriptor is written in place too.
    third = page.locator("#" + page.locator("table.identifiers tr.decision-proposed").first.get_attribute("id"))
    third.locator('select[name="replacement"]').select_option("descriptor")
    expect(third.locator('input[name="descriptor"]')).to_be_focused()
    page.keyboard.type("a northern town")
    third_words = third.locator("td").nth(1).inner_text()
    third.get_by_role("button", name=f"Accept “{third_words}”").click()
    expect(third).to_contain_text("a northern town")
    expect(page.locator(".workshop-preview")).to_contain_text("a northern town")
    assert _not_reloaded(page)
    assert_no_console_errors(browsing)


def test_context_and_charts_name_what_a_researcher_needs(
    page: Page, browsing: Browsing, live_server: LiveServer, shot: Callable[[Page, str], None]
) -> None:
    from storybank import tx
    from storybank.accounts.services import create_user, find_by_email
    from storybank.coding.codings import apply_coding
    from storybank.coding.memos import add_memo
    from storybank.coding.models import Code
    from storybank.extensions import db

    story_id = _coding_world(live_server)
    with live_server.app.app_context():
        rosa = find_by_email(live_server.accounts["researcher"].email)
        ken = create_user(None, "ken@example.org", "another long passphrase", ["researcher"], "Ken")
        codes = {c.name: c.id for c in db.session.query(Code)}
        first = EMOJI_STORY.index("The café")
        for coder in (rosa, ken):
            apply_coding(coder, story_id, codes["Thresholds"], 0, 7)
            apply_coding(coder, story_id, codes["Peer support"], first, first + 8)
        apply_coding(ken, story_id, codes["Hope"], 0, 7)
        coding = apply_coding(rosa, story_id, codes["Informal spaces"], first, first + 8)
        add_memo(rosa, "The café as a place of support", coding_id=coding.id)
        tx.commit()
        ken_id = ken.id
    sign_in(page, live_server.accounts["researcher"])

    page.goto("/memos")
    expect(page.locator("tbody tr").first).to_contain_text("coding Informal spaces in Emoji and all")
    shot(page, "screens-memos")
    page.goto("/search?show=excerpts&q=theme:hope")
    expect(page.locator(".excerpt-results li")).to_have_count(1)
    expect(page.locator(".excerpt-coder")).to_have_text("coded by Ken")

    page.goto("/analysis")
    heat = page.locator("figure.heatmap svg")
    expect(heat.locator(".legend")).to_contain_text("Times together:")
    expect(heat.locator("title", has_text="Thresholds + Peer support: 1")).to_have_count(1)
    expect(heat.locator("title", has_text="Access + Thresholds: left out")).to_have_count(1)
    assert {"1", "–"} <= set(heat.locator(".cell-count").all_text_contents())
    heat.scroll_into_view_if_needed()
    shot(page, "screens-analysis-heatmap")

    page.goto("/codebook/agreement")
    chart = page.locator("svg.chart")
    ticks = chart.locator("text[text-anchor=middle]").all_text_contents()
    assert ticks[0] != "-1" and ticks[-1] == "1", ticks
    shot(page, "screens-agreement-chart")
    browsing.expect_error_page(f"{live_server.url}/codebook/agreement?coder={ken_id}&coder=x")
    response = page.goto(f"/codebook/agreement?coder={ken_id}&coder=x")
    assert response is not None and response.status == 400
    expect(page.get_by_text("coder must be a coder’s id", exact=False).or_(
        page.get_by_text("coder must be a coder's id", exact=False))).to_be_visible()
    assert_no_console_errors(browsing)
