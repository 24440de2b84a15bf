"""Whoosh's own ranking (BM25F, the searcher's weighting) computed with numpy over the matches.

Whoosh's collector walks every segment's posting lists in Python to find the
top N; the app's index has many small segments (so a withdrawal rewrites only
one), and that walk was most of a search's time. Here the score of every
matching document is computed at once from the postings' term frequencies
and the per-document field lengths, exactly as Whoosh's `BM25FScorer` does
(a test compares the scores with Whoosh's own), and the page is the top N of
those by score, ties to the lower document number as Whoosh breaks them.

Words, phrases and their AND / OR combinations are ranked here; a plan with a
filter, date range or NOT inside an OR (where Whoosh's scoring differs) is
left to Whoosh (`rank` answers None).
"""
from __future__ import annotations

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length

from storybank.search import plan, whoosh_match

TEXT_FIELDS = ("title", "body")
_LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


def rankable(node: plan.Plan) -> bool:
    """Whether every part of `node` is words, phrases, AND and OR (what `rank` scores as Whoosh does)."""
    if isinstance(node, plan.Terms | plan.Sequence):
        return True
    if isinstance(node, plan.AllOf | plan.AnyOf):
        return all(rankable(i) for i in node.items)
    return False


def rank(searcher: object, columns: whoosh_match.Columns, node: plan.Plan, mask: np.ndarray, want: int) -> np.ndarray | None:
    """Document numbers of the `want` best matches among `mask`, best first; None when Whoosh must rank."""
    if want <= 0 or not rankable(node) or not isinstance(searcher.weighting, BM25F):
        return None
    scores = _score(searcher, columns, node)
    docs = np.flatnonzero(mask)
    points = scores[docs]
    if docs.size > want:  # every document scoring at least the want-th best, then exact order among those
        cut = np.partition(points, docs.size - want)[docs.size - want]
        keep = points >= cut
        docs, points = docs[keep], points[keep]
    order = np.lexsort((docs, -points))
    return docs[order[:want]]


def _score(searcher: object, columns: whoosh_match.Columns, node: plan.Plan) -> np.ndarray:
    n = columns.ids.size
    if isinstance(node, plan.Terms):
        out = np.zeros(n)
        for stem in node.stems:
            for fieldname in TEXT_FIELDS:
                docs, points = term_scores(searcher, columns, fieldname, stem)
                out[docs] += points
        return out
    if isinstance(node, plan.Sequence):  # Whoosh scores a phrase as the AND of its words, where it occurs
        out = np.zeros(n)
        for fieldname in TEXT_FIELDS:
            where = whoosh_match.phrase_in(searcher, columns, fieldname, node.stems)
            inside = np.zeros(n)
            for stem in node.stems:
                docs, points = term_scores(searcher, columns, fieldname, stem)
                inside[docs] += points
            out += np.where(where, inside, 0.0)
        return out
    total = np.zeros(n)
    for item in node.items:
        total += _score(searcher, columns, item)
    if isinstance(node, plan.AllOf):
        total = np.where(whoosh_match.matches(searcher, columns, node), total, 0.0)
    return total


def term_scores(searcher: object, columns: whoosh_match.Columns, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    """(document numbers, BM25F scores) of one term's postings; cached with the searcher's columns."""
    key = ("score", fieldname, text)
    cached = columns.cached(key)
    if cached is not None:
        return cached
    docs, weights = whoosh_match.postings(searcher, fieldname, text)
    if docs.size:
        weighting = searcher.weighting
        b = weighting._field_B.get(fieldname, weighting.B)
        k1 = weighting.K1
        idf = searcher.idf(fieldname, text)
        avgfl = searcher.avg_field_length(fieldname) or 1
        lengths = field_lengths(searcher, columns, fieldname)[docs]
        points = idf * ((weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * lengths / avgfl)))
    else:
        points = np.empty(0)
    docs.flags.writeable = points.flags.writeable = False
    return columns.keep(key, (docs, points))


def field_lengths(searcher: object, columns: whoosh_match.Columns, fieldname: str) -> np.ndarray:
    """Each document's length in `fieldname` as Whoosh's scorer sees it (its one-byte approximation)."""
    key = ("lengths", fieldname)
    cached = columns.cached(key)
    if cached is not None:
        return cached
    parts = []
    for leaf, _offset in searcher.leaf_searchers():
        reader = leaf.reader()
        count = reader.doc_count_all()
        column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if column is None:  # no lengths stored: Whoosh's scorer uses 1
            parts.append(np.ones(count))
            continue
        try:  # the column is one byte per document, written up to the last non-zero one
            raw = np.frombuffer(column._dbfile.get(column._basepos, column._count), dtype=np.uint8)
        except (AttributeError, TypeError):
            raw = np.fromiter(column, dtype=np.uint8, count=count)
        codes = np.zeros(count, dtype=np.uint8)
        codes[:raw.size] = raw[:count]
        parts.append(_LENGTH_OF_BYTE[codes])
    out = np.concatenate(parts) if parts else np.empty(0)
    out.flags.writeable = False
    return columns.keep(key, out, pinned=True)
