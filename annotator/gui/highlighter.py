"""Stored annotations drawn per line by a QSyntaxHighlighter, only where a change touched.

Claims (and labels without a role) tint the background, darker where they nest; speakers are
underlined and targets wave-underlined in their label colour, over a light tint, so overlapping
spans of different kinds all stay visible. Formats are cached by the set of labels covering a
segment: a long document with thousands of annotations reuses a handful of formats.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from annotator.core.codebook import Codebook, Label
from annotator.core.offsets import OffsetMap
from annotator.core.records import Annotation, LabelId
from annotator.core.span_index import SpanIndex

_TINT_ALPHA = 70  # of 255: one claim; nested claims add up to _MAX_ALPHA
_MAX_ALPHA = 170
_LIGHT_ALPHA = 35  # speakers and targets: a light wash under the underline

_FormatKey = tuple[tuple[LabelId, int], ...]


def label_style(label: Label) -> str:
    """How a label is drawn: "background", "underline" or "wave"."""
    return {"speaker": "underline", "target": "wave"}.get(label.role or "", "background")


class AnnotationHighlighter(QSyntaxHighlighter):
    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self._index: SpanIndex | None = None
        self._offsets: OffsetMap | None = None
        self._labels: dict[LabelId, Label] = {}
        self._formats: dict[_FormatKey, QTextCharFormat] = {}

    def set_codebook(self, codebook: Codebook) -> None:
        self._labels = {label.id: label for label in codebook.labels}
        self._formats.clear()

    def set_content(self, index: SpanIndex, offsets: OffsetMap) -> None:
        """New document: call before its text is set, so one pass highlights everything."""
        self._index, self._offsets = index, offsets

    def rehighlight_lines(self, lines: Iterable[int]) -> None:
        document = self.document()
        for line in sorted(set(lines)):
            block = document.findBlockByNumber(line)
            if block.isValid():
                self.rehighlightBlock(block)

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt override)
        index, offsets = self._index, self._offsets
        if index is None or offsets is None:
            return
        line = self.currentBlock().blockNumber()
        spans = index.on_line(line) if line < len(index.line_starts) else []
        if not spans:
            return
        line_start = index.line_starts[line]
        line_end = line_start + len(text)  # PySide hands over a str: len counts code points
        cuts = {line_start, line_end}
        for span in spans:
            cuts.add(min(max(span.start, line_start), line_end))
            cuts.add(min(max(span.end, line_start), line_end))
        edges = sorted(cuts)
        block_utf16 = offsets.to_utf16(line_start)
        for seg_start, seg_end in zip(edges, edges[1:], strict=False):
            covering = [s for s in spans if s.start <= seg_start and s.end >= seg_end]
            if not covering:
                continue
            start16 = offsets.to_utf16(seg_start) - block_utf16
            end16 = offsets.to_utf16(seg_end) - block_utf16
            self.setFormat(start16, end16 - start16, self._format_for(covering))

    def _format_for(self, covering: list[Annotation]) -> QTextCharFormat:
        key: _FormatKey = tuple(sorted(Counter(a.label_id for a in covering).items()))
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = self._build_format(key)
            self._formats[key] = fmt
        return fmt

    def _build_format(self, key: _FormatKey) -> QTextCharFormat:
        fmt = QTextCharFormat()
        tints: list[tuple[QColor, int]] = []
        underline: tuple[str, QColor] | None = None
        for label_id, count in key:
            label = self._labels.get(label_id)
            if label is None:
                continue
            color = QColor(label.color)
            style = label_style(label)
            if style == "background":
                tints.append((color, count))
            else:
                tints.append((color, 0))
                # A speaker's underline wins over a target's wave where both apply.
                if underline is None or style == "underline":
                    underline = (style, color)
        if tints:
            weight = sum(max(count, 1) for _c, count in tints)
            red = sum(c.red() * max(n, 1) for c, n in tints) / weight
            green = sum(c.green() * max(n, 1) for c, n in tints) / weight
            blue = sum(c.blue() * max(n, 1) for c, n in tints) / weight
            depth = sum(n for _c, n in tints)
            alpha = min(_MAX_ALPHA, _TINT_ALPHA * depth) if depth else _LIGHT_ALPHA
            fmt.setBackground(QColor(int(red), int(green), int(blue), alpha))
        if underline is not None:
            style, color = underline
            fmt.setUnderlineStyle(
                QTextCharFormat.UnderlineStyle.SingleUnderline
                if style == "underline"
                else QTextCharFormat.UnderlineStyle.WaveUnderline
            )
            fmt.setUnderlineColor(color)
        return fmt
