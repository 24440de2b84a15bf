"""Sessions and insights, what tellers see, and withdrawal or narrowing leaving placeholders everywhere."""
from __future__ import annotations

import io
import json
import zipfile
from datetime import date

import pytest
from conftest import csrf_token, sign_in
from sets_helpers import code_id, workshop_story
from sqlalchemy import func, select

from storybank import tx
from storybank.accounts.services import create_token
from storybank.archive.consent import change_consent
from storybank.archive.withdrawal import withdraw_story
from storybank.errors import InvalidInput, NotFound
from storybank.extensions import db
from storybank.workshops import sessions as session_service
from storybank.workshops import sets as set_service
from storybank.workshops.models import Insight, InsightStory, SessionStory, StorySetItem


@pytest.fixture
def session_world(app, make_user, make_story):
    researcher = make_user("researcher")
    host = make_user("host", name="Hana Host")
    a, teller = workshop_story(make_user, make_story, researcher)
    b, other_teller = workshop_story(make_user, make_story, researcher, title="Hand-offs",
                                     body="Every hand-off lost a piece of my story. Nobody held the whole of it.")
    story_set = set_service.create_set(host, "Thresholds", "Where do thresholds shut people out?")
    whole = set_service.add_item(host, story_set.id, a.id, note="Host note on the first story")
    excerpt = set_service.add_item(host, story_set.id, b.id, quote="Nobody held the whole of it.")
    tx.commit()
    session = session_service.record_session(host, story_set.id, "2026-11-30", "Brookside community hub", 14)
    insight = session_service.add_insight(host, session.id, "Waiting is where trust is lost.",
                                          [f"item:{whole.id}", f"item:{excerpt.id}"], [code_id("Thresholds")])
    tx.commit()
    return {"researcher": researcher, "host": host, "a": a, "b": b, "teller": teller, "other_teller": other_teller,
            "set": story_set, "whole": whole, "excerpt": excerpt, "session": session, "insight": insight}


def test_insights_appear_beside_stories_codes_analysis_and_in_the_report(app, session_world, login_as):
    w = session_world
    researcher, _ = login_as(user=w["researcher"])
    story_page = researcher.get(f"/stories/{w['a'].id}").get_data(as_text=True)
    assert "Waiting is where trust is lost." in story_page and "Insights from sense-making sessions" in story_page
    codebook = researcher.get("/codebook").get_data(as_text=True)
    assert f"/insights?code={code_id('Thresholds')}" in codebook and "1 insight from sessions" in codebook
    by_code = researcher.get(f"/insights?code={code_id('Thresholds')}").get_data(as_text=True)
    assert "Waiting is where trust is lost." in by_code
    assert "Waiting is where trust is lost." in researcher.get("/analysis").get_data(as_text=True)
    report = researcher.get(f"/sessions/{w['session'].id}").get_data(as_text=True)
    assert "Brookside community hub" in report and "14" in report and "Waiting is where trust is lost." in report
    assert "Eleven weeks at the hub" in report  # the researcher may read it for research: its own title
    # The host sees it on the workshop reading page, in workshop form only.
    host, _ = login_as(user=w["host"])
    read = host.get(f"/workshop/stories/{w['a'].id}").get_data(as_text=True)
    assert "Waiting is where trust is lost." in read and "Delroy" not in read
    # Another host sees neither the session nor its insights.
    other, _ = login_as("host")
    assert other.get(f"/sessions/{w['session'].id}").status_code == 404
    assert "Waiting is where trust" not in other.get("/insights").get_data(as_text=True)


def test_storytellers_see_when_and_for_what_question_never_who(app, session_world, login_as):
    w = session_world
    teller, _ = login_as(user=w["teller"])
    page = teller.get(f"/stories/{w['a'].id}").get_data(as_text=True)
    assert "Used in a workshop session on 30 November 2026 for the question “Where do thresholds shut people out?”" \
        in page
    assert "Chosen for a workshop story set on" in page
    for secret in ("Brookside", "Hana", w["host"].email, "Waiting is where trust is lost.", "14 ", "Thresholds"):
        assert secret not in page
    data = teller.get("/me/export").data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        stories = json.loads(archive.read("stories.json"))
        everything = "".join(archive.read(n).decode() for n in archive.namelist())
    assert stories[0]["workshop_sessions"] == [{"date": "2026-11-30",
                                                "question": "Where do thresholds shut people out?"}]
    assert [u["question"] for u in stories[0]["workshop_story_sets"]] == ["Where do thresholds shut people out?"]
    assert "Brookside" not in everything and "Hana" not in everything and w["host"].email not in everything


