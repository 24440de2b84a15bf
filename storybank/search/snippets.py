"""Highlighted snippets, made from the database's text with the shared analyser (both engines)."""
from __future__ import annotations

import re
from functools import lru_cache

from markupsafe import Markup, escape

from storybank.search.analysis import WORD_RE, stem_of

SNIPPET_CHARS = 240
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_LINE_MARK = re.compile(r"^\s{0,3}(#{1,6}|>|[-*+]|\d+\.)\s+", re.M)
_MARK_AT = re.compile(_LINE_MARK.pattern.removeprefix("^"))  # (matched at each line's start)
_EMPHASIS = re.compile(r"[*_`~]{1,3}")


def plain_text(markdown: str) -> str:
    """The text without Markdown's marks, its whitespace runs as single spaces.

    A pattern runs only where it can match (a link needs "](", emphasis one of *_`~), and the
    whitespace is collapsed by split and join (the same characters as the regex's \\s): ten of
    these per search page, each over a whole story.
    """
    text = markdown
    if "](" in text:
        text = _LINK.sub(r"\1", _IMAGE.sub(r"\1", text))
    text = _without_line_marks(text)
    if "*" in text or "_" in text or "`" in text or "~" in text:
        text = _EMPHASIS.sub("", text)
    if _single_spaced(text):  # (most stories' paragraphs: nothing to collapse)
        return text
    return " ".join(text.split())


_ASCII_BREAKS = "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"  # (the ASCII whitespace that str.split splits at, but the space)


def _single_spaced(text: str) -> bool:
    """Whether `" ".join(text.split())` is `text` itself, told by a few scans of the text in C (split and join: 30 µs)."""
    return (text.isascii() and "  " not in text and not text[:1].isspace() and not text[-1:].isspace()
            and not any(c in text for c in _ASCII_BREAKS))


def _without_line_marks(text: str) -> str:
    """`_LINE_MARK.sub("", text)`, the pattern tried only where `^` can match (the text's start, after each newline).

    The regex engine tries a multi-line `^` at every character: ten times the work on a story's text.
    """
    kept: list[str] = []
    done = start = 0
    while start >= 0:
        if start >= done and (found := _MARK_AT.match(text, start)) is not None:
            kept.append(text[done:start])
            done = found.end()
        newline = text.find("\n", start)
        start = newline + 1 if newline >= 0 else -1
    if not kept:
        return text
    kept.append(text[done:])
    return "".join(kept)


def snippet(markdown: str, stems: set[str], chars: int = SNIPPET_CHARS) -> Markup:
    """The passage with the most matching words, matches wrapped in <mark>, everything else escaped."""
    text = plain_text(markdown)
    hits = _matches(text, stems) if stems else []
    if not hits:
        cut = text[:chars]
        return Markup(escape(_trim_end(cut, text)))
    best_start, best_count = hits[0][0], 0
    j = 0
    for i, (tok_start, _end) in enumerate(hits):
        while j < len(hits) and hits[j][1] - tok_start <= chars:
            j += 1
        if j - i > best_count:
            best_start, best_count = tok_start, j - i
    start = max(0, best_start - chars // 4)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < best_start else start
    end = min(len(text), start + chars)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    out: list[str] = ["… " if start else ""]
    pos = start
    for tok_start, tok_end in hits:
        if tok_start < start or tok_end > end:
            continue
        out.append(str(escape(text[pos:tok_start])))
        out.append(f"<mark>{escape(text[tok_start:tok_end])}</mark>")
        pos = tok_end
    out.append(str(escape(text[pos:end])))
    if end < len(text):
        out.append(" …")
    return Markup("".join(out))


def _trim_end(cut: str, text: str) -> str:
    if len(cut) < len(text):
        space = cut.rfind(" ")
        return (cut[:space] if space > 0 else cut) + " …"
    return cut


def _matches(text: str, stems: set[str]) -> list[tuple[int, int]]:
    """Spans of words whose stem is wanted.

    Porter stemming rewrites only word endings, and what it writes there keeps all but at
    most two letters of the stem from the word ("sensibility" -> "sensible": "le" is its
    own, "sensib" the word's), so a word can only have stem S if it starts with S minus its
    last two letters: those few candidates are found (as plain strings in the lower-cased
    text: the regex engine's fast path), and each is then stemmed exactly as the index
    stemmed it. (Three letters had been kept back: for a four-letter stem such as "hous",
    every word starting with "h" was a candidate, a Python step each.)
    """
    prefixes = _prefixes(frozenset(stems))
    lower = text.lower()
    if len(lower) != len(text) or not all(p.isalnum() for p in prefixes):  # rare: lower-casing moved the offsets
        return _matches_by_regex(text, stems, prefixes)
    out = []
    end = 0
    word_at, stem = WORD_RE.match, stem_of
    for found in _literal_finder(prefixes).finditer(lower):
        start = found.start()
        if start < end or (start and (text[start - 1].isalnum() or text[start - 1] == "_")):
            continue  # (inside the last word, or not at a word's start: what the regex's (?<!\w) refuses)
        word = word_at(text, start)
        if word is None:
            continue
        if stem(word.group().lower()) in stems:
            out.append(word.span())
        end = word.end()
    return out


@lru_cache(maxsize=256)
def _prefixes(stems: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted({s[:max(1, len(s) - 2)] for s in stems}, key=len, reverse=True))


@lru_cache(maxsize=256)
def _literal_finder(prefixes: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(p) for p in prefixes))


def _matches_by_regex(text: str, stems: set[str], prefixes: tuple[str, ...]) -> list[tuple[int, int]]:
    finder = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p) for p in prefixes) + r")", re.IGNORECASE)
    out = []
    pos = 0
    while (found := finder.search(text, pos)) is not None:
        word = WORD_RE.match(text, found.start())
        if word is None:
            pos = found.end()
            continue
        if stem_of(word.group().lower()) in stems:
            out.append(word.span())
        pos = word.end()
    return out
