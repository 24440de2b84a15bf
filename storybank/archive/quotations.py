"""Finding a withdrawn story's words in what people wrote about it (insights, notes, memos, set titles).

Withdrawal deletes the story; text that others wrote stays theirs, but a quotation
of the story inside it would keep the teller's words alive. Two kinds of trace go:

- a run of QUOTE_WORDS or more consecutive words that also stands in the story (any
  revision, title or body; case and punctuation ignored) is replaced by MARKER;
- short traces that identify even alone: the teller's names, the names and places the
  de-identification found in the story (and their pseudonym-registry originals), and
  the story's rare words (in no other story of the archive, once it holds at least
  RARE_MIN_STORIES others; never a common English word or a word of the codebook) are
  each replaced by WORD_MARKER.

The traces are worked out once, before any withdrawal step deletes what they come from.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.lang.en.stop_words import STOP_WORDS
from sqlalchemy import select

from storybank.archive.models import STATUS_ACTIVE, Story, StoryRevision
from storybank.extensions import db

QUOTE_WORDS = 6
MARKER = "[quotation removed: the story was withdrawn by its teller]"
WORD_MARKER = "[removed]"
#: below this many other stories, "rare in the archive" means nothing and no word counts as rare
RARE_MIN_STORIES = 20
_WORD = re.compile(r"\w+", re.UNICODE)
_KEY = "storybank_withdrawal_traces"


@dataclass
class Traces:
    grams: set[tuple[str, ...]] = field(default_factory=set)  # every QUOTE_WORDS-word run of the story
    terms: set[tuple[str, ...]] = field(default_factory=set)  # names, places, rare words (one or more words)


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text or "")]


def _grams(text: str) -> set[tuple[str, ...]]:
    words = _words(text)
    return {tuple(words[i:i + QUOTE_WORDS]) for i in range(len(words) - QUOTE_WORDS + 1)}


def story_grams(story: Story) -> set[tuple[str, ...]]:
    """Every run of QUOTE_WORDS words in any revision of the story (call before its revisions are deleted)."""
    grams: set[tuple[str, ...]] = set()
    for revision in story.revisions:
        grams |= _grams(revision.title or "")
        grams |= _grams(revision.body or "")
    return grams


def _names(story: Story) -> set[tuple[str, ...]]:
    """The teller's name, and every identifier found in the story that a researcher did not reject."""
    from storybank.deid.models import REJECTED, IdentifierSpan, Pseudonym

    texts: list[str] = []
    if story.teller is not None and story.teller.display_name:
        texts.append(story.teller.display_name)
    spans = db.session.execute(select(IdentifierSpan.original, IdentifierSpan.pseudonym_id).where(
        IdentifierSpan.story_id == story.id, IdentifierSpan.decision != REJECTED)).all()
    texts += [original for original, _ in spans]
    pseudonym_ids = {pid for _, pid in spans if pid is not None}
    if pseudonym_ids:
        texts += db.session.scalars(select(Pseudonym.original).where(Pseudonym.id.in_(pseudonym_ids)))
    terms: set[tuple[str, ...]] = set()
    for text in texts:
        words = _words(text)
        if words:
            terms.add(tuple(words))
        terms |= {(w,) for w in words if len(w) > 1 and w not in STOP_WORDS and not w.isdigit()}
    return terms


def _rare_words(story: Story) -> set[tuple[str, ...]]:
    """Words of the story found in no other active story (and not common English, not the codebook's)."""
    from storybank.coding.models import Code

    others = select(StoryRevision.body, StoryRevision.title, StoryRevision.story_id).join(Story).where(
        Story.status == STATUS_ACTIVE, Story.id != story.id)
    other_ids = {sid for (sid,) in db.session.execute(
        select(Story.id).where(Story.status == STATUS_ACTIVE, Story.id != story.id))}
    if len(other_ids) < RARE_MIN_STORIES:
        return set()
    candidates = {w for r in story.revisions for w in _words(f"{r.title or ''} {r.body or ''}")
                  if len(w) >= 4 and w not in STOP_WORDS and not w.isdigit()}
    for code in db.session.scalars(select(Code)):
        candidates -= set(_words(f"{code.name} {code.definition or ''}"))
    for body, title, _sid in db.session.execute(others):
        if not candidates:
            break
        candidates -= set(_words(f"{title or ''} {body or ''}"))
    return {(w,) for w in candidates}


def prepare(story: Story) -> Traces:
    """Work out the story's traces now, while its revisions and identifiers still exist."""
    cache = db.session.info.setdefault(_KEY, {})
    if story.id not in cache:
        cache[story.id] = Traces(grams=story_grams(story), terms=_names(story) | _rare_words(story))
    return cache[story.id]


def traces_of(story: Story) -> Traces:
    """The traces `prepare` worked out (or worked out now, if a step runs on its own)."""
    return prepare(story)


def forget(story: Story) -> None:
    db.session.info.get(_KEY, {}).pop(story.id, None)


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
    return _replace(text, tokens, covered, MARKER)


def _replace(text: str, tokens: list[re.Match[str]], covered: list[bool], marker: str) -> tuple[str, int]:
    runs: list[tuple[int, int]] = []
    for i, hit in enumerate(covered):
        if not hit:
            continue
        if runs and i > 0 and covered[i - 1]:
            runs[-1] = (runs[-1][0], tokens[i].end())
        else:
            runs.append((tokens[i].start(), tokens[i].end()))
    for start, end in reversed(runs):
        text = text[:start] + marker + text[end:]
    return text, len(runs)


def remove_terms(text: str, terms: set[tuple[str, ...]]) -> tuple[str, int]:
    """`text` with every name or rare word of the story replaced by WORD_MARKER (markers left alone)."""
    if not terms or not text:
        return text, 0
    longest = max(len(t) for t in terms)
    pieces = text.split(MARKER)
    total = 0
    for n, piece in enumerate(pieces):
        tokens = list(_WORD.finditer(piece))
        words = [t.group().lower() for t in tokens]
        covered = [False] * len(tokens)
        for i in range(len(tokens)):
            for size in range(min(longest, len(tokens) - i), 0, -1):
                if tuple(words[i:i + size]) in terms:
                    covered[i:i + size] = [True] * size
                    break
        pieces[n], count = _replace(piece, tokens, covered, WORD_MARKER)
        total += count
    return MARKER.join(pieces), total


def remove_traces(text: str, traces: Traces) -> tuple[str, int]:
    """Long quotations, then names and rare words: the cleaned text and how many passages went."""
    text, quoted = remove_quotations(text or "", traces.grams)
    text, named = remove_terms(text, traces.terms)
    return text, quoted + named
