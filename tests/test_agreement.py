"""Agreement figures equal the reference implementations (scikit-learn, krippendorff) to 1e-9.

Both references are test-only dependencies (setup.cfg, extras `test`); nan from a
reference stands for "undefined", which our functions return as None.
"""
from __future__ import annotations

import math
import random
import warnings

import krippendorff
import pytest
from sklearn.metrics import cohen_kappa_score

from storybank.coding.agreement_measures import (
    binary_matrix,
    cohen_kappa,
    krippendorff_alpha_nominal,
    percent_agreement,
    summarise,
)

PROBABILITIES = (0, 0, 0.02, 0.1, 0.3, 0.5, 0.7, 0.95, 1, 1)


def _reference_kappa(a: set[int], b: set[int], units: int) -> float | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # UndefinedMetricWarning where it returns nan
        value = cohen_kappa_score([int(u in a) for u in range(units)], [int(u in b) for u in range(units)])
    return None if math.isnan(value) else float(value)


def _reference_alpha(matrix: list[list[object | None]]) -> float | None:
    labels = sorted({v for row in matrix for v in row if v is not None}, key=repr)
    number = {label: i for i, label in enumerate(labels)}
    data = [[math.nan if v is None else number[v] for v in row] for row in matrix]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # RuntimeWarning where D_e == 0 gives nan
        try:
            value = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
        except ValueError as error:  # one value in the domain, or no unit with two values
            assert "There has to be" in str(error)
            return None
    return None if math.isnan(value) else float(value)


def _reference_percent(ratings: dict[int, set[int]], units: int) -> float | None:
    if units == 0 or len(ratings) < 2:
        return None
    matrix = binary_matrix(ratings, units)
    return sum(len({row[u] for row in matrix}) == 1 for u in range(units)) / units


def _same(ours: float | None, reference: float | None) -> bool:
    if ours is None or reference is None:
        return ours is None and reference is None
    return math.isclose(ours, reference, rel_tol=0, abs_tol=1e-9)


def _random_ratings(rng: random.Random, coders: int, units: int) -> dict[int, set[int]]:
    """Coders that partly follow a shared 'truth', each with its own marking rate (0 and 1 included).

    One case in five has coders that mark every unit or none, so the undefined cases come up too.
    """
    ids = rng.sample(range(1, 1000), coders)
    if rng.random() < 0.2:
        return {coder: set(range(units)) if rng.random() < 0.5 else set() for coder in ids}
    truth = {u for u in range(units) if rng.random() < rng.choice(PROBABILITIES)}
    ratings = {}
    for coder in ids:
        p, follow = rng.choice(PROBABILITIES), rng.choice((0, 0.5, 0.9, 1))
        ratings[coder] = {u for u in range(units)
                          if (u in truth if rng.random() < follow else rng.random() < p)}
    return ratings


@pytest.mark.parametrize("seed", range(200))
def test_cohen_kappa_matches_scikit_learn(seed):
    rng = random.Random(seed)
    units = rng.randint(1, 300)
    a, b = _random_ratings(rng, 2, units).values()
    assert _same(cohen_kappa(a, b, units), _reference_kappa(a, b, units)), (units, a, b)


@pytest.mark.parametrize("seed", range(200))
def test_krippendorff_alpha_matches_the_reference(seed):
    rng = random.Random(1000 + seed)
    coders, units = rng.randint(2, 5), rng.randint(1, 300)
    labels = rng.choice([(0, 1), (0, 1), (1,), (0, 1, 2), (3, 7, 11, 20), ("a", "b", "c", "d"), ("x", 2)])
    missing = rng.choice([0, 0, 0.1, 0.4, 0.8, 0.97])
    agree = rng.choice([0, 0.5, 0.7, 0.95, 1])
    truth = [rng.choice(labels) for _ in range(units)]
    matrix = [[None if rng.random() < missing else (truth[u] if rng.random() < agree else rng.choice(labels))
               for u in range(units)] for _ in range(coders)]
    assert _same(krippendorff_alpha_nominal(matrix), _reference_alpha(matrix)), matrix


@pytest.mark.parametrize("seed", range(200))
def test_summary_matches_the_references(seed):
    rng = random.Random(5000 + seed)
    units = rng.randint(1, 300)
    ratings = _random_ratings(rng, rng.randint(2, 5), units)
    summary = summarise(ratings, units)
    assert summary["coders"] == sorted(ratings)
    assert summary["units"] == units
    assert _same(summary["percent_agreement"], _reference_percent(ratings, units))
    assert _same(summary["krippendorff_alpha"], _reference_alpha(binary_matrix(ratings, units)))
    if len(ratings) == 2:
        a, b = (ratings[c] for c in sorted(ratings))
        assert _same(summary["cohen_kappa"], _reference_kappa(a, b, units))
    else:
        assert summary["cohen_kappa"] is None


def test_binary_matrix_rows_in_coder_order():
    assert binary_matrix({7: {0, 3}, 2: {1}}, 4) == [[0, 1, 0, 0], [1, 0, 0, 1]]
    assert binary_matrix({1: {5, -1}}, 2) == [[0, 0]]  # out-of-range indexes are ignored
    assert binary_matrix({1: set()}, 0) == [[]]


