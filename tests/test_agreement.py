"""Agreement figures equal the reference implementations (scikit-learn, krippendorff) to 1e-9."""
from __future__ import annotations

import math
import random
import warnings

import pytest

from storybank.coding.agreement import (
    binary_matrix,
    cohen_kappa,
    krippendorff_alpha_nominal,
    percent_agreement,
    summarise,
)

krippendorff = pytest.importorskip("krippendorff")
sklearn_metrics = pytest.importorskip("sklearn.metrics")


def _reference_kappa(a: set[int], b: set[int], units: int) -> float | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = sklearn_metrics.cohen_kappa_score([int(u in a) for u in range(units)],
                                                  [int(u in b) for u in range(units)])
    return None if math.isnan(value) else float(value)


def _reference_alpha(matrix: list[list[int | None]]) -> float | None:
    data = [[math.nan if v is None else v for v in row] for row in matrix]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            value = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
        except (ValueError, ZeroDivisionError):
            return None
    return None if math.isnan(value) else float(value)


def _same(ours: float | None, reference: float | None) -> bool:
    if ours is None or reference is None:
        return ours is None and reference is None
    return math.isclose(ours, reference, rel_tol=0, abs_tol=1e-9)


@pytest.mark.parametrize("seed", range(200))
def test_cohen_kappa_matches_scikit_learn(seed):
    rng = random.Random(seed)
    units = rng.randint(1, 300)
    p, q = rng.choice([0, 0.05, 0.3, 0.5, 0.9, 1]), rng.choice([0, 0.1, 0.5, 1])
    a = {u for u in range(units) if rng.random() < p}
    b = {u for u in range(units) if (u in a and rng.random() < 0.8) or rng.random() < q * 0.3}
    assert _same(cohen_kappa(a, b, units), _reference_kappa(a, b, units)), (units, a, b)


@pytest.mark.parametrize("seed", range(200))
def test_krippendorff_alpha_matches_the_reference(seed):
    rng = random.Random(1000 + seed)
    coders, units = rng.randint(2, 5), rng.randint(1, 300)
    labels = rng.choice([(0, 1), (0, 1, 2), ("a", "b", "c", "d")])
    missing = rng.choice([0, 0, 0.1, 0.4])
    truth = [rng.choice(labels) for _ in range(units)]
    matrix = [[None if rng.random() < missing else (truth[u] if rng.random() < 0.7 else rng.choice(labels))
               for u in range(units)] for _ in range(coders)]
    numeric = {label: i for i, label in enumerate(labels)}
    as_numbers = [[None if v is None else numeric[v] for v in row] for row in matrix]
    assert _same(krippendorff_alpha_nominal(matrix), _reference_alpha(as_numbers))


@pytest.mark.parametrize("seed", range(50))
def test_binary_codings_alpha_matches_the_reference(seed):
    rng = random.Random(5000 + seed)
    units = rng.randint(2, 200)
    ratings = {c: {u for u in range(units) if rng.random() < rng.choice([0.1, 0.5])} for c in range(rng.randint(2, 5))}
    summary = summarise(ratings, units)
    assert _same(summary["krippendorff_alpha"], _reference_alpha(binary_matrix(ratings, units)))
    if len(ratings) == 2:
        a, b = (ratings[c] for c in sorted(ratings))
        assert _same(summary["cohen_kappa"], _reference_kappa(a, b, units))
    else:
        assert summary["cohen_kappa"] is None


def test_hand_checked_values():
    # Perfect agreement with variation: every figure is 1.
    ratings = {1: {0, 2}, 2: {0, 2}}
    assert summarise(ratings, 4) == {"coders": [1, 2], "units": 4, "percent_agreement": 1.0,
                                     "cohen_kappa": 1.0, "krippendorff_alpha": 1.0}
    # Two coders, ten units, agree on 8: 2 both-yes, 6 both-no, one each alone.
    a, b = {0, 1, 2}, {0, 1, 3}
    assert percent_agreement({1: a, 2: b}, 10) == 0.8
    assert math.isclose(cohen_kappa(a, b, 10), (0.8 - 0.58) / 0.42)
    # Krippendorff's own worked example (nominal, 4 coders, 12 units, missing values): 0.743.
    example = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
        [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
    ]
    assert round(krippendorff_alpha_nominal(example), 3) == 0.743


def test_undefined_cases_are_none():
    assert cohen_kappa(set(), set(), 5) is None  # nobody coded anything: no variation
    assert cohen_kappa(set(), set(), 0) is None
    assert percent_agreement({1: set()}, 5) is None
    assert krippendorff_alpha_nominal([[1, 1], [1, 1]]) is None
    assert krippendorff_alpha_nominal([[1, None], [None, 2]]) is None  # nothing pairable
    assert krippendorff_alpha_nominal([]) is None
