"""The document list: title, date and annotation count, with a filter box, for 10,000 documents.

What costs with a year of work is not holding 10,000 rows but computing them: counting a
million annotations for every row (150 ms) and letting Qt's sort/filter proxy call Python for
every row on every keystroke (0.4 s). So the model keeps only each document's id, title and
date (one light query) to sort and filter in plain Python, and fetches the rest (annotation
count, source, length) for the rows on screen, a page at a time, through an indexed query.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
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
from annotator.core.store.documents import Documents
from annotator.gui.text_formats import wrapping_tooltip

_Index = QModelIndex | QPersistentModelIndex
_HEADERS = ("Title", "Date", "Tags")
TITLE, DATE, TAGS = range(len(_HEADERS))
#: Rows whose summaries are fetched together: a screenful and more.
PAGE = 100
#: Summaries kept at most; beyond, the cache starts afresh (rows are fetched again on demand).
CACHE_LIMIT = 5_000
#: Room the title column gets at least, in average characters (the list is no narrower).
TITLE_CHARS = 24
#: … and what the list asks for when there is room.
TITLE_CHARS_WANTED = 34


Catalog = list[tuple[DocumentId, str, str | None]]


class DocumentListModel(QAbstractTableModel):
    """Rows are the documents shown: every document of the project, filtered and sorted."""

    def __init__(self) -> None:
        super().__init__()
        self._fetch: Callable[[Sequence[DocumentId]], dict[DocumentId, DocumentSummary]] = (
            lambda _ids: {}
        )
        self._count_all: Callable[[], dict[DocumentId, int]] = dict
        self._ids: list[DocumentId] = []
        self._titles: list[str] = []
        self._folded: list[str] = []  # casefolded titles, for the filter
        self._dates: list[str | None] = []
        self._known: set[DocumentId] = set()
        self._order: list[int] = []  # catalog positions, sorted
        self._shown: list[int] = []  # … of which those passing the filter
        self._rows: dict[DocumentId, int] | None = None  # row of each shown id, built on demand
        self._summaries: dict[DocumentId, DocumentSummary] = {}
        self._counts: dict[DocumentId, int] | None = None  # all counts: only to sort by them
        self._needle = ""
        self._sort = (DATE, Qt.SortOrder.AscendingOrder)

    # -- filling ----------------------------------------------------------------------------

    def load(self, documents: Documents) -> None:
        """(Re)read the project's documents, keeping the filter and the sort order."""
        self._fetch = documents.summaries
        self._count_all = documents.annotation_counts
        self._set_catalog(documents.catalog())

    def _set_catalog(self, catalog: Catalog) -> None:
        self.beginResetModel()
        self._ids = [c[0] for c in catalog]
        self._titles = [c[1] for c in catalog]
        self._folded = [title.casefold() for title in self._titles]
        self._dates = [c[2] for c in catalog]
        self._known = set(self._ids)
        self._summaries = {}
        self._counts = None
        self._order = self._sorted()
        self._shown = self._filtered()
        self._rows = None
        self.endResetModel()

    def update_document(self, summary: DocumentSummary) -> None:
        """Refresh one row in place (e.g. its annotation count)."""
        if summary.id not in self._known:
            return
        self._remember({summary.id: summary})
        if self._counts is not None:
            self._counts[summary.id] = summary.annotation_count
        row = self.row_of(summary.id)
        if row >= 0:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(_HEADERS) - 1))

    # -- filter and sort --------------------------------------------------------------------

    def set_filter(self, text: str) -> None:
        """Show only documents whose title contains `text` (any case, any script)."""
        needle = text.casefold()
        if needle == self._needle:
            return
        self.beginResetModel()
        self._needle = needle
        self._shown = self._filtered()
        self._rows = None
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(_HEADERS):
            return
        self.layoutAboutToBeChanged.emit()
        kept = self.persistentIndexList()
        ids = [self._ids[self._shown[i.row()]] for i in kept]
        self._sort = (column, order)
        self._order = self._sorted()
        self._shown = self._filtered()
        self._rows = None
        moved = [
            self.index(self.row_of(doc_id), i.column()) for doc_id, i in zip(ids, kept, strict=True)
        ]
        self.changePersistentIndexList(kept, moved)
        self.layoutChanged.emit()

    def _filtered(self) -> list[int]:
        if not self._needle:
            return list(self._order)
        needle, folded = self._needle, self._folded
        return [i for i in self._order if needle in folded[i]]

    def _sorted(self) -> list[int]:
        column, order = self._sort
        folded, dates, ids = self._folded, self._dates, self._ids

        def by_date(i: int) -> tuple[bool, str, str, str]:
            date = dates[i]
            return (date is None, date or "", folded[i], ids[i])  # undated last

        def by_title(i: int) -> tuple[str, tuple[bool, str, str, str]]:
            return (folded[i], by_date(i))

        def by_count(i: int) -> tuple[int, tuple[bool, str, str, str]]:
            return (counts.get(ids[i], 0), by_date(i))

        if column == TAGS and self._counts is None:
            self._counts = self._count_all()  # one pass over the index, on request only
        counts = self._counts or {}
        key = {TITLE: by_title, DATE: by_date, TAGS: by_count}[column]
        descending = order == Qt.SortOrder.DescendingOrder
        return sorted(range(len(ids)), key=key, reverse=descending)

    # -- lookups ----------------------------------------------------------------------------

    def contains(self, doc_id: DocumentId) -> bool:
        """True if the document is in the project (shown or hidden by the filter)."""
        return doc_id in self._known

    def row_of(self, doc_id: DocumentId) -> int:
        """The document's row as shown, or -1 (not in the project, or filtered out)."""
        if self._rows is None:
            ids = self._ids
            self._rows = {ids[i]: row for row, i in enumerate(self._shown)}
        return self._rows.get(doc_id, -1)

    def id_at(self, row: int) -> DocumentId:
        return self._ids[self._shown[row]]

    def document_at(self, row: int) -> DocumentSummary:
        return self._summary(row)

    def _summary(self, row: int) -> DocumentSummary:
        doc_id = self._ids[self._shown[row]]
        found = self._summaries.get(doc_id)
        if found is None:
            first = row - row % PAGE
            page = [self._ids[i] for i in self._shown[first : first + PAGE]]
            self._remember(self._fetch([i for i in page if i not in self._summaries]))
            found = self._summaries.get(doc_id)
            if found is None:  # gone from the project since the list was read
                i = self._shown[row]
                found = DocumentSummary(doc_id, self._titles[i], "", self._dates[i], "", 0, 0)
        return found

    def _remember(self, summaries: dict[DocumentId, DocumentSummary]) -> None:
        if len(self._summaries) + len(summaries) > CACHE_LIMIT:
            self._summaries = {}
        self._summaries.update(summaries)

    # -- Qt model interface -----------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._shown)

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
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            i = self._shown[row]
            if column == TITLE:
                return self._titles[i]
            if column == DATE:
                return self._dates[i] or ""
            return self._summary(row).annotation_count
        if role == Qt.ItemDataRole.ToolTipRole:
            doc = self._summary(row)
            return wrapping_tooltip(f"{doc.title}\n{doc.source}\n{doc.char_count} characters")
        if role == Qt.ItemDataRole.TextAlignmentRole and column == TAGS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class DocumentListPanel(QWidget):
    """Filter box over a sortable table of documents; emits `document_chosen`."""

    document_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = DocumentListModel()
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("documentFilter")
        self.filter_edit.setPlaceholderText("Filter documents…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._filter)
        self._quiet = False
        self.view = QTableView(self)
        self.view.setObjectName("documentList")
        self.view.setModel(self.model)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(DATE, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.setWordWrap(False)
        # A title too long for its column keeps its beginning and its end (often a date or a
        # place); the whole title is in the row's tooltip.
        self.view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        # Fixed sizes: sizing to contents would read (and fetch) a thousand rows per reset.
        metrics = self.view.fontMetrics()
        rows = self.view.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(metrics.height() + 8)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        # Date and count take what they need (their header and sort arrow included); the
        # title gets the rest.
        titles = header.fontMetrics()
        for column, sample in ((DATE, "2000-00-00"), (TAGS, "00000")):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            width = max(
                metrics.horizontalAdvance(sample) + 16,
                titles.horizontalAdvance(_HEADERS[column]) + 36,
            )
            header.resizeSection(column, width)
        self._others = sum(header.sectionSize(c) for c in (DATE, TAGS))
        self.setMinimumWidth(self._width_for(TITLE_CHARS))
        self.view.selectionModel().currentRowChanged.connect(self._on_current_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.view)

    def _width_for(self, title_chars: int) -> int:
        """The list's width with `title_chars` average characters for the title column."""
        title = self.view.fontMetrics().averageCharWidth() * title_chars + 16
        chrome = 2 * self.view.frameWidth() + self.view.verticalScrollBar().sizeHint().width()
        return title + self._others + chrome

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(self._width_for(TITLE_CHARS_WANTED), super().sizeHint().height())

    def load(self, documents: Documents) -> None:
        """Read the project's documents again (after an import, a merge, F5)."""
        self._keeping_current(lambda: self.model.load(documents))

    def _filter(self, text: str) -> None:
        self._keeping_current(lambda: self.model.set_filter(text))

    def _keeping_current(self, change: Callable[[], None]) -> None:
        """Apply `change` (which resets the model); the open document stays the current row
        if it is still shown. Only the analyst's own choice opens a document."""
        current = self.view.currentIndex()
        doc_id = self.model.id_at(current.row()) if current.isValid() else None
        self._quiet = True
        try:
            change()
            row = self.model.row_of(doc_id) if doc_id is not None else -1
            if row >= 0:
                self.view.setCurrentIndex(self.model.index(row, 0))
        finally:
            self._quiet = False

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and not self._quiet:
            self.document_chosen.emit(self.model.id_at(current.row()))

    def select(self, doc_id: DocumentId) -> None:
        row = self.model.row_of(doc_id)
        if row >= 0:
            self.view.setCurrentIndex(self.model.index(row, 0))

    def step(self, direction: int) -> None:
        """Open the next (1) or previous (-1) document in the list's current order."""
        rows = self.model.rowCount()
        if rows == 0:
            return
        current = self.view.currentIndex()
        row = current.row() + direction if current.isValid() else 0
        self.view.setCurrentIndex(self.model.index(max(0, min(rows - 1, row)), 0))
