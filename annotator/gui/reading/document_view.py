"""The reading view: the article as plain text, read-only, selectable by mouse and keyboard.

All positions this widget exposes are code-point offsets into the stored text; Qt's UTF-16
positions stay inside, converted by the document's OffsetMap (annotator.core.offsets).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QPoint, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QTextCursor,
    QTextOption,
)
from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QTextEdit, QToolTip, QWidget

from annotator.core.offsets import OffsetMap
from annotator.core.words import snap_to_words
from annotator.gui.reading.plain_text import tooltip_text
from annotator.gui.reading.text_formats import draw_underlines

#: Comfortable reading measure, in average character widths.
LINE_LENGTH_CHARS = 80
_FIND_HIT = QColor(255, 200, 0, 150)

Span = tuple[int, int]


class DocumentView(QPlainTextEdit):
    """Plain text only (never HTML): the text shown is exactly the stored text."""

    #: A click (no drag) on the text, at this code-point offset.
    clicked = Signal(int)
    #: Other lines may be on screen now (scrolled, resized, new text): see `visible_lines`.
    lines_shown = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("documentView")
        self.setReadOnly(True)
        # Read-only, yet with a visible caret: arrows move, Shift+arrows select (caret browsing).
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        follow_paragraph_direction(self)
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF(), 10.0) * 1.25)
        self.setFont(font)
        self.setPlaceholderText("Import an article (File ▸ Import files…) to start reading.")
        self.document().setDocumentMargin(16)
        self.text = ""
        self.offsets = OffsetMap("")
        self.snap_to_words = True
        self.tooltip_for: Callable[[int], str | None] = lambda _cp: None
        self._exact_selection = False
        self._press_pos: QPoint | None = None
        self._active: tuple[Span, QColor] | None = None
        self._hits: list[Span] = []
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)

    # -- content ----------------------------------------------------------------------------

    def show_text(self, text: str, offsets: OffsetMap) -> None:
        self.text, self.offsets = text, offsets
        self._active, self._hits = None, []
        self.setPlainText(text)
        cursor = self.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.Start)
        self.setTextCursor(cursor)
        self.lines_shown.emit()

    def _on_scrolled(self) -> None:
        # Before the paint the scroll asked for: what it draws is highlighted by then.
        self.lines_shown.emit()
        self._refresh_marks()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self.lines_shown.emit()

    # -- positions and selection (code points) ----------------------------------------------

    def cp_at(self, point: QPoint) -> int:
        return self.offsets.from_utf16(self.cursorForPosition(point).position())

    def selected_span(self) -> Span | None:
        """The selection as code points, snapped to words unless snapping is off or bypassed."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        start = self.offsets.from_utf16(cursor.selectionStart())
        end = self.offsets.from_utf16(cursor.selectionEnd())
        if self.snap_to_words and not self._exact_selection:
            start, end = snap_to_words(self.text, start, end)
        return (start, end) if start < end else None

    def select_span(self, start: int, end: int) -> None:
        cursor = self.textCursor()
        cursor.setPosition(self.offsets.to_utf16(start))
        cursor.setPosition(self.offsets.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def top_position(self) -> int:
        """Code point at the start of the first line on screen (to come back to later)."""
        block = self.firstVisibleBlock()
        return self.offsets.from_utf16(block.position()) if block.isValid() else 0

    def show_at_top(self, cp: int) -> None:
        """Scroll so that the line holding `cp` is the first on screen."""
        cp = max(0, min(cp, self.offsets.length))
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.offsets.to_utf16(cp))
        # To the end first, then back: the caret's line ends up at the top of the view.
        self.moveCursor(QTextCursor.MoveOperation.End)
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    def clear_selection(self) -> None:
        cursor = self.textCursor()
        cursor.clearSelection()
        self.setTextCursor(cursor)

    def scroll_to(self, cp: int) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.offsets.to_utf16(cp))
        saved = self.textCursor()
        self.setTextCursor(cursor)
        self.centerCursor()
        self.setTextCursor(saved)

    # -- transient marks: the active annotation and find hits (visible part only) ----------

    def set_active(self, span: Span | None, color: QColor | None = None) -> None:
        self._active = None if span is None or color is None else (span, color)
        self._refresh_marks()

    def set_find_hits(self, hits: list[Span]) -> None:
        self._hits = hits
        self._refresh_marks()

    def visible_lines(self) -> range:
        """Block (line) numbers on screen."""
        first = self.firstVisibleBlock()
        if not first.isValid():
            return range(0)
        corner = QPoint(self.viewport().width() - 1, self.viewport().height() - 1)
        last = self.cursorForPosition(corner).block()
        return range(first.blockNumber(), max(first.blockNumber(), last.blockNumber()) + 1)

    def _visible_range(self) -> Span:
        first = self.firstVisibleBlock()
        if not first.isValid():
            return (0, 0)
        bottom = self.cursorForPosition(QPoint(self.viewport().width(), self.viewport().height()))
        block = bottom.block()
        end16 = block.position() + block.length()
        return (self.offsets.from_utf16(first.position()), self.offsets.from_utf16(end16))

    def _refresh_marks(self) -> None:
        selections: list[QTextEdit.ExtraSelection] = []
        low, high = self._visible_range()
        for start, end in self._hits:
            if end >= low and start <= high:
                selections.append(self._mark(start, end, _FIND_HIT, outline=False))
        if self._active is not None:
            (start, end), color = self._active
            selections.append(self._mark(start, end, color, outline=True))
        self.setExtraSelections(selections)

    def _mark(
        self, start: int, end: int, color: QColor, *, outline: bool
    ) -> QTextEdit.ExtraSelection:
        mark = QTextEdit.ExtraSelection()
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.offsets.to_utf16(start))
        cursor.setPosition(self.offsets.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
        mark.cursor = cursor
        strong = QColor(color)
        strong.setAlpha(200 if outline else color.alpha())
        mark.format.setBackground(strong)
        if outline:
            dark = strong.lightness() < 140
            mark.format.setForeground(QColor("white") if dark else QColor("black"))
        return mark

    # -- painting: underlines thicker than Qt's hairline ------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        super().paintEvent(event)
        self._paint_underlines(event.rect())

    def _paint_underlines(self, area: QRect) -> None:
        """Speakers' and targets' underlines as thick as their format asks (text_formats),
        over the lines being repainted only."""
        block = self.firstVisibleBlock()
        offset = self.contentOffset()
        metrics = QFontMetricsF(self.font())
        painter: QPainter | None = None
        try:
            while block.isValid():
                geometry = self.blockBoundingGeometry(block).translated(offset)
                if geometry.top() > area.bottom():
                    break
                if block.isVisible() and geometry.bottom() >= area.top():
                    if painter is None:
                        painter = QPainter(self.viewport())
                    draw_underlines(
                        painter,
                        block.layout(),
                        geometry.topLeft(),
                        metrics,
                        QRectF(area),
                        block.text(),
                    )
                block = block.next()
        finally:
            if painter is not None:
                painter.end()

    # -- mouse: word snapping, clicks, tooltips ---------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        self._press_pos = event.position().toPoint()
        self._exact_selection = bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton:
            return
        moved = (
            self._press_pos is not None
            and (event.position().toPoint() - self._press_pos).manhattanLength() > 3
        )
        if self.textCursor().hasSelection() and moved:
            span = self.selected_span()
            if span is not None and span != self._raw_selection():
                self.select_span(*span)  # show the snapped selection the label will get
        elif not moved:
            self.clicked.emit(self.cp_at(event.position().toPoint()))

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self._exact_selection = False  # keyboard selections snap like mouse ones
        super().keyPressEvent(event)

    def _raw_selection(self) -> Span:
        cursor = self.textCursor()
        return (
            self.offsets.from_utf16(cursor.selectionStart()),
            self.offsets.from_utf16(cursor.selectionEnd()),
        )

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_for(self.cp_at(event.pos()))
            if text:
                QToolTip.showText(event.globalPos(), tooltip_text(text), self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)


def follow_paragraph_direction(view: QPlainTextEdit) -> None:
    """Right-to-left paragraphs (Arabic, Hebrew…) aligned right, left-to-right ones left.

    Each block's direction comes from its own text (the option's direction stays Auto), but
    QPlainTextEdit lays every block out with the document's one default option, and QTextLayout
    takes AlignLeft literally (only QTextEdit's rich layout mirrors it per block). The one
    alignment QTextLayout resolves per line direction is AlignJustify: it becomes AlignRight in
    a right-to-left line. AlignLeft added to it leaves the horizontal alignment something other
    than pure Justify, so no line is stretched: left-to-right text stays ragged right.
    tests/gui/test_rtl.py checks the real layout.
    """
    document = view.document()
    option = QTextOption(document.defaultTextOption())
    option.setTextDirection(Qt.LayoutDirection.LayoutDirectionAuto)
    option.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignJustify)
    document.setDefaultTextOption(option)


def reading_column(view: DocumentView, parent: QWidget | None = None) -> QWidget:
    """The view in a centred column no wider than a comfortable line length."""
    column = QWidget(parent)
    layout = QHBoxLayout(column)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addStretch(1)
    layout.addWidget(view, 100)
    layout.addStretch(1)
    update_column_width(view)
    return column


def update_column_width(view: DocumentView) -> None:
    """Keep the column at LINE_LENGTH_CHARS of the current font (after zooming too)."""
    measure = QFontMetricsF(view.font()).averageCharWidth() * LINE_LENGTH_CHARS
    view.setMaximumWidth(int(measure) + 2 * 16 + view.verticalScrollBar().sizeHint().width())
