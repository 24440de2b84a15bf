"""Exact totals and facets from the fast paths, and consent never weakened by them (or by their caches).

Speed itself is measured in benchmarks/search.py, not here.
"""
from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from storybank import tx
from storybank.archive.consent import change_consent
from storybank.archive.stories import revise_story
from storybank.archive.withdrawal import withdraw_story
from storybank.coding.codebook import install_starter
from storybank.coding.codings import apply_coding
from storybank.coding.models import Code
from storybank.extensions import db
from storybank.search import indexing, service

WORDS = ["waiting", "crisis", "team", "housing", "referral", "night", "police", "keys"]
SITES = ["Salford", "Luton", "Edinburgh"]
QUERIES = ["waiting", "waiting crisis", '"crisis team"', "crisis -police", "police OR keys", "hous*",
           "site:Salford", "kind:practitioner waiting", "referral site:Luton kind:lived_experience",
           "theme:housing", "crisis theme:thresholds", ""]


@pytest.fixture
def archive(app, make_user, make_story):
    """Thirty stories written one by one (several index segments), some revised (deleted documents left behind)."""
    teller, researcher = make_user("storyteller"), make_user("researcher")
    install_starter(researcher)
    tx.commit()
    codes = {c.name: c.id for c in db.session.scalars(select(Code))}
    stories = []
    for i in range(30):
        words = [WORDS[(i * k + k) % len(WORDS)] for k in range(1, 6)]
        body = " ".join(words) + (". The crisis team came." if i % 4 == 0 else ". Nobody came.")
        story = make_story(teller, title=f"Story {i}", body=body, site=SITES[i % 3],
                           kind="practitioner" if i % 5 == 0 else "lived_experience")
        stories.append(story.id)
        for name in (["Housing"] if i % 2 else []) + (["Thresholds"] if i % 3 == 0 else []):
            apply_coding(researcher, story.id, codes[name])
        tx.commit()
    for sid in stories[::7]:
        revise_story(teller, sid, body="Revised: waiting for housing, the crisis team and referral.")
        tx.commit()
    return teller, researcher, stories


@pytest.fixture
def whoosh_index(app):
    """Whoosh-only tests are skipped on PostgreSQL before `archive` writes thirty stories for nothing."""
    if indexing.engine().transactional:
        pytest.skip("PostgreSQL's index is the database itself: it ranks in SQL and cannot be stale")


def every_hit(user, text):
    results = service.search(user, text, per_page=100)
    assert results.total == len(results.hits)
    return results


def facet_counts(results) -> dict[str, dict[str, int]]:
    return {name: {f.label: f.count for f in facets} for name, facets in results.facets.items()}


@pytest.mark.parametrize("text", QUERIES)
def test_totals_and_facets_are_exact(archive, text):
    _, researcher, _ = archive
    results = every_hit(researcher, text)
    counts = facet_counts(results)
    assert counts["site"] == dict(Counter(h.site for h in results.hits))
    labels = {"lived_experience": "Lived experience", "practitioner": "Practitioner"}
    assert counts["kind"] == dict(Counter(labels[h.kind] for h in results.hits))
    for label, n in counts["theme"].items():  # a theme's count is what narrowing to it finds
        narrowed = f'({text}) theme:"{label}"' if text else f'theme:"{label}"'
        assert service.search(researcher, narrowed, per_page=1).total == n
    # a page further on shows the same total and no hit twice
    pages = [service.search(researcher, text, per_page=4, page=p) for p in range(1, 10)]
    ids = [h.id for page in pages for h in page.hits]
    assert len(ids) == len(set(ids)) == results.total
    assert {p.total for p in pages} == {results.total}


def test_ranked_and_newest_pages(archive):
    _, researcher, stories = archive
    newest = [h.id for h in service.search(researcher, "", per_page=5).hits]
    assert newest == sorted(stories, reverse=True)[:5]
    ranked = service.search(researcher, "crisis", per_page=3)
    assert len(ranked.hits) == 3 and ranked.total > 3


def test_a_query_of_the_same_shape_with_other_values_finds_its_own_stories(archive):
    """PostgreSQL runs a statement built for one query again with another's values: each finds its own."""
    _, researcher, _ = archive
    by_site = facet_counts(every_hit(researcher, ""))["site"]
    for site in [*SITES, *reversed(SITES)]:
        results = every_hit(researcher, f"site:{site}")
        assert {h.site for h in results.hits} == {site} and results.total == by_site[site]
    for word in ["police", "keys", "police"]:
        results = every_hit(researcher, word)
        assert results.total and all(f"<mark>{word}" in str(h.snippet).lower() for h in results.hits)
    waiting = every_hit(researcher, "waiting").total
    kinds = [every_hit(researcher, f"kind:{kind} waiting").total for kind in ("practitioner", "lived_experience")]
    assert 0 not in kinds and sum(kinds) == waiting
    housing, thresholds = (every_hit(researcher, f"theme:{name}") for name in ("housing", "thresholds"))
    assert all("Housing" in h.themes for h in housing.hits) and all("Thresholds" in h.themes for h in thresholds.hits)
    assert {h.id for h in housing.hits} != {h.id for h in thresholds.hits}
    assert every_hit(researcher, "police keys").total < every_hit(researcher, "police OR keys").total


