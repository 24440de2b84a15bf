"""Search: the query language, both engines, the policy filter, repair after a crash."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import ROOT, make_app
from sqlalchemy import func, select

from storybank import create_app, tx
from storybank.accounts.models import User
from storybank.archive.consent import change_consent
from storybank.archive.models import Story
from storybank.archive.stories import revise_story
from storybank.archive.validation import StoryDraft
from storybank.archive.withdrawal import withdraw_story
from storybank.coding.codebook import create_code, install_starter
from storybank.coding.codings import apply_coding
from storybank.extensions import db
from storybank.search import indexing, rebuilding, service
from storybank.search.models import SearchDocument, SearchOutbox, SearchWord
from storybank.search.query import QuerySyntaxError

CORPUS = [
    ("Waiting for the crisis team", "I waited nine weeks. The crisis team came at night and the police came too.",
     "lived_experience", "Salford", {}),
    ("The housing officer", "My housing officer found me a flat. I finally received the keys in April.",
     "lived_experience", "Luton", {"collected_on": date(2021, 4, 2)}),
    ("Running the hub", "As a peer worker I run the community hub. Nobody waits; we listen first.",
     "practitioner", "Salford", {"storyteller_role": "peer worker", "collection_method": "interview",
                                 "collected_on": date(2022, 9, 1)}),
    ("Commissioning differently", "We stopped commissioning by activity. The crisis in the system was waiting.",
     "practitioner", "Edinburgh", {"storyteller_role": "commissioner"}),
    ("Houses and homes", "Houses are not homes. The GP said housing was not her problem.",
     "lived_experience", "Tameside & Glossop", {}),
]


@pytest.fixture
def corpus(app, make_user):
    from storybank.archive.stories import submit_story

    teller = make_user("storyteller")
    ids = {}
    for title, body, kind, site, extra in CORPUS:
        story = submit_story(teller, StoryDraft(
            title=title, body=body, kind=kind, site=site,
            consent={"research": True, "workshop": True, "publication": False}, attribution="anonymous",
            storyteller_role=extra.get("storyteller_role", ""),
            collection_method=extra.get("collection_method", "written"),
            collected_on=extra.get("collected_on"),
        ))
        ids[title] = story.id
    tx.commit()
    return teller, ids


def found(user, text, **kwargs) -> set[int]:
    results = service.search(user, text, per_page=50, **kwargs)
    assert results.total == len(results.hits)
    return {hit.id for hit in results.hits}


@pytest.mark.parametrize(("text", "titles"), [
    ("waiting", {"Waiting for the crisis team", "Running the hub", "Commissioning differently"}),  # stemming
    ('"crisis team"', {"Waiting for the crisis team"}),
    ("crisis team", {"Waiting for the crisis team"}),  # AND: both words, anywhere
    ("crisis NOT police", {"Commissioning differently"}),
    ("crisis -police", {"Commissioning differently"}),
    ("police OR GP", {"Waiting for the crisis team", "Houses and homes"}),
    ("(police OR GP) housing", {"Houses and homes"}),
    ("hous*", {"The housing officer", "Houses and homes"}),
    ("recieved~", {"The housing officer"}),
    ("commisioning~2", {"Commissioning differently"}),
    ("site:Salford", {"Waiting for the crisis team", "Running the hub"}),
    ('site:"tameside & glossop"', {"Houses and homes"}),
    ("kind:practitioner waiting", {"Running the hub", "Commissioning differently"}),
    ('role:"peer worker"', {"Running the hub"}),
    ("method:interview", {"Running the hub"}),
    ("date:2021", {"The housing officer"}),
    ("date:2021-05..", {"Running the hub"}),
    ("date:..2022-12-31", {"The housing officer", "Running the hub"}),
    ("Officer", {"The housing officer"}),  # titles are searched too
])
def test_the_query_language(corpus, make_user, text, titles):
    _, ids = corpus
    researcher = make_user("researcher")
    assert found(researcher, text) == {ids[t] for t in titles}


def test_theme_matches_its_sub_themes(corpus, make_user):
    _, ids = corpus
    researcher = make_user("researcher")
    install_starter(researcher)
    theme = create_code(researcher, "Night-time crisis", parent_id=_code_id("Thresholds"))
    apply_coding(researcher, ids["Waiting for the crisis team"], theme.id, 0, 16)
    apply_coding(researcher, ids["Houses and homes"], _code_id("Housing"))
    tx.commit()
    assert found(researcher, 'theme:"night-time crisis"') == {ids["Waiting for the crisis team"]}
    assert found(researcher, "theme:thresholds") == {ids["Waiting for the crisis team"]}
    assert found(researcher, "theme:access") == {ids["Waiting for the crisis team"]}
    assert found(researcher, "theme:access OR theme:housing") == {ids["Waiting for the crisis team"],
                                                                  ids["Houses and homes"]}
    facets = {f.label: f.count for f in service.search(researcher, "").facets["theme"]}
    assert facets["Access"] == 1 and facets["Wider determinants"] == 1 and facets["Housing"] == 1
    with pytest.raises(QuerySyntaxError, match="no theme called 'acess'.*Did you mean 'Access'"):
        service.search(researcher, "theme:acess")


def _code_id(name: str) -> int:
    from storybank.coding.models import Code

    return db.session.scalar(select(Code.id).where(Code.name == name))


def test_facets_follow_every_change_in_every_process(app, corpus, make_user):
    """PostgreSQL counts facets from each process's copy of the documents: a change in any process shows at once."""
    from storybank.coding.codings import remove_coding
    from storybank.search.models import SearchGeneration

    teller, ids = corpus
    researcher = make_user("researcher")
    install_starter(researcher)
    tx.commit()

    def themes() -> dict[str, int]:  # (a story coded Housing counts for its parent, Wider determinants, too)
        counts = {f.label: f.count for f in service.search(researcher, "").facets["theme"]}
        return {name: counts[name] for name in ("Housing", "Access") if name in counts}

    assert themes() == {}
    housing = apply_coding(researcher, ids["Houses and homes"], _code_id("Housing"))
    tx.commit()
    assert themes() == {"Housing": 1}
    first = indexing.engine()
    other = type(first)() if db.engine.dialect.name == "postgresql" else first  # a second gunicorn worker's
    app.extensions["storybank_search"] = other
    assert themes() == {"Housing": 1}
    apply_coding(researcher, ids["Waiting for the crisis team"], _code_id("Housing"))
    tx.commit()
    assert themes() == {"Housing": 2}
    app.extensions["storybank_search"] = first
    remove_coding(researcher, housing.id)
    tx.commit()
    assert themes() == {"Housing": 1}
    withdraw_story(teller, ids["Waiting for the crisis team"])
    tx.commit()
    assert themes() == {}
    assert {f.label: f.count for f in service.search(researcher, "crisis").facets["site"]} == {"Edinburgh": 1}
    db.session.execute(SearchGeneration.__table__.delete())  # the counter starts again (a restored database)
    tx.commit()
    apply_coding(researcher, ids["Houses and homes"], _code_id("Access"))
    tx.commit()
    assert themes() == {"Access": 1}
    app.extensions["storybank_search"] = other
    assert themes() == {"Access": 1}


