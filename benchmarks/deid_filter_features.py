"""What the learned filter in benchmarks/train_deid_filter.py sees of a proposal, and how it decides.

Plain Python (no scikit-learn), so that a filter could run in the app on the
same features if it ever paid; today it does not (README, "Language model"),
and nothing under storybank/ uses this. The features: the proposal's kind and
source, the words before and after it, its shape, what the spaCy model called
it, name-list and gazetteer membership, and how often its word occurs in the text.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from typing import Any

from storybank.deid import names, places
from storybank.deid.detect import Proposal
from storybank.deid.given_names import is_first_name, last_names
from storybank.deid.words import is_common_word, is_ordinary_word

FEATURE_VERSION = 1
NONE = "NONE"
# Contact details are found by exact patterns; nothing the model learns should touch them.
PROTECTED = frozenset({"EMAIL", "PHONE", "POSTCODE", "NHS_NUMBER"})
_WORD = re.compile(r"[\w'’-]+")


def decide(model: dict[str, Any], kind: str, probs: dict[str, float]) -> str:
    """The kind to keep (NONE drops): a drop or a retype needs the model's probability past its threshold."""
    if probs.get(NONE, 0.0) >= model["drop_threshold"].get(kind, 2.0):
        return NONE
    retype_to = model["retype"].get(kind, [])
    best = max(retype_to, key=lambda k: probs.get(k, 0.0), default=None)
    if best is not None and probs.get(best, 0.0) >= model["retype_threshold"].get(kind, 2.0):
        return best
    return kind


def probabilities(model: dict[str, Any], feats: dict[str, float]) -> dict[str, float]:
    classes = model["classes"]
    scores = list(model["intercept"])
    weights = model["weights"]
    for name, value in feats.items():
        row = weights.get(name)
        if row:
            for i, w in enumerate(row):
                scores[i] += w * value
    top = max(scores)
    exp = [math.exp(s - top) for s in scores]
    total = sum(exp)
    return {c: e / total for c, e in zip(classes, exp, strict=True)}


class Context:
    """What every proposal in one text shares: the model's entities, how often each text occurs, the style."""

    def __init__(self, text: str, entities: list[tuple[int, int, str]]) -> None:
        self.text = text
        self.entities = entities
        self.lower_style = names.lowercase_style(text)
        self.counts = Counter(w for w in _WORD.findall(text))
        self.lower_counts = Counter(w.lower() for w in _WORD.findall(text))


def features(context: Context, p: Proposal) -> dict[str, float]:
    """Binary features of one proposal in its text; the training script calls this too."""
    text, kind = context.text, p.type
    words = _WORD.findall(p.text) or [p.text]
    first, last = words[0], words[-1]
    before = _WORD.findall(text[max(0, p.start - 50):p.start].rsplit("\n", 1)[-1])
    after = _WORD.findall(text[p.end:p.end + 30].split("\n", 1)[0])
    prev = before[-1].lower() if before else "<s>"
    prev2 = before[-2].lower() if len(before) > 1 else "<s>"
    nxt = after[0].lower() if after else "</s>"
    gap_after = text[p.end:p.end + 2]
    label = _entity_label(context.entities, p.start, p.end)
    f: dict[str, float] = {}

    def on(name: str) -> None:
        f[name] = 1.0
        f[f"{kind}|{name}"] = 1.0

    f[f"kind={kind}"] = 1.0
    on(f"source={p.source}")
    on(f"prev={prev}")
    on(f"prev2={prev2}")
    on(f"next={nxt}")
    on(f"prev2+prev={prev2} {prev}")
    on(f"ent={label}")
    if gap_after[:1] in ("'", "’") or gap_after[:2] in ("'s", "’s"):
        on("possessive")
    if gap_after[:1] and gap_after[:1] in ",.!?:;)":
        on(f"punct_after={gap_after[:1]}")
    on(f"words={min(len(words), 3)}")
    on(f"length={_bucket(len(p.text), (2, 3, 5, 8, 12, 20))}")
    on(f"shape={_shape(p.text)}")
    if any(c.isdigit() for c in p.text):
        on("digit")
    if places.sentence_start(text, p.start):
        on("sentence_start")
    if context.lower_style:
        on("lower_style")
    if is_first_name(first) or is_first_name(first.capitalize()):
        on("first_name")
    if last in last_names() or last.capitalize() in last_names():
        on("last_name")
    population = places.gazetteer().get(p.text, places.gazetteer().get(p.text.title()))
    if population is not None:
        on(f"population={_bucket(population, (1000, 10000, 50000, 100000))}")
    if re.fullmatch(r"(?:19|20)\d\d", p.text):
        on("year")
    if "\n" in p.text:
        on("line_break")
    if all(is_common_word(w) for w in words):
        on("all_common")
    elif any(is_common_word(w) for w in words):
        on("some_common")
    if all(is_ordinary_word(w) for w in words):
        on("all_ordinary")
    if is_common_word(last):
        on(f"last={last.lower()}")
    if len(words) > 1 and is_common_word(first):
        on(f"first={first.lower()}")
    on(f"times={_bucket(context.counts[first], (1, 2, 3))}")
    on(f"times_any_case={_bucket(context.lower_counts[first.lower()], (1, 2, 3))}")
    return f


def _entity_label(entities: list[tuple[int, int, str]], start: int, end: int) -> str:
    best, overlap = "none", 0
    for s, e, label in entities:
        shared = min(e, end) - max(s, start)
        if shared > overlap:
            best, overlap = label, shared
    if best != "none":
        exact = any(s == start and e == end for s, e, _ in entities)
        return best + ("" if exact else "~")
    return best


def _bucket(value: int, edges: tuple[int, ...]) -> str:
    for edge in edges:
        if value <= edge:
            return str(edge)
    return f">{edges[-1]}"


def _shape(text: str) -> str:
    """Aa (every word capitalised), a (all lower), A (all capitals), 0 (digits), mixed."""
    letters = [w for w in _WORD.findall(text) if any(c.isalpha() for c in w)]
    if not letters:
        return "0"
    if all(w.isupper() for w in letters):
        return "A"
    if all(w.islower() for w in letters):
        return "a"
    if all(w[:1].isupper() for w in letters):
        return "Aa"
    return "mixed"
