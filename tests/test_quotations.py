"""Withdrawal reaches quotations of the story in what others wrote: insights, card notes, memos."""
from __future__ import annotations

from sets_helpers import workshop_story
from sqlalchemy import select

from storybank import tx
from storybank.archive.quotations import MARKER, remove_quotations, story_grams
from storybank.archive.withdrawal import withdraw_story
from storybank.coding.codebook import install_starter
from storybank.coding.memos import add_memo
from storybank.coding.models import Code, Memo
from storybank.extensions import db
from storybank.workshops.models import Insight, StorySetItem
from storybank.workshops.sessions import add_insight, record_session
from storybank.workshops.sets import add_item, create_set

QUOTED = "nobody rang me back for eleven long weeks, Quentinby"


class _Revision:
    def __init__(self, title: str, body: str) -> None:
        self.title, self.body = title, body


class _Story:
    def __init__(self, body: str) -> None:
        self.revisions = [_Revision("A title", body)]


def test_six_words_in_a_row_are_a_quotation_whatever_the_case_and_punctuation():
    grams = story_grams(_Story("Then nobody rang me back for eleven long weeks, and I gave up."))
    text, n = remove_quotations("She said: “Nobody rang me BACK for eleven long weeks!” It is common.", grams)
    assert n == 1
    assert text == f"She said: “{MARKER}!” It is common."
    # Five words in common are not a quotation; an empty text or story changes nothing.
    assert remove_quotations("nobody rang me back for a while", grams) == ("nobody rang me back for a while", 0)
    assert remove_quotations("", grams) == ("", 0)
    assert remove_quotations("anything at all here and there too", set()) == ("anything at all here and there too", 0)


def test_two_quotations_are_each_replaced_and_the_rest_kept():
    grams = story_grams(_Story("one two three four five six seven. alpha beta gamma delta epsilon zeta eta"))
    text, n = remove_quotations("Before one two three four five six, middle, alpha beta gamma delta epsilon zeta end",
                                grams)
    assert n == 2
    assert text == f"Before {MARKER}, middle, {MARKER} end"


def test_withdrawal_removes_quotations_from_insights_card_notes_and_memos(app, make_user, make_story):
    researcher = make_user("researcher")
    host = make_user("host")
    body = ("I went to the hub on a Tuesday. After the assessment " + QUOTED + ", and then the letter came.\n\n"
            "The peer worker listened to me.")
    story, teller = workshop_story(make_user, make_story, researcher, body=body, name=None)
    other, _ = workshop_story(make_user, make_story, researcher, title="Another", name=None)
    story_set = create_set(host, "Waiting", "Where does waiting hurt?")
    item = add_item(host, story_set.id, story.id, note=f"Read aloud: “{QUOTED}”.")
    add_item(host, story_set.id, other.id, note="Keep this one short.")
    tx.commit()
    session = record_session(host, story_set.id, "2026-11-30", "Community hub", 12)
    tx.commit()
    insight = add_insight(host, session.id, f"People kept coming back to “{QUOTED}”: waiting is the harm.",
                          links=[f"item:{item.id}"])
    install_starter(researcher)
    code_memo = add_memo(researcher, f"Typical of thresholds: {QUOTED}.",
                         code_id=db.session.scalar(select(Code.id).where(Code.name == "Thresholds")))
    unrelated = add_memo(researcher, "The peer worker listened, a theme across the site.", story_id=other.id)
    tx.commit()
    ids = {"insight": insight.id, "item": item.id, "code_memo": code_memo.id, "unrelated": unrelated.id}

    withdrawn = withdraw_story(teller, story.id)
    tx.commit()

    db.session.expire_all()
    assert withdrawn.removed_counts["insight_quotations"] == 1
    assert withdrawn.removed_counts["card_note_quotations"] == 1
    assert withdrawn.removed_counts["memo_quotations"] == 1
    kept_insight = db.session.get(Insight, ids["insight"])
    assert "Quentinby" not in kept_insight.text
    assert kept_insight.text.startswith(f"People kept coming back to “{MARKER}”: waiting is the harm.")
    assert "Quentinby" not in db.session.get(StorySetItem, ids["item"]).note
    assert db.session.get(Memo, ids["code_memo"]).text == f"Typical of thresholds: {MARKER}."
    assert db.session.get(Memo, ids["unrelated"]).text == "The peer worker listened, a theme across the site."
    everything = " ".join([*db.session.scalars(select(Insight.text)), *db.session.scalars(select(Memo.text)),
                           *db.session.scalars(select(StorySetItem.note))])
    assert "Quentinby" not in everything
