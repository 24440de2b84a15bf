"""Qualitative coding: the codebook, codings in code points, memos, agreement, and what withdrawal removes."""
from __future__ import annotations

import csv
import io

import pytest
from conftest import csrf_token
from sqlalchemy import func, select

from storybank import tx
from storybank.accounts.services import create_token
from storybank.archive.consent import change_consent
from storybank.archive.withdrawal import withdraw_story
from storybank.coding import codebook
from storybank.coding.agreement_by_code import code_agreement
from storybank.coding.agreement_measures import summarise
from storybank.coding.codings import apply_coding, codings_for, remove_coding
from storybank.coding.memos import add_memo, list_memos, memos_csv
from storybank.coding.models import Code, Coding, Memo
from storybank.errors import InvalidInput, NotFound
from storybank.extensions import db
from storybank.nlp import sentence_spans
from storybank.search import service as search


def code(name: str) -> Code:
    return db.session.scalar(select(Code).where(Code.name == name))


@pytest.fixture
def researcher(make_user):
    user = make_user("researcher")
    codebook.install_starter(user)
    tx.commit()
    return user


def test_the_starter_codebook_is_the_design_one(researcher):
    names = {c.name for c, _ in codebook.tree()}
    assert {"Access", "Thresholds", "Fragmentation", "Mechanistic system", "Scarcity", "Relational system",
            "Nurture", "System forces", "Power", "Wider determinants", "Adversity and trauma",
            "Places of support", "GP", "Secondary care", "Hope"} <= names
    assert code("Thresholds").parent.name == "Access"
    assert codebook.install_starter(researcher) == 0  # only into an empty codebook


def test_codes_are_created_edited_and_moved_but_never_into_themselves(researcher):
    new = codebook.create_code(researcher, "  Night   shifts ", parent_id=code("Work").id)
    assert new.name == "Night shifts" and new.colour == code("Wider determinants").colour
    codebook.update_code(researcher, new.id, {"definition": "Working nights", "colour": "#123ABC"})
    assert new.definition == "Working nights" and new.colour == "#123abc"
    with pytest.raises(InvalidInput, match="inside itself"):
        codebook.update_code(researcher, code("Wider determinants").id, {"parent_id": new.id})
    with pytest.raises(InvalidInput, match="colour"):
        codebook.update_code(researcher, new.id, {"colour": "red"})
    with pytest.raises(InvalidInput, match="name"):
        codebook.create_code(researcher, "   ")
    codebook.update_code(researcher, new.id, {"parent_id": code("Access").id})
    assert new.parent.name == "Access"


BODY = ("I waited eleven weeks 😔 for the first appointment. The GP said the criteria had changed. "
        "Nobody joined it up, so I fell through the gap again. Then the hub called. ")


def test_excerpts_are_unicode_code_points(app, researcher, make_story):
    story = make_story(body=BODY)
    start = BODY.index("The GP")
    end = BODY.index("Nobody") - 1
    coding = apply_coding(researcher, story.id, code("GP").id, start, end)
    tx.commit()
    assert BODY[coding.start:coding.end] == "The GP said the criteria had changed."
    emoji = BODY.index("😔")
    assert apply_coding(researcher, story.id, code("Hope").id, emoji, emoji + 1).end == emoji + 1
    whole = apply_coding(researcher, story.id, code("Access").id)
    assert whole.whole_story and whole.end is None
    tx.commit()
    for bad in [(-1, 5), (5, 5), (10, 5), (0, len(BODY) + 1), ("a", 3), (True, 4), (None, 3)]:
        with pytest.raises(InvalidInput):
            apply_coding(researcher, story.id, code("GP").id, *bad)
    tx.rollback()
    assert len(codings_for(researcher, story.id)) == 3


