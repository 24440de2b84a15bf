"""Search as the app offers it: parse, resolve, run on the engine, re-check, snippets, facets.

Every result is re-checked against the policy in the database before it is
shown, so an index that lags behind (a crash, a killed process) can never
show a story the user may not see.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from datetime import date

from markupsafe import Markup
from sqlalchemy import Select, any_, cast, func, literal, select, union_all
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import ScalarSelect

from storybank import policy
from storybank.accounts.models import User
from storybank.archive.models import KIND_LABELS, Story, StoryRevision
from storybank.coding.models import Code, Coding
from storybank.errors import InvalidInput
from storybank.extensions import db
from storybank.search import codebook_copy, indexing, plan, rebuilding
from storybank.search import query as q
from storybank.search.analysis import distance
from storybank.search.documents import workshop_texts
from storybank.search.engine import IndexUnavailable
from storybank.search.models import SearchWord
from storybank.search.snippets import plain_text, snippet

PER_PAGE = 10
MAX_PAGE = 1000


@dataclass
class Hit:
    id: int
    title: str
    snippet: Markup
    kind: str
    site: str
    collected_on: date | None
    themes: list[str]


@dataclass
class Facet:
    value: str
    label: str
    count: int
    filter: str  # the query text that narrows to it


@dataclass
class Results:
    query: str
    purpose: str
    total: int
    page: int
    per_page: int
    hits: list[Hit]
    facets: dict[str, list[Facet]] = field(default_factory=dict)
    did_you_mean: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


SEARCH_PURPOSES = ("research", "workshop")


def choose_purpose(user: User, purpose: str | None) -> str:
    allowed = policy.purposes_for(user, SEARCH_PURPOSES)
    if not purpose:
        if not allowed:
            raise InvalidInput("Search is for researchers and workshop hosts.")
        return allowed[0]
    if purpose not in ("research", "workshop"):
        raise InvalidInput("purpose is research or workshop.")
    if purpose not in allowed:
        who = "researchers" if purpose == "research" else "workshop hosts"
        raise InvalidInput(f"Searching for {purpose} is for {who}.")
    return purpose


def combine(text: str, **filters: str | None) -> str:
    """The search box text plus the API's / form's separate filters, as one query."""
    parts = [text.strip()] if text and text.strip() else []
    for name, value in filters.items():
        if value is not None and str(value).strip():
            value = str(value).strip().replace('"', "")
            parts.append(f'{name}:"{value}"')
    return " ".join(parts)




class _Lookups:
    def __init__(self, purpose: str, codes: codebook_copy.Codes | None = None) -> None:
        self.purpose = purpose
        self._vocab: dict[tuple[str, int, int], dict[str, int]] = {}
        self._codes: list[tuple[int, str, int | None]] | None = codes
        self._known: dict[str, bool] = {}

    def prefetch(self, words: list[str]) -> None:
        """The codebook and which of `words` the index knows, in one round trip (a search needs both)."""
        none = cast(None, db.Integer)
        codes = select(literal("code").label("what"), Code.id, Code.name, Code.parent_id)
        stmt = codes
        if words:
            stmt = union_all(codes, select(literal("word"), none, SearchWord.word, none).where(
                SearchWord.purpose == self.purpose, SearchWord.word.in_(words)))
        self._codes = []
        self._known = dict.fromkeys(words, False)
        for what, cid, name, parent in db.session.execute(stmt):
            if what == "code":
                self._codes.append((cid, name, parent))
            else:
                self._known[name] = True

    def use_codes(self, codes: codebook_copy.Codes) -> None:
        self._codes = codes

    def checked(self) -> set[str]:
        """The words already looked up in the index's vocabulary."""
        return set(self._known)

    def learn(self, words: list[str], known: set[str]) -> None:
        """Which of `words` the index knows (read by the engine with the search)."""
        self._known.update((w, w in known) for w in words)

    def vocabulary(self, prefix: str, min_len: int, max_len: int) -> dict[str, int]:
        key = (prefix, min_len, max_len)
        if key not in self._vocab:
            escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            rows = db.session.execute(
                select(SearchWord.word, SearchWord.docs).where(
                    SearchWord.purpose == self.purpose, SearchWord.word.like(escaped + "%", escape="\\"),
                    func.length(SearchWord.word).between(min_len, max_len))
            ).all()
            self._vocab[key] = dict(rows)
        return self._vocab[key]

    def known(self, words: list[str]) -> set[str]:
        missing = [w for w in words if w not in self._known]
        if missing:
            found = set(db.session.scalars(select(SearchWord.word).where(
                SearchWord.purpose == self.purpose, SearchWord.word.in_(missing))))
            self._known.update((w, w in found) for w in missing)
        return {w for w in words if self._known[w]}

    def codes(self) -> list[tuple[int, str, int | None]]:
        if self._codes is None:
            self._codes = [tuple(r) for r in db.session.execute(select(Code.id, Code.name, Code.parent_id))]
        return self._codes

    def theme_ids(self, name: str) -> list[int]:
        if name.isdigit():
            return [cid for cid, _, _ in self.codes() if cid == int(name)]
        wanted = _norm(name)
        return [cid for cid, cname, _ in self.codes() if _norm(cname) == wanted]

    def theme_names(self) -> list[str]:
        return [name for _, name, _ in self.codes()]


