"""Turning the story form into a StoryDraft, shared by tellers and researchers."""
from __future__ import annotations

from flask import current_app

from storybank.archive.validation import StoryDraft
from storybank.web.forms import StoryForm, options


def prepare_story_form(form: StoryForm) -> None:
    sites = current_app.config.get("SITES", [])
    form.site.choices = options([("", "Rather not say"), *((s, s) for s in sites)])


def draft_from_form(form: StoryForm) -> StoryDraft:
    return StoryDraft(
        title=form.title.data or "",
        body=form.body.data or "",
        kind=form.kind.data or "",
        site=form.site.data or "",
        storyteller_role=form.storyteller_role.data or "",
        collection_method=form.collection_method.data or "written",
        collected_by=form.collected_by.data or "",
        collected_on=form.collected_on.data,
        signifiers={
            "about": form.about.data or [],
            "help_from": form.help_from.data or None,
            "felt_heard": form.felt_heard.data or None,
        },
        consent={"research": bool(form.research.data), "workshop": bool(form.workshop.data),
                 "publication": bool(form.publication.data)},
        attribution=form.attribution.data or "",
        form_version=form.form_version.data or None,
    )
