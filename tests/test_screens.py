"""Work screens without a browser: context on memos, excerpts and CSVs; bad coder ids; what the charts draw."""
from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import func, select

from storybank import tx
from storybank.accounts.services import create_token
from storybank.coding import analysis, charts, codebook
from storybank.coding.agreement_all_codes import agreement_overview
from storybank.coding.codings import apply_coding
from storybank.coding.memos import add_memo, memos_csv
from storybank.coding.models import Code
from storybank.extensions import db
from storybank.interop.csv_export import codings_csv


def code(name: str) -> Code:
    return db.session.scalar(select(Code).where(Code.name == name))


@pytest.fixture
def researcher(make_user):
    user = make_user("researcher", name="Rosa")
    codebook.install_starter(user)
    tx.commit()
    return user


def test_memos_name_their_story_on_the_page_and_in_the_csv(app, researcher, make_story, login_as):
    story = make_story(title="Eleven weeks", body="I waited eleven weeks. The GP listened.")
    coding = apply_coding(researcher, story.id, code("GP").id, 0, 9)
    add_memo(researcher, "kindness at the surgery", coding_id=coding.id)
    add_memo(researcher, "the whole arc", story_id=story.id)
    tx.commit()
    client, _ = login_as(user=researcher)
    page = client.get("/memos").get_data(as_text=True)
    row = re.search(r"<tr><td>coding <strong>GP</strong> in <a [^>]*>Eleven weeks</a>", page)
    assert row, "a memo on a coding names the code and the story"
    assert re.search(r"story <a [^>]*>Eleven weeks</a>", page)
    rows = list(csv.DictReader(io.StringIO(memos_csv(researcher))))
    assert {r["text"]: r["story_title"] for r in rows} == {"kindness at the surgery": "Eleven weeks",
                                                          "the whole arc": "Eleven weeks"}


def test_codings_csv_carries_story_titles(app, researcher, make_story):
    first = make_story(title="At the hub", body="The peer worker listened.")
    second = make_story(title="The waiting list", body="Eleven weeks.")
    apply_coding(researcher, first.id, code("Peer support").id, 4, 15)
    apply_coding(researcher, second.id, code("Thresholds").id)
    tx.commit()
    rows = list(csv.DictReader(io.StringIO(codings_csv(researcher))))
    assert {(r["story_id"], r["story_title"]) for r in rows} == {(str(first.id), "At the hub"),
                                                                  (str(second.id), "The waiting list")}


def test_excerpt_results_name_their_coder(app, researcher, make_user, make_story, login_as):
    ken = make_user("researcher", name="Ken")
    story = make_story(title="At the hub", body="The peer worker listened. Then the GP rang.")
    apply_coding(researcher, story.id, code("Thresholds").id, 0, 25)
    apply_coding(ken, story.id, code("GP").id, 26, 42)
    tx.commit()
    client, _ = login_as(user=researcher)
    page = client.get("/search", query_string={"q": "theme:GP", "show": "excerpts"}).get_data(as_text=True)
    assert "1 coded excerpt." in page and "coded by Ken" in page and "coded by you" not in page
    page = client.get("/search", query_string={"q": "theme:thresholds", "show": "excerpts"}).get_data(as_text=True)
    assert "1 coded excerpt." in page and "coded by you" in page and "coded by Ken" not in page


