"""The JSON API does what the pages do, with the same permissions: workshop review, codebook, memos, sets,
sessions, exports and imports. Every answer here is also held to the OpenAPI document (tests/openapi_check.py).
"""
from __future__ import annotations

import io
import uuid
import zipfile

from conftest import api_client
from openapi_check import problems
from sqlalchemy import func, select
from test_refi_offsets import make_qdpx

from storybank import tx
from storybank.coding.codebook import create_code
from storybank.coding.codings import apply_coding
from storybank.coding.models import Code, Coding, Memo
from storybank.extensions import db

TELLING = ("Maria Okafor rang the hub on Tuesday. The peer worker listened for an hour and then "
           "called the housing office for her.")


def test_workshop_review_send_and_teller_approval(app, make_user, make_story):
    teller, researcher, other, host = (make_user(r) for r in ("storyteller", "researcher", "researcher", "host"))
    story = make_story(teller, body=TELLING)
    api = api_client(app, researcher)
    review = api.get(f"/api/v1/stories/{story.id}/workshop/review")
    assert review.status_code == 200, review.get_json()
    found = review.get_json()
    assert found["status"] == "review" and "Maria Okafor" in [i["text"] for i in found["identifiers"]]
    assert api.post(f"/api/v1/stories/{story.id}/workshop/send", json={}).status_code == 400  # undecided
    maria = next(i for i in found["identifiers"] if i["text"] == "Maria Okafor")
    bad = api.post(f"/api/v1/stories/{story.id}/workshop/review", json={"accept_all": True, "decisions": []})
    assert bad.status_code == 400 and "accept_all" in bad.get_json()["error"]
    decided = api.post(f"/api/v1/stories/{story.id}/workshop/review",
                       json={"decisions": [{"id": maria["id"], "decision": "accept"}]}).get_json()
    assert next(i for i in decided["identifiers"] if i["id"] == maria["id"])["replacement"] == "[Person A]"
    accepted = api.post(f"/api/v1/stories/{story.id}/workshop/review", json={"accept_all": True}).get_json()
    assert accepted["pending"] == 0 and "Maria" not in accepted["body"] and "[Person A]" in accepted["body"]
    sent = api.post(f"/api/v1/stories/{story.id}/workshop/send", json={})
    assert sent.status_code == 200 and sent.get_json()["status"] == "sent"
    hosts = api_client(app, host)
    assert hosts.get(f"/api/v1/stories/{story.id}/workshop").status_code == 404  # not approved yet
    # Only the teller answers; only researchers review.
    assert api.post(f"/api/v1/stories/{story.id}/workshop/approve", json={}).status_code == 404
    assert hosts.get(f"/api/v1/stories/{story.id}/workshop/review").status_code == 404
    tellers = api_client(app, teller)
    assert tellers.get(f"/api/v1/stories/{story.id}/workshop/review").status_code == 404
    changes = tellers.post(f"/api/v1/stories/{story.id}/workshop/approve", json={"changes": "Hide the hub too"})
    assert changes.get_json()["status"] == "changes_requested"
    assert changes.get_json()["teller_message"] == "Hide the hub too"
    api.post(f"/api/v1/stories/{story.id}/workshop/review", json={"accept_all": True})
    api.post(f"/api/v1/stories/{story.id}/workshop/send", json={})
    approved = tellers.post(f"/api/v1/stories/{story.id}/workshop/approve", json={})
    assert approved.status_code == 200 and approved.get_json()["status"] == "approved"
    workshop = hosts.get(f"/api/v1/stories/{story.id}/workshop").get_json()
    assert "[Person A]" in workshop["body"] and "Maria" not in workshop["body"]
    assert api_client(app, other).get("/api/v1/stories/987654/workshop/review").status_code == 404


