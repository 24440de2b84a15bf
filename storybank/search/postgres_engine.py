"""PostgreSQL full-text search: the index is the `search_documents` table (tsvector + GIN).

The tsvector is built from the shared analyser's tokens, so stems and
positions are exactly Whoosh's. Writes happen inside the request's own
transaction, and the visibility rule joins the query itself: several app
servers share one always-consistent index.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import psycopg
from sqlalchemy import (
    and_,
    any_,
    bindparam,
    cast,
    false,
    func,
    literal,
    literal_column,
    not_,
    null,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSQUERY
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import CompoundSelect

from storybank.coding.models import Code
from storybank.extensions import db
from storybank.search import codebook_copy, plan
from storybank.search.analysis import stem_positions
from storybank.search.documents import IndexDoc
from storybank.search.engine import CatchUp, IndexProgress
from storybank.search.models import SearchDocument, SearchGeneration, SearchWord
from storybank.search.plan import EngineHits
from storybank.search.postgres_facets import EMPTY, Documents, FacetCopies, loaded, matched_ids

MAX_POSITION = 16383  # PostgreSQL's limit; later words share the last position
TITLE_GAP = 4


def tsvector_literal(doc: IndexDoc) -> str:
    """Title words (weight A) then body words, with a gap so phrases never span the two."""
    title, last = stem_positions(doc.title)
    body, end = stem_positions(doc.body, last + TITLE_GAP)
    entries = {stem: [f"{min(p, MAX_POSITION)}A" for p in found] for stem, found in title.items()}
    clip = end > MAX_POSITION
    number = _NUMBERS.__getitem__
    out = []
    for stem, found in body.items():
        if clip:
            found = [min(p, MAX_POSITION) for p in found]
        if stem in entries:
            entries[stem].extend(map(number, found))
        else:
            out.append(_quoted(stem) + ":" + ",".join(map(number, found[:256])))
    return " ".join([_quoted(stem) + ":" + ",".join(p[:256]) for stem, p in entries.items()] + out)


_NUMBERS = [str(n) for n in range(MAX_POSITION + 1)]  # (positions as text: the literal's hot loop)
_QUOTED: dict[str, str] = {}


def _quoted(lexeme: str) -> str:
    quoted = _QUOTED.get(lexeme)
    if quoted is None:
        quoted = _quote(lexeme)
        if len(_QUOTED) < 500_000:
            _QUOTED[lexeme] = quoted
    return quoted


def _quote(lexeme: str) -> str:
    if "'" not in lexeme and "\\" not in lexeme:
        return "'" + lexeme + "'"
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def _ts_or(stems: tuple[str, ...]) -> str:
    return "(" + " | ".join(_quote(s) for s in stems) + ")"


Recipe = tuple  # a condition as data: ("tsq", text) | ("filter", field, values) | ("dates", start, end) |
#                ("true",) | ("false",) | ("not", Recipe) | ("and" | "or", (Recipe, ...))


def _compile(node: plan.Plan) -> tuple[str, object]:
    """('ts', tsquery text) while the subtree is pure text, else ('sql', the condition's Recipe)."""
    if isinstance(node, plan.Terms):
        return ("ts", _ts_or(node.stems)) if node.stems else ("sql", ("false",))
    if isinstance(node, plan.Sequence):
        return "ts", "(" + " <-> ".join(_quote(s) for s in node.stems) + ")"
    if isinstance(node, plan.Filter):
        values = tuple(int(v) for v in node.values) if node.field == "theme" else tuple(str(v) for v in node.values)
        return "sql", ("filter", node.field, values)
    if isinstance(node, plan.Dates):
        return "sql", ("dates", node.start, node.end)
    if isinstance(node, plan.Everything):
        return "sql", ("true",)
    if isinstance(node, plan.NoneOf):
        kind, value = _compile(node.item)
        return ("ts", f"!{value}") if kind == "ts" else ("sql", ("not", value))
    if isinstance(node, plan.AllOf | plan.AnyOf):
        parts = [_compile(i) for i in node.items]
        glue = " & " if isinstance(node, plan.AllOf) else " | "
        if all(kind == "ts" for kind, _ in parts):
            return "ts", "(" + glue.join(value for _, value in parts) + ")"
        return "sql", ("and" if isinstance(node, plan.AllOf) else "or", tuple(_as_recipe(p) for p in parts))
    raise TypeError(node)


def _as_recipe(part: tuple[str, object]) -> Recipe:
    kind, value = part
    return ("tsq", value) if kind == "ts" else value  # type: ignore[return-value]


def _as_sql(part: tuple[str, object]) -> ColumnElement:
    """The condition as SQL, its values bound in it (the benchmark's bare query is built with this)."""
    return _condition(_as_recipe(part), [], build=True)


def _condition(recipe: Recipe, values: list[object], build: bool) -> object:
    """The SQL of `recipe` (`build`), else its shape; either way its values are appended to `values`.

    One walk for both, so the parameters p0, p1, ... are numbered alike: a statement built once
    for a shape is run again with another query's values.
    """
    op = recipe[0]
    if op in ("true", "false"):
        return (true() if op == "true" else false()) if build else op
    if op == "tsq":
        name = _param(values, recipe[1])
        return SearchDocument.tsv.op("@@")(cast(bindparam(name, recipe[1], type_=db.Text), TSQUERY)) if build else op
    if op == "filter":
        field, found = recipe[1], list(recipe[2])
        name = _param(values, found)
        if not build:
            return op, field
        if field == "theme":
            return SearchDocument.themes.op("&&")(cast(bindparam(name, found, type_=_INTS), _INTS))
        if field in ("site", "kind"):  # stored as compared (site lower-cased), indexed with the purpose
            column = {"site": SearchDocument.site_key, "kind": SearchDocument.kind}[field]
        else:
            column = func.lower({"role": SearchDocument.role, "method": SearchDocument.method}[field])
        return column == any_(bindparam(name, found, type_=_TEXTS))
    if op == "dates":
        start, end = recipe[1], recipe[2]
        names = [_param(values, day) if day else None for day in (start, end)]
        if not build:
            return op, bool(start), bool(end)
        conds = [SearchDocument.collected_on.is_not(None)]
        if start:
            conds.append(SearchDocument.collected_on >= bindparam(names[0], start, type_=db.Date))
        if end:
            conds.append(SearchDocument.collected_on <= bindparam(names[1], end, type_=db.Date))
        return and_(*conds)
    if op == "not":
        inner = _condition(recipe[1], values, build)
        return not_(inner) if build else (op, inner)
    if op in ("and", "or"):
        items = [_condition(item, values, build) for item in recipe[1]]
        if not build:
            return op, tuple(items)
        return and_(*items) if op == "and" else or_(*items)
    raise ValueError(recipe)


_INTS = ARRAY(db.Integer)
_TEXTS = ARRAY(db.Text)


def _param(values: list[object], value: object) -> str:
    values.append(value)
    return f"p{len(values) - 1}"


class PostgresEngine:
    """The `search_documents` rows are the index: every method that follows writes is therefore empty."""

    name = "postgresql"
    transactional = True

    def __init__(self) -> None:
        self._copies = FacetCopies()

    def record_fields(self, doc: IndexDoc) -> dict[str, object]:
        return {"tsv": tsvector_literal(doc), "themes": sorted(doc.themes)}

    def follow_commit(self, session: Session, story_ids: list[int]) -> None:
        """Nothing to follow: the rows were written in the transaction itself."""

    def write(self, docs: list[IndexDoc], removals: list[tuple[int, str]]) -> None:
        """Nothing to write: the rows are written with the transaction."""

    def rebuild(self, docs: Iterable[IndexDoc], progress: IndexProgress | None = None,
                catch_up: CatchUp | None = None) -> None:
        """Consuming the documents writes their rows, a batch per transaction: nothing to catch up."""
        for doc in docs:  # consuming the documents writes their rows
            if progress:
                progress(doc)

    def exists(self) -> bool:
        return True

    def close_readers(self) -> None:
        """Every query reads the current rows: nothing is held open between requests."""

    def purge_leftovers(self) -> None:
        """No files of its own: what stays in PostgreSQL's data files is `storybank db compact`'s work."""

    def clear_cache(self) -> None:
        """Forget this process's copies of the documents' facet values (the next search reads them afresh)."""
        self._copies = FacetCopies()

    def search(self, purpose: str, tree: plan.Plan, offset: int, limit: int, facets: bool,
               reads: plan.PageReads | None = None) -> EngineHits:
        """Search one purpose's documents: the page, the total, the facets and `reads` in one statement.

        The matches are read once (ranked as they are read), then the page is the top of them
        and the total is counted over them; with facets, the matched ids are returned and
        counted here, from this process's copy of their site, kind and themes, which the same
        statement brings up to date (`postgres_facets`). The table is written in the same
        transaction as every consent, text or withdrawal change, so it holds exactly what the
        policy allows for the purpose; the service still re-checks the page it shows, here with
        `reads.shown` (the policy's rows of the page's stories), in this same statement.
        """
        statement, params = _search_statement(purpose, tree, offset, limit, facets, reads)
        for _attempt in range(2):
            base = self._copies.get(purpose)
            if facets and base is EMPTY:
                base = self._copies.put(purpose, _load_copy(purpose))
            if facets:
                params["since"] = base.generation
            out, read = _read(statement.run(params), facets, reads)
            if not facets:
                return out
            ids, (epoch, generation), changed = read
            if base.follows(epoch, generation):
                counts = self._copies.advance(purpose, base, epoch, generation, changed).counts(ids)
                if counts is not None:
                    out.facets = counts
                    return out
            self._copies.forget(purpose)  # out of step (a restored database): read every row again, once
        raise RuntimeError("the search documents' facet values could not be brought up to date")

    def count(self, purpose: str) -> int:
        return db.session.scalar(
            select(func.count()).select_from(SearchDocument).where(SearchDocument.purpose == purpose)
        ) or 0


def _load_copy(purpose: str) -> Documents:
    """This process's first copy of the purpose's facet values: the generation and the ids grouped, in one statement."""
    ids = func.string_agg(cast(SearchDocument.story_id, db.Text), literal(","))
    code = func.unnest(SearchDocument.themes).table_valued("code").render_derived()
    mine = SearchDocument.purpose == purpose
    rows = db.session.execute(union_all(
        select(_name("generation").label("name"), cast(literal_column("search_generation.tableoid"), db.Text).label("a"),
               cast(None, db.Text).label("b"), SearchGeneration.n.label("n"), cast(None, db.Text).label("ids"))
        .where(SearchGeneration.id == 1),
        select(_name("site+kind"), SearchDocument.site, SearchDocument.kind, null(), ids).where(mine)
        .group_by(SearchDocument.site, SearchDocument.kind),
        select(_name("theme"), null(), null(), code.c.code, ids).select_from(SearchDocument).join(code, true())
        .where(mine).group_by(code.c.code),
    )).all()
    epoch, generation = next(((r.a, r.n) for r in rows if r.name == "generation"), (None, 0))
    return loaded(epoch, generation, [(r.a, r.b, r.ids) for r in rows if r.name == "site+kind"],
                  [(r.n, r.ids) for r in rows if r.name == "theme"])


Changed = list[tuple[int, str, str, str | None]]  # (story id, site, kind, theme ids as text) of rows stamped later


Seen = tuple[np.ndarray, tuple[str | None, int], Changed]  # matched ids, (epoch, generation), rows stamped later


def _read(rows: list, facets: bool, reads: plan.PageReads | None) -> tuple[EngineHits, Seen]:
    """The statement's rows as hits, and with facets what `Seen` says."""
    hits = sorted((r for r in rows if r[0] == "hit"), key=lambda r: (-r[4], -r[3]))  # (rank, then the later story)
    out = EngineHits(total=0, ids=[r[3] for r in hits])
    if reads is not None:
        out.shown, out.known = [], set()
    changed: Changed = []
    generation, ids = (None, 0), matched_ids(None)
    for name, value, kind, n, _rank, title, body, day, names in rows:
        if name == "hit":
            continue
        if name == "story":
            out.shown.append(plan.Shown(n, value, kind, day, title, body, names))
        elif name in ("total", "ids"):
            out.total = n
            if name == "ids":
                ids = matched_ids(value)
        elif name == "doc":
            changed.append((n, value, kind, names))
        elif name == "generation":
            generation = (value, n)
        elif name == "code":
            out.codebook = out.codebook or []
            out.codebook.append((n, title, None if value is None else int(value)))
        elif name == "word":
            out.known.add(value)
    return out, (ids, generation, changed)


@dataclass(frozen=True)
class _Statement:
    """A built search statement and, when every value bound in it goes to psycopg as it is, its compiled SQL."""

    built: CompoundSelect
    sql: str | None = None
    bound: dict[str, object] = field(default_factory=dict)  # (the values SQLAlchemy bound in it: labels, the policy's)

    @classmethod
    def compiled(cls, built: CompoundSelect) -> _Statement:
        """Compiled once: SQLAlchemy's own execute spent about 0.3 ms of processor time a search on its cache and rows."""
        found = built.compile(dialect=db.engine.dialect)
        if any(bind.expanding or not _as_is(bind.type) for bind in found.binds.values()):
            return cls(built)
        sql = found.string
        for name in set(_POSTCOMPILE.findall(sql)):  # a value SQLAlchemy writes into the SQL each time: written once
            bind = found.binds[name]
            sql = sql.replace(f"__[POSTCOMPILE_{name}]", found.render_literal_value(bind.value, bind.type))
        return cls(built, sql, {k: v for k, v in found.params.items() if f"%({k})s" in sql})

    def run(self, params: dict[str, object]) -> list:
        """The rows (tuples in the statement's column order).

        The compiled SQL goes to a psycopg cursor of the session's connection, in its
        transaction: SQLAlchemy's result and rows around it cost about 0.15 ms of processor
        time a search. A driver error is raised as SQLAlchemy raises it (a lost connection
        is dropped from the pool).
        """
        if self.sql is None:
            return db.session.execute(self.built, params).all()
        connection = db.session.connection()
        values = {**self.bound, **params}
        try:
            with connection.connection.cursor() as cursor:
                cursor.execute(self.sql, values)
                return cursor.fetchall()
        except psycopg.Error as err:
            lost = connection.connection.driver_connection.broken
            if lost:
                connection.invalidate(err)
            raise DBAPIError.instance(self.sql, values, err, psycopg.Error,
                                      connection_invalidated=lost) from err


def _name(row_name: str) -> ColumnElement:
    """A part's row name, written in the SQL (kept under psycopg's 4 kB limit for caching its parsed form)."""
    return literal_column(f"'{row_name}'")


_POSTCOMPILE = re.compile(r"__\[POSTCOMPILE_(\w+)\]")


def _as_is(kind: object) -> bool:
    """A type whose values need no conversion by SQLAlchemy before psycopg adapts them."""
    if isinstance(kind, ARRAY):
        return _as_is(kind.item_type)
    return type(kind) in (db.String, db.Text, db.Integer, db.BigInteger, db.Float, db.Double, db.Date, db.Boolean)


_STATEMENTS: dict[tuple, _Statement] = {}  # built statements by shape (their values are parameters)
_MAX_STATEMENTS = 500


def _search_statement(purpose: str, tree: plan.Plan, offset: int, limit: int, facets: bool,
                      reads: plan.PageReads | None = None) -> tuple[_Statement, dict[str, object]]:
    """The search statement and its parameters.

    Building the statement (and SQLAlchemy's key for its compiled form) cost about 4 ms a search,
    more than PostgreSQL took for a small query; one is built per shape of query (and, with
    `reads`, per `reads.key`: the policy's statement with every value bound in it) and run again
    with each query's values.
    """
    recipe = _as_recipe(_compile(tree))
    values: list[object] = []
    shape = _condition(recipe, values, build=False)
    params: dict[str, object] = {f"p{i}": value for i, value in enumerate(values)}
    params.update(offset=offset, limit=limit)
    rank_stems = sorted(plan.highlight_stems(tree))
    ranked = bool(rank_stems) and plan.has_text(tree)
    if ranked:
        params["rank"] = _ts_or(tuple(rank_stems))
    if reads is not None:
        params["codebook"] = reads.codebook
        if reads.words:
            params["words"] = list(reads.words)
    if reads is not None and reads.key is None:  # nothing says which policy statement it holds: never kept
        return _Statement(_build_statement(purpose, recipe, ranked, facets, reads)), params
    key = (purpose, shape, ranked, facets,
           None if reads is None else (reads.key, bool(reads.words)))
    statement = _STATEMENTS.get(key)
    if statement is None:
        statement = _Statement.compiled(_build_statement(purpose, recipe, ranked, facets, reads))
        if len(_STATEMENTS) >= _MAX_STATEMENTS:
            _STATEMENTS.clear()
        _STATEMENTS[key] = statement
    return statement, params


def _build_statement(purpose: str, recipe: Recipe, ranked: bool, facets: bool,
                     reads: plan.PageReads | None) -> CompoundSelect:
    """(name, value, kind, n, rank, title, body, day, names) rows: "hit" rows (n = story id) for the page,
    then the "total"; with facets instead an "ids" row (value = the matched ids joined by commas, n = their
    count), the "generation" (n; value = its table's oid) and a "doc" row (value = site, n = story id, names = theme ids) for each
    document stamped after the `since` parameter; with `reads`, a "story" row for each of the page's
    stories the policy lets the user read now (n = id, value = site, day = collected on, names = its
    code ids), a "word" row per known word, and a "code" row per code (n = id, title = name, value =
    parent id) if the codebook's fingerprint is not the `codebook` parameter.
    Parameters: p0, p1, ... (the condition's values), offset, limit, rank (the ranking's tsquery), words,
    codebook (with `reads`), since (with facets)."""
    base = and_(SearchDocument.purpose == purpose, _condition(recipe, [], build=True))
    rank = (func.ts_rank(SearchDocument.tsv, cast(bindparam("rank", type_=db.Text), TSQUERY))
            if ranked else literal(0.0))
    matched = select(SearchDocument.story_id, rank.label("rank")).where(base).cte("matched")
    order = (matched.c.rank.desc(), matched.c.story_id.desc()) if ranked else (matched.c.story_id.desc(),)
    text, day = cast(None, db.Text), cast(None, db.Date)  # (typed in the first part; NULL in the others)
    page = (select(matched.c.story_id, matched.c.rank).order_by(*order)
            .offset(bindparam("offset", type_=db.Integer)).limit(bindparam("limit", type_=db.Integer)))
    page = page.cte("page") if reads is not None else page.subquery("page")
    parts = [select(_name("hit").label("name"), text.label("value"), text.label("kind"),
                    page.c.story_id.label("n"), page.c.rank.label("rank"), text.label("title"),
                    text.label("body"), day.label("day"), text.label("names"))]
    text = number = day = null()
    if reads is not None:
        shown = reads.shown(func.array(select(page.c.story_id).scalar_subquery())).subquery("shown")
        parts.append(select(_name("story"), shown.c.site, shown.c.kind, shown.c.id, number, shown.c.title,
                            shown.c.body, shown.c.collected_on, shown.c.themes))
        stale = codebook_copy.fingerprint_sql().is_distinct_from(bindparam("codebook", type_=db.Text))
        parts.append(select(_name("code"), cast(Code.parent_id, db.Text), text, Code.id, number, Code.name, text,
                            day, text).where(stale))
        if reads.words:
            parts.append(select(_name("word"), SearchWord.word, text, null(), number, text, text,
                                day, text).where(SearchWord.purpose == purpose,
                                                 SearchWord.word == any_(bindparam("words", type_=_TEXTS))))
    if not facets:
        parts.append(select(_name("total"), text, text, func.count(), number, text, text, day, text)
                     .select_from(matched))
    else:
        stamped = SearchDocument.generation > bindparam("since", type_=db.BigInteger)
        parts += [
            select(_name("ids"), func.string_agg(cast(matched.c.story_id, db.Text), literal(",")), text,
                   func.count(), number, text, text, day, text).select_from(matched),
            select(_name("generation"), cast(literal_column("search_generation.tableoid"), db.Text), text,
                   SearchGeneration.n, number, text, text, day, text).where(SearchGeneration.id == 1),
            select(_name("doc"), SearchDocument.site, SearchDocument.kind, SearchDocument.story_id, number, text,
                   text, day, cast(SearchDocument.themes, db.Text)).where(SearchDocument.purpose == purpose, stamped),
        ]
    return union_all(*parts)
