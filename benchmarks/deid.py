"""How well and how fast identifiers are found, on the evaluation set in benchmarks/data/deid_eval.yaml.

Prints recall and precision per identifier type (a found span counts when it
overlaps a marked span of the same type), for the configured model and for the
rule-only fallback, then words per second and the time for a 2,000-word story.

    python benchmarks/deid.py [--model NAME]
"""
from __future__ import annotations

import argparse
import re
import statistics
import time
from collections import Counter
from pathlib import Path

import yaml

from storybank.deid import detect as deid

DATA = Path(__file__).resolve().parent / "data" / "deid_eval.yaml"


def gold_spans(passage: dict) -> list[tuple[int, int, str]]:
    text = passage["text"]
    spans = []
    for item in passage.get("identifiers") or []:
        for m in re.finditer(rf"(?<![\w]){re.escape(item['text'])}(?![\w])", text):
            spans.append((m.start(), m.end(), item["type"]))
    return spans


def evaluate(passages: list[dict], model: str) -> tuple[dict, str | None]:
    deid.load.cache_clear()
    _, loaded = deid.load(model)
    found_gold: Counter[str] = Counter()
    all_gold: Counter[str] = Counter()
    right: Counter[str] = Counter()
    proposed: Counter[str] = Counter()
    for passage in passages:
        gold = gold_spans(passage)
        preds = [p for p in _detect(passage["text"], model)]
        for s, e, kind in gold:
            all_gold[kind] += 1
            if any(p.type == kind and p.start < e and p.end > s for p in preds):
                found_gold[kind] += 1
        for p in preds:
            proposed[p.type] += 1
            if any(kind == p.type and p.start < e and p.end > s for s, e, kind in gold):
                right[p.type] += 1
    table = {}
    for kind in deid.TYPES:
        recall = found_gold[kind] / all_gold[kind] if all_gold[kind] else None
        precision = right[kind] / proposed[kind] if proposed[kind] else None
        table[kind] = (all_gold[kind], recall, proposed[kind], precision)
    return table, loaded


def _detect(text: str, model: str) -> list[deid.Proposal]:
    original = deid.model_name
    deid.model_name = lambda: model  # the benchmark runs without an app
    try:
        return deid.detect(text)
    finally:
        deid.model_name = original


def fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="")
    args = parser.parse_args()
    passages = yaml.safe_load(DATA.read_text(encoding="utf-8"))["passages"]
    with_model, loaded = evaluate(passages, args.model)
    rules_only, _ = evaluate(passages, "no-such-model")
    print(f"\n{len(passages)} passages; model: {loaded or 'none installed (rules only)'}\n")
    print("| type | marked | recall (model + rules) | precision | recall (rules only) | precision |")
    print("|---|---|---|---|---|---|")
    for kind in deid.TYPES:
        n, r, _, p = with_model[kind]
        _, r2, _, p2 = rules_only[kind]
        print(f"| {kind} | {n} | {fmt(r)} | {fmt(p)} | {fmt(r2)} | {fmt(p2)} |")
    words = " ".join(p["text"] for p in passages)
    story = " ".join([words] * (2000 // len(words.split()) + 1)).split()[:2000]
    text = " ".join(story)
    deid.load.cache_clear()
    _detect(text, args.model)  # warm: load the pipeline
    samples = []
    for _ in range(5):
        start = time.perf_counter()
        _detect(text, args.model)
        samples.append(time.perf_counter() - start)
    median = statistics.median(samples)
    print(f"\nA 2,000-word story: {median * 1000:.0f} ms (median of 5); {2000 / median:,.0f} words per second.")


if __name__ == "__main__":
    main()
