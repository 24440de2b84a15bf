"""Finding a withdrawn story's words quoted in what people wrote about it (insights, notes, memos).

Withdrawal deletes the story; text that others wrote stays theirs, but a quotation
of the story inside it would keep the teller's words alive. A run of QUOTE_WORDS or
more consecutive words that also stands in the story (any revision, title or body;
case and punctuation ignored) counts as a quotation and is replaced by a marker.
"""
from __future__ import annotations

import re

from storybank.archive.models import Story

QUOTE_WORDS = 6
MARKER = "[quotation removed: the story was withdrawn by its teller]"
_WORD = re.compile(r"\w+", re.UNICODE)


def _grams(text: str) -> set[tuple[str, ...]]:
    words = [w.lower() for w in _WORD.findall(text)]
    return {tuple(words[i:i + QUOTE_WORDS]) for i in range(len(words) - QUOTE_WORDS + 1)}


def story_grams(story: Story) -> set[tuple[str, ...]]:
    """Every run of QUOTE_WORDS words in any revision of the story (call before its revisions are deleted)."""
    grams: set[tuple[str, ...]] = set()
    for revision in story.revisions:
        grams |= _grams(revision.title or "")
        grams |= _grams(revision.body or "")
    return grams


def remove_quotations(text: str, grams: set[tuple[str, ...]]) -> tuple[str, int]:
    """`text` with every quoted run replaced by MARKER, and how many runs were replaced."""
    if not grams or not text:
        return text, 0
    tokens = list(_WORD.finditer(text))
    words = [t.group().lower() for t in tokens]
    covered = [False] * len(tokens)
    for i in range(len(tokens) - QUOTE_WORDS + 1):
        if tuple(words[i:i + QUOTE_WORDS]) in grams:
            for j in range(i, i + QUOTE_WORDS):
                covered[j] = True
    runs: list[tuple[int, int]] = []
    for i, hit in enumerate(covered):
        if not hit:
            continue
        if runs and covered[i - 1]:
            runs[-1] = (runs[-1][0], tokens[i].end())
        else:
            runs.append((tokens[i].start(), tokens[i].end()))
    for start, end in reversed(runs):
        text = text[:start] + MARKER + text[end:]
    return text, len(runs)
