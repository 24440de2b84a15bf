"""The shared analyser: Whoosh's own stems and positions, and the indexing fast path gives the same."""
from __future__ import annotations

from pathlib import Path

import pytest

from storybank.search.analysis import REFERENCE, stem_positions, tokens

ROOT = Path(__file__).resolve().parent.parent
TEXTS = [
    "", "the a of", "The crisis team came at night. Nobody came; the team didn't.",
    "It's O'Brien's back\\slash, e.g. 3.14 and x*y: naïve İstanbul ÉCOLE café",
    *(p.read_text(encoding="utf-8") for p in sorted((ROOT / "stories").glob("*.md"))[:5]),
]


@pytest.mark.parametrize("text", TEXTS)
def test_tokens_are_whooshs_own(text):
    expected = [(t.text, t.pos, t.startchar, t.endchar) for t in REFERENCE(text, positions=True, chars=True)]
    assert tokens(text) == expected


@pytest.mark.parametrize("text", TEXTS)
def test_stem_positions_match_the_tokens(text):
    expected: dict[str, list[int]] = {}
    for stem, pos, _start, _end in tokens(text):
        expected.setdefault(stem, []).append(pos + 1 + 7)
    found, last = stem_positions(text, 7)
    assert found == expected
    assert last == (max(p for ps in expected.values() for p in ps) if expected else 0)
