"""Turning the story form into a StoryDraft, shared by tellers and researchers."""
from __future__ import annotations

from flask import current_app, render_template

from storybank.archive.consent import current_form
from storybank.archive.render import render_markdown
from storybank.archive.validation import StoryDraft
from storybank.web.forms import StoryForm, options


def prepare_story_form(form: StoryForm) -> None:
    sites = current_app.config.get("SITES", [])
    form.site.choices = options([("", "Rather not say"), *((s, s) for s in sites)])


def story_form_page(form: StoryForm, error: str | None, on_behalf: bool) -> tuple[str, int]:
    """The story form (a teller's own, or a researcher's on someone's behalf) with the current consent text."""
    consent_form = current_form()
    form.form_version.data = str(consent_form.version)
    return render_template(
        "stories/new.html", form=form, consent_form=consent_form, consent_html=render_markdown(consent_form.text),
        error=error, on_behalf=on_behalf,
    ), 200 if error is None else 400


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
