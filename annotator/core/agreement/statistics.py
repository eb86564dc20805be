"""Chance-corrected agreement: Cohen's kappa, Fleiss' kappa and Krippendorff's alpha.

Both are computed from counts (a confusion matrix, a coincidence matrix) to which units are
added with a weight, so that a run of identically coded tokens is added once. Neither divides
by zero: where a statistic is undefined the result has `value` None and a `reason`.

Krippendorff's alpha follows K. Krippendorff, "Computing Krippendorff's Alpha-Reliability"
(2011): values of a unit are paired by every coder with every other, each pair weighted
1 / (m_u - 1); units with fewer than two values are not pairable and drop out;
alpha = 1 - (n - 1) * sum(o_ck * d_ck) / sum(n_c * n_k * d_ck), with the nominal, ordinal
and interval difference functions d_ck.

Fleiss' kappa follows J. L. Fleiss, "Measuring nominal scale agreement among many raters",
Psychological Bulletin 76 (1971): every unit has the same number n of ratings; with n_uj the
ratings of unit u in category j, P_u = (sum_j n_uj^2 - n) / (n (n - 1)), P = the mean of P_u,
p_j = sum_u n_uj / (N n), P_e = sum_j p_j^2, kappa = (P - P_e) / (1 - P_e).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

Metric = Literal["nominal", "ordinal", "interval"]
METRICS: tuple[Metric, ...] = ("nominal", "ordinal", "interval")
_Delta = Callable[[Hashable, Hashable], float]


@dataclass(frozen=True)
class Statistic:
    """A statistic's value, or None with the reason it is undefined.

    `n` is what it rests on: pairable values for alpha, items both coded for kappa.
    """

    value: float | None
    n: int
    reason: str = ""

    def __str__(self) -> str:
        return "n/a" if self.value is None else f"{self.value:.3f}"


NO_PAIRABLE = "no unit was coded by two or more coders"
ONE_CATEGORY = "every value is the same: agreement cannot be told apart from chance"


class Coincidences:
    """Krippendorff's coincidence matrix, filled unit by unit (any number of coders)."""

    def __init__(self) -> None:
        self.pairs: defaultdict[tuple[Hashable, Hashable], float] = defaultdict(float)

    def add(self, values: Iterable[Hashable | None], weight: float = 1) -> None:
        """One unit's values (None = not coded), counted `weight` times."""
        counts = Counter(v for v in values if v is not None)
        m = sum(counts.values())
        if m < 2:
            return  # not pairable
        share = weight / (m - 1)
        for c, n_c in counts.items():
            for k, n_k in counts.items():
                self.pairs[c, k] += share * n_c * (n_k - (c == k))

    def values(self) -> defaultdict[Hashable, float]:
        """n_c: how often each value was paired."""
        totals: defaultdict[Hashable, float] = defaultdict(float)
        for (c, _k), o in self.pairs.items():
            totals[c] += o
        return totals

    def alpha(
        self, metric: Metric = "nominal", order: Sequence[Hashable] | None = None
    ) -> Statistic:
        """Alpha under `metric`. Ordinal ranks values by `order` (default: sorted values);
        interval needs numbers."""
        totals = self.values()
        n = sum(totals.values())
        if n < 2:
            return Statistic(None, round(n), NO_PAIRABLE)
        delta = _difference(metric, totals, order)
        observed = sum(o * delta(c, k) for (c, k), o in self.pairs.items() if c != k)
        expected = sum(
            totals[c] * totals[k] * delta(c, k) for c in totals for k in totals if c != k
        )
        if expected == 0:
            return Statistic(None, round(n), ONE_CATEGORY)
        return Statistic(1 - (n - 1) * observed / expected, round(n))