def _norm(name: str) -> str:
    return " ".join(name.lower().replace("-", " ").replace("_", " ").split())


def parse(text: str, purpose: str, lookups: _Lookups | None = None) -> tuple[q.Node, plan.Plan, list[str]]:
    lookups = lookups or _Lookups(purpose)
    return _resolve(q.parse(text), lookups)


def _resolve(tree: q.Node, lookups: _Lookups) -> tuple[q.Node, plan.Plan, list[str]]:
    resolver = plan.Resolver(lookups.vocabulary, lookups.theme_ids, lookups.theme_names)
    return tree, resolver.resolve(tree), resolver.notes


def search(user: User, text: str, purpose: str | None = None, page: int = 1,
           per_page: int = PER_PAGE, facets: bool = True) -> Results:
    """Search what `user` may read for `purpose`; raises QuerySyntaxError for a query that cannot be parsed."""
    purpose = choose_purpose(user, purpose)
    page = max(1, min(int(page), MAX_PAGE))
    results = _search(user, text, purpose, page, per_page, facets)
    if results is None:  # `theme:` was resolved with a codebook that had changed: again, with the codes read
        results = _search(user, text, purpose, page, per_page, facets, last=True)
    return results


def _search(user: User, text: str, purpose: str, page: int, per_page: int, facets: bool,
            last: bool = False) -> Results | None:
    """The search, or None if this process's copy of the codebook resolved `theme:` and proved stale (not `last`)."""
    book = codebook_copy.copy()
    held, held_print = book.held
    lookups = _Lookups(purpose, held)
    tree = q.parse(text)
    spell = [leaf.text.lower() for leaf in _spellable(tree)]
    themed = any(isinstance(leaf, q.Field) and leaf.name == "theme" for leaf in q.leaves(tree))
    prefetched = themed and held is None
    if prefetched:  # resolving needs the codebook: it comes with the known words, in one round trip
        held, held_print = _prefetch(lookups, spell, book)
    try:
        tree, resolved, notes = _resolve(tree, lookups)
    except q.QuerySyntaxError:
        if not themed or prefetched:
            raise
        prefetched = True  # perhaps no such theme in the copy only: ask the codebook itself
        held, held_print = _prefetch(lookups, spell, book)
        tree, resolved, notes = _resolve(tree, lookups)
    search_engine = indexing.engine()
    offset = (page - 1) * per_page
    visible = policy.visible_stories(user, purpose)  # the policy's condition, made afresh for every search
    reads = plan.PageReads(shown=functools.partial(_shown, visible, purpose), key=_statement_key(purpose, visible),
                           words=[w for w in spell if w not in lookups.checked()], codebook=held_print)
    try:
        hits = search_engine.search(purpose, resolved, offset, per_page, facets, reads)
    except IndexUnavailable as err:
        raise rebuilding.start_for(err) from None
    if hits.shown is None:  # the engine left them to us: the re-check, the codebook and the known words
        if not prefetched:
            lookups.prefetch(spell)
        fresh = lookups.codes()
        shown = list(db.session.execute(reads.shown(hits.ids))) if hits.ids else []
    else:
        shown = hits.shown
        lookups.learn(reads.words, hits.known or set())
        fresh = hits.codebook if hits.codebook is not None or held is not None else []  # (none: the codebook is empty)
        lookups.use_codes(fresh if fresh is not None else held)
    if fresh is not None and (held is None or codebook_copy.fingerprint(fresh) != held_print):
        book.replace(fresh)
        if themed and not last:
            return None
    stems = plan.highlight_stems(resolved)
    stories = {row.id: row for row in shown if purpose != "research" or row.title is not None}
    if len(stories) < len(hits.ids):  # the index lags: never show, and repair it
        stale = set(hits.ids) - set(stories)
        hits.total = max(0, hits.total - len(stale))
        indexing.touch(*stale)
    versions = workshop_texts(list(stories.values())) if purpose == "workshop" else {}
    code_names = {cid: name for cid, name, _ in lookups.codes()}  # (the codebook of this search's snapshot)
    results = Results(query=text, purpose=purpose, total=hits.total, page=page, per_page=per_page, hits=[],
                      notes=notes)
    for sid in hits.ids:
        story = stories.get(sid)
        if story is None:
            continue
        title, body = versions.get(sid, ("", "")) if purpose == "workshop" else (story.title or "", story.body or "")
        results.hits.append(Hit(id=sid, title=title, snippet=snippet(body, stems), kind=story.kind,
                                site=story.site, collected_on=story.collected_on,
                                themes=_theme_names(story.themes, code_names)))
    if facets:
        results.facets = _facets(hits.facets, code_names)
    results.did_you_mean = did_you_mean(text, tree, lookups)
    return results


