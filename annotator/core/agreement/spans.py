"""Span-level agreement: precision, recall and F1 of one analyst's spans against another's.

The first analyst of a pair is the reference: precision = matched / spans of the second,
recall = matched / spans of the first, F1 = 2 * matched / (spans of both). F1 is symmetric:
swapping the two swaps precision and recall and leaves F1 as it is.

Matching is one-to-one within a document and a label:

- exact: same label, same start and same end;
- overlap: same label and at least one code point in common, as a maximum matching: the most
  pairs, then the most code points shared, then the closest boundaries, then the closest in
  reading order (annotator.core.agreement.matching, which states the rule in full). A span is
  matched at most once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from annotator.core.agreement.matching import Match, maximum_overlap_matching
from annotator.core.agreement.token_labels import Span


@dataclass(frozen=True)
class SpanScores:
    """Counts behind precision, recall and F1 (None where a count it divides by is 0)."""

    matched: int = 0
    reference: int = 0
    compared: int = 0

    @property
    def precision(self) -> float | None:
        return self.matched / self.compared if self.compared else None

    @property
    def recall(self) -> float | None:
        return self.matched / self.reference if self.reference else None

    @property
    def f1(self) -> float | None:
        total = self.reference + self.compared
        return 2 * self.matched / total if total else None

    def __add__(self, other: SpanScores) -> SpanScores:
        return SpanScores(
            self.matched + other.matched,
            self.reference + other.reference,
            self.compared + other.compared,
        )


def _by_label(spans: Iterable[Span]) -> dict[str, list[Span]]:
    grouped: dict[str, list[Span]] = defaultdict(list)
    for span in spans:
        grouped[span.label].append(span)
    return grouped


def match_exact(reference: Sequence[Span], compared: Sequence[Span]) -> list[Match]:
    """One-to-one pairs with the same label, start and end (duplicates pair up in order)."""
    waiting: dict[tuple[str, int, int], list[Span]] = defaultdict(list)
    for span in sorted(compared, key=_reading_order, reverse=True):
        waiting[span.label, span.start, span.end].append(span)
    matches: list[Match] = []
    for span in sorted(reference, key=_reading_order):
        candidates = waiting.get((span.label, span.start, span.end))
        if candidates:
            matches.append((span, candidates.pop()))
    return matches


def match_overlap(reference: Sequence[Span], compared: Sequence[Span]) -> list[Match]:
    """One-to-one pairs with the same label that overlap: the maximum matching."""
    return maximum_overlap_matching(reference, compared)


def _reading_order(span: Span) -> tuple[int, int, str]:
    return span.start, span.end, span.sentiment or ""


def scores_by_label(
    reference: Sequence[Span], compared: Sequence[Span], matches: Sequence[Match]
) -> dict[str, SpanScores]:
    """Per label: matched pairs and the spans of each side."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for a, _b in matches:
        counts[a.label][0] += 1
    for span in reference:
        counts[span.label][1] += 1
    for span in compared:
        counts[span.label][2] += 1
    return {label: SpanScores(*c) for label, c in counts.items()}
