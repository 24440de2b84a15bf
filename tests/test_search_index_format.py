"""The fast indexing path writes exactly what Whoosh's own path writes (so search finds the same words)."""
from __future__ import annotations

import pytest
from whoosh.formats import Positions

from storybank.search.analysis import REFERENCE, STEMMING, stem_positions, tokens
from storybank.search.whoosh_schema import StemPositions, schema

TEXTS = [
    "The crisis team came at night. Waiting, WAITING... waited for the keys!",
    "e.g. U.S.A. 3.14 a*b wildcard-like words, fish's fishes; the a an of",
    "İstanbul — İİ naïve café, straße STRASSE Ünïcödé",  # lower-casing changes lengths here
    "tabs\tand\nnew lines\u00a0and no-break spaces",
    "",
    "the and of a",  # stop words only
    "x " * 50 + "housing " * 3,
]


@pytest.mark.parametrize("text", TEXTS)
def test_the_fast_format_writes_the_postings_whooshs_positions_writes(text):
    assert sorted(StemPositions().word_values(text, STEMMING, mode="index")) == sorted(
        Positions().word_values(text, STEMMING, mode="index"))


@pytest.mark.parametrize("text", TEXTS)
def test_stem_positions_are_the_analysers_positions(text):
    expected: dict[str, list[int]] = {}
    for token in REFERENCE(text, positions=True):
        expected.setdefault(token.text, []).append(token.pos)
    assert stem_positions(text, -1)[0] == expected
    assert [(s, p) for s, p, _, _ in tokens(text)] == [(t.text, t.pos) for t in REFERENCE(text, positions=True)]


def test_the_index_schema_uses_the_fast_format_for_text():
    fields = schema()
    assert isinstance(fields["body"].format, StemPositions) and isinstance(fields["title"].format, StemPositions)
    assert fields["body"].format.supports("positions")  # phrases still work


@pytest.mark.parametrize("text", [*TEXTS, "a" * 61 + " short " + "b" * 60 + " " + "c" * 200 + "d"])
def test_the_vocabulary_keeps_whole_words_of_at_most_sixty_letters(text):
    from storybank.search.analysis import MAX_WORD, PLAIN_WORD_RE, words

    assert words(text) == {w for w in PLAIN_WORD_RE.findall(text.lower()) if len(w) <= MAX_WORD}