@pytest.mark.parametrize("value", ["abc", "-3", "1.5", "٣", "9" * 30])
def test_a_bad_coder_value_is_400_on_the_page_and_in_the_api(app, client, researcher, login_as, value):
    token = create_token(researcher)
    tx.commit()
    page_client, _ = login_as(user=researcher)
    page = page_client.get("/codebook/agreement", query_string={"coder": value})
    assert page.status_code == 400 and "coder must be a coder" in page.get_data(as_text=True)
    api = client.get("/api/v1/agreement", query_string={"coder": value},
                     headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 400 and "coder must be a coder's id" in api.get_json()["error"]


def test_a_coder_who_coded_nothing_visible_is_400_not_ignored(app, client, researcher, make_user, make_story,
                                                              login_as):
    ken = make_user("researcher", name="Ken")
    bystander = make_user("researcher", name="Never coded")
    story = make_story(body="Ann came. Bob went.")
    apply_coding(researcher, story.id, code("GP").id, 0, 9)
    apply_coding(ken, story.id, code("GP").id, 0, 9)
    tx.commit()
    page_client, _ = login_as(user=researcher)
    fine = page_client.get("/codebook/agreement", query_string={"coder": [researcher.id, ken.id]})
    assert fine.status_code == 200
    refused = page_client.get("/codebook/agreement", query_string={"coder": [researcher.id, bystander.id]})
    assert refused.status_code == 400
    assert f"Nobody with id {bystander.id} has coded" in refused.get_data(as_text=True)
    assert len(agreement_overview(researcher, [researcher.id, ken.id]).coders) == 2


def test_heatmap_has_numbers_a_legend_and_leaves_out_a_code_with_its_ancestor(app, researcher, make_story):
    story = make_story(body="I waited eleven weeks. The GP listened.")
    apply_coding(researcher, story.id, code("Thresholds").id)  # a sub-theme of Access
    apply_coding(researcher, story.id, code("GP").id)
    tx.commit()
    svg = str(charts.heatmap(analysis.cooccurrence(researcher, "story")))
    assert "Times together:" in svg and "the code at all" in svg
    titles = re.findall(r"<title>([^<]*)</title>", svg)
    assert "Thresholds + GP: 1" in titles
    assert "Access + Thresholds: left out (one is part of the other)" in titles
    assert "Thresholds + Access: left out (one is part of the other)" in titles
    assert "Access + GP: 1" in titles  # a parent with a code outside its branch still counts
    counts = re.findall(r'class="cell-count">([^<]*)</text>', svg)
    assert "1" in counts and "–" in counts


def test_agreement_axis_uses_its_width_for_the_values_shown(app, researcher, make_user, make_story):
    ken = make_user("researcher", name="Ken")
    story = make_story(body="Ann came. Bob went. Cat sat. Dan ran.")
    apply_coding(researcher, story.id, code("GP").id, 0, 9)
    apply_coding(ken, story.id, code("GP").id, 0, 9)
    apply_coding(ken, story.id, code("GP").id, 10, 19)
    tx.commit()
    svg = str(charts.agreement_chart(agreement_overview(researcher)))
    ticks = re.findall(r'text-anchor="middle">(-?[\d.]+)</text>', svg)
    assert "-1" not in ticks and ticks[0] == "0" and ticks[-1] == "1"
    zero_x = float(re.search(r'<line x1="([\d.]+)"', svg).group(1))
    assert zero_x == 190.0  # the axis starts where the labels end: no empty negative half


JSON = {"Accept": "application/json"}


def test_coding_forms_answer_in_place_with_the_same_checks(app, researcher, make_user, make_story, login_as):
    from conftest import csrf_token

    from storybank.archive.consent import change_consent
    from storybank.coding.models import Coding

    teller = make_user("storyteller")
    story = make_story(teller, body="I waited eleven weeks. The GP listened.")
    client, _ = login_as(user=researcher)
    token = csrf_token(client, f"/research/stories/{story.id}/code")
    sent = client.post(f"/research/stories/{story.id}/codings", headers=JSON,
                       data={"csrf_token": token, "code_id": code("GP").id, "start": "23", "end": "39"})
    assert sent.status_code == 200 and sent.mimetype == "application/json"
    body = sent.get_json()
    assert body["message"] == "Coded." and 'class="coded"' in body["panels"]["coding-text"]
    assert "The GP listened." in body["panels"]["codings-panel"]
    coding_id = db.session.scalar(select(Coding.id))
    assert body["undo"] == [{"action": f"/research/codings/{coding_id}/delete",
                             "fields": {"story_id": story.id, "blind": ""}}]
    # Without the CSRF token: refused, in JSON, nothing changed.
    forged = client.post(f"/research/stories/{story.id}/codings", headers=JSON,
                         data={"code_id": code("Hope").id, "whole": "1"})
    assert forged.status_code == 400 and "expired" in forged.get_json()["error"]
    # Bad input: a clear message, nothing changed.
    bad = client.post(f"/research/stories/{story.id}/codings", headers=JSON,
                      data={"csrf_token": token, "code_id": code("GP").id})
    assert bad.status_code == 400 and bad.get_json()["error"].startswith("Select some text first")
    # Another researcher cannot remove it (404), in JSON too.
    other, _ = login_as("researcher")
    refused = other.post(f"/research/codings/{coding_id}/delete", headers=JSON,
                         data={"csrf_token": csrf_token(other, "/memos"), "story_id": story.id})
    assert refused.status_code == 404 and refused.get_json()["error"]
    assert db.session.scalar(select(func.count()).select_from(Coding)) == 1
    # A story taken out of research is 404 for the in-place forms as for the page.
    change_consent(teller, story.id, {"research": False})
    tx.commit()
    gone = client.post(f"/research/stories/{story.id}/codings", headers=JSON,
                       data={"csrf_token": token, "code_id": code("GP").id, "whole": "1"})
    assert gone.status_code == 404 and "waited" not in gone.get_data(as_text=True)


STRUCTURED = ("# Waiting\n\nWhat made it hard:\n- the forms\n- the phone line, always busy\n"
              "Then the hub opened. People 😔 listened.\n\n## After\n\n1. I went back\n2. I stayed")


def test_headings_and_list_items_are_units_of_their_own():
    from storybank.coding.units import structural_spans

    units = [STRUCTURED[a:b] for a, b in structural_spans(STRUCTURED)]
    # A line straight after a list item continues it (CommonMark's lazy continuation), as it renders.
    assert units == ["Waiting", "What made it hard:", "the forms", "the phone line, always busy\nThen the hub opened.",
                     "People 😔 listened.", "After", "I went back", "I stayed"]
    assert "the forms" in units and "After" in units and "Waiting" in units
    assert not any("\n\n" in u for u in units)  # never across a blank line


def test_a_list_is_not_run_into_the_next_paragraph(app, researcher, make_user, make_story):
    from storybank.coding.compare import compare_coders

    ken = make_user("researcher", name="Ken")
    body = "Three things:\n- waiting\n- forms\n\nThe hub was different."
    story = make_story(body=body)
    apply_coding(researcher, story.id, code("Thresholds").id, body.index("forms"), body.index("forms") + 5)
    apply_coding(ken, story.id, code("Thresholds").id, body.index("The hub"), len(body))
    tx.commit()
    rows = compare_coders(researcher, story.id).rows
    assert len(rows) == 4  # "Three things:", "waiting", "forms", "The hub was different."
    figures = agreement_overview(researcher)
    assert figures.sentences == 4



def test_a_stale_suggestion_answers_in_place_with_an_error_and_changes_nothing(app, researcher, make_story, login_as):
    from conftest import csrf_token

    from storybank.coding.models import Coding

    code("Thresholds").keywords = "waited"
    tx.commit()
    story = make_story(body="I waited eleven weeks. The GP listened.")
    client, _ = login_as(user=researcher)
    token = csrf_token(client, f"/research/stories/{story.id}/code")
    answer = client.post(f"/research/stories/{story.id}/suggestions", headers=JSON, data={
        "csrf_token": token, "code_id": code("Thresholds").id, "start": 0, "end": 22, "decision": "accept",
        "revision_id": story.current_revision.id + 1000})
    body = answer.get_json()
    assert answer.status_code == 200 and body["error"] is True and "revised" in body["message"]
    assert body["undo"] == [] and "suggestion" in body["panels"]["suggestions-panel"]
    assert db.session.scalar(select(func.count()).select_from(Coding)) == 0