def test_codings_api(app, client, researcher, make_story, make_user):
    story = make_story(body=BODY)
    token = create_token(researcher)
    tx.commit()
    headers = {"Authorization": f"Bearer {token}"}
    start = BODY.index("😔")
    made = client.post(f"/api/v1/stories/{story.id}/codings", headers=headers,
                       json={"code_id": code("Hope").id, "start": start, "end": start + 1, "memo": "sad face"})
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["start"] == start and made.get_json()["memo"]["text"] == "sad face"
    listed = client.get(f"/api/v1/stories/{story.id}/codings", headers=headers).get_json()["results"]
    assert [(c["start"], c["end"]) for c in listed] == [(start, start + 1)]
    assert client.post(f"/api/v1/stories/{story.id}/codings", headers=headers,
                       json={"code_id": 999999}).status_code == 400
    assert client.post(f"/api/v1/stories/{story.id}/codings", headers=headers,
                       json={"code_id": code("Hope").id, "start": 3}).status_code == 400
    assert client.post("/api/v1/stories/987654/codings", headers=headers,
                       json={"code_id": code("Hope").id}).status_code == 404
    codes = client.get("/api/v1/codes", headers=headers).get_json()["results"]
    assert any(c["name"] == "Thresholds" and c["depth"] == 1 for c in codes)
    created = client.post("/api/v1/codes", headers=headers, json={"name": "Night shifts",
                                                                  "parent_id": code("Work").id})
    assert created.status_code == 201 and created.get_json()["parent_id"] == code("Work").id
    assert client.post("/api/v1/codes", headers=headers, json={"name": ""}).status_code == 400
    teller_token = create_token(make_user("storyteller"))
    tx.commit()
    assert client.get("/api/v1/codes", headers={"Authorization": f"Bearer {teller_token}"}).status_code == 404


def test_only_your_own_codings_can_be_removed(app, researcher, make_user, make_story):
    other = make_user("researcher")
    story = make_story(body=BODY)
    mine = apply_coding(researcher, story.id, code("GP").id, 0, 8)
    theirs = apply_coding(other, story.id, code("GP").id, 0, 8)
    tx.commit()
    with pytest.raises(NotFound):
        remove_coding(researcher, theirs.id)
    remove_coding(researcher, mine.id)
    tx.commit()
    assert [c.id for c in codings_for(researcher, story.id)] == [theirs.id]


def test_merge_moves_codings_and_sub_codes_and_search_follows(app, researcher, make_story):
    story = make_story(body=BODY)
    apply_coding(researcher, story.id, code("Fragmentation").id, 0, 8)
    child = codebook.create_code(researcher, "Hand-offs", parent_id=code("Fragmentation").id)
    tx.commit()
    assert codebook.merge_preview(researcher, code("Fragmentation").id, code("Isolation").id) == {"codings": 1, "children": 1}
    with pytest.raises(InvalidInput):
        codebook.merge_preview(researcher, code("Fragmentation").id, child.id)
    codebook.merge_codes(researcher, code("Fragmentation").id, code("Isolation").id)
    tx.commit()
    assert code("Fragmentation") is None
    assert db.session.get(Code, child.id).parent.name == "Isolation"
    assert {h.id for h in search.search(researcher, "theme:isolation").hits} == {story.id}
    assert {h.id for h in search.search(researcher, '"wider determinants"').hits} == set()
    assert {h.id for h in search.search(researcher, 'theme:"wider determinants"').hits} == {story.id}
    assert search.search(researcher, "theme:access").total == 0


def test_delete_counts_what_goes(app, researcher, make_story):
    story = make_story(body=BODY)
    apply_coding(researcher, story.id, code("Thresholds").id, 0, 8)
    apply_coding(researcher, story.id, code("Access").id)
    tx.commit()
    assert codebook.delete_preview(researcher, code("Access").id) == {"codes": 3, "codings": 2}
    codebook.delete_code(researcher, code("Access").id)
    tx.commit()
    assert code("Access") is None and code("Thresholds") is None
    assert db.session.scalar(select(func.count()).select_from(Coding)) == 0
    assert search.search(researcher, "").facets["theme"] == []


