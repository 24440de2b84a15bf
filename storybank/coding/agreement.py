"""Inter-coder agreement on sentence units: percent agreement, Cohen's kappa, Krippendorff's alpha.

Pure functions over plain data, so they can be checked against the reference
implementations (scikit-learn, the `krippendorff` package) and timed on
100,000 codings. For one code, each coder's judgement of a unit is 1 (the
coder applied the code to some text in that sentence) or 0.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence


def binary_matrix(ratings: dict[int, set[int]], units: int) -> list[list[int]]:
    """Coders (sorted by id) × units, 1 where the coder marked the unit."""
    return [[1 if u in ratings[c] else 0 for u in range(units)] for c in sorted(ratings)]


def percent_agreement(ratings: dict[int, set[int]], units: int) -> float | None:
    """Share of units on which every coder agrees (all marked it or none did)."""
    if units <= 0 or len(ratings) < 2:
        return None
    sets = list(ratings.values())
    union = set().union(*sets)
    inter = set.intersection(*sets)
    disagreements = len({u for u in union if 0 <= u < units} - inter)
    return (units - disagreements) / units


def cohen_kappa(a: set[int], b: set[int], units: int) -> float | None:
    """Cohen's kappa for two coders on 0/1 labels; None where it is undefined (sklearn gives nan)."""
    if units <= 0:
        return None
    a = {u for u in a if 0 <= u < units}
    b = {u for u in b if 0 <= u < units}
    both = len(a & b)
    only_a, only_b = len(a - b), len(b - a)
    neither = units - both - only_a - only_b
    observed = (both + neither) / units
    pa1, pb1 = len(a) / units, len(b) / units
    expected = pa1 * pb1 + (1 - pa1) * (1 - pb1)
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


def krippendorff_alpha_nominal(matrix: Sequence[Sequence[Hashable | None]]) -> float | None:
    """Krippendorff's alpha (nominal) for a coders × units matrix; None marks a missing value.

    Built from the coincidence matrix: each unit with m >= 2 values contributes
    n_c * n_k / (m - 1) pairs to o_ck (c != k) and n_c * (n_c - 1) / (m - 1) to o_cc.
    alpha = 1 - (n - 1) * D_o / D_e with D_o the observed off-diagonal mass and
    D_e = sum_{c != k} n_c n_k / n. Undefined (None) with no pairable values or no
    variation at all.
    """
    if not matrix:
        return None
    width = max(len(row) for row in matrix)
    columns = zip(*(list(row) + [None] * (width - len(row)) for row in matrix), strict=True)
    values_seen = {v for row in matrix for v in row if v is not None}
    if values_seen <= {0, 1}:
        return _binary_alpha(columns)
    disagree = 0.0
    totals: Counter = Counter()
    for column in columns:
        values = Counter(v for v in column if v is not None)
        m = sum(values.values())
        if m < 2:
            continue
        same = sum(n * (n - 1) for n in values.values())
        disagree += (m * (m - 1) - same) / (m - 1)
        totals.update(values)
    return _alpha(disagree, list(totals.values()))


def _binary_alpha(columns: Iterable[tuple[Hashable | None, ...]]) -> float | None:
    """The same for 0/1 values, counted without building a Counter per unit (100,000 units in well under a second)."""
    disagree = 0.0
    ones = zeros = 0
    for column in columns:
        k = column.count(1)
        m = k + column.count(0)
        if m < 2:
            continue
        disagree += 2 * k * (m - k) / (m - 1)
        ones += k
        zeros += m - k
    return _alpha(disagree, [ones, zeros])


def _alpha(disagree: float, totals: list[int]) -> float | None:
    n = sum(totals)
    if n <= 1:
        return None
    expected = (n * n - sum(v * v for v in totals)) / (n - 1)
    if expected == 0:
        return None
    return 1 - disagree / expected


def summarise(ratings: dict[int, set[int]], units: int, alpha: bool = True) -> dict:
    coders = sorted(ratings)
    kappa = None
    if len(coders) == 2:
        kappa = cohen_kappa(ratings[coders[0]], ratings[coders[1]], units)
    return {
        "coders": coders,
        "units": units,
        "percent_agreement": percent_agreement(ratings, units),
        "cohen_kappa": kappa,
        "krippendorff_alpha": krippendorff_alpha_nominal(binary_matrix(ratings, units))
        if alpha and len(coders) >= 2 else None,
    }
