"""spaCy, loaded once. Sentence units for agreement come from spaCy's rule-based
sentencizer on a blank English pipeline: fast, needs no model download, and the
same on every machine, so agreement figures are reproducible."""
from __future__ import annotations

from functools import lru_cache

import spacy


@lru_cache(maxsize=1)
def _sentencizer() -> spacy.language.Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


@lru_cache(maxsize=4096)
def sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) code-point offsets of each sentence, surrounding white space trimmed."""
    spans = []
    for sent in _sentencizer()(text).sents:
        start, end = sent.start_char, sent.end_char
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return tuple(spans)
