"""Markdown to safe HTML: CommonMark (markdown-it-py, linear time), then sanitised with `nh3` allow-lists.

Python-Markdown was replaced because hostile bodies (100,000 `[`, nested `<div markdown="1">`) took
minutes or raised; markdown-it-py has no such cases and caps nesting, and the body size is capped before
rendering and the result is cached, so one story can never hold a worker (or a lock) for long.
"""
from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

ALLOWED_TAGS = {
    "p", "br", "hr", "em", "strong", "b", "i", "blockquote", "code", "pre",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "a", "abbr", "sup", "sub",
    "table", "thead", "tbody", "tr", "th", "td", "del", "s", "ins", "dl", "dt", "dd",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
#: nesting deeper than this (lists in quotes in lists ...) is shown as text, never recursed into
MAX_NESTING = 20
#: above this many characters the text is shown as plain paragraphs, not parsed as Markdown
MAX_RENDER_CHARS = 100_000


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True, "maxNesting": MAX_NESTING, "breaks": False})
    md.enable(["table", "strikethrough"])
    # every link is kept for nh3 to judge: it drops unsafe schemes but keeps the link text
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    md.block.ruler.before("table", "nesting_guard", _nesting_guard)
    return md


def _nesting_guard(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """markdown-it silently drops blocks nested past maxNesting; notice it, so no word is lost."""
    if state.level >= MAX_NESTING - 1:
        state.env["too_deep"] = True
    return False


_MD = _parser()


def _sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def render_markdown(text: str) -> str:
    """Render a story body; bodies over MAX_RENDER_CHARS, or nested too deep, are shown as escaped plain text."""
    return _render(text)


@lru_cache(maxsize=128)
def _render(text: str) -> str:
    """Cached per worker: a page viewed again costs nothing, whatever its body."""
    if len(text) <= MAX_RENDER_CHARS:
        env: dict = {}
        tokens = _MD.parse(text, env)
        if not env.get("too_deep"):
            return _sanitise(_MD.renderer.render(tokens, _MD.options, env))
    return _sanitise("".join(f"<p>{nh3.clean_text(p)}</p>" for p in text.split("\n\n") if p.strip()))


def render_title(text: str) -> str:
    """Titles are plain text; Jinja escapes them. Kept here so API and pages agree."""
    return " ".join(text.split())
