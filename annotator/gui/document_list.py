"""The document list: title, date and annotation count, with a filter box."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.records import DocumentId, DocumentSummary
from annotator.gui.plain_text import tooltip_text

_Index = QModelIndex | QPersistentModelIndex
_HEADERS = ("Title", "Date", "Tags")


class DocumentListModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self._rows: list[DocumentSummary] = []

    def set_documents(self, documents: list[DocumentSummary]) -> None:
        self.beginResetModel()
        self._rows = list(documents)
        self.endResetModel()

    def update_document(self, summary: DocumentSummary) -> None:
        """Refresh one row in place (e.g. its annotation count)."""
        for row, doc in enumerate(self._rows):
            if doc.id == summary.id:
                self._rows[row] = summary
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(_HEADERS) - 1))
                return

    def document_at(self, row: int) -> DocumentSummary:
        return self._rows[row]

    def row_of(self, doc_id: DocumentId) -> int:
        for row, doc in enumerate(self._rows):
            if doc.id == doc_id:
                return row
        return -1

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _HEADERS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        doc = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (doc.title, doc.published or "", doc.annotation_count)[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip_text(f"{doc.title}\n{doc.source}\n{doc.char_count} characters")
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class DocumentListPanel(QWidget):
    """Filter box over a sortable table of documents; emits `document_chosen`."""

    document_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = DocumentListModel()
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(0)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("documentFilter")
        self.filter_edit.setPlaceholderText("Filter documents…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._filter)
        self._filtering = False
        self.view = QTableView(self)
        self.view.setObjectName("documentList")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.view.selectionModel().currentRowChanged.connect(self._on_current_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.view)

    def _filter(self, text: str) -> None:
        # Filtering moves the current row; only the analyst's own choice opens a document.
        self._filtering = True
        try:
            self.proxy.setFilterFixedString(text)
        finally:
            self._filtering = False

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and not self._filtering:
            source = self.proxy.mapToSource(current)
            self.document_chosen.emit(self.model.document_at(source.row()).id)

    def select(self, doc_id: DocumentId) -> None:
        row = self.model.row_of(doc_id)
        if row >= 0:
            index = self.proxy.mapFromSource(self.model.index(row, 0))
            if index.isValid():
                self.view.setCurrentIndex(index)

    def step(self, direction: int) -> None:
        """Open the next (1) or previous (-1) document in the list's current order."""
        rows = self.proxy.rowCount()
        if rows == 0:
            return
        current = self.view.currentIndex()
        row = current.row() + direction if current.isValid() else 0
        self.view.setCurrentIndex(self.proxy.index(max(0, min(rows - 1, row)), 0))
