"""The reading view: the article as plain text, read-only, with a caret for keyboard selection."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetricsF, QTextOption
from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QWidget

#: Comfortable reading measure, in average character widths.
LINE_LENGTH_CHARS = 80


class DocumentView(QPlainTextEdit):
    """Plain text only (never HTML): the text shown is exactly the stored text."""

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
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF(), 10.0) * 1.25)
        self.setFont(font)
        self.setPlaceholderText("Import an article (File ▸ Import files…) to start reading.")
        self.document().setDocumentMargin(16)

    def show_text(self, text: str) -> None:
        self.setPlainText(text)
        cursor = self.textCursor()
        cursor.movePosition(cursor.MoveOperation.Start)
        self.setTextCursor(cursor)


def reading_column(view: DocumentView, parent: QWidget | None = None) -> QWidget:
    """The view in a centred column no wider than a comfortable line length."""
    column = QWidget(parent)
    layout = QHBoxLayout(column)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addStretch(1)
    layout.addWidget(view, 100)
    layout.addStretch(1)
    measure = QFontMetricsF(view.font()).averageCharWidth() * LINE_LENGTH_CHARS
    view.setMaximumWidth(int(measure) + 2 * 16 + view.verticalScrollBar().sizeHint().width())
    return column
