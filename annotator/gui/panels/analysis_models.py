"""The analysis view's tables: a pivot as a cross-table with totals, and the passages behind a
cell. Every cell is plain text (names and quotes are never read as markup); `rows()` gives the
table as shown, header first, for the CSV export."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QGuiApplication, QPalette

from annotator.core.analysis import Passage, Pivot
from annotator.gui.reading.plain_text import tooltip_text

_Index = QModelIndex | QPersistentModelIndex
Key = str | None
#: What a cell stands for: (fields, keys) to drill into; ((), ()) is every annotation counted.
Cell = tuple[tuple[str, ...], tuple[Key, ...]]

TOTAL = "Total"


def field_title(field: str) -> str:
    return field.capitalize()


def one_line(text: str, limit: int = 0) -> str:
    line = " ".join(text.split())
    return line if not limit or len(line) <= limit else line[: limit - 1] + "…"


class PivotTableModel(QAbstractTableModel):
    """One field: its values down, their counts, a total row. Two fields: the first field's
    values down, the second's across, a total column and a total row. Sorting by a column
    orders the value rows; the total row stays last."""

    def __init__(self) -> None:
        super().__init__()
        self.pivot: Pivot | None = None
        self._row_keys: list[Key] = []
        self._col_keys: list[Key] = []
        self._counts: dict[tuple[Key, Key], int] = {}
        self._row_totals: dict[Key, int] = {}
        self._col_totals: dict[Key, int] = {}

    # -- content ----------------------------------------------------------------------------

    def set_pivot(self, pivot: Pivot | None) -> None:
        self.beginResetModel()
        self.pivot = pivot
        self._row_keys, self._col_keys = [], []
        self._counts, self._row_totals, self._col_totals = {}, {}, {}
        if pivot is not None:
            for row in pivot.rows:  # rows come by count, so keys appear most counted first
                first = row.keys[0]
                second = row.keys[1] if len(row.keys) > 1 else None
                self._counts[(first, second)] = self._counts.get((first, second), 0) + row.count
                self._row_totals[first] = self._row_totals.get(first, 0) + row.count
                self._col_totals[second] = self._col_totals.get(second, 0) + row.count
            self._row_keys = sorted(self._row_totals, key=lambda k: -self._row_totals[k])
            self._col_keys = sorted(self._col_totals, key=lambda k: -self._col_totals[k])
        self.endResetModel()

    @property
    def two_fields(self) -> bool:
        return self.pivot is not None and len(self.pivot.by) > 1

    def _label(self, field: str, key: Key) -> str:
        assert self.pivot is not None
        return one_line(self.pivot.label(field, key))

    def _header(self, column: int) -> str:
        if self.pivot is None or not self.pivot.by:
            return ""
        if column == 0:
            return field_title(self.pivot.by[0])
        if not self.two_fields:
            return "Count"
        if column == len(self._col_keys) + 1:
            return TOTAL
        return self._label(self.pivot.by[1], self._col_keys[column - 1])

    def _value(self, row: int, column: int) -> int | str:
        """What a cell holds: a label (column 0) or a count."""
        assert self.pivot is not None
        total_row = row == len(self._row_keys)
        if column == 0:
            return TOTAL if total_row else self._label(self.pivot.by[0], self._row_keys[row])
        total_column = not self.two_fields or column == len(self._col_keys) + 1
        if total_row:
            return (
                self.pivot.total if total_column else self._col_totals[self._col_keys[column - 1]]
            )
        key = self._row_keys[row]
        if total_column:
            return self._row_totals[key]
        return self._counts.get((key, self._col_keys[column - 1]), 0)

    def cell(self, index: _Index) -> Cell | None:
        """The annotations behind a count: the fields and keys to drill into."""
        if self.pivot is None or not index.isValid() or index.column() == 0:
            return None
        by = self.pivot.by
        total_row = index.row() == len(self._row_keys)
        total_column = not self.two_fields or index.column() == len(self._col_keys) + 1
        first = None if total_row else self._row_keys[index.row()]
        second = None if total_column else self._col_keys[index.column() - 1]
        if total_row and total_column:
            return (), ()
        if total_row:
            return (by[1],), (second,)
        if total_column:
            return (by[0],), (first,)
        return (by[0], by[1]), (first, second)

    def describe(self, cell: Cell) -> str:
        """A cell's keys as people read them ("Wei Fenghe / negative")."""
        fields, keys = cell
        if not fields:
            return "All counted"
        return " / ".join(self._label(f, k) for f, k in zip(fields, keys, strict=True))

    def rows(self) -> list[list[str]]:
        """The table as shown (its current order), header first."""
        columns = self.columnCount()
        out = [[self._header(c) for c in range(columns)]]
        for row in range(self.rowCount()):
            out.append([str(self._value(row, c)) for c in range(columns)])
        return out

    # -- Qt ---------------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self.pivot is None or not self.pivot.by:
            return 0
        return len(self._row_keys) + 1

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self.pivot is None or not self.pivot.by:
            return 0
        return len(self._col_keys) + 2 if self.two_fields else 2

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._header(section)
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return tooltip_text(self._header(section))
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or self.pivot is None:
            return None
        value = self._value(index.row(), index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return str(value)
        if role == Qt.ItemDataRole.ToolTipRole and isinstance(value, str):
            return tooltip_text(value)
        if role == Qt.ItemDataRole.ForegroundRole and value == 0:
            return QGuiApplication.palette().color(QPalette.ColorRole.PlaceholderText)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and self._is_total(index):
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _is_total(self, index: _Index) -> bool:
        last = self.columnCount() - 1
        return index.row() == len(self._row_keys) or (self.two_fields and index.column() == last)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if self.pivot is None or not 0 <= column < self.columnCount():
            return
        self.layoutAboutToBeChanged.emit()
        descending = order == Qt.SortOrder.DescendingOrder
        keys = list(range(len(self._row_keys)))
        values = [self._value(row, column) for row in keys]
        if column == 0:
            keys.sort(key=lambda r: str(values[r]).casefold(), reverse=descending)
        else:
            keys.sort(key=lambda r: int(values[r]), reverse=descending)
        self._row_keys = [self._row_keys[r] for r in keys]
        self.layoutChanged.emit()


PASSAGE_COLUMNS = ("Document", "Published", "Speaker", "Target", "Sentiment", "Analyst", "Quote")


class PassageModel(QAbstractTableModel):
    """The passages behind a cell, one row each."""

    def __init__(self) -> None:
        super().__init__()
        self._passages: list[Passage] = []

    def set_passages(self, passages: Sequence[Passage]) -> None:
        self.beginResetModel()
        self._passages = list(passages)
        self.endResetModel()

    def passage(self, row: int) -> Passage:
        return self._passages[row]

    @staticmethod
    def _cells(p: Passage) -> tuple[str, ...]:
        return (
            one_line(p.document_title, 60),
            p.published or "",
            one_line(p.speaker or ""),
            one_line(p.target or ""),
            p.sentiment or "",
            p.analyst,
            one_line(p.quote, 300),
        )

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._passages)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(PASSAGE_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return PASSAGE_COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        passage = self._passages[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells(passage)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            whole = passage.quote if index.column() == 6 else passage.document_title
            return tooltip_text(whole)
        return None
