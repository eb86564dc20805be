"""File ▸ Export…: choose a format and a filter, then write with progress (and cancel)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.core.export import FORMATS, ExportFilter, ExportResult, export
from annotator.core.records import DocumentId
from annotator.core.store import Store
from annotator.gui.background import JobProgress, own_store, run_with_progress
from annotator.gui.reading.plain_text import plain_label

_SUFFIX = {"csv": ".csv", "claims": ".csv", "jsonl": ".jsonl", "w3c": ".jsonld", "qdpx": ".qdpx"}
_TITLES = {
    "csv": "Annotations CSV",
    "claims": "Claims CSV",
    "jsonl": "Annotator JSON Lines",
    "w3c": "W3C Web Annotation",
    "qdpx": "REFI-QDA project",
}
#: Offered after the core's FORMATS: written by annotator.core.qdpx (texts included).
_QDPX = "project with the texts for NVivo, ATLAS.ti, MAXQDA, QualCoder (.qdpx)"


def _checklist(values: list[str], name: str) -> QListWidget:
    widget = QListWidget()
    widget.setObjectName(name)
    for value in values:
        item = QListWidgetItem(value)  # list items are plain text
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked)
        widget.addItem(item)
    widget.setMaximumHeight(110)
    return widget


def _checked(widget: QListWidget) -> tuple[str, ...]:
    items = [widget.item(row) for row in range(widget.count())]
    chosen = tuple(i.text() for i in items if i.checkState() == Qt.CheckState.Checked)
    return () if len(chosen) == len(items) else chosen  # all checked: no filter


def _day(edit: QDateEdit) -> date:
    value = edit.date()
    return date(value.year(), value.month(), value.day())


class ExportDialog(QDialog):
    def __init__(
        self, store: Store, current: DocumentId | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export annotations")
        self.store = store
        self.current = current
        self.format = QComboBox(self)
        self.format.setObjectName("exportFormat")
        for key, description in FORMATS.items():
            self.format.addItem(f"{_TITLES[key]} — {description}", key)
        self.format.addItem(f"{_TITLES['qdpx']} — {_QDPX}", "qdpx")
        self.only_current = QRadioButton("Only the open document", self)
        self.only_current.setObjectName("exportOnlyCurrent")
        everything = QRadioButton("All documents", self)
        everything.setChecked(True)
        self.only_current.setEnabled(current is not None)
        scope = QHBoxLayout()
        scope.addWidget(everything)
        scope.addWidget(self.only_current)
        self.analysts = _checklist([a.name for a in store.layers()], "exportAnalysts")
        self.labels = _checklist([lb.name for lb in store.codebook.get().labels], "exportLabels")
        self.since_on = QCheckBox("From", self)
        self.since = QDateEdit(QDate.currentDate().addMonths(-1), self)
        self.until_on = QCheckBox("until", self)
        self.until = QDateEdit(QDate.currentDate(), self)
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        dates = QHBoxLayout()
        for widget in (self.since_on, self.since, self.until_on, self.until):
            dates.addWidget(widget)
        self.bom = QCheckBox("UTF-8 with BOM, so Excel shows every script", self)
        self.bom.setChecked(True)
        self.safe = QCheckBox("Neutralise spreadsheet formulas (=, +, -, @ …)", self)
        self.safe.setChecked(True)
        self.text = QCheckBox("Include the article texts (self-contained file)", self)
        self.text.setChecked(True)
        self.lines = QCheckBox("One annotation per line (JSON Lines)", self)
        self.error = plain_label()
        self.error.setObjectName("exportError")
        self.error.setStyleSheet("color: #b00020")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Format", self.format)
        form.addRow("Documents", scope)
        form.addRow("Analysts", self.analysts)
        form.addRow("Labels", self.labels)
        form.addRow("Changed", dates)
        form.addRow("", self.bom)
        form.addRow("", self.safe)
        form.addRow("", self.text)
        form.addRow("", self.lines)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.choose_file_and_export)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.format.currentIndexChanged.connect(self._update_options)
        self._update_options()
        self.result_: ExportResult | None = None

    def _update_options(self) -> None:
        key = self.format.currentData()
        self.bom.setVisible(key in ("csv", "claims"))
        self.safe.setVisible(key in ("csv", "claims"))
        self.text.setVisible(key == "jsonl")
        self.lines.setVisible(key == "w3c")

    def export_filter(self) -> ExportFilter:
        return ExportFilter(
            analysts=_checked(self.analysts),
            labels=_checked(self.labels),
            documents=(self.current,) if self.only_current.isChecked() and self.current else (),
            since=_day(self.since) if self.since_on.isChecked() else None,
            until=_day(self.until) if self.until_on.isChecked() else None,
        )

    def choose_file_and_export(self) -> None:
        key = self.format.currentData()
        suggested = f"annotations-{QDate.currentDate().toString('yyyy-MM-dd')}{_SUFFIX[key]}"
        # Suggested beside the project, where its backups and the analyst's files are.
        start = str(self.store.path.parent / suggested)
        path, _ = QFileDialog.getSaveFileName(self, "Export to", start)
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        """Write the export in a worker thread behind a progress dialog with Cancel; errors
        (and a cancelled export, which leaves any earlier file untouched) stay in the dialog."""
        project, format, scope = (
            self.store.path,
            str(self.format.currentData()),
            self.export_filter(),
        )
        bom, raw = self.bom.isChecked(), not self.safe.isChecked()
        include_text, lines = self.text.isChecked(), self.lines.isChecked()

        def work(progress: JobProgress) -> ExportResult:
            def step(done: int, total: int) -> bool:
                return progress(done, total, f"Exporting: document {done:,} of {total:,}")

            # Its own connection, in one read transaction: a consistent snapshot while the
            # window goes on saving.
            with own_store(project) as own:
                if format == "qdpx":
                    from annotator.core.qdpx import export_qdpx

                    return export_qdpx(own, path, filter=scope, progress=step)
                return export(
                    own,
                    path,
                    format,
                    filter=scope,
                    bom=bom,
                    raw=raw,
                    include_text=include_text,
                    lines=lines,
                    progress=step,
                )

        try:
            self.result_ = run_with_progress(self, "Exporting", work)
        except AnnotatorError as exc:
            self.error.setText(str(exc))
            return
        self.accept()
