"""The main window: document list on the left, the article in the reading view."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QInputDialog,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from annotator import __version__
from annotator.core.errors import AnnotatorError
from annotator.core.importing import SUPPORTED_SUFFIXES, ImportReport
from annotator.core.records import Analyst, DocumentId
from annotator.core.store import Store
from annotator.gui import settings as app_settings
from annotator.gui.document_list import DocumentListPanel
from annotator.gui.document_view import DocumentView, reading_column
from annotator.gui.import_flow import (
    ReportDialog,
    attention_line,
    import_with_progress,
    outcome_needs_attention,
    outcome_text,
)
from annotator.gui.info_bar import InfoBar
from annotator.gui.plain_text import plain_label


class MainWindow(QMainWindow):
    def __init__(self, store: Store, analyst: Analyst) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.store = store
        self.analyst = analyst
        self.current_document: DocumentId | None = None
        self.setWindowTitle(f"Annotator — {store.path.name}")

        self.documents = DocumentListPanel(self)
        self.title_label = plain_label()
        self.title_label.setObjectName("documentTitle")
        self.title_label.setWordWrap(True)
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title_label.setFont(font)
        self.view = DocumentView(self)
        reader = QWidget(self)
        reader_layout = QVBoxLayout(reader)
        reader_layout.setContentsMargins(8, 4, 0, 0)
        reader_layout.addWidget(self.title_label)
        self.info_bar = InfoBar(reader)
        reader_layout.addWidget(self.info_bar)
        reader_layout.addWidget(reading_column(self.view, reader), 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.documents)
        self.splitter.addWidget(reader)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([320, 900])
        self.setCentralWidget(self.splitter)

        self.analyst_label = plain_label()
        self.analyst_label.setObjectName("statusAnalyst")
        self.saved_label = plain_label("All changes saved")
        self.saved_label.setObjectName("statusSaved")
        self.db_label = plain_label(str(store.path))
        self.db_label.setObjectName("statusDatabase")
        status = self.statusBar()
        status.addWidget(self.analyst_label)
        status.addWidget(self.db_label, 1)
        status.addPermanentWidget(self.saved_label)
        self._show_analyst()

        self._build_menus()
        self.documents.document_chosen.connect(self.open_document)
        self.reload_documents()
        self.resize(1280, 800)
        geometry = app_settings.settings().value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)

    # -- menus ------------------------------------------------------------------------------

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self._action(
            file_menu, "Import &files…", self.import_files_dialog, QKeySequence.StandardKey.Open
        )
        self._action(file_menu, "Import f&older…", self.import_folder_dialog, "Ctrl+Shift+O")
        self._action(file_menu, "Import &report of this document", self.show_document_report)
        file_menu.addSeparator()
        self._action(file_menu, "&Analyst name…", self.change_analyst)
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        help_menu = self.menuBar().addMenu("&Help")
        self._action(help_menu, "&About Annotator", self.show_about)

    def _action(
        self,
        menu: QMenu,
        text: str,
        slot: Callable[[], object],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    # -- documents --------------------------------------------------------------------------

    def reload_documents(self) -> None:
        self.documents.model.set_documents(self.store.documents.list())

    def open_document(self, doc_id: str) -> None:
        try:
            document = self.store.documents.get(DocumentId(doc_id))
        except AnnotatorError as exc:
            self.show_error("Cannot open the document", str(exc))
            return
        self.current_document = document.id
        self.title_label.setText(document.title)
        self.view.show_text(document.text)
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.documents.model.row_of(document.id) >= 0:
            self.documents.select(document.id)
        app_settings.settings().setValue("session/document", document.id)

    def import_paths(self, paths: list[Path], *, encoding: str | None = None) -> None:
        """Import, refresh the list, open the first new document, report what needs attention."""
        try:
            outcome = import_with_progress(
                self, self.store, paths, analyst_id=self.analyst.id, encoding=encoding
            )
        except AnnotatorError as exc:
            self.show_error("Import failed", str(exc))
            return
        self.reload_documents()
        opened = [doc for doc, _report in outcome.added] or [doc for _p, doc in outcome.duplicates]
        if opened:
            self.open_document(opened[0].id)
        status = outcome.summary().splitlines()[0]
        if not outcome.added and outcome.duplicates:
            status = f"Already in the project: {outcome.duplicates[0][1].title}"
        self.statusBar().showMessage(status, 8000)
        if outcome_needs_attention(outcome):
            self.info_bar.show_message(
                attention_line(outcome), title="Import report", details=outcome_text(outcome)
            )

    def import_files_dialog(self) -> None:
        patterns = " ".join(f"*{suffix}" for suffix in sorted(SUPPORTED_SUFFIXES))
        files, _ = QFileDialog.getOpenFileNames(
            self, "Import articles", "", f"Articles ({patterns});;All files (*)"
        )
        if files:
            self.import_paths([Path(f) for f in files])

    def import_folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import a folder of articles")
        if folder:
            self.import_paths([Path(folder)])

    def show_document_report(self) -> None:
        if self.current_document is None:
            return
        document = self.store.documents.get(self.current_document)
        text = ImportReport.from_json(document.import_report).summary()
        ReportDialog(f"Import report — {document.title}", text, self).show()

    # -- analyst ----------------------------------------------------------------------------

    def _show_analyst(self) -> None:
        self.analyst_label.setText(f"Analyst: {self.analyst.name}")

    def change_analyst(self) -> None:
        name, ok = QInputDialog.getText(self, "Analyst name", "Your name:", text=self.analyst.name)
        if not ok or not name.strip():
            return
        try:
            self.analyst = self.store.ensure_analyst(name)
        except AnnotatorError as exc:
            self.show_error("Cannot change the analyst", str(exc))
            return
        app_settings.remember_analyst(self.analyst.name)
        self._show_analyst()

    # -- misc -------------------------------------------------------------------------------

    def show_error(self, title: str, message: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title, message, parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setObjectName("errorMessage")
        box.open()

    def show_about(self) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "About Annotator",
            f"Annotator {__version__}\nProject: {self.store.path}",
            parent=self,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.open()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        app_settings.settings().setValue("window/geometry", self.saveGeometry())
        super().closeEvent(event)