def test_perfect_agreement():
    ratings = {1: {0, 2}, 2: {0, 2}, 3: {0, 2}}
    assert summarise(ratings, 4) == {"coders": [1, 2, 3], "units": 4, "percent_agreement": 1.0,
                                     "cohen_kappa": None, "krippendorff_alpha": 1.0}
    assert cohen_kappa({0, 2}, {0, 2}, 4) == 1.0
    assert krippendorff_alpha_nominal([["a", "b", None, "c"], ["a", "b", "z", "c"]]) == 1.0


def test_textbook_cohen_kappa():
    # 50 units: both yes 20, A only 5, B only 10, both no 15 -> p_o 0.7, p_e 0.5, kappa 0.4.
    a = set(range(25))
    b = set(range(20)) | set(range(25, 35))
    assert percent_agreement({1: a, 2: b}, 50) == 0.7
    assert math.isclose(cohen_kappa(a, b, 50), 0.4, abs_tol=1e-12)
    # Ten units, agree on 8 (2 both yes, 6 both no): p_e = 0.3·0.3 + 0.7·0.7 = 0.58.
    assert math.isclose(cohen_kappa({0, 1, 2}, {0, 1, 3}, 10), (0.8 - 0.58) / 0.42, abs_tol=1e-12)


def test_krippendorff_worked_examples():
    # Krippendorff, "Computing Krippendorff's alpha-reliability": two coders, binary, ten units: 0.095.
    binary = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0],
              [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]
    assert math.isclose(krippendorff_alpha_nominal(binary), 2 / 21, abs_tol=1e-12)
    # The same paper: four coders, twelve units, missing values, nominal: 0.743.
    example = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
        [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
    ]
    assert round(krippendorff_alpha_nominal(example), 3) == 0.743
    assert _same(krippendorff_alpha_nominal(example), _reference_alpha(example))
    # Labels are compared for equality only: renaming them changes nothing.
    names = {1: "a", 2: "b", 3: "c", 4: "d", 5: "e"}
    renamed = [[None if v is None else names[v] for v in row] for row in example]
    assert krippendorff_alpha_nominal(renamed) == krippendorff_alpha_nominal(example)


def test_systematic_disagreement_is_negative():
    assert percent_agreement({1: {0}, 2: {1}}, 2) == 0.0
    assert cohen_kappa({0}, {1}, 2) == -1.0
    # o_01 = o_10 = 2, n_0 = n_1 = 2, n = 4: alpha = 1 - 3·4/8.
    assert krippendorff_alpha_nominal([[1, 0], [0, 1]]) == -0.5


def test_units_without_two_values_are_dropped():
    assert krippendorff_alpha_nominal([[1, 0, 1, None], [1, None, 0, None]]) == krippendorff_alpha_nominal(
        [[1, 1], [1, 0]])
    assert krippendorff_alpha_nominal([["a", "b", "a"], ["a", None, "b"]]) == krippendorff_alpha_nominal(
        [["a", "a"], ["a", "b"]])


def test_undefined_cases_are_none():
    # Kappa: expected agreement 1 (sklearn gives nan), or no units.
    assert cohen_kappa(set(), set(), 5) is None
    assert cohen_kappa({0, 1, 2}, {0, 1, 2}, 3) is None
    assert _reference_kappa({0, 1, 2}, {0, 1, 2}, 3) is None  # sklearn: nan
    assert cohen_kappa(set(), set(), 0) is None
    # Constant coders with opposite labels are defined: kappa 0, as in sklearn.
    assert cohen_kappa({0, 1, 2}, set(), 3) == 0.0 == _reference_kappa({0, 1, 2}, set(), 3)
    # Percent agreement: fewer than two coders, or no units.
    assert percent_agreement({1: set()}, 5) is None
    assert percent_agreement({}, 5) is None
    assert percent_agreement({1: set(), 2: set()}, 0) is None
    # Alpha: nothing pairable, or no variation (D_e == 0).
    assert krippendorff_alpha_nominal([]) is None
    assert krippendorff_alpha_nominal([[], []]) is None
    assert krippendorff_alpha_nominal([[1, 0, 1]]) is None  # one coder
    assert krippendorff_alpha_nominal([[1, None], [None, 2]]) is None
    assert krippendorff_alpha_nominal([[None, None], [None, None]]) is None
    assert krippendorff_alpha_nominal([[1, 1], [1, 1]]) is None
    assert krippendorff_alpha_nominal([["a", "b", "a"], ["a", None, "a"]]) is None  # "b" is not pairable
    # Summary: fewer than two coders or no units.
    assert summarise({4: {0}}, 3) == {"coders": [4], "units": 3, "percent_agreement": None,
                                      "cohen_kappa": None, "krippendorff_alpha": None}
    assert summarise({1: set(), 2: set()}, 0)["percent_agreement"] is None
    assert summarise({1: {0}, 2: {1}}, 3, alpha=False)["krippendorff_alpha"] is None


def test_out_of_range_units_are_ignored():
    assert percent_agreement({1: {0, 9}, 2: {0, -1}}, 2) == 1.0
    assert cohen_kappa({0, 9}, {0, -1}, 2) == 1.0


def test_ragged_matrix_is_rejected():
    with pytest.raises(ValueError):
        krippendorff_alpha_nominal([[1, 0, 1], [1, 0]])