def test_bad_session_and_insight_input_changes_nothing(app, session_world, login_as):
    w = session_world
    host = w["host"]
    for held_on, participants, message in (("30/11/2026", 3, "YYYY-MM-DD"), ("1999-01-01", 3, "out of range"),
                                           ("2026-11-30", -1, "between 0"), ("2026-11-30", "many", "whole number")):
        with pytest.raises(InvalidInput, match=message):
            session_service.record_session(host, w["set"].id, held_on, "", participants)
    with pytest.raises(InvalidInput, match="Write the insight"):
        session_service.add_insight(host, w["session"].id, "  ")
    with pytest.raises(InvalidInput, match="only the cards read"):
        session_service.add_insight(host, w["session"].id, "x", ["item:987654"])
    with pytest.raises(NotFound):
        session_service.add_insight(w["researcher"], w["session"].id, "researchers only read")
    client, _ = login_as(user=host)
    token = csrf_token(client, f"/sets/{w['set'].id}/sessions/new")
    page = client.post(f"/sets/{w['set'].id}/sessions/new", data={"csrf_token": token, "held_on": "soon"})
    assert page.status_code == 400 and "YYYY-MM-DD" in page.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Insight)) == 1
    assert len(session_service.list_sessions(host)) == 1


def test_withdrawal_and_narrowing_leave_placeholders_everywhere_and_cut_links(app, session_world, login_as):
    w = session_world
    host_client, host = login_as(user=w["host"])
    token = create_token(host)
    tx.commit()
    withdraw_story(w["teller"], w["a"].id)
    change_consent(w["other_teller"], w["b"].id, {"workshop": False})
    tx.commit()
    db.session.expire_all()
    # The tombstone counts what went; the item rows stay as placeholders with the host's note.
    assert db.session.get(type(w["a"]), w["a"].id).removed_counts["insight_links"] == 1
    assert db.session.get(type(w["a"]), w["a"].id).removed_counts["session_records"] == 1
    assert db.session.scalar(select(func.count()).select_from(StorySetItem)) == 2
    assert db.session.scalar(select(func.count()).where(InsightStory.story_id == w["a"].id)) == 0
    assert db.session.scalar(select(func.count()).where(SessionStory.story_id == w["a"].id)) == 0
    assert db.session.get(Insight, w["insight"].id).stories_withdrawn == 1
    page = host_client.get(f"/sets/{w['set'].id}").get_data(as_text=True)
    assert "A story was withdrawn by its teller." in page and "Host note on the first story" in page
    assert "This story is no longer available for workshops." in page
    assert "Delroy" not in page and "[Person A]" not in page and "Nobody held" not in page
    sheet = host_client.get(f"/sets/{w['set'].id}/cards").get_data(as_text=True)
    assert 'class="story-card' not in sheet and "[Person A]" not in sheet and "Nobody held" not in sheet
    assert "2 items are left out" in sheet
    with zipfile.ZipFile(io.BytesIO(host_client.get(f"/sets/{w['set'].id}/export.zip").data)) as archive:
        assert archive.namelist() == ["index.md"]
        assert "2 items are left out" in archive.read("index.md").decode()
    assert "Nothing to present" in host_client.get(f"/sets/{w['set'].id}/present").get_data(as_text=True)
    api = app.test_client().get(f"/api/v1/sets/{w['set'].id}", headers={"Authorization": f"Bearer {token}"})
    items = api.get_json()["items"]  # nothing of the stories: only the host's own item ids, to remove them
    assert [{k: v for k, v in i.items() if k not in ("id", "position")} for i in items] == [
        {"placeholder": "withdrawn"}] * 2
    report = host_client.get(f"/sessions/{w['session'].id}").get_data(as_text=True)
    assert "Waiting is where trust is lost." in report  # the host's own words stay
    assert "1 story was withdrawn by its teller" in report and "Hand-offs" not in report
    researcher = sign_in(app.test_client(), w["researcher"])
    assert "Eleven weeks" not in researcher.get(f"/sessions/{w['session'].id}").get_data(as_text=True)
    # Giving workshop consent back brings the narrowed story back into the set, as it was.
    change_consent(w["other_teller"], w["b"].id, {"workshop": True})
    tx.commit()
    sheet = host_client.get(f"/sets/{w['set'].id}/cards").get_data(as_text=True)
    assert sheet.count('class="story-card') == 1 and "Nobody held the whole of it." in sheet


def test_a_session_remembers_only_the_stories_readable_when_it_was_recorded(app, session_world):
    w = session_world
    change_consent(w["other_teller"], w["b"].id, {"workshop": False})
    tx.commit()
    later = session_service.record_session(w["host"], w["set"].id, date(2026, 12, 1), "", 0)
    tx.commit()
    assert session_service.session_story_ids(later) == {w["a"].id}
    assert session_service.teller_uses(w["b"].id) == [(date(2026, 11, 30), "Where do thresholds shut people out?")]


def test_a_host_deletes_a_session_recorded_by_mistake(app, session_world, login_as):
    w = session_world
    client, _ = login_as(user=w["host"])
    token = csrf_token(client, f"/sessions/{w['session'].id}")
    refused = client.post(f"/sessions/{w['session'].id}/delete", data={"csrf_token": token})
    assert refused.status_code == 400 and "Tick the box" in refused.get_data(as_text=True)
    other, _ = login_as("host")
    assert other.post(f"/sessions/{w['session'].id}/delete",
                      data={"csrf_token": csrf_token(other, "/sets"), "confirm": "yes"}).status_code == 404
    done = client.post(f"/sessions/{w['session'].id}/delete", data={"csrf_token": token, "confirm": "yes"})
    assert done.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Insight)) == 0
    assert session_service.teller_uses(w["a"].id) == []
