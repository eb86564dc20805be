"""Cutting a stretch of text at every annotation boundary: each piece with the spans covering it.

Shared by the highlighter (one line at a time) and the printable reports, so overlapping and
nested annotations are drawn by the same rule on screen and on paper.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

from annotator.core.records import Annotation

A = TypeVar("A", bound=Annotation)


def segments(start: int, end: int, spans: Iterable[A]) -> Iterator[tuple[int, int, list[A]]]:
    """Yield (seg_start, seg_end, covering spans) for the covered parts of [start, end).

    One sweep over the sorted edges, keeping the spans open at each point, so a long paragraph
    with thousands of spans costs O(edges + output), not O(edges × spans).
    """
    opening: dict[int, list[A]] = {}
    closing: dict[int, list[A]] = {}
    for span in spans:
        if span.start < end and span.end > start:
            opening.setdefault(max(span.start, start), []).append(span)
            closing.setdefault(min(span.end, end), []).append(span)
    if not opening:
        return
    edges = sorted(opening.keys() | closing.keys())
    active: dict[int, A] = {}
    for seg_start, seg_end in zip(edges, edges[1:], strict=False):
        for span in closing.get(seg_start, ()):
            active.pop(id(span), None)
        for span in opening.get(seg_start, ()):
            active[id(span)] = span
        if active:
            yield seg_start, seg_end, list(active.values())
