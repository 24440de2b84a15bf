"""Evaluate a query plan on one piece of text in Python (coded excerpts are too small to index)."""
from __future__ import annotations

from storybank.archive.models import Story
from storybank.search import plan
from storybank.search.analysis import tokens


def excerpt_matches(node: plan.Plan, text: str, story: Story, code_id: int,
                    descendants: dict[int, set[int]]) -> bool:
    positions: dict[str, set[int]] = {}
    for stem, pos, _start, _end in tokens(text):
        positions.setdefault(stem, set()).add(pos)
    return _eval(node, positions, story, code_id, descendants)


def _eval(node: plan.Plan, positions: dict[str, set[int]], story: Story, code_id: int,
          descendants: dict[int, set[int]]) -> bool:
    if isinstance(node, plan.Everything):
        return True
    if isinstance(node, plan.Terms):
        return any(s in positions for s in node.stems)
    if isinstance(node, plan.Sequence):
        first = positions.get(node.stems[0], set())
        return any(all(p + i in positions.get(s, ()) for i, s in enumerate(node.stems)) for p in first)
    if isinstance(node, plan.Filter):
        if node.field == "theme":
            return any(code_id in descendants.get(int(v), {int(v)}) for v in node.values)
        value = {"site": story.site, "kind": story.kind, "role": story.storyteller_role,
                 "method": story.collection_method}[node.field] or ""
        return (value if node.field == "kind" else value.lower()) in node.values
    if isinstance(node, plan.Dates):
        when = story.collected_on
        return when is not None and (node.start is None or when >= node.start) and (
            node.end is None or when <= node.end)
    if isinstance(node, plan.AllOf):
        return all(_eval(i, positions, story, code_id, descendants) for i in node.items)
    if isinstance(node, plan.AnyOf):
        return any(_eval(i, positions, story, code_id, descendants) for i in node.items)
    if isinstance(node, plan.NoneOf):
        return not _eval(node.item, positions, story, code_id, descendants)
    raise TypeError(node)
