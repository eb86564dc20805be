"""Starting the GUI: QApplication, the analyst's name, the project, optional imports."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from annotator.core.errors import AnnotatorError, DamagedProject
from annotator.core.location import network_warning
from annotator.core.store import Store
from annotator.gui.dialogs.analyst_dialog import AnalystDialog
from annotator.gui.window import projects
from annotator.gui.window import settings as app_settings
from annotator.gui.window.main_window import MainWindow
from annotator.gui.window.project_safety import offer_restore

__all__ = ["ask_analyst", "create_window", "offer_restore", "run"]


def _fatal(title: str, message: str) -> int:
    box = QMessageBox(QMessageBox.Icon.Critical, title, message)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()
    print(f"annotator: {message}", file=sys.stderr)
    return 1


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
    projects.announce(window, network_warning(db_path))  # and kept in File ▸ Open recent
    # Files given (`make run` gives the sample): a new one is opened; if they were all in the
    # project already, the analyst is back where they were in it.
    outcome = None
    if files:
        back = projects.remembered(window) is not None
        outcome = window.import_paths(files, encoding=encoding, open_existing=not back)
    if window.current_document is None and not (outcome and outcome.added):
        projects.reopen(window, or_first=False)
    # Both in worker threads, so a large project is usable at once; the check starts last so
    # that its warning is the last word in the info bar.
    projects.start_checks(window)
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