def _prefetch(lookups: _Lookups, spell: list[str], book: codebook_copy.CodebookCopy
              ) -> tuple[codebook_copy.Codes, str | None]:
    """The codebook read afresh (with the known words), kept as this process's copy."""
    lookups.prefetch(spell)
    book.replace(lookups.codes())
    return book.held  # type: ignore[return-value]


def _shown(visible: Select, purpose: str, ids: object) -> Select:
    """The stories among `ids` of `visible` (the policy's stories the user may read).

    `ids`: a list or a select of ids, or an SQL array of them (compared with `= ANY`, which
    PostgreSQL plans in less time than `IN (SELECT …)`). The index may lag behind a withdrawal
    or a consent change: only these may be shown. Columns `id, site, kind, collected_on, title,
    body, themes` (plan.Shown): for research the current revision's title and body (the only
    one whose words are shown; a story without one is not shown), for workshop none (the
    approved workshop version is read after); themes are the ids of its codes, joined by commas
    (named from the codebook the search holds: PostgreSQL spent about 0.3 ms of every search
    joining the codes for their names).
    """
    among = Story.id.in_(ids) if isinstance(ids, list | tuple | Select) else Story.id == any_(ids)
    columns = [Story.id.label("id"), Story.site.label("site"), Story.kind.label("kind"),
               Story.collected_on.label("collected_on")]
    themes = _theme_ids(Story.id).label("themes")
    if purpose != "research":
        return visible.with_only_columns(*columns, _NO_TEXT.label("title"), _NO_TEXT.label("body"), themes
                                         ).where(among)
    return visible.with_only_columns(*columns, _newest(StoryRevision.title).label("title"),
                                     _newest(StoryRevision.body).label("body"), themes).where(among)


def _newest(column: ColumnElement) -> ScalarSelect:
    """The story's current revision's `column`: NULL if it has none (never shown; title and body are never NULL).

    A scalar subquery, not a join with the revision numbered max(number): PostgreSQL planned the
    join in about 0.45 ms of every search (the statement's other parts in about 0.6 ms).
    """
    return (select(column).where(StoryRevision.story_id == Story.id).order_by(StoryRevision.number.desc()).limit(1)
            .scalar_subquery())


def _statement_key(purpose: str, visible: Select) -> object | None:
    """What identifies the re-check's SQL for `visible`, with every value the policy bound in it.

    SQLAlchemy's own cache key of the policy's statement (its structure) and the values of its
    parameters (a user's id, a status): equal keys, the same SQL and the same values. None when
    SQLAlchemy cannot give one (the engine then builds the statement every time). Kept for the
    statement object itself (the policy hands out the same one again; about 0.2 ms a search).
    """
    held = _KEYS.get((purpose, id(visible)))
    if held is not None and held[0] is visible:
        return held[1]
    key = _cache_key(purpose, visible)
    if len(_KEYS) >= 2000:
        _KEYS.clear()
    _KEYS[(purpose, id(visible))] = (visible, key)  # (the statement kept with it: its id is not reused meanwhile)
    return key


