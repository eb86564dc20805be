"""The per-line index the highlighter paints from."""

from __future__ import annotations

from annotator.core.records import AnalystId, Annotation, AnnotationId, DocumentId, LabelId
from annotator.core.span_index import SpanIndex

TEXT = "line zero\nline one is longer\n\nline three"


def span(aid: str, start: int, end: int) -> Annotation:
    return Annotation(
        AnnotationId(aid),
        DocumentId("d"),
        AnalystId("a"),
        LabelId("l"),
        start,
        end,
        TEXT[start:end],
        "",
        "",
    )


def test_lines_follow_newlines() -> None:
    index = SpanIndex(TEXT)
    assert index.line_starts == [0, 10, 29, 30]
    assert index.line_of(0) == 0 and index.line_of(10) == 1 and index.line_of(31) == 3


def test_span_over_several_lines_is_found_on_each_and_updates_report_old_and_new_lines() -> None:
    index = SpanIndex(TEXT)
    assert index.add(span("a", 5, 15)) == range(0, 2)
    assert [a.id for a in index.on_line(0)] == ["a"]
    assert [a.id for a in index.on_line(1)] == ["a"]
    assert index.on_line(2) == []
    moved = index.add(span("a", 31, 35))
    assert set(moved) == {0, 1, 2, 3}  # repaint where it was and where it is
    assert index.on_line(0) == [] and [a.id for a in index.on_line(3)] == ["a"]
    assert index.remove(AnnotationId("a")) == range(3, 4)
    assert "a" not in index


def test_at_returns_smallest_covering_span_first() -> None:
    index = SpanIndex(TEXT)
    index.reset([span("outer", 10, 28), span("inner", 15, 18), span("other", 0, 4)])
    assert [a.id for a in index.at(16)] == ["inner", "outer"]
    assert [a.id for a in index.at(11)] == ["outer"]
    assert index.at(29) == []
