"""A parsed query resolved against the analyser, the vocabulary and the codebook.

Both engines compile this plan, never the raw query, so stemming, wildcard
and fuzzy expansion, and theme lookup happen once, the same way for both.
"""
from __future__ import annotations

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from storybank.search import query as q
from storybank.search.analysis import distance, stem_word, stems

MAX_EXPANSION = 200


@dataclass(frozen=True)
class Terms:
    """Any of these stems (one word, or a wildcard/fuzzy expansion)."""

    stems: tuple[str, ...]
    source: str = ""


@dataclass(frozen=True)
class Sequence:
    """These stems next to each other (a phrase)."""

    stems: tuple[str, ...]


@dataclass(frozen=True)
class Filter:
    field: str  # theme | site | kind | role | method
    values: tuple[str | int, ...]


@dataclass(frozen=True)
class Dates:
    start: date | None
    end: date | None


@dataclass(frozen=True)
class AllOf:
    items: tuple[Plan, ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Plan, ...]


@dataclass(frozen=True)
class NoneOf:
    item: Plan


@dataclass(frozen=True)
class Everything:
    pass


Plan = Terms | Sequence | Filter | Dates | AllOf | AnyOf | NoneOf | Everything


class Shown(NamedTuple):
    """A story of the page that the policy lets the user read now (one row of `PageReads.shown`)."""

    id: int
    site: str
    kind: str
    collected_on: date | None
    title: str | None
    body: str | None
    themes: str | None  # the ids of its codes, joined by commas


@dataclass
class PageReads:
    """What the service reads beside the page; an engine that can reads it in its own statement.

    `shown(page_ids)` is the service's selectable (built from the policy's) of the stories among
    `page_ids` (a list, a select of ids, or an SQL array) that the user may read now, with the columns `id, site, kind, collected_on, title,
    body, themes`; `words` are the words whose presence in the index "did you mean" needs;
    `codebook`: the fingerprint of the service's copy of the codebook (`codebook_copy`), the codes
    to be read only if the codebook's own differs. `key` identifies the SQL `shown` builds and every
    value bound in it (an engine may keep the statement it built with it for the next search of
    the same shape); None: build it afresh each time.
    """

    shown: Callable[[Any], Any]
    words: list[str] = field(default_factory=list)
    codebook: str | None = None
    key: object = None


@dataclass
class EngineHits:
    total: int
    ids: list[int]
    facets: dict[str, dict] = field(default_factory=dict)
    #: set only by an engine that read `PageReads` (None: the service reads them itself)
    shown: list[Shown] | None = None
    known: set[str] | None = None
    #: the codebook's (id, name, parent id) rows, read because they differ from `PageReads.codebook`
    codebook: list[tuple[int, str, int | None]] | None = None