_KEYS: dict[tuple[str, int], tuple[Select, object | None]] = {}


def _cache_key(purpose: str, visible: Select) -> object | None:
    found = visible._generate_cache_key()
    if found is None:
        return None
    try:
        key = (purpose, found.key, tuple(b.effective_value for b in found.bindparams))
        hash(key)
    except TypeError:
        return None
    return key


_NO_TEXT = cast(None, db.Text)
_NAME_SEP = "\x1f"  # (unit separator: never in a code name)


def _theme_list(story_id: ColumnElement) -> ScalarSelect:
    """The names of the codes applied to the story, joined by _NAME_SEP (for `theme_names_of`; the re-check reads ids)."""
    return (select(func.aggregate_strings(Code.name, _NAME_SEP)).join(Coding, Coding.code_id == Code.id)
            .where(Coding.story_id == story_id).scalar_subquery())


def _theme_ids(story_id: ColumnElement) -> ScalarSelect:
    """The ids of the codes applied to the story, joined by commas (a column of the re-check)."""
    return (select(func.aggregate_strings(cast(Coding.code_id, db.Text), ","))
            .where(Coding.story_id == story_id).scalar_subquery())


def _theme_names(joined: str | None, names: dict[int, str]) -> list[str]:
    """The names of `joined` code ids (see `_theme_ids`), sorted, once each."""
    if not joined:
        return []
    return sorted({names[cid] for cid in map(int, joined.split(",")) if cid in names})


def _split_names(joined: str | None) -> list[str]:
    return sorted(set(joined.split(_NAME_SEP))) if joined else []


def theme_names_of(story_id: int) -> list[str]:
    """The codes applied to a story, by name (labels on workshop versions and story cards)."""
    return _split_names(db.session.scalar(select(_theme_list(literal(story_id)))))


def _facets(raw: dict[str, dict], names: dict[int, str]) -> dict[str, list[Facet]]:
    out: dict[str, list[Facet]] = {}
    sites = [Facet(k, k, n, f'site:"{k}"') for k, n in raw.get("site", {}).items()]
    out["site"] = sorted(sites, key=lambda f: (-f.count, f.label))
    out["kind"] = sorted((Facet(k, KIND_LABELS.get(k, k), n, f"kind:{k}") for k, n in raw.get("kind", {}).items()),
                         key=lambda f: (-f.count, f.label))
    themes = [Facet(str(cid), names[cid], n, f'theme:"{names[cid]}"')
              for cid, n in raw.get("theme", {}).items() if cid in names]
    out["theme"] = sorted(themes, key=lambda f: (-f.count, f.label))
    return out


def _spellable(tree: q.Node) -> list[q.Word]:
    """The words of a query that "did you mean" may correct."""
    return [leaf for leaf in q.leaves(tree) if isinstance(leaf, q.Word) and len(leaf.text) >= 3 and leaf.text.isalpha()]


def did_you_mean(text: str, tree: q.Node, lookups: _Lookups) -> str | None:
    """The query with each word the index does not know replaced by the closest known word."""
    replacements: list[tuple[int, str, str]] = []
    candidates = _spellable(tree)
    known = lookups.known([leaf.text.lower() for leaf in candidates])
    for leaf in candidates:
        word = leaf.text.lower()
        if word in known:
            continue
        vocab = lookups.vocabulary(word[0], len(word) - 2, len(word) + 2)
        best: tuple[int, int, str] | None = None
        for candidate, docs in vocab.items():
            d = distance(word, candidate, 2)
            if d <= 2 and (best is None or (d, -docs) < (best[0], best[1])):
                best = (d, -docs, candidate)
        if best is not None:
            replacements.append((leaf.pos, leaf.text, best[2]))
    if not replacements:
        return None
    out = text
    for pos, old, new in sorted(replacements, reverse=True):
        out = out[:pos] + new + out[pos + len(old):]
    return out


def index_counts() -> dict[str, int]:
    search_engine = indexing.engine()
    return {p: search_engine.count(p) for p in ("research", "workshop")}


# -- excerpts --------------------------------------------------------------------------------------