def _salford_count(results) -> int:
    return facet_counts(results)["site"].get("Salford", 0)


def test_narrowed_or_withdrawn_stories_leave_totals_facets_and_results_even_when_cached(archive):
    teller, researcher, stories = archive
    before = every_hit(researcher, "crisis")
    every_hit(researcher, "crisis")  # the arrays of this index generation are cached now
    salford = [h.id for h in before.hits if h.site == "Salford"]
    narrowed, withdrawn = salford[0], salford[1]
    change_consent(teller, narrowed, {"research": False})
    tx.commit()
    after = every_hit(researcher, "crisis")
    assert narrowed not in {h.id for h in after.hits}
    assert after.total == before.total - 1 and _salford_count(after) == _salford_count(before) - 1
    withdraw_story(teller, withdrawn)
    tx.commit()
    gone = every_hit(researcher, "crisis")
    assert {narrowed, withdrawn}.isdisjoint(h.id for h in gone.hits)
    assert gone.total == before.total - 2 and _salford_count(gone) == _salford_count(before) - 2
    everything = every_hit(researcher, "")
    assert everything.total == len(stories) - 2
    assert sum(facet_counts(everything)["site"].values()) == len(stories) - 2


def test_a_stale_index_counts_no_withdrawn_story(whoosh_index, archive, monkeypatch):
    from storybank.search.whoosh_engine import WhooshEngine

    teller, researcher, _ = archive
    before = every_hit(researcher, "crisis")
    victim = next(h.id for h in before.hits if h.site == "Salford")
    monkeypatch.setattr(WhooshEngine, "write", lambda self, docs, removals: (_ for _ in ()).throw(OSError("killed")))
    monkeypatch.setattr(indexing, "RETRY_DELAYS", (0.01,))
    withdraw_story(teller, victim)
    with pytest.raises(indexing.IndexNotUpdated):  # said loudly; the index still holds the story, queued
        tx.commit()
    after = every_hit(researcher, "crisis")
    assert victim not in {h.id for h in after.hits}
    assert after.total == before.total - 1 and _salford_count(after) == _salford_count(before) - 1


def test_filters_leave_the_ranking_as_it_was(archive):
    _, researcher, _ = archive
    ranked = [h.id for h in every_hit(researcher, "crisis").hits if h.site == "Salford" and h.kind == "lived_experience"]
    assert [h.id for h in every_hit(researcher, "crisis site:Salford kind:lived_experience").hits] == ranked
    assert [h.id for h in every_hit(researcher, "site:Salford crisis -police").hits] == [
        h.id for h in every_hit(researcher, "crisis -police").hits if h.site == "Salford"]


RANKED = ["waiting", "waiting crisis", '"crisis team"', "police OR keys", "hous*", "(crisis OR keys) night",
          '"crisis team" OR referral', "crisis team", "team", "crisis OR site:Luton"]  # (the last: Whoosh ranks)


@pytest.mark.parametrize("text", RANKED)
def test_results_come_in_whooshs_own_order_with_its_own_scores(whoosh_index, archive, text):
    """The ranking computed with numpy is Whoosh's: the same scores, the same order, ties to the earlier story."""
    import numpy as np

    from storybank.search import whoosh_match, whoosh_rank
    from storybank.search.whoosh_query import compile_plan

    _, researcher, _ = archive
    shown = [h.id for h in every_hit(researcher, text).hits]
    search_engine = indexing.engine()
    searcher = search_engine._searcher("research")
    _tree, resolved, _notes = service.parse(text, "research")
    own = searcher.search(compile_plan(resolved), limit=None)
    assert shown == [int(hit["id"]) for hit in own]
    if not whoosh_rank.rankable(resolved):
        return
    columns = search_engine._columns(searcher)
    scores = whoosh_rank._score(searcher, columns, resolved)
    assert np.allclose([scores[hit.docnum] for hit in own], [hit.score for hit in own], rtol=1e-12, atol=0)
    assert not whoosh_match.matches(searcher, columns, resolved)[scores == 0].any()  # every match scored
