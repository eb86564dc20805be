"""Krippendorff's unitizing alpha (αU) against the worked examples of Krippendorff (1995, 2004)
with their published values, small cases computed by hand, and a direct double sum over every
pair of segments (units and gaps) on random data."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from annotator.core.agreement.token_labels import Span
from annotator.core.agreement.unitizing import NO_UNITS, NOT_ALL_CODED, UnitizingTally


def spans(label: str, *units: tuple[int, int]) -> list[Span]:
    """Spans of one label from (start, length) pairs, as the literature writes units."""
    return [Span(label, start, start + length) for start, length in units]


def krippendorff_2004() -> UnitizingTally:
    """Content Analysis, 2nd ed. (2004), p. 254: two observers on the continuum 150-450,
    categories c and k (shifted here to start at 0)."""
    tally = UnitizingTally(2, ["c", "k"])
    first = spans("c", (75, 70), (220, 30)) + spans("k", (30, 60), (150, 50))
    second = spans("c", (70, 80), (205, 20), (250, 20)) + spans("k", (30, 60), (150, 50))
    tally.add(300, [first, second])
    return tally


def test_krippendorff_2004_worked_example() -> None:
    tally = krippendorff_2004()
    d_o, d_e = tally.disagreements("c")
    assert float(d_o) == pytest.approx(0.0144, abs=1e-4)
    assert float(d_e) == pytest.approx(0.0532, abs=1e-4)
    assert tally.alpha("c").value == pytest.approx(0.7286, abs=1e-4)
    d_o, d_e = tally.disagreements("k")
    assert d_o == 0 and float(d_e) == pytest.approx(0.0490, abs=1e-4)
    assert tally.alpha("k").value == 1.0
    # Over both categories: 1 - (sum of D_o) / (sum of D_e); published 0.859.
    assert tally.alpha().value == pytest.approx(0.8591, abs=5e-4)


# Krippendorff (1995), p. 57: four pairs of coders on a continuum of 24, each pair with its own
# category; published observed disagreements (exact) and alphas (for a fine-grained continuum).
EXAMPLE_1995 = {
    "A": ([(2, 8), (14, 6)], [(4, 4), (15, 2)], 0.03125, 0.553),
    "B": ([(0, 18)], [(0, 2), (2, 1), (3, 1), (4, 1), (5, 1), (6, 3), (9, 1)], 2.26736, -0.926),
    "C": (
        [(2, 6), (10, 2), (14, 4), (20, 2)],
        [(0, 2), (4, 4), (10, 4), (16, 2), (20, 2)],
        0.02777,
        0.679,
    ),
    "D": (
        [(0, 2), (2, 8), (10, 4), (14, 6), (20, 4)],
        [(0, 4), (4, 4), (8, 7), (15, 2), (17, 7)],
        0.38715,
        0.066,
    ),
}


@pytest.mark.parametrize("category", sorted(EXAMPLE_1995))
def test_krippendorff_1995_worked_examples(category: str) -> None:
    first, second, published_d_o, published_alpha = EXAMPLE_1995[category]
    tally = UnitizingTally(2, [category])
    tally.add(24, [spans(category, *first), spans(category, *second)])
    assert float(tally.disagreements(category)[0]) == pytest.approx(published_d_o, abs=1e-5)
    # The published alphas treat the continuum as (nearly) continuous: stretch it.
    stretch = 50_000
    fine = UnitizingTally(2, [category])
    fine.add(
        24 * stretch,
        [
            spans(category, *[(s * stretch, n * stretch) for s, n in first]),
            spans(category, *[(s * stretch, n * stretch) for s, n in second]),
        ],
    )
    assert fine.alpha(category).value == pytest.approx(published_alpha, abs=0.02)


def test_hand_computed_small_case() -> None:
    # L = 10, two analysts: [2, 6) against [3, 6). δ² = 1² + 0² = 1, both orders: 2.
    # D_o = 2 / (2 * 1 * 100) = 1/100.
    # Units l = 4 and 3, N_c = 2; gaps: 2, 4 (first) and 3, 4 (second).
    # Unit 4: (1)(128 - 48 + 4)/3 = 28; gaps >= 4: 4, 4 -> (1 + 1) * 16 = 32.
    # Unit 3: (1)(54 - 27 + 3)/3 = 10; gaps >= 3: 4, 3, 4 -> (2 + 1 + 2) * 9 = 45.
    # D_e = (2/10) * 115 / (2*10*19 - (12 + 6)) = 23 / 362.
    tally = UnitizingTally(2, ["X"])
    tally.add(10, [spans("X", (2, 4)), spans("X", (3, 3))])
    assert tally.disagreements("X") == (Fraction(1, 100), Fraction(23, 362))
    assert tally.alpha("X").value == pytest.approx(1 - (1 / 100) / (23 / 362))


def test_a_unit_the_other_left_out_counts_its_length_squared() -> None:
    tally = UnitizingTally(2, ["X"])
    tally.add(10, [spans("X", (2, 4)), []])
    assert tally.disagreements("X")[0] == Fraction(2 * 16, 2 * 100)


def test_overlapping_spans_of_one_analyst_are_one_unit() -> None:
    joined = UnitizingTally(2, ["X"])
    joined.add(20, [spans("X", (2, 6), (5, 5)), spans("X", (2, 8))])
    assert joined.alpha("X").value == 1.0


def test_undefined_values_say_why() -> None:
    empty = UnitizingTally(2, ["X"])
    assert empty.alpha().reason == NOT_ALL_CODED
    unused = UnitizingTally(2, ["X", "Y"])
    unused.add(10, [spans("X", (0, 2)), spans("X", (0, 2))])
    assert unused.alpha("Y").value is None and unused.alpha("Y").reason == NO_UNITS
    assert unused.alpha().value == 1.0  # Y adds nothing to the sums


def direct(length_by_doc: list[int], coders: list[list[list[tuple[int, int]]]]) -> float:
    """αU of one category by the definition: every pair of segments (units and gaps) of every
    pair of analysts, and the expected disagreement term by term."""
    m = len(coders)
    total = sum(length_by_doc)
    obs = 0
    segments: list[list[tuple[int, int, bool]]] = [[] for _ in range(m)]
    offset = 0
    for d, length in enumerate(length_by_doc):
        for i in range(m):
            here = 0
            for start, end in sorted(coders[i][d]):
                if start > here:
                    segments[i].append((offset + here, offset + start, False))
                segments[i].append((offset + start, offset + end, True))
                here = end
            if here < length:
                segments[i].append((offset + here, offset + length, False))
        offset += length
    for i in range(m):
        for j in range(m):
            if i == j:
                continue
            for gs, ge, gu in segments[i]:
                for hs, he, hu in segments[j]:
                    if gu and hu and gs < he and hs < ge:
                        obs += (gs - hs) ** 2 + (ge - he) ** 2
                    elif gu and not hu and hs <= gs and ge <= he:
                        obs += (ge - gs) ** 2
                    elif hu and not gu and gs <= hs and he <= ge:
                        obs += (he - hs) ** 2
    d_o = Fraction(obs, m * (m - 1) * total * total)
    units = [e - s for seg in segments for s, e, u in seg if u]
    gaps = [e - s for seg in segments for s, e, u in seg if not u]
    n_c = len(units)
    numerator = Fraction(0)
    for size in units:
        numerator += Fraction((n_c - 1) * (2 * size**3 - 3 * size**2 + size), 3)
        numerator += size * size * sum(g - size + 1 for g in gaps if g >= size)
    d_e = (
        Fraction(2, total)
        * numerator
        / (m * total * (m * total - 1) - sum(u * (u - 1) for u in units))
    )
    return float(1 - d_o / d_e)


def test_matches_the_definition_on_random_documents() -> None:
    rng = random.Random(14)
    for _ in range(40):
        m = rng.choice([2, 3, 4])
        lengths = [rng.randint(5, 60) for _ in range(rng.randint(1, 3))]
        coders: list[list[list[tuple[int, int]]]] = []
        for _i in range(m):
            per_doc = []
            for length in lengths:
                units, here = [], 0
                while here < length - 1 and rng.random() < 0.7:
                    start = rng.randint(here, length - 1)
                    end = rng.randint(start + 1, min(length, start + 12))
                    units.append((start, end))
                    here = end + rng.randint(0, 3)
                per_doc.append(units)
            coders.append(per_doc)
        if not any(u for c in coders for u in c):
            continue
        tally = UnitizingTally(m, ["X"])
        for d, length in enumerate(lengths):
            tally.add(length, [[Span("X", s, e) for s, e in coders[i][d]] for i in range(m)])
        assert tally.alpha("X").value == pytest.approx(direct(lengths, coders), abs=1e-12)
