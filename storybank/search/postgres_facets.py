"""PostgreSQL's facet counts, made with numpy from this process's copy of each document's site, kind and themes.

Counting the themes in SQL (`unnest` of every match's theme ids, then a hash count) cost
more than the rest of a single-term search's statement. The statement now returns the
matched story ids (one string), the search generation it sees and the rows stamped after
this copy's generation (`SearchGeneration`), all in its own snapshot; the copy takes those
rows, and the counts are made over exactly the ids the statement matched, with the values
that snapshot holds. Every process (a gunicorn worker) keeps its own copy; the counter is
in the database.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, replace

import numpy as np

_NONE = -1  # no document with this id in the copy


@dataclass(frozen=True)
class Documents:
    """One purpose's documents at `generation`, indexed by story id; never changed once made (threads share it).

    `epoch` is the counter table's oid: a restored database has new tables, and its counter
    may have been any value.
    """

    epoch: str | None
    generation: int
    sites: tuple[str, ...]
    kinds: tuple[str, ...]
    codes: tuple[int, ...]
    site_of: np.ndarray  # index into `sites`, _NONE where no document
    kind_of: np.ndarray
    themes_of: np.ndarray  # (ids, width) indexes into `codes`, padded with _NONE

    def counts(self, ids: np.ndarray) -> dict[str, dict] | None:
        """The site, kind and theme counts over `ids`; None if the copy lacks one of them (out of step)."""
        if not len(ids):
            return {"site": {}, "kind": {}, "theme": {}}
        if int(ids.max()) >= len(self.site_of) or int(ids.min()) < 0:
            return None
        sites = self.site_of[ids]
        if int(sites.min()) == _NONE:
            return None
        themes = np.bincount(self.themes_of[ids].ravel() + 1, minlength=len(self.codes) + 1)  # (slot 0: _NONE)
        return {"site": _named(np.bincount(sites, minlength=len(self.sites)), self.sites),
                "kind": _named(np.bincount(self.kind_of[ids], minlength=len(self.kinds)), self.kinds),
                "theme": _named(themes[1:], self.codes)}

    def follows(self, epoch: str | None, generation: int) -> bool:
        """Whether the rows stamped after this copy's generation bring it to (epoch, generation)."""
        return self is EMPTY or (epoch == self.epoch and generation >= self.generation)

    def updated(self, epoch: str | None, generation: int, rows: list[tuple[int, str, str, str | None]]) -> Documents:
        """A copy with `rows` (story id, site, kind, theme ids as PostgreSQL writes an array) written in."""
        if not rows:
            return replace(self, epoch=epoch, generation=generation)
        sites, kinds, codes = list(self.sites), list(self.kinds), list(self.codes)
        site_index, kind_index, code_index = (_index(sites), _index(kinds), _index(codes))
        parsed = [(sid, _intern(site, sites, site_index), _intern(kind, kinds, kind_index),
                   [_intern(int(c), codes, code_index) for c in _theme_ids(themes)]) for sid, site, kind, themes in rows]
        size = max(len(self.site_of), max(sid for sid, _, _, _ in parsed) + 1)
        if size > len(self.site_of):
            size = max(size, len(self.site_of) + len(self.site_of) // 4)  # room for the next stories
        width = max(self.themes_of.shape[1], max(len(t) for _, _, _, t in parsed))
        site_of = np.full(size, _NONE, dtype=np.int32)
        kind_of = np.zeros(size, dtype=np.int32)
        themes_of = np.full((size, width), _NONE, dtype=np.int32)
        old = len(self.site_of)
        site_of[:old], kind_of[:old] = self.site_of, self.kind_of
        themes_of[:old, :self.themes_of.shape[1]] = self.themes_of
        ids = np.fromiter((sid for sid, _, _, _ in parsed), dtype=np.int64, count=len(parsed))
        site_of[ids] = [s for _, s, _, _ in parsed]
        kind_of[ids] = [k for _, _, k, _ in parsed]
        themes_of[ids] = _NONE
        for sid, _, _, found in parsed:
            themes_of[sid, :len(found)] = found
        return Documents(epoch, generation, tuple(sites), tuple(kinds), tuple(codes), site_of, kind_of, themes_of)


def loaded(epoch: str | None, generation: int, by_site_kind: list[tuple[str, str, str]],
           by_theme: list[tuple[int, str]]) -> Documents:
    """Every document at once, from the ids (joined by commas) of each (site, kind) and of each theme id.

    A process's first search had read every row through the search statement, one Python step
    each (2 s at 100,000 stories); grouped, the rows are a few dozen strings and numpy places them.
    """
    sites, kinds = sorted({site for site, _, _ in by_site_kind}), sorted({kind for _, kind, _ in by_site_kind})
    codes = sorted(code for code, _ in by_theme)
    groups = [(sites.index(site), kinds.index(kind), matched_ids(ids)) for site, kind, ids in by_site_kind]
    top = max((int(ids.max()) for _, _, ids in groups if len(ids)), default=-1)
    size = top + 1 + (top + 1) // 4
    site_of = np.full(size, _NONE, dtype=np.int32)
    kind_of = np.zeros(size, dtype=np.int32)
    for site, kind, ids in groups:
        site_of[ids], kind_of[ids] = site, kind
    pairs = [(matched_ids(ids), codes.index(code)) for code, ids in by_theme]
    story = np.concatenate([ids for ids, _ in pairs] or [np.zeros(0, dtype=np.int64)])
    code = np.concatenate([np.full(len(ids), index, dtype=np.int32) for ids, index in pairs] or
                          [np.zeros(0, dtype=np.int32)])
    order = np.lexsort((code, story))
    story, code = story[order], code[order]
    slot = np.arange(len(story)) - np.searchsorted(story, story, side="left")  # its place among the story's themes
    themes_of = np.full((size, int(slot.max()) + 1 if len(slot) else 1), _NONE, dtype=np.int32)
    themes_of[story, slot] = code
    return Documents(epoch, generation, tuple(sites), tuple(kinds), tuple(codes), site_of, kind_of, themes_of)


EMPTY = Documents(None, -1, (), (), (), np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32),
                  np.zeros((0, 1), dtype=np.int32))


