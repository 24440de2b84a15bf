"""PostgreSQL full-text search: the index is the `search_documents` table (tsvector + GIN).

The tsvector is built from the shared analyser's tokens, so stems and
positions are exactly Whoosh's. Writes happen inside the request's own
transaction, and the visibility rule joins the query itself: several app
servers share one always-consistent index.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import and_, cast, false, func, literal, not_, or_, select, true, union_all
from sqlalchemy.dialects.postgresql import ARRAY, TSQUERY
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import CompoundSelect

from storybank.extensions import db
from storybank.search import plan
from storybank.search.analysis import stem_positions
from storybank.search.documents import IndexDoc
from storybank.search.engine import CatchUp, IndexProgress
from storybank.search.models import SearchDocument
from storybank.search.plan import EngineHits

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


def _compile(node: plan.Plan) -> tuple[str, object]:
    """('ts', tsquery text) while the subtree is pure text, else ('sql', a boolean expression)."""
    if isinstance(node, plan.Terms):
        return ("ts", _ts_or(node.stems)) if node.stems else ("sql", false())
    if isinstance(node, plan.Sequence):
        return "ts", "(" + " <-> ".join(_quote(s) for s in node.stems) + ")"
    if isinstance(node, plan.Filter):
        return "sql", _filter(node)
    if isinstance(node, plan.Dates):
        conds = [SearchDocument.collected_on.is_not(None)]
        if node.start:
            conds.append(SearchDocument.collected_on >= node.start)
        if node.end:
            conds.append(SearchDocument.collected_on <= node.end)
        return "sql", and_(*conds)
    if isinstance(node, plan.Everything):
        return "sql", true()
    if isinstance(node, plan.NoneOf):
        kind, value = _compile(node.item)
        return ("ts", f"!{value}") if kind == "ts" else ("sql", not_(value))
    if isinstance(node, plan.AllOf | plan.AnyOf):
        parts = [_compile(i) for i in node.items]
        glue = " & " if isinstance(node, plan.AllOf) else " | "
        if all(kind == "ts" for kind, _ in parts):
            return "ts", "(" + glue.join(value for _, value in parts) + ")"
        exprs = [_as_sql(p) for p in parts]
        return "sql", and_(*exprs) if isinstance(node, plan.AllOf) else or_(*exprs)
    raise TypeError(node)


def _as_sql(part: tuple[str, object]) -> ColumnElement:
    kind, value = part
    if kind == "ts":
        return SearchDocument.tsv.op("@@")(cast(literal(value), TSQUERY))
    return value


def _filter(node: plan.Filter) -> ColumnElement:
    if node.field == "theme":
        ids = [int(v) for v in node.values]
        return SearchDocument.themes.op("&&")(cast(ids, ARRAY(db.Integer)))
    values = [str(v) for v in node.values]
    if node.field in ("site", "kind"):  # stored as compared (site lower-cased), indexed with the purpose
        return {"site": SearchDocument.site_key, "kind": SearchDocument.kind}[node.field].in_(values)
    column = {"role": SearchDocument.role, "method": SearchDocument.method}[node.field]
    return func.lower(column).in_(values)


class PostgresEngine:
    """The `search_documents` rows are the index: every method that follows writes is therefore empty."""

    name = "postgresql"
    transactional = True

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
        """Nothing cached."""

    def search(self, purpose: str, tree: plan.Plan, offset: int, limit: int, facets: bool) -> EngineHits:
        """Search one purpose's documents: the page, the total and the facets in one statement.

        The matches are read once (ranked as they are read), then the page is the top of them
        and the total and facets are counted over them. The table is written in the same
        transaction as every consent, text or withdrawal change, so it holds exactly what the
        policy allows for the purpose; the service still re-checks the page it shows.
        """
        rows = db.session.execute(_search_statement(purpose, tree, offset, limit, facets)).all()
        hits = sorted((r for r in rows if r.name == "hit"), key=lambda r: (-r.rank, -r.n))
        total, counts = 0, {"site": {}, "kind": {}, "theme": {}}
        for row in rows:
            if row.name == "total":
                total = row.n
            elif row.name == "theme":
                counts["theme"][int(row.value)] = row.n
            elif row.name == "site+kind":  # one count per (site, kind): the total, site and kind counts add up
                total += row.n
                for name, value in (("site", row.value), ("kind", row.kind)):
                    if value:
                        counts[name][value] = counts[name].get(value, 0) + row.n
        return EngineHits(total=total, ids=[r.n for r in hits], facets=counts if facets else {})

    def count(self, purpose: str) -> int:
        return db.session.scalar(
            select(func.count()).select_from(SearchDocument).where(SearchDocument.purpose == purpose)
        ) or 0


def _search_statement(purpose: str, tree: plan.Plan, offset: int, limit: int, facets: bool) -> CompoundSelect:
    """(name, value, kind, n, rank) rows: "hit" rows (n = story id) for the page, then the total, or the
    count of each (site, kind) and of each theme."""
    base = and_(SearchDocument.purpose == purpose, _as_sql(_compile(tree)))
    rank_stems = sorted(plan.highlight_stems(tree))
    ranked = bool(rank_stems) and plan.has_text(tree)
    rank = (func.ts_rank(SearchDocument.tsv, cast(literal(_ts_or(tuple(rank_stems))), TSQUERY))
            if ranked else literal(0.0))
    columns = [SearchDocument.story_id, rank.label("rank")]
    if facets:
        columns += [SearchDocument.site, SearchDocument.kind, SearchDocument.themes]
    matched = select(*columns).where(base).cte("matched")
    order = (matched.c.rank.desc(), matched.c.story_id.desc()) if ranked else (matched.c.story_id.desc(),)
    no_text, no_rank = cast(None, db.Text), cast(None, db.Float)
    parts = [select(literal("hit").label("name"), no_text.label("value"), no_text.label("kind"),
                    matched.c.story_id.label("n"), matched.c.rank.label("rank")
                    ).order_by(*order).offset(offset).limit(limit)]
    if not facets:
        parts.append(select(literal("total"), no_text, no_text, func.count(), no_rank).select_from(matched))
    else:
        codes = select(func.unnest(matched.c.themes).label("code")).select_from(matched).subquery("codes")
        parts += [
            select(literal("site+kind"), matched.c.site, matched.c.kind, func.count(), no_rank)
            .group_by(matched.c.site, matched.c.kind),
            select(literal("theme"), cast(codes.c.code, db.Text), no_text, func.count(), no_rank)
            .group_by(codes.c.code),
        ]
    return union_all(*(p.subquery().select() if i == 0 else p for i, p in enumerate(parts)))