def test_codebook_edit_move_merge_and_delete(app, make_user, make_story):
    researcher, teller = make_user("researcher"), make_user("storyteller")
    story = make_story(teller)
    api = api_client(app, researcher)
    waiting = api.post("/api/v1/codes", json={"name": "Waiting"}).get_json()
    delay = api.post("/api/v1/codes", json={"name": "Delay"}).get_json()
    access = api.post("/api/v1/codes", json={"name": "Access"}).get_json()
    edited = api.patch(f"/api/v1/codes/{waiting['id']}", json={"definition": "Time before help.",
                                                               "parent_id": access["id"]})
    assert edited.status_code == 200
    assert (edited.get_json()["definition"], edited.get_json()["parent_id"]) == ("Time before help.", access["id"])
    inside = api.patch(f"/api/v1/codes/{access['id']}", json={"parent_id": waiting["id"]})
    assert inside.status_code == 400 and "inside itself" in inside.get_json()["error"]
    assert api.patch(f"/api/v1/codes/{waiting['id']}", json={"parent_id": 987654}).status_code == 400
    assert api.patch(f"/api/v1/codes/{waiting['id']}", json={"name": 5}).get_json()["error"] == "name is text."
    assert api.patch(f"/api/v1/codes/{waiting['id']}", json={"parent_id": None}).get_json()["parent_id"] is None
    api.post(f"/api/v1/stories/{story.id}/codings", json={"code_id": delay["id"], "start": 0, "end": 8})
    merged = api.post(f"/api/v1/codes/{delay['id']}/merge", json={"into": waiting["id"]})
    assert merged.status_code == 200 and merged.get_json() == {"codings": 1, "children": 0}
    assert db.session.scalar(select(Coding.code_id)) == waiting["id"] and db.session.get(Code, delay["id"]) is None
    gone = api.delete(f"/api/v1/codes/{waiting['id']}")
    assert gone.status_code == 200 and gone.get_json() == {"codes": 1, "codings": 1}
    assert db.session.scalar(select(func.count()).select_from(Coding)) == 0
    tellers = api_client(app, teller)
    assert tellers.patch(f"/api/v1/codes/{access['id']}", json={"name": "Mine"}).status_code == 404
    assert tellers.delete(f"/api/v1/codes/{access['id']}").status_code == 404
    assert api.delete("/api/v1/codes/987654").status_code == 404


def test_coding_delete_and_memos_are_each_researchers_own(app, make_user, make_story):
    researcher, colleague = make_user("researcher"), make_user("researcher")
    story = make_story()
    code = create_code(researcher, "Listening")
    tx.commit()
    api, theirs = api_client(app, researcher), api_client(app, colleague)
    coding = api.post(f"/api/v1/stories/{story.id}/codings", json={"code_id": code.id, "start": 0, "end": 9,
                                                                    "memo": "first words"}).get_json()
    assert coding["memo"]["text"] == "first words"
    assert api.post(f"/api/v1/stories/{story.id}/codings", json={"code_id": "x"}).get_json()["error"] == (
        "code_id must be a whole number.")
    memo = api.post("/api/v1/memos", json={"text": "Waiting is the theme", "story_id": story.id})
    assert memo.status_code == 201 and memo.get_json()["story_id"] == story.id
    assert api.post("/api/v1/memos", json={"text": "both", "story_id": story.id, "code_id": code.id}
                    ).status_code == 400
    listed = theirs.get("/api/v1/memos", query_string={"q": "theme"}).get_json()["results"]
    assert [m["text"] for m in listed] == ["Waiting is the theme"]  # colleagues read memos on what they may read
    memo_id = memo.get_json()["id"]
    assert theirs.patch(f"/api/v1/memos/{memo_id}", json={"text": "mine now"}).status_code == 404
    assert theirs.delete(f"/api/v1/memos/{memo_id}").status_code == 404
    assert api.patch(f"/api/v1/memos/{memo_id}", json={"text": "Waiting, mostly"}).get_json()["text"] == (
        "Waiting, mostly")
    assert api.delete(f"/api/v1/memos/{memo_id}").status_code == 204
    assert theirs.delete(f"/api/v1/codings/{coding['id']}").status_code == 404  # a colleague's coding
    assert api.delete(f"/api/v1/codings/{coding['id']}").status_code == 204
    assert db.session.scalar(select(func.count()).select_from(Coding)) == 0
    assert db.session.scalar(select(func.count()).select_from(Memo)) == 0  # the coding's memo went with it
    assert api.delete(f"/api/v1/codings/{coding['id']}").status_code == 404


