"""Suggestions: keyword and model proposals that count for nothing until a coder accepts one."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import csrf_token, sign_in
from sqlalchemy import func, select

from storybank import tx
from storybank.accounts.services import create_token
from storybank.archive.consent import change_consent
from storybank.archive.stories import revise_story
from storybank.archive.withdrawal import withdraw_story
from storybank.coding import analysis, codebook, suggest, suggest_classifier, suggest_lemmas
from storybank.coding.agreement_by_code import code_agreement
from storybank.coding.codings import apply_coding, codings_for
from storybank.coding.models import Code, Coding
from storybank.coding.suggest_models import SuggestionDecision, SuggestionTraining
from storybank.errors import InvalidInput, NotFound
from storybank.extensions import db
from storybank.search import service as search

BODY = ("I waited eleven weeks for the first appointment. When it came, I had to tell my story again, "
        "from the start, to someone new.\n\nThe peer workers at the hub were the first people who listened.")
FIRST = "I waited eleven weeks for the first appointment."


def code(name: str) -> Code:
    return db.session.scalar(select(Code).where(Code.name == name))


@pytest.fixture
def researcher(make_user):
    user = make_user("researcher")
    codebook.install_starter(user)
    codebook.update_code(user, code("Thresholds").id, {"keywords": "wait, referral\ncriteria"})
    codebook.update_code(user, code("Peer support").id, {"keywords": "peer worker; Lived experience"})
    tx.commit()
    return user


def open_items(user, story_id) -> list[tuple[str, str]]:
    panel = suggest.suggestions_for(user, story_id)
    tx.commit()  # sentence units worked out on the way are kept, as a request would
    return [(c.name, panel.revision.body[s.start:s.end]) for s, c in panel.items]


def counts(user) -> tuple:
    """What the analyses see: coding rows, codebook counts, agreement, frequencies, search."""
    db.session.expire_all()
    return (db.session.scalar(select(func.count()).select_from(Coding)), codebook.usage_counts(user),
            code_agreement(user, code("Thresholds").id)["units"],
            [(c.id, n) for c, n in analysis.frequencies(user, "kind").rows],
            {h.id for h in search.search(user, "theme:thresholds").hits})


def test_keywords_find_other_forms_of_the_word_and_show_what_matched(app, researcher, make_story):
    story = make_story(body=BODY)
    panel = suggest.suggestions_for(researcher, story.id)
    found = {(c.name, BODY[s.start:s.end]): s for s, c in panel.items}
    waited = found[("Thresholds", FIRST)]  # keyword "wait" finds "waited"; the suggestion is the whole sentence
    assert [BODY[a:b] for a, b in waited.matches] == ["waited"] and waited.keywords == ("wait",)
    assert waited.sources == ("keyword",) and waited.score is None
    assert [(t, hit) for t, hit in waited.parts(BODY)] == [("I ", False), ("waited", True),
                                                            (" eleven weeks for the first appointment.", False)]
    peers = [s for (name, _), s in found.items() if name == "Peer support"]
    assert [BODY[a:b] for a, b in peers[0].matches] == ["peer workers"]  # a plural finds the singular keyword
    assert len(panel.items) == 2  # the middle sentence matches nothing


def test_keywords_are_split_on_commas_semicolons_and_lines_and_star_is_a_prefix(app):
    assert suggest_lemmas.parse_keywords(' wait, "waiting list";\n\nreferral ,, wait, *') == [
        "wait", "waiting list", "referral"]
    matcher = suggest_lemmas.keyword_matcher([(1, "isolat*"), (2, "GP")])
    doc = next(suggest_lemmas.analyse(["Isolation again, then the gp."]))
    assert [(m.code_id, m.keyword) for m in matcher.matches(doc)] == [(1, "isolat*"), (2, "GP")]


def test_without_an_english_model_stems_stand_in_and_the_page_says_so(app, client, researcher, make_story):
    app.config["SPACY_MODEL"] = "storybank_no_such_model"
    story = make_story(body=BODY)
    assert ("Thresholds", FIRST) in open_items(researcher, story.id)
    page = sign_in(client, researcher).get(f"/research/stories/{story.id}/code").get_data(as_text=True)
    assert "No English model is installed" in page and "stems" in page


def test_a_suggestion_counts_for_nothing_until_accepted(app, client, researcher, make_story):
    story = make_story(body=BODY)
    before = counts(researcher)
    sign_in(client, researcher)
    page = client.get(f"/research/stories/{story.id}/code")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'class="suggested-tag">suggested' in html and "<mark>waited</mark>" in html
    assert 'id="margin-marks"' in html and "No codings yet." in html
    assert counts(researcher) == before
    suggestion = next(s for s, c in suggest.suggestions_for(researcher, story.id).items if c.name == "Thresholds")
    tx.commit()
    token = csrf_token(client, f"/research/stories/{story.id}/code")
    answer = client.post(f"/research/stories/{story.id}/suggestions", data={
        "csrf_token": token, "code_id": code("Thresholds").id, "start": suggestion.start, "end": suggestion.end,
        "revision_id": story.current_revision.id, "decision": "accept", "index": 0})
    assert answer.status_code == 302 and answer.location.endswith("#suggestion-0")
    coding = db.session.scalar(select(Coding))
    assert (coding.coder_id, coding.code_id, BODY[coding.start:coding.end]) == (
        researcher.id, code("Thresholds").id, FIRST)
    assert (coding.unit_first, coding.unit_last) == (0, 0)
    after = counts(researcher)
    assert after[0] == 1 and after[1] == {code("Thresholds").id: 1} and after[4] == {story.id}
    decision = db.session.scalar(select(SuggestionDecision))
    assert (decision.decision, decision.coding_id, decision.source) == ("accepted", coding.id, "keyword")
    assert ("Thresholds", FIRST) not in open_items(researcher, story.id)
    shown = client.get(f"/research/stories/{story.id}/code").get_data(as_text=True)
    assert "Accepted: now one of your codings." in shown and 'class="coded"' in shown


def test_rejecting_hides_it_for_that_coder_only_and_it_stays_hidden(app, researcher, make_user, make_story):
    other = make_user("researcher")
    story = make_story(body=BODY)
    before = counts(researcher)
    s = next(s for s, c in suggest.suggestions_for(researcher, story.id).items if c.name == "Thresholds")
    _, coding, new = suggest.decide(researcher, story.id, s.code_id, s.start, s.end, "reject")
    tx.commit()
    assert coding is None and new
    assert suggest.decide(researcher, story.id, s.code_id, s.start, s.end, "reject")[2] is False  # pressed twice
    with pytest.raises(InvalidInput, match="already rejected"):
        suggest.decide(researcher, story.id, s.code_id, s.start, s.end, "accept")
    assert counts(researcher) == before
    assert ("Thresholds", FIRST) not in open_items(researcher, story.id)
    assert ("Thresholds", FIRST) in open_items(other, story.id)
    assert suggest.suggestions_for(researcher, story.id).rejected == 1
    # A revision that leaves the sentence as it was does not bring it back.
    revise_story(story.teller, story.id, body=BODY.replace("someone new", "a new face"))
    tx.commit()
    assert ("Thresholds", FIRST) not in open_items(researcher, story.id)
    assert suggest.restore_rejected(researcher, story.id) == 1
    tx.commit()
    assert ("Thresholds", FIRST) in open_items(researcher, story.id)


def test_a_coder_is_not_offered_what_they_coded_already(app, researcher, make_story):
    story = make_story(body=BODY)
    apply_coding(researcher, story.id, code("Thresholds").id, 2, 8)  # "waited"
    tx.commit()
    assert [n for n, _ in open_items(researcher, story.id)] == ["Peer support"]


def test_stale_or_bad_decisions_are_refused_clearly(app, client, researcher, make_user, make_story):
    story = make_story(body=BODY)
    s = next(s for s, c in suggest.suggestions_for(researcher, story.id).items if c.name == "Thresholds")
    with pytest.raises(NotFound, match="No such suggestion"):
        suggest.decide(researcher, story.id, s.code_id, s.start, s.end - 1, "accept")
    with pytest.raises(NotFound, match="No such code"):
        suggest.decide(researcher, story.id, 999999, s.start, s.end, "accept")
    with pytest.raises(InvalidInput, match="accept or reject"):
        suggest.decide(researcher, story.id, s.code_id, s.start, s.end, "maybe")
    with pytest.raises(InvalidInput, match="whole number"):
        suggest.decide(researcher, story.id, s.code_id, "x", s.end, "accept")
    with pytest.raises(InvalidInput, match="revised"):
        suggest.decide(researcher, story.id, s.code_id, s.start, s.end, "accept", story.current_revision.id + 1)
    with pytest.raises(NotFound):
        suggest.decide(researcher, "abc", s.code_id, s.start, s.end, "accept")
    tx.rollback()
    sign_in(client, researcher)
    token = csrf_token(client, f"/research/stories/{story.id}/code")
    answer = client.post(f"/research/stories/{story.id}/suggestions", data={
        "csrf_token": token, "code_id": s.code_id, "start": 0, "end": 3, "decision": "accept"},
        follow_redirects=True)
    assert answer.status_code == 200 and "No such suggestion" in answer.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Coding)) == 0
    # No CSRF token: nothing happens.
    client.post(f"/research/stories/{story.id}/suggestions", data={
        "code_id": s.code_id, "start": s.start, "end": s.end, "decision": "accept"})
    assert db.session.scalar(select(func.count()).select_from(Coding)) == 0


def test_a_story_the_user_may_not_see_is_404(app, client, researcher, make_user, make_story):
    story = make_story(body=BODY, consent={"research": False, "workshop": True, "publication": False})
    with pytest.raises(NotFound):
        suggest.suggestions_for(researcher, story.id)
    sign_in(client, researcher)
    token = csrf_token(client, "/codebook")
    for path in (f"/research/stories/{story.id}/suggestions", f"/research/stories/{story.id}/suggestions/restore",
                 "/research/stories/987654/suggestions"):
        assert client.post(path, data={"csrf_token": token, "code_id": code("Thresholds").id, "start": 0,
                                        "end": 48, "decision": "accept"}).status_code == 404
    host_client = sign_in(app.test_client(), make_user("host"))
    assert host_client.get("/codebook/suggestions").status_code == 404


def test_withdrawal_removes_every_decision(app, researcher, make_story):
    story = make_story(body=BODY)
    for s, _ in suggest.suggestions_for(researcher, story.id).items:
        suggest.decide(researcher, story.id, s.code_id, s.start, s.end, "reject")
    tx.commit()
    assert db.session.scalar(select(func.count()).select_from(SuggestionDecision)) == 2
    tombstone = withdraw_story(story.teller, story.id)
    tx.commit()
    assert db.session.scalar(select(func.count()).select_from(SuggestionDecision)) == 0
    assert tombstone.removed_counts["suggestion_decisions"] == 2


CODED = ["The waiting list was months long.", "They put me on a waiting list again.",
         "I waited months for a referral.", "The referral was refused because of the criteria."]
UNCODED = ["We had tea in the garden.", "My sister came round on Sunday.", "The bus was late.",
           "I like the park in spring.", "She laughed at my jokes."]


def coded_stories(researcher, make_story, n: int = 3, **kwargs) -> list:
    stories = []
    for i in range(n):
        body = " ".join(UNCODED[i:] + CODED + UNCODED[:i])
        story = make_story(body=body, title=f"Coded {i}", **kwargs)
        for sentence in CODED:
            start = body.index(sentence)
            apply_coding(researcher, story.id, code("Scarcity").id, start, start + len(sentence))
        stories.append(story)
    tx.commit()
    return stories


def model_files(app) -> list[Path]:
    return [p for p in (Path(app.instance_path) / suggest_classifier.MODEL_DIR).rglob("*") if p.is_file()]


def test_the_model_learns_from_the_teams_codings_and_proposes_them(app, researcher, make_story):
    stories = coded_stories(researcher, make_story)
    narrowed = coded_stories(researcher, make_story, n=1)[0]
    change_consent(narrowed.teller, narrowed.id, {"research": False})
    tx.commit()
    training = suggest_classifier.train(researcher, epochs=10)
    tx.commit()
    assert sorted(training.story_ids) == sorted(s.id for s in stories)  # not the narrowed one
    assert training.examples == 3 * (len(CODED) + len(UNCODED))
    assert training.labels == [[code("Scarcity").id, 12]] and training.trained_by_id == researcher.id
    fresh = make_story(body="Nothing much happened at first. I was stuck on the waiting list for a year.")
    found = {(c.name, fresh.current_revision.body[s.start:s.end]): s
             for s, c in suggest.suggestions_for(researcher, fresh.id).items}
    proposed = found[("Scarcity", "I was stuck on the waiting list for a year.")]
    assert proposed.sources == ("model",) and proposed.score >= 0.5
    assert ("Scarcity", "Nothing much happened at first.") not in found
    # Only weights and code ids are kept: no sentence, no vocabulary.
    files = model_files(app)
    assert files and all(b"waiting" not in f.read_bytes() and b"garden" not in f.read_bytes() for f in files)
    # Retraining replaces the model and its folder.
    second = suggest_classifier.train(researcher, epochs=2)
    tx.commit()
    assert db.session.get(SuggestionTraining, training.id).status == "replaced"
    assert {p.parent.parent.name for p in model_files(app) if p.parent.name == "textcat"} == {str(second.id)}
    # A teller who takes research away takes their story out of the model: it is deleted at once.
    change_consent(stories[1].teller, stories[1].id, {"research": False})
    tx.commit()
    assert db.session.get(SuggestionTraining, second.id).status == "discarded"
    assert suggest.model_status(researcher).learned == [] and model_files(app) == []


def test_coding_blind_the_model_does_not_echo_other_coders(app, researcher, make_user, make_story):
    stories = coded_stories(researcher, make_story)
    suggest_classifier.train(researcher, epochs=10)
    tx.commit()
    other = make_user("researcher")
    blind = suggest.suggestions_for(other, stories[0].id)
    assert blind.model_hidden and all(s.score is None for s, _ in blind.items)
    assert [c.name for _, c in blind.items] == ["Thresholds"] * 2  # keyword suggestions stay ("waited", "referral")
    seeing = suggest.suggestions_for(other, stories[0].id, blind=False)
    assert not seeing.model_hidden and any(c.name == "Scarcity" and s.score for s, c in seeing.items)


def test_withdrawing_a_story_the_model_learned_from_deletes_the_model(app, researcher, make_story):
    stories = coded_stories(researcher, make_story)
    training = suggest_classifier.train(researcher, epochs=2)
    tx.commit()
    assert model_files(app)
    withdraw_story(stories[0].teller, stories[0].id)
    tx.commit()
    assert model_files(app) == []
    assert db.session.get(SuggestionTraining, training.id).status == "discarded"
    status = suggest.model_status(researcher)
    assert not status.ready and "withdrawn" in status.note


def test_training_needs_coded_sentences(app, researcher, make_story):
    story = make_story(body=BODY)
    apply_coding(researcher, story.id, code("Hope").id)  # a whole-story coding teaches nothing about sentences
    tx.commit()
    with pytest.raises(InvalidInput, match="at least 3 coded sentences"):
        suggest_classifier.train(researcher)


def test_retrain_button_and_model_page(app, client, researcher, make_story):
    coded_stories(researcher, make_story, n=2)
    sign_in(client, researcher)
    page = client.get("/codebook/suggestions").get_data(as_text=True)
    assert "Not trained yet." in page and "wait, referral, criteria" in page
    token = csrf_token(client, "/codebook/suggestions")
    answer = client.post("/codebook/suggestions/train", data={"csrf_token": token}, follow_redirects=True)
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "Retrained the suggestion model on 18 sentences from 2 stories" in text
    assert re.search(r"<th scope=\"row\">Scarcity</th><td>8</td>", text)
    story_page = client.get(f"/research/stories/{db.session.scalar(select(Coding.story_id))}/code")
    assert "on 18 sentences from 2 stories (1 code)" in story_page.get_data(as_text=True)


def test_suggest_train_command(app, researcher, make_story):
    coded_stories(researcher, make_story, n=2)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["suggest", "train", "--as", researcher.email, "--epochs", "2"])
    assert result.exit_code == 0, result.output
    assert "Trained on 18 sentences from 2 stories: 1 codes, 2 passes" in result.output
    assert runner.invoke(args=["suggest", "train", "--as", "nobody@example.org"]).exit_code == 1


def test_suggestions_api(app, client, researcher, make_user, make_story):
    story = make_story(body=BODY)
    token = create_token(researcher)
    tx.commit()
    headers = {"Authorization": f"Bearer {token}"}
    listed = client.get(f"/api/v1/stories/{story.id}/suggestions", headers=headers).get_json()
    assert listed["keywords_matched_on"] == "lemmas" and listed["model"] is None
    first = next(r for r in listed["results"] if r["code_id"] == code("Thresholds").id)
    assert (first["sources"], first["keywords"], first["matches"]) == (["keyword"], ["wait"], [{"start": 2, "end": 8}])
    body = {"code_id": first["code_id"], "start": first["start"], "end": first["end"], "decision": "accept",
            "revision_id": listed["revision_id"]}
    made = client.post(f"/api/v1/stories/{story.id}/suggestions", headers=headers, json=body)
    assert made.status_code == 201 and made.get_json()["coding"]["start"] == 0
    assert client.post(f"/api/v1/stories/{story.id}/suggestions", headers=headers, json=body).status_code == 200
    assert [c.coder_id for c in codings_for(researcher, story.id)] == [researcher.id]
    assert client.post(f"/api/v1/stories/{story.id}/suggestions", headers=headers,
                       json={**body, "extra": 1}).status_code == 400
    assert client.post(f"/api/v1/stories/{story.id}/suggestions", headers=headers,
                       json={**body, "code_id": 999999}).status_code == 404
    assert client.get("/api/v1/stories/987654/suggestions", headers=headers).status_code == 404
    host = create_token(make_user("host"))
    tx.commit()
    assert client.get(f"/api/v1/stories/{story.id}/suggestions",
                      headers={"Authorization": f"Bearer {host}"}).status_code == 404
