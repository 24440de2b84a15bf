"""Copies of a story that left storybank, and the notices that ask their holders to delete them.

storybank can delete what it holds; it cannot reach into someone's computer. So
the withdraw page lists, from the audit log, every copy that left (when, by which
role, in what form), and withdrawal leaves a notice for each person who took one.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select

from storybank import policy
from storybank.accounts.models import User
from storybank.archive.models import Story
from storybank.archive.teller_models import WithdrawalNotice
from storybank.audit.models import AuditEvent
from storybank.extensions import db
from storybank.timeutil import utcnow

TOOLS = {
    "qdpx": "a project file for qualitative-analysis software (NVivo, ATLAS.ti, MAXQDA, QualCoder)",
    "markdown": "a Markdown text file",
    "codings-csv": "a spreadsheet of coded passages",
}
# Workshop reads that produce something a host can keep: a downloaded set, or a sheet of cards to print.
WORKSHOP_COPIES = {
    "export": "a download of a workshop story set (names replaced)",
    "cards": "a sheet of story cards to print (names replaced)",
}
ROLE_WORDS = {"research": "a researcher", "workshop": "a workshop host"}

CANNOT_RECALL = (
    "storybank deletes everything it holds, at once. It cannot delete copies that are already on someone "
    "else's computer or printed on paper: it asks each person who took one to delete it, and tells you they "
    "were asked, but it cannot check that they did. Anything already said in a workshop, or quoted in a "
    "report that was published, cannot be taken back."
)


@dataclass
class Copy:
    """One copy that left: when, by whom (their role, and their account for the notice), in what form."""

    at: datetime
    role: str
    tool: str
    holder_id: int | None


@dataclass
class CopyGroup:
    """Copies of the same form taken by the same role on the same day, for the teller's page."""

    day: datetime
    role: str
    tool: str
    count: int = 1
    holders: set[int] = field(default_factory=set)


def copies_that_left(story_id: int) -> list[Copy]:
    """Every copy the audit log knows left storybank, oldest first."""
    rows = db.session.execute(select(AuditEvent.at, AuditEvent.action, AuditEvent.purpose, AuditEvent.actor_id,
                                     AuditEvent.detail).where(
        AuditEvent.story_id == story_id,
        or_(AuditEvent.action == "story.exported",
            (AuditEvent.action == "story.read") & (AuditEvent.purpose == "workshop")),
    ).order_by(AuditEvent.at, AuditEvent.id))
    copies = []
    for event in rows:
        detail = event.detail or {}
        if event.action == "story.exported":
            tool = TOOLS.get(str(detail.get("format")), "a file")
        elif detail.get("via") in WORKSHOP_COPIES:
            tool = WORKSHOP_COPIES[detail["via"]]
        else:
            continue  # read on screen in storybank: nothing left
        copies.append(Copy(event.at, ROLE_WORDS.get(event.purpose, "someone"), tool, event.actor_id))
    return copies


def group_copies(copies: list[Copy]) -> list[CopyGroup]:
    """Same day, role and form: one line ("3 March 2026: a researcher, a spreadsheet …, 2 copies"), newest first."""
    groups: dict[tuple[Any, str, str], CopyGroup] = {}
    for copy in copies:
        key = (copy.at.date(), copy.role, copy.tool)
        group = groups.get(key)
        if group is None:
            group = groups[key] = CopyGroup(copy.at, copy.role, copy.tool, 0)
        group.count += 1
        if copy.holder_id is not None:
            group.holders.add(copy.holder_id)
    return sorted(groups.values(), key=lambda g: g.day, reverse=True)


def own_story_copies(actor: User, story_id: object) -> list[CopyGroup]:
    """For the teller's withdraw page: the copies of their story that left."""
    story = policy.get_own_story(actor, story_id)
    return group_copies(copies_that_left(story.id))


def copy_reference(story: Story) -> str:
    """How a holder finds the story in their copy once its title is gone: its number and project-file GUID."""
    from storybank.interop.refi_common import Guids

    return f"story {story.id} (in project files, source GUID {Guids().source(story.id)})"


