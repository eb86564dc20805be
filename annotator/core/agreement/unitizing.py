"""Krippendorff's unitizing alpha (αU): boundaries and labels together.

Follows K. Krippendorff, "On the reliability of unitizing continuous data", Sociological
Methodology 25 (1995), and Content Analysis, 2nd ed. (2004), section 12.4, as INCEpTION computes
it through DKPro Agreement:

- The continuum is the text of the documents every compared analyst coded, in code points
  (length L, summed over documents). Each analyst's spans of one label are that label's units;
  the stretches between them (and to each document's start and end) are gaps. A gap ends at a
  document's end: units and gaps never run from one document into the next.
- An analyst's overlapping spans of one label are first joined into one unit (αU needs one
  analyst's units of a label not to overlap); spans that only touch stay two units.
- Observed disagreement of label c over the m analysts:
  D_o = Σ_i Σ_(j≠i) Σ_g Σ_h δ²(g, h) / (m (m − 1) L²), where for a unit g of analyst i and a
  segment h of analyst j: δ² = (start_g − start_h)² + (end_g − end_h)² if h is a unit that
  overlaps g; l_g² if h is a gap holding all of g (and symmetrically); 0 otherwise.
- Expected disagreement, with N_c units of c of all analysts and the gaps of all analysts:
  D_e = (2 / L) Σ_units g [ (N_c − 1)(2l³ − 3l² + l) / 3 + l² Σ_(gaps h, l_h ≥ l) (l_h − l + 1) ]
  / [ m L (m L − 1) − Σ_units l (l − 1) ], with l the length of g.
- αU of label c = 1 − D_o / D_e; over all labels αU = 1 − Σ_c D_o / Σ_c D_e (labels nobody used
  add nothing). Undefined when no document was coded by all of them, or when D_e = 0 (nobody used
  the label, or units and gaps leave no room for chance: the whole text is one unit).

Every sum is kept as an exact integer; only the final ratio is a float.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations

from annotator.core.agreement.statistics import Statistic
from annotator.core.agreement.token_labels import Span

NOT_ALL_CODED = "no document was coded by every analyst compared"
NO_UNITS = "nobody tagged this label in the documents compared"

Unit = tuple[int, int]


def units_of(spans: Iterable[Span], label: str) -> list[Unit]:
    """One analyst's units of a label: their spans of it, overlapping ones joined, in order."""
    units: list[Unit] = []
    for start, end in sorted((s.start, s.end) for s in spans if s.label == label):
        if units and start < units[-1][1]:
            units[-1] = (units[-1][0], max(units[-1][1], end))
        else:
            units.append((start, end))
    return units


def gaps_of(units: Sequence[Unit], length: int) -> list[int]:
    """Lengths of the stretches of a document of `length` code points between the units."""
    gaps: list[int] = []
    here = 0
    for start, end in units:
        if start > here:
            gaps.append(start - here)
        here = max(here, end)
    if here < length:
        gaps.append(length - here)
    return gaps


def observed(first: Sequence[Unit], second: Sequence[Unit]) -> int:
    """Σ_g Σ_h δ² between two analysts' units of a label in one document, one direction.

    A unit overlapping none of the other's units lies wholly inside one of their gaps.
    """
    total = 0
    second_starts = [u[0] for u in second]
    matched_second: set[int] = set()
    for start, end in first:
        hit = False
        # Units of the other analyst starting before this one ends; they do not overlap each
        # other, so only the last few can reach this one.
        index = bisect_left(second_starts, end) - 1
        while index >= 0 and second[index][1] > start:
            other_start, other_end = second[index]
            total += (start - other_start) ** 2 + (end - other_end) ** 2
            matched_second.add(index)
            hit = True
            index -= 1
        if not hit:
            total += (end - start) ** 2
    for index, (start, end) in enumerate(second):
        if index not in matched_second:
            total += (end - start) ** 2
    return total


@dataclass(frozen=True)
class LabelUnits:
    """One analyst's units of one label in a document, and the gaps between them."""

    units: list[Unit]
    gaps: list[int]


_NO_UNITS = LabelUnits([], [])
#: One analyst's units in a document, by label (labels they did not use are absent).
Coded = dict[str, LabelUnits]


def coded(spans: Iterable[Span], length: int) -> Coded:
    """An analyst's spans in a document of `length` code points as units, by label."""
    by_label: dict[str, list[Span]] = defaultdict(list)
    for span in spans:
        by_label[span.label].append(span)
    result: Coded = {}
    for label, own in by_label.items():
        units = units_of(own, label)
        result[label] = LabelUnits(units, gaps_of(units, length))
    return result


