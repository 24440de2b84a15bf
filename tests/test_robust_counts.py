"""Counts only count what the viewer may see: a teller who narrows consent leaves every count at once."""
from __future__ import annotations

import re

from storybank import tx
from storybank.archive.consent import change_consent
from storybank.coding import codebook
from storybank.coding.codings import apply_coding


def test_codebook_counts_only_stories_the_researcher_may_read(app, make_user, make_story, login_as):
    client, researcher = login_as("researcher")
    hope = codebook.create_code(researcher, "Hope")
    tellers = [make_user("storyteller") for _ in range(3)]
    stories = [make_story(teller) for teller in tellers]
    for story in stories:
        apply_coding(researcher, story.id, hope.id)
    tx.commit()
    page = client.get("/codebook").get_data(as_text=True)
    assert re.search(r"<strong>Hope</strong> <span class=\"count\">3 codings</span>", page)
    for teller, story in zip(tellers[:2], stories[:2], strict=True):
        change_consent(teller, story.id, {"research": False})  # the codings stay, out of reach
    tx.commit()
    page = client.get("/codebook").get_data(as_text=True)
    assert re.search(r"<strong>Hope</strong> <span class=\"count\">1 coding</span>", page), page
    assert codebook.delete_preview(researcher, hope.id)["codings"] == 1
    assert "1 coding on the stories you may read" in client.get(f"/codebook/{hope.id}/delete").get_data(as_text=True)
    other = codebook.create_code(researcher, "Other")
    tx.commit()
    assert codebook.merge_preview(researcher, hope.id, other.id)["codings"] == 1
    page = client.get(f"/codebook/{hope.id}/merge?target_id={other.id}").get_data(as_text=True)
    assert "1 coding and" in page
