"""The main window: document list | reading view over the annotation table | inspector."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QInputDialog,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.core.records import Analyst, DocumentId
from annotator.core.session import Session
from annotator.core.store import Store
from annotator.gui.panels.annotation_table import AnnotationTablePanel
from annotator.gui.panels.document_list import DocumentListPanel
from annotator.gui.panels.inspector import Inspector
from annotator.gui.panels.search_panel import SearchPanel
from annotator.gui.reading.document_view import DocumentView, reading_column, update_column_width
from annotator.gui.reading.find_bar import FindBar
from annotator.gui.reading.label_bar import LabelBar, bind_codebook_keys
from annotator.gui.reading.plain_text import plain_label
from annotator.gui.window import copies_flow, document_flows, projects
from annotator.gui.window import settings as app_settings
from annotator.gui.window.command_map import (
    build_actions,
    command_handlers,
    context_menu,
    refresh_done,
    show_recurrences,
)
from annotator.gui.window.import_flow import (
    FileDrops,
)
from annotator.gui.window.info_bar import InfoBar
from annotator.gui.window.layers_menu import layers_menu, set_layer_shown
from annotator.gui.window.review_mode import ReviewMode
from annotator.gui.window.sync_status import SyncController
from annotator.gui.window.workspace import Workspace

if TYPE_CHECKING:  # the importers load on the first import
    from annotator.core.ingest import IngestOutcome


class MainWindow(QMainWindow):
    def __init__(self, store: Store, analyst: Analyst) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.store = store
        self.session = Session(store, analyst)
        self.project_key = app_settings.project_key(store)  # what its last document is kept by
        self._build_widgets()
        projects.show_project(self)
        self.workspace = Workspace(self.session, self.view, self.table, self.inspector)
        self.workspace.status.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self.workspace.failed.connect(self._on_failed)
        self.workspace.document_touched.connect(self._refresh_document_row)
        self.workspace.wants_document.connect(self._open_for_change)
        self.workspace.undo_state.connect(self._update_undo_actions)
        self.inspector.recurrences_requested.connect(partial(show_recurrences, self))
        self.review = ReviewMode(self)
        self.center.insertWidget(1, self.review.panel)
        self.actions_by_id: dict[str, QAction] = {}
        self._codebook_actions: list[QAction] = []
        self._build_actions()
        self.review.stop()  # review actions start disabled
        self._apply_codebook()
        self._update_undo_actions(
            self.session.undo_description() or "", self.session.redo_description() or ""
        )
        self._data_version = store.data_version()
        self._closed = False
        self._scroll_timer = QTimer(self)
        self._scroll_timer.setSingleShot(True)
        self._scroll_timer.setInterval(400)
        self._scroll_timer.timeout.connect(self.save_position)
        self.view.verticalScrollBar().valueChanged.connect(self._remember_scroll)
        self.documents.document_chosen.connect(self.open_document)
        self.documents.apply_to_copies_requested.connect(
            lambda doc_id: copies_flow.apply_to_copies(self, doc_id)
        )
        self.drops = FileDrops(self, self.import_paths)  # files dropped: File ▸ Import files…
        self.sync = SyncController(self)  # File ▸ Sync with team hub, status, live changes
        self.reload_documents()
        self.resize(1400, 860)
        geometry = app_settings.settings().value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)

    @property
    def analyst(self) -> Analyst:
        return self.session.analyst

    @property
    def current_document(self) -> DocumentId | None:
        return self.workspace.current_document_id()

    # -- layout -----------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.documents = DocumentListPanel(self)
        self.title_label = plain_label()
        self.title_label.setObjectName("documentTitle")
        self.title_label.setWordWrap(True)
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title_label.setFont(font)
        self.view = DocumentView(self)
        self._base_point_size = self.view.font().pointSize()
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(partial(context_menu, self))
        self.label_bar = LabelBar(lambda label: self.workspace.apply_label(label), self)
        self.find_bar = FindBar(self.view, self)
        self.info_bar = InfoBar(self)
        self.table = AnnotationTablePanel(self)
        self.inspector = Inspector(self)

        reader = QWidget(self)
        reader_layout = QVBoxLayout(reader)
        reader_layout.setContentsMargins(8, 4, 0, 0)
        reader_layout.addWidget(self.title_label)
        reader_layout.addWidget(self.info_bar)
        reader_layout.addWidget(self.label_bar)
        reader_layout.addWidget(self.find_bar)
        reader_layout.addWidget(reading_column(self.view, reader), 1)

        self.center = QSplitter(Qt.Orientation.Vertical, self)
        self.center.addWidget(reader)
        self.center.addWidget(self.table)
        self.center.setStretchFactor(0, 3)
        self.center.setSizes([600, 220])
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.search = SearchPanel(self.store, self)
        self.search.open_requested.connect(self.show_hit)
        self.search.annotation_requested.connect(self.show_annotation_hit)
        self.left = QSplitter(Qt.Orientation.Vertical, self)
        self.left.addWidget(self.search)
        self.left.addWidget(self.documents)
        self.splitter.addWidget(self.left)
        # The hits take room only while there are some; the list has the rest.
        self.search.model.modelReset.connect(self._fit_search)
        self._fit_search()
        self.splitter.addWidget(self.center)
        self.splitter.addWidget(self.inspector)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([280, 800, 320])
        self.setCentralWidget(self.splitter)

        self.analyst_label = plain_label()
        self.analyst_label.setObjectName("statusAnalyst")
        self.saved_label = plain_label("All changes saved")
        self.saved_label.setObjectName("statusSaved")
        self.db_label = plain_label(str(self.store.path))
        self.db_label.setObjectName("statusDatabase")
        status = self.statusBar()
        status.addWidget(self.analyst_label)
        status.addWidget(self.db_label, 1)
        status.addPermanentWidget(self.saved_label)
        self._show_analyst()

    def _build_actions(self) -> None:
        self.actions_by_id, menus = build_actions(
            self, command_handlers(self), self._annotation_widgets()
        )
        # Alt+0 from the inspector's fields too (Alt+1 … are bound with the codebook).
        clear = QAction("Clear sentiment", self.inspector)
        clear.setShortcut(QKeySequence("Alt+0"))
        clear.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        clear.triggered.connect(lambda: self.workspace.set_sentiment(None))
        self.inspector.addAction(clear)
        snap = bool(app_settings.settings().value("view/snap", True, type=bool))
        self.actions_by_id["snap"].setChecked(snap)
        self.view.snap_to_words = snap
        menus["&View"].insertMenu(self.actions_by_id["colour_by_layer"], layers_menu(self))
        menus["&File"].insertMenu(self.actions_by_id["import_files"], projects.recent_menu(self))
        menus["&File"].insertSeparator(self.actions_by_id["import_files"])
        by_layer = bool(app_settings.settings().value("view/colour_by_layer", False, type=bool))
        self.actions_by_id["colour_by_layer"].setChecked(by_layer)
        self.workspace.show_layers(frozenset(), colour_by_layer=by_layer)

    def _apply_codebook(self) -> None:
        codebook = self.shown_codebook = self.store.codebook.get()
        self.label_bar.set_codebook(codebook)
        self._codebook_actions = bind_codebook_keys(
            self._annotation_widgets(),
            codebook,
            self.workspace.apply_label,
            self.workspace.set_sentiment,
            self._codebook_actions,
            sentiment_panel=self.inspector,
        )

    def _annotation_widgets(self) -> list[QWidget]:
        """Where label, sentiment and edit keys apply: the reading view and the table."""
        return [self.view, self.table.view]

    # -- documents --------------------------------------------------------------------------

    def reload_documents(self) -> None:
        self.documents.load(self.store.documents)  # ids, titles, dates; the rest on demand
        refresh_done(self)

    def open_document(self, doc_id: str) -> None:
        if self.current_document == doc_id:
            return
        try:
            document = self.store.documents.get(DocumentId(doc_id))
        except AnnotatorError as exc:
            self.show_error("Cannot open the document", str(exc))
            return
        self.title_label.setText(document.title)
        self.workspace.open(document)
        if self.find_bar.isVisible():
            self.find_bar.search(self.find_bar.edit.text())
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.documents.model.row_of(document.id) >= 0:
            self.documents.select(document.id)
        # Written to disk with the scroll position, once the analyst pauses (not on every
        # switch): a crash in that moment reopens the previous document.
        app_settings.remember_document(self.project_key, document.id)
        self._scroll_timer.start()

    def _fit_search(self) -> None:
        hits = self.search.model.rowCount() > 0
        self.search.results.setVisible(hits)
        total = max(sum(self.left.sizes()), 600)
        top = min(total // 2, 360) if hits else self.search.sizeHint().height()
        self.left.setSizes([top, total - top])

    def focus_search(self) -> None:
        self.search.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.edit.selectAll()

    def show_hit(self, doc_id: str, start: int, end: int) -> None:
        """Open a document hit with the words found selected (ready to tag)."""
        self.open_document(doc_id)
        if self.current_document != doc_id:
            return
        self.workspace.select(None)
        self.view.select_span(start, end)
        self.view.scroll_to(start)
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_annotation_hit(self, doc_id: str, annotation_id: str) -> None:
        """Open an annotation hit with exactly that annotation selected (its layer shown)."""
        self.open_document(doc_id)
        if self.current_document != doc_id:
            return
        self.workspace.select(None)  # the document is fully read from here on
        annotation = self.workspace.state.get(annotation_id)
        if annotation is None:
            return
        if annotation.analyst_id in self.workspace.hidden_layers:
            set_layer_shown(self, annotation.analyst_id, True)
        self.workspace.select(annotation.id)
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def refresh(self, *, force: bool = False) -> None:
        """Show what another window or the command line changed (F5, or on coming back)."""
        if self._closed:
            return
        version = self.store.data_version()
        changed = version != self._data_version
        if not changed and not force:
            return
        self._data_version = version
        self.inspector.commit_pending()
        if self.store.codebook.get() != self.shown_codebook:  # labels added or renamed elsewhere
            self._apply_codebook()
            self.workspace.codebook_changed()
        self.reload_documents()
        self.search.refresh()
        if changed:  # data_version moves only when another connection commits
            self.statusBar().showMessage("Refreshed: showing changes made elsewhere.", 5000)
        else:
            self.statusBar().showMessage("Nothing changed elsewhere.", 5000)
        current = self.current_document
        if current is None or not self.documents.model.contains(current):
            return
        scroll = self.view.verticalScrollBar().value()
        active = self.workspace.active
        self.workspace.reload()
        self.view.verticalScrollBar().setValue(scroll)
        if active is not None:
            self.workspace.select(active, scroll=False)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            self.refresh()

    def step_document(self, direction: int) -> None:
        self.documents.step(direction)

    def _remember_scroll(self, _value: int) -> None:
        self._scroll_timer.start()  # written (and synced) once scrolling pauses

    def save_position(self) -> None:
        """Where the analyst is in this project: restored on the next start, even after a crash."""
        self._scroll_timer.stop()
        if self.current_document is not None:
            app_settings.remember_position(self.project_key, self.view.top_position())

    def restore_position(self) -> None:
        """Back to the remembered scroll position of the reopened document."""
        self.view.show_at_top(app_settings.remembered_position(self.project_key))

    def _refresh_document_row(self, doc_id: str) -> None:
        # Counted in memory: the project's count(*) walks every annotation of the document.
        self.documents.model.set_annotation_count(DocumentId(doc_id), len(self.workspace.state))
        refresh_done(self, doc_id)  # a finished mark set or undone
        self.saved_label.setText("All changes saved")

    def _open_for_change(self, doc_id: str) -> None:
        """Undo reached another document: show it, so the analyst sees what was undone."""
        self.reload_documents()
        self.open_document(doc_id)

    def import_paths(
        self, paths: list[Path], *, encoding: str | None = None, open_existing: bool = True
    ) -> IngestOutcome | None:
        """Import `paths` as File ▸ Import does (see `document_flows.import_paths`)."""
        return document_flows.import_paths(
            self, paths, encoding=encoding, open_existing=open_existing
        )

    def show_import_outcome(self, outcome: IngestOutcome, *, open_existing: bool = True) -> None:
        document_flows.show_import_outcome(self, outcome, open_existing=open_existing)

    def write_report(self, path: Path, *, html: bool) -> None:
        document_flows.write_report(self, path, html=html)

    def take_own_changes(self) -> None:
        """What this window's own background work committed is not news for F5."""
        self._data_version = self.store.data_version()

    @property
    def closed(self) -> bool:
        return self._closed

    def use_store(self, store: Store, analyst: Analyst | None = None) -> None:
        """Work on another project file in this same window (see `projects`), or on the same
        one reopened after a restore; `analyst` is the analyst's record in it."""
        self.store = store
        self.session.analyst = analyst or self.session.analyst
        self.project_key = app_settings.project_key(store)
        self._data_version = store.data_version()
        self.search.set_store(store)
        self._apply_codebook()
        self.workspace.use_store(store)  # forgets the old file's document: opens afresh
        undo, redo = self.session.undo_description(), self.session.redo_description()
        self._update_undo_actions(undo or "", redo or "")
        projects.show_project(self)
        self.reload_documents()
        projects.reopen(self)

    # -- settings and dialogs ---------------------------------------------------------------

    def _show_analyst(self) -> None:
        self.analyst_label.setText(f"Analyst: {self.analyst.name}")

    def change_analyst(self) -> None:
        name, ok = QInputDialog.getText(self, "Analyst name", "Your name:", text=self.analyst.name)
        if not ok or not name.strip():
            return
        try:
            self.session.analyst = self.store.ensure_analyst(name)
        except AnnotatorError as exc:
            self.show_error("Cannot change the analyst", str(exc))
            return
        app_settings.remember_analyst(self.analyst.name)
        self._show_analyst()
        self.workspace.analyst_changed()

    def edit_codebook(self) -> None:
        from annotator.gui.dialogs.codebook_editor import CodebookEditor  # when first used

        editor = CodebookEditor(self.store, self.analyst.id, self)
        if editor.exec():
            self._apply_codebook()
            self.workspace.codebook_changed()
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def zoom(self, steps: int) -> None:
        if steps == 0:
            self.view.zoomOut(self.view.font().pointSize() - self._base_point_size)
        elif steps > 0:
            self.view.zoomIn(steps)
        else:
            self.view.zoomOut(-steps)
        update_column_width(self.view)

    def toggle_snap(self) -> None:
        snap = self.actions_by_id["snap"].isChecked()
        self.view.snap_to_words = snap
        app_settings.settings().setValue("view/snap", snap)

    def toggle_colour_by_layer(self) -> None:
        by_layer = self.actions_by_id["colour_by_layer"].isChecked()
        self.workspace.show_layers(self.workspace.hidden_layers, colour_by_layer=by_layer)
        app_settings.settings().setValue("view/colour_by_layer", by_layer)

    def _update_undo_actions(self, undo_text: str, redo_text: str) -> None:
        for key, text in (("undo", undo_text), ("redo", redo_text)):
            action = self.actions_by_id.get(key)
            if action is not None:
                base = "&Undo" if key == "undo" else "&Redo"
                action.setText(f"{base} {text}" if text else base)
                action.setEnabled(bool(text))

    def _on_failed(self, title: str, message: str) -> None:
        self.saved_label.setText("Last change NOT saved")
        self.show_error(title, message)

    def show_error(self, title: str, message: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title, message, parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setObjectName("errorMessage")
        box.open()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        self.inspector.commit_pending()  # a note being typed is saved, not lost
        self.save_position()
        self._closed = True
        self.sync.stop()
        self.workspace.close()
        app_settings.settings().setValue("window/geometry", self.saveGeometry())
        super().closeEvent(event)
