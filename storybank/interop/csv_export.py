"""Codings as CSV: one row per coding on a story the researcher may read for research, every coder."""
from __future__ import annotations

from sqlalchemy import select

from storybank import policy
from storybank.accounts.models import User
from storybank.archive.models import Story
from storybank.audit.service import record
from storybank.coding.codebook import tree
from storybank.coding.models import Coding
from storybank.csv_safe import csv_text
from storybank.errors import NotFound
from storybank.extensions import db

COLUMNS = ["story_id", "code", "code_path", "coder", "start", "end", "excerpt", "created_at", "story_title"]


def codings_csv(actor: User) -> str:
    if not policy.can(actor, "exchange.export"):
        raise NotFound()
    paths: dict[int, str] = {}
    for code, _depth in tree():
        paths[code.id] = f"{paths[code.parent_id]} / {code.name}" if code.parent_id in paths else code.name
    visible = policy.visible_stories(actor, "research").subquery()
    rows = db.session.execute(
        select(Coding, User.display_name, User.email)
        .join(visible, visible.c.id == Coding.story_id)
        .outerjoin(User, User.id == Coding.coder_id)
        .order_by(Coding.story_id, Coding.start.is_not(None), Coding.start, Coding.id))  # whole story first
    bodies: dict[int, str] = {}
    titles: dict[int, str] = {}
    out: list[list[object]] = [COLUMNS]
    count = 0
    for coding, name, email in rows:
        if coding.story_id not in bodies:
            story = db.session.get(Story, coding.story_id)
            revision = story.current_revision if story else None
            bodies[coding.story_id] = revision.body if revision else ""
            titles[coding.story_id] = revision.title if revision else ""
        body = bodies[coding.story_id]
        excerpt = body if coding.start is None else body[coding.start:coding.end]
        out.append([coding.story_id, coding.code.name, paths.get(coding.code_id, coding.code.name),
                         name or email or "", "" if coding.start is None else coding.start,
                         "" if coding.end is None else coding.end, excerpt, coding.created_at.isoformat(),
                    titles[coding.story_id]])
        count += 1
    for story_id in bodies:  # the teller's "who used this story" lists each export of its words
        record(actor, "story.exported", story_id=story_id, purpose="research", format="codings-csv")
    record(actor, "exchange.exported", format="codings-csv", codings=count)
    return csv_text(out)
