"""The annotation table's sort and filter proxy: sorts by `SortRole`, filters by the model's
own per-row test (`accepts`: text and analyst), and follows changes only while it sorts or
filters."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import QWidget

_Index = QModelIndex | QPersistentModelIndex
#: Role with values the proxy sorts by: the start offset for Quote, casefolded text otherwise.
SortRole = Qt.ItemDataRole.UserRole
#: Role with the full, untruncated text the filter box searches.
FilterRole = Qt.ItemDataRole.UserRole + 1


class RowTest(Protocol):
    """The table model as the proxy uses it."""

    def accepts(self, row: int, needle: str, analyst_id: str | None) -> bool: ...


class AnnotationFilter(QSortFilterProxyModel):
    """Sorts by SortRole; filters by the model's own per-row test (text and analyst)."""

    def __init__(self, model: RowTest, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self.needle = ""
        self.analyst_id: str | None = None
        assert isinstance(model, QAbstractItemModel)  # the table model: rows and a row test
        self.setSourceModel(model)
        self.setSortRole(SortRole)
        self._follow_changes()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        super().sort(column, order)
        self._follow_changes()

    def _follow_changes(self) -> None:
        """Re-filter and re-sort rows as their data changes only while a filter or a sort is
        on: otherwise a change of one claim's speaker would test every row (Python calls)."""
        self.setDynamicSortFilter(
            bool(self.needle) or self.analyst_id is not None or self.sortColumn() >= 0
        )

    def set_filter(self, text: str, analyst_id: str | None) -> None:
        needle = text.casefold()
        if (needle, analyst_id) == (self.needle, self.analyst_id):
            return
        if hasattr(self, "beginFilterChange"):  # Qt 6.9+: invalidateRowsFilter is deprecated
            self.beginFilterChange()
            self.needle, self.analyst_id = needle, analyst_id
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.needle, self.analyst_id = needle, analyst_id
            self.invalidateRowsFilter()
        self._follow_changes()

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:  # noqa: N802
        return self._model.accepts(source_row, self.needle, self.analyst_id)
