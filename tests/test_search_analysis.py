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


_MARKDOWN_STEPS = [  # what plain_text did, one regex after another, before it skipped the ones that cannot match
    (r"!\[([^\]]*)\]\([^)]*\)", r"\1"), (r"\[([^\]]*)\]\([^)]*\)", r"\1"),
    (r"(?m)^\s{0,3}(#{1,6}|>|[-*+]|\d+\.)\s+", ""), (r"[*_`~]{1,3}", ""), (r"\s+", " "),
]


def _plain_by_every_regex(text: str) -> str:
    import re

    for pattern, repl in _MARKDOWN_STEPS:
        text = re.sub(pattern, repl, text)
    return text.strip()


def test_snippet_text_is_the_same_as_running_every_markdown_pattern():
    import random

    from storybank.search.snippets import plain_text

    pieces = ["word", "Crisis", "[a link](http://x)", "![a picture](p.png)", "**bold**", "_it_", "`code`", "~~gone~~",
              "# Heading", "> quoted", "- item", "12. item", "\n", "\r\n", "\t", " ", "\u00a0", "\u2003", "\u3000",
              "\x1c", "\x85", "[not a link]", "(brackets)", "](", "3.5", "*", "snake_case"]
    stories = [path.read_text(encoding="utf-8") for path in sorted((ROOT / "stories").glob("*.md"))]
    rng = random.Random(19)
    texts = stories + ["".join(rng.choices(pieces, k=rng.randint(0, 40))) for _ in range(3000)]
    plain_ascii = [p for p in pieces if p.isascii() and not any(c in p for c in "[]*_`~#>-") and not p[:1].isdigit()]
    plain_ascii += ["\x0b", "\x0c", "\x1d", "\x1e", "\x1f", "  ", "a b", ". ", "x"]
    texts += ["".join(rng.choices(plain_ascii, k=rng.randint(0, 40))) for _ in range(3000)]  # (the single-spaced test)
    for text in texts:
        assert plain_text(text) == _plain_by_every_regex(text), repr(text)


def test_snippet_matches_and_plain_text_equal_the_plain_regex_way():
    """The fast paths (literal prefixes in the lower-cased text; line marks tried at line starts only) change nothing."""
    import random
    import re

    from storybank.search import snippets

    rng = random.Random(5)
    pieces = list("abcdeiksw WAIT.,;:'_-#>*+19\n\n\t") + ["\u00e9", "\u0130", "\u017f", "\u212a", "\u2028", "wait",
                                                       "Waiting", "crisis", "# ", "> ", "- ", "1. ", "\n  ## ", "x.wait"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 60))) for _ in range(3000)]
    for text in texts:
        assert snippets._without_line_marks(text) == snippets._LINE_MARK.sub("", text)
        for stems in ({"wait"}, {"crisi", "wait"}, {"a"}, {"s"}, {"k"}, {"e.g"}, {"x_y"}):
            prefixes = snippets._prefixes(frozenset(stems))
            assert snippets._matches(text, stems) == snippets._matches_by_regex(text, stems, prefixes), (text, stems)
    assert re.search("<mark>Waiting</mark>", str(snippets.snippet("# Waiting\n\n- for **the** team", {"wait"})))


def test_snippet_candidates_miss_no_word_of_a_wanted_stem():
    """A word with stem S starts with S less its last two letters (`_prefixes`): every first letter finds the same words."""
    import random

    from whoosh.lang.porter import stem

    from storybank.search import snippets

    endings = ["", "s", "ies", "sses", "ed", "ing", "eed", "y", "ly", "ying", "ied", "ational", "tional", "ency", "ancy",
               "izer", "bly", "ally", "ently", "ely", "ously", "ization", "ation", "ator", "alism", "iveness", "fulness",
               "ousness", "ality", "ivity", "bility", "biliti", "logy", "icate", "ative", "alize", "icity", "ical", "ful",
               "ness", "ance", "ence", "able", "ible", "ement", "ment", "ism", "ate", "ous", "ive", "ize", "sion", "tion",
               "e", "ll", "ated", "bled", "ized", "ating", "izing", "abilities", "ivities", "icated", "alized"]
    rng = random.Random(11)
    for _ in range(30000):
        word = "".join(rng.choices("abcdeilnorstuy", k=rng.randint(1, 5))) + rng.choice(endings) + rng.choice(endings)
        found = stem(word)
        assert word.startswith(found[:max(1, len(found) - 2)]), (word, found)
    stories = [path.read_text(encoding="utf-8") for path in sorted((ROOT / "stories").glob("*.md"))]
    for text in stories:
        for stems in ({"hous"}, {"wait"}, {"crisi", "team"}, {"sensibl"}, {"abil"}, {"relat", "hope"}):
            every_first_letter = tuple(sorted({s[0] for s in stems}))
            assert snippets._matches(text, stems) == snippets._matches_by_regex(text, stems, every_first_letter)
