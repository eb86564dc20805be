"""Search across the corpus (or the annotations): a search box over a list of hits.

Enter runs the search; Up/Down move through the hits (the caret stays in the box) and Enter,
a click or a double-click opens one: `open_requested(document id, start, end)` in code points.
Hits are painted by a delegate from plain text and highlight ranges (QTextLayout formats): no
document text is ever rendered as HTML. A query that cannot be read shows its message in the
panel. No SQL here: everything goes through annotator.core.search.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QKeyEvent, QPainter, QPalette, QTextCharFormat, QTextLayout
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.core.offsets import OffsetMap
from annotator.core.search import AnnotationHit, DocumentHit, search_annotations, search_documents
from annotator.gui.reading.plain_text import plain_label, tooltip_text

if TYPE_CHECKING:
    from annotator.core.store import Store

_Index = QModelIndex | QPersistentModelIndex
Hit = DocumentHit | AnnotationHit
Range = tuple[int, int]

#: The hit object of a row (DocumentHit or AnnotationHit).
HIT_ROLE = Qt.ItemDataRole.UserRole + 1
#: (text, highlight ranges) of each line the delegate paints, first one in bold.
LINES_ROLE = Qt.ItemDataRole.UserRole + 2

DOCUMENTS, ANNOTATIONS = "Documents", "Annotations"
DOCUMENT_LIMIT = 50
ANNOTATION_LIMIT = 200
_HIGHLIGHT = QColor(255, 200, 0, 150)  # as the reading view's find hits
_PADDING = 4
_SNIPPET_LINES = 3


def hit_lines(hit: Hit) -> list[tuple[str, tuple[Range, ...]]]:
    """What a row shows: a heading, then the snippet or quote, with their highlight ranges."""
    if isinstance(hit, DocumentHit):
        heading = hit.title if not hit.published else f"{hit.title}  ·  {hit.published}"
        return [(heading, hit.title_highlights), (hit.snippet, hit.highlights)]
    details = [hit.label, hit.sentiment or "", hit.analyst]
    if hit.speaker and hit.role != "speaker":
        details.append(f"said by {hit.speaker}")
    if hit.target:
        details.append(f"about {hit.target}")
    lines: list[tuple[str, tuple[Range, ...]]] = [
        (" · ".join(d for d in details if d) + f"  —  {hit.document_title}", ()),
        (" ".join(hit.quote.split()), ()),
    ]
    if hit.note:
        lines.append(("Note: " + " ".join(hit.note.split()), ()))
    return lines


class SearchResultsModel(QAbstractListModel):
    """The hits of the last search, one row each."""

    def __init__(self) -> None:
        super().__init__()
        self._hits: list[Hit] = []

    def set_hits(self, hits: list[Hit]) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self.endResetModel()

    def hit_at(self, row: int) -> Hit:
        return self._hits[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        hit = self._hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:  # for accessibility and keyboard search
            return "\n".join(text for text, _ranges in hit_lines(hit))
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip_text("\n".join(text for text, _ranges in hit_lines(hit)))
        if role == HIT_ROLE:
            return hit
        if role == LINES_ROLE:
            return hit_lines(hit)
        return None


class HitDelegate(QStyledItemDelegate):
    """Paints a hit's lines as plain text, highlight ranges as background formats."""

    def __init__(self, view: QListView) -> None:
        super().__init__(view)
        self._view = view

    def layouts(self, option: QStyleOptionViewItem, index: _Index) -> list[QTextLayout]:
        lines = index.data(LINES_ROLE) or []
        width = max(40.0, float(self._view.viewport().width() - 2 * _PADDING))
        out = []
        for number, (text, ranges) in enumerate(lines):
            font = QFont(option.font)
            if number == 0:
                font.setBold(True)
            layout = QTextLayout(text, font)
            layout.setFormats(format_ranges(text, ranges))
            layout.beginLayout()
            top = 0.0
            for _ in range(1 if number == 0 else _SNIPPET_LINES):
                line = layout.createLine()
                if not line.isValid():
                    break
                line.setLineWidth(width)
                line.setPosition(QPointF(0, top))
                top += line.height()
            layout.endLayout()
            out.append(layout)
        return out

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        self.initStyleOption(option, index)
        style = self._view.style()
        # The item's frame and selection, without its text (drawn below, as plain text).
        option.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, self._view)
        rect = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.save()
        painter.setPen(option.palette.color(role))
        y = float(rect.top() + _PADDING)
        for layout in self.layouts(option, index):
            layout.draw(painter, QPointF(rect.left() + _PADDING, y))
            y += _height(layout)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        height = sum(_height(layout) for layout in self.layouts(option, index))
        return QSize(self._view.viewport().width(), int(height) + 2 * _PADDING + 2)