class UnitizingTally:
    """αU of `raters` analysts, gathered document by document, per label."""

    def __init__(self, raters: int, labels: Sequence[str]) -> None:
        self.raters = raters
        self.labels = tuple(labels)
        self._wanted = frozenset(labels)
        self.length = 0
        self.documents = 0
        self._observed: dict[str, int] = defaultdict(int)
        self._units: dict[str, list[int]] = defaultdict(list)
        # Gap lengths per label, beside the whole documents of analysts who left it unused:
        # those are counted once for every label (`_whole`) and taken back (`_not_whole`).
        self._gaps: dict[str, Counter[int]] = defaultdict(Counter)
        self._whole: Counter[int] = Counter()
        self._not_whole: dict[str, Counter[int]] = defaultdict(Counter)
        self._cache: dict[str, tuple[Fraction, Fraction]] = {}

    def add(self, length: int, coders: Sequence[Sequence[Span]]) -> None:
        """One document of `length` code points, coded by every analyst (their spans)."""
        self.add_coded(length, [coded(spans, length) for spans in coders])

    def add_coded(self, length: int, coders: Sequence[Coded]) -> None:
        """As `add`, with each analyst's units already made (`coded`, shared by tallies)."""
        assert len(coders) == self.raters
        self.documents += 1
        self.length += length
        self._whole[length] += self.raters
        self._cache.clear()
        used = {label for one in coders for label in one} & self._wanted
        for label in used:
            units = [one.get(label, _NO_UNITS) for one in coders]
            for own in units:
                if own.units:
                    self._units[label].extend(end - start for start, end in own.units)
                    self._gaps[label].update(own.gaps)
                    self._not_whole[label][length] += 1
            for first, second in combinations(units, 2):
                # δ² is symmetric: each unordered pair counts for both orders.
                self._observed[label] += 2 * observed(first.units, second.units)

    def disagreements(self, label: str) -> tuple[Fraction, Fraction]:
        """(D_o, D_e) of a label; (0, 0) when nobody used it."""
        if label not in self._cache:
            self._cache[label] = self._disagreements(label)
        return self._cache[label]

    def _disagreements(self, label: str) -> tuple[Fraction, Fraction]:
        lengths = self._units.get(label, [])
        if not lengths or self.length == 0:
            return Fraction(0), Fraction(0)
        m, total = self.raters, self.length
        d_o = Fraction(self._observed[label], m * (m - 1) * total * total)
        gaps = self._gap_lengths(label)
        distinct = sorted(gaps)
        # Suffix sums over the distinct gap lengths, of their number and their total length:
        # for a unit of length l, Σ over gaps h ≥ l of (h − l + 1).
        count_from = [0] * (len(distinct) + 1)
        total_from = [0] * (len(distinct) + 1)
        for index in range(len(distinct) - 1, -1, -1):
            size, many = distinct[index], gaps[distinct[index]]
            count_from[index] = count_from[index + 1] + many
            total_from[index] = total_from[index + 1] + many * size
        n_c = len(lengths)
        within = 0  # Σ (2l³ − 3l² + l): each term is 6 × a sum of squares, so divisible by 3
        beside = 0
        for size in lengths:
            first = bisect_left(distinct, size)
            within += 2 * size**3 - 3 * size**2 + size
            beside += size * size * (total_from[first] - (size - 1) * count_from[first])
        numerator = (n_c - 1) * within // 3 + beside
        denominator = m * total * (m * total - 1) - sum(size * (size - 1) for size in lengths)
        if denominator <= 0:
            return d_o, Fraction(0)
        return d_o, Fraction(2, total) * numerator / denominator

    def _gap_lengths(self, label: str) -> Counter[int]:
        """How many gaps of each length (all analysts, all documents) the label leaves."""
        gaps = self._whole - self._not_whole.get(label, Counter())
        gaps.update(self._gaps.get(label, Counter()))
        return gaps

    def alpha(self, label: str | None = None) -> Statistic:
        """αU of one label, or over all labels (None)."""
        if self.documents == 0:
            return Statistic(None, 0, NOT_ALL_CODED)
        labels = self.labels if label is None else (label,)
        d_o = d_e = Fraction(0)
        units = 0
        for name in labels:
            o, e = self.disagreements(name)
            d_o, d_e = d_o + o, d_e + e
            units += len(self._units.get(name, []))
        if units == 0:
            return Statistic(None, 0, NO_UNITS)
        if d_e == 0:
            return Statistic(None, units, "no room for chance: the units leave no gaps")
        return Statistic(float(1 - d_o / d_e), units)
