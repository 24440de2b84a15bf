"""Render a set's items as cards: the workshop text, themes, prompt, card id, or a placeholder.

Every render asks the policy again which stories the host may read for
workshops: a story withdrawn or taken out of workshops a moment ago is a
placeholder now. Nothing rendered here is stored.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from markupsafe import Markup
from sqlalchemy import select

from storybank.accounts.models import User
from storybank.archive.models import STATUS_WITHDRAWN, Story
from storybank.archive.render import render_markdown
from storybank.audit.service import record
from storybank.coding.models import Code, Coding
from storybank.extensions import db
from storybank.workshops.models import StorySet, StorySetItem
from storybank.workshops.sets import visible_story_ids
from storybank.workshops.texts import approved_versions, workshop_texts

WITHDRAWN = "withdrawn"
UNAVAILABLE = "unavailable"
PLACEHOLDER_TEXT = {
    WITHDRAWN: "A story was withdrawn by its teller.",
    UNAVAILABLE: "This story is no longer available for workshops.",
}


@dataclass
class Card:
    item: StorySetItem
    card_id: str
    position: int
    placeholder: str = ""  # "" when the card shows a story
    title: str = ""
    text: str = ""  # Markdown of the workshop version (whole) or of the excerpt
    themes: list[str] = field(default_factory=list)
    prompt: str = ""
    start: int | None = None  # workshop-text offsets of an excerpt
    end: int | None = None

    @property
    def available(self) -> bool:
        return not self.placeholder

    @property
    def placeholder_text(self) -> str:
        return PLACEHOLDER_TEXT.get(self.placeholder, "")

    @property
    def excerpt(self) -> bool:
        return self.item.start is not None

    @property
    def html(self) -> Markup:
        return Markup(render_markdown(self.text))  # render_markdown sanitises

    def print_html(self, limit: int) -> Markup:
        """The card's text cut at a word before `limit` characters, so it fits one printed card."""
        text = self.text if len(self.text) <= limit else self.text[:limit].rsplit(" ", 1)[0] + " …"
        return Markup(render_markdown(text))


def card_id(story_set: StorySet, item: StorySetItem) -> str:
    """Short and stable: the set and the item's card number, which never changes when items move."""
    return f"{story_set.id}-{item.number}"


def render_cards(actor: User, story_set: StorySet, audit: str = "") -> list[Card]:
    """Every item of the set, in order, as a card or a placeholder; `audit` names the read for tellers' pages."""
    items = list(story_set.items)
    ids = {i.story_id for i in items}
    visible = visible_story_ids(actor, ids)
    withdrawn = set(db.session.scalars(select(Story.id).where(Story.id.in_(ids), Story.status == STATUS_WITHDRAWN))
                    ) if ids - visible else set()
    versions = approved_versions(visible)
    texts = workshop_texts({i.story_id for i in items if i.start is not None and i.story_id in visible}, versions)
    themes = _themes(visible)
    cards = []
    for item in items:
        card = Card(item=item, card_id=card_id(story_set, item), position=item.position,
                    prompt=item.prompt or story_set.question)
        version = versions.get(item.story_id)
        if item.story_id in withdrawn:
            card.placeholder = WITHDRAWN
        elif version is None:
            card.placeholder = UNAVAILABLE
        elif item.start is None:
            card.title, card.text = version.title or "", version.body or ""
            card.themes = sorted({name for name, *_ in themes.get(item.story_id, [])})
        else:
            text = texts.get(item.story_id)
            if text is None or item.revision_id != text.revision_id or item.end is None:
                card.placeholder = UNAVAILABLE
            else:
                card.start, card.end = text.to_workshop(item.start, item.end)
                card.title, card.text = text.title, text.body[card.start:card.end]
                card.themes = sorted({name for name, start, end, rev in themes.get(item.story_id, [])
                                      if start is None or (rev == item.revision_id and start < item.end
                                                           and end > item.start)})
        cards.append(card)
    if audit:
        for story_id in sorted({c.item.story_id for c in cards if c.available}):
            record(actor, "story.read", story_id=story_id, purpose="workshop", via=audit, set_id=story_set.id)
    return cards


def _themes(story_ids: set[int]) -> dict[int, list[tuple[str, int | None, int | None, int]]]:
    """Each story's codings as (code name, start, end, revision): whole-story ones have no start."""
    out: dict[int, list[tuple[str, int | None, int | None, int]]] = {}
    if not story_ids:
        return out
    rows = db.session.execute(select(Coding.story_id, Code.name, Coding.start, Coding.end, Coding.revision_id)
                              .join(Code, Code.id == Coding.code_id).where(Coding.story_id.in_(story_ids)))
    for sid, name, start, end, rev in rows:
        out.setdefault(sid, []).append((name, start, end, rev))
    return out


# --- export ------------------------------------------------------------------------------------------------


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "set"


def _yaml_text(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def card_markdown(story_set: StorySet, card: Card) -> str:
    lines = ["---", f"card: {_yaml_text(card.card_id)}", f"title: {_yaml_text(card.title)}",
             f"kind: {'excerpt' if card.excerpt else 'story'}",
             "themes: [" + ", ".join(_yaml_text(t) for t in card.themes) + "]",
             f"prompt: {_yaml_text(card.prompt)}"]
    if card.item.note:
        lines.append(f"note: {_yaml_text(card.item.note)}")
    lines += ["---", "", f"# {card.title}", ""]
    if card.item.note:
        lines += [f"*{card.item.note}*", ""]
    lines += [card.text.strip(), "", f"**{card.prompt}**", ""]
    return "\n".join(lines)


def export_zip(actor: User, story_set: StorySet) -> tuple[str, bytes]:
    """A ZIP of one Markdown file per available card plus index.md; placeholders are left out (and counted)."""
    cards = render_cards(actor, story_set, audit="export")
    shown = [c for c in cards if c.available]
    left_out = len(cards) - len(shown)
    buffer = io.BytesIO()
    index = [f"# {story_set.title}", "", f"**Question:** {story_set.question}", "",
             f"{len(shown)} card{'s' if len(shown) != 1 else ''}."]
    if left_out:
        index.append(f"{left_out} item{'s are' if left_out != 1 else ' is'} left out: no longer available "
                     "(withdrawn by a teller or taken out of workshops).")
    index.append("")
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for n, card in enumerate(shown, start=1):
            name = f"{n:03d}-card-{card.card_id}.md"
            archive.writestr(name, card_markdown(story_set, card))
            kind = "excerpt" if card.excerpt else "story"
            index.append(f"{n}. [{card.title}]({name}) ({kind}, card {card.card_id})"
                         + (f": {', '.join(card.themes)}" if card.themes else ""))
        archive.writestr("index.md", "\n".join(index) + "\n")
    record(actor, "set.exported", set_id=story_set.id, cards=len(shown))
    return f"storybank-set-{story_set.id}-{_slug(story_set.title)}.zip", buffer.getvalue()