def test_codebook_changes_show_in_the_next_search_of_every_process(app, corpus, make_user):
    """Each process keeps a copy of the codebook: a renamed, new or deleted code is searched and labelled at once."""
    from storybank.coding.codebook import delete_code, update_code
    from storybank.search import codebook_copy

    _, ids = corpus
    researcher = make_user("researcher")
    install_starter(researcher)
    apply_coding(researcher, ids["Houses and homes"], _code_id("Housing"))
    tx.commit()

    def labels(text: str = "") -> set[str]:
        return {f.label for f in service.search(researcher, text).facets["theme"]}

    assert found(researcher, "theme:housing") == {ids["Houses and homes"]} and "Housing" in labels()
    mine = app.extensions["storybank_codebook"]
    app.extensions["storybank_codebook"] = codebook_copy.CodebookCopy()  # another worker's copy
    assert "Housing" in labels("theme:housing")
    update_code(researcher, _code_id("Housing"), {"name": "Homes and housing"})
    tx.commit()
    for copy in (app.extensions["storybank_codebook"], mine):
        app.extensions["storybank_codebook"] = copy
        assert found(researcher, 'theme:"homes and housing"') == {ids["Houses and homes"]}
        with pytest.raises(QuerySyntaxError, match="no theme called 'housing'"):
            service.search(researcher, "theme:housing")
    app.extensions["storybank_codebook"] = mine
    new = create_code(researcher, "Night buses")
    tx.commit()
    assert found(researcher, 'theme:"night buses"') == set()
    apply_coding(researcher, ids["Houses and homes"], new.id)
    tx.commit()
    assert "Night buses" in labels() and "Homes and housing" in labels()
    delete_code(researcher, new.id)
    tx.commit()
    assert "Night buses" not in labels("houses")
    with pytest.raises(QuerySyntaxError, match="no theme called 'night buses'"):
        service.search(researcher, 'theme:"night buses"')


