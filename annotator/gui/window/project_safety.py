"""File ▸ Merge colleague's project…, Back up now, Restore from backup…, Check project, and
the daily backup: the menu entries that act on the project file as a whole."""

from __future__ import annotations

import sys
import time
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from annotator.core.errors import AnnotatorError
from annotator.core.safety import (
    CheckReport,
    check_project,
    daily_backup,
    list_backups,
    make_backup,
    restore_backup,
)
from annotator.core.safety.check import quick_check
from annotator.core.store import Store
from annotator.gui.background import BackgroundJob, JobProgress, own_store, run_with_progress
from annotator.gui.window.import_flow import ReportDialog

if TYPE_CHECKING:
    from annotator.core.interchange import InterchangeReport
    from annotator.gui.window.hosts import ProjectHost


def _alive(window: ProjectHost) -> bool:
    """The window can still be told something (a background job may outlive it)."""
    return shiboken6.isValid(window) and not window.closed


#: The background jobs each window started on its project, until they have finished.
_jobs: weakref.WeakKeyDictionary[ProjectHost, list[BackgroundJob[Any]]] = (
    weakref.WeakKeyDictionary()
)


def _track(window: ProjectHost, job: BackgroundJob[Any]) -> None:
    jobs = _jobs.setdefault(window, [])
    jobs.append(job)

    def forget() -> None:
        if job in jobs:
            jobs.remove(job)

    job.finished.connect(forget)


def finish_jobs(window: ProjectHost) -> None:
    """Before the window leaves its project: what can stop is cancelled, the rest (a backup
    being copied, a check) is waited for behind a progress dialog, so nothing reports on the
    old project into the new one."""
    jobs = [job for job in _jobs.get(window, []) if not job.done]
    if not jobs:
        return
    for job in jobs:
        job.cancel()

    def wait(_progress: JobProgress) -> None:
        while not all(job.done for job in jobs):  # set in the GUI thread, which keeps running
            time.sleep(0.02)

    run_with_progress(
        window.window(), "Finishing the work on this project", wait, cancellable=False
    )


def _fatal(parent: QWidget | None, title: str, message: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Critical, title, message, parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()
    print(f"annotator: {message}", file=sys.stderr)


def offer_restore(db_path: Path, problem: str, parent: QWidget | None = None) -> Store | None:
    """The project cannot be opened: offer its newest good backup (the file is kept as is)."""
    good = [b for b in list_backups(db_path) if b.ok] if db_path.exists() else []
    if not good:
        message = f"{problem}\n\nThere is no backup of it to restore."
        _fatal(parent, "Cannot open the project", message)
        return None
    newest = good[0]
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "Cannot open the project",
        f"{problem}\n\nRestore the newest good backup, made {newest.made_at:%Y-%m-%d %H:%M} UTC "
        f"({newest.reason})? The current file is kept unchanged next to its backups.",
        parent=parent,
    )
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setObjectName("restoreOffer")
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    if box.exec() != QMessageBox.StandardButton.Yes:
        return None
    try:
        kept = run_with_progress(
            parent,
            f"Restoring {newest.path.name}",
            lambda _progress: restore_backup(db_path, newest.path),
            cancellable=False,
        )
        store = Store.open(db_path)
    except AnnotatorError as exc:
        _fatal(parent, "Restore failed", str(exc))
        return None
    print(f"annotator: restored {newest.path}; the damaged file is kept as {kept}", file=sys.stderr)
    return store


def start_quick_check(window: ProjectHost) -> BackgroundJob[str]:
    """Check the file in the background after opening; warn in the window if it is damaged."""
    path = window.store.path
    job: BackgroundJob[str] = BackgroundJob(lambda _progress: quick_check(path), name="quick check")

    def done() -> None:
        result = job.error or job.result()
        if result != "ok" and _alive(window):
            window.info_bar.show_message(
                f"The project failed SQLite's quick check ({result}). Stop working in it and "
                "use File ▸ Restore from backup…; the damaged file will be kept."
            )

    job.finished.connect(done)
    _track(window, job)
    job.start()
    return job


def back_up_now(window: ProjectHost) -> None:
    path = window.store.path
    try:
        made = run_with_progress(
            window.window(),
            "Backing up",
            lambda _p: make_backup(path, reason="manual"),
            cancellable=False,
        )
    except AnnotatorError as exc:
        window.show_error("No backup made", str(exc))
        return
    window.statusBar().showMessage(f"Backed up to {made}", 10000)


