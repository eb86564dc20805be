"""File ▸ New project…, Open project…, Open recent ▸: another project in the same window.

The new file is opened first, with the checks made at start: a file that is not a project, a
damaged one (its newest good backup is offered), one written by a newer Annotator get a
message, and the open project stays as it was; opening a file that is not a project creates
nothing. Only then does the window let go of the old project: the note being typed is saved,
the position remembered, its background jobs finished, its connection closed. The window then
shows the new project's last open document (or its first), where the analyst left it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFileDialog, QMenu

from annotator.core.errors import AnnotatorError, DamagedProject
from annotator.core.location import network_warning
from annotator.core.paths import default_db_path
from annotator.core.preferences import clear_recent_projects, recent_projects, remember_project
from annotator.core.records import DocumentId
from annotator.core.store import Store
from annotator.gui.reading.plain_text import tooltip_text
from annotator.gui.window import project_safety
from annotator.gui.window import settings as app_settings

if TYPE_CHECKING:
    from annotator.gui.window.main_window import MainWindow

SUFFIX = ".sqlite"
PROJECT_FILTER = "Annotator projects (*.sqlite);;All files (*)"


# -- what the window shows of its project -----------------------------------------------------


def folder(window: MainWindow) -> str:
    """Where the file dialogs start: the open project's folder, or the home folder when the
    project is the default one, kept in the app's hidden data folder."""
    here = window.store.path.parent
    if here.resolve() == default_db_path().parent.resolve():
        return str(Path.home())
    return str(here)


def show_project(window: MainWindow) -> None:
    """The project's name in the title; its full path in the status bar and its tooltip."""
    path = window.store.path
    window.setWindowTitle(f"{path.stem} — Annotator")
    window.db_label.setText(str(path))
    window.db_label.setToolTip(tooltip_text(str(path.absolute())))


def remembered(window: MainWindow) -> DocumentId | None:
    """The project's last open document, if it is still in the project."""
    last = app_settings.remembered_document(window.project_key)
    if last and window.documents.model.contains(DocumentId(last)):
        return DocumentId(last)
    return None


def reopen(window: MainWindow, *, or_first: bool = True) -> None:
    """Back where the analyst was in this project; else (`or_first`) at its first document,
    rather than an empty view of a project that has some."""
    last = remembered(window)
    if last is not None:
        window.open_document(last)
        window.restore_position()
    elif or_first and window.documents.model.rowCount() > 0:
        window.open_document(window.documents.model.id_at(0))
    elif window.current_document is None:
        _show_nothing(window)


def _show_nothing(window: MainWindow) -> None:
    """An empty project: no text, rows or annotation of the previous one stay on screen."""
    window.workspace.show_nothing()
    window.title_label.setText("")


def announce(window: MainWindow, warning: str | None) -> None:
    """Opened: kept in File ▸ Open recent; `warning` (a network drive, say) in the info bar."""
    remember_project(window.store.path)
    if warning:
        window.info_bar.show_message(warning)


def start_checks(window: MainWindow) -> None:
    """The day's backup and SQLite's quick check, in the background, as at every start."""
    QTimer.singleShot(0, lambda: project_safety.daily(window))  # once the window is up
    project_safety.start_quick_check(window)


# -- switching ----------------------------------------------------------------------------------


def switch_project(window: MainWindow, path: Path, *, create: bool = False) -> bool:
    """Show the project at `path` in `window`; False (after saying why) if it stays as it was."""
    path = Path(path).expanduser().absolute()
    if path.exists() and path.samefile(window.store.path):
        window.statusBar().showMessage(f"{path.name} is already open.", 6000)
        return True
    existed = path.is_file() and path.stat().st_size > 0
    store = _open(window, path, create=create)
    if store is None:
        return False
    try:
        analyst = store.ensure_analyst(window.analyst.name)
    except AnnotatorError as exc:
        store.close()
        window.show_error("Cannot open the project", str(exc))
        return False
    _leave(window)
    old = window.store
    window.use_store(store, analyst)
    old.close()
    announce(window, network_warning(path))
    start_checks(window)
    verb = "Opened" if existed else "Created"
    window.statusBar().showMessage(f"{verb} the project {path}", 8000)
    return True


def _open(window: MainWindow, path: Path, *, create: bool) -> Store | None:
    try:
        return Store.open(path, create=create)
    except DamagedProject as exc:
        return project_safety.offer_restore(path, str(exc), parent=window)
    except AnnotatorError as exc:
        window.show_error("Cannot open the project", str(exc))
        return None


def _leave(window: MainWindow) -> None:
    """Let go of the open project: nothing typed is lost, nothing of it runs on afterwards."""
    window.inspector.commit_pending()
    window.save_position()
    window.review.stop()
    window.review.first = window.review.second = ""  # the old project's layers
    project_safety.finish_jobs(window)
    window.workspace.close()
    window.info_bar.hide()  # its messages were about the old project


# -- the menu entries ---------------------------------------------------------------------------


def _choose(window: MainWindow, name: str, caption: str, *, save: bool) -> Path | None:
    dialog = QFileDialog(window, caption, folder(window), PROJECT_FILTER)
    dialog.setObjectName(name)
    if save:
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        # Choosing an existing project opens it; nothing is ever overwritten.
        dialog.setOption(QFileDialog.Option.DontConfirmOverwrite)
    else:
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    if not dialog.exec() or not dialog.selectedFiles():
        return None
    return Path(dialog.selectedFiles()[0])


def new_project_dialog(window: MainWindow) -> None:
    path = _choose(window, "newProjectDialog", "New project", save=True)
    if path is not None:
        new_project(window, path)


def new_project(window: MainWindow, path: Path) -> bool:
    """Create a project at `path` (.sqlite added unless the file exists). An existing project
    is opened; any other non-empty file is refused and left untouched."""
    if not path.exists() and path.suffix.lower() != SUFFIX:
        path = path.with_name(path.name + SUFFIX)
    return switch_project(window, path, create=True)


def open_project_dialog(window: MainWindow) -> None:
    path = _choose(window, "openProjectDialog", "Open project", save=False)
    if path is not None:
        switch_project(window, path)


def recent_menu(window: MainWindow) -> QMenu:
    """File ▸ Open recent: newest first; files that went missing (an unmounted drive, say) are
    shown disabled; Clear empties the list."""
    menu = QMenu("Open recen&t", window)
    menu.setObjectName("recentMenu")
    menu.aboutToShow.connect(lambda: fill_recent(menu, window))
    fill_recent(menu, window)
    return menu


def fill_recent(menu: QMenu, window: MainWindow) -> None:
    menu.clear()
    current = window.store.path.absolute()
    recent = recent_projects()
    for number, path in enumerate(recent, 1):
        text = str(path).replace("&", "&&")  # a literal &, not a keyboard accelerator
        missing = not path.is_file()
        action = menu.addAction(
            (f"&{number} " if number < 10 else "") + text + (" (missing)" if missing else "")
        )
        action.setObjectName("recentProject")
        action.setData(str(path))
        action.setEnabled(not missing)
        if path == current or (not missing and path.samefile(current)):
            action.setCheckable(True)
            action.setChecked(True)
        action.triggered.connect(lambda _checked=False, p=path: switch_project(window, p))
    if not recent:
        menu.addAction("No recent projects").setEnabled(False)
    menu.addSeparator()
    clear = menu.addAction("&Clear")
    clear.setObjectName("recentClear")
    clear.setEnabled(bool(recent))
    clear.triggered.connect(clear_recent_projects)
