"""Which annotations touch which line: the highlighter asks per line (Qt block) while painting.

Lines are the text's "\\n"-separated paragraphs, which is exactly how Qt splits plain text into
blocks. Each annotation is filed under every line it overlaps, so a lookup is a dict access and
an update touches only the lines of the changed span.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable

from annotator.core.records import Annotation, AnnotationId


class SpanIndex:
    def __init__(self, text: str) -> None:
        starts = [0]
        find = text.find
        pos = find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        self.line_starts = starts
        self._by_line: dict[int, dict[AnnotationId, Annotation]] = {}
        self._lines_of: dict[AnnotationId, range] = {}

    def line_of(self, cp: int) -> int:
        return bisect_right(self.line_starts, cp) - 1

    def lines_of_span(self, start: int, end: int) -> range:
        return range(self.line_of(start), self.line_of(max(start, end - 1)) + 1)

    def add(self, annotation: Annotation) -> range:
        """File (or re-file) an annotation; returns every line whose look changes."""
        old = self.remove(annotation.id)
        lines = self.lines_of_span(annotation.start, annotation.end)
        for line in lines:
            self._by_line.setdefault(line, {})[annotation.id] = annotation
        self._lines_of[annotation.id] = lines
        if not old:
            return lines
        return range(min(old.start, lines.start), max(old.stop, lines.stop))

    def remove(self, annotation_id: AnnotationId) -> range:
        lines = self._lines_of.pop(annotation_id, range(0))
        for line in lines:
            bucket = self._by_line.get(line)
            if bucket is not None:
                bucket.pop(annotation_id, None)
                if not bucket:
                    del self._by_line[line]
        return lines

    def reset(self, annotations: Iterable[Annotation]) -> None:
        self._by_line.clear()
        self._lines_of.clear()
        for annotation in annotations:
            self.add(annotation)

    def on_line(self, line: int) -> list[Annotation]:
        bucket = self._by_line.get(line)
        return list(bucket.values()) if bucket else []

    def at(self, cp: int) -> list[Annotation]:
        """Annotations covering code point `cp`, smallest first (the one a click means first)."""
        hits = [a for a in self.on_line(self.line_of(cp)) if a.start <= cp < a.end]
        return sorted(hits, key=lambda a: (a.end - a.start, a.start))

    def annotated_lines(self) -> list[int]:
        return list(self._by_line)

    def __contains__(self, annotation_id: object) -> bool:
        return annotation_id in self._lines_of
