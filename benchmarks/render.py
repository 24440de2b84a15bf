"""How long one story body takes to render, for ordinary and hostile Markdown.

Each body is rendered once, uncached (the per-worker cache is cleared first), at the size
given (default 100,000 characters, the largest body parsed as Markdown), and a table is printed.

    python benchmarks/render.py [--chars N]
"""
from __future__ import annotations

import argparse
import time

from storybank.archive import render


def bodies(n: int) -> dict[str, str]:
    return {
        "ordinary story": ("I waited *eleven weeks*. The [hub](https://example.org) listened.\n\n- one\n- two\n\n" * n)[:n],
        "open brackets [": "[" * n,
        "images ![": "![" * (n // 2),
        "unclosed links [a](": "[a](" * (n // 4),
        "emphasis *a": "*a " * (n // 3),
        "nested <div markdown=1>": ('<div markdown="1">\n\n' * (n // 40) + "x" + "\n\n</div>" * (n // 40))[:n],
        "nested quotes >": ">" * n,
        "table rows": ("a|b\n-|-\n" + "a|b\n" * n)[:n],
        "over the limit (plain text)": "[" * (render.MAX_RENDER_CHARS + 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chars", type=int, default=render.MAX_RENDER_CHARS)
    args = parser.parse_args()
    print(f"| body ({args.chars:,} characters) | first render ms | cached ms |")
    print("|---|---|---|")
    for name, body in bodies(args.chars).items():
        render._render.cache_clear()
        start = time.perf_counter()
        render.render_markdown(body)
        first = (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        render.render_markdown(body)
        cached = (time.perf_counter() - start) * 1000
        print(f"| {name} | {first:,.0f} | {cached:.2f} |")


if __name__ == "__main__":
    main()
