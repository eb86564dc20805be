"""The open document's annotations as a table: label, quote, speaker, about (the claim's
target), sentiment, analyst, note.

The model is updated in place from each `Change` (rows inserted, changed or removed), never
reset, so the selection, sort order and scroll position survive every edit.

Filtering (a text box and a choice of analyst or layer) is one Python test per row against
each row's text kept casefolded (built on first use, dropped when the row changes): a key typed
in the box costs one substring search per annotation, not a call into the model per cell.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.attribution import DocumentAnnotations, reading_order
from annotator.core.codebook import Codebook
from annotator.core.records import Annotation
from annotator.gui.panels.annotation_filter import AnnotationFilter, FilterRole, SortRole
from annotator.gui.reading.plain_text import tooltip_text
from annotator.gui.reading.text_formats import wrapping_tooltip

_Index = QModelIndex | QPersistentModelIndex
#: Model columns. "About" came last and is shown after "Speaker" (the header moves it), so the
#: model's column numbers stayed what they were.
HEADERS = ("Label", "Quote", "Speaker", "Sentiment", "Analyst", "Note", "About")
LABEL, QUOTE, SPEAKER, SENTIMENT, ANALYST, NOTE, TARGET = range(len(HEADERS))
#: Columns showing a claim's links: refreshed on every row when links or spans change.
LINKED = (SPEAKER, TARGET)
QUOTE_CHARS = 120


def one_line(text: str, limit: int = QUOTE_CHARS) -> str:
    """Text on one line (any whitespace run → one space), cut with "…" after `limit` chars."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


