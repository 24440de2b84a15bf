"""The one text analysis both search engines share.

It is Whoosh's StemmingAnalyzer (its tokenizer pattern, lower-casing, stop
words, minimum length 2, Porter stemming, stop words removed and positions
renumbered) done in one pass with a cache of stems: several times faster, and
a test checks it gives exactly the tokens Whoosh's own chain gives. Whoosh
indexes with it (`FastStemmingAnalyzer`) and PostgreSQL receives its output as
a ready-made tsvector, so both engines see the same stems at the same positions.
"""
from __future__ import annotations

import re
from collections import ChainMap
from collections.abc import Iterator, Mapping
from functools import lru_cache

from whoosh.analysis import STOP_WORDS, Analyzer, StemmingAnalyzer, Token
from whoosh.analysis.tokenizers import default_pattern
from whoosh.lang.porter import stem as porter_stem

REFERENCE = StemmingAnalyzer()  # what FastStemmingAnalyzer must equal (tested)
WORD_RE: re.Pattern[str] = default_pattern
PLAIN_WORD_RE = re.compile(r"\w+", re.UNICODE)
MAX_WORD = 60


Tok = tuple[str, int, int, int]  # stem, position, start, end (plain tuples: this is the hot loop)


@lru_cache(maxsize=200_000)
def stem_of(lower: str) -> str | None:
    """The stem of one lower-cased token, or None for a stop word or a one-letter token."""
    if len(lower) < 2 or lower in STOP_WORDS:
        return None
    return porter_stem(lower)


def tokens(text: str) -> list[Tok]:
    """Stemmed tokens with positions and character spans, exactly as Whoosh's StemmingAnalyzer."""
    out: list[Tok] = []
    append = out.append
    pos = -1
    first = True
    for raw, match in enumerate(WORD_RE.finditer(text)):
        s = stem_of(match.group().lower())
        if s is None:
            continue
        if first:
            pos, first = raw, False
        else:
            pos += 1
        start, end = match.span()
        append((s, pos, start, end))
    return out


_WORD_TEXTS = re.compile(WORD_RE.pattern.replace("(\\.?", "(?:\\.?"), WORD_RE.flags)  # findall: whole words
_stem_cache: dict[str, str | None] = {}


def stem_positions(text: str, offset: int = 0) -> tuple[dict[str, list[int]], int]:
    """Each stem's 1-based positions (tokens()'s positions + 1 + offset) and the last position used.

    The same stems and positions as `tokens()`, without character spans: the indexing hot loop,
    so the per-word steps (lower-casing, stemming through the cache, dropping stop words) are
    done by C loops (map, set difference, comprehensions) and only the kept words are counted.
    """
    lowered = list(map(str.lower, _WORD_TEXTS.findall(text)))
    cache = _stem_cache
    lookup: Mapping[str, str | None] = cache
    missing = set(lowered).difference(cache)
    if missing:
        found = {word: stem_of(word) for word in missing}
        if len(cache) < 500_000:
            cache.update(found)
        else:  # (the cache is full: a very large vocabulary)
            lookup = ChainMap(found, cache)
    stemmed = list(map(lookup.__getitem__, lowered))
    first = next((raw for raw, stem in enumerate(stemmed) if stem is not None), None)
    if first is None:
        return {}, 0
    out: dict[str, list[int]] = {}
    get = out.get
    for pos, stem in enumerate([stem for stem in stemmed if stem is not None], first + 1 + offset):
        found = get(stem)
        if found is None:
            out[stem] = [pos]
        else:
            found.append(pos)
    return out, pos


def stems(text: str) -> list[str]:
    return [t[0] for t in tokens(text)]


def stem_word(word: str) -> str | None:
    out = stems(word)
    return out[0] if len(out) == 1 else None


def words(text: str) -> set[str]:
    """The distinct lower-case surface words of `text` (the vocabulary behind fuzzy, wildcards, suggestions)."""
    found = set(PLAIN_WORD_RE.findall(text.lower()))
    if found and len(max(found, key=len)) > MAX_WORD:  # rare: only then a loop in Python
        found = {w for w in found if len(w) <= MAX_WORD}
    return found


class FastStemmingAnalyzer(Analyzer):
    """A Whoosh analyzer producing `tokens()`'s output."""

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs: object) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for stem, pos, start, end in tokens(value):
            t.text = stem
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = value[start:end]
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar = start_char + start
                t.endchar = start_char + end
            yield t


STEMMING = FastStemmingAnalyzer()


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