def _approved_story(app, make_user, make_story, teller, body: str):
    from storybank.deid import approval, decisions

    researcher = make_user("researcher")
    story = make_story(teller, body=body)
    decisions.review(researcher, story.id)
    decisions.accept_all(researcher, story.id)
    approval.send(researcher, story.id)
    approval.teller_approve(teller, story.id)
    tx.commit()
    return story


def test_set_items_reorder_edit_delete_and_sessions_with_insights(app, make_user, make_story):
    host, other_host, researcher = make_user("host"), make_user("host"), make_user("researcher")
    teller = make_user("storyteller")
    first = _approved_story(app, make_user, make_story, teller, "The hub listened to me at last.")
    second = _approved_story(app, make_user, make_story, teller, "Nobody called back for weeks.")
    api = api_client(app, host)
    set_id = api.post("/api/v1/sets", json={"title": "Being heard", "question": "What helps?"}).get_json()["id"]
    a = api.post(f"/api/v1/sets/{set_id}/items", json={"story_id": first.id}).get_json()
    b = api.post(f"/api/v1/sets/{set_id}/items", json={"story_id": second.id, "note": "read second"}).get_json()
    reordered = api.put(f"/api/v1/sets/{set_id}/order", json={"order": [b["id"], a["id"]]})
    assert [i["id"] for i in reordered.get_json()["items"]] == [b["id"], a["id"]]
    assert api.put(f"/api/v1/sets/{set_id}/order", json={"order": [a["id"]]}).status_code == 400
    edited = api.patch(f"/api/v1/sets/{set_id}/items/{a['id']}", json={"prompt": "Who listened?"}).get_json()
    assert edited["prompt"] == "Who listened?" and edited["note"] == ""
    others = api_client(app, other_host)
    assert others.delete(f"/api/v1/sets/{set_id}/items/{a['id']}").status_code == 404
    assert others.put(f"/api/v1/sets/{set_id}/order", json={"order": [a["id"], b["id"]]}).status_code == 404
    session = api.post(f"/api/v1/sets/{set_id}/sessions", json={"held_on": "2026-11-30", "place": "Hall",
                                                               "participants": 12})
    assert session.status_code == 201, session.get_json()
    session_id = session.get_json()["id"]
    insight = api.post(f"/api/v1/sessions/{session_id}/insights",
                       json={"text": "Being called back matters", "links": [f"item:{b['id']}"]})
    assert insight.status_code == 201
    assert insight.get_json()["stories"] == [{"story_id": second.id, "label": insight.get_json()["stories"][0][
        "label"], "excerpt": False}]
    assert api.post(f"/api/v1/sessions/{session_id}/insights",
                    json={"text": "x", "links": ["item:987654"]}).status_code == 400
    assert others.post(f"/api/v1/sessions/{session_id}/insights", json={"text": "mine"}).status_code == 404
    read = api_client(app, researcher).get("/api/v1/sessions").get_json()["results"]
    assert [s["insights"][0]["text"] for s in read] == ["Being called back matters"]
    assert others.get(f"/api/v1/sessions/{session_id}").status_code == 404
    assert api.delete(f"/api/v1/sessions/{session_id}/insights/{insight.get_json()['id']}").status_code == 204
    assert api.delete(f"/api/v1/sets/{set_id}/items/{a['id']}").status_code == 204
    assert [i["id"] for i in api.get(f"/api/v1/sets/{set_id}").get_json()["items"]] == [b["id"]]
    assert api.delete(f"/api/v1/sessions/{session_id}").status_code == 204


