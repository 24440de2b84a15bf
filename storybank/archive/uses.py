"""'Who used this story', in words a storyteller understands.

The audit log keeps one row per use (a researcher's morning of reading is thirty
rows); the teller's page groups rows that say the same thing and are close in
time into one sentence, newest first. Roles only, never names; no internal
codes. The full detail, row by row, stays in the data download (takeout.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import case, null, select

from storybank import policy
from storybank.accounts.models import User
from storybank.audit.models import AuditEvent
from storybank.extensions import db
from storybank.workshops.sessions import teller_set_uses, teller_uses

# Uses of the same kind further apart than this start a new line: "between 3 and 9 March", then "on 2 June".
GAP = timedelta(days=7)

WHO = {"research": "Researchers", "entered": "The researcher who entered it", "workshop_prep": "Researchers",
       "workshop": "Workshop hosts"}
ROLE_WHO = {"researcher": "Researchers", "host": "Workshop hosts", "admin": "Administrators",
            "storyteller": "Other storytellers"}
EXPORT_FORMATS = {
    "qdpx": "as a project file for qualitative-analysis software such as NVivo, ATLAS.ti or MAXQDA",
    "markdown": "as a Markdown text file",
    "codings-csv": "as a spreadsheet of the passages they coded",
}
# What each kind of use says: {who} is the role in words, {when} how often and when ("twice on 3 March 2026").
ACTIVITIES = {
    "story.read/research": "{who} read it {when}, for research",
    "story.read/entered": "{who} read it {when}, before you claimed it",
    "story.read/workshop_prep": "{who} read it {when}, to prepare a workshop version with names replaced",
    "story.read/workshop": "{who} read its workshop version, with names replaced, {when}",
    "coding.added": "{who} marked passages of it with themes {when}",
    "coding.removed": "{who} took back themes they had marked {when}",
    "codings.reanchored": "The themes researchers had marked were moved to match your revised text {when}",
    "suggestion.accepted": "{who} accepted themes the app suggested {when}",
    "suggestion.rejected": "{who} turned down themes the app suggested {when}",
    "story.exported": "A copy left storybank: exported for analysis in another tool by {who_lower} {when}",
    "workshop.sent": "{who} sent you a workshop version with names replaced, to approve, {when}",
    "workshop.approved": "{who} approved the workshop version on your behalf {when}",
    "story.entered_on_behalf": "{who} entered it into storybank on your behalf {when}",
    "story.imported": "{who} imported it into storybank {when}",
    "claim_link.created": "{who} made a link for you to claim it as yours {when}",
}


@dataclass
class UseLine:
    """One sentence on the teller's page: what happened, how often, when."""

    text: str
    last: datetime
    first: datetime
    count: int = 1


def _who(event: Any) -> str:
    if event.purpose in WHO:
        return WHO[event.purpose]
    roles = [r for r in (event.actor_roles or "").split(",") if r]
    for role in ("researcher", "host", "admin", "storyteller"):
        if role in roles:
            return ROLE_WHO[role]
    return "Someone"


def _key(event: Any) -> tuple[str, str, str]:
    """Uses that read the same sentence group together."""
    activity = f"{event.action}/{event.purpose}" if event.action == "story.read" else event.action
    detail = event.detail or {}
    extra = str(detail.get("format", "")) if event.action == "story.exported" else ""
    return activity, _who(event), extra


def _times(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def date_range(first: date, last: date) -> str:
    """'on 3 March 2026', 'between 3 and 9 March 2026', 'between 28 February and 2 March 2026'."""
    if first == last:
        return f"on {_day(first)}"
    if (first.year, first.month) == (last.year, last.month):
        return f"between {first.day} and {_day(last)}"
    if first.year == last.year:
        return f"between {first.day} {first:%B} and {_day(last)}"
    return f"between {_day(first)} and {_day(last)}"


def _sentence(key: tuple[str, str, str], first: datetime, last: datetime, count: int) -> str:
    activity, who, extra = key
    # A kind of use this page has no words for yet is still shown, never as a code.
    pattern = ACTIVITIES.get(activity, "{who} used it {when}")
    when = f"{_times(count)} {date_range(first.date(), last.date())}"
    text = pattern.format(who=who, who_lower=who[0].lower() + who[1:], when=when)
    if extra:
        text += f", {EXPORT_FORMATS.get(extra, 'as a file')}"
    return text + "."


def group_uses(events: list[Any]) -> list[UseLine]:
    """Group audit rows (oldest first) into sentences: same kind of use, no more than GAP apart."""
    open_groups: dict[tuple[str, str, str], UseLine] = {}
    keys: dict[int, tuple[str, str, str]] = {}
    lines: list[UseLine] = []
    for event in events:  # oldest first
        key = _key(event)
        line = open_groups.get(key)
        if line is not None and event.at - line.last <= GAP:
            line.count += 1
            line.last = event.at
            continue
        line = UseLine(text="", first=event.at, last=event.at)
        open_groups[key] = line
        keys[id(line)] = key
        lines.append(line)
    for line in lines:
        line.text = _sentence(keys[id(line)], line.first, line.last, line.count)
    return lines


def _question(question: str) -> str:
    return f" for the question “{question}”" if question else ""


def _use_rows(story_id: int, teller_id: int | None) -> list[Any]:
    """What others did with the story, as plain rows (not ORM objects: a much-used story has thousands)."""
    # Only an export's detail (its format) is read; decoding every read's JSON would cost more than the rest.
    detail = case((AuditEvent.action == "story.exported", AuditEvent.detail), else_=null()).label("detail")
    stmt = select(AuditEvent.id, AuditEvent.at, AuditEvent.action, AuditEvent.purpose, AuditEvent.actor_roles,
                  detail).where(AuditEvent.story_id == story_id)
    if teller_id is not None:
        stmt = stmt.where((AuditEvent.actor_id != teller_id) | AuditEvent.actor_id.is_(None))
    return list(db.session.execute(stmt.order_by(AuditEvent.at, AuditEvent.id)))


def story_use_lines(actor: User, story_id: object) -> list[UseLine]:
    """The teller's 'Who used this story': audit rows grouped, with workshop sets and sessions, newest first."""
    story = policy.get_own_story(actor, story_id, include_withdrawn=True)
    lines = group_uses(_use_rows(story.id, story.teller_id))
    for held_on, question in teller_uses(story.id):
        at = datetime.combine(held_on, datetime.min.time())
        lines.append(UseLine(f"Used in a workshop session on {_day(held_on)}{_question(question)}.", at, at))
    for added_on, question in teller_set_uses(story.id):
        at = datetime.combine(added_on, datetime.min.time())
        lines.append(UseLine(f"Chosen for a workshop story set on {_day(added_on)}{_question(question)}.", at, at))
    return sorted(lines, key=lambda line: line.last, reverse=True)