def _difference(
    metric: Metric, totals: defaultdict[Hashable, float], order: Sequence[Hashable] | None
) -> _Delta:
    if metric == "nominal":
        return lambda c, k: 0.0 if c == k else 1.0
    if metric == "interval":

        def interval(c: Hashable, k: Hashable) -> float:
            return (float(c) - float(k)) ** 2  # type: ignore[arg-type]

        return interval
    if metric == "ordinal":
        ranks = list(order) if order is not None else sorted(totals)  # type: ignore[type-var]
        unknown = [v for v in totals if v not in ranks]
        if unknown:
            raise ValueError(f"values {unknown!r} are not on the ordinal scale {ranks!r}")
        # d_ck = (sum of n_g for the ranks g from c to k - (n_c + n_k) / 2) ** 2, from
        # cumulative frequencies along the scale (values nobody used count 0).
        rank = {value: i for i, value in enumerate(ranks)}
        cumulative: list[float] = []
        running = 0.0
        for value in ranks:
            running += totals.get(value, 0)
            cumulative.append(running)

        def ordinal(c: Hashable, k: Hashable) -> float:
            lo, hi = sorted((rank[c], rank[k]))
            between = cumulative[hi] - cumulative[lo] + totals[ranks[lo]]
            return (between - (totals[c] + totals[k]) / 2) ** 2

        return ordinal
    raise ValueError(f"unknown metric {metric!r}; use one of {METRICS}")


def krippendorff_alpha(
    reliability_data: Sequence[Sequence[Hashable | None]],
    metric: Metric = "nominal",
    *,
    order: Sequence[Hashable] | None = None,
) -> Statistic:
    """Alpha of a coders × units table (None = missing), as laid out in Krippendorff (2011)."""
    matrix = Coincidences()
    for unit in zip(*reliability_data, strict=True):
        matrix.add(unit)
    return matrix.alpha(metric, order)


class Confusion:
    """Two coders' joint counts, for Cohen's kappa."""

    def __init__(self) -> None:
        self.cells: Counter[tuple[Hashable, Hashable]] = Counter()

    def add(self, first: Hashable, second: Hashable, weight: int = 1) -> None:
        self.cells[first, second] += weight

    @property
    def n(self) -> int:
        return sum(self.cells.values())

    def kappa(self) -> Statistic:
        """Cohen's kappa: (p_o - p_e) / (1 - p_e), p_e from each coder's own marginals."""
        n = self.n
        if n == 0:
            return Statistic(None, 0, "no item was coded by both")
        firsts: Counter[Hashable] = Counter()
        seconds: Counter[Hashable] = Counter()
        agreed = 0
        for (a, b), count in self.cells.items():
            firsts[a] += count
            seconds[b] += count
            if a == b:
                agreed += count
        expected = sum(firsts[c] * seconds[c] for c in firsts) / (n * n)
        if expected == 1:
            return Statistic(None, n, ONE_CATEGORY)
        return Statistic((agreed / n - expected) / (1 - expected), n)


def cohen_kappa(first: Sequence[Hashable | None], second: Sequence[Hashable | None]) -> Statistic:
    """Kappa of two coders' values for the same items; items either left out (None) drop out."""
    confusion = Confusion()
    for a, b in zip(first, second, strict=True):
        if a is not None and b is not None:
            confusion.add(a, b)
    return confusion.kappa()


NOT_EVERY_CODER = "no unit was coded by every analyst"


class Fleiss:
    """Fleiss' kappa, filled unit by unit; a unit someone did not code (None) is left out, as
    the statistic needs the same number of ratings for every unit."""

    def __init__(self) -> None:
        self.units = 0
        self.agreement = Fraction(0)
        self.totals: Counter[Hashable] = Counter()
        self.raters: int | None = None

    def add(self, values: Sequence[Hashable | None], weight: int = 1) -> None:
        if any(v is None for v in values) or len(values) < 2:
            return
        n = len(values)
        if self.raters is None:
            self.raters = n
        elif n != self.raters:
            raise ValueError(f"every unit needs {self.raters} ratings, not {n}")
        counts = Counter(values)
        agreeing = sum(c * c for c in counts.values()) - n
        self.units += weight
        self.agreement += Fraction(weight * agreeing, n * (n - 1))
        for value, count in counts.items():
            self.totals[value] += weight * count

    def kappa(self) -> Statistic:
        if not self.units or self.raters is None:
            return Statistic(None, 0, NOT_EVERY_CODER)
        ratings = self.units * self.raters
        mean = self.agreement / self.units
        expected = sum((Fraction(t, ratings) ** 2 for t in self.totals.values()), Fraction(0))
        if expected == 1:
            return Statistic(None, self.units, ONE_CATEGORY)
        return Statistic(float((mean - expected) / (1 - expected)), self.units)


def fleiss_kappa(table: Sequence[Sequence[Hashable | None]]) -> Statistic:
    """Fleiss' kappa of a units × ratings table (each row one unit's ratings)."""
    fleiss = Fleiss()
    for row in table:
        fleiss.add(row)
    return fleiss.kappa()
