"""The one text analysis both search engines share.

Whoosh analyses with it when indexing; PostgreSQL receives its output as a
ready-made tsvector. Same tokens, same stems, same positions, so the two
engines return the same stories for the same query.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from whoosh.analysis import RegexTokenizer, StemmingAnalyzer

STEMMING = StemmingAnalyzer()
WORDS = RegexTokenizer()  # surface words for the vocabulary (lower-cased below)
MAX_WORD = 60


@dataclass(frozen=True, slots=True)
class Token:
    stem: str
    pos: int
    start: int
    end: int


def tokens(text: str) -> list[Token]:
    """Stemmed tokens with positions (stop words removed, positions renumbered) and character spans."""
    return [
        Token(t.text, t.pos, t.startchar, t.endchar)
        for t in STEMMING(text, positions=True, chars=True)
    ]


def stems(text: str) -> list[str]:
    return [t.text for t in STEMMING(text)]


@lru_cache(maxsize=20000)
def stem_word(word: str) -> str | None:
    out = stems(word)
    return out[0] if len(out) == 1 else None


def words(text: str) -> set[str]:
    """The distinct lower-case surface words of `text`."""
    return {w for t in WORDS(text) if len(w := t.text.lower()) <= MAX_WORD}


def distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment edit distance (a swap of two letters counts one), capped at limit + 1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        best = cur[0]
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            value = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, prev2[j - 2] + 1)
            cur[j] = value
            best = min(best, value)
        if best > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]
