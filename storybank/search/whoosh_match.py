"""Exact totals and facets on Whoosh without a Python loop per match.

For one opened searcher (one index generation) the facet values of every
document are read once into numpy arrays. A query plan is then evaluated as
a boolean array over all documents: term postings are read a block at a time
(their ids decoded with numpy), combined with `&`, `|` and `~`, and the
deleted documents dropped. The total is the count of that array and the
facets are `bincount`s of the arrays under it; Whoosh itself only ranks the
page (top N, skipping blocks that cannot reach it). Phrases and date ranges
are matched by Whoosh (positions are checked only on documents holding every
word). The arrays belong to the searcher: a new generation (a write, a
withdrawal, a rebuild) opens a new searcher and so new arrays, and the
documents matching each word, phrase or filter (and each word's scores, see
`whoosh_rank`) are kept with them, the most recently used up to CACHE_BYTES,
so refining or paging a query reads no postings.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
from whoosh import query as wq

from storybank.search import plan

TEXT_FIELDS = ("title", "body")
CACHE_BYTES = 64 * 1024 * 1024  # per searcher: matches and scores of the words, phrases and filters used lately


@dataclass
class Columns:
    """Per-document values of one searcher, by global document number."""

    ids: np.ndarray  # story id
    alive: np.ndarray  # not deleted
    site: np.ndarray  # index into site_labels
    site_labels: list[str]
    kind: np.ndarray
    kind_labels: list[str]
    combo: np.ndarray  # index into combos (the document's set of theme ids)
    combos: list[tuple[int, ...]]
    combo_of: np.ndarray  # (combo, theme) pairs: the combo's index ...
    theme_of: np.ndarray  # ... and one of its theme ids
    #: read-only arrays derived from the postings (a leaf's matches, a term's scores), most recently used last
    memo: OrderedDict[object, object] = field(default_factory=OrderedDict)
    memo_bytes: int = 0
    pinned: dict[object, object] = field(default_factory=dict)  # per-document field lengths: never dropped

    def cached(self, key: object) -> object | None:
        if key in self.pinned:
            return self.pinned[key]
        value = self.memo.get(key)
        if value is not None:
            self.memo.move_to_end(key)
        return value

    def keep(self, key: object, value: object, pinned: bool = False) -> object:
        if pinned:
            self.pinned[key] = value
            return value
        self.memo[key] = value
        self.memo_bytes += _nbytes(value)
        while self.memo_bytes > CACHE_BYTES and len(self.memo) > 1:
            _key, old = self.memo.popitem(last=False)
            self.memo_bytes -= _nbytes(old)
        return value


def _nbytes(value: object) -> int:
    if isinstance(value, tuple):
        return sum(_nbytes(v) for v in value)
    return getattr(value, "nbytes", 64)


def _encode(values: list[str]) -> tuple[np.ndarray, list[str]]:
    labels: dict[str, int] = {}
    codes = np.fromiter((labels.setdefault(v, len(labels)) for v in values), dtype=np.int32, count=len(values))
    return codes, list(labels)


def read_columns(searcher: object) -> Columns:
    reader = searcher.reader()
    n = reader.doc_count_all()
    ids = np.fromiter((int(v) if v else 0 for v in reader.column_reader("id")), dtype=np.int64, count=n)
    alive = np.ones(n, dtype=bool)
    for leaf, offset in searcher.leaf_searchers():
        segment = leaf.reader()
        if segment.has_deletions():
            seg = np.zeros(segment.doc_count_all(), dtype=bool)
            seg[np.fromiter(segment.all_doc_ids(), dtype=np.int64)] = True
            alive[offset:offset + seg.size] = seg
    site, site_labels = _encode(list(reader.column_reader("site_label")))
    kind, kind_labels = _encode(list(reader.column_reader("kind")))
    combo, combo_texts = _encode(list(reader.column_reader("theme_set")))
    combos = [tuple(int(c) for c in text.split()) for text in combo_texts]
    pairs = [(i, code) for i, codes in enumerate(combos) for code in codes]
    combo_of = np.array([i for i, _ in pairs], dtype=np.int64)
    theme_of = np.array([code for _, code in pairs], dtype=np.int64)
    return Columns(ids=ids, alive=alive, site=site, site_labels=site_labels, kind=kind, kind_labels=kind_labels,
                   combo=combo, combos=combos, combo_of=combo_of, theme_of=theme_of)


def postings(searcher: object, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    """(global document numbers, term frequencies) of a term's postings, deleted documents included."""
    ids, weights = [], []
    for leaf, offset in searcher.leaf_searchers():
        reader = leaf.reader()
        btext = reader._text_to_bytes(fieldname, text)
        if (fieldname, btext) not in reader:
            continue
        fmt = reader.schema[fieldname].format
        matcher = reader._terms.matcher(fieldname, btext, fmt)
        local, freq = _matcher_postings(matcher)
        ids.append(local + offset)
        weights.append(freq)
    if not ids:
        return np.empty(0, dtype=np.int64), np.empty(0)
    return np.concatenate(ids), np.concatenate(weights)


def _postings(searcher: object, out: np.ndarray, fieldname: str, text: str) -> None:
    """Set `out` at every document (deleted ones included) holding the term."""
    out[postings(searcher, fieldname, text)[0]] = True