class FacetCopies:
    """Each purpose's `Documents` in this process, replaced whole when a search brings newer rows."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._copies: dict[str, Documents] = {}

    def get(self, purpose: str) -> Documents:
        return self._copies.get(purpose, EMPTY)

    def put(self, purpose: str, found: Documents) -> Documents:
        with self._lock:
            current = self._copies.get(purpose, EMPTY)
            if current.epoch != found.epoch or current.generation <= found.generation:
                self._copies[purpose] = found
        return found

    def advance(self, purpose: str, base: Documents, epoch: str | None, generation: int,
                rows: list[tuple[int, str, str, str | None]]) -> Documents:
        """`base` brought to `generation` by the rows stamped after it (read in the statement that saw `generation`)."""
        return self.put(purpose, base.updated(epoch, generation, rows))

    def forget(self, purpose: str) -> None:
        with self._lock:
            self._copies.pop(purpose, None)


def matched_ids(joined: str | None) -> np.ndarray:
    """The statement's matched story ids, joined by commas."""
    if not joined:
        return np.zeros(0, dtype=np.int64)
    return np.fromstring(joined, dtype=np.int64, sep=",")


def _named(counts: np.ndarray, values: tuple) -> dict:
    """{value: count} where the count is not 0 (numpy's calls are few: each cost microseconds on a search's cold caches)."""
    return {value: n for value, n in zip(values, counts.tolist(), strict=True) if n and value != ""}


def _index(values: list) -> dict:
    return {v: i for i, v in enumerate(values)}


def _intern(value: object, values: list, index: dict) -> int:
    found = index.get(value)
    if found is None:
        found = index[value] = len(values)
        values.append(value)
    return found


def _theme_ids(themes: str | None) -> list[str]:
    """'{1,2,3}' (an int[] as text) -> its ids; NULL or '{}' -> none."""
    if not themes or themes == "{}":
        return []
    return themes.strip("{}").split(",")
