"""SVG charts drawn on the server (no script, no inline style: presentation attributes only)."""
from __future__ import annotations

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


def heatmap(table: Table, top: int = 25) -> Markup:
    """A code × code matrix as coloured cells; the diagonal is how often each code occurs at all."""
    keep = [i for i, (_, counts) in enumerate(table.rows) if sum(counts)]
    keep = sorted(keep, key=lambda i: -table.rows[i][1][i])[:top]
    names = [table.rows[i][0].name for i in keep]
    cell, label_w = 22, 170
    size = label_w + cell * len(keep) + 10
    peak = max((table.rows[i][1][j] for i in keep for j in keep if i != j), default=0) or 1
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" role="img" class="chart" '
           f'aria-label="{escape(table.title)}">', f"<title>{escape(table.title)}</title>"]
    for a, i in enumerate(keep):
        y = label_w + a * cell
        out.append(f'<text x="{label_w - 4}" y="{y + 15}" font-size="11" text-anchor="end">{escape(names[a])}</text>')
        out.append(f'<text transform="translate({label_w + a * cell + 15},{label_w - 4}) rotate(-60)" '
                   f'font-size="11">{escape(names[a])}</text>')
        for b, j in enumerate(keep):
            n = table.rows[i][1][j]
            if i == j:
                fill = "#e5e7eb"
            else:
                shade = int(255 - 200 * n / peak)
                fill = f"#{shade:02x}{shade:02x}ff" if n else "#ffffff"
            out.append(f'<rect x="{label_w + b * cell}" y="{y}" width="{cell - 1}" height="{cell - 1}" fill="{fill}">'
                       f"<title>{escape(names[a])} + {escape(names[b])}: {n}</title></rect>")
    if not keep:
        out.append('<text x="10" y="20" font-size="12">Nothing coded yet.</text>')
    out.append("</svg>")
    return Markup("".join(out))


def agreement_chart(overview: object) -> Markup:
    """Krippendorff's alpha per code as a bar from -1 to 1, the overall figure first; undefined codes are left out."""
    rows = [("Overall", overview.overall.krippendorff_alpha)]  # type: ignore[attr-defined]
    rows += [(code.name, f.krippendorff_alpha) for code, f, marked in overview.codes  # type: ignore[attr-defined]
             if marked and f.krippendorff_alpha is not None]
    label_w, bar_w, row_h = 190, 400, 20
    zero = label_w + bar_w / 2
    height = 30 + row_h * len(rows)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {label_w + bar_w + 60} {height}" role="img" '
           'class="chart" aria-label="Krippendorff\'s alpha per code">', "<title>Krippendorff's alpha per code</title>"]
    for tick in (-1.0, 0.0, 0.667, 0.8, 1.0):
        x = zero + tick * bar_w / 2
        out.append(f'<line x1="{x:.1f}" y1="16" x2="{x:.1f}" y2="{height}" stroke="#d1d5db"/>'
                   f'<text x="{x:.1f}" y="12" font-size="10" text-anchor="middle">{tick:g}</text>')
    for r, (name, alpha) in enumerate(rows):
        y = 20 + r * row_h
        weight = ' font-weight="bold"' if r == 0 else ""
        out.append(f'<text x="{label_w - 6}" y="{y + 13}" font-size="12" text-anchor="end"{weight}>{escape(name)}</text>')
        if alpha is None:
            out.append(f'<text x="{zero + 4:.1f}" y="{y + 13}" font-size="11">not defined</text>')
            continue
        x0, x1 = sorted((zero, zero + alpha * bar_w / 2))
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
