"""Where suggestions come from: each code's keywords matched on lemmas, and the model's scores, per sentence.

Results are offsets and code ids only (no story words), cached per revision text,
codebook keywords and model, so the coding page does not lemmatise a story twice.
"""
from __future__ import annotations

import bisect
import threading
from collections import OrderedDict
from dataclasses import dataclass

from flask import current_app
from spacy.language import Language
from sqlalchemy import select

from storybank.archive.models import StoryRevision
from storybank.coding import suggest_classifier, suggest_lemmas
from storybank.coding.models import Code
from storybank.coding.units import spans_of
from storybank.extensions import db

DEFAULT_THRESHOLD = 0.5


@dataclass(frozen=True)
class Suggestion:
    """Code `code_id` proposed for the sentence(s) [start, end) of a revision: offsets only, no words."""

    code_id: int
    start: int
    end: int
    units: tuple[int, int]  # first and last sentence unit
    keywords: tuple[str, ...] = ()  # the code's keywords that matched
    matches: tuple[tuple[int, int], ...] = ()  # where they matched (code points, end exclusive)
    score: float | None = None  # the model's probability, when it proposed this too

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(s for s, on in (("keyword", bool(self.keywords)), ("model", self.score is not None)) if on)

    @property
    def source(self) -> str:
        return "both" if len(self.sources) == 2 else self.sources[0]

    def parts(self, body: str) -> list[tuple[str, bool]]:
        """The suggested passage cut into (text, is a keyword match) for display."""
        out: list[tuple[str, bool]] = []
        at = self.start
        for a, b in sorted(self.matches):
            a, b = max(a, at), min(b, self.end)
            if a >= b:
                continue
            if a > at:
                out.append((body[at:a], False))
            out.append((body[a:b], True))
            at = b
        if at < self.end:
            out.append((body[at:self.end], False))
        return out


def threshold() -> float:
    return float(current_app.config.get("SUGGEST_THRESHOLD", DEFAULT_THRESHOLD))


_CACHE: OrderedDict[tuple, list[Suggestion]] = OrderedDict()
_CACHE_LOCK = threading.Lock()


def propose(revision: StoryRevision) -> list[Suggestion]:
    """Every suggestion for the revision, for any coder (cached per revision, codebook keywords and model)."""
    keywords = tuple(db.session.execute(select(Code.id, Code.keywords).where(Code.keywords != "")))
    matcher = suggest_lemmas.keyword_matcher(keywords)
    training = suggest_classifier.current_training()
    nlp = suggest_classifier.load(training) if training else None
    model_key = (str(suggest_classifier.model_root()), training.id, training.trained_at) if nlp is not None else None
    key = (revision.id, hash(revision.body), matcher.signature, model_key, threshold())
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    found = _propose(revision, matcher, nlp) if (matcher or nlp is not None) else []
    with _CACHE_LOCK:
        _CACHE[key] = found
        while len(_CACHE) > 256:
            _CACHE.popitem(last=False)
    return found


def _propose(revision: StoryRevision, matcher: suggest_lemmas.KeywordMatcher,
             nlp: Language | None) -> list[Suggestion]:
    spans = spans_of(revision)
    if not spans:
        return []
    starts = [s for s, _ in spans]
    doc = next(suggest_lemmas.analyse([revision.body]))
    found: dict[tuple[int, int, int], dict] = {}
    for match in matcher.matches(doc) if matcher else []:
        first = _unit_at(starts, spans, match.start)
        last = _unit_at(starts, spans, match.end - 1)
        if first is None or last is None:
            continue
        entry = found.setdefault((match.code_id, first, last), {"keywords": [], "matches": [], "score": None})
        if match.keyword not in entry["keywords"]:
            entry["keywords"].append(match.keyword)
        entry["matches"].append((match.start, match.end))
    if nlp is not None:
        features = suggest_lemmas.sentence_features(doc, spans)
        limit = threshold()
        for unit, scores in enumerate(suggest_classifier.predict(nlp, features)):
            for code_id, score in scores.items():
                if score >= limit:
                    entry = found.setdefault((code_id, unit, unit), {"keywords": [], "matches": [], "score": None})
                    entry["score"] = round(float(score), 3)
    out = [Suggestion(code_id=cid, start=spans[first][0], end=spans[last][1], units=(first, last),
                      keywords=tuple(e["keywords"]), matches=tuple(sorted(set(e["matches"]))), score=e["score"])
           for (cid, first, last), e in found.items()]
    return sorted(out, key=lambda s: (s.start, s.end, s.code_id))


def _unit_at(starts: list[int], spans: list[tuple[int, int]], offset: int) -> int | None:
    i = bisect.bisect_right(starts, offset) - 1
    if i < 0:
        return None
    if offset >= spans[i][1]:  # between sentences (white space): the next sentence, if any
        return i + 1 if i + 1 < len(spans) else None
    return i
