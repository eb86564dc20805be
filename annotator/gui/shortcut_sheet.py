"""The shortcut sheet (F1): every key, built from the action registry and the codebook."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.codebook import Codebook
from annotator.gui.actions import ACTIONS, SENTIMENT_KEY


def shortcut_rows(codebook: Codebook) -> list[tuple[str, str]]:
    """(keys, what they do), in the order the sheet lists them."""
    rows: list[tuple[str, str]] = []
    for label in codebook.labels:
        if label.shortcut:
            rows.append((label.shortcut, f"Tag the selection as {label.name} (or relabel)"))
    for number, value in enumerate(codebook.sentiments[:9], start=1):
        rows.append((SENTIMENT_KEY.format(number), f"Sentiment: {value}"))
    rows.append(("Arrows, Shift+arrows, Ctrl+Shift+arrows", "Move the caret, select text"))
    rows.append(("Click on a highlight (again)", "Select it (cycle through overlapping ones)"))
    rows.append(("Alt+drag", "Select exactly, without snapping to words"))
    for spec in ACTIONS:
        if spec.shortcuts:
            keys = ", ".join(
                QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText)
                for k in spec.shortcuts
            )
            rows.append((keys, spec.text.replace("&", "").rstrip("…")))
    return rows


class ShortcutSheet(QDialog):
    def __init__(self, codebook: Codebook, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutSheet")
        self.setWindowTitle("Keyboard shortcuts")
        rows = shortcut_rows(codebook)
        self.table = QTableWidget(len(rows), 2, self)
        self.table.setHorizontalHeaderLabels(["Keys", "Action"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, (keys, text) in enumerate(rows):
            self.table.setItem(row, 0, QTableWidgetItem(keys))
            self.table.setItem(row, 1, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(620, 640)
