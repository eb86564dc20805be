"""Jobs in a worker thread: results, progress, cancel, errors as messages, the window live.

No test measures time: a job that needs the GUI thread to act (a timer to fire, Cancel to be
clicked) before it can finish proves that the GUI thread kept processing events meanwhile.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from annotator.core.errors import AnnotatorError
from annotator.core.export import ExportCancelled
from annotator.core.ingest import import_paths
from annotator.core.search import pending
from annotator.core.session import Session
from annotator.core.store import Store
from annotator.gui import background
from annotator.gui.background import (
    BackgroundJob,
    JobFailed,
    JobProgress,
    ProgressDialog,
    run_with_progress,
)
from annotator.gui.dialogs.export_dialog import ExportDialog
from annotator.gui.window import project_safety
from annotator.gui.window.import_flow import ReportDialog
from support import SAMPLE, find_top_level

#: A worker waits this long at most for the GUI thread before giving up (and failing).
PATIENCE_S = 20


@pytest.fixture(autouse=True)
def dialog_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(background, "DIALOG_DELAY_MS", 0)


@pytest.fixture
def window(qtbot: Any) -> QWidget:
    widget = QWidget()
    widget.edit = QLineEdit(widget)  # type: ignore[attr-defined]
    QVBoxLayout(widget).addWidget(widget.edit)  # type: ignore[attr-defined]
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def when_dialog_shows(action: Callable[[ProgressDialog], None]) -> None:
    """Run `action` in the GUI thread once the progress dialog is on screen."""

    def poll() -> None:
        dialog = find_top_level(ProgressDialog)
        if dialog is None:
            QTimer.singleShot(10, poll)
        else:
            action(dialog)

    QTimer.singleShot(0, poll)


def test_the_job_runs_in_another_thread_and_its_result_comes_back(window: QWidget) -> None:
    def work(progress: JobProgress) -> int:
        return threading.get_ident()

    assert run_with_progress(window, "Working", work) != threading.get_ident()


def test_progress_reaches_the_dialog_while_the_gui_thread_keeps_running(
    window: QWidget,
) -> None:
    released = threading.Event()
    seen: list[tuple[str, int, int]] = []

    def look(dialog: ProgressDialog) -> None:
        if dialog.label.text() != "Importing b.txt (2 of 4)":
            QTimer.singleShot(10, lambda: look(dialog))
            return
        seen.append((dialog.label.text(), dialog.bar.value(), dialog.bar.maximum()))
        released.set()  # only the GUI thread can let the job finish

    def work(progress: JobProgress) -> str:
        progress(1, 4, "Importing b.txt (2 of 4)")
        if not released.wait(PATIENCE_S):
            raise AnnotatorError("the GUI thread did not run while the job did")
        return "done"

    when_dialog_shows(look)
    assert run_with_progress(window, "Importing", work) == "done"
    assert seen == [("Importing b.txt (2 of 4)", 1, 4)]
    assert find_top_level(ProgressDialog) is None  # closed when the job ended


def test_cancel_asks_the_job_to_stop_and_the_job_decides_what_that_means(
    window: QWidget,
) -> None:
    def work(progress: JobProgress) -> str:
        for _ in range(PATIENCE_S * 100):
            if not progress(0, 10, "Working"):
                return "stopped cleanly"
            threading.Event().wait(0.01)
        return "never cancelled"

    when_dialog_shows(lambda dialog: dialog.cancel_button.click())
    assert run_with_progress(window, "Working", work) == "stopped cleanly"


def test_escape_in_the_dialog_cancels_too(window: QWidget) -> None:
    def work(progress: JobProgress) -> bool:
        for _ in range(PATIENCE_S * 100):
            if progress.cancelled:
                return True
            threading.Event().wait(0.01)
        return False

    when_dialog_shows(lambda dialog: QTest.keyClick(dialog, Qt.Key.Key_Escape))
    assert run_with_progress(window, "Working", work) is True


def test_errors_come_back_as_their_own_messages_never_tracebacks(window: QWidget) -> None:
    class Full(AnnotatorError):
        pass

    def fails(progress: JobProgress) -> None:
        raise Full("The disk is full: nothing was written.")

    with pytest.raises(Full, match="The disk is full"):
        run_with_progress(window, "Working", fails)

    def bug(progress: JobProgress) -> None:
        raise KeyError("surprise")

    with pytest.raises(JobFailed) as caught:
        run_with_progress(window, "Working", bug)
    assert "KeyError" in str(caught.value) and "Traceback" not in str(caught.value)


def test_keys_meant_for_the_window_are_turned_away_while_a_job_runs(window: QWidget) -> None:
    edit: QLineEdit = window.edit  # type: ignore[attr-defined]
    released = threading.Event()

    def type_then_release() -> None:
        QTest.keyClicks(edit, "abc")
        released.set()

    def work(progress: JobProgress) -> None:
        released.wait(PATIENCE_S)

    QTimer.singleShot(0, type_then_release)
    run_with_progress(window, "Working", work)
    assert edit.text() == ""
    QTest.keyClicks(edit, "abc")  # and welcome again afterwards
    assert edit.text() == "abc"


def test_a_job_without_a_dialog_reports_in_the_gui_thread(qtbot: Any) -> None:
    reported: list[tuple[int, int, bool]] = []
    job: BackgroundJob[str] = BackgroundJob(lambda progress: progress(3, 3, "x") and "ok")
    main = threading.get_ident()
    job.progressed.connect(
        lambda done, total, _t: reported.append((done, total, threading.get_ident() == main))
    )
    with qtbot.waitSignal(job.finished):
        job.start()
    assert job.result() == "ok" and reported == [(3, 3, True)]


# -- the jobs of the window ------------------------------------------------------------------


class Ticker(QObject):
    """Lives in the GUI thread: `poke`, emitted from the worker, is handled there."""

    poke = Signal()


def gui_thread_must_tick(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[int]:
    """Wrap `module.name` (run by the worker) so that it first waits for the GUI thread to
    handle an event: which it can only do if it keeps processing events during the job."""
    original = getattr(module, name)
    ticked = threading.Event()
    ticks: list[int] = []
    ticker = Ticker()

    def tick() -> None:
        ticks.append(threading.get_ident())
        ticked.set()

    ticker.poke.connect(tick, Qt.ConnectionType.QueuedConnection)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        ticker.poke.emit()  # queued to the GUI thread's event loop
        if not ticked.wait(PATIENCE_S):
            raise AnnotatorError("the window stopped processing events during the job")
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapped)
    return ticks


def test_a_merge_runs_in_the_background_with_the_window_live(
    open_window, tmp_path: Path, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from annotator.core.merge import project as merge_module

    window = open_window([SAMPLE])
    doc = window.current_document
    theirs_path = tmp_path / "ben.sqlite"
    with Store.open(theirs_path) as theirs:
        import_paths(theirs, [SAMPLE], analyst_id=None)
        ben = Session(theirs, theirs.ensure_analyst("Ben"))
        text = theirs.documents.text(theirs.documents.list()[0].id)
        start = text.index("Wang Yi")
        ben.create_annotation(
            document_id=theirs.documents.list()[0].id,
            label_id=theirs.codebook.get().by_name("Speaker").id,
            start=start,
            end=start + 7,
        )
    ticks = gui_thread_must_tick(monkeypatch, merge_module, "import_annotations")
    project_safety.merge(window, theirs_path)
    assert ticks == [threading.get_ident()]
    assert [a.quote for a in window.store.annotations.for_document(doc)] == ["Wang Yi"]
    assert pending(window.store) == 0  # indexed for search by the job, not by the next search
    qtbot.waitUntil(lambda: window.table.model.rowCount() == 1)
    report = find_top_level(ReportDialog)
    assert report is not None and "1 added" in report.text_view.toPlainText()
    report.close()


def test_a_cancelled_merge_changes_nothing(
    open_window, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    window = open_window([SAMPLE])
    theirs_path = tmp_path / "ben.sqlite"
    with Store.open(theirs_path) as theirs:
        import_paths(theirs, [SAMPLE], analyst_id=None)
        theirs.ensure_analyst("Ben")
    before = list(window.store.conn.iterdump())
    import annotator.core.merge as merge_package

    original = merge_package.merge_project

    def after_cancel(store: Store, other: Path, *, analyst: str, progress: Any) -> Any:
        for _ in range(PATIENCE_S * 100):  # the merge starts once Cancel has been clicked
            if not progress(0, 0, ""):
                break
            threading.Event().wait(0.01)
        return original(store, other, analyst=analyst, progress=progress)

    monkeypatch.setattr(merge_package, "merge_project", after_cancel)
    when_dialog_shows(lambda dialog: dialog.cancel_button.click())
    project_safety.merge(window, theirs_path)
    assert "Merge cancelled" in window.statusBar().currentMessage()
    assert list(window.store.conn.iterdump()) == before


def test_an_export_runs_in_the_background_and_cancel_leaves_the_old_file(
    open_window, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from annotator.gui.dialogs import export_dialog

    window = open_window([SAMPLE])
    out = tmp_path / "annotations.csv"
    dialog = ExportDialog(window.store, window.current_document, window)
    ticks = gui_thread_must_tick(monkeypatch, export_dialog, "export")
    dialog.export_to(out)
    assert ticks == [threading.get_ident()]
    assert out.read_text(encoding="utf-8-sig").startswith("annotation_id,")
    assert dialog.result_ is not None and dialog.error.text() == ""

    out.write_text("an earlier export", encoding="utf-8")
    again = ExportDialog(window.store, window.current_document, window)
    when_dialog_shows(lambda progress: progress.cancel_button.click())
    monkeypatch.setattr(export_dialog, "export", _export_waiting_for_cancel)
    again.export_to(out)
    assert again.result_ is None and "Export cancelled" in again.error.text()
    assert out.read_text(encoding="utf-8") == "an earlier export"


def _export_waiting_for_cancel(*args: Any, progress: Any, **kwargs: Any) -> Any:
    for _ in range(PATIENCE_S * 100):
        if not progress(0, 1):
            raise ExportCancelled("Export cancelled: the previous version is unchanged.")
        threading.Event().wait(0.01)
    raise AnnotatorError("Cancel never arrived")


def test_an_import_in_the_background_can_be_cancelled_leaving_nothing(
    open_window, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from annotator.core import ingest  # the import flow loads it when an import starts

    window = open_window([SAMPLE])
    before = [d.id for d in window.store.documents.list()]
    folder = tmp_path / "batch"
    folder.mkdir()
    for n in range(5):
        (folder / f"{n}.txt").write_text(f"Article {n}\nText number {n}.", encoding="utf-8")
    original = ingest.import_paths

    def slow(store: Store, paths: Any, **kwargs: Any) -> Any:
        outer = kwargs.pop("progress")
        cancelled = threading.Event()

        def progress(index: int, total: int, name: str) -> bool:
            if index == 3:  # three files are in: wait until Cancel is clicked
                holding.set()
                for _ in range(PATIENCE_S * 100):
                    if not outer(index, total, name):
                        cancelled.set()
                        return False
                    threading.Event().wait(0.01)
            return outer(index, total, name)

        return original(store, paths, progress=progress, **kwargs)

    monkeypatch.setattr(ingest, "import_paths", slow)
    holding = threading.Event()

    def cancel_at_the_fourth_file(dialog: ProgressDialog) -> None:
        if not holding.is_set():  # however slow the machine, Cancel comes at the 4th file
            QTimer.singleShot(10, lambda: cancel_at_the_fourth_file(dialog))
            return
        dialog.cancel_button.click()

    when_dialog_shows(cancel_at_the_fourth_file)
    window.import_paths([folder])
    assert [d.id for d in window.store.documents.list()] == before
    assert window.documents.model.rowCount() == len(before)
    assert "cancelled: the 3 document(s) it had added were taken out again" in (
        window.info_bar.message.text()
    )
