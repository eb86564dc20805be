"""File ▸ Merge colleague's project…, Back up now, Restore from backup…, Check project, and
the daily backup: the menu entries that act on the project file as a whole."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFileDialog, QInputDialog

from annotator.core.errors import AnnotatorError
from annotator.core.merge import merge_project
from annotator.core.safety import (
    check_project,
    daily_backup,
    list_backups,
    make_backup,
    restore_backup,
)
from annotator.core.safety.check import quick_check
from annotator.core.store import Store
from annotator.gui.import_flow import ReportDialog

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow


_checks = ThreadPoolExecutor(max_workers=1, thread_name_prefix="quick-check")


def start_quick_check(window: MainWindow) -> None:
    """Check the file in the background after opening; warn in the window if it is damaged."""
    future = _checks.submit(quick_check, window.store.path)
    timer = QTimer(window)
    timer.setInterval(200)

    def poll() -> None:
        if not future.done():
            return
        timer.stop()
        result = future.result()
        if result != "ok" and not window.closed:
            window.info_bar.show_message(
                f"The project failed SQLite's quick check ({result}). Stop working in it and "
                "use File ▸ Restore from backup…; the damaged file will be kept."
            )

    timer.timeout.connect(poll)
    timer.start()


def back_up_now(window: MainWindow) -> None:
    try:
        path = make_backup(window.store, reason="manual")
    except AnnotatorError as exc:
        window.show_error("No backup made", str(exc))
        return
    window.statusBar().showMessage(f"Backed up to {path}", 10000)


def daily(window: MainWindow) -> None:
    """Once per day the project is used (checked, rotated); a failure is shown, not hidden."""
    if window.closed:
        return
    try:
        made = daily_backup(window.store)
    except AnnotatorError as exc:
        window.info_bar.show_message(f"Today's automatic backup failed: {exc}")
        return
    if made is not None:
        window.statusBar().showMessage(f"Today's backup: {made}", 8000)


def check(window: MainWindow) -> None:
    report = check_project(window.store)
    text = "\n".join([report.summary(), "", *report.problems])
    ReportDialog("Project check", text, window).show()


def restore_dialog(window: MainWindow) -> None:
    """Pick a checked backup and restore it (the current file is kept first)."""
    backups = [b for b in list_backups(window.store.path) if b.ok]
    if not backups:
        window.show_error("No backup to restore", "This project has no good backup yet.")
        return
    names = [f"{b.made_at:%Y-%m-%d %H:%M} UTC · {b.reason} · {b.path.name}" for b in backups]
    choice, ok = QInputDialog.getItem(window, "Restore from backup", "Backup:", names, 0, False)
    if ok:
        restore(window, backups[names.index(choice)].path)


def restore(window: MainWindow, backup: Path) -> None:
    """Close the project, restore `backup` over it, reopen it in the same window."""
    path = window.store.path
    window.inspector.commit_pending()
    window.workspace.close()
    window.store.close()
    kept: Path | None = None
    try:
        kept = restore_backup(path, backup)
    except AnnotatorError as exc:
        window.show_error("Restore failed", str(exc))
    window.use_store(Store.open(path))
    if kept is not None:
        window.info_bar.show_message(
            f"Restored {backup.name}. The previous version is kept as {kept}."
        )


def merge_dialog(window: MainWindow) -> None:
    path, _ = QFileDialog.getOpenFileName(
        window, "Merge a colleague's project", "", "Annotator projects (*.sqlite);;All files (*)"
    )
    if path:
        merge(window, Path(path))


def merge(window: MainWindow, other: Path) -> None:
    """Merge `other` (backed up first, in one transaction) and show the report."""
    window.inspector.commit_pending()
    try:
        report = merge_project(window.store, other, analyst=window.analyst.name)
    except AnnotatorError as exc:
        window.show_error("Nothing was merged", str(exc))
        return
    window.refresh(force=True)  # their documents in the list, their tags in the open one
    ReportDialog(f"Merged {other.name}", report.summary(), window).show()