def _height(layout: QTextLayout) -> float:
    return sum(layout.lineAt(i).height() for i in range(layout.lineCount()))


def format_ranges(text: str, ranges: tuple[Range, ...]) -> list[QTextLayout.FormatRange]:
    """Highlight formats for code-point `ranges` of `text`, in Qt's UTF-16 positions."""
    offsets = OffsetMap(text)
    formats = []
    for start, end in ranges:
        fmt = QTextCharFormat()
        fmt.setBackground(_HIGHLIGHT)
        item = QTextLayout.FormatRange()
        item.start = offsets.to_utf16(start)
        item.length = offsets.to_utf16(end) - item.start
        item.format = fmt
        formats.append(item)
    return formats


class _SearchEdit(QLineEdit):
    """Up/Down (and Page Up/Down) move through the hits while typing stays here."""

    moved = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        steps = {
            Qt.Key.Key_Down: 1,
            Qt.Key.Key_Up: -1,
            Qt.Key.Key_PageDown: 10,
            Qt.Key.Key_PageUp: -10,
        }
        if event.key() in steps:
            self.moved.emit(steps[Qt.Key(event.key())])
            return
        super().keyPressEvent(event)


class _ResultsView(QListView):
    opened = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.opened.emit()
            return
        super().keyPressEvent(event)


