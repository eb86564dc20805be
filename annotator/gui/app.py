"""Starting the GUI: QApplication, the analyst's name, the project, optional imports."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from annotator.core.errors import AnnotatorError, DamagedProject
from annotator.core.location import network_warning
from annotator.core.records import DocumentId
from annotator.core.safety import list_backups, restore_backup
from annotator.core.store import Store
from annotator.gui import project_safety
from annotator.gui import settings as app_settings
from annotator.gui.analyst_dialog import AnalystDialog
from annotator.gui.main_window import MainWindow


def _fatal(title: str, message: str) -> int:
    box = QMessageBox(QMessageBox.Icon.Critical, title, message)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()
    print(f"annotator: {message}", file=sys.stderr)
    return 1


def offer_restore(db_path: Path, problem: str) -> Store | None:
    """The project cannot be opened: offer its newest good backup (the file is kept as is)."""
    good = [b for b in list_backups(db_path) if b.ok] if db_path.exists() else []
    if not good:
        _fatal("Cannot open the project", f"{problem}\n\nThere is no backup of it to restore.")
        return None
    newest = good[0]
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "Cannot open the project",
        f"{problem}\n\nRestore the newest good backup, made {newest.made_at:%Y-%m-%d %H:%M} UTC "
        f"({newest.reason})? The current file is kept unchanged next to its backups.",
    )
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setObjectName("restoreOffer")
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    if box.exec() != QMessageBox.StandardButton.Yes:
        return None
    try:
        kept = restore_backup(db_path, newest.path)
        store = Store.open(db_path)
    except AnnotatorError as exc:
        _fatal("Restore failed", str(exc))
        return None
    print(f"annotator: restored {newest.path}; the damaged file is kept as {kept}", file=sys.stderr)
    return store


def ask_analyst(given: str | None) -> str | None:
    """The analyst's name: given, remembered, or asked once (then remembered)."""
    name = given or app_settings.remembered_analyst()
    if name:
        return name
    dialog = AnalystDialog()
    if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.name():
        return None
    app_settings.remember_analyst(dialog.name())
    return dialog.name()


def create_window(
    *, db_path: Path, analyst: str | None, files: list[Path], encoding: str | None = None
) -> MainWindow | None:
    """Everything `run` does before the event loop; returns None after telling the user why."""
    name = ask_analyst(analyst)
    if name is None:
        return None
    try:
        store = Store.open(db_path)
    except DamagedProject as exc:
        restored = offer_restore(db_path, str(exc))
        if restored is None:
            return None
        store = restored
    except AnnotatorError as exc:
        _fatal("Cannot open the project", str(exc))
        return None
    try:
        analyst_record = store.ensure_analyst(name)
    except AnnotatorError as exc:
        store.close()
        _fatal("Cannot open the project", str(exc))
        return None
    window = MainWindow(store, analyst_record)
    window.show()
    warning = network_warning(db_path)
    if warning:
        window.info_bar.show_message(warning)
    if files:
        window.import_paths(files, encoding=encoding)
    elif (
        last := app_settings.settings().value("session/document")
    ) and window.documents.model.contains(DocumentId(str(last))):
        window.open_document(str(last))
        window.restore_position()
    # Both in worker threads, so a large project is usable at once; the check starts last so
    # that its warning is the last word in the info bar.
    QTimer.singleShot(0, lambda: project_safety.daily(window))  # once the window is up
    project_safety.start_quick_check(window)
    return window


def run(*, db_path: Path, analyst: str | None, files: list[Path], encoding: str | None) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Annotator")
    app.setOrganizationName(app_settings.ORGANISATION)
    window = create_window(db_path=db_path, analyst=analyst, files=files, encoding=encoding)
    if window is None:
        return 1
    try:
        return app.exec()
    finally:
        window.store.close()