def test_codebook_pages(app, researcher, login_as, make_story):
    client, _ = login_as(user=researcher)
    story = make_story(body=BODY)
    page = client.get("/codebook").get_data(as_text=True)
    assert "Thresholds" in page and "Add a code" in page
    token = csrf_token(client, "/codebook")
    answer = client.post("/codebook", data={"csrf_token": token, "name": "Night shifts",
                                            "parent_id": code("Work").id, "colour": "#112233"})
    assert answer.status_code == 302 and code("Night shifts").parent.name == "Work"
    bad = client.post(f"/codebook/{code('Night shifts').id}", data={"csrf_token": token, "colour": "blue"})
    assert bad.status_code == 400 and "colour" in bad.get_data(as_text=True)
    coded = client.post(f"/research/stories/{story.id}/codings",
                        data={"csrf_token": token, "start": "0", "end": "8", "code_id": [code("GP").id,
                                                                                          code("Hope").id]})
    assert coded.status_code == 302
    view = client.get(f"/research/stories/{story.id}/code").get_data(as_text=True)
    assert 'data-start="0" data-end="8" class="coded"' in view and "I waited" in view
    merge = client.get(f"/codebook/{code('GP').id}/merge", query_string={"target_id": code("Hope").id})
    assert "1 coding and 0 sub-codes will move" in merge.get_data(as_text=True)
    delete = client.get(f"/codebook/{code('Hope').id}/delete").get_data(as_text=True)
    assert "1 code (with its sub-codes) and 1 coding" in delete
    unconfirmed = client.post(f"/codebook/{code('Hope').id}/delete", data={"csrf_token": token})
    assert unconfirmed.status_code == 400 and code("Hope") is not None


def test_memos_follow_the_story_policy_and_export(app, researcher, make_user, make_story):
    teller = make_user("storyteller")
    story = make_story(teller, body=BODY)
    coding = apply_coding(researcher, story.id, code("GP").id, 0, 8)
    add_memo(researcher, "A threshold, but also kindness", coding_id=coding.id)
    add_memo(researcher, "Whole-story memo", story_id=story.id)
    add_memo(researcher, "Is this distinct from Fragmentation?", code_id=code("Thresholds").id)
    tx.commit()
    colleague = make_user("researcher")
    assert len(list_memos(colleague)) == 3
    assert [m.text for m in list_memos(colleague, "kindness")] == ["A threshold, but also kindness"]
    rows = list(csv.DictReader(io.StringIO(memos_csv(colleague))))
    assert {r["about"] for r in rows} == {"coding", "story", "code"}
    with pytest.raises(InvalidInput):
        add_memo(researcher, "two targets", story_id=story.id, code_id=code("GP").id)
    with pytest.raises(InvalidInput):
        add_memo(researcher, "   ", story_id=story.id)
    change_consent(teller, story.id, {"research": False})
    tx.commit()
    assert [m.text for m in list_memos(colleague)] == ["Is this distinct from Fragmentation?"]
    with pytest.raises(NotFound):
        add_memo(researcher, "after narrowing", story_id=story.id)


def test_a_memo_is_edited_in_place_by_its_author_only(app, researcher, make_user, make_story, login_as):
    story = make_story(make_user("storyteller"), body=BODY)
    memo = add_memo(researcher, "First thoughts", story_id=story.id)
    tx.commit()
    memo_id = memo.id
    client, _ = login_as(user=researcher)
    token = csrf_token(client, "/memos")
    page = client.get("/memos").get_data(as_text=True)
    assert f'action="/memos/{memo_id}"' in page  # the author sees an edit form
    response = client.post(f"/memos/{memo_id}", data={"csrf_token": token, "text": "Second thoughts",
                                                       "next": "/memos"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Memo, memo_id).text == "Second thoughts"
    # Empty text is refused and changes nothing; a colleague cannot edit it (404, it is not theirs).
    assert client.post(f"/memos/{memo_id}", data={"csrf_token": token, "text": "  "}).status_code == 400
    colleague, _ = login_as("researcher")
    other = colleague.post(f"/memos/{memo_id}", data={"csrf_token": csrf_token(colleague, "/memos"),
                                                      "text": "Hijacked"})
    assert other.status_code == 404
    assert f'action="/memos/{memo_id}"' not in colleague.get("/memos").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Memo, memo_id).text == "Second thoughts"


def test_withdrawal_removes_codings_and_memos_and_counts_them(app, researcher, make_user, make_story):
    teller = make_user("storyteller")
    story = make_story(teller, body=BODY)
    coding = apply_coding(researcher, story.id, code("GP").id, 0, 8)
    apply_coding(researcher, story.id, code("Hope").id)
    add_memo(researcher, "memo on the coding", coding_id=coding.id)
    add_memo(researcher, "memo on the story", story_id=story.id)
    tx.commit()
    tombstone = withdraw_story(teller, story.id)
    tx.commit()
    assert tombstone.removed_counts == {"codings": 2, "memos": 2, "revisions": 1}
    assert db.session.scalar(select(func.count()).select_from(Coding)) == 0
    assert db.session.scalar(select(func.count()).select_from(Memo)) == 0