class SearchPanel(QWidget):
    """Search box, scope (documents or annotations), a message line and the hits."""

    #: document id, start, end (code points) of the hit to show.
    open_requested = Signal(str, int, int)
    #: document id, annotation id of an annotation hit to select.
    annotation_requested = Signal(str, str)

    def __init__(self, store: Store | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchPanel")
        self._store = store
        self._searched: tuple[str, str] | None = None  # (scope, query) shown now
        self.edit = _SearchEdit(self)
        self.edit.setObjectName("searchEdit")
        self.edit.setClearButtonEnabled(True)
        self.edit.setPlaceholderText('Search all documents: words, "a phrase", prefix*, OR, NOT')
        self.scope = QComboBox(self)
        self.scope.setObjectName("searchScope")
        self.scope.addItems([DOCUMENTS, ANNOTATIONS])
        self.scope.setToolTip(
            "Documents: the articles' text and titles.\n"
            "Annotations: quotes, notes and names; also label:Claim analyst:Ana "
            'sentiment:negative speaker:"Wei Fenghe" target:… doc:… quote:… note:…'
        )
        self.message = plain_label()
        self.message.setObjectName("searchMessage")
        self.message.setWordWrap(True)
        self.model = SearchResultsModel()
        self.results = _ResultsView(self)
        self.results.setObjectName("searchResults")
        self.results.setModel(self.model)
        self.results.setItemDelegate(HitDelegate(self.results))
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.results.setResizeMode(QListView.ResizeMode.Adjust)  # re-wrap on resize
        self.results.setWordWrap(True)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.edit, 1)
        top.addWidget(self.scope)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.results, 1)
        self.edit.returnPressed.connect(self._enter)
        self.edit.textChanged.connect(self._text_changed)
        self.edit.moved.connect(self._move)
        self.scope.currentTextChanged.connect(self._scope_changed)
        self.results.opened.connect(self.open_current)
        self.results.clicked.connect(lambda index: self._open(index.row()))
        self._scope_changed(self.scope.currentText())

    # -- public ------------------------------------------------------------------------------

    def set_store(self, store: Store | None) -> None:
        """Search this project from now on (the hits shown are cleared)."""
        self._store = store
        self._searched = None
        self.model.set_hits([])
        self.message.setText("")

    def refresh(self) -> None:
        """Run the shown search again (after an import, a merge, or edits elsewhere)."""
        if self._searched is not None:
            scope, query = self._searched
            self._run(scope, query)

    def search(self, query: str, scope: str | None = None) -> None:
        """Put `query` in the box and run it (in `scope` if given)."""
        if scope is not None:
            self.scope.setCurrentText(scope)
        self.edit.setText(query)
        self._run(self.scope.currentText(), query)

    def open_current(self) -> None:
        index = self.results.currentIndex()
        if index.isValid():
            self._open(index.row())

    # -- behaviour ---------------------------------------------------------------------------

    def _enter(self) -> None:
        current = (self.scope.currentText(), self.edit.text())
        if current == self._searched and self.results.currentIndex().isValid():
            self.open_current()
        else:
            self._run(*current)

    def _text_changed(self, text: str) -> None:
        """An emptied box (keys or its clear button) empties the hits and their count: what
        is listed always answers what the box says."""
        if not text.strip() and (self._searched is not None or self.model.rowCount()):
            self._searched = None
            self.model.set_hits([])
            self.message.setText("")

    def _scope_changed(self, scope: str) -> None:
        self.edit.setPlaceholderText(
            'Search all documents: words, "a phrase", prefix*, OR, NOT'
            if scope == DOCUMENTS
            else "Search annotations: words, label:Claim, analyst:…, sentiment:…, speaker:…"
        )
        if self._searched is not None and self.edit.text().strip():
            self._run(scope, self.edit.text())

    def _run(self, scope: str, query: str) -> None:
        self._searched = (scope, query)
        if self._store is None:
            self.model.set_hits([])
            self.message.setText("No project is open.")
            return
        if not query.strip():
            self.model.set_hits([])
            self.message.setText("")
            return
        try:
            hits: list[Hit]
            if scope == DOCUMENTS:
                hits = list(search_documents(self._store, query, DOCUMENT_LIMIT))
            else:
                hits = list(search_annotations(self._store, query, ANNOTATION_LIMIT))
        except AnnotatorError as exc:
            self.model.set_hits([])
            self.message.setText(str(exc))
            return
        self.model.set_hits(hits)
        limit = DOCUMENT_LIMIT if scope == DOCUMENTS else ANNOTATION_LIMIT
        noun = "document" if scope == DOCUMENTS else "annotation"
        if not hits:
            self.message.setText(f"No {noun}s found.")
        elif len(hits) >= limit:
            self.message.setText(f"The first {len(hits)} {noun}s (refine the search for others).")
        else:
            self.message.setText(f"{len(hits)} {noun}{'s' if len(hits) != 1 else ''}.")
        if hits:
            self.results.setCurrentIndex(self.model.index(0, 0))
            self.results.scrollToTop()

    def _move(self, step: int) -> None:
        rows = self.model.rowCount()
        if rows == 0:
            return
        current = self.results.currentIndex()
        row = current.row() + step if current.isValid() else 0
        self.results.setCurrentIndex(self.model.index(max(0, min(rows - 1, row)), 0))

    def _open(self, row: int) -> None:
        if not 0 <= row < self.model.rowCount():
            return
        hit = self.model.hit_at(row)
        if isinstance(hit, DocumentHit):
            start = hit.start if hit.start is not None else 0
            end = hit.end if hit.end is not None else start
            self.open_requested.emit(str(hit.document_id), start, end)
        else:
            self.annotation_requested.emit(str(hit.document_id), str(hit.annotation_id))
