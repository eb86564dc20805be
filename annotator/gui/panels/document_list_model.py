"""The document list's model: every document's id, title, date, outlet, author, language and
copy link held in plain Python for sorting and filtering, the rest fetched a page at a time.

See `document_list` for why: counting a million annotations for every row (150 ms), or letting
Qt's sort/filter proxy call Python for every row on every keystroke (0.4 s), is what costs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from annotator.core.records import DocumentId, DocumentSummary
from annotator.core.store.documents import CatalogEntry, Documents
from annotator.gui.reading.text_formats import wrapping_tooltip

_Index = QModelIndex | QPersistentModelIndex
#: Columns by number (the view shows Outlet and Language after the title).
HEADERS = ("Title", "Date", "Tags", "Outlet", "Language")
TITLE, DATE, TAGS, OUTLET, LANGUAGE = range(len(HEADERS))
SOURCE_COLUMNS = (OUTLET, LANGUAGE)
#: Before the title of a syndicated copy.
COPY_MARK = "⧉"
#: Before the title of a document the analyst marked done.
DONE_MARK = "✓"
SHOW_ORIGINAL = "Show original…"
APPLY_TO_COPIES = "Apply my annotations to its copies"
SOURCE_COLUMNS_ACTION = "Outlet and language"
#: Rows whose summaries are fetched together: a screenful and more.
PAGE = 100
#: Summaries kept at most; beyond, the cache starts afresh (rows are fetched again on demand).
CACHE_LIMIT = 5_000
#: Room the title column gets at least, in average characters (the list is no narrower).
TITLE_CHARS = 24
#: … and what the list asks for when there is room.
TITLE_CHARS_WANTED = 34
#: Room for an outlet's name, in average characters (longer ones are elided).
OUTLET_CHARS = 12


Catalog = list[CatalogEntry]


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
        self._folded: list[str] = []  # casefolded titles, for sorting
        self._haystacks: list[str] = []  # casefolded title, outlet and author: for the filter
        self._dates: list[str | None] = []
        self._outlets: list[str] = []
        self._languages: list[str] = []
        self._copy_of: list[DocumentId | None] = []
        self._has_original: list[bool] = []
        self._positions: dict[DocumentId, int] | None = None  # catalog position of each id
        self._known: set[DocumentId] = set()
        self._order: list[int] = []  # catalog positions, sorted
        self._shown: list[int] = []  # … of which those passing the filter
        self._rows: dict[DocumentId, int] | None = None  # row of each shown id, built on demand
        self._summaries: dict[DocumentId, DocumentSummary] = {}
        self._counts: dict[DocumentId, int] | None = None  # all counts: only to sort by them
        self._needle = ""
        self._sort = (DATE, Qt.SortOrder.AscendingOrder)
        #: Per document, who marked it done (name → when); the analyst's own name.
        self._finished: dict[DocumentId, dict[str, str]] = {}
        self._me = ""
        #: Only documents all of these marked done (review mode); None: every document.
        self._required: frozenset[str] | None = None

    # -- filling ----------------------------------------------------------------------------

    def load(self, documents: Documents) -> None:
        """(Re)read the project's documents, keeping the filter and the sort order."""
        self._fetch = documents.summaries
        self._count_all = documents.annotation_counts
        self._set_catalog(documents.catalog())

    def _set_catalog(self, catalog: Catalog) -> None:
        self.beginResetModel()
        self._ids = [c.id for c in catalog]
        self._titles = [c.title for c in catalog]
        self._folded = [title.casefold() for title in self._titles]
        # "\n" between the fields: the filter box holds one line, so no match spans two.
        self._haystacks = [
            f"{folded}\n{c.outlet.casefold()}\n{c.author.casefold()}"
            if c.outlet or c.author
            else folded
            for folded, c in zip(self._folded, catalog, strict=True)
        ]
        self._dates = [c.published for c in catalog]
        self._outlets = [c.outlet for c in catalog]
        self._languages = [c.language for c in catalog]
        self._copy_of = [c.copy_of for c in catalog]
        self._has_original = [c.has_original for c in catalog]
        self._positions = None
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
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))

    def set_annotation_count(self, doc_id: DocumentId, count: int) -> None:
        """One document's annotation count, known without asking the project (the open one)."""
        summary = self._summaries.get(doc_id)
        if summary is not None:
            self.update_document(dataclasses.replace(summary, annotation_count=count))
        elif self._counts is not None and doc_id in self._known:
            self._counts[doc_id] = count  # its row is read afresh when shown

    # -- filter and sort --------------------------------------------------------------------

    def set_filter(self, text: str) -> None:
        """Show only documents whose title, outlet or author contains `text` (any case, any
        script)."""
        needle = text.casefold()
        if needle == self._needle:
            return
        self.beginResetModel()
        self._needle = needle
        self._shown = self._filtered()
        self._rows = None
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(HEADERS):
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
        shown = self._order
        if self._required is not None:
            required, finished, ids = self._required, self._finished, self._ids
            shown = [i for i in shown if required <= finished.get(ids[i], {}).keys()]
        if not self._needle:
            return list(shown)
        needle, haystacks = self._needle, self._haystacks
        return [i for i in shown if needle in haystacks[i]]

    # -- finished marks ---------------------------------------------------------------------

    def set_finished(self, marks: Mapping[DocumentId, Mapping[str, str]], me: str) -> None:
        """Who marked which documents done (analyst name → when); `me` is the analyst."""
        self._finished = {doc_id: dict(who) for doc_id, who in marks.items() if who}
        self._me = me
        self._refilter_or_repaint()

    def set_finished_for(self, doc_id: DocumentId, marks: Mapping[str, str]) -> None:
        """One document's marks, after the analyst changed them."""
        if marks:
            self._finished[doc_id] = dict(marks)
        else:
            self._finished.pop(doc_id, None)
        if self._required is not None:
            self._refilter_or_repaint()
            return
        row = self.row_of(doc_id)
        if row >= 0:
            self.dataChanged.emit(self.index(row, TITLE), self.index(row, TITLE))

    def finished_by(self, doc_id: DocumentId) -> dict[str, str]:
        return dict(self._finished.get(doc_id, {}))

    def require_finished(self, names: frozenset[str] | None) -> None:
        """Show only the documents every one of `names` marked done (None: all documents)."""
        if names == self._required:
            return
        self._required = names
        self._refilter_or_repaint()

    def _refilter_or_repaint(self) -> None:
        if self._required is None and self._shown == self._filtered():
            if self._shown:
                last = self.index(len(self._shown) - 1, TITLE)
                self.dataChanged.emit(self.index(0, TITLE), last)
            return
        self.beginResetModel()
        self._shown = self._filtered()
        self._rows = None
        self.endResetModel()

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

        def by_outlet(i: int) -> tuple[bool, str, tuple[bool, str, str, str]]:
            return (not outlets[i], outlets[i].casefold(), by_date(i))  # unknown ones last

        def by_language(i: int) -> tuple[bool, str, tuple[bool, str, str, str]]:
            return (not languages[i], languages[i].casefold(), by_date(i))

        if column == TAGS and self._counts is None:
            self._counts = self._count_all()  # one pass over the index, on request only
        counts = self._counts or {}
        outlets, languages = self._outlets, self._languages
        key = {
            TITLE: by_title,
            DATE: by_date,
            TAGS: by_count,
            OUTLET: by_outlet,
            LANGUAGE: by_language,
        }[column]
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

    def has_outlets(self) -> bool:
        """True if any document of the project names its outlet."""
        return any(self._outlets)

    def has_original(self, row: int) -> bool:
        """True if the bytes the row's document was read from are kept."""
        return self._has_original[self._shown[row]]

    def in_copy_group(self, row: int) -> bool:
        """True if the row's document is a syndicated copy or has copies."""
        position = self._shown[row]
        return self._copy_of[position] is not None or self._ids[position] in self._copy_of

    def original_title(self, row: int) -> str | None:
        """The title of the document the row's is a syndicated copy of (None if it is none)."""
        original = self._copy_of[self._shown[row]]
        if original is None:
            return None
        if self._positions is None:
            self._positions = {doc_id: i for i, doc_id in enumerate(self._ids)}
        position = self._positions.get(original)
        return "another document" if position is None else f"“{self._titles[position]}”"

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
                found = DocumentSummary(
                    doc_id,
                    self._titles[i],
                    "",
                    self._dates[i],
                    "",
                    0,
                    0,
                    outlet=self._outlets[i],
                    language=self._languages[i],
                    copy_of=self._copy_of[i],
                )
        return found

    def _remember(self, summaries: dict[DocumentId, DocumentSummary]) -> None:
        if len(self._summaries) + len(summaries) > CACHE_LIMIT:
            self._summaries = {}
        self._summaries.update(summaries)

    # -- Qt model interface -----------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._shown)

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
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            i = self._shown[row]
            if column == TITLE:
                title = self._titles[i]
                if self._copy_of[i] is not None:
                    title = f"{COPY_MARK} {title}"
                if self._me and self._me in self._finished.get(self._ids[i], {}):
                    title = f"{DONE_MARK} {title}"
                return title
            if column == DATE:
                return self._dates[i] or ""
            if column == OUTLET:
                return self._outlets[i]
            if column == LANGUAGE:
                return self._languages[i]
            return self._summary(row).annotation_count
        if role == Qt.ItemDataRole.ToolTipRole:
            return wrapping_tooltip(self._tooltip(row))
        if role == Qt.ItemDataRole.TextAlignmentRole and column == TAGS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _tooltip(self, row: int) -> str:
        """The row's document in words, as plain text: title, the original it copies, outlet,
        author and language, address (or source), length."""
        doc = self._summary(row)
        lines = [doc.title]
        original = self.original_title(row)
        if original is not None:
            lines.append(f"Copy of {original}")
        lines.append(" · ".join(part for part in (doc.outlet, doc.author, doc.language) if part))
        lines += [doc.url or doc.source, f"{doc.char_count} characters"]
        done = self._finished.get(doc.id, {})
        if done:
            who = ", ".join(f"{name} ({when[:10]})" for name, when in sorted(done.items()))
            lines.append(f"Marked done by {who}")
        return "\n".join(line for line in lines if line)
