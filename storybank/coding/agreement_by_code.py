"""Agreement between coders for a code, on sentence units of the stories they both coded."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import and_, func, select

from storybank import policy
from storybank.accounts.models import User
from storybank.archive.models import Story, StoryRevision
from storybank.coding.agreement_measures import krippendorff_alpha_nominal, summarise
from storybank.coding.codebook import get_code
from storybank.coding.models import Coding
from storybank.coding.units import fill_missing_units, unit_counts
from storybank.extensions import db


def coder_codings_on_current(actor: User) -> tuple[object, ...]:
    """Conditions for the codings agreement counts: by a coder, on the current revision of a research-visible story."""
    visible = policy.visible_stories(actor, "research").with_only_columns(Story.id)
    latest = select(func.max(StoryRevision.id).label("rid")).group_by(StoryRevision.story_id).subquery()
    return (Coding.story_id.in_(visible), Coding.coder_id.is_not(None), Coding.revision_id.in_(select(latest.c.rid)))


def code_agreement(actor: User, code_id: object, coder_ids: list[int] | None = None) -> dict:
    """Percent agreement, Cohen's kappa (two coders) and Krippendorff's alpha for one code.

    Units are the sentences of the current revision of every research-visible story
    that at least two of the coders have coded (with any code). A coder who did
    not code a story counts as missing there (alpha), and such stories are left out
    of percent agreement and kappa, which need every coder's judgement.
    """
    code = get_code(code_id)
    on_current = coder_codings_on_current(actor)
    fill_missing_units(and_(Coding.code_id == code.id, *on_current))
    coded_by: dict[int, set[int]] = defaultdict(set)
    revision_of: dict[int, int] = {}
    for story_id, coder_id, revision_id in db.session.execute(
        select(Coding.story_id, Coding.coder_id, Coding.revision_id).where(*on_current).distinct()
    ):
        coded_by[story_id].add(coder_id)
        revision_of[story_id] = revision_id
    coders = sorted(set(coder_ids) if coder_ids else set().union(*coded_by.values()) if coded_by else set())
    stories = sorted(sid for sid, who in coded_by.items() if len(who & set(coders)) >= 2)
    counts = unit_counts({revision_of[sid] for sid in stories}) if stories else {}
    offsets: dict[int, int] = {}
    sizes: dict[int, int] = {}
    total = 0
    for sid in stories:
        sizes[sid] = counts[revision_of[sid]]
        offsets[sid] = total
        total += sizes[sid]
    marked: dict[int, set[int]] = {c: set() for c in coders}
    for story_id, coder_id, first, last, start in db.session.execute(
        select(Coding.story_id, Coding.coder_id, Coding.unit_first, Coding.unit_last, Coding.start)
        .where(Coding.code_id == code.id, *on_current)
    ):
        if story_id not in offsets or coder_id not in marked:
            continue
        base = offsets[story_id]
        if start is None:  # a whole-story coding marks every sentence
            marked[coder_id].update(range(base, base + sizes[story_id]))
        elif first is not None:
            marked[coder_id].update(range(base + first, base + last + 1))
    complete = [sid for sid in stories if set(coders) <= coded_by[sid]]
    complete_units = [offsets[sid] + i for sid in complete for i in range(sizes[sid])]
    index = {u: i for i, u in enumerate(complete_units)}
    dense = {c: {index[u] for u in marked[c] if u in index} for c in coders}
    result = summarise(dense, len(complete_units), alpha=False) if len(coders) >= 2 else {
        "coders": coders, "units": 0, "percent_agreement": None, "cohen_kappa": None, "krippendorff_alpha": None}
    matrix: list[list[int | None]] = []
    for c in coders:
        row: list[int | None] = []
        for sid in stories:
            base, size = offsets[sid], sizes[sid]
            if c in coded_by[sid]:
                row.extend(1 if base + i in marked[c] else 0 for i in range(size))
            else:
                row.extend([None] * size)
        matrix.append(row)
    result["krippendorff_alpha"] = krippendorff_alpha_nominal(matrix) if len(coders) >= 2 else None
    result.update({"code_id": code.id, "code": code.name, "stories": len(stories), "units": total,
                   "units_all_coders": len(complete_units)})
    return result