def test_results_have_snippets_facets_and_pages(corpus, make_user):
    researcher = make_user("researcher")
    results = service.search(researcher, "crisis", per_page=1)
    assert results.total == 2 and len(results.hits) == 1 and results.pages == 2
    assert "<mark>crisis</mark>" in str(results.hits[0].snippet)
    assert {f.label: f.count for f in results.facets["site"]} == {"Salford": 1, "Edinburgh": 1}
    assert {f.label: f.count for f in results.facets["kind"]} == {"Lived experience": 1, "Practitioner": 1}
    second = service.search(researcher, "crisis", per_page=1, page=2)
    assert second.hits[0].id != results.hits[0].id


def test_snippets_escape_the_text(app, make_user, make_story):
    make_story(body="The <script>alert(1)</script> crisis & the <b>team</b>.")
    researcher = make_user("researcher")
    html = str(service.search(researcher, "crisis").hits[0].snippet)
    assert "<script>" not in html and "&lt;script&gt;" in html and "<mark>crisis</mark>" in html


def test_did_you_mean_and_common_words(corpus, make_user):
    researcher = make_user("researcher")
    results = service.search(researcher, "crisus tem")
    assert results.total == 0 and results.did_you_mean == "crisis team"
    assert service.search(researcher, "crisis").did_you_mean is None
    common = service.search(researcher, "the crisis")
    assert common.total == 2 and any("too common" in n for n in common.notes)


BROKEN = ['"crisis team', "(waiting", "waiting)", "crisis OR", "AND crisis", "NOT", "crisis NOT", "site:", "colour:red",
          "date:2021-13", "date:2022..2021", "*ing", "wait~7", "kind:robots", "()", 'site:"', "x" * 1200,
          "theme:nothing-like-this", "a~b", "(((", ")))", "OR OR", '""']


@pytest.mark.parametrize("text", BROKEN)
def test_broken_queries_say_what_is_wrong_and_where(corpus, make_user, login_as, text):
    researcher = make_user("researcher")
    with pytest.raises(QuerySyntaxError) as caught:
        service.search(researcher, text)
    assert caught.value.message and 0 <= caught.value.position <= len(text)
    client, _ = login_as(user=researcher)
    page = client.get("/search", query_string={"q": text})
    assert page.status_code == 400
    assert "could not be read" in page.get_data(as_text=True)


