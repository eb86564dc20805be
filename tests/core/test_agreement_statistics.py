"""Cohen's kappa and Krippendorff's alpha: worked examples from the literature, cross-checks
against independent implementations (the `krippendorff` package, scikit-learn), and the
undefined cases answered with a reason instead of a division by zero."""

from __future__ import annotations

import math
import random

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from annotator.core.agreement.statistics import (
    NO_PAIRABLE,
    ONE_CATEGORY,
    Coincidences,
    Confusion,
    cohen_kappa,
    krippendorff_alpha,
)

N = None

# K. Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011), example C: four
# observers, twelve units, nominal values with missing data.
FOUR_OBSERVERS = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]


def test_krippendorff_2011_four_observers_with_missing_data_nominal() -> None:
    result = krippendorff_alpha(FOUR_OBSERVERS, "nominal")
    assert result.value == pytest.approx(0.743, abs=5e-4)
    # Unit 12 has one value and drops out; the other 11 units hold 40 pairable values.
    assert result.n == 40


@pytest.mark.parametrize(("metric", "expected"), [("ordinal", 0.815), ("interval", 0.849)])
def test_the_same_data_ordinal_and_interval(metric: str, expected: float) -> None:
    result = krippendorff_alpha(FOUR_OBSERVERS, metric)  # type: ignore[arg-type]
    assert result.value == pytest.approx(expected, abs=5e-4)


def test_krippendorff_2011_binary_two_observers() -> None:
    # Example A: two observers, ten units, 0/1: alpha = 0.095.
    mary = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    dave = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    assert krippendorff_alpha([mary, dave]).value == pytest.approx(0.095, abs=5e-4)


def test_krippendorff_2011_nominal_two_observers() -> None:
    # Example B: Ben and Gerry, twelve units, five categories: alpha = 0.692.
    ben, gerry = list("aabbdcccedda"), list("babbbccceddd")
    assert krippendorff_alpha([ben, gerry]).value == pytest.approx(0.692, abs=5e-4)


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        # Wikipedia, "Cohen's kappa": 50 grant proposals read by two readers.
        ((20, 5, 10, 15), 0.4),
        # The same page: equal observed agreement (60%), different kappa.
        ((45, 15, 25, 15), 0.1304),
        ((25, 35, 5, 35), 0.2593),
    ],
)
def test_cohen_kappa_textbook_tables(cells: tuple[int, int, int, int], expected: float) -> None:
    confusion = Confusion()
    for (a, b), count in zip(
        [("yes", "yes"), ("yes", "no"), ("no", "yes"), ("no", "no")], cells, strict=True
    ):
        confusion.add(a, b, count)
    assert confusion.kappa().value == pytest.approx(expected, abs=5e-5)
    assert confusion.kappa().n == sum(cells)


def _random_matrix(
    rng: random.Random, coders: int, units: int, values: int
) -> list[list[int | None]]:
    return [
        [rng.randint(1, values) if rng.random() > 0.25 else None for _ in range(units)]
        for _ in range(coders)
    ]


@pytest.mark.parametrize("metric", ["nominal", "ordinal", "interval"])
@pytest.mark.parametrize("seed", range(8))
def test_alpha_matches_the_krippendorff_package(metric: str, seed: int) -> None:
    rng = random.Random(seed)
    # Agreement well above chance in half of the cases: copy a coder with some noise.
    data = _random_matrix(rng, rng.randint(2, 5), rng.randint(5, 60), rng.randint(2, 6))
    if seed % 2:
        data = [
            [
                v if rng.random() < 0.8 else (w if w is not None else v)
                for v, w in zip(data[0], row, strict=True)
            ]
            for row in data
        ]
    theirs = krippendorff.alpha(
        reliability_data=np.array(data, dtype=float), level_of_measurement=metric
    )
    ours = krippendorff_alpha(data, metric)  # type: ignore[arg-type]
    assert ours.value is not None
    assert ours.value == pytest.approx(theirs, abs=1e-9)


