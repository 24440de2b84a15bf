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


def _term_stats(folder):
    from whoosh.filedb.filestore import FileStorage

    ix = FileStorage(str(folder)).open_index()
    with ix.reader() as reader:
        out = {}
        for fieldname, text in reader.all_terms():
            info = reader.term_info(fieldname, text)
            matcher = reader.postings(fieldname, text)
            out[(fieldname, text)] = (info.doc_frequency(), info.weight(), info.min_length(), info.max_length(),
                                      info.max_weight(), list(matcher.items_as("weight")))
        return out, reader.doc_count_all()


def test_a_segment_from_the_rebuild_workers_holds_what_whooshs_own_writer_writes(tmp_path):
    """Same terms, postings, weights and length bounds (the workers read field lengths once per field)."""
    from whoosh.filedb.filestore import FileStorage

    from storybank.search.whoosh_build import SegmentBuilder

    docs = [{"id": f"{i:012d}", "title": f"Story {i} waiting", "body": TEXTS[i % len(TEXTS)] + " crisis" * (i % 5),
             "site": "salford", "site_label": "Salford", "kind": "practitioner", "role": "", "method": "written",
             "date": "", "themes": str(i % 3), "theme_set": str(i % 3)} for i in range(40)]
    folders = {}
    for name in ("whoosh", "workers"):
        folders[name] = tmp_path / name
        folders[name].mkdir()
        ix = FileStorage(str(folders[name])).create_index(schema())
        if name == "whoosh":
            writer = ix.writer()
            for fields in docs:
                writer.add_document(**fields)
            writer.commit()
        else:
            builder = SegmentBuilder(1)
            builder.add(folders[name], docs)
            builder.finish()
    assert _term_stats(folders["workers"]) == _term_stats(folders["whoosh"])
