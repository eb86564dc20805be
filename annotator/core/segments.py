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
    """Yield (seg_start, seg_end, covering spans) for the covered parts of [start, end)."""
    relevant = [s for s in spans if s.start < end and s.end > start]
    if not relevant:
        return
    cuts = {start, end}
    for span in relevant:
        cuts.add(min(max(span.start, start), end))
        cuts.add(min(max(span.end, start), end))
    edges = sorted(cuts)
    for seg_start, seg_end in zip(edges, edges[1:], strict=False):
        covering = [s for s in relevant if s.start <= seg_start and s.end >= seg_end]
        if covering:
            yield seg_start, seg_end, covering