def leave_notices(story: Story) -> list[WithdrawalNotice]:
    """Called by withdrawal before anything is deleted: one notice per person who took a copy."""
    reference = copy_reference(story)
    by_holder: dict[int, list[dict[str, str]]] = {}
    for copy in copies_that_left(story.id):
        if copy.holder_id is not None and copy.holder_id != story.teller_id:
            by_holder.setdefault(copy.holder_id, []).append(
                {"at": copy.at.isoformat(), "day": f"{copy.at.day} {copy.at:%B %Y}", "tool": copy.tool})
    notices = []
    for holder_id, copies in by_holder.items():
        notice = WithdrawalNotice(user_id=holder_id, story_id=story.id,
                                  copies=[{**c, "reference": reference} for c in copies])
        db.session.add(notice)
        notices.append(notice)
        _email(notice, reference)
    db.session.flush()
    return notices


def _email(notice: WithdrawalNotice, reference: str) -> None:
    """The same notice by e-mail when mail is set up: no title, no words of the story, one link."""
    from storybank import mail

    holder = db.session.get(User, notice.user_id)
    if holder is None or not holder.active or not holder.email:
        return
    forms = "; ".join(sorted({c["tool"] for c in notice.copies}))
    intro = (f"A storyteller has withdrawn {reference}. storybank has deleted its text and everything made "
             f"from it. You took a copy of it out of storybank ({forms}).\n\nPlease delete your copy, and "
             "anything you made from it that quotes the story (printed cards included). The storyteller is "
             "told that you were asked. The notice is also in storybank:")
    if mail.send_after_commit(holder.email, "Please delete your copy of a withdrawn story", intro,
                              mail.link("notices.index")):
        notice.emailed_at = utcnow()


def notices_told(actor: User, story_id: object) -> list[WithdrawalNotice]:
    """For the teller's tombstone: who (never by name) was asked to delete a copy, and whether they read it."""
    story = policy.get_own_story(actor, story_id, include_withdrawn=True)
    return list(db.session.scalars(select(WithdrawalNotice).where(WithdrawalNotice.story_id == story.id)
                                   .order_by(WithdrawalNotice.id)))


def told_sentence(notices: list[WithdrawalNotice]) -> str:
    """The tombstone's account of who was asked to delete a copy (never by name), and whether they read it."""
    if not notices:
        return "No copy of it had left storybank, so nobody else holds one."
    first = min(n.created_at for n in notices)
    many = len(notices) > 1
    who = f"the {len(notices)} people who had taken copies" if many else "the one person who had taken a copy"
    how = ", in storybank and by e-mail" if all(n.emailed_at for n in notices) else " in storybank"
    read = sum(1 for n in notices if n.seen_at is not None)
    if read == len(notices):
        seen = "All of them have read the notice." if many else "They have read the notice."
    elif not many:
        seen = "They have not opened it yet."
    else:
        seen = f"{read} of {len(notices)} have read the notice so far."
    return (f"On {first.day} {first:%B %Y} storybank asked {who} of it out of storybank to delete "
            f"{'their copies' if many else 'it'}{how}. {seen}")


def my_notices(actor: User) -> list[WithdrawalNotice]:
    """The signed-in person's notices, newest first; opening the page marks them read."""
    if not actor.is_authenticated:
        return []
    return list(db.session.scalars(select(WithdrawalNotice).where(WithdrawalNotice.user_id == actor.id)
                                   .order_by(WithdrawalNotice.created_at.desc(), WithdrawalNotice.id.desc())))


def mark_read(notices: list[WithdrawalNotice]) -> None:
    for notice in notices:
        if notice.seen_at is None:
            notice.seen_at = utcnow()


def unread_notice_count(actor: User) -> int:
    if not actor.is_authenticated:
        return 0
    return len(list(db.session.scalars(select(WithdrawalNotice.id).where(
        WithdrawalNotice.user_id == actor.id, WithdrawalNotice.seen_at.is_(None)))))
