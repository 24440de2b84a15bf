"""Consent forms and consent events. Events are appended, never edited."""
from __future__ import annotations

from sqlalchemy import func, select

from storybank import hooks, policy
from storybank.accounts.models import User
from storybank.archive.models import SCOPES, ConsentEvent, ConsentFormVersion, Story
from storybank.archive.validation import clean_attribution
from storybank.audit.service import record
from storybank.errors import InvalidInput
from storybank.extensions import db
from storybank.search.indexing import touch

DEFAULT_FORM_TEXT = """\
Your story, your choice.

- **Research**: researchers in the programme may read your story and code it for themes.
  Nobody outside the research team sees your name.
- **Workshop**: a version of your story with names, places and other details replaced
  may be read in sense-making workshops with practitioners and people with lived experience.
- **Publication**: short quotations may appear in reports, attributed as you choose.

You can change any of these choices, or withdraw your story completely, at any time
from "My stories". Withdrawing deletes your story's text; it cannot be undone.
"""


def current_form() -> ConsentFormVersion:
    """The newest consent form; the first one is created on first use."""
    form = db.session.scalar(select(ConsentFormVersion).order_by(ConsentFormVersion.version.desc()))
    if form is None:
        form = ConsentFormVersion(version=1, text=DEFAULT_FORM_TEXT)
        db.session.add(form)
        db.session.flush()
    return form


FORM_CHANGED = "The consent form changed while you were writing. Please read the new text and choose again."


def agreed_form(seen_version: object = None) -> ConsentFormVersion:
    """The consent form a person agrees to: the current one, and only if it is the one they read.

    `seen_version` is the version the page showed (or the API caller names); None means the caller
    did not say, which agrees to the current form. Every way of recording consent checks here.
    """
    form = current_form()
    if seen_version in (None, ""):
        return form
    try:
        seen = int(str(seen_version))
    except ValueError:
        raise InvalidInput("The consent form version must be a whole number.", field="form_version") from None
    if seen != form.version:
        raise InvalidInput(FORM_CHANGED, field="form_version")
    return form


def publish_form(actor: User, text: str) -> ConsentFormVersion:
    if not policy.can(actor, "admin.consent_forms"):
        raise InvalidInput("Only administrators publish consent forms.")
    if not isinstance(text, str) or len(text.strip()) < 20:
        raise InvalidInput("The consent form text is too short to be meaningful.", field="text")
    if len(text) > 50_000:
        raise InvalidInput("The consent form text is too long (50,000 characters at most).", field="text")
    latest = db.session.scalar(select(func.max(ConsentFormVersion.version))) or 0
    form = ConsentFormVersion(version=latest + 1, text=text.strip() + "\n", published_by_id=actor.id)
    db.session.add(form)
    db.session.flush()
    record(actor, "consent_form.published", version=form.version)
    return form


def all_forms() -> list[ConsentFormVersion]:
    return list(db.session.scalars(select(ConsentFormVersion).order_by(ConsentFormVersion.version.desc())))


def append_event(
    story: Story,
    actor: User | None,
    event: str,
    scopes: dict[str, bool],
    attribution: str,
    form: ConsentFormVersion | None,
    on_behalf: bool = False,
) -> ConsentEvent:
    row = ConsentEvent(
        story=story,
        event=event,
        attribution=attribution,
        form_version_id=form.id if form else None,
        recorded_by_id=actor.id if actor is not None else None,
        on_behalf=on_behalf,
        **{scope: bool(scopes.get(scope, False)) for scope in SCOPES},
    )
    db.session.add(row)
    db.session.flush()
    touch(story.id)  # consent decides what the index may hold
    for hook in hooks.current().consent:  # workshop versions and the suggestion model follow consent
        hook(story)
    return row



def change_consent(actor: User, story_id: object, changes: dict[str, object]) -> ConsentEvent:
    """The teller changes any scope or the attribution; takes effect on everyone's next request."""
    story = policy.get_own_story(actor, story_id)
    if not isinstance(changes, dict) or not changes:
        raise InvalidInput("Say which consent to change: research, workshop, publication or attribution.")
    unknown = set(changes) - set(SCOPES) - {"attribution", "form_version"}
    if unknown:
        raise InvalidInput(f"Unknown consent field {sorted(unknown)[0]!r}.", field=sorted(unknown)[0])
    current = story.current_consent
    scopes = current.scopes() if current else dict.fromkeys(SCOPES, False)
    for scope in SCOPES:
        if scope in changes:
            if not isinstance(changes[scope], bool):
                raise InvalidInput(f"Consent to {scope} must be true or false.", field=scope)
            scopes[scope] = changes[scope]
    attribution = clean_attribution(changes.get("attribution", current.attribution if current else "anonymous"))
    if current and scopes == current.scopes() and attribution == current.attribution:
        return current  # nothing changed: no event, no audit noise
    form = agreed_form(changes.get("form_version"))
    row = append_event(story, actor, "changed", scopes, attribution, form)
    before = current.scopes() if current else {}
    record(
        actor,
        "consent.changed",
        story_id=story.id,
        purpose="own",
        before={**before, "attribution": current.attribution if current else None},
        after={**scopes, "attribution": attribution},
        form_version=form.version,
    )
    return row


def consent_dict(event: ConsentEvent | None) -> dict[str, object]:
    if event is None:
        return {**dict.fromkeys(SCOPES, False), "attribution": "anonymous", "form_version": None}
    return {
        **event.scopes(),
        "attribution": event.attribution,
        "form_version": event.form_version.version if event.form_version else None,
        "recorded_at": event.recorded_at.isoformat() + "Z",
    }
