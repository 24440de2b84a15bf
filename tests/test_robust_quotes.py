"""Short traces go with a withdrawn story too: the teller's names, names found in it, its rare words.

A two-word quotation ("Grace said") identifies as well as a long one; memos, insights, card
notes, prompts and set titles lose every occurrence, exports made afterwards hold none, and
the tombstone says how many passages went from each place.
"""
from __future__ import annotations

import io
import zipfile

from sets_helpers import workshop_story
from sqlalchemy import select

from storybank import tx
from storybank.archive.quotations import RARE_MIN_STORIES, WORD_MARKER
from storybank.archive.withdrawal import withdraw_story
from storybank.coding.codebook import install_starter
from storybank.coding.memos import add_memo
from storybank.coding.models import Code, Memo
from storybank.extensions import db
from storybank.workshops.cards import export_zip
from storybank.workshops.models import Insight, StorySet, StorySetItem
from storybank.workshops.sessions import add_insight, record_session
from storybank.workshops.sets import add_item, create_set

BODY = ("My neighbour Grace Adeyemi waited with me at the hub for eleven weeks.\n\n"
        "We met every Thursday at the Quillfeather café, and she listened.")
SECRETS = ("Maya", "Okafor", "Grace", "Adeyemi", "Quillfeather")


def test_names_and_rare_words_leave_every_place_and_the_tombstone_counts_them(app, make_user, make_story,
                                                                             login_as):
    researcher = make_user("researcher")
    host = make_user("host")
    teller = make_user("storyteller", name="Maya Okafor")
    story, _ = workshop_story(make_user, make_story, researcher, teller=teller, title="Waiting with a neighbour",
                              body=BODY, name="Grace Adeyemi")
    for i in range(RARE_MIN_STORIES):  # an archive large enough for "rare" to mean something
        make_story(title=f"Another story {i}", body=f"My neighbour took me to the hub, week {i}. The café helped.")
    story_set = create_set(host, "Grace and the hub", "What did Maya find at the Quillfeather?")
    item = add_item(host, story_set.id, story.id, note="Ask about Grace.", prompt="Who is your Quillfeather?")
    tx.commit()
    session = record_session(host, story_set.id, "2026-11-30", "Community hub", 12)
    tx.commit()
    insight = add_insight(host, session.id, "Okafor's neighbour made the hub feel safe.", links=[f"item:{item.id}"])
    install_starter(researcher)
    memo = add_memo(researcher, "Thresholds, as Maya put it: Grace helped where the hub could not.",
                    code_id=db.session.scalar(select(Code.id).where(Code.name == "Thresholds")))
    tx.commit()
    ids = {"set": story_set.id, "item": item.id, "insight": insight.id, "memo": memo.id}

    withdrawn = withdraw_story(teller, story.id)
    tx.commit()
    db.session.expire_all()

    assert db.session.get(Memo, ids["memo"]).text == (
        f"Thresholds, as {WORD_MARKER} put it: {WORD_MARKER} helped where the hub could not.")
    assert db.session.get(Insight, ids["insight"]).text == f"{WORD_MARKER}'s neighbour made the hub feel safe."
    kept = db.session.get(StorySetItem, ids["item"])
    assert (kept.note, kept.prompt) == (f"Ask about {WORD_MARKER}.", f"Who is your {WORD_MARKER}?")
    kept_set = db.session.get(StorySet, ids["set"])
    assert kept_set.title == f"{WORD_MARKER} and the hub"
    assert kept_set.question == f"What did {WORD_MARKER} find at the {WORD_MARKER}?"
    counts = withdrawn.removed_counts
    assert counts["memo_quotations"] == 2 and counts["insight_quotations"] == 1
    assert counts["card_note_quotations"] == 1 and counts["card_prompt_quotations"] == 1
    assert counts["set_title_quotations"] == 3

    _name, data = export_zip(host, kept_set)
    exported = " ".join(zipfile.ZipFile(io.BytesIO(data)).read(n).decode() for n in zipfile.ZipFile(
        io.BytesIO(data)).namelist())
    everything = " ".join([*db.session.scalars(select(Insight.text)), *db.session.scalars(select(Memo.text)),
                           *db.session.scalars(select(StorySetItem.note)), *db.session.scalars(select(StorySet.title)),
                           *db.session.scalars(select(StorySet.question)), exported])
    for secret in SECRETS:
        assert secret not in everything, secret
    assert "hub" in everything and "neighbour" in everything  # ordinary words stay

    client, _ = login_as(user=teller)
    page = client.get(f"/stories/{withdrawn.id}").get_data(as_text=True)
    assert "quotations, names and rare words of it in story-set titles and questions" in page


def test_in_a_small_archive_only_names_and_long_quotations_go(app, make_user, make_story):
    researcher = make_user("researcher")
    teller = make_user("storyteller", name="Maya Okafor")
    story, _ = workshop_story(make_user, make_story, researcher, teller=teller, body=BODY, name="Grace Adeyemi")
    install_starter(researcher)
    # "the Quillfeather café" is an organisation de-identification finds; "listened" is a word of the story.
    memo = add_memo(researcher, "Maya met Grace at the Quillfeather, who listened.",
                    code_id=db.session.scalar(select(Code.id).where(Code.name == "Thresholds")))
    tx.commit()
    memo_id = memo.id
    withdraw_story(teller, story.id)
    tx.commit()
    db.session.expire_all()
    assert db.session.get(Memo, memo_id).text == f"{WORD_MARKER} met {WORD_MARKER} at the {WORD_MARKER}, who listened."