@dataclass
class ExcerptHit:
    coding_id: int
    story_id: int
    story_title: str
    code: str
    colour: str
    before: str
    text: Markup
    after: str
    coder: str = ""  # who coded it: "you", a name, or "a former coder"


@dataclass
class ExcerptResults:
    query: str
    total: int
    page: int
    per_page: int
    hits: list[ExcerptHit]
    notes: list[str] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def _coder_names(user: User, ids: set[int | None]) -> dict[int | None, str]:
    """Coders named as on the coding page: "you", else their display name or email."""
    users = db.session.scalars(select(User).where(User.id.in_({i for i in ids if i is not None}))) if ids else []
    return {u.id: "you" if u.id == user.id else (u.display_name or u.email) for u in users}


def search_excerpts(user: User, text: str, page: int = 1, per_page: int = 20) -> ExcerptResults:
    """Coded excerpts (not whole stories) matching the query; `theme:` means the excerpt's own code.

    Runs on research-consented stories only, straight from the database, so it is always current.
    """
    from storybank.search.matching import excerpt_matches

    choose_purpose(user, "research")
    page = max(1, min(int(page), MAX_PAGE))
    lookups = _Lookups("research")
    _tree, resolved, notes = parse(text, "research", lookups)
    descendants = _descendants(lookups.codes())
    visible = policy.visible_stories(user, "research").with_only_columns(Story.id)
    theme_codes = _theme_filter_codes(resolved, descendants)
    stmt = (select(Coding).where(Coding.start.is_not(None), Coding.story_id.in_(visible))
            .options(selectinload(Coding.code)).order_by(Coding.story_id, Coding.start, Coding.id))
    if theme_codes is not None:
        stmt = stmt.where(Coding.code_id.in_(theme_codes))
    codings = list(db.session.scalars(stmt))
    stories = {s.id: s for s in db.session.scalars(
        select(Story).where(Story.id.in_({c.story_id for c in codings})).options(selectinload(Story.revisions)))}
    matched = []
    for coding in codings:
        story = stories.get(coding.story_id)
        rev = story.current_revision if story else None
        if rev is None or rev.id != coding.revision_id:
            continue
        excerpt = rev.body[coding.start:coding.end]
        if excerpt_matches(resolved, excerpt, story, coding.code_id, descendants):
            matched.append((coding, story, rev))
    stems = plan.highlight_stems(resolved)
    start = (page - 1) * per_page
    hits = []
    shown = matched[start:start + per_page]
    names = _coder_names(user, {coding.coder_id for coding, _, _ in shown})
    for coding, story, rev in shown:
        before = plain_text(rev.body[max(0, coding.start - 160):coding.start])
        after = plain_text(rev.body[coding.end:coding.end + 160])
        hits.append(ExcerptHit(coding_id=coding.id, story_id=story.id, story_title=rev.title,
                               code=coding.code.name, colour=coding.code.colour, before=before,
                               text=snippet(rev.body[coding.start:coding.end], stems, chars=100000), after=after,
                               coder=names.get(coding.coder_id, "a former coder")))
    return ExcerptResults(query=text, total=len(matched), page=page, per_page=per_page, hits=hits, notes=notes)


def _descendants(codes: list[tuple[int, str, int | None]]) -> dict[int, set[int]]:
    children: dict[int | None, list[int]] = {}
    for cid, _, parent in codes:
        children.setdefault(parent, []).append(cid)
    out: dict[int, set[int]] = {}

    def walk(cid: int) -> set[int]:
        if cid not in out:
            out[cid] = {cid}
            for child in children.get(cid, []):
                out[cid] |= walk(child)
        return out[cid]

    for cid, _, _ in codes:
        walk(cid)
    return out


def _theme_filter_codes(node: plan.Plan, descendants: dict[int, set[int]]) -> set[int] | None:
    """Codes an excerpt must carry when the query ANDs a theme at its top level (narrows the scan)."""
    items = node.items if isinstance(node, plan.AllOf) else (node,)
    found: set[int] | None = None
    for item in items:
        if isinstance(item, plan.Filter) and item.field == "theme":
            codes = set().union(*(descendants.get(int(v), {int(v)}) for v in item.values))
            found = codes if found is None else found & codes
    return found


def count_words(purpose: str) -> int:
    return db.session.scalar(select(func.count()).select_from(SearchWord).where(SearchWord.purpose == purpose)) or 0