def test_exports_and_an_imported_project_back_out(app, make_user, make_story):
    researcher, colleague, teller = make_user("researcher"), make_user("researcher"), make_user("storyteller")
    story = make_story(teller, body="Words the research view may export.")
    code = create_code(researcher, "Exported")
    tx.commit()
    apply_coding(researcher, story.id, code.id, 0, 5)
    tx.commit()
    api = api_client(app, researcher)
    qdpx = api.post("/api/v1/exports/project.qdpx", json={"target": "nvivo"})
    assert qdpx.status_code == 200 and qdpx.mimetype == "application/zip"
    assert "Words the research view" in _texts(qdpx.data)
    assert api.post("/api/v1/exports/project.qdpx", json={"target": "word"}).status_code == 400
    assert b"Exported" in api.post("/api/v1/exports/codebook.qdc").data
    assert "Exported" in api.post("/api/v1/exports/codings.csv").get_data(as_text=True)
    code_guid, source = str(uuid.uuid4()), str(uuid.uuid4())
    file = make_qdpx("QualCoder", [{"guid": source, "name": "Interview 7", "data": b"Entered words, not claimed.",
                                    "selections": [(str(uuid.uuid4()), 0, 7, code_guid)]}], [(code_guid, "Mine")])
    imported = api.post("/api/v1/imports", data=file, content_type="application/zip")
    assert imported.status_code == 201, imported.get_json()
    project = imported.get_json()
    assert project["counts"]["stories"] == 1 and project["stories"][0]["claimed"] is False
    assert api.post("/api/v1/imports", data=b"not a zip", content_type="application/zip").status_code == 400
    assert api.get(f"/api/v1/imports/{project['id']}").get_json()["counts"]["codings"] == 1
    # The researcher's own material goes back out, though it is in no research export (no consent yet).
    assert "Entered words" not in _texts(api.post("/api/v1/exports/project.qdpx").data)
    back = api.post(f"/api/v1/imports/{project['id']}/project.qdpx")
    assert back.status_code == 200 and "Entered words, not claimed." in _texts(back.data)
    assert source in _texts(back.data)  # the file's own GUID, so the other tool recognises its source
    theirs = api_client(app, colleague).post(f"/api/v1/imports/{project['id']}/project.qdpx")
    assert theirs.status_code == 200 and "Entered words" not in _texts(theirs.data)
    tellers = api_client(app, teller)
    assert tellers.post(f"/api/v1/imports/{project['id']}/project.qdpx").status_code == 404
    assert tellers.post("/api/v1/exports/project.qdpx").status_code == 404


def _texts(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "\n".join(archive.read(n).decode() for n in archive.namelist())


def test_the_openapi_check_catches_an_undocumented_answer(app):
    """The hook that holds every answer to the document can fail: the shapes it rejects."""
    tombstone = b'{"id": 1, "kind": "lived_experience", "status": "withdrawn", "withdrawn_at": null, "removed": {}}'
    assert problems("GET", "/api/v1/stories/<int:story_id>", 200, "application/json", tombstone) == []
    leaky = tombstone[:-1] + b', "title": "still here"}'
    assert problems("GET", "/api/v1/stories/<int:story_id>", 200, "application/json", leaky)
    assert problems("GET", "/api/v1/sets/<int:set_id>", 418, "application/json", b"{}")
    placeholder = b'{"placeholder": "withdrawn", "id": 3, "position": 1}'
    assert problems("POST", "/api/v1/sets/<int:set_id>/items", 201, "application/json", placeholder) == []
    assert problems("POST", "/api/v1/sets/<int:set_id>/items", 201, "application/json",
                    placeholder[:-1] + b', "story_id": 4}')
    assert problems("DELETE", "/api/v1/codings/<int:coding_id>", 204, "", b"") == []


def test_query_strings_are_validated_by_the_documented_models(app, make_user, make_story):
    researcher = make_user("researcher")
    make_story()
    api = api_client(app, researcher)
    document = api.get("/api/v1/openapi.json").get_json()
    params = {p["name"]: p for p in document["paths"]["/search"]["get"]["parameters"]}
    assert params["page"]["schema"]["minimum"] == 1 and "purpose" in params
    coder = {p["name"]: p for p in document["paths"]["/agreement"]["get"]["parameters"]}["coder"]
    assert coder["schema"]["type"] == "array" and coder["explode"] is True
    assert api.get("/api/v1/search", query_string={"q": "waited", "page": "two"}).get_json()["error"] == (
        "page must be a whole number.")
    assert api.get("/api/v1/stories", query_string={"page": 0}).status_code == 400
    assert api.get("/api/v1/search", query_string={"q": "waited", "per_page": 500}).status_code == 200
    assert api.get("/api/v1/stories", query_string={"page": 1, "unknown": "x"}).get_json()["total"] == 1
    assert "coder must be a coder's id" in api.get("/api/v1/agreement", query_string={"coder": "x"}
                                                    ).get_json()["error"]
