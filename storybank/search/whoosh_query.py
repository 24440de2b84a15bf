"""Plans (the resolved query tree) as Whoosh queries."""
from __future__ import annotations

from whoosh import query as wq

from storybank.search import plan


def compile_plan(node: plan.Plan) -> wq.Query:
    if isinstance(node, plan.Terms):
        if not node.stems:
            return wq.NullQuery
        return wq.Or([wq.Term(f, s) for s in node.stems for f in ("title", "body")])
    if isinstance(node, plan.Sequence):
        return wq.Or([wq.Phrase(f, list(node.stems)) for f in ("title", "body")])
    if isinstance(node, plan.Filter):
        column = "themes" if node.field == "theme" else node.field
        values = [str(v) for v in node.values]
        if not values:
            return wq.NullQuery
        return wq.Or([wq.Term(column, v) for v in values])
    if isinstance(node, plan.Dates):
        start = node.start.isoformat() if node.start else None
        end = node.end.isoformat() if node.end else None
        return wq.TermRange("date", start or "0", end or "9", startexcl=False, endexcl=False)
    if isinstance(node, plan.AllOf):
        return wq.And([compile_plan(i) for i in node.items])
    if isinstance(node, plan.AnyOf):
        return wq.Or([compile_plan(i) for i in node.items])
    if isinstance(node, plan.NoneOf):
        return wq.And([wq.Every(), wq.Not(compile_plan(node.item))])
    if isinstance(node, plan.Everything):
        return wq.Every()
    raise TypeError(node)
