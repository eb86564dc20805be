"""Edit ▸ Tag every occurrence: a name or phrase (or a speaker's canonical name with the ways
the corpus writes it) found everywhere, previewed with its context, the ticked ones tagged in
one undoable step. A second tab lists suggested speaker aliases to accept or reject.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.core.occurrences import LIMIT, Occurrence, find_occurrences, speaker_forms
from annotator.core.records import DocumentId
from annotator.core.session import Change, Session
from annotator.core.speaker_aliases import AliasGroup, suggest_alias_groups
from annotator.gui.reading.plain_text import plain_label

if TYPE_CHECKING:
    from annotator.gui.window.main_window import MainWindow

#: Runs a Session operation along the window's one path (saved, views refreshed, refusals
#: shown); True when it was saved.
Perform = Callable[[Callable[[], Change | None]], bool]
_COLUMNS = ("Tag", "Document", "Before", "Occurrence", "After")


def _one_line(text: str) -> str:
    return " ".join(text.split())


class TagOccurrencesDialog(QDialog):
    def __init__(
        self,
        session: Session,
        perform: Perform,
        *,
        text: str = "",
        document_id: DocumentId | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("tagOccurrencesDialog")
        self.setWindowTitle("Tag every occurrence")
        self.resize(900, 560)
        self.session = session
        self._perform = perform
        self._document_id = document_id
        self.occurrences: list[Occurrence] = []
        self.groups: list[AliasGroup] = []

        self.phrase = QLineEdit(_one_line(text), self)
        self.phrase.setObjectName("occurrencePhrase")
        self.phrase.setPlaceholderText("A name or phrase")
        self.phrase.returnPressed.connect(self.preview)
        self.aliases = QCheckBox("With the speaker's known aliases", self)
        self.aliases.setChecked(True)
        find = QPushButton("&Find", self)
        find.clicked.connect(self.preview)
        self.label = QComboBox(self)
        self.label.setObjectName("occurrenceLabel")
        for lb in session.store.codebook.get().labels:
            self.label.addItem(lb.name, lb.id)
            if lb.role == "speaker":
                self.label.setCurrentIndex(self.label.count() - 1)
        self.speaker_name = QLineEdit(self)
        self.speaker_name.setPlaceholderText("Canonical name for speaker spans (optional)")
        self.status = plain_label()
        self.status.setObjectName("occurrenceStatus")

        self.model = QStandardItemModel(0, len(_COLUMNS), self)
        self.model.setHorizontalHeaderLabels(list(_COLUMNS))
        self.table = QTableView(self)
        self.table.setObjectName("occurrenceTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)

        tick_all = QPushButton("Tick &all", self)
        tick_all.clicked.connect(lambda: self._tick_all(True))
        untick = QPushButton("&Untick all", self)
        untick.clicked.connect(lambda: self._tick_all(False))
        self.apply_button = QPushButton("&Tag ticked", self)
        self.apply_button.setObjectName("tagTicked")
        self.apply_button.clicked.connect(self.apply)
        close = QPushButton("Close", self)
        close.clicked.connect(self.accept)

        search_row = QHBoxLayout()
        search_row.addWidget(self.phrase, 1)
        search_row.addWidget(self.aliases)
        search_row.addWidget(find)
        form = QFormLayout()
        form.addRow("Tag as", self.label)
        form.addRow("Speaker name", self.speaker_name)
        buttons = QHBoxLayout()
        for button in (tick_all, untick):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.apply_button)
        buttons.addWidget(close)
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.addLayout(search_row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addLayout(form)
        layout.addLayout(buttons)

        self.tabs = QTabWidget(self)
        self.tabs.addTab(page, "&Occurrences")
        self.tabs.addTab(self._alias_page(), "Speaker &aliases")
        outer = QVBoxLayout(self)
        outer.addWidget(self.tabs)
        if self.phrase.text():
            self.preview()

    # -- occurrences ----------------------------------------------------------------------------

    def preview(self) -> None:
        """Find every occurrence; the ones not tagged yet come ticked."""
        typed = self.phrase.text()
        try:
            forms = [typed]
            if self.aliases.isChecked() and typed.strip():
                forms = speaker_forms(self.session.store, typed)
            found = find_occurrences(self.session.store, forms)
        except AnnotatorError as exc:
            self._show([])
            self.status.setText(str(exc))
            return
        self._show(found)
        documents = len({o.document_id for o in found})
        tagged = sum(o.tagged for o in found)
        alias_note = f" (as {', '.join(forms)})" if len(forms) > 1 else ""
        if len(found) >= LIMIT:
            alias_note += f"; the first {LIMIT:,} are listed: make the phrase longer to see others"
        self.status.setText(
            f"{len(found)} occurrences in {documents} documents{alias_note}; "
            f"{tagged} tagged already (unticked)."
            if found
            else "No occurrence in the corpus."
        )

    def _show(self, found: list[Occurrence]) -> None:
        self.occurrences = found
        self.model.removeRows(0, self.model.rowCount())
        for occurrence in found:
            tick = QStandardItem()
            tick.setCheckable(True)
            tick.setEditable(False)
            tick.setCheckState(
                Qt.CheckState.Unchecked if occurrence.tagged else Qt.CheckState.Checked
            )
            cells = [
                occurrence.document_title,
                _one_line(occurrence.before),
                _one_line(occurrence.quote),
                _one_line(occurrence.after),
            ]
            row = [tick, *(QStandardItem(text) for text in cells)]
            for item in row[1:]:
                item.setEditable(False)
                if occurrence.tagged:
                    item.setEnabled(False)
            row[2].setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.model.appendRow(row)
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(3)

    def ticked(self) -> list[Occurrence]:
        return [
            occurrence
            for row, occurrence in enumerate(self.occurrences)
            if self.model.item(row, 0).checkState() == Qt.CheckState.Checked
        ]

    def set_ticked(self, row: int, ticked: bool) -> None:
        state = Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked
        self.model.item(row, 0).setCheckState(state)

    def _tick_all(self, ticked: bool) -> None:
        for row in range(self.model.rowCount()):
            self.set_ticked(row, ticked)

    def apply(self) -> None:
        """Tag the ticked occurrences in one undoable step (the open document's first, so the
        reading view takes its own in)."""
        ticked = self.ticked()
        shown = self._document_id
        ticked.sort(key=lambda o: o.document_id != shown)
        spans = [(o.document_id, o.start, o.end) for o in ticked]
        label_id = self.label.currentData()
        role = self.session.store.codebook.get().by_id(label_id).role
        name = self.speaker_name.text().strip() if role == "speaker" else ""

        def tag() -> Change:
            return self.session.tag_many(spans, label_id=label_id, speaker_name=name or None)[1]

        if self._perform(tag):
            self.preview()
            self.status.setText(f"Tagged {len(spans)} occurrences. " + self.status.text())

    # -- speaker aliases ------------------------------------------------------------------------

    def _alias_page(self) -> QWidget:
        page = QWidget(self)
        self.alias_model = QStandardItemModel(0, 3, self)
        self.alias_model.setHorizontalHeaderLabels(["Canonical name", "Also written", "Spans"])
        self.alias_table = QTableView(page)
        self.alias_table.setObjectName("aliasTable")
        self.alias_table.setModel(self.alias_model)
        self.alias_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.alias_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.alias_table.verticalHeader().hide()
        self.alias_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        accept = QPushButton("A&ccept (name them all)", page)
        accept.setObjectName("acceptAlias")
        accept.clicked.connect(self.accept_alias)
        reject = QPushButton("&Reject", page)
        reject.setObjectName("rejectAlias")
        reject.clicked.connect(self.reject_alias)
        refresh = QPushButton("Suggest &again", page)
        refresh.clicked.connect(self.suggest)
        buttons = QHBoxLayout()
        buttons.addWidget(refresh)
        buttons.addStretch(1)
        buttons.addWidget(reject)
        buttons.addWidget(accept)
        layout = QVBoxLayout(page)
        layout.addWidget(
            plain_label(
                "Speaker names whose words are part of a longer speaker name in the same "
                "document. Edit the canonical name if needed, then accept: every span "
                "gets that name (one step, undoable)."
            )
        )
        layout.addWidget(self.alias_table, 1)
        layout.addLayout(buttons)
        self.suggest()
        return page

    def suggest(self) -> None:
        self.groups = suggest_alias_groups(self.session.store)
        self.alias_model.removeRows(0, self.alias_model.rowCount())
        for group in self.groups:
            canonical = QStandardItem(group.canonical)
            also = QStandardItem(", ".join(group.aliases))
            also.setEditable(False)
            spans = QStandardItem(str(len(group.spans)))
            spans.setEditable(False)
            self.alias_model.appendRow([canonical, also, spans])
        if self.groups:
            self.alias_table.selectRow(0)

    def _selected_group(self) -> int | None:
        rows = self.alias_table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def accept_alias(self) -> None:
        row = self._selected_group()
        if row is None:
            return
        group = self.groups[row]
        name = self.alias_model.item(row, 0).text()
        if self._perform(lambda: self.session.name_speakers(list(group.spans), name)):
            self.suggest()

    def reject_alias(self) -> None:
        """Drop the suggestion from the list (nothing is stored)."""
        row = self._selected_group()
        if row is None:
            return
        del self.groups[row]
        self.alias_model.removeRow(row)


def open_tag_occurrences(window: MainWindow) -> None:
    """Edit ▸ Tag every occurrence: the selected text, or the selected speaker's name."""
    workspace = window.workspace
    document = workspace.document
    text = ""
    if document is not None:
        span = window.view.selected_span()
        if span is not None:
            text = document.text[span[0] : span[1]]
        elif workspace.active is not None:
            annotation = workspace.state.get(workspace.active)
            if annotation is not None:
                text = annotation.speaker_name or annotation.quote
    dialog = TagOccurrencesDialog(
        workspace.session,
        workspace.perform,
        text=text,
        document_id=None if document is None else document.id,
        parent=window,
    )
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
