"""SVG charts drawn on the server (no script, no inline style: presentation attributes only)."""
from __future__ import annotations

import math

from markupsafe import Markup, escape

from storybank.coding.analysis import Table

PALETTE = ["#1f6feb", "#b45309", "#047857", "#7c3aed", "#be123c", "#0369a1", "#ca8a04", "#475569"]


def bar_chart(table: Table, top: int = 30) -> Markup:
    """Horizontal stacked bars: one bar per code, one segment per column (e.g. per site)."""
    rows = sorted(((code, counts) for code, counts in table.rows if sum(counts)), key=lambda r: -sum(r[1]))[:top]
    label_w, bar_w, row_h = 190, 420, 22
    total_max = max((sum(c) for _, c in rows), default=0) or 1
    legend_h = 24
    height = legend_h + row_h * max(1, len(rows)) + 10
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {label_w + bar_w + 60} {height}" '
           f'role="img" aria-label="{escape(table.title)}" class="chart">', f"<title>{escape(table.title)}</title>"]
    x = label_w
    for i, column in enumerate(table.columns):
        colour = PALETTE[i % len(PALETTE)]
        out.append(f'<rect x="{x}" y="4" width="10" height="10" fill="{colour}"/>'
                   f'<text x="{x + 14}" y="13" font-size="11">{escape(column)}</text>')
        x += 24 + 7 * len(column)
    for r, (code, counts) in enumerate(rows):
        y = legend_h + r * row_h
        out.append(f'<text x="{label_w - 6}" y="{y + 15}" font-size="12" text-anchor="end">{escape(code.name)}</text>')
        x = float(label_w)
        for i, n in enumerate(counts):
            if not n:
                continue
            w = bar_w * n / total_max
            out.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" '
                       f'fill="{PALETTE[i % len(PALETTE)]}"><title>{escape(code.name)}, '
                       f'{escape(table.columns[i])}: {n}</title></rect>')
            x += w
        out.append(f'<text x="{x + 4:.1f}" y="{y + 15}" font-size="11">{sum(counts)}</text>')
    if not rows:
        out.append(f'<text x="10" y="{legend_h + 15}" font-size="12">Nothing coded yet.</text>')
    out.append("</svg>")
    return Markup("".join(out))


def _ancestors(table: Table) -> dict[int, set[int]]:
    """Each code's ancestors among the table's codes (a sub-theme counts for its parents, so they always meet)."""
    parent = {code.id: code.parent_id for code, _ in table.rows}
    out: dict[int, set[int]] = {}
    for code_id in parent:
        seen: set[int] = set()
        up = parent.get(code_id)
        while up is not None and up not in seen:
            seen.add(up)
            up = parent.get(up)
        out[code_id] = seen
    return out


def _shade(n: int, peak: int) -> str:
    if not n:
        return "#ffffff"
    level = int(235 - 190 * n / peak)
    return f"#{level:02x}{level:02x}ff"


def heatmap(table: Table, top: int = 25) -> Markup:
    """A code × code matrix: coloured cells with their counts, a legend, the diagonal how often each code occurs.

    A code and its own ancestor are left out (a grey dash): a sub-theme counts for its parents, so the pair
    would only repeat the sub-theme's own count.
    """
    keep = [i for i, (_, counts) in enumerate(table.rows) if sum(counts)]
    keep = sorted(keep, key=lambda i: -table.rows[i][1][i])[:top]
    codes = [table.rows[i][0] for i in keep]
    names = [c.name for c in codes]
    ancestors = _ancestors(table)

    def related(x: int, y: int) -> bool:
        return codes[x].id in ancestors.get(codes[y].id, ()) or codes[y].id in ancestors.get(codes[x].id, ())

    cell, label_w, legend_h = 26, 170, 60
    grid = cell * len(keep)
    width = max(label_w + grid + 10, 430)
    height = label_w + grid + legend_h
    peak = max((table.rows[i][1][j] for a, i in enumerate(keep) for b, j in enumerate(keep)
                if a != b and not related(a, b)), default=0) or 1
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" class="chart" '
           f'aria-label="{escape(table.title)}">', f"<title>{escape(table.title)}</title>"]
    for a, i in enumerate(keep):
        y = label_w + a * cell
        out.append(f'<text x="{label_w - 4}" y="{y + 17}" font-size="11" text-anchor="end">{escape(names[a])}</text>')
        out.append(f'<text transform="translate({label_w + a * cell + 17},{label_w - 4}) rotate(-60)" '
                   f'font-size="11">{escape(names[a])}</text>')
        for b, j in enumerate(keep):
            n = table.rows[i][1][j]
            x = label_w + b * cell
            if a == b:
                fill, label, tip = "#e5e7eb", str(n), f"{names[a]}: {n} in all"
            elif related(a, b):
                fill, label, tip = "#f3f4f6", "–", f"{names[a]} + {names[b]}: left out (one is part of the other)"
            else:
                fill, label, tip = _shade(n, peak), str(n) if n else "", f"{names[a]} + {names[b]}: {n}"
            ink = "#ffffff" if a != b and not related(a, b) and n / peak > 0.6 else "#1d232b"
            out.append(f'<rect x="{x}" y="{y}" width="{cell - 1}" height="{cell - 1}" fill="{fill}" '
                       f'class="cell"><title>{escape(tip)}</title></rect>')
            if label:
                out.append(f'<text x="{x + (cell - 1) / 2:.1f}" y="{y + 17}" font-size="10" text-anchor="middle" '
                           f'fill="{ink}" class="cell-count">{label}</text>')
    if not keep:
        out.append('<text x="10" y="20" font-size="12">Nothing coded yet.</text>')
    else:
        out.append(_heat_legend(10, label_w + grid + 14, peak))
    out.append("</svg>")
    return Markup("".join(out))


