"""The document list: title, outlet, language, date and annotation count, with a filter box, for
10,000 documents.

What costs with a year of work is not holding 10,000 rows but computing them: counting a
million annotations for every row (150 ms) and letting Qt's sort/filter proxy call Python for
every row on every keystroke (0.4 s). So the model keeps only what it sorts, filters and marks
by (each document's id, title, date, outlet, author, language, the document it is a copy of:
one pass, `Documents.catalog`) in plain Python, and fetches the rest (annotation count, source,
length) for the rows on screen, a page at a time, through an indexed query.

Outlet and Language are shown when a document of the project names its outlet and the panel
has room for them beside a readable title (the header's context menu shows or hides them for
good). A syndicated copy's title starts with ⧉; its tooltip names the original. The rows'
context menu opens the original the document was read from (`original_dialog`).

A document the analyst marked done has ✓ before its title; the tooltip names everyone who
marked it done, with the day. Review mode can show only the documents every analyst it
compares marked done (`require_finished`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QModelIndex,
    QPoint,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import ProjectError
from annotator.core.records import DocumentId
from annotator.core.store.documents import Documents
from annotator.gui.panels.document_list_model import (  # noqa: F401 (the panel's names)
    APPLY_TO_COPIES,
    COPY_MARK,
    DATE,
    DONE_MARK,
    HEADERS,
    LANGUAGE,
    OUTLET,
    OUTLET_CHARS,
    PAGE,
    SHOW_ORIGINAL,
    SOURCE_COLUMNS,
    SOURCE_COLUMNS_ACTION,
    TAGS,
    TITLE,
    TITLE_CHARS,
    TITLE_CHARS_WANTED,
    DocumentListModel,
)
from annotator.gui.reading.plain_text import plain_message

if TYPE_CHECKING:
    from annotator.gui.dialogs.original_dialog import OriginalDialog


class DocumentListPanel(QWidget):
    """Filter box over a sortable table of documents; emits `document_chosen`."""

    document_chosen = Signal(str)
    #: "Apply my annotations to its copies" chosen for this document.
    apply_to_copies_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = DocumentListModel()
        self._documents: Documents | None = None
        #: Outlet and Language as the analyst set them in the header's menu; None: automatic.
        self._sources_chosen: bool | None = None
        #: The rows' context menu last opened, and the original last shown (for tests too).
        self.row_menu: QMenu | None = None
        self.header_menu: QMenu | None = None
        self.original_dialog: OriginalDialog | None = None
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
        outlet = "x" * OUTLET_CHARS
        for column, sample in (
            (DATE, "2000-00-00"),
            (TAGS, "00000"),
            (OUTLET, outlet),
            (LANGUAGE, "zh-Hans"),
        ):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            width = max(
                metrics.horizontalAdvance(sample) + 16,
                titles.horizontalAdvance(HEADERS[column]) + 36,
            )
            header.resizeSection(column, width)
        for place, column in enumerate(SOURCE_COLUMNS, start=1):  # beside the title
            header.moveSection(header.visualIndex(column), place)
        self._others = sum(header.sectionSize(c) for c in (DATE, TAGS))
        self._sources = sum(header.sectionSize(c) for c in SOURCE_COLUMNS)
        for column in SOURCE_COLUMNS:
            self.view.setColumnHidden(column, True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._row_menu)
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
        width = self._width_for(TITLE_CHARS_WANTED)
        if self._sources_wanted():
            width += self._sources
        return QSize(width, super().sizeHint().height())

    def load(self, documents: Documents) -> None:
        """Read the project's documents again (after an import, a merge, F5)."""
        self._documents = documents
        self._keeping_current(lambda: self.model.load(documents))
        self._fit_source_columns()
        self.updateGeometry()

    # -- outlet and language ----------------------------------------------------------------

    def _sources_wanted(self) -> bool:
        if self._sources_chosen is not None:
            return self._sources_chosen
        return self.model.has_outlets()

    def sources_shown(self) -> bool:
        """True if the Outlet and Language columns are on screen."""
        return not self.view.isColumnHidden(OUTLET)

    def show_sources(self, shown: bool) -> None:
        """Show or hide Outlet and Language for good (whatever the documents and the room)."""
        self._sources_chosen = shown
        self._fit_source_columns()
        self.updateGeometry()

    def _fit_source_columns(self) -> None:
        """Outlet and Language as chosen; else shown when a document names its outlet and a
        readable title (TITLE_CHARS) still fits beside them."""
        if self._sources_chosen is not None:
            shown = self._sources_chosen
        else:
            room = self.view.viewport().width() - self._others - self._sources
            title = self.view.fontMetrics().averageCharWidth() * TITLE_CHARS + 16
            shown = self.model.has_outlets() and room >= title
        if shown != self.sources_shown():
            for column in SOURCE_COLUMNS:
                self.view.setColumnHidden(column, not shown)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._fit_source_columns()

    def _header_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        action = menu.addAction(SOURCE_COLUMNS_ACTION)
        action.setCheckable(True)
        action.setChecked(self.sources_shown())
        action.toggled.connect(self.show_sources)
        self.header_menu = menu
        menu.popup(self.view.horizontalHeader().mapToGlobal(pos))

    # -- the original -----------------------------------------------------------------------

    def _row_menu(self, pos: QPoint) -> None:
        index = self.view.indexAt(pos)
        if not index.isValid():
            return
        row = index.row()
        doc_id = self.model.id_at(row)
        menu = QMenu(self)
        action = menu.addAction(SHOW_ORIGINAL)
        action.setEnabled(self.model.has_original(row))
        if not action.isEnabled():
            action.setToolTip("Only the text was kept for this document.")
        action.triggered.connect(lambda: self.show_original(doc_id))
        carry = menu.addAction(APPLY_TO_COPIES)
        carry.setEnabled(self.model.in_copy_group(row))
        carry.triggered.connect(lambda: self.apply_to_copies_requested.emit(doc_id))
        self.row_menu = menu
        menu.popup(self.view.viewport().mapToGlobal(pos))

    def show_original(self, doc_id: DocumentId) -> None:
        """Open the bytes the document was read from, in a dialog of their own."""
        if self._documents is None:
            return
        try:
            original = self._documents.original(doc_id)
            title = self._documents.summary(doc_id).title
        except ProjectError as exc:
            plain_message(self, "Show original", str(exc))
            return
        if original is None:
            plain_message(
                self,
                "Show original",
                "Only the text of this document was kept (it came from an annotation file or "
                "an import made before originals were kept).",
                warning=False,
            )
            return
        from annotator.gui.dialogs.original_dialog import OriginalDialog  # when first used

        self.original_dialog = OriginalDialog(original, title, self)
        self.original_dialog.open()

    def require_finished(self, names: frozenset[str] | None) -> None:
        """Only documents all of `names` marked done (None: all), keeping the current one."""
        self._keeping_current(lambda: self.model.require_finished(names))

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
