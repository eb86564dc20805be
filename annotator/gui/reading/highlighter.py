"""Stored annotations drawn per line by a QSyntaxHighlighter, only where a change touched.

The look of each piece of text comes from annotator.core.styling (shared with the printable
reports). Formats are cached by the set of labels covering a segment: a long document with
thousands of annotations reuses a handful of formats.

A long document is highlighted where the analyst looks: with `lazy` content, a line is drawn
with its annotations once it is on screen (`follow`: the view says when other lines come into
view, before it paints them) or released by whoever highlights the rest in the background.
Nothing has to wait for the lines off screen.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

from PySide6.QtGui import QSyntaxHighlighter, QTextCharFormat, QTextDocument

from annotator.core.codebook import Codebook, Label
from annotator.core.offsets import OffsetMap
from annotator.core.records import Annotation, LabelId
from annotator.core.segments import segments
from annotator.core.span_index import SpanIndex
from annotator.core.styling import segment_style
from annotator.gui.reading.document_view import DocumentView
from annotator.gui.reading.text_formats import char_format

# (label, layer or "" when colouring by label) of each covering span, sorted: a span kind
# appears as often as it covers the segment.
_FormatKey = tuple[tuple[LabelId, str], ...]


class AnnotationHighlighter(QSyntaxHighlighter):
    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self._index: SpanIndex | None = None
        self._offsets: OffsetMap | None = None
        self._labels: dict[LabelId, Label] = {}
        self._formats: dict[_FormatKey, QTextCharFormat] = {}
        self._layer_colours: dict[str, str] | None = None  # analyst id → colour, or by label
        # Lines allowed to paint highlights; None = all. Opening a long document highlights
        # the visible lines first and the rest in small batches after the first paint.
        self._released: set[int] | None = None

    def set_codebook(self, codebook: Codebook) -> None:
        self._labels = {label.id: label for label in codebook.labels}
        self._formats.clear()

    def colour_by_layer(self, colours: dict[str, str] | None) -> None:
        """Colour spans by their layer (analyst id → "#rrggbb"), or by label with None.

        The kind of mark (tint, underline, wave) still follows the label's role.
        """
        self._layer_colours = colours
        self._formats.clear()

    def set_content(self, index: SpanIndex, offsets: OffsetMap, *, lazy: bool = False) -> None:
        """New document: call before its text is set. With `lazy`, no line is highlighted
        until released (`release`), so setting a long text costs what Qt alone costs."""
        self._index, self._offsets = index, offsets
        self._released = set() if lazy else None

    def follow(self, view: DocumentView) -> None:
        """Highlight the lines `view` brings on screen, as they come (scrolling, resizing)."""
        view.lines_shown.connect(lambda: self.release(view.visible_lines()))

    def release(self, lines: Iterable[int]) -> None:
        """Highlight these lines now (those not yet highlighted)."""
        if self._released is None or self.document() is None:
            return  # all released, or detached while a text is set: nothing is drawn yet
        fresh = set(lines) - self._released
        self._released |= fresh
        self.rehighlight_lines(fresh)

    def unreleased_lines(self) -> list[int]:
        """Lines with annotations still waiting to be highlighted, in reading order."""
        if self._released is None or self._index is None:
            return []
        return sorted(set(self._index.annotated_lines()) - self._released)

    def waiting(self, lines: Iterable[int]) -> bool:
        """Whether any of these lines has annotations not drawn yet."""
        if self._released is None or self._index is None:
            return False
        annotated = self._index.on_line
        return any(line not in self._released and annotated(line) for line in lines)

    def release_all(self) -> None:
        self._released = None

    def rehighlight_lines(self, lines: Iterable[int]) -> None:
        document = self.document()
        wanted = set(lines)
        if self._released is not None:
            self._released |= wanted
        for line in sorted(wanted):
            block = document.findBlockByNumber(line)
            if block.isValid():
                self.rehighlightBlock(block)

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt override)
        index, offsets = self._index, self._offsets
        if index is None or offsets is None:
            return
        line = self.currentBlock().blockNumber()
        if self._released is not None and line not in self._released:
            return
        spans = index.on_line(line) if line < len(index.line_starts) else []
        if not spans:
            return
        line_start = index.line_starts[line]
        line_end = line_start + len(text)  # PySide hands over a str: len counts code points
        block_utf16 = offsets.to_utf16(line_start)
        for seg_start, seg_end, covering in segments(line_start, line_end, spans):
            start16 = offsets.to_utf16(seg_start) - block_utf16
            end16 = offsets.to_utf16(seg_end) - block_utf16
            self.setFormat(start16, end16 - start16, self._format_for(covering))

    def _format_for(self, covering: list[Annotation]) -> QTextCharFormat:
        if self._layer_colours is None:
            key: _FormatKey = tuple(sorted((a.label_id, "") for a in covering))
        else:
            key = tuple(sorted((a.label_id, a.analyst_id) for a in covering))
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = self._build_format(key)
            self._formats[key] = fmt
        return fmt

    def _build_format(self, key: _FormatKey) -> QTextCharFormat:
        layers = self._layer_colours or {}
        covering = [
            (
                replace(self._labels[lid], color=layers[layer])
                if layer in layers
                else self._labels[lid],
                n,
            )
            for (lid, layer), n in Counter(key).items()
            if lid in self._labels
        ]
        return char_format(segment_style(covering))