def _heat_legend(x: int, y: int, peak: int) -> str:
    """Five swatches from none to the most common pair, then the two grey cells explained."""
    steps = sorted({0, *(round(peak * k / 4) for k in range(1, 5))})
    parts = [f'<g class="legend"><text x="{x}" y="{y + 10}" font-size="11">Times together:</text>']
    at = x + 92
    for n in steps:
        parts.append(f'<rect x="{at}" y="{y}" width="14" height="14" fill="{_shade(n, peak)}" stroke="#9ca3af"/>'
                     f'<text x="{at + 18}" y="{y + 11}" font-size="11">{n}</text>')
        at += 26 + 7 * len(str(n))
    parts.append(f'<rect x="{x}" y="{y + 20}" width="14" height="14" fill="#e5e7eb"/>'
                 f'<text x="{x + 18}" y="{y + 31}" font-size="11">the code at all</text>'
                 f'<rect x="{x + 120}" y="{y + 20}" width="14" height="14" fill="#f3f4f6" stroke="#9ca3af"/>'
                 f'<text x="{x + 127}" y="{y + 31}" font-size="10" text-anchor="middle">–</text>'
                 f'<text x="{x + 138}" y="{y + 31}" font-size="11">a code with its own parent theme (left out)</text>'
                 "</g>")
    return "".join(parts)


def agreement_chart(overview: object) -> Markup:
    """Krippendorff's alpha per code as a bar from -1 to 1, the overall figure first; undefined codes are left out."""
    rows = [("Overall", overview.overall.krippendorff_alpha)]  # type: ignore[attr-defined]
    rows += [(code.name, f.krippendorff_alpha) for code, f, marked in overview.codes  # type: ignore[attr-defined]
             if marked and f.krippendorff_alpha is not None]
    label_w, bar_w, row_h = 190, 400, 20
    # The axis runs from 0 (or the lowest alpha shown, rounded down to a fifth) to 1: alpha is rarely negative,
    # so a fixed -1…1 axis left half the width empty.
    low = min([0.0] + [math.floor(alpha * 5) / 5 for _, alpha in rows if alpha is not None])
    scale = bar_w / (1 - low)
    zero = label_w - low * scale
    height = 30 + row_h * len(rows)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {label_w + bar_w + 60} {height}" role="img" '
           'class="chart" aria-label="Krippendorff\'s alpha per code">', "<title>Krippendorff's alpha per code</title>"]
    ticks = sorted({low, 0.0, 0.667, 0.8, 1.0} | ({0.4} if low > -0.4 else set()))
    for tick in ticks:
        x = zero + tick * scale
        out.append(f'<line x1="{x:.1f}" y1="16" x2="{x:.1f}" y2="{height}" stroke="#d1d5db"/>'
                   f'<text x="{x:.1f}" y="12" font-size="10" text-anchor="middle">{tick:g}</text>')
    for r, (name, alpha) in enumerate(rows):
        y = 20 + r * row_h
        weight = ' font-weight="bold"' if r == 0 else ""
        out.append(f'<text x="{label_w - 6}" y="{y + 13}" font-size="12" text-anchor="end"{weight}>{escape(name)}</text>')
        if alpha is None:
            out.append(f'<text x="{zero + 4:.1f}" y="{y + 13}" font-size="11">not defined</text>')
            continue
        x0, x1 = sorted((zero, zero + alpha * scale))
        colour = "#047857" if alpha >= 0.8 else "#ca8a04" if alpha >= 0.667 else "#be123c"
        out.append(f'<rect x="{x0:.1f}" y="{y + 3}" width="{max(x1 - x0, 1):.1f}" height="{row_h - 6}" fill="{colour}">'
                   f'<title>{escape(name)}: {alpha:.3f}</title></rect>'
                   f'<text x="{max(x1, zero) + 4:.1f}" y="{y + 13}" font-size="11">{_two_places(alpha)}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def _two_places(value: float) -> str:
    """0.00 rather than -0.00 for a figure that rounds to nothing."""
    text = f"{value:.2f}"
    return "0.00" if text == "-0.00" else text
