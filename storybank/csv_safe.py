"""CSV that a spreadsheet opens safely: text cells that would start a formula are neutralised.

Spreadsheets run a cell that begins with `=`, `+`, `-` or `@` (and tab or
carriage return, which some read past) as a formula, so a story's words could
become a live formula in a researcher's copy (OWASP "CSV injection"). Such text
cells get a leading apostrophe; numbers are written as numbers.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(rows: Iterable[Iterable[object]]) -> str:
    """The rows as CSV text, every text cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()
