"""Markdown with some passages highlighted: the storyteller's before-and-after of a workshop version.

The marked passages are wrapped in private-use sentinels, the whole text goes through the one
render-and-sanitise path (render.render_markdown), and only then do the sentinels become <mark>
elements; a second nh3 pass repairs the nesting wherever a mark crosses emphasis or a link.
"""
from __future__ import annotations

from collections.abc import Iterable

import nh3
from markupsafe import Markup

from storybank.archive.render import render_markdown

OPEN, CLOSE = "\ue000", "\ue001"
MARK_CLASSES = {"marked": "ident marked", "replaced": "ident replaced"}


def _wrap(text: str) -> str:
    """Mark each line on its own, so a mark never spans a paragraph break."""
    return "\n".join(f"{OPEN}{line}{CLOSE}" if line.strip() else line for line in text.split("\n"))


def render_marked(parts: Iterable[tuple[str, bool]], kind: str) -> Markup:
    """(text, marked) pieces in order -> sanitised HTML with the marked pieces in <mark class="ident kind">."""
    source = "".join(_wrap(_plain(text)) if marked else _plain(text) for text, marked in parts)
    html = render_markdown(source)
    css = MARK_CLASSES[kind]
    html = html.replace(OPEN, f'<mark class="{css}">').replace(CLOSE, "</mark>")
    return Markup(nh3.clean(
        html,
        tags=set(nh3.ALLOWED_TAGS) | {"mark"},
        attributes={**nh3.ALLOWED_ATTRIBUTES, "mark": {"class"}},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ))


def _plain(text: str) -> str:
    return text.replace(OPEN, "").replace(CLOSE, "")
