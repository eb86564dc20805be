"""The inspector's "Said by" and "About" boxes: the open document's speaker or target spans to
link a claim to, or a name typed in.

The items come from the core (`RoleSpans`: order, entries, numbering) through a list model
that follows the document's changes row by row, so adding or removing a span costs one row
whatever the document holds; nothing is refilled when a claim is shown.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QLineEdit, QWidget

from annotator.core.attribution import DocumentAnnotations, RoleSpans, RowsChanged

NONE = "—"
#: A link as shown: (span id, None), (None, typed name), or None for no link.
LinkValue = tuple[str | None, str | None] | None
_Index = QModelIndex | QPersistentModelIndex
_TEXT_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole)


class SpanChoices(QAbstractListModel):
    """Row 0 is "—" (no link); then one row per span of `role`, as the core lists them."""

    def __init__(self, role: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.role = role
        self._state: DocumentAnnotations | None = None
        self._spans: RoleSpans | None = None
        self._ids: list[str] = []  # the rows Qt knows of, after "—": moved only in step with it

    @property
    def state(self) -> DocumentAnnotations | None:
        return self._state

    def follow(self, state: DocumentAnnotations | None) -> None:
        """List `state`'s spans from now on (None: no rows). A no-op for the state followed."""
        if state is self._state:
            return
        if self._state is not None:
            self._state.unwatch(self._on_rows)
        self.beginResetModel()
        self._state = state
        self._spans = None if state is None else state.role_spans(self.role)
        self._ids = [] if self._spans is None else [a.id for a in self._spans.spans()]
        self.endResetModel()
        if state is not None:
            state.watch(self._on_rows)

    def _on_rows(self, event: RowsChanged) -> None:
        if event.role != self.role:
            return
        row = event.first + 1
        if event.kind == "inserted":
            self.beginInsertRows(QModelIndex(), row, row)
            self._ids.insert(event.first, str(event.span_id))
            self.endInsertRows()
        elif event.kind == "removed":
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._ids[event.first]
            self.endRemoveRows()
        else:
            self.dataChanged.emit(self.index(row), self.index(event.last + 1), list(_TEXT_ROLES))

    # -- lookups without walking the rows ---------------------------------------------------

    def row_of(self, span_id: str) -> int:
        """The span's row, or -1."""
        found = None if self._spans is None else self._spans.row_of(span_id)
        return -1 if found is None else found + 1

    def find(self, text: str) -> str | None:
        """The span an entry names, if `text` is one."""
        return None if self._spans is None else self._spans.find(text)

    # -- the model --------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 (Qt API)
        return 0 if parent.isValid() or self._spans is None else len(self._ids) + 1

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = index.row()
        if not index.isValid() or self._spans is None or not 0 <= row <= len(self._ids):
            return None
        if role in _TEXT_ROLES:
            return NONE if row == 0 else self._spans.entry(self._ids[row - 1])
        if role == Qt.ItemDataRole.UserRole:
            return None if row == 0 else self._ids[row - 1]
        return None


def link_box(parent: QWidget, name: str, choices: SpanChoices, names: QCompleter) -> QComboBox:
    """An editable box over `choices`, completing typed text from `names`."""
    box = QComboBox(parent)
    box.setObjectName(name)
    box.setModel(choices)  # before the line edit: setModel would re-point its completer
    box.setEditable(True)
    box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    # Sized by a fixed number of characters, not by reading every entry.
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(12)  # the inspector stays as narrow as before: names elide
    view = box.view()
    if hasattr(view, "setUniformItemSizes"):
        view.setUniformItemSizes(True)  # the popup lays out the rows it shows, not all
    line = QLineEdit(box)
    box.setLineEdit(line)
    line.setPlaceholderText(f"{NONE}  pick a span or type a name")
    # On the line edit, not box.setCompleter(): the combo maps a chosen completion back to
    # its own items and, finding none for a name, would blank the text.
    line.setCompleter(names)
    return box


def link_value(box: QComboBox) -> LinkValue:
    """What the box says: a span's entry, a typed name, or nothing ("—" or empty)."""
    text = " ".join(box.currentText().split())
    if not text or text == NONE:
        return None
    choices = box.model()
    span_id = choices.find(text) if isinstance(choices, SpanChoices) else None
    return (span_id, None) if span_id is not None else (None, text)


def show_link(box: QComboBox, value: LinkValue, state: DocumentAnnotations) -> None:
    """Show `value` in the box (without emitting `activated`)."""
    if value is None:
        if box.count() and (box.currentIndex() != 0 or box.currentText() != NONE):
            box.setCurrentIndex(0)
            box.setEditText(NONE)
        return
    if link_value(box) == value:
        return
    span_id, name = value
    choices = box.model()
    row = choices.row_of(span_id) if span_id and isinstance(choices, SpanChoices) else -1
    box.setCurrentIndex(row)
    if row < 0:
        span = state.get(span_id) if span_id else None
        box.setEditText(name or ("" if span is None else state.canonical_name(span)))
    line = box.lineEdit()
    if line is not None:
        line.setCursorPosition(0)  # show the name, which comes first, not the quote's tail
