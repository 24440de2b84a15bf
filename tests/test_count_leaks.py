"""No count a user sees includes a story they may not see (withdrawn, narrowed, out of scope).

Each test codes or uses three stories, then one teller narrows consent and another
withdraws: every count must say 1 afterwards (and 3 before, so the count can fail).
"""
from __future__ import annotations

from conftest import api_client
from sets_helpers import workshop_story

from storybank import tx
from storybank.archive.consent import change_consent
from storybank.archive.withdrawal import withdraw_story
from storybank.coding import analysis, codebook
from storybank.coding.codings import apply_coding
from storybank.workshops import sets as set_service


def _row(table: analysis.Table, name: str) -> list[int]:
    return next(counts for code, counts in table.rows if code.name == name)


def _three_coded(make_user, make_story, researcher):
    hope = codebook.create_code(researcher, "Hope")
    tellers = [make_user("storyteller") for _ in range(3)]
    stories = [make_story(teller, body=f"Story {n}: hope came late, at the hub.") for n, teller in enumerate(tellers)]
    for story in stories:
        apply_coding(researcher, story.id, hope.id)
    tx.commit()
    return hope, tellers, stories


def _narrow_and_withdraw(tellers, stories, scope: str) -> None:
    change_consent(tellers[0], stories[0].id, {scope: False})
    withdraw_story(tellers[1], stories[1].id)
    tx.commit()


def test_analysis_tables_and_api_totals_count_only_readable_stories(app, make_user, make_story):
    researcher = make_user("researcher")
    hope, tellers, stories = _three_coded(make_user, make_story, researcher)
    client = api_client(app, researcher)
    assert sum(_row(analysis.frequencies(researcher), "Hope")) == 3
    assert client.get("/api/v1/stories").get_json()["total"] == 3

    _narrow_and_withdraw(tellers, stories, "research")

    assert sum(_row(analysis.frequencies(researcher), "Hope")) == 1
    assert sum(_row(analysis.frequencies(researcher, "site"), "Hope")) == 1
    table = analysis.cooccurrence(researcher)
    assert _row(table, "Hope")[table.columns.index("Hope")] == 1
    assert client.get("/api/v1/stories").get_json()["total"] == 1
    assert client.get("/api/v1/search?q=hub&purpose=research").get_json()["total"] == 1
    csv = analysis.table_csv(researcher, "frequencies")
    assert "Hope" in csv and ",3" not in csv.split("Hope", 1)[1].splitlines()[0]


def test_story_set_sizes_count_only_items_the_host_may_read(app, make_user, make_story, login_as):
    researcher = make_user("researcher")
    made = [workshop_story(make_user, make_story, researcher, title=f"Hub {n}") for n in range(3)]
    client, host = login_as("host")
    story_set = set_service.create_set(host, "At the hub", "What happens at the hub?")
    for story, _teller in made:
        set_service.add_item(host, story_set.id, story.id)
    tx.commit()
    api = api_client(app, host)
    assert [count for _s, count in set_service.list_sets(host)] == [3]

    _narrow_and_withdraw([t for _s, t in made], [s for s, _t in made], "workshop")

    assert [count for _s, count in set_service.list_sets(host)] == [1]
    assert [s["items"] for s in api.get("/api/v1/sets").get_json()["results"]] == [1]
    page = client.get("/sets").get_data(as_text=True)
    assert "<td>1</td>" in page and "<td>3</td>" not in page


def test_agreement_counts_only_readable_stories(app, make_user, make_story):
    from storybank.coding.agreement_by_code import code_agreement

    researcher, second = make_user("researcher"), make_user("researcher")
    hope, tellers, stories = _three_coded(make_user, make_story, researcher)
    for story in stories:
        apply_coding(second, story.id, hope.id)
    tx.commit()
    api = api_client(app, researcher)
    assert code_agreement(researcher, hope.id)["stories"] == 3

    _narrow_and_withdraw(tellers, stories, "research")

    assert code_agreement(researcher, hope.id)["stories"] == 1
    assert api.get(f"/api/v1/codes/{hope.id}/agreement").get_json()["stories"] == 1


