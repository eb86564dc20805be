"""Span matching under overlap as a maximum matching (not greedy).

Within one document and one label, two analysts' spans that share at least one code point can
be paired, each span at most once. Of all such one-to-one pairings, the one chosen is:

1. the one with the most pairs (a maximum bipartite matching);
2. among those, the one whose pairs share the most code points in total;
3. then the one whose boundaries differ least in total (|start − start| + |end − end|);
4. then the one that pairs spans closest in reading order (the smallest total difference of
   their positions among the document's spans of that label, in order of start, end and
   sentiment); any tie left after that is broken by the same order, deterministically.

The four criteria are folded into one integer weight per pair (each criterion's total can never
outweigh one step of the criterion above it), and the best pairing is found exactly by the
Hungarian method on each group of spans that overlap one another (a connected component), so
the work grows with the size of the tangles, not of the document.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence

from annotator.core.agreement.token_labels import Span

Match = tuple[Span, Span]
#: The rule above in one sentence (the JSON report quotes it).
OVERLAP_MATCHING = (
    "Within a document and a label, spans sharing at least one code point are paired one to "
    "one by a maximum matching: the most pairs, then the most code points shared, then the "
    "smallest total boundary difference, then the closest in reading order."
)
_Edge = tuple[int, int, int, int]  # reference index, compared index, common, distance


def reading_order(span: Span) -> tuple[int, int, str]:
    return span.start, span.end, span.sentiment or ""


def maximum_overlap_matching(reference: Sequence[Span], compared: Sequence[Span]) -> list[Match]:
    """One-to-one pairs with the same label that overlap, chosen as the module describes."""
    matches: list[Match] = []
    theirs: dict[str, list[Span]] = defaultdict(list)
    for span in compared:
        theirs[span.label].append(span)
    ours: dict[str, list[Span]] = defaultdict(list)
    for span in reference:
        ours[span.label].append(span)
    for label, mine in ours.items():
        others = sorted(theirs.get(label, ()), key=reading_order)
        if others:
            matches += _match_label(sorted(mine, key=reading_order), others)
    return matches


def _match_label(mine: list[Span], others: list[Span]) -> list[Match]:
    edges: list[_Edge] = []
    starts = [s.start for s in others]
    for i, a in enumerate(mine):
        # Only spans starting before this one ends can overlap it.
        for j in range(bisect_left(starts, a.end)):
            b = others[j]
            common = min(a.end, b.end) - max(a.start, b.start)
            if common > 0:
                edges.append((i, j, common, abs(a.start - b.start) + abs(a.end - b.end)))
    matches: list[Match] = []
    for component in _components(edges, len(mine)):
        for i, j in _best_pairs(component):
            matches.append((mine[i], others[j]))
    return matches


def _components(edges: list[_Edge], size: int) -> list[list[_Edge]]:
    """The edges grouped by connected component (union-find over reference indices, with the
    compared indices offset past them)."""
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j, _common, _distance in edges:
        a, b = root(i), root(size + j)
        if a != b:
            parent[max(a, b)] = min(a, b)
    groups: dict[int, list[_Edge]] = defaultdict(list)
    for edge in edges:
        groups[root(edge[0])].append(edge)
    return [groups[key] for key in sorted(groups)]


def _best_pairs(edges: list[_Edge]) -> list[tuple[int, int]]:
    rows = sorted({e[0] for e in edges})
    cols = sorted({e[1] for e in edges})
    if len(edges) == 1:
        return [(edges[0][0], edges[0][1])]
    row_at = {r: k for k, r in enumerate(rows)}
    col_at = {c: k for k, c in enumerate(cols)}
    pairs = min(len(rows), len(cols))
    most_common = max(e[2] for e in edges)
    most_distance = max(e[3] for e in edges)
    most_rank = max(abs(e[0] - e[1]) for e in edges)
    # Mixed radix: a base exceeds the largest total the criterion below can reach.
    rank_base = pairs * most_rank + 1
    distance_base = pairs * most_distance + 1
    common_base = pairs * most_common + 1
    size = max(len(rows), len(cols))
    weight = [[0] * size for _ in range(size)]
    for i, j, common, distance in edges:
        r, c = row_at[i], col_at[j]
        weight[r][c] = (
            ((common_base + common) * distance_base + most_distance - distance) * rank_base
            + most_rank
            - abs(i - j)
        )
    assignment = _hungarian_max(weight)
    return [
        (rows[r], cols[c])
        for r, c in enumerate(assignment)
        if r < len(rows) and c < len(cols) and weight[r][c] > 0
    ]


def _hungarian_max(weight: list[list[int]]) -> list[int]:
    """For a square matrix, the column assigned to each row maximising the total weight
    (the Hungarian method with potentials, O(n³), in exact integers)."""
    n = len(weight)
    top = max((w for row in weight for w in row), default=0)
    cost = [[top - w for w in row] for row in weight]
    u = [0] * (n + 1)
    v = [0] * (n + 1)
    owner = [0] * (n + 1)  # owner[column] = row (1-based; 0 = none)
    way = [0] * (n + 1)
    # Above any reduced cost: potentials stay within n times the largest cost.
    infinity = (top + 1) * (4 * n + 4)
    for row in range(1, n + 1):
        owner[0] = row
        column = 0
        least = [infinity] * (n + 1)
        used = [False] * (n + 1)
        while True:
            used[column] = True
            current = owner[column]
            delta = infinity
            nearest = 0
            for j in range(1, n + 1):
                if used[j]:
                    continue
                reduced = cost[current - 1][j - 1] - u[current] - v[j]
                if reduced < least[j]:
                    least[j] = reduced
                    way[j] = column
                if least[j] < delta:
                    delta = least[j]
                    nearest = j
            for j in range(n + 1):
                if used[j]:
                    u[owner[j]] += delta
                    v[j] -= delta
                else:
                    least[j] -= delta
            column = nearest
            if owner[column] == 0:
                break
        while column:
            previous = way[column]
            owner[column] = owner[previous]
            column = previous
    assignment = [0] * n
    for j in range(1, n + 1):
        if owner[j]:
            assignment[owner[j] - 1] = j - 1
    return assignment