def test_agreement_on_sentence_units(app, researcher, make_user, make_story):
    second = make_user("researcher")
    body = "One sentence here. Two is here. Three is here. Four is here."
    story = make_story(body=body)
    spans = sentence_spans(body)
    assert [body[a:b] for a, b in spans] == ["One sentence here.", "Two is here.", "Three is here.", "Four is here."]
    gp = code("GP").id
    apply_coding(researcher, story.id, gp, 0, 5)                       # sentence 0
    apply_coding(researcher, story.id, gp, body.index("Three"), len(body))  # sentences 2 and 3
    apply_coding(second, story.id, gp, body.index("Two"), body.index("Three is") + 3)  # sentences 1 and 2
    tx.commit()
    figures = code_agreement(researcher, gp)
    expected = summarise({researcher.id: {0, 2, 3}, second.id: {1, 2}}, 4)
    assert figures["units"] == 4 and figures["stories"] == 1
    for key in ("percent_agreement", "cohen_kappa", "krippendorff_alpha"):
        assert figures[key] == pytest.approx(expected[key]), key
    assert figures["percent_agreement"] == 0.25


def test_agreement_api_and_page(app, client, researcher, make_user, make_story, login_as):
    second = make_user("researcher")
    story = make_story(body="Ann came. Bob went. Cat sat. Dan ran.")
    apply_coding(researcher, story.id, code("GP").id)
    apply_coding(second, story.id, code("GP").id)
    token = create_token(researcher)
    tx.commit()
    body = client.get(f"/api/v1/codes/{code('GP').id}/agreement",
                      headers={"Authorization": f"Bearer {token}"}).get_json()
    assert body["percent_agreement"] == 1.0 and body["cohen_kappa"] is None and body["units"] == 4
    page_client, _ = login_as(user=researcher)
    page = page_client.get(f"/codebook/{code('GP').id}/agreement").get_data(as_text=True)
    assert "not defined" in page and "1.000" in page


# -- re-anchoring -------------------------------------------------------------------------------------

def test_map_span_follows_inserts_and_deletions():
    from storybank.coding.reanchor import map_span, unchanged_blocks

    old = "Alpha beta gamma.\nDelta epsilon 😀 zeta.\nEta theta.\n"
    new = "NEW LINE.\nAlpha beta gamma!\nDelta epsilon 😀 zeta.\nTheta.\n"
    blocks = unchanged_blocks(old, new)
    for phrase in ("beta gamma", "epsilon 😀 zeta", "Delta"):
        s = old.index(phrase)
        span = map_span(s, s + len(phrase), blocks)
        assert new[span[0]:span[1]] == phrase
    gone = old.index("Eta th")
    assert map_span(gone, gone + 3, blocks) is None  # "Eta" is gone
    partly = map_span(old.index("gamma."), old.index("gamma.") + 6, blocks)
    assert new[partly[0]:partly[1]] == "gamma"  # the full stop changed, the word survives


def test_revising_a_story_re_anchors_codings_and_tells_the_coder(app, researcher, make_user, make_story, login_as):
    from storybank.archive.stories import revise_story
    from storybank.coding.models import CoderNotice

    teller = make_user("storyteller")
    story = make_story(teller, body=BODY)
    kept_phrase = "Nobody joined it up"
    kept = apply_coding(researcher, story.id, code("Fragmentation").id, BODY.index(kept_phrase),
                        BODY.index(kept_phrase) + len(kept_phrase))
    doomed = apply_coding(researcher, story.id, code("GP").id, BODY.index("The GP"), BODY.index("Nobody") - 1)
    whole = apply_coding(researcher, story.id, code("Access").id)
    tx.commit()
    new_body = "Before it all: I was fine. 😊 " + BODY.replace("The GP said the criteria had changed. ", "")
    revise_story(teller, story.id, body=new_body)
    tx.commit()
    current = story.current_revision
    moved = db.session.get(Coding, kept.id)
    assert moved.revision_id == current.id and new_body[moved.start:moved.end] == kept_phrase
    assert db.session.get(Coding, doomed.id) is None
    assert db.session.get(Coding, whole.id).revision_id == current.id
    notice = db.session.scalar(select(CoderNotice))
    assert (notice.user_id, notice.removed, notice.revision) == (researcher.id, 1, 2)
    client, _ = login_as(user=researcher)
    page = client.get("/codebook").get_data(as_text=True)
    assert "removed 1 of your coding" in page
    assert "removed 1 of your coding" not in client.get("/codebook").get_data(as_text=True)  # shown once


