"""Everything held about a storyteller, as a ZIP of JSON and Markdown, built in memory."""
from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import yaml

from storybank import policy
from storybank.accounts.models import User
from storybank.archive.consent import consent_dict
from storybank.archive.drafts import my_drafts
from storybank.archive.models import Story
from storybank.audit.service import record, story_uses
from storybank.extensions import db
from storybank.workshops.sessions import teller_set_uses, teller_uses


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def story_record(story: Story) -> dict[str, Any]:
    return {
        "id": story.id,
        "status": story.status,
        "kind": story.kind,
        "title": story.title,
        "site": story.site,
        "storyteller_role": story.storyteller_role,
        "collection_method": story.collection_method,
        "collected_by": story.collected_by,
        "collected_on": _iso(story.collected_on),
        "language": story.language,
        "signifiers": story.signifiers,
        "created_at": _iso(story.created_at),
        "withdrawn_at": _iso(story.withdrawn_at),
        "removed": story.removed_counts,
        "consent_history": [
            {
                "event": e.event,
                **e.scopes(),
                "attribution": e.attribution,
                "form_version": e.form_version.version if e.form_version else None,
                "form_text": e.form_version.text if e.form_version else None,
                "recorded_at": _iso(e.recorded_at),
                "recorded_on_your_behalf": e.on_behalf,
            }
            for e in story.consent_events
        ],
        "revisions": [
            {"number": r.number, "title": r.title, "body": r.body, "reason": r.reason,
             "created_at": _iso(r.created_at)}
            for r in story.revisions
        ],
        "uses": [
            {"at": _iso(u.at), "by_roles": u.actor_roles.split(",") if u.actor_roles else [],
             "action": u.action, "purpose": u.purpose}
            for u in story_uses(story.id, story.teller_id)
        ],
        # Sense-making sessions that read the story: when and for what question, never who, where or how many.
        "workshop_sessions": [{"date": _iso(held_on), "question": question}
                              for held_on, question in teller_uses(story.id)],
        "workshop_story_sets": [{"date": _iso(added_on), "question": question}
                                for added_on, question in teller_set_uses(story.id)],
    }


def story_markdown(story: Story) -> str:
    revision = story.current_revision
    consent = consent_dict(story.current_consent)
    front = {
        "title": story.title,
        "kind": story.kind,
        "site": story.site,
        "collection_method": story.collection_method,
        "collected_on": story.collected_on,
        "language": story.language,
        "consent": {k: consent[k] for k in ("research", "workshop", "publication")},
        "attribution": consent["attribution"],
    }
    if story.storyteller_role:
        front["storyteller_role"] = story.storyteller_role
    if story.signifiers:
        front["signifiers"] = story.signifiers
    head = yaml.safe_dump(front, sort_keys=False, allow_unicode=True)
    return f"---\n{head}---\n\n{revision.body if revision else ''}\n"


def export_my_data(user: User) -> bytes:
    stories = list(db.session.scalars(policy.own_stories(user)))
    account = {
        "email": user.email,
        "display_name": user.display_name,
        "roles": sorted(user.roles),
        "created_at": _iso(user.created_at),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("account.json", json.dumps(account, indent=2))
        records = [story_record(s) for s in stories]
        archive.writestr("stories.json", json.dumps(records, indent=2, ensure_ascii=False))
        archive.writestr("drafts.json", json.dumps([
            {"story_id": d.story_id, "title": d.title, "body": d.body, "fields": d.fields,
             "updated_at": _iso(d.updated_at)} for d in my_drafts(user)], indent=2, ensure_ascii=False))
        for story in stories:
            if not story.withdrawn:
                archive.writestr(f"stories/story-{story.id}.md", story_markdown(story))
        archive.writestr(
            "README.txt",
            "Everything storybank holds about you: account.json (your account), stories.json "
            "(each story with every revision, your consent history, who used it, by role, and the workshop "
            "story sets and sessions it was chosen for, by date and question), "
            "drafts.json (what you were writing and had not saved yet), "
            "and stories/ (the current text of each story as Markdown).\n",
        )
    record(user, "data.exported", purpose="own", stories=len(stories))
    return buffer.getvalue()
