"""Honest withdrawal: the copies that left are listed, their holders are told, and a double click withdraws once."""
from __future__ import annotations

import html
import threading

from conftest import csrf_token
from flask import request
from sqlalchemy import func, select

from storybank import tx
from storybank.archive.models import Story
from storybank.archive.teller_models import WithdrawalNotice
from storybank.audit.models import AuditEvent
from storybank.extensions import db
from storybank.interop.qdpx_export import export_qdpx


def _withdrawals(story_id: int) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "story.withdrawn", AuditEvent.story_id == story_id)) or 0


def test_the_withdraw_page_lists_the_copies_that_left_and_what_cannot_be_recalled(app, login_as, make_story):
    teller_client, teller = login_as("storyteller")
    story = make_story(teller, title="Taken away words")
    page = teller_client.get(f"/stories/{story.id}/withdraw").get_data(as_text=True)
    assert "No copy of it has left storybank" in page
    researcher_client, researcher = login_as("researcher")
    export_qdpx(researcher)
    export_qdpx(researcher)
    tx.commit()
    page = html.unescape(teller_client.get(f"/stories/{story.id}/withdraw").get_data(as_text=True))
    assert "a researcher took a project file for qualitative-analysis software (NVivo, ATLAS.ti, MAXQDA, " \
           "QualCoder) (2 copies)." in page
    assert "It cannot delete copies that are already on someone else's computer or printed on paper" in page
    assert researcher.email not in page


def test_everyone_who_exported_it_is_told_and_the_teller_sees_that_they_were(app, login_as, make_story):
    teller_client, teller = login_as("storyteller")
    story = make_story(teller, title="Taken away words", body="Words that left in a project file.")
    exporter_client, exporter = login_as("researcher")
    reader_client, _ = login_as("researcher")
    export_qdpx(exporter)
    tx.commit()
    assert reader_client.get(f"/stories/{story.id}").status_code == 200  # read on screen: no copy left
    token = csrf_token(teller_client, f"/stories/{story.id}/withdraw")
    done = teller_client.post(f"/stories/{story.id}/withdraw", data={"csrf_token": token, "confirm": "y"})
    assert done.status_code == 302

    tombstone = teller_client.get(f"/stories/{story.id}").get_data(as_text=True)
    assert "storybank asked the one person who had taken a copy of it out of storybank to delete it in " \
           "storybank. They have not opened it yet." in html.unescape(tombstone)

    home = exporter_client.get("/").get_data(as_text=True)
    assert "Notices (1)" in home
    assert "Notices (" not in reader_client.get("/").get_data(as_text=True)
    notices = exporter_client.get("/notices").get_data(as_text=True)
    assert "Please delete your copy of a withdrawn story" in notices
    assert f"story {story.id} (in project files, source GUID" in notices
    assert "a project file for qualitative-analysis software" in notices
    assert "Taken away words" not in notices and "Words that left" not in notices
    assert "Notices (" not in exporter_client.get("/").get_data(as_text=True)  # read now
    assert "They have read the notice." in teller_client.get(f"/stories/{story.id}").get_data(as_text=True)


def test_a_second_click_withdraws_nothing_more_and_keeps_the_receipt(app, login_as, make_story):
    client, teller = login_as("storyteller")
    story = make_story(teller)
    token = csrf_token(client, f"/stories/{story.id}/withdraw")
    for _ in range(2):
        response = client.post(f"/stories/{story.id}/withdraw", data={"csrf_token": token, "confirm": "y"})
        assert response.status_code == 302 and response.location.endswith(f"/stories/{story.id}")
    assert _withdrawals(story.id) == 1
    assert db.session.get(Story, story.id).removed_counts["revisions"] == 1
    page = client.get(f"/stories/{story.id}").get_data(as_text=True)
    assert "<th>versions of the text</th><td>1</td>" in page
    assert client.get(f"/stories/{story.id}/withdraw").status_code == 302  # nothing left to withdraw


def test_two_withdrawals_at_the_same_moment_make_one(app, login_as, make_story):
    """A double click: two requests in flight together, both past the 'is it still active?' check."""
    both_in = threading.Barrier(2, timeout=10)

    @app.before_request
    def _meet() -> None:  # both requests start together, as a double click's do
        if request.path.endswith("/withdraw") and request.method == "POST":
            both_in.wait()

    client, teller = login_as("storyteller")
    story = make_story(teller)
    exporter_client, exporter = login_as("researcher")
    export_qdpx(exporter)
    tx.commit()
    token = csrf_token(client, f"/stories/{story.id}/withdraw")

    statuses: list[int] = []

    def click() -> None:
        statuses.append(client.post(f"/stories/{story.id}/withdraw",
                                    data={"csrf_token": token, "confirm": "y"}).status_code)

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert statuses == [302, 302]
    assert _withdrawals(story.id) == 1
    assert db.session.get(Story, story.id).removed_counts["revisions"] == 1
    assert db.session.scalar(select(func.count()).select_from(WithdrawalNotice)) == 1


def test_a_hosts_set_download_and_card_sheet_are_copies_too(app, login_as, make_user, make_story):
    from sets_helpers import workshop_story

    from storybank.workshops import sets as set_service

    researcher = make_user("researcher")
    story, teller = workshop_story(make_user, make_story, researcher)
    host_client, host = login_as("host")
    story_set = set_service.create_set(host, "Thresholds", "Where do thresholds shut people out?")
    set_service.add_item(host, story_set.id, story.id)
    tx.commit()
    assert host_client.get(f"/sets/{story_set.id}/cards").status_code == 200
    assert host_client.get(f"/sets/{story_set.id}").status_code == 200  # read on screen: no copy
    assert host_client.get(f"/sets/{story_set.id}/export.zip").status_code == 200
    teller_client, _ = login_as(user=teller)
    page = html.unescape(teller_client.get(f"/stories/{story.id}/withdraw").get_data(as_text=True))
    assert "a workshop host took a download of a workshop story set (names replaced)." in page
    assert "a workshop host took a sheet of story cards to print (names replaced)." in page
    token = csrf_token(teller_client, f"/stories/{story.id}/withdraw")
    teller_client.post(f"/stories/{story.id}/withdraw", data={"csrf_token": token, "confirm": "y"})
    notices = host_client.get("/notices").get_data(as_text=True)
    assert "Please delete your copy of a withdrawn story" in notices and "printed cards included" in notices