def _matcher_postings(matcher: object) -> tuple[np.ndarray, np.ndarray]:
    """Document numbers and weights of a raw (segment) posting list, a block at a time."""
    if not hasattr(matcher, "_next_block"):  # short lists are stored inline
        ids, weights = [], []
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
        return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float64)
    id_parts, weight_parts = [], []
    while matcher.is_active():
        if matcher._data is None:
            matcher._read_data()
        raw, weights = matcher._data[0], matcher._data[1]
        block = np.asarray(raw, dtype=np.int64) if matcher._byteids else np.cumsum(np.asarray(raw, dtype=np.int64))
        id_parts.append(block)
        if weights is None:
            weight_parts.append(np.ones(block.size))
        elif isinstance(weights, float):
            weight_parts.append(np.full(block.size, weights))
        else:  # an array("f"): the same float32 values Whoosh's scorer reads
            weight_parts.append(np.asarray(weights, dtype=np.float32).astype(np.float64))
        matcher._next_block()
    if not id_parts:
        return np.empty(0, dtype=np.int64), np.empty(0)
    return np.concatenate(id_parts), np.concatenate(weight_parts)


def _from_query(searcher: object, out: np.ndarray, query: wq.Query) -> None:
    docs = np.fromiter(searcher.docs_for_query(query), dtype=np.int64)
    out[docs] = True


def evaluate(searcher: object, columns: Columns, node: plan.Plan) -> np.ndarray:
    """The documents matching `node`, as a boolean array (deleted documents never match)."""
    return matches(searcher, columns, node) & columns.alive


def matches(searcher: object, columns: Columns, node: plan.Plan) -> np.ndarray:
    """The documents matching `node`, deleted ones included (read-only when cached)."""
    n = columns.ids.size
    if isinstance(node, plan.AllOf):
        out = np.ones(n, dtype=bool)
        for item in node.items:
            out &= matches(searcher, columns, item)
        return out
    if isinstance(node, plan.AnyOf):
        out = np.zeros(n, dtype=bool)
        for item in node.items:
            out |= matches(searcher, columns, item)
        return out
    if isinstance(node, plan.NoneOf):
        return ~matches(searcher, columns, node.item)
    if isinstance(node, plan.Everything):
        return np.ones(n, dtype=bool)
    key = ("leaf", node)
    cached = columns.cached(key)
    if cached is not None:
        return cached
    out = _leaf(searcher, columns, node)
    out.flags.writeable = False  # shared by later queries of this generation: never changed in place
    return columns.keep(key, out)


def phrase_in(searcher: object, columns: Columns, fieldname: str, stems: tuple[str, ...]) -> np.ndarray:
    """The documents holding the phrase in one field (positions checked by Whoosh)."""
    key = ("phrase", fieldname, stems)
    cached = columns.cached(key)
    if cached is not None:
        return cached
    out = np.zeros(columns.ids.size, dtype=bool)
    _from_query(searcher, out, wq.Phrase(fieldname, list(stems)))
    out.flags.writeable = False
    return columns.keep(key, out)


def _leaf(searcher: object, columns: Columns, node: plan.Plan) -> np.ndarray:
    n = columns.ids.size
    out = np.zeros(n, dtype=bool)
    if isinstance(node, plan.Terms):
        from storybank.search.whoosh_rank import term_scores  # (its scores are wanted next, when ranking)

        for stem in node.stems:
            for fieldname in TEXT_FIELDS:
                out[term_scores(searcher, columns, fieldname, stem)[0]] = True
    elif isinstance(node, plan.Filter):
        fieldname = "themes" if node.field == "theme" else node.field
        for value in node.values:
            _postings(searcher, out, fieldname, str(value))
    elif isinstance(node, plan.Sequence):
        for fieldname in TEXT_FIELDS:
            out |= phrase_in(searcher, columns, fieldname, node.stems)
    elif isinstance(node, plan.Dates):
        start = node.start.isoformat() if node.start else "0"
        end = node.end.isoformat() if node.end else "9"
        _from_query(searcher, out, wq.TermRange("date", start, end, startexcl=False, endexcl=False))
    else:
        raise TypeError(node)
    return out


def facets(columns: Columns, mask: np.ndarray) -> dict[str, dict]:
    """Site, kind and theme counts over the matching documents."""
    sites = np.bincount(columns.site[mask], minlength=len(columns.site_labels))
    kinds = np.bincount(columns.kind[mask], minlength=len(columns.kind_labels))
    combos = np.bincount(columns.combo[mask], minlength=len(columns.combos))
    per_theme = np.bincount(columns.theme_of, weights=combos[columns.combo_of]) if columns.theme_of.size else combos[:0]
    themes = {int(code): int(per_theme[code]) for code in np.flatnonzero(per_theme)}
    return {"site": {columns.site_labels[i]: int(sites[i]) for i in np.flatnonzero(sites) if columns.site_labels[i]},
            "kind": {columns.kind_labels[i]: int(kinds[i]) for i in np.flatnonzero(kinds) if columns.kind_labels[i]},
            "theme": themes}


def newest(columns: Columns, mask: np.ndarray, offset: int, limit: int) -> list[int]:
    """Story ids of one page of the matches, newest (highest id) first."""
    ids = columns.ids[mask]
    want = offset + limit
    if ids.size > want:
        ids = ids[np.argpartition(-ids, want - 1)[:want]]
    return [int(i) for i in np.sort(ids)[::-1][offset:want]]


def ranking_plan(tree: plan.Plan) -> plan.Plan | None:
    """The words of a query that has filters ANDed at its top, or None when there are none to drop.

    Filters and NOT parts add nothing (or the same to every match) to an AND's score, so
    ranking the words alone among the matches gives the same order while Whoosh walks
    no filter postings.
    """
    if not isinstance(tree, plan.AllOf):
        return None
    words = tuple(i for i in tree.items if not isinstance(i, plan.Filter | plan.Dates | plan.NoneOf | plan.Everything))
    if len(words) == len(tree.items) or not words:
        return None
    return words[0] if len(words) == 1 else plan.AllOf(words)