def daily(window: ProjectHost) -> BackgroundJob[Path | None] | None:
    """Once per day the project is used (checked, rotated), in the background: a large project
    takes seconds to copy and check. A failure is shown, not hidden."""
    if not _alive(window):
        return None
    path = window.store.path
    job: BackgroundJob[Path | None] = BackgroundJob(
        lambda _progress: daily_backup(path), name="daily backup"
    )

    def done() -> None:
        if not _alive(window):
            return
        if job.error is not None:
            window.info_bar.show_message(f"Today's automatic backup failed: {job.error}")
        elif (made := job.result()) is not None:
            window.statusBar().showMessage(f"Today's backup: {made}", 8000)

    job.finished.connect(done)
    _track(window, job)
    job.start()
    return job


def check(window: ProjectHost) -> None:
    """Check the project in the background (seconds for a million annotations)."""
    path = window.store.path

    def work(_progress: JobProgress) -> CheckReport:
        with own_store(path) as own:
            return check_project(own)

    try:
        report = run_with_progress(window.window(), "Checking the project", work, cancellable=False)
    except AnnotatorError as exc:
        window.show_error("The check could not run", str(exc))
        return
    text = "\n".join([report.summary(), "", *report.problems])
    ReportDialog("Project check", text, window.window()).show()


def restore_dialog(window: ProjectHost) -> None:
    """Pick a checked backup and restore it (the current file is kept first)."""
    backups = [b for b in list_backups(window.store.path) if b.ok]
    if not backups:
        window.show_error("No backup to restore", "This project has no good backup yet.")
        return
    names = [f"{b.made_at:%Y-%m-%d %H:%M} UTC · {b.reason} · {b.path.name}" for b in backups]
    choice, ok = QInputDialog.getItem(
        window.window(), "Restore from backup", "Backup:", names, 0, False
    )
    if ok:
        restore(window, backups[names.index(choice)].path)


def restore(window: ProjectHost, backup: Path) -> None:
    """Close the project, restore `backup` over it (checked, then copied, in a worker thread
    behind a progress dialog), reopen it in the same window."""
    path = window.store.path
    window.inspector.commit_pending()
    finish_jobs(window)  # the day's backup may be reading the file
    window.workspace.close()
    window.store.close()
    kept: Path | None = None
    try:
        kept = run_with_progress(
            window.window(),
            f"Restoring {backup.name}",
            lambda _progress: restore_backup(path, backup),
            cancellable=False,
        )
    except AnnotatorError as exc:
        window.show_error("Restore failed", str(exc))
    window.use_store(Store.open(path))
    if kept is not None:
        window.info_bar.show_message(
            f"Restored {backup.name}. The previous version is kept as {kept}."
        )


def merge_dialog(window: ProjectHost) -> None:
    path, _ = QFileDialog.getOpenFileName(
        window.window(),
        "Merge a colleague's project",
        str(window.store.path.parent),
        "Annotator projects (*.sqlite);;All files (*)",
    )
    if path:
        merge(window, Path(path))


def merge(window: ProjectHost, other: Path) -> None:
    """Merge `other` in a worker thread behind a progress dialog (backed up first, one
    transaction; Cancel before the commit changes nothing) and show the report."""
    # Imported when first used: the interchange reader is not needed to open the window.
    from annotator.core.merge import MergeCancelled, merge_project

    window.inspector.commit_pending()
    path, analyst = window.store.path, window.analyst.name

    def work(progress: JobProgress) -> InterchangeReport:
        from annotator.core.search import sync_index

        with own_store(path) as own:
            report = merge_project(own, other, analyst=analyst, progress=progress)
            # Merged; indexed now, in the background, so that the next search is instant.
            progress(0, 0, "Indexing what came in for search…")
            sync_index(own)
            return report

    try:
        report = run_with_progress(window.window(), f"Merging {other.name}", work)
    except MergeCancelled as exc:
        window.statusBar().showMessage(str(exc), 10000)
        return
    except AnnotatorError as exc:
        window.show_error("Nothing was merged", str(exc))
        return
    window.refresh(force=True)  # their documents in the list, their tags in the open one
    ReportDialog(f"Merged {other.name}", report.summary(), window.window()).show()