def test_ordinal_alpha_uses_the_order_given_not_the_sorted_values() -> None:
    scale = ("low", "mid", "high")
    # Low and high swapped twice: far apart on the scale, neighbours in alphabetical order.
    words = [
        ["low", "high", "mid", "mid", "low", "high"],
        ["high", "low", "mid", "mid", "low", "high"],
    ]
    codes = [[scale.index(v) for v in row] for row in words]
    theirs = krippendorff.alpha(reliability_data=codes, level_of_measurement="ordinal")
    assert krippendorff_alpha(words, "ordinal", order=scale).value == pytest.approx(theirs)
    assert krippendorff_alpha(words, "ordinal", order=scale).value == pytest.approx(0.083, abs=5e-4)
    # Sorted alphabetically ("high" < "low" < "mid") the swaps would look small.
    assert krippendorff_alpha(words, "ordinal").value == pytest.approx(0.771, abs=5e-4)


@pytest.mark.parametrize("seed", range(10))
def test_kappa_matches_scikit_learn(seed: int) -> None:
    rng = random.Random(seed)
    items = rng.randint(5, 200)
    first = [rng.choice("abcd") for _ in range(items)]
    second = [a if rng.random() < 0.6 else rng.choice("abcd") for a in first]
    ours = cohen_kappa(first, second)
    assert ours.value == pytest.approx(cohen_kappa_score(first, second), abs=1e-12)
    assert ours.n == items


def test_kappa_leaves_out_items_one_coder_did_not_code() -> None:
    first = ["a", "b", None, "a", "b", "a"]
    second = ["a", "b", "a", None, "a", "a"]
    both = [(a, b) for a, b in zip(first, second, strict=True) if a and b]
    expected = cohen_kappa_score([a for a, _ in both], [b for _, b in both])
    result = cohen_kappa(first, second)
    assert result.value == pytest.approx(expected)
    assert result.n == 4


def test_weights_count_a_unit_as_often_as_it_repeats() -> None:
    units = [("a", "a", None), ("a", "b", "b"), ("b", "b", "b")]
    weights = [3, 2, 5]
    weighted = Coincidences()
    repeated = Coincidences()
    for unit, weight in zip(units, weights, strict=True):
        weighted.add(unit, weight)
        for _ in range(weight):
            repeated.add(unit)
    assert weighted.alpha().value == pytest.approx(repeated.alpha().value)
    assert weighted.alpha().n == 3 * 2 + 2 * 3 + 5 * 3


def test_one_category_only_is_undefined_with_a_reason() -> None:
    alpha = krippendorff_alpha([["x", "x", "x"], ["x", "x", None]])
    assert alpha.value is None and alpha.reason == ONE_CATEGORY and alpha.n == 4
    kappa = cohen_kappa(["x", "x"], ["x", "x"])
    assert kappa.value is None and kappa.reason == ONE_CATEGORY and kappa.n == 2
    assert str(kappa) == "n/a"


def test_no_pairable_values_is_undefined_with_a_reason() -> None:
    # Every unit has at most one value: nothing to pair.
    alpha = krippendorff_alpha([["a", None, "b"], [None, "a", None]])
    assert alpha.value is None and alpha.reason == NO_PAIRABLE and alpha.n == 0
    assert Coincidences().alpha("ordinal").value is None
    kappa = cohen_kappa(["a", None], [None, "b"])
    assert kappa.value is None and kappa.n == 0 and kappa.reason


def test_perfect_and_systematic_disagreement() -> None:
    assert krippendorff_alpha([[1, 2, 3], [1, 2, 3]]).value == 1.0
    assert cohen_kappa([1, 2, 1, 2], [2, 1, 2, 1]).value == -1.0
    value = krippendorff_alpha([[1, 2, 1, 2], [2, 1, 2, 1]]).value
    assert value is not None and value < 0 and not math.isnan(value)


def test_values_off_an_ordinal_scale_are_refused() -> None:
    with pytest.raises(ValueError, match="not on the ordinal scale"):
        krippendorff_alpha([["low", "odd"], ["low", "low"]], "ordinal", order=("low", "high"))
