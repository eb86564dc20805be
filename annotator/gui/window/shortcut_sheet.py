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
from annotator.gui.window.actions import ACTIONS, SENTIMENT_KEY

#: The review decisions, Ctrl+1 … Ctrl+5: the sheet says once which row they act on.
DECISION_ACTIONS = ("keep_first", "keep_second", "keep_both", "reject", "keep_edit")


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
    explained = False
    for spec in ACTIONS:
        if spec.shortcuts:
            keys = ", ".join(_native(k) for k in spec.shortcuts)
            rows.append((keys, spec.text.replace("&", "").rstrip("…")))
        if spec.id == DECISION_ACTIONS[-1]:
            rows += _decisions_rows()
            explained = True
    if not explained:
        rows += _decisions_rows()
    return rows


def _native(key: str) -> str:
    return QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)


def _decisions_rows() -> list[tuple[str, str]]:
    """Which row Ctrl+1 … Ctrl+5 decide, and where the selection is afterwards."""
    keys = {spec.id: spec.shortcuts for spec in ACTIONS if spec.shortcuts}
    ends = [keys[i][0] for i in (DECISION_ACTIONS[0], DECISION_ACTIONS[-1]) if i in keys]
    return [
        (" … ".join(_native(k) for k in ends), "Decide the row selected in the review list"),
        ("", "… the selection stays on it; F8: next undecided"),
    ]


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
