"""Cutting text at annotation edges: every piece knows exactly which spans cover it."""

from __future__ import annotations

import random

from annotator.core.records import AnalystId, Annotation, AnnotationId, DocumentId, LabelId
from annotator.core.segments import segments


def span(aid: str, start: int, end: int) -> Annotation:
    return Annotation(
        AnnotationId(aid), DocumentId("d"), AnalystId("a"), LabelId("l"), start, end, "", "", ""
    )


def test_nested_and_overlapping_spans() -> None:
    outer, inner, tail = span("o", 0, 10), span("i", 2, 4), span("t", 8, 15)
    got = [(s, e, sorted(a.id for a in c)) for s, e, c in segments(0, 12, [outer, inner, tail])]
    assert got == [
        (0, 2, ["o"]),
        (2, 4, ["i", "o"]),
        (4, 8, ["o"]),
        (8, 10, ["o", "t"]),
        (10, 12, ["t"]),
    ]


def test_matches_a_brute_force_count_on_random_spans() -> None:
    rng = random.Random(7)
    spans = []
    for n in range(300):
        a = rng.randrange(0, 500)
        spans.append(span(str(n), a, a + rng.randrange(1, 60)))
    for seg_start, seg_end, covering in segments(100, 400, spans):
        expected = {s.id for s in spans if s.start <= seg_start and s.end >= seg_end}
        assert {s.id for s in covering} == expected
        assert 100 <= seg_start < seg_end <= 400


def test_uncovered_text_yields_nothing() -> None:
    assert list(segments(0, 5, [span("x", 10, 12)])) == []
