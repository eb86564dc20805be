"""Importing from the GUI: in a worker thread behind a progress dialog, then the report as
plain text. Cancel takes back what the run added (see `annotator.core.ingest`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QMimeData, QObject, Qt, QTimer
from PySide6.QtGui import QDropEvent, QFontDatabase
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from annotator.core.records import AnalystId
from annotator.core.store import Store
from annotator.gui.background import JobProgress, own_store, run_with_progress

if TYPE_CHECKING:  # the importers (docx, charset detection, ftfy) load on the first import
    from annotator.core.importing import ReadOptions
    from annotator.core.ingest import IngestOutcome


def import_with_progress(
    parent: QWidget | None,
    store: Store,
    paths: Sequence[Path],
    *,
    analyst_id: AnalystId,
    encoding: str | None = None,
) -> IngestOutcome:
    """Import files/folders off the GUI thread with a cancellable progress dialog.

    Each file is its own commit, so the window's own saves never wait long; Cancel removes
    the documents this run added. A password-protected PDF gets a password prompt (three
    tries), then is imported with it. Raises an AnnotatorError with the message to show.
    """
    from annotator.core.importing import ReadOptions

    outcome = _run_import(parent, store, paths, analyst_id, ReadOptions(encoding=encoding))
    return _with_passwords(parent, store, outcome, analyst_id, encoding)


def _run_import(
    parent: QWidget | None,
    store: Store,
    paths: Sequence[Path],
    analyst_id: AnalystId,
    options: ReadOptions,
) -> IngestOutcome:
    project = store.path
    files = [Path(p) for p in paths]

    def work(progress: JobProgress) -> IngestOutcome:
        from annotator.core.ingest import import_paths
        from annotator.core.search import sync_index

        def step(index: int, total: int, name: str) -> bool:
            text = f"Importing {name} ({index + 1} of {total})" if name else ""
            return progress(index, total, text)

        with own_store(project) as own:
            outcome = import_paths(
                own, files, analyst_id=analyst_id, options=options, progress=step
            )
            # Indexed now, in the background, so that the next search is instant.
            progress(0, 0, "Indexing the new documents for search…")
            sync_index(own)
            return outcome

    return run_with_progress(parent, "Importing", work)


#: Tries per protected file before its refusal stands.
PASSWORD_TRIES = 3


def _ask_password(parent: QWidget | None, prompt: str) -> tuple[str, bool]:
    """QInputDialog.getText for a password, with the prompt (a file's name) as plain text: a
    name like `<b>x.pdf` is shown as written, never as markup."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle("Password-protected PDF")
    dialog.setLabelText(prompt)
    dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
    for label in dialog.findChildren(QLabel):
        label.setTextFormat(Qt.TextFormat.PlainText)
    given = dialog.exec() == QDialog.DialogCode.Accepted
    return dialog.textValue(), given


def _with_passwords(
    parent: QWidget | None,
    store: Store,
    outcome: IngestOutcome,
    analyst_id: AnalystId,
    encoding: str | None,
) -> IngestOutcome:
    """Ask for the password of each protected file the import refused, and import it with
    it; what is still refused (no password given, wrong three times) stays in the report."""
    from annotator.core.errors import PasswordRequired
    from annotator.core.importing import ReadOptions

    for refusal in [r for r in outcome.refused if isinstance(r, PasswordRequired)]:
        last = refusal
        for _try in range(PASSWORD_TRIES):
            password, given = _ask_password(
                parent, f"{refusal.path.name}: {last.reason.split(':')[0]}.\nPassword:"
            )
            if not given or not password:
                break
            options = ReadOptions(encoding=encoding, password=password)
            again = _run_import(parent, store, [refusal.path], analyst_id, options)
            retried = [r for r in again.refused if isinstance(r, PasswordRequired)]
            if retried:
                last = retried[0]
                continue
            outcome.refused.remove(refusal)
            outcome.added += again.added
            outcome.duplicates += again.duplicates
            outcome.refused += again.refused
            outcome.copy_of.update(again.copy_of)
            break
        else:
            outcome.refused[outcome.refused.index(refusal)] = last
    return outcome


def outcome_text(outcome: IngestOutcome) -> str:
    """The whole report: per-document details, then the summary."""
    parts = [report.summary() for _doc, report in outcome.added]
    parts.append(outcome.summary())
    return "\n\n".join(parts)


def outcome_needs_attention(outcome: IngestOutcome) -> bool:
    """Show the report unasked when something was repaired, refused or warned about."""
    return bool(
        outcome.refused
        or outcome.cancelled
        or outcome.stopped
        or any(report.repairs or report.warnings for _doc, report in outcome.added)
    )


def attention_line(outcome: IngestOutcome) -> str:
    """One line for the info bar: what the analyst should know about this import."""
    repairs = sum(len(report.repairs) for _doc, report in outcome.added)
    warnings = sum(len(report.warnings) for _doc, report in outcome.added)
    parts = [f"Imported {len(outcome.added)} document(s)"]
    if repairs:
        parts.append(f"{repairs} broken character sequence(s) repaired")
    if warnings:
        parts.append(f"{warnings} warning(s)")
    if outcome.refused:
        parts.append(f"{len(outcome.refused)} could not be imported (see the report)")
    if outcome.cancelled:
        parts.append(
            f"cancelled: the {outcome.taken_back} document(s) it had added were taken out again"
            if outcome.taken_back
            else "cancelled"
        )
    if outcome.stopped:
        parts.append(f"stopped: {outcome.stopped}")
    return "; ".join(parts) + "."


class ReportDialog(QDialog):
    """A read-only plain-text report (never rendered as HTML)."""

    def __init__(self, title: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importReport")
        self.setWindowTitle(title)
        self.resize(720, 420)
        self.text_view = QPlainTextEdit(self)
        self.text_view.setReadOnly(True)
        self.text_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text_view.setPlainText(text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text_view)
        layout.addWidget(buttons)


def dropped_paths(mime: QMimeData) -> list[Path]:
    """The local files and folders in a drop; [] for text, web links and the like."""
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


class FileDrops(QObject):
    """Article files and folders dropped anywhere on `window` go to `importer` (the window's
    File ▸ Import files… path); any other drop is left to the widget under it (text dropped
    on a filter box still lands there)."""

    _DRAG = frozenset({QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop})

    def __init__(self, window: QWidget, importer: Callable[[list[Path]], object]) -> None:
        super().__init__(window)
        self._importer = importer
        window.setAcceptDrops(True)
        window.installEventFilter(self)
        # Widgets that take drops themselves (line edits, text views) see them first.
        for widget in window.findChildren(QWidget):
            if widget.acceptDrops():
                widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() not in self._DRAG or not isinstance(event, QDropEvent):
            return False
        paths = dropped_paths(event.mimeData())
        if not paths:
            return False
        if QApplication.activeModalWidget() is not None:  # an import (or a dialog) under way
            event.ignore()
            return True
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        if event.type() == QEvent.Type.Drop:
            # After the drop has returned: the import waits behind its own progress dialog,
            # and the program the files came from must not wait for it.
            QTimer.singleShot(0, lambda: self._importer(paths))
        return True
