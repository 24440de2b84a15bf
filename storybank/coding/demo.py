"""Demo codings: two researchers' codings of the demo stories, so search, analysis and agreement have data.

Sentences that contain a code's cue words are coded; the second researcher
codes with a slightly different reading (fewer cues), as real coders do.
"""
from __future__ import annotations

import re

from sqlalchemy import func, select

from storybank.accounts.models import User
from storybank.archive.models import STATUS_ACTIVE, ConsentEvent, Story
from storybank.coding.models import Code, Coding
from storybank.extensions import db
from storybank.policy import current_consent_join
from storybank.search.indexing import touch

CUES: dict[str, tuple[str, ...]] = {
    "Thresholds": ("waiting list", "criteria", "referral", "eligib", "not ill enough", "too ill", "assessment"),
    "Fragmentation": ("hand-off", "passed between", "fell through", "gap", "nobody joined", "start again"),
    "Housing": ("housing", "landlord", "mould", "tenancy", "evict", "hostel"),
    "Money and debt": ("debt", "bailiff", "arrears", "universal credit", "sanction", "benefit"),
    "Isolation": ("lonely", "on my own", "isolat", "no one to talk"),
    "Peer support": ("peer worker", "peer support", "lived experience"),
    "GP": (" gp", "surgery", "doctor"),
    "Secondary care": ("crisis team", "ward", "cmht", "community mental health team", "psychiatrist"),
    "Connection": ("listened", "relationship", "knew my name", "stayed with"),
    "Hope": ("hope", "better now", "looking forward"),
    "Power": ("commission", "decided", "budget"),
}
SECOND_CODER_SKIPS = {"Connection", "Power", "Isolation"}
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")


def code_demo_stories(first: User, second: User | None) -> int:
    if db.session.scalar(select(func.count()).select_from(Coding)):
        return 0
    codes = {c.name: c for c in db.session.scalars(select(Code))}
    stories = db.session.scalars(
        select(Story).join(ConsentEvent, current_consent_join())
        .where(Story.status == STATUS_ACTIVE, ConsentEvent.research.is_(True)).order_by(Story.id)
    ).all()
    added = 0
    for index, story in enumerate(stories):
        revision = story.current_revision
        if revision is None:
            continue
        coders = [first] + ([second] if second is not None and index % 2 == 0 else [])
        for match in _SENTENCE.finditer(revision.body):
            sentence = match.group(0).lower()
            for name, cues in CUES.items():
                if name not in codes or not any(cue in " " + sentence for cue in cues):
                    continue
                for coder in coders:
                    if coder is second and (name in SECOND_CODER_SKIPS or len(sentence) < 60):
                        continue
                    start = match.start() + (len(match.group(0)) - len(match.group(0).lstrip()))
                    db.session.add(Coding(story_id=story.id, revision_id=revision.id, code_id=codes[name].id,
                                          coder_id=coder.id, start=start, end=match.end()))
                    added += 1
        touch(story.id)
    db.session.flush()
    return added
