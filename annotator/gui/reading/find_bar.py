"""Find in document (Ctrl+F): every hit marked, Enter/F3 to step through them."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QWidget

from annotator.gui.reading.document_view import DocumentView
from annotator.gui.reading.plain_text import plain_label

#: Hits beyond this are not marked (the count still says how many there are).
MAX_MARKED_HITS = 10_000


class _FindEdit(QLineEdit):
    escaped = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.key() == Qt.Key.Key_Escape:
            self.escaped.emit()
            return
        super().keyPressEvent(event)


class FindBar(QWidget):
    def __init__(self, view: DocumentView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findBar")
        self.view = view
        self.edit = _FindEdit(self)
        self.edit.setObjectName("findEdit")
        self.edit.setPlaceholderText("Find in document (case-insensitive)")
        self.edit.setClearButtonEnabled(True)
        self.count = plain_label()
        self.count.setObjectName("findCount")
        previous = QPushButton("Previous", self)
        following = QPushButton("Next", self)
        close = QPushButton("Close", self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.count)
        layout.addWidget(previous)
        layout.addWidget(following)
        layout.addWidget(close)
        self.hits: list[tuple[int, int]] = []
        self.current = -1
        self.edit.textChanged.connect(self.search)
        self.edit.returnPressed.connect(lambda: self.step(1))
        self.edit.escaped.connect(self.close_bar)
        previous.clicked.connect(lambda: self.step(-1))
        following.clicked.connect(lambda: self.step(1))
        close.clicked.connect(self.close_bar)
        self.hide()

    def open_bar(self) -> None:
        selected = self.view.textCursor().selectedText()
        if selected and "\u2029" not in selected:
            self.edit.setText(selected)
        self.show()
        self.edit.setFocus()
        self.edit.selectAll()
        self.search(self.edit.text())

    def close_bar(self) -> None:
        self.hide()
        self.view.set_find_hits([])
        self.view.setFocus()

    def search(self, needle: str) -> None:
        """Mark every occurrence (case-insensitive, code-point offsets) and go to the first."""
        self.hits = []
        self.current = -1
        if needle:
            # re's case-insensitive matching keeps offsets (casefold() can change lengths).
            pattern = re.compile(re.escape(needle), re.IGNORECASE)
            self.hits = [(m.start(), m.end()) for m in pattern.finditer(self.view.text)]
        self.view.set_find_hits(self.hits[:MAX_MARKED_HITS])
        if self.hits:
            self.step(1)
        else:
            self.count.setText("No matches" if needle else "")

    def step(self, direction: int) -> None:
        if not self.hits:
            return
        self.current = (self.current + direction) % len(self.hits)
        start, end = self.hits[self.current]
        self.view.select_span(start, end)
        self.view.centerCursor()
        self.count.setText(f"{self.current + 1} of {len(self.hits)}")
