"""Projects in the window: File ▸ New project…, Open project…, Open recent ▸, the project in the
title, the last document per project, `make run` back where the analyst was, drag and drop of
articles, and F5 saying whether anything changed elsewhere."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu, QMessageBox

from annotator.core.preferences import recent_projects
from annotator.core.store import SCHEMA_VERSION, Store
from annotator.gui.app import create_window
from annotator.gui.background import wait_for_jobs
from annotator.gui.window import project_safety, projects
from annotator.gui.window.main_window import MainWindow
from support import SAMPLE, SAMPLES, find_top_level

RU = SAMPLES / "ria-style-2023-03-14-grain-corridor-ru.txt"
AR = SAMPLES / "aljazeera-style-2023-06-02-water-talks-ar.html"


def _answer_file_dialog(name: str, path: Path, seen: dict[str, str]) -> None:
    """Fill the file dialog `name` with `path` and accept it, once the code under test opens it."""

    def fill() -> None:
        dialog = find_top_level(QFileDialog, name)
        if dialog is None:
            QTimer.singleShot(20, fill)
            return
        seen["directory"] = dialog.directory().absolutePath()
        dialog.selectFile(str(path))
        dialog.accept()

    QTimer.singleShot(0, fill)


def _choose(window: MainWindow, action: str, dialog: str, path: Path) -> dict[str, str]:
    seen: dict[str, str] = {}
    _answer_file_dialog(dialog, path, seen)
    window.actions_by_id[action].trigger()
    return seen


def _error_text(qtbot) -> str:  # type: ignore[no-untyped-def]
    box: list[QMessageBox] = []

    def shown() -> bool:
        found = find_top_level(QMessageBox, "errorMessage")
        box[:] = [found] if found else []
        return bool(box)

    qtbot.waitUntil(shown)
    text = box[0].text()
    box[0].close()
    return text


def _recent_entries(window: MainWindow) -> list[tuple[str, bool]]:
    menu = window.findChild(QMenu, "recentMenu")
    assert menu is not None
    menu.aboutToShow.emit()
    return [(a.text(), a.isEnabled()) for a in menu.actions() if a.objectName() == "recentProject"]


def _trigger_recent(window: MainWindow, path: Path) -> None:
    menu = window.findChild(QMenu, "recentMenu")
    assert menu is not None
    menu.aboutToShow.emit()
    [action] = [a for a in menu.actions() if a.data() == str(path.resolve())]
    action.trigger()


def _long_article(tmp_path: Path) -> Path:
    path = tmp_path / "long.txt"
    paragraphs = [f"Paragraph {n} of a long report on the talks." for n in range(400)]
    path.write_text("A long report\n" + "\n".join(paragraphs), encoding="utf-8")
    return path


#: Where the analyst scrolled to in the long article (a line's first code point).
POSITION = len("A long report\n") + sum(
    len(f"Paragraph {n} of a long report on the talks.\n") for n in range(150)
)


def _two_documents(open_window, tmp_path: Path) -> tuple[MainWindow, str]:  # type: ignore[no-untyped-def]
    """The default project with two articles, the second (long) open and scrolled down."""
    window: MainWindow = open_window([SAMPLE, _long_article(tmp_path)])
    second = window.store.documents.list()[-1].id
    window.open_document(second)
    window.view.show_at_top(POSITION)
    assert window.view.top_position() == POSITION
    window.save_position()
    return window, second


# -- 1. projects in the window ----------------------------------------------------------------


def test_new_project_opens_in_the_window_and_open_recent_brings_the_first_back(
    open_window, db_path: Path, tmp_path: Path, qtbot
) -> None:  # type: ignore[no-untyped-def]
    window, second = _two_documents(open_window, tmp_path)
    assert window.windowTitle() == "project — Annotator"
    old_store = window.store
    seen = _choose(window, "new_project", "newProjectDialog", tmp_path / "kazakhstan")
    created = tmp_path / "kazakhstan.sqlite"  # .sqlite added
    assert seen["directory"] == str(tmp_path)  # the dialog starts in the project's folder
    assert window.store.path == created and created.is_file()
    assert window.windowTitle() == "kazakhstan — Annotator"
    assert str(created) in window.db_label.text() and str(created) in window.db_label.toolTip()
    assert window.documents.model.rowCount() == 0
    assert window.view.toPlainText() == "" and window.title_label.text() == ""
    assert window.table.model.rowCount() == 0
    assert window.current_document is None
    assert [a.name for a in window.store.analysts()] == ["Ana"]
    try:
        old_store.documents.list()
        raise AssertionError("the old project's connection is still open")
    except sqlite3.ProgrammingError:
        pass  # closed
    assert recent_projects()[:2] == [created.resolve(), db_path.resolve()]
    entries = _recent_entries(window)
    assert entries[0] == (f"&1 {created.resolve()}", True)
    assert entries[1] == (f"&2 {db_path.resolve()}", True)

    _trigger_recent(window, db_path)  # File ▸ Open recent ▸ 2
    assert window.store.path.resolve() == db_path.resolve()
    assert window.windowTitle() == "project — Annotator"
    assert window.documents.model.rowCount() == 2
    assert window.current_document == second  # its own last document …
    assert window.view.top_position() == POSITION  # … where the analyst was
    assert recent_projects()[0] == db_path.resolve()
    wait_for_jobs()


def test_open_project_shows_its_last_document_not_an_empty_view(
    open_window, db_path: Path, tmp_path: Path, qtbot
) -> None:  # type: ignore[no-untyped-def]
    other = tmp_path / "colleague" / "ukraine.sqlite"
    with Store.open(other) as store:
        from annotator.core.ingest import import_paths

        import_paths(store, [SAMPLE, AR], analyst_id=None)
        first_there = store.documents.list()[0].id
    window, second = _two_documents(open_window, tmp_path)
    seen = _choose(window, "open_project", "openProjectDialog", other)
    assert seen["directory"] == str(tmp_path)
    assert window.store.path == other
    assert window.windowTitle() == "ukraine — Annotator"
    # Never opened here before: its first document, not "Import an article".
    assert window.documents.model.rowCount() == 2
    assert window.current_document == first_there
    assert window.view.toPlainText() == window.store.documents.text(first_there)
    third = window.store.documents.list()[-1].id
    window.open_document(third)
    # Back to the first project and to the second again: each remembers its own document.
    seen = _choose(window, "open_project", "openProjectDialog", db_path)
    assert seen["directory"] == str(other.parent)  # now the open project's folder
    assert window.current_document == second
    _trigger_recent(window, other)
    assert window.current_document == third
    wait_for_jobs()


def test_the_last_document_is_remembered_per_project_across_starts(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    def start(db: Path, files: list[Path]) -> MainWindow:
        window = create_window(db_path=db, analyst="Ana", files=files)
        assert window is not None
        qtbot.addWidget(window)
        return window

    def stop(window: MainWindow) -> None:
        wait_for_jobs()
        window.close()
        window.store.close()

    first = start(tmp_path / "a.sqlite", [SAMPLE, RU])
    chosen = first.store.documents.list()[-1].id
    first.open_document(chosen)
    stop(first)
    other = start(tmp_path / "b.sqlite", [AR])  # another project, another last document
    stop(other)
    again = start(tmp_path / "a.sqlite", [])
    assert again.current_document == chosen
    stop(again)


def test_open_project_refuses_what_is_not_a_usable_project_and_keeps_the_open_one(
    open_window, tmp_path: Path, qtbot
) -> None:  # type: ignore[no-untyped-def]
    window: MainWindow = open_window([SAMPLE])
    before = (window.store.path, window.current_document, window.windowTitle())
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database", encoding="utf-8")
    _choose(window, "open_project", "openProjectDialog", notes)
    assert "not an Annotator project" in _error_text(qtbot)
    assert notes.read_text(encoding="utf-8") == "not a database"
    newer = tmp_path / "newer.sqlite"
    Store.open(newer).close()
    with sqlite3.connect(newer) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    _choose(window, "open_project", "openProjectDialog", newer)
    assert "newer Annotator" in _error_text(qtbot)
    missing = tmp_path / "nowhere" / "missing.sqlite"
    assert not projects.switch_project(window, missing)
    assert "no project" in _error_text(qtbot)
    assert not missing.parent.exists()  # nothing created
    assert (window.store.path, window.current_document, window.windowTitle()) == before
    assert window.store.documents.list()  # still open and usable
    assert [p.name for p in recent_projects()] == ["project.sqlite"]


def test_a_damaged_project_offers_its_backup_and_otherwise_changes_nothing(
    open_window, tmp_path: Path, qtbot
) -> None:  # type: ignore[no-untyped-def]
    window: MainWindow = open_window([SAMPLE])
    damaged = tmp_path / "damaged.sqlite"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\xff" * 8000)
    seen: list[str] = []

    def close_box() -> None:
        box = find_top_level(QMessageBox)
        if box is None:
            QTimer.singleShot(20, close_box)
            return
        seen.append(box.text())
        box.accept()

    QTimer.singleShot(0, close_box)
    assert not projects.switch_project(window, damaged)
    assert "damaged" in seen[0] and "no backup" in seen[0]
    assert window.store.path.name == "project.sqlite" and window.current_document is not None


def test_new_project_refuses_a_file_that_is_not_a_project_and_opens_one_that_is(
    open_window, db_path: Path, tmp_path: Path, qtbot
) -> None:  # type: ignore[no-untyped-def]
    window: MainWindow = open_window([SAMPLE])
    doc = window.current_document
    taken = tmp_path / "taken.sqlite"
    taken.write_text("someone's file", encoding="utf-8")
    _choose(window, "new_project", "newProjectDialog", taken)
    assert "not an Annotator project" in _error_text(qtbot)
    assert taken.read_text(encoding="utf-8") == "someone's file"
    assert window.store.path == db_path
    elsewhere = tmp_path / "elsewhere.sqlite"
    Store.open(elsewhere).close()
    projects.new_project(window, elsewhere)
    assert window.store.path == elsewhere
    projects.new_project(window, db_path)  # an existing project: opened as it is
    assert window.store.path == db_path and window.current_document == doc
    wait_for_jobs()


def test_missing_recent_projects_are_shown_disabled_and_clear_empties_the_list(
    open_window, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    gone = tmp_path / "gone.sqlite"
    Store.open(gone).close()
    window: MainWindow = open_window([SAMPLE])
    projects.switch_project(window, gone)
    projects.switch_project(window, window.store.path.with_name("project.sqlite"))
    gone.unlink()
    entries = _recent_entries(window)
    assert entries[1] == (f"&2 {gone.resolve()} (missing)", False)
    assert entries[0][1] is True
    menu = window.findChild(QMenu, "recentMenu")
    [clear] = [a for a in menu.actions() if a.objectName() == "recentClear"]
    clear.trigger()
    assert recent_projects() == [] and _recent_entries(window) == []
    wait_for_jobs()


def test_switching_waits_for_the_old_projects_background_jobs(
    open_window, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    window: MainWindow = open_window([SAMPLE])
    wait_for_jobs()
    old = window.store.path
    started, finished = threading.Event(), []

    def slow_backup(path: Path) -> None:
        started.set()
        time.sleep(0.5)
        finished.append(path)

    monkeypatch.setattr(project_safety, "daily_backup", slow_backup)
    project_safety.daily(window)
    assert started.wait(5)
    assert projects.switch_project(window, tmp_path / "next.sqlite", create=True)
    assert finished[0] == old  # done before the old project was let go
    wait_for_jobs()
    assert finished[1:] == [tmp_path / "next.sqlite"]  # the new project's own daily backup


def test_import_and_merge_dialogs_start_in_the_projects_folder(
    open_window, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    window: MainWindow = open_window([SAMPLE])
    projects.switch_project(window, tmp_path / "work" / "p.sqlite", create=True)
    asked: list[str] = []

    def files(_parent, _caption, directory, *_rest):  # type: ignore[no-untyped-def]
        asked.append(directory)
        return [], ""

    def folder(_parent, _caption, directory, *_rest):  # type: ignore[no-untyped-def]
        asked.append(directory)
        return ""

    def one(_parent, _caption, directory, *_rest):  # type: ignore[no-untyped-def]
        asked.append(directory)
        return "", ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", files)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", folder)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", one)
    for action in ("import_files", "import_folder", "merge"):
        window.actions_by_id[action].trigger()
    assert asked == [str(tmp_path / "work")] * 3
    wait_for_jobs()


# -- 3. `make run`: the sample again does not move the analyst ---------------------------------


def test_make_run_reopens_where_the_analyst_was_and_opens_what_is_new(
    open_window, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    window, second = _two_documents(open_window, tmp_path)  # as after `make run` and reading on
    window.close()
    window.store.close()
    again: MainWindow = open_window([SAMPLE])  # `make run` again: the sample is already there
    assert again.current_document == second
    assert again.view.top_position() == POSITION
    assert "Already in the project" in again.statusBar().currentMessage()
    again.close()
    again.store.close()
    new = tmp_path / "new.txt"
    new.write_text("A new article\nWith a second paragraph.", encoding="utf-8")
    third: MainWindow = open_window([new])
    assert third.title_label.text() == "A new article"


def test_the_sample_opens_when_nothing_is_remembered(open_window) -> None:  # type: ignore[no-untyped-def]
    window: MainWindow = open_window([SAMPLE])
    sample = window.current_document
    window.close()
    window.store.close()
    from annotator.gui.window import settings as app_settings

    app_settings.settings().clear()
    again: MainWindow = open_window([SAMPLE])
    assert again.current_document == sample


# -- 4. drag and drop ---------------------------------------------------------------------------


def _drop(target, mime: QMimeData) -> tuple[bool, bool]:  # type: ignore[no-untyped-def]
    """Drag `mime` over `target` and drop it: (enter accepted, drop accepted)."""
    actions = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction
    enter = QDragEnterEvent(
        QPoint(20, 20), actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(target, enter)
    drop = QDropEvent(
        QPointF(20, 20), actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(target, drop)
    return enter.isAccepted(), drop.isAccepted()


def test_dropped_article_files_and_folders_are_imported(open_window, tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    window: MainWindow = open_window()
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "one.txt").write_text("First dropped\nBody one.", encoding="utf-8")
    (folder / "two.md").write_text("Second dropped\n\nBody two.", encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(SAMPLE)), QUrl.fromLocalFile(str(folder))])
    assert _drop(window, mime) == (True, True)
    qtbot.waitUntil(lambda: window.documents.model.rowCount() == 3)
    assert window.current_document is not None  # the first new one is open
    # Dropped on the text itself (a widget that takes drops of its own) all the same.
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(RU))])
    assert _drop(window.view.viewport(), mime) == (True, True)
    qtbot.waitUntil(lambda: window.documents.model.rowCount() == 4)


def test_drops_that_are_not_files_are_ignored(open_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window: MainWindow = open_window()
    text = QMimeData()
    text.setText(str(SAMPLE))
    web = QMimeData()
    web.setUrls([QUrl("https://example.org/article.html")])
    for mime in (text, web):
        assert _drop(window, mime) == (False, False)
    qtbot.wait(50)
    assert window.documents.model.rowCount() == 0
    # Text dropped on a filter box still lands there.
    edit = window.documents.filter_edit
    assert edit.acceptDrops()


def test_a_drop_while_a_dialog_is_open_is_refused(open_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window: MainWindow = open_window()
    box = QMessageBox(QMessageBox.Icon.Information, "Busy", "An import is under way", parent=window)
    box.open()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is box)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(SAMPLE))])
    assert _drop(window, mime) == (False, False)
    box.close()
    qtbot.wait(50)
    assert window.documents.model.rowCount() == 0


# -- 5. F5 ---------------------------------------------------------------------------------------


def test_f5_says_refreshed_only_when_something_changed_elsewhere(
    open_window, db_path: Path
) -> None:  # type: ignore[no-untyped-def]
    window: MainWindow = open_window([SAMPLE])
    refresh: Callable[[], None] = window.actions_by_id["refresh"].trigger
    refresh()
    assert window.statusBar().currentMessage() == "Nothing changed elsewhere."
    with Store.open(db_path) as elsewhere:  # the command line, or a second window
        elsewhere.ensure_analyst("Ben")
    refresh()
    assert window.statusBar().currentMessage() == "Refreshed: showing changes made elsewhere."
    refresh()
    assert window.statusBar().currentMessage() == "Nothing changed elsewhere."


def test_a_project_damaged_inside_offers_its_backup_instead_of_failing_silently(
    open_window, tmp_path: Path, qtbot
) -> None:  # type: ignore[no-untyped-def]
    """A real project with pages 2 and 3 overwritten (SQLite reads its header fine) is named
    as damaged, with its newest good backup offered, not a traceback on stderr."""
    import random

    from annotator.core.ingest import import_paths
    from annotator.core.safety import make_backup

    window: MainWindow = open_window([SAMPLE])
    damaged = tmp_path / "theirs.sqlite"
    with Store.open(damaged) as store:
        import_paths(store, [SAMPLE], analyst_id=store.ensure_analyst("Bo").id)
        make_backup(store, reason="manual")
    with sqlite3.connect(damaged) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(damaged.read_bytes())
    data[4096:12288] = random.Random(3).randbytes(8192)
    damaged.write_bytes(bytes(data))
    seen: list[str] = []

    def decline() -> None:
        box = find_top_level(QMessageBox, "restoreOffer")
        if box is None:
            QTimer.singleShot(20, decline)
            return
        seen.append(box.text())
        box.reject()

    QTimer.singleShot(0, decline)
    assert not projects.switch_project(window, damaged)
    assert seen and "damaged" in seen[0] and "Restore the newest good backup" in seen[0]
    assert window.store.path.name == "project.sqlite" and window.current_document is not None
    assert damaged.read_bytes() == bytes(data)  # declined: left as it was


def test_file_dialogs_start_at_home_for_the_default_project_else_beside_the_project(
    open_window, qtbot, monkeypatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from annotator.core import paths
    from annotator.gui.window import projects as window_projects

    window: MainWindow = open_window([SAMPLE])
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: home))
    assert window_projects.folder(window) == str(window.store.path.parent)  # a chosen project
    monkeypatch.setattr(
        window_projects, "default_db_path", lambda: window.store.path
    )  # as if it were the default one, in the hidden data folder
    assert window_projects.folder(window) == str(home)
    assert paths.default_db_path() != window.store.path  # only the view was patched