# -- analysis -----------------------------------------------------------------------------------------

def test_analysis_tables_charts_and_csv(app, researcher, make_user, make_story, login_as):
    from storybank.coding import analysis

    teller = make_user("storyteller")
    a = make_story(teller, body="I waited. The GP listened.", site="Luton",
                   signifiers={"about": ["waiting", "hope"]})
    b = make_story(teller, body="The landlord came. I waited again.", site="Salford")
    gone = make_story(teller, body="Soon withdrawn.", site="Luton")
    apply_coding(researcher, a.id, code("Thresholds").id, 0, 9)     # sentence 1
    apply_coding(researcher, a.id, code("GP").id, 0, 9)             # same sentence as Thresholds
    apply_coding(researcher, a.id, code("Hope").id, 10, 26)         # sentence 2
    apply_coding(researcher, b.id, code("Housing").id)
    apply_coding(researcher, gone.id, code("Housing").id)
    tx.commit()
    withdraw_story(teller, gone.id)
    tx.commit()
    freq = analysis.frequencies(researcher, "site")
    rows = {c.name: dict(zip(freq.columns, counts, strict=True)) for c, counts in freq.rows}
    assert freq.columns == ["Luton", "Salford"]
    assert rows["Access"] == {"Luton": 1, "Salford": 0}  # via Thresholds
    assert rows["Housing"] == {"Luton": 0, "Salford": 1}  # the withdrawn story is gone
    story_level = analysis.cooccurrence(researcher, "story")
    names = story_level.columns
    cell = {(c.name, names[j]): n for c, counts in story_level.rows for j, n in enumerate(counts)}
    assert cell[("Thresholds", "Hope")] == 1 and cell[("Housing", "Hope")] == 0
    sentence_level = analysis.cooccurrence(researcher, "sentence")
    cell = {(c.name, names[j]): n for c, counts in sentence_level.rows for j, n in enumerate(counts)}
    assert cell[("Thresholds", "GP")] == 1 and cell[("Thresholds", "Hope")] == 0 and cell[("GP", "GP")] == 1
    sig = analysis.signifiers_beside_codes(researcher)
    sig_rows = {c.name: dict(zip(sig.columns, counts, strict=True)) for c, counts in sig.rows}
    assert sig_rows["Hope"]["waiting"] == 1 and sig_rows["Housing"]["waiting"] == 0
    tx.commit()  # analyses keep the sentence units they work out
    client, _ = login_as(user=researcher)
    page = client.get("/analysis", query_string={"by": "site", "level": "sentence"}).get_data(as_text=True)
    assert page.count("<svg") == 2 and "1 story was withdrawn by its teller" in page
    exported = client.get("/analysis/frequencies.csv", query_string={"by": "site"})
    assert exported.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True))))
    assert rows[0] == ["code", "parent", "Luton", "Salford"] and ["Housing", "Wider determinants", "0", "1"] in rows
    assert client.get("/analysis/nothing.csv").status_code == 404


def test_two_researchers_coding_the_same_story_at_once_lose_nothing(app, researcher, make_user, make_story,
                                                                       login_as):
    """Both open the coding page, both code, in either order: every coding is kept."""
    story = make_story(body=BODY)
    other = make_user("researcher")
    first, _ = login_as(user=researcher)
    second, _ = login_as(user=other)
    token_a = csrf_token(first, f"/research/stories/{story.id}/code")
    token_b = csrf_token(second, f"/research/stories/{story.id}/code")
    for client, token, code_name in ((first, token_a, "GP"), (second, token_b, "Hope"), (first, token_a, "Hope")):
        answer = client.post(f"/research/stories/{story.id}/codings",
                             data={"csrf_token": token, "start": "0", "end": "8", "code_id": code(code_name).id})
        assert answer.status_code == 302
    db.session.expire_all()
    assert sorted((c.coder_id, c.code.name) for c in db.session.scalars(select(Coding))) == sorted(
        [(researcher.id, "GP"), (other.id, "Hope"), (researcher.id, "Hope")])
