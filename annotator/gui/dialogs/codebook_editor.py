"""The codebook editor: labels (name, role, shortcut, colour, description) and sentiment values.

Edits stay in the dialog until OK, which saves everything in one core transaction
(`store.codebook.save`). Refusals are shown inline, never in a modal box, so the analyst can fix
the entry and try again without losing the other edits.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.codebook import (
    ROLES,
    SHORTCUTS,
    LabelDraft,
    label_in_use,
    sentiment_in_use,
)
from annotator.core.errors import AnnotatorError
from annotator.core.records import AnalystId, LabelId
from annotator.core.store import Store

COLUMNS = ("Name", "Role", "Shortcut", "Colour", "Description")
NAME, ROLE, SHORTCUT, COLOUR, DESCRIPTION = range(len(COLUMNS))
NO_ROLE = "none"
#: Colours offered to new labels, in order, skipping those already taken.
NEW_COLOURS = ("#8ac926", "#6a4c93", "#ff924c", "#1982c4", "#ff595e", "#52a675")
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
# Not SelectedClicked: its delayed edit swallows F2 and typing for a moment after a click.
_EDIT_TRIGGERS = (
    QAbstractItemView.EditTrigger.DoubleClicked
    | QAbstractItemView.EditTrigger.EditKeyPressed
    | QAbstractItemView.EditTrigger.AnyKeyPressed
)
_Index = QModelIndex | QPersistentModelIndex


class _ChoiceDelegate(QStyledItemDelegate):
    """Edits a cell with a combo box of fixed (shown text, stored value) choices."""

    def __init__(self, choices: list[tuple[str, str]], parent: QWidget) -> None:
        super().__init__(parent)
        self._choices = choices

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        combo = QComboBox(parent)
        for text, value in self._choices:
            combo.addItem(text, value)
        return combo

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: _Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class CodebookEditor(QDialog):
    """Edit the project's codebook; after `exec()` returns Accepted, re-read the codebook."""

    def __init__(
        self, store: Store, analyst_id: AnalystId | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("codebookEditor")
        self.setWindowTitle("Codebook")
        self._store = store
        self._analyst_id = analyst_id
        codebook = store.codebook.get()

        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("codebookLabels")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(_EDIT_TRIGGERS)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table, arrows move inside it
        roles = [(NO_ROLE, NO_ROLE)] + [(role, role) for role in ROLES]
        self.table.setItemDelegateForColumn(ROLE, _ChoiceDelegate(roles, self.table))
        keys = [("(none)", "")] + [(key, key) for key in SHORTCUTS]
        self.table.setItemDelegateForColumn(SHORTCUT, _ChoiceDelegate(keys, self.table))
        self.table.horizontalHeader().setSectionResizeMode(
            DESCRIPTION, QHeaderView.ResizeMode.Stretch
        )
        for label in codebook.labels:
            self._append_row(
                label.id, label.name, label.role, label.shortcut, label.color, label.description
            )
        self.table.itemChanged.connect(self._item_changed)

        self.sentiments = QListWidget(self)
        self.sentiments.setObjectName("codebookSentiments")
        self.sentiments.setEditTriggers(_EDIT_TRIGGERS)
        for value in codebook.sentiments:
            self._append_sentiment(value, original=value)
        self.sentiments.itemChanged.connect(lambda _item: self._show_error(""))

        self.error = QLabel(self)
        self.error.setObjectName("codebookError")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.error.hide()

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)

        grid = QGridLayout()
        grid.addWidget(self._caption("Labels"), 0, 0)
        grid.addWidget(self.table, 1, 0)
        grid.addLayout(
            self._button_column(
                ("codebookAdd", "Add label", self._add_label),
                ("codebookRemove", "Remove label", self._remove_label),
                ("codebookUp", "Move up", lambda: self._move_row(-1)),
                ("codebookDown", "Move down", lambda: self._move_row(1)),
                ("codebookColour", "Choose colour…", self._choose_colour),
            ),
            1,
            1,
        )
        grid.addWidget(self._caption("Sentiment values"), 2, 0)
        grid.addWidget(self.sentiments, 3, 0)
        grid.addLayout(
            self._button_column(
                ("codebookSentimentAdd", "Add value", self._add_sentiment),
                ("codebookSentimentRemove", "Remove value", self._remove_sentiment),
                ("codebookSentimentUp", "Move up", lambda: self._move_sentiment(-1)),
                ("codebookSentimentDown", "Move down", lambda: self._move_sentiment(1)),
            ),
            3,
            1,
        )
        grid.setRowStretch(1, 3)
        grid.setRowStretch(3, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(820, 480)
        self.table.setFocus()

    # -- building ---------------------------------------------------------------------------

    def _caption(self, text: str) -> QLabel:
        caption = QLabel(text, self)
        caption.setTextFormat(Qt.TextFormat.PlainText)
        return caption

    def _button_column(self, *specs: tuple[str, str, Callable[[], None]]) -> QVBoxLayout:
        column = QVBoxLayout()
        for name, text, slot in specs:
            button = QPushButton(text, self)
            button.setObjectName(name)
            button.setAutoDefault(False)  # Return in the dialog means OK, not "Add label"
            button.clicked.connect(slot)
            column.addWidget(button)
        column.addStretch(1)
        return column

    def _append_row(
        self,
        label_id: LabelId | None,
        name: str,
        role: str | None,
        shortcut: str,
        color: str,
        description: str,
    ) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        items = [QTableWidgetItem(text) for text in (name, role or NO_ROLE, shortcut, color)]
        items.append(QTableWidgetItem(description))
        items[NAME].setData(Qt.ItemDataRole.UserRole, label_id)  # None: a label still to create
        self._update_swatch(items[COLOUR])
        for column, item in enumerate(items):
            self.table.setItem(row, column, item)
        return row

    def _append_sentiment(self, value: str, *, original: str | None) -> QListWidgetItem:
        item = QListWidgetItem(value, self.sentiments)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        item.setData(Qt.ItemDataRole.UserRole, original)  # the stored value it started as
        return item

    # -- label actions ----------------------------------------------------------------------

    def _add_label(self) -> None:
        names = {self._text(row, NAME).casefold() for row in range(self.table.rowCount())}
        name, number = "New label", 2
        while name.casefold() in names:
            name, number = f"New label {number}", number + 1
        colours = {self._text(row, COLOUR).lower() for row in range(self.table.rowCount())}
        colour = next((c for c in NEW_COLOURS if c not in colours), "#808080")
        row = self._append_row(None, name, None, "", colour, "")
        self.table.setCurrentCell(row, NAME)
        self.table.setFocus()
        self.table.editItem(self._item(row, NAME))  # type the name straight away

    def _remove_label(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        label_id = self._item(row, NAME).data(Qt.ItemDataRole.UserRole)
        used = self._store.codebook.label_usage().get(label_id, 0) if label_id else 0
        if used:
            self._show_error(label_in_use(self._text(row, NAME), used))
            return
        self.table.removeRow(row)
        self._show_error("")

    def _move_row(self, step: int) -> None:
        row, column = self.table.currentRow(), max(0, self.table.currentColumn())
        other = row + step
        if row < 0 or not 0 <= other < self.table.rowCount():
            return
        for col in range(len(COLUMNS)):
            here, there = self.table.takeItem(row, col), self.table.takeItem(other, col)
            self.table.setItem(row, col, there)
            self.table.setItem(other, col, here)
        self.table.setCurrentCell(other, column)

    def _choose_colour(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        item = self._item(row, COLOUR)
        chosen = QColorDialog.getColor(
            QColor(item.text()), self, f"Colour of “{self._text(row, NAME)}”"
        )
        if chosen.isValid():
            item.setText(chosen.name())

    def _item_changed(self, item: QTableWidgetItem) -> None:
        self._show_error("")
        if item.column() == COLOUR:
            self._update_swatch(item)

    @staticmethod
    def _update_swatch(item: QTableWidgetItem) -> None:
        text = item.text().strip()
        swatch = QColor(text) if _HEX.match(text) else None
        if item.data(Qt.ItemDataRole.DecorationRole) != swatch:
            item.setData(Qt.ItemDataRole.DecorationRole, swatch)

    # -- sentiment actions ------------------------------------------------------------------

    def _add_sentiment(self) -> None:
        values = {self.sentiments.item(i).text() for i in range(self.sentiments.count())}
        value, number = "new value", 2
        while value in values:
            value, number = f"new value {number}", number + 1
        item = self._append_sentiment(value, original=None)
        self.sentiments.setCurrentItem(item)
        self.sentiments.setFocus()
        self.sentiments.editItem(item)

    def _remove_sentiment(self) -> None:
        item = self.sentiments.currentItem()
        if item is None:
            return
        original = item.data(Qt.ItemDataRole.UserRole)
        used = self._store.codebook.sentiment_usage().get(original, 0) if original else 0
        if used:
            self._show_error(sentiment_in_use(original, used))
            return
        self.sentiments.takeItem(self.sentiments.row(item))
        self._show_error("")

    def _move_sentiment(self, step: int) -> None:
        row = self.sentiments.currentRow()
        other = row + step
        if row < 0 or not 0 <= other < self.sentiments.count():
            return
        self.sentiments.insertItem(other, self.sentiments.takeItem(row))
        self.sentiments.setCurrentRow(other)

    # -- saving -----------------------------------------------------------------------------

    def drafts(self) -> list[LabelDraft]:
        """The labels as edited, in table order."""
        return [
            LabelDraft(
                id=self._item(row, NAME).data(Qt.ItemDataRole.UserRole),
                name=self._text(row, NAME),
                role=None if self._text(row, ROLE) == NO_ROLE else self._text(row, ROLE),
                shortcut=self._text(row, SHORTCUT),
                color=self._text(row, COLOUR),
                description=self._text(row, DESCRIPTION),
            )
            for row in range(self.table.rowCount())
        ]

    def sentiment_values(self) -> list[str]:
        """The sentiment values as edited, in list order."""
        return [self.sentiments.item(i).text() for i in range(self.sentiments.count())]

    def _save(self) -> None:
        try:
            self._store.codebook.save(
                self.drafts(), self.sentiment_values(), analyst_id=self._analyst_id
            )
        except AnnotatorError as exc:  # refused or not saved: say why, keep the edits
            self._show_error(str(exc))
            return
        self.accept()

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def _item(self, row: int, column: int) -> QTableWidgetItem:
        item = self.table.item(row, column)
        assert item is not None  # every cell gets an item when its row is made
        return item

    def _text(self, row: int, column: int) -> str:
        return self._item(row, column).text()