def test_import_list_counts_only_stories_the_researcher_may_read(app, make_user, login_as):
    import re
    import uuid

    from sqlalchemy import select
    from test_refi_offsets import make_qdpx

    from storybank.archive.claims import claim_story, create_claim_link
    from storybank.archive.models import Story
    from storybank.extensions import db
    from storybank.interop.qdpx_import import import_qdpx

    client, researcher = login_as("researcher")
    code = str(uuid.uuid4())
    sources = [{"guid": str(uuid.uuid4()), "name": f"Talk {n}.txt", "data": f"Talk {n} about the hub.".encode(),
                "selections": [(str(uuid.uuid4()), 0, 4, code, None, [])]} for n in range(3)]
    import_qdpx(researcher, make_qdpx("NVivo 14", sources, [(code, "Talk")]))
    tx.commit()
    other_client, _other = login_as("researcher")

    def row(page_client) -> list[str]:
        page = page_client.get("/exchange/", follow_redirects=True).get_data(as_text=True)
        cells = re.search(r"imports-heading.*?<tbody>\s*<tr>(.*?)</tr>", page, re.S).group(1)
        return re.findall(r"<td>(\d+)</td>", cells)

    assert row(client)[:2] == ["3", "3"]
    assert row(other_client)[:2] == ["0", "0"]  # entered without consent: only the importer may read them
    stories = list(db.session.scalars(select(Story).order_by(Story.id)))
    tellers = [make_user("storyteller") for _ in stories]
    for teller, story in zip(tellers, stories, strict=True):
        claim_story(teller, create_claim_link(researcher, story.id)[1])
        change_consent(teller, story.id, {"research": True})
    tx.commit()
    _narrow_and_withdraw(tellers, stories, "research")

    assert row(client)[:2] == ["1", "1"]
    api = api_client(app, researcher)
    listed = api.get("/api/v1/imports").get_json()["results"][0]
    assert listed["readable"] == {"stories": 1, "codings": 1}
    assert listed["counts"]["stories"] == 3  # what arrived: the import's own record
    one = api.get(f"/api/v1/imports/{listed['id']}").get_json()
    assert one["readable"] == {"stories": 1, "codings": 1} and len(one["stories"]) == 1


def test_the_suggestion_model_forgets_a_story_whose_teller_took_research_away(app, make_user, make_story, login_as):
    from sqlalchemy import select

    from storybank.coding import suggest, suggest_classifier
    from storybank.coding.models import Code
    from storybank.extensions import db

    client, researcher = login_as("researcher")
    codebook.install_starter(researcher)
    scarcity = db.session.scalar(select(Code).where(Code.name == "Scarcity")).id
    sentences = ["The waiting list was months long.", "They put me on a waiting list again.",
                 "I waited months for a referral."]
    tellers, stories = [], []
    for n in range(3):
        tellers.append(make_user("storyteller"))
        body = " ".join(sentences) + f" Then story {n} went on."
        stories.append(make_story(tellers[-1], body=body, title=f"Coded {n}"))
        for sentence in sentences:
            start = body.index(sentence)
            apply_coding(researcher, stories[-1].id, scarcity, start, start + len(sentence))
    tx.commit()
    suggest_classifier.train(researcher, epochs=1)
    tx.commit()
    assert dict((c.name, n) for c, n in suggest.model_status(researcher).learned)["Scarcity"] == 9

    change_consent(tellers[0], stories[0].id, {"research": False})
    tx.commit()

    status = suggest.model_status(researcher)
    assert status.learned == [] and suggest_classifier.current_training() is None
    assert "no longer available for research, so the model was deleted" in status.note
    page = client.get("/codebook/suggestions").get_data(as_text=True)
    assert "Coded sentences it learned from" not in page
