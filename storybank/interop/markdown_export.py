"""Stories as Markdown files with YAML front matter, in the exact format `storybank import` reads.

The ref is derived from the installation's namespace and the story id (import keys are
stored hashed, so the ref a story was imported with cannot be given back); importing the
same export twice adds nothing. Tellers' e-mail addresses are not written.
"""
from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import yaml

from storybank import policy
from storybank.accounts.models import User
from storybank.archive.models import Story
from storybank.audit.service import record
from storybank.errors import NotFound
from storybank.interop.qdpx_export import ZIP_TIME, exported_stories
from storybank.interop.refi_common import installation_namespace


def story_ref(story: Story, prefix: str) -> str:
    return f"storybank-{prefix}-{story.id}"


def story_markdown(story: Story, ref: str) -> str:
    revision = story.current_revision
    consent = story.current_consent
    assert revision is not None and consent is not None
    meta: dict[str, object] = {"ref": ref, "title": revision.title, "kind": story.kind}
    for name in ("site", "storyteller_role", "collection_method", "collected_by", "collected_on", "language"):
        value = getattr(story, name)
        if value not in (None, ""):
            meta[name] = value
    meta["consent"] = consent.scopes()
    meta["attribution"] = consent.attribution
    if story.signifiers:
        meta["signifiers"] = story.signifiers
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, default_flow_style=False)
    return f"---\n{front}---\n\n{revision.body}"


def markdown_files(actor: User, progress: Callable[[int], None] | None = None) -> list[tuple[str, str]]:
    """(file name, text) for every story the researcher may read for research."""
    if not policy.can(actor, "exchange.export"):
        raise NotFound()
    prefix = installation_namespace().hex[:8]
    out = []
    for story in exported_stories(actor):
        ref = story_ref(story, prefix)
        out.append((f"{ref}.md", story_markdown(story, ref)))
        record(actor, "story.exported", story_id=story.id, purpose="research", format="markdown")
        if progress:
            progress(1)
    record(actor, "exchange.exported", format="markdown", stories=len(out))
    return out


def markdown_zip(actor: User) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in markdown_files(actor):
            archive.writestr(zipfile.ZipInfo(f"stories/{name}", ZIP_TIME), text.encode(), zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