def test_search_page_shows_results_and_facets(corpus, login_as):
    client, _ = login_as("researcher")
    page = client.get("/search", query_string={"q": "crisis"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "2 stories" in html and "<mark>crisis</mark>" in html
    assert 'site:&#34;Salford&#34;' in html or "site:%22Salford%22" in html
    error = client.get("/search", query_string={"q": '"crisis team'}).get_data(as_text=True)
    assert "this quote is never closed" in error and "^" in error


def test_api_search(corpus, make_user, client):
    from storybank.accounts.services import create_token

    researcher = make_user("researcher")
    token = create_token(researcher)
    tx.commit()
    headers = {"Authorization": f"Bearer {token}"}
    body = client.get("/api/v1/search", query_string={"q": "crisis", "site": "Salford"}, headers=headers).get_json()
    assert body["total"] == 1 and body["results"][0]["title"] == "Waiting for the crisis team"
    assert body["facets"]["site"] == {"Salford": 1}
    bad = client.get("/api/v1/search", query_string={"q": "(crisis"}, headers=headers)
    assert bad.status_code == 400 and bad.get_json()["detail"]["position"] == 0
    assert "never closed" in bad.get_json()["error"]
    assert client.get("/api/v1/search", query_string={"q": "crisis"}).status_code == 401


def test_search_never_shows_what_the_user_may_not_see(app, make_user, make_story):
    teller = make_user("storyteller")
    no_research = make_story(teller, title="Workshop only", body="A zebra story.",
                             consent={"research": False, "workshop": True, "publication": False})
    shared = make_story(teller, title="Shared", body="Another zebra story.")
    researcher, host = make_user("researcher"), make_user("host")
    assert found(researcher, "zebra") == {shared.id}
    # hosts see approved workshop versions only; none exist yet
    assert found(host, "zebra") == set()
    with pytest.raises(Exception, match="for researchers"):
        service.search(host, "zebra", purpose="research")
    # narrowing consent reaches the index in the same request
    change_consent(teller, shared.id, {"research": False})
    tx.commit()
    assert found(researcher, "zebra") == set()
    change_consent(teller, shared.id, {"research": True})
    tx.commit()
    assert found(researcher, "zebra") == {shared.id}
    withdraw_story(teller, shared.id)
    tx.commit()
    assert found(researcher, "zebra") == set()
    assert found(researcher, "zebr*") == set() and found(researcher, "zebra~") == set()
    assert no_research.id not in found(researcher, "")


def test_revisions_are_searched_at_once(app, make_user, make_story):
    teller = make_user("storyteller")
    story = make_story(teller, body="First a giraffe.")
    revise_story(teller, story.id, body="Now an okapi.")
    tx.commit()
    researcher = make_user("researcher")
    assert found(researcher, "okapi") == {story.id}
    assert found(researcher, "giraffe") == set()
    assert service.search(researcher, "girafe").did_you_mean is None  # the old word left the vocabulary


def test_a_failed_index_write_is_reported_then_repaired_on_the_next_start(app, make_user, make_story, monkeypatch):
    if indexing.engine().transactional:
        pytest.skip("PostgreSQL writes its index in the same transaction: there is nothing to lose")
    from storybank.search.whoosh_engine import WhooshEngine

    def crash(self, docs, removals):
        raise OSError("disk full")

    monkeypatch.setattr(WhooshEngine, "write", crash)
    monkeypatch.setattr(indexing, "RETRY_DELAYS", (0.01,))
    with pytest.raises(indexing.IndexNotUpdated, match="search index could not be updated"):
        make_story(body="A pangolin came to the hub.")  # the commit succeeds, the index write fails loudly
    story = db.session.scalars(select(Story)).one()
    researcher = make_user("researcher")
    assert db.session.scalar(select(func.count()).select_from(SearchOutbox)) == 1
    assert found(researcher, "pangolin") == set()
    monkeypatch.undo()
    restarted = create_app(dict(app.config))
    with restarted.app_context():
        assert db.session.scalar(select(func.count()).select_from(SearchOutbox)) == 0
        assert found(researcher, "pangolin") == {story.id}


def test_a_stale_index_never_shows_a_withdrawn_story(app, make_user, make_story, monkeypatch):
    if indexing.engine().transactional:
        pytest.skip("PostgreSQL's index is the database itself and cannot be stale")
    from storybank.search.whoosh_engine import WhooshEngine

    teller = make_user("storyteller")
    story = make_story(teller, body="The capybara at the door.")
    make_story(body="Another capybara, in Luton.", site="Luton")
    researcher = make_user("researcher")
    assert len(found(researcher, "capybara")) == 2
    monkeypatch.setattr(WhooshEngine, "write", lambda self, docs, removals: (_ for _ in ()).throw(OSError("killed")))
    monkeypatch.setattr(indexing, "RETRY_DELAYS", (0.01,))
    withdraw_story(teller, story.id)
    with pytest.raises(indexing.IndexNotUpdated):
        tx.commit()
    results = service.search(researcher, "capybara")
    assert [h.id for h in results.hits] != [story.id] and results.total == 1
    assert [f.value for f in results.facets["site"]] == ["Luton"]  # no facet of the withdrawn story either
    monkeypatch.undo()
    indexing.process_outbox()
    assert not any(b"door" in p.read_bytes() for p in Path(app.config["INDEX_DIR"]).rglob("*") if p.is_file())


def test_withdrawal_leaves_no_index_file_or_row_holding_the_text(app, make_user, make_story, monkeypatch):
    """Several segments, none merged by the way: only the expunge step can take the word out of the files."""
    from storybank.search import whoosh_engine

    monkeypatch.setattr(whoosh_engine, "SEGMENT_DOCS", 2)
    monkeypatch.setattr(whoosh_engine, "SMALL_SEGMENT", 1)
    teller = make_user("storyteller")
    others = [make_story(body=f"Story {n} about the weather and the hub.").id for n in range(5)]
    story_id = make_story(teller, body="My quokkaword story about the hub.").id  # in a segment with others
    others += [make_story(body=f"Story {n} about the weather and the hub.").id for n in range(5, 12)]
    teller_id = teller.id
    indexing.rebuild()
    folder = Path(app.config["INDEX_DIR"]).parent

    def holding() -> list[str]:
        files = [str(p) for p in folder.rglob("*") if p.is_file() and b"quokkaword" in p.read_bytes()]
        rows = db.session.scalar(select(func.count()).select_from(SearchDocument).where(
            SearchDocument.words.like("%quokkaword%")))
        words = db.session.scalar(select(func.count()).select_from(SearchWord).where(
            SearchWord.word == "quokkaword"))
        return files + ["search_documents"] * rows + ["search_words"] * words

    assert holding(), "the index should hold the word before withdrawal"
    withdraw_story(db.session.get(User, teller_id), story_id)
    tx.commit()
    assert holding() == []
    assert found(make_user("researcher"), "hub") == set(others)


def test_reindex_rebuilds_the_same_results_with_progress(corpus, make_user, app):
    researcher = make_user("researcher")
    before = {q: found(researcher, q) for q in ("crisis", "hous*", "site:Salford", "waiting NOT police")}
    runner = app.test_cli_runner()
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    assert "Reindexed 5 stories" in result.output
    assert {q: found(researcher, q) for q in before} == before


def test_a_lost_whoosh_index_is_rebuilt_on_start(corpus, make_user, app):
    if indexing.engine().transactional:
        pytest.skip("PostgreSQL keeps its index in the database")
    import shutil

    researcher = make_user("researcher")
    expected = found(researcher, "crisis")
    shutil.rmtree(app.config["INDEX_DIR"])
    restarted = create_app(dict(app.config))
    with restarted.app_context():
        rebuilding.wait()  # the start began rebuilding it in the background
        assert found(researcher, "crisis") == expected


def test_excerpt_search(app, make_user, make_story):
    body = ("I was passed between teams. The GP referred me on and nobody joined it up. "
            "Then the hub called. The GP at the hub knew my name.")
    story = make_story(body=body)
    other = make_story(body="The GP was kind. Then I fell through the gap again.")
    researcher = make_user("researcher")
    install_starter(researcher)
    fragmentation = _code_id("Fragmentation")
    first = body.index("The GP referred")
    apply_coding(researcher, story.id, fragmentation, first, body.index("Then the hub"))
    apply_coding(researcher, story.id, fragmentation, 0, len("I was passed between teams."))
    apply_coding(researcher, other.id, fragmentation, other.current_revision.body.index("Then"),
                 len(other.current_revision.body))
    apply_coding(researcher, story.id, _code_id("Connection"), body.index("The GP at"), len(body))
    tx.commit()
    results = service.search_excerpts(researcher, "theme:fragmentation GP")
    assert results.total == 1
    assert "<mark>GP</mark> referred me on" in str(results.hits[0].text)
    assert service.search_excerpts(researcher, "theme:access").total == 3  # sub-themes count
    assert service.search_excerpts(researcher, "GP").total == 2
    withdraw_story(story.teller, story.id)
    tx.commit()
    assert service.search_excerpts(researcher, "theme:fragmentation").total == 1


DEMO_QUERIES = [
    "waiting", '"crisis team"', 'waiting "crisis team" NOT police', "hous*", "recieved~", "GP OR doctor",
    "site:Salford kind:lived_experience", "theme:access", "theme:thresholds site:Luton", 'theme:"money and debt"',
    "date:2024-01..2024-06", 'role:"peer worker"', "NOT police", "(debt OR bailiff*) -housing",
    "kind:practitioner commission*", "lonely~ OR isolated", "the", "peer support",
]


def test_both_engines_return_the_same_stories_for_the_demo_corpus(tmp_path, sqlite_template, postgres_url):
    if postgres_url is None:
        pytest.skip("PostgreSQL is not available")
    answers = {}
    for kind in ("sqlite", "postgresql"):
        app = make_app(kind, tmp_path / kind, sqlite_template, postgres_url)
        with app.app_context():
            answers[kind] = _demo_answers()
            db.session.remove()
            db.engine.dispose()
    assert answers["sqlite"] == answers["postgresql"]
    assert sum(1 for ids in answers["sqlite"].values() if ids) >= len(DEMO_QUERIES) - 1


def _demo_answers() -> dict[str, list[int]]:
    from storybank.accounts.services import create_user
    from storybank.cli import DEMO_TELLER_PREFIXES  # noqa: F401  (the demo's own layout)
    from storybank.coding.demo import code_demo_stories
    from storybank.interop.markdown_import import import_folder, story_files

    researcher = create_user(None, "r@example.org", "correct horse battery", ["researcher"], "R")
    import_folder(researcher, story_files(ROOT / "stories"), {})
    install_starter(researcher)
    code_demo_stories(researcher, None)
    tx.commit()
    out = {}
    for text in DEMO_QUERIES:
        results = service.search(researcher, text, per_page=100)
        # story ids are assigned in the same order on both databases
        out[text] = sorted(h.id for h in results.hits)
        assert results.total == len(results.hits)
    return out
