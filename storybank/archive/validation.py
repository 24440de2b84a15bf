"""Rules for what a story may hold, applied by the services to plain values."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import current_app

from storybank.archive.models import ATTRIBUTIONS, COLLECTION_METHODS, KINDS, SCOPES
from storybank.errors import InvalidInput

TITLE_MAX = 200
SITE_MAX = 80

SIGNIFIER_ABOUT = (
    "getting help", "waiting", "being passed between services", "housing", "money and debt",
    "work", "loneliness", "caring for someone", "peer support", "hope",
)
SIGNIFIER_HELP_FROM = ("formal_services", "friends_and_family", "community", "none")
HELP_FROM_LABELS = {
    "formal_services": "Formal services",
    "friends_and_family": "Friends and family",
    "community": "Community",
    "none": "Nowhere",
}


@dataclass
class StoryDraft:
    title: str
    body: str
    kind: str
    site: str = ""
    storyteller_role: str = ""
    collection_method: str = "written"
    collected_by: str = ""
    collected_on: date | None = None
    language: str = "en"
    signifiers: dict[str, Any] | None = None
    consent: dict[str, bool] = field(default_factory=dict)
    attribution: str = "anonymous"
    form_version: object = None  # the consent-form version the person read (None: the current one)


def max_story_chars() -> int:
    return int(current_app.config.get("MAX_STORY_CHARS", 200_000))


def clean_title(title: object) -> str:
    if not isinstance(title, str) or not title.strip():
        raise InvalidInput("Give your story a title.", field="title")
    title = " ".join(title.split())
    if len(title) > TITLE_MAX:
        raise InvalidInput(f"The title is too long: keep it under {TITLE_MAX} characters.", field="title")
    return title


def clean_body(body: object, limit: int | None = None) -> str:
    """The body checked against `limit` characters (the storyteller form's limit unless an import gives its own)."""
    if not isinstance(body, str) or not body.strip():
        raise InvalidInput("The story is empty: write something before saving.", field="body")
    if "\x00" in body:
        raise InvalidInput("The story contains a NUL character, which cannot be stored.", field="body")
    limit = limit or max_story_chars()
    if len(body) > limit:
        raise InvalidInput(
            f"The story is {len(body):,} characters long; the limit is {limit:,}. "
            "Split it into parts or ask a researcher for help.",
            field="body",
        )
    return body.replace("\r\n", "\n").replace("\r", "\n")


def clean_kind(kind: object) -> str:
    if kind not in KINDS:
        raise InvalidInput(
            f"Unknown kind {kind!r}: use one of {', '.join(KINDS)}.", field="kind"
        )
    return str(kind)


def clean_consent(consent: object) -> dict[str, bool]:
    if not isinstance(consent, dict):
        raise InvalidInput("Consent must name the scopes research, workshop and publication.", field="consent")
    unknown = set(consent) - set(SCOPES)
    if unknown:
        raise InvalidInput(f"Unknown consent scope {sorted(unknown)[0]!r}: use {', '.join(SCOPES)}.", field="consent")
    for scope, value in consent.items():
        if not isinstance(value, bool):
            raise InvalidInput(f"Consent to {scope} must be true or false.", field="consent")
    return {scope: bool(consent.get(scope, False)) for scope in SCOPES}


def clean_attribution(attribution: object) -> str:
    if attribution not in ATTRIBUTIONS:
        raise InvalidInput(f"Attribution must be one of {', '.join(ATTRIBUTIONS)}.", field="attribution")
    return str(attribution)


def clean_signifiers(raw: object) -> dict[str, Any] | None:
    if raw in (None, {}):
        return None
    if not isinstance(raw, dict):
        raise InvalidInput("Signifiers must be a mapping of question to answer.", field="signifiers")
    out: dict[str, Any] = {}
    about = raw.get("about") or []
    if isinstance(about, str):
        about = [about]
    if not isinstance(about, list) or any(a not in SIGNIFIER_ABOUT for a in about):
        raise InvalidInput(f"'About' answers must come from: {', '.join(SIGNIFIER_ABOUT)}.", field="signifiers")
    if len(about) > 3:
        raise InvalidInput("Choose at most three things the story is mostly about.", field="signifiers")
    if about:
        out["about"] = list(dict.fromkeys(about))
    help_from = raw.get("help_from")
    if help_from not in (None, ""):
        if help_from not in SIGNIFIER_HELP_FROM:
            raise InvalidInput(f"'Help came from' must be one of {', '.join(SIGNIFIER_HELP_FROM)}.", field="signifiers")
        out["help_from"] = help_from
    felt = raw.get("felt_heard")
    if felt not in (None, ""):
        try:
            felt = int(felt)
        except (TypeError, ValueError):
            raise InvalidInput("'Felt heard' is a number from 1 to 5.", field="signifiers") from None
        if not 1 <= felt <= 5:
            raise InvalidInput("'Felt heard' is a number from 1 to 5.", field="signifiers")
        out["felt_heard"] = felt
    unknown = set(raw) - {"about", "help_from", "felt_heard"}
    if unknown:
        raise InvalidInput(f"Unknown signifier {sorted(unknown)[0]!r}.", field="signifiers")
    return out or None


def clean_short(value: object, name: str, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput(f"{name} must be text.", field=name)
    value = " ".join(value.split())
    if len(value) > limit:
        raise InvalidInput(f"{name} is too long (at most {limit} characters).", field=name)
    return value


def clean_draft(draft: StoryDraft, max_chars: int | None = None) -> StoryDraft:
    if draft.collection_method not in COLLECTION_METHODS:
        raise InvalidInput(
            f"Collection method must be one of {', '.join(COLLECTION_METHODS)}.", field="collection_method"
        )
    return StoryDraft(
        title=clean_title(draft.title),
        body=clean_body(draft.body, max_chars),
        kind=clean_kind(draft.kind),
        site=clean_short(draft.site, "site", SITE_MAX),
        storyteller_role=clean_short(draft.storyteller_role, "storyteller_role", 80),
        collection_method=draft.collection_method,
        collected_by=clean_short(draft.collected_by, "collected_by", 120),
        collected_on=draft.collected_on,
        language=clean_short(draft.language or "en", "language", 12) or "en",
        signifiers=clean_signifiers(draft.signifiers),
        consent=clean_consent(draft.consent),
        attribution=clean_attribution(draft.attribution),
        form_version=draft.form_version,
    )