@dataclass
class Resolver:
    """Looks words and names up for one purpose's index."""

    vocabulary: Callable[[str, int, int], dict[str, int]]  # (prefix, min length, max length) -> {word: docs}
    theme_ids: Callable[[str], list[int]]  # theme name -> code ids
    theme_names: Callable[[], list[str]]
    notes: list[str] = field(default_factory=list)

    def resolve(self, node: q.Node) -> Plan:
        out = self._resolve(node)
        return Everything() if out is None else out

    def _resolve(self, node: q.Node) -> Plan | None:
        if isinstance(node, q.MatchAll):
            return None
        if isinstance(node, q.Word):
            found = stems(node.text)
            if not found:
                self.notes.append(f"'{node.text}' is too common to search for and was left out.")
                return None
            return Terms((found[0],), node.text) if len(found) == 1 else Sequence(tuple(found))
        if isinstance(node, q.Phrase):
            found = stems(node.text)
            if not found:
                self.notes.append(f"\"{node.text}\" holds only common words and was left out.")
                return None
            return Terms((found[0],), node.text) if len(found) == 1 else Sequence(tuple(found))
        if isinstance(node, q.Wildcard):
            return Terms(self._expand_wildcard(node), node.pattern)
        if isinstance(node, q.Fuzzy):
            return Terms(self._expand_fuzzy(node), node.text + "~")
        if isinstance(node, q.Field):
            return self._field(node)
        if isinstance(node, q.DateRange):
            return Dates(node.start, node.end)
        if isinstance(node, q.Not):
            inner = self._resolve(node.item)
            return None if inner is None else NoneOf(inner)
        if isinstance(node, q.And | q.Or):
            items = tuple(i for i in (self._resolve(x) for x in node.items) if i is not None)
            if not items:
                return None
            if len(items) == 1:
                return items[0]
            return AllOf(items) if isinstance(node, q.And) else AnyOf(items)
        raise TypeError(node)

    def _expand_wildcard(self, node: q.Wildcard) -> tuple[str, ...]:
        pattern = node.pattern
        prefix = pattern[:min(i for i in (pattern.find("*"), pattern.find("?"), len(pattern)) if i >= 0)]
        words = self.vocabulary(prefix, len(prefix), 10**6)
        matched = sorted((w for w in words if fnmatch.fnmatchcase(w, pattern)), key=lambda w: (-words[w], w))
        if len(matched) > MAX_EXPANSION:
            raise q.QuerySyntaxError(
                f"'{pattern}' matches more than {MAX_EXPANSION} different words: type a few more letters", node.pos)
        return _stems_of(matched)

    def _expand_fuzzy(self, node: q.Fuzzy) -> tuple[str, ...]:
        n = len(node.text)
        words = self.vocabulary(node.text[0], n - node.maxdist, n + node.maxdist)
        close = [w for w in words if distance(node.text, w, node.maxdist) <= node.maxdist]
        close.sort(key=lambda w: (-words[w], w))
        return _stems_of(close[:MAX_EXPANSION] or [node.text])

    def _field(self, node: q.Field) -> Plan:
        value = node.value.strip()
        if node.name == "theme":
            code_ids = self.theme_ids(value)
            if not code_ids:
                names = self.theme_names()
                close = _closest(value.lower(), names)
                hint = f" Did you mean '{close}'?" if close else ""
                if not names:
                    hint = " The codebook has no themes yet."
                raise q.QuerySyntaxError(f"there is no theme called '{value}' in the codebook.{hint}", node.pos)
            return Filter("theme", tuple(code_ids))
        if node.name == "kind":
            kind = value.lower().replace("-", "_").replace(" ", "_")
            kind = {"lived": "lived_experience", "lived_experience": "lived_experience",
                    "practitioner": "practitioner"}.get(kind, "")
            if not kind:
                raise q.QuerySyntaxError("kind is lived_experience or practitioner", node.pos)
            return Filter("kind", (kind,))
        return Filter(node.name, (value.lower(),))


def _stems_of(words: list[str]) -> tuple[str, ...]:
    out: list[str] = []
    for w in words:
        s = stem_word(w)
        if s is not None and s not in out:
            out.append(s)
    return tuple(out)


def _closest(word: str, candidates: list[str]) -> str | None:
    best = None
    for c in candidates:
        d = distance(word, c.lower(), 3)
        if d <= 3 and (best is None or d < best[0]):
            best = (d, c)
    return best[1] if best else None


def has_text(node: Plan) -> bool:
    """Whether the plan has words to rank by (otherwise results come newest first)."""
    if isinstance(node, Terms | Sequence):
        return True
    if isinstance(node, AllOf | AnyOf):
        return any(has_text(i) for i in node.items)
    return False


def highlight_stems(node: Plan, negated: bool = False) -> set[str]:
    if isinstance(node, Terms | Sequence):
        return set() if negated else set(node.stems)
    if isinstance(node, AllOf | AnyOf):
        return set().union(*(highlight_stems(i, negated) for i in node.items))
    if isinstance(node, NoneOf):
        return highlight_stems(node.item, not negated)
    return set()
