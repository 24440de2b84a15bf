"""Inter-coder agreement on sentence units: percent agreement, Cohen's kappa, Krippendorff's alpha.

Pure functions over plain data (no database, no numpy), so they can be checked
against the reference implementations (scikit-learn, the `krippendorff`
package) and run on 100,000 codings. For one code, each coder's judgement of a
unit (sentence 0..N-1) is 1 if the unit is in that coder's set, else 0. Unit
indexes outside 0..N-1 are ignored. A figure that is undefined is None, never nan.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence


def binary_matrix(ratings: dict[int, set[int]], units: int) -> list[list[int]]:
    """Coders (sorted by id) × units, 1 where the coder marked the unit, else 0."""
    matrix = []
    for coder in sorted(ratings):
        row = [0] * max(units, 0)
        for u in ratings[coder]:
            if 0 <= u < units:
                row[u] = 1
        matrix.append(row)
    return matrix


def percent_agreement(ratings: dict[int, set[int]], units: int) -> float | None:
    """Share of units on which every coder agrees (all marked it or none did).

    None with no units or fewer than two coders.
    """
    if units <= 0 or len(ratings) < 2:
        return None
    sets = list(ratings.values())
    # A unit is disagreed on when some coder marked it but not every coder did.
    disputed = set().union(*sets) - set.intersection(*sets)
    disagreements = sum(1 for u in disputed if 0 <= u < units)
    return (units - disagreements) / units


def cohen_kappa(a: set[int], b: set[int], units: int) -> float | None:
    """Cohen's kappa for two coders' 0/1 labels on `units` units.

    Same value as scikit-learn's `cohen_kappa_score`. Where kappa is undefined,
    i.e. expected agreement is 1 (both coders gave every unit the same single
    label, all 1 or all 0), scikit-learn returns nan; this returns None, as it
    does for units <= 0. Two constant coders with opposite labels give 0.0.
    """
    if units <= 0:
        return None
    a = {u for u in a if 0 <= u < units}
    b = {u for u in b if 0 <= u < units}
    n, na, nb = units, len(a), len(b)
    both = len(a & b)
    agree = n - (na + nb - 2 * both)  # both marked or neither did
    # kappa = (p_o - p_e) / (1 - p_e) with p_o = agree / n and p_e = chance / n², in integers.
    chance = na * nb + (n - na) * (n - nb)
    if chance == n * n:
        return None
    return (n * agree - chance) / (n * n - chance)


def krippendorff_alpha_nominal(matrix: Sequence[Sequence[Hashable | None]]) -> float | None:
    """Krippendorff's alpha, nominal metric, for a coders × units matrix; None marks a missing value.

    Rows must be of equal length (ValueError otherwise); values may be any hashable
    labels. Units with fewer than two values are not pairable and are dropped. From
    the coincidence matrix o_ck (a unit with m values adds n_c·n_k/(m-1) to o_ck),
    its marginals n_c and total n: alpha = 1 - D_o/D_e with D_o = Σ_{c≠k} o_ck / n
    and D_e = Σ_{c≠k} n_c·n_k / (n(n-1)). Only the off-diagonal sums are needed, so
    o_ck is never built cell by cell: O(units × coders) plus O(values). None when
    undefined: no pairable unit, or every pairable value the same (D_e == 0).
    """
    columns = list(zip(*matrix, strict=True))
    values = set().union(*matrix)
    values.discard(None)
    if not columns or len(values) < 2:
        return None
    coders = len(matrix)
    # by_m[m]: ordered pairs of different values (Σ_{c≠k} n_cu·n_ku) summed over units with m values.
    by_m = [0] * (coders + 1)
    if values <= {0, 1}:
        ones = zeros = 0
        for column in columns:
            k = column.count(1)
            z = column.count(0)
            if k + z < 2:
                continue
            ones += k
            zeros += z
            by_m[k + z] += 2 * k * z
        totals = [ones, zeros]
    else:
        pairable: list[Hashable] = []
        for column in columns:
            present = [v for v in column if v is not None]
            m = len(present)
            if m < 2:
                continue
            pairable.extend(present)
            if present.count(present[0]) == m:
                continue  # unanimous unit: no disagreeing pairs
            by_m[m] += m * m - sum(c * c for c in Counter(present).values())
        totals = list(Counter(pairable).values())
    n = sum(totals)
    if n < 2:
        return None
    observed = sum(pairs / (m - 1) for m, pairs in enumerate(by_m) if pairs)  # Σ_{c≠k} o_ck
    expected = n * n - sum(t * t for t in totals)  # Σ_{c≠k} n_c·n_k
    if expected == 0:
        return None
    return 1 - (n - 1) * observed / expected


def summarise(ratings: dict[int, set[int]], units: int, *, alpha: bool = True) -> dict:
    """All figures for one code: coders, units, percent agreement, kappa (two coders only) and alpha.

    `alpha=False` skips alpha (left None) for callers that compute it on another matrix.
    """
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
