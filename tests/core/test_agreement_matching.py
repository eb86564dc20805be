"""Span matching under overlap is a maximum matching with the written tie rule, checked against
every possible pairing on small random cases."""

from __future__ import annotations

import random
from itertools import permutations

from annotator.core.agreement.matching import maximum_overlap_matching, reading_order
from annotator.core.agreement.token_labels import Span


def S(start: int, end: int, label: str = "Claim") -> Span:  # noqa: N802
    return Span(label, start, end)


def test_more_pairs_beat_one_large_overlap() -> None:
    # Greedy takes [0, 10)–[2, 11) (8 code points shared) and leaves both others unmatched;
    # the maximum matching pairs all four.
    ours = [S(0, 10), S(9, 12)]
    theirs = [S(2, 11), S(3, 5)]
    assert set(maximum_overlap_matching(ours, theirs)) == {
        (S(0, 10), S(3, 5)),
        (S(9, 12), S(2, 11)),
    }


def test_equal_pair_counts_go_to_the_most_code_points_shared() -> None:
    ours = [S(0, 10)]
    theirs = [S(0, 4), S(2, 10)]
    assert maximum_overlap_matching(ours, theirs) == [(S(0, 10), S(2, 10))]


def test_then_to_the_closest_boundaries() -> None:
    ours = [S(10, 20)]
    theirs = [S(5, 15), S(15, 25)]  # 5 shared each; boundaries differ by 10 and 10
    theirs2 = [S(8, 13), S(15, 20)]  # 3 and 5 shared: the second
    assert maximum_overlap_matching(ours, theirs2) == [(S(10, 20), S(15, 20))]
    assert maximum_overlap_matching([S(10, 20)], [S(10, 15), S(15, 20)]) == [
        (S(10, 20), S(10, 15))  # same overlap and distance: the earlier in reading order
    ]
    assert len(maximum_overlap_matching(ours, theirs)) == 1


def test_labels_never_mix_and_touching_spans_do_not_overlap() -> None:
    assert maximum_overlap_matching([S(0, 10)], [S(0, 10, "Target")]) == []
    assert maximum_overlap_matching([S(0, 10)], [S(10, 20)]) == []


def key(pairs: list[tuple[Span, Span]], ours: list[Span], theirs: list[Span]) -> tuple:
    """The written rule as a sort key: pairs, shared code points, -distance, -rank distance."""
    rank_a = {id(s): k for k, s in enumerate(ours)}
    rank_b = {id(s): k for k, s in enumerate(theirs)}
    return (
        len(pairs),
        sum(min(a.end, b.end) - max(a.start, b.start) for a, b in pairs),
        -sum(abs(a.start - b.start) + abs(a.end - b.end) for a, b in pairs),
        -sum(abs(rank_a[id(a)] - rank_b[id(b)]) for a, b in pairs),
    )


def best_by_enumeration(ours: list[Span], theirs: list[Span]) -> tuple:
    size = max(len(ours), len(theirs))
    best = None
    for order in permutations(range(size), len(ours)):
        pairs = [
            (a, theirs[j])
            for a, j in zip(ours, order, strict=True)
            if j < len(theirs) and min(a.end, theirs[j].end) > max(a.start, theirs[j].start)
        ]
        candidate = key(pairs, ours, theirs)
        best = candidate if best is None or candidate > best else best
    assert best is not None
    return best


def test_matches_exhaustive_search_on_random_tangles() -> None:
    rng = random.Random(6)
    for _ in range(300):

        def spans(n: int) -> list[Span]:
            out = []
            for _ in range(n):
                start = rng.randint(0, 30)
                out.append(S(start, start + rng.randint(1, 12)))
            return sorted(out, key=reading_order)

        ours, theirs = spans(rng.randint(1, 5)), spans(rng.randint(1, 5))
        found = maximum_overlap_matching(ours, theirs)
        assert len({id(a) for a, _ in found}) == len(found)
        assert len({id(b) for _, b in found}) == len(found)
        assert key(found, ours, theirs) == best_by_enumeration(ours, theirs)
