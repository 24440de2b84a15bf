"""Agreement between coders for a code, on sentence units of the stories they both coded."""
from __future__ import annotations

import bisect
from collections import defaultdict

from sqlalchemy import select

from storybank import policy
from storybank.accounts.models import User
from storybank.archive.models import Story, StoryRevision
from storybank.coding.agreement import krippendorff_alpha_nominal, summarise
from storybank.coding.codebook import get_code
from storybank.coding.models import Coding
from storybank.extensions import db
from storybank.nlp import sentence_spans


def _units_marked(spans: tuple[tuple[int, int], ...], start: int | None, end: int | None) -> set[int]:
    """Sentences an excerpt touches (a whole-story coding touches every sentence)."""
    if start is None or end is None:
        return set(range(len(spans)))
    starts = [s for s, _ in spans]
    first = max(0, bisect.bisect_right(starts, start) - 1)
    out = set()
    for i in range(first, len(spans)):
        s, e = spans[i]
        if s >= end:
            break
        if e > start:
            out.add(i)
    return out


def code_agreement(actor: User, code_id: object, coder_ids: list[int] | None = None) -> dict:
    """Percent agreement, Cohen's kappa (two coders) and Krippendorff's alpha for one code.

    Units are the sentences of the current revision of every research-visible story
    that at least two of the coders have coded (with any code). A coder who did
    not code a story counts as missing there (alpha), and such stories are left out
    of percent agreement and kappa, which need every coder's judgement.
    """
    code = get_code(code_id)
    visible = policy.visible_stories(actor, "research").with_only_columns(Story.id)
    current = (select(StoryRevision.id).where(StoryRevision.story_id == Coding.story_id)
               .order_by(StoryRevision.number.desc()).limit(1).scalar_subquery())
    rows = db.session.execute(
        select(Coding.story_id, Coding.coder_id, Coding.code_id, Coding.start, Coding.end)
        .where(Coding.story_id.in_(visible), Coding.coder_id.is_not(None), Coding.revision_id == current)
    ).all()
    coded_by: dict[int, set[int]] = defaultdict(set)
    for story_id, coder_id, *_ in rows:
        coded_by[story_id].add(coder_id)
    coders = sorted(set(coder_ids) if coder_ids else set().union(*coded_by.values()) if coded_by else set())
    stories = sorted(sid for sid, who in coded_by.items() if len(who & set(coders)) >= 2)
    texts: dict[int, str] = {}
    if stories:  # ordered by revision number, so each story keeps its current text
        texts = dict(db.session.execute(
            select(StoryRevision.story_id, StoryRevision.body).where(StoryRevision.story_id.in_(stories))
            .order_by(StoryRevision.story_id, StoryRevision.number)).all())
    offsets: dict[int, int] = {}
    spans: dict[int, tuple[tuple[int, int], ...]] = {}
    total = 0
    for sid in stories:
        spans[sid] = sentence_spans(texts[sid])
        offsets[sid] = total
        total += len(spans[sid])
    marked: dict[int, set[int]] = {c: set() for c in coders}
    for story_id, coder_id, row_code, start, end in rows:
        if row_code != code.id or story_id not in offsets or coder_id not in marked:
            continue
        base = offsets[story_id]
        marked[coder_id].update(base + u for u in _units_marked(spans[story_id], start, end))
    # Percent agreement and kappa: the stories every coder coded.
    complete = [sid for sid in stories if set(coders) <= coded_by[sid]]
    complete_units: list[int] = [offsets[sid] + i for sid in complete for i in range(len(spans[sid]))]
    index = {u: i for i, u in enumerate(complete_units)}
    dense = {c: {index[u] for u in marked[c] if u in index} for c in coders}
    result = summarise(dense, len(complete_units)) if len(coders) >= 2 else {
        "coders": coders, "units": 0, "percent_agreement": None, "cohen_kappa": None, "krippendorff_alpha": None}
    # Alpha over every unit, with coders who did not code a story missing there.
    matrix: list[list[int | None]] = []
    for c in coders:
        row: list[int | None] = []
        for sid in stories:
            did = c in coded_by[sid]
            base = offsets[sid]
            row.extend((1 if base + i in marked[c] else 0) if did else None for i in range(len(spans[sid])))
        matrix.append(row)
    result["krippendorff_alpha"] = krippendorff_alpha_nominal(matrix) if len(coders) >= 2 else None
    result.update({"code_id": code.id, "code": code.name, "stories": len(stories), "units": total,
                   "units_all_coders": len(complete_units)})
    return result