class AnnotationTableModel(QAbstractTableModel):
    #: The analysts (layers) the table knows changed: the analyst filter offers them.
    analysts_changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.state = DocumentAnnotations([], [], Codebook((), ()))
        self._analysts: dict[str, str] = {}
        self._rows: list[Annotation] = []
        self._keys: list[tuple[int, int, str]] = []  # reading_order of each row, for bisect
        self._key_of: dict[str, tuple[int, int, str]] = {}  # id → its row's key
        self._haystacks: dict[str, str] = {}  # annotation id → its row's text, casefolded
        #: True while the model itself moves rows: selection changes then are not the user's.
        self.updating = False

    @property
    def analysts(self) -> dict[str, str]:
        """Layer id → name: each analyst, then the reviewed layer (as `Store.layers()`)."""
        return self._analysts

    @analysts.setter
    def analysts(self, analysts: dict[str, str]) -> None:
        if analysts != self._analysts:
            self._analysts = dict(analysts)
            self._haystacks.clear()
            if self._rows:  # names shown (and filtered on) in the Analyst column
                self.dataChanged.emit(
                    self.index(0, ANALYST), self.index(len(self._rows) - 1, ANALYST)
                )
            self.analysts_changed.emit()

    # -- filling and updating ---------------------------------------------------------------

    def set_document(self, state: DocumentAnnotations, analysts: dict[str, str]) -> None:
        changed = analysts != self._analysts
        self.updating = True
        try:
            self.beginResetModel()
            self.state = state
            self._analysts = dict(analysts)
            self._haystacks.clear()
            self._keys = state.keys()  # already sorted: no key computed per row
            self._rows = state.all()  # in the same order
            self._key_of = {key[2]: key for key in self._keys}
            self.endResetModel()
        finally:
            self.updating = False
        if changed:
            self.analysts_changed.emit()

    def refresh(
        self,
        touched: list[Annotation],
        removed: set[str],
        links_changed: bool = False,
        *,
        relinked: Collection[str] | None = None,
    ) -> None:
        """Apply one change in place: remove, move/update or insert rows; never reset.

        `relinked` names the claims whose speaker or target may read differently now (the core
        finds them through the links): only their cells are refreshed. Without it, a change of
        links or of a speaker or target span refreshes those columns on every row."""
        self.updating = True
        try:
            for annotation_id in removed:
                self._haystacks.pop(annotation_id, None)
                row = self.row_of(annotation_id)
                if row >= 0:
                    self.beginRemoveRows(QModelIndex(), row, row)
                    del self._rows[row], self._keys[row], self._key_of[annotation_id]
                    self.endRemoveRows()
            for annotation in touched:
                self._haystacks.pop(annotation.id, None)
                self._put(annotation)
            if relinked is not None:
                for claim_id in relinked:
                    self._haystacks.pop(claim_id, None)
                    row = self.row_of(claim_id)
                    if row >= 0:  # one range per row: Speaker to About, the columns between
                        self.dataChanged.emit(self.index(row, SPEAKER), self.index(row, TARGET))
            elif links_changed or any(self.state.role_of(a) != "claim" for a in touched):
                self._haystacks.clear()
                if self._rows:
                    for column in LINKED:
                        self.dataChanged.emit(
                            self.index(0, column), self.index(len(self._rows) - 1, column)
                        )
        finally:
            self.updating = False

    def _put(self, annotation: Annotation) -> None:
        key = reading_order(annotation)
        row = self.row_of(annotation.id)
        if row < 0:
            target = bisect_left(self._keys, key)
            self.beginInsertRows(QModelIndex(), target, target)
            self._rows.insert(target, annotation)
            self._keys.insert(target, key)
            self._key_of[annotation.id] = key
            self.endInsertRows()
            return
        # New boundaries may change its place in reading order: index among the other rows.
        target = bisect_left(self._keys, key) - (1 if self._keys[row] < key else 0)
        if target != row:
            # beginMoveRows counts the destination in the list before the row leaves it.
            self.beginMoveRows(
                QModelIndex(), row, row, QModelIndex(), target + 1 if target > row else target
            )
            del self._rows[row], self._keys[row]
            self._rows.insert(target, annotation)
            self._keys.insert(target, key)
            self.endMoveRows()
        self._rows[target] = annotation
        self._keys[target] = key
        self._key_of[annotation.id] = key
        self.dataChanged.emit(self.index(target, 0), self.index(target, len(HEADERS) - 1))

    # -- lookups ----------------------------------------------------------------------------

    def annotation_at(self, row: int) -> Annotation:
        return self._rows[row]

    def row_of(self, annotation_id: str) -> int:
        key = self._key_of.get(annotation_id)
        if key is None:
            return -1
        row = bisect_left(self._keys, key)
        return row if row < len(self._keys) and self._keys[row] == key else -1

    def accepts(self, row: int, needle: str, analyst_id: str | None) -> bool:
        """Does the row pass the filter: by this analyst (None: any), `needle` (casefolded)
        in any of its columns?"""
        annotation = self._rows[row]
        if analyst_id is not None and annotation.analyst_id != analyst_id:
            return False
        if not needle:
            return True
        haystack = self._haystacks.get(annotation.id)
        if haystack is None:
            haystack = self._haystacks[annotation.id] = self._haystack(annotation)
        return needle in haystack

    def prepare_filter(self) -> None:
        """Build every row's filter text now (the filter box got focus): the first key typed
        then costs no more than the others."""
        haystacks = self._haystacks
        for annotation in self._rows:
            if annotation.id not in haystacks:
                haystacks[annotation.id] = self._haystack(annotation)

    def _haystack(self, annotation: Annotation) -> str:
        """Every column's full text, casefolded (what `_text` gives, in one pass)."""
        label = self.state.label_of(annotation)
        role = None if label is None else label.role
        target = ""
        if role == "claim":
            speaker = self.state.speaker_of(annotation.id)
            target = self.state.target_of(annotation.id)
        else:
            speaker = self.state.canonical_name(annotation) if role == "speaker" else ""
        # NUL between columns: a needle typed in the box never spans two of them.
        return (
            f"{'?' if label is None else label.name}\0{annotation.quote}\0{speaker}\0"
            f"{annotation.sentiment or ''}\0{self._analysts.get(annotation.analyst_id, '?')}\0"
            f"{annotation.note}\0{target}"
        ).casefold()

    # -- Qt model interface -----------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        annotation = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            text = self._text(annotation, column)
            return one_line(text) if column in (QUOTE, NOTE) else text
        if role == SortRole:
            if column == QUOTE:
                return annotation.start
            return self._text(annotation, column).casefold()
        if role == FilterRole:
            return self._text(annotation, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(annotation, column)
        if role == Qt.ItemDataRole.DecorationRole and column == LABEL:
            label = self.state.label_of(annotation)
            return None if label is None else QColor(label.color)
        return None

    def _text(self, annotation: Annotation, column: int) -> str:
        if column == LABEL:
            label = self.state.label_of(annotation)
            return "?" if label is None else label.name
        if column == QUOTE:
            return annotation.quote
        if column == SPEAKER:
            role = self.state.role_of(annotation)
            if role == "claim":
                return self.state.speaker_of(annotation.id)
            return self.state.canonical_name(annotation) if role == "speaker" else ""
        if column == SENTIMENT:
            return annotation.sentiment or ""
        if column == ANALYST:
            return self.analysts.get(annotation.analyst_id, "?")
        if column == TARGET:
            claim = self.state.role_of(annotation) == "claim"
            return self.state.target_of(annotation.id) if claim else ""
        return annotation.note

    def _tooltip(self, annotation: Annotation, column: int) -> str | None:
        if column == QUOTE:  # a long quote wraps in its tooltip
            return wrapping_tooltip(annotation.quote)
        if column == NOTE and annotation.note:
            return wrapping_tooltip(annotation.note)
        if column in (*LINKED, ANALYST):  # names cut short by a narrow column, in full
            name = self._text(annotation, column)
            return tooltip_text(name) if name else None
        if column == LABEL:
            label = self.state.label_of(annotation)
            return (
                None if label is None or not label.description else tooltip_text(label.description)
            )
        return None


class AnnotationTablePanel(QWidget):
    """Filter box over a sortable table of the document's annotations.

    `annotation_selected` is emitted only when the user makes a row current (click, keys);
    `select()` and the model's own updates stay silent, so views can follow each other.
    """

    annotation_selected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = AnnotationTableModel()
        self.proxy = AnnotationFilter(self.model, self)
        self._quiet = False
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("annotationFilter")
        self.filter_edit.setPlaceholderText("Filter annotations…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._set_filter)
        self.filter_edit.installEventFilter(self)
        self.analyst_filter = QComboBox(self)
        self.analyst_filter.setObjectName("analystFilter")
        self.analyst_filter.setToolTip(
            "Show the annotations of one analyst, or of the reviewed layer"
        )
        self.analyst_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self._fill_analysts()
        self.analyst_filter.currentIndexChanged.connect(self._set_filter)
        self.model.analysts_changed.connect(self._fill_analysts)
        self.view = QTableView(self)
        self.view.setObjectName("annotationTable")
        self.view.setModel(self.proxy)
        # The model keeps rows in reading order, which is the Quote column ascending: that
        # order needs no sorting pass (which would call data() ~100k times for 5,000 rows).
        sort_header = self.view.horizontalHeader()
        sort_header.setSectionsClickable(True)
        sort_header.setSortIndicatorShown(True)
        sort_header.setSortIndicator(QUOTE, Qt.SortOrder.AscendingOrder)
        sort_header.sortIndicatorChanged.connect(self._sort)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        # Fixed row heights and column widths: sizing to contents would measure every row on
        # each change, which costs hundreds of milliseconds with thousands of annotations.
        rows = self.view.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.view.fontMetrics().height() + 8)
        header = self.view.horizontalHeader()
        header.moveSection(header.visualIndex(TARGET), SPEAKER + 1)  # About after Speaker
        # The quote takes the room left (elided at the right, whole in its tooltip); the other
        # columns start narrow, in average characters, and keep their whole text in tooltips.
        char = self.view.fontMetrics().averageCharWidth()
        widths = {LABEL: 12, SPEAKER: 14, TARGET: 14, SENTIMENT: 8, ANALYST: 9, NOTE: 10}
        for column in range(len(HEADERS)):
            if column == QUOTE:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
            else:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
                title = header.fontMetrics().horizontalAdvance(HEADERS[column]) + 20  # + arrow
                header.resizeSection(column, max(char * widths[column], title) + 16)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.selectionModel().currentRowChanged.connect(self._on_current_changed)
        filters = QHBoxLayout()
        filters.addWidget(self.filter_edit, 1)
        filters.addWidget(self.analyst_filter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(self.view)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.filter_edit and event.type() == QEvent.Type.FocusIn:
            self.model.prepare_filter()
        return False

    def _fill_analysts(self) -> None:
        """ "All analysts", then each layer the model knows; the choice kept if still there."""
        chosen = self.analyst_filter.currentData()
        self.analyst_filter.blockSignals(True)
        try:
            self.analyst_filter.clear()
            self.analyst_filter.addItem("All analysts", None)
            for layer_id, name in self.model.analysts.items():
                self.analyst_filter.addItem(name, layer_id)  # combo items are plain text
            index = self.analyst_filter.findData(chosen) if chosen is not None else 0
            self.analyst_filter.setCurrentIndex(max(index, 0))
        finally:
            self.analyst_filter.blockSignals(False)
        self._set_filter()

    def choose_analyst(self, analyst_id: str | None) -> None:
        """Show only this analyst's (or layer's) annotations; None shows everyone's."""
        index = self.analyst_filter.findData(analyst_id) if analyst_id is not None else 0
        self.analyst_filter.setCurrentIndex(max(index, 0))

    def _sort(self, column: int, order: Qt.SortOrder) -> None:
        if column == QUOTE and order == Qt.SortOrder.AscendingOrder:
            self.proxy.sort(-1)  # back to the model's own reading order
        else:
            self.proxy.sort(column, order)

    def select(self, annotation_id: str) -> None:
        """Select and reveal the annotation's row without emitting `annotation_selected`."""
        row = self.model.row_of(annotation_id)
        index = self.proxy.mapFromSource(self.model.index(row, 0)) if row >= 0 else QModelIndex()
        if not index.isValid():  # unknown, or hidden by the filter
            self.clear_selection()
            return
        self._quiet = True
        try:
            self.view.setCurrentIndex(index)
        finally:
            self._quiet = False
        self.view.scrollTo(index)

    def clear_selection(self) -> None:
        self._quiet = True
        try:
            # clear() also drops the current index, so clicking that row again selects it.
            self.view.selectionModel().clear()
        finally:
            self._quiet = False

    def _set_filter(self, *_changed: object) -> None:
        # Filtering out the current row moves the current index: not the user's choice.
        self._quiet = True
        try:
            self.proxy.set_filter(self.filter_edit.text(), self.analyst_filter.currentData())
        finally:
            self._quiet = False

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._quiet or self.model.updating or not current.isValid():
            return
        source = self.proxy.mapToSource(current)
        self.annotation_selected.emit(self.model.annotation_at(source.row()).id)
