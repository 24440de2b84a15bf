"""Words to lemmas for suggestions: codebook keywords matched on lemmas, and the model's features.

The English model's lemmatiser ("waited" and "waits" → "wait") is used when it is
installed (the same `STORYBANK_SPACY_MODEL` as de-identification); without it a
Porter stemmer stands in, and the pages say so. Every result here is offsets and
code ids: no story words are cached.
"""
from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc
from whoosh.lang.porter import stem as porter_stem

from storybank.deid.detect import DEFAULT_MODELS, model_name

MAX_KEYWORDS_PER_CODE = 200
_SPLIT = re.compile(r"[,;\n]+")
_WORD = re.compile(r"\w", re.UNICODE)


@Language.component("storybank_stem_lemmas")
def _stem_lemmas(doc: Doc) -> Doc:
    """Without a lemmatiser: Porter stems of the lower-cased words stand in for lemmas."""
    for token in doc:
        token.lemma_ = porter_stem(token.lower_)
    return doc


@dataclass(frozen=True)
class Lemmatiser:
    nlp: Language
    mode: str  # "lemma" (a model's lemmatiser) or "stem" (the Porter fallback)
    model: str | None

    @property
    def description(self) -> str:
        if self.mode == "lemma":
            return f"word forms (lemmas from {self.model})"
        return "stems (no English model installed: lemmas are approximated by a Porter stemmer)"


@lru_cache(maxsize=4)
def load(name: str = "") -> Lemmatiser:
    for candidate in (name,) if name else DEFAULT_MODELS:
        try:
            nlp = spacy.load(candidate, exclude=["parser", "ner", "senter", "entity_ruler"])
        except OSError:
            continue
        if "lemmatizer" in nlp.pipe_names:
            return Lemmatiser(nlp, "lemma", candidate)
    nlp = spacy.blank("en")
    nlp.add_pipe("storybank_stem_lemmas")
    return Lemmatiser(nlp, "stem", None)


def lemmatiser() -> Lemmatiser:
    return load(model_name())


def parse_keywords(text: str | None) -> list[str]:
    """A code's keywords: separated by commas, semicolons or new lines; `*` at the end of a word is a prefix."""
    out: list[str] = []
    seen: set[str] = set()
    for part in _SPLIT.split(text or ""):
        keyword = " ".join(part.strip().strip("\"'“”‘’").split())
        if keyword and _WORD.search(keyword) and keyword.lower() not in seen:
            seen.add(keyword.lower())
            out.append(keyword)
    return out[:MAX_KEYWORDS_PER_CODE]


@dataclass(frozen=True)
class KeywordMatch:
    code_id: int
    keyword: str
    start: int
    end: int


class KeywordMatcher:
    """Every code's keywords, matched on lemmas and on lower-cased words (so "GP" still finds "gp")."""

    def __init__(self, lem: Lemmatiser, keywords: tuple[tuple[int, str], ...]):
        self.lem = lem
        self.signature = hash((lem.model, lem.mode, keywords))
        self.keywords: dict[str, tuple[int, str]] = {}
        self.by_lemma = PhraseMatcher(lem.nlp.vocab, attr="LEMMA")
        self.by_lower = PhraseMatcher(lem.nlp.vocab, attr="LOWER")
        self.by_prefix = Matcher(lem.nlp.vocab)
        plain: list[tuple[str, str]] = []
        for code_id, text in keywords:
            for n, keyword in enumerate(parse_keywords(text)):
                key = f"kw:{code_id}:{n}"
                self.keywords[key] = (code_id, keyword)
                words = keyword.split()
                if any(w.endswith("*") for w in words):
                    self.by_prefix.add(key, [[_prefix_token(w) for w in words]])
                else:
                    plain.append((key, keyword))
        if plain:
            lowered = [k.lower() for _, k in plain]
            docs = list(lem.nlp.pipe(lowered))
            for (key, _), doc, low in zip(plain, docs, lowered, strict=True):
                self.by_lemma.add(key, [doc])
                self.by_lower.add(key, [lem.nlp.make_doc(low)])

    def __bool__(self) -> bool:
        return bool(self.keywords)

    def matches(self, doc: Doc) -> list[KeywordMatch]:
        found: dict[tuple[str, int, int], None] = {}
        for matcher in (self.by_lemma, self.by_lower, self.by_prefix):
            if not len(matcher):
                continue  # spaCy warns about a matcher without patterns
            for match_id, start, end in matcher(doc):
                found[(self.lem.nlp.vocab.strings[match_id], start, end)] = None
        out = []
        for key, start, end in found:
            code_id, keyword = self.keywords[key]
            span = doc[start:end]
            out.append(KeywordMatch(code_id, keyword, span.start_char, span.end_char))
        return sorted(set(out), key=lambda m: (m.start, m.end, m.code_id))


def _prefix_token(word: str) -> dict:
    if word.endswith("*") and len(word) > 1:
        return {"LOWER": {"REGEX": "^" + re.escape(word[:-1].lower())}}
    return {"LOWER": word.lower()}


_MATCHERS: OrderedDict[tuple, KeywordMatcher] = OrderedDict()
_LOCK = threading.Lock()


def keyword_matcher(keywords: Iterable[tuple[int, str]]) -> KeywordMatcher:
    """The matcher for this codebook's keywords, built once per change of keywords or model."""
    lem = lemmatiser()
    signature = (lem.model, lem.mode, tuple(sorted((cid, text) for cid, text in keywords if (text or "").strip())))
    with _LOCK:
        matcher = _MATCHERS.get(signature)
        if matcher is None:
            matcher = KeywordMatcher(lem, signature[2])
            _MATCHERS[signature] = matcher
            while len(_MATCHERS) > 4:
                _MATCHERS.popitem(last=False)
        return matcher


def sentence_features(doc: Doc, spans: list[tuple[int, int]]) -> list[str]:
    """Each sentence as its lower-cased lemmas, punctuation and spaces left out: what the model reads."""
    out = []
    for start, end in spans:
        span = doc.char_span(start, end, alignment_mode="expand")
        out.append(features_of(span) if span is not None else "")
    return out


def features_of(tokens: Iterable[object]) -> str:
    return " ".join(t.lemma_.lower() or t.lower_ for t in tokens  # type: ignore[attr-defined]
                    if not (t.is_space or t.is_punct))  # type: ignore[attr-defined]


def analyse(texts: Iterable[str], batch_size: int = 16) -> Iterator[Doc]:
    """Lemmatised docs, in order (a story at a time is the unit: its sentences come from stored spans)."""
    yield from lemmatiser().nlp.pipe(texts, batch_size=batch_size)

