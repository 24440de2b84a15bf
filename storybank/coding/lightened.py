"""The coding page's readable text: Markdown lightened, not rendered, so every character stays where it is.

Offsets on the coding page are code points into the source, so the page shows the source itself, but styled:
headings large and bold, emphasis bold or italic, quotations indented, and the Markdown marks that do the
work (`#`, `-`, `1.`, `>`, `**`, `_`, a link's address) faint and small. Each range below becomes a class
on the text's spans; the text of every span is still exactly the source between its offsets.
"""
from __future__ import annotations

import re
from functools import lru_cache

from storybank.coding.units import BLOCK_MARKER, line_starts, markdown_parser

Decoration = tuple[int, int, str]

_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", re.S)
_EMPHASIS = re.compile(r"(?<![*_\w])([*_])(?=[^\s*_])(.+?)(?<=[^\s*_])\1(?![*_\w])", re.S)
_LINK = re.compile(r"(\[)([^\]\n]+)(\]\([^)\s]+(?:\s+\"[^\"]*\")?\))")


@lru_cache(maxsize=256)
def decorations(text: str) -> tuple[Decoration, ...]:
    """(start, end, class) ranges: md-h1…md-h6, md-quote, md-item, md-strong, md-em, md-mark (a faint mark)."""
    starts = line_starts(text)
    last = len(starts) - 1
    out: list[Decoration] = []
    quote_depth = 0
    heading: str | None = None
    for token in markdown_parser().parse(text):
        if token.type == "blockquote_open":
            quote_depth += 1
        elif token.type == "blockquote_close":
            quote_depth -= 1
        elif token.type == "heading_open":
            heading = token.tag
        elif token.type == "heading_close":
            heading = None
        if token.type != "inline" or not token.map:
            continue
        first, end_line = token.map
        start, end = starts[min(first, last)], starts[min(end_line, last)]
        marker = BLOCK_MARKER.match(text, start, end)
        body = marker.end() if marker else start
        if marker and marker.group().strip():
            out.append((start, body, "md-mark"))
        if heading:
            out.append((body, end, f"md-{heading}"))
        if quote_depth:
            out.append((body, end, "md-quote"))
        out.extend(_inline(text, body, end))
    return tuple(sorted(out))


def _inline(text: str, start: int, end: int) -> list[Decoration]:
    found: list[Decoration] = []
    chunk = text[start:end]
    for pattern, cls in ((_STRONG, "md-strong"), (_EMPHASIS, "md-em")):
        for m in pattern.finditer(chunk):
            a, b = start + m.start(), start + m.end()
            width = len(m.group(1))
            found += [(a, a + width, "md-mark"), (a + width, b - width, cls), (b - width, b, "md-mark")]
    for m in _LINK.finditer(chunk):
        a = start + m.start()
        found += [(a, a + 1, "md-mark"), (a + 1, a + 1 + len(m.group(2)), "md-link"),
                  (a + 1 + len(m.group(2)), start + m.end(), "md-mark")]
    return found
