"""Long jobs (imports, exports, merges, backups, checks) in a worker thread, the window live.

A job is a plain function of the core, `work(progress) -> result`, run in a Python thread.
It reports through `progress(done, total, text)`, whose False answer asks it to stop (the core
functions decide what stopping leaves behind). Its result, or its error as the plain message of
an `AnnotatorError`, comes back to the GUI thread through a queued Qt signal.

SQLite connections never cross threads: a job opens its own `Store` on the project file (see
`own_store`), and the window re-reads what changed once the job is done.

`run_with_progress` is the usual way in: it shows a window-modal progress dialog with Cancel,
turns away input to the window while the job runs (the window still repaints, resizes and runs
its timers) and returns the job's result like an ordinary call, or raises its error.
"""

from __future__ import annotations

import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.core.store import Store
from annotator.gui.reading.plain_text import plain_label

T = TypeVar("T")

#: Progress reports are passed to the GUI thread at most this often (seconds).
REPORT_INTERVAL = 0.05
#: A job that ends sooner than this never shows its dialog (milliseconds).
DIALOG_DELAY_MS = 300


class JobProgress:
    """What a job reports through: `progress(done, total, text)` → False once cancelled."""

    def __init__(self, report: Callable[[int, int, str], None]) -> None:
        self._report = report
        self._cancel = threading.Event()
        self._last = 0.0

    def __call__(self, done: int, total: int, text: str = "") -> bool:
        """Report, and learn whether to go on. Reports are passed on at most every
        REPORT_INTERVAL, except the last step and a new stage (`total` 0: length unknown)."""
        now = time.monotonic()
        stage = total == 0 and bool(text)
        if stage or 0 < total <= done or now - self._last >= REPORT_INTERVAL:
            self._last = now
            self._report(done, total, text)
        return not self._cancel.is_set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()


@contextmanager
def own_store(path: Path) -> Iterator[Store]:
    """The job's own connection to the project (the window's may not be used in a thread)."""
    store = Store.open(path, create=False)
    try:
        yield store
    finally:
        store.close()


def failure_message(exc: BaseException) -> str:
    """What the analyst reads when a job fails: the core's own message, else a plain one."""
    if isinstance(exc, AnnotatorError):
        return str(exc)
    # Not one of ours: a bug. The details go to stderr for a report, the window gets one line.
    traceback.print_exception(exc, file=sys.stderr)
    return f"Something went wrong that Annotator did not expect ({type(exc).__name__}: {exc})."


class BackgroundJob(QObject, Generic[T]):
    """One run of `work` in a worker thread; signals arrive in the GUI thread.

    `progressed(done, total, text)` while it runs; `finished()` once, after which `result()`
    returns its value or raises its error: the job's own `AnnotatorError` (so callers can tell
    a cancel from a failure), or `JobFailed` with a plain message for anything unexpected.
    """

    progressed = Signal(int, int, str)
    finished = Signal()
    # The worker emits these; queued, so the public signals above fire in the GUI thread.
    _reported = Signal(int, int, str)
    _done = Signal()

    def __init__(self, work: Callable[[JobProgress], T], *, name: str = "job") -> None:
        super().__init__()
        self._work = work
        self._name = name
        self.progress = JobProgress(self._reported.emit)
        self._value: T | None = None
        self._failure: AnnotatorError | None = None
        self._state = "new"  # → running → done
        self._reported.connect(self.progressed.emit, Qt.ConnectionType.QueuedConnection)
        self._done.connect(self._on_done, Qt.ConnectionType.QueuedConnection)

    def start(self) -> None:
        if self._state != "new":
            raise RuntimeError("a BackgroundJob runs once")
        self._state = "running"
        _running.add(self)  # kept alive until it has reported, whoever holds it
        # Not a daemon: a backup or export under way when the app quits is finished, not cut.
        threading.Thread(target=self._run, name=self._name).start()

    def _run(self) -> None:
        try:
            self._value = self._work(self.progress)
        except AnnotatorError as exc:  # re-raised as it is in the GUI thread
            self._failure = exc
        except BaseException as exc:  # every failure becomes a message, never a traceback
            self._failure = JobFailed(failure_message(exc))
        self._done.emit()

    def _on_done(self) -> None:
        self._state = "done"
        _running.discard(self)
        self.finished.emit()

    def cancel(self) -> None:
        """Ask the job to stop at its next progress report."""
        self.progress.cancel()

    @property
    def done(self) -> bool:
        return self._state == "done"

    @property
    def cancelled(self) -> bool:
        return self.progress.cancelled

    @property
    def error(self) -> str | None:
        """The failure's message, or None."""
        return None if self._failure is None else str(self._failure)

    def result(self) -> T:
        """The job's value; its `AnnotatorError` (or `JobFailed` for anything else) raised."""
        if self._state != "done":
            raise RuntimeError("the job has not finished")
        if self._failure is not None:
            raise self._failure
        return self._value  # type: ignore[return-value]


class JobFailed(AnnotatorError):
    """A background job failed; the message says what happened (never a traceback)."""


_running: set[BackgroundJob[Any]] = set()


def wait_for_jobs(timeout: float = 30.0) -> None:
    """Run the event loop until every started job has reported (tests, benchmarks)."""
    deadline = time.monotonic() + timeout
    while _running and time.monotonic() < deadline:
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


# -- the progress dialog ------------------------------------------------------------------------


class ProgressDialog(QDialog):
    """Title, a plain-text line (file names are shown, never interpreted), a bar, Cancel."""

    def __init__(self, parent: QWidget | None, title: str, *, cancellable: bool) -> None:
        super().__init__(parent)
        self.setObjectName("progressDialog")
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(420)
        self.label: QLabel = plain_label(f"{title}…")
        self.label.setObjectName("progressText")
        self.label.setWordWrap(True)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 0)  # busy until the job says how far it is
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("progressCancel")
        self.cancel_button.setVisible(cancellable)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignRight)
        self.cancelling = False
        self.finished_ = False

    def show_progress(self, done: int, total: int, text: str) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
        elif text:
            self.bar.setRange(0, 0)  # a stage of unknown length: busy
        if text and not self.cancelling:
            self.label.setText(text)

    def show_cancelling(self) -> None:
        self.cancelling = True
        self.cancel_button.setEnabled(False)
        self.label.setText("Cancelling…")

    def reject(self) -> None:
        # Escape and the close button ask the job to stop; the dialog goes when it has.
        if self.finished_:
            super().reject()
        elif self.cancel_button.isVisible() and self.cancel_button.isEnabled():
            self.cancel_button.click()


class _InputGuard(QObject):
    """Turns away keys and clicks meant for `window` until the modal dialog takes over."""

    BLOCKED = frozenset(
        {
            QEvent.Type.KeyPress,
            QEvent.Type.KeyRelease,
            QEvent.Type.ShortcutOverride,
            QEvent.Type.Shortcut,
            QEvent.Type.MouseButtonPress,
            QEvent.Type.MouseButtonRelease,
            QEvent.Type.MouseButtonDblClick,
            QEvent.Type.Wheel,
            QEvent.Type.Close,
        }
    )

    def __init__(self, window: QWidget, dialog: QWidget) -> None:
        # No Qt parent: Python owns it (as a child of the dialog, deleting the dialog later
        # crashed PySide once the filter had been installed on the application).
        super().__init__()
        self._window = window
        self._dialog = dialog

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() not in self.BLOCKED or not isinstance(watched, QWidget):
            return False
        if watched.window() is self._dialog:
            return False
        if watched.window() is not self._window:
            return False
        if event.type() == QEvent.Type.ShortcutOverride:
            event.accept()  # "the widget takes this key": no shortcut fires, the key is dropped
        return True


def run_with_progress(
    parent: QWidget | None,
    title: str,
    work: Callable[[JobProgress], T],
    *,
    cancellable: bool = True,
) -> T:
    """Run `work` in a worker thread behind a progress dialog; return its result.

    Waits in a local event loop, as a modal dialog does, so the window keeps painting while
    the job runs; input to it is turned away. Raises the job's `AnnotatorError`.
    """
    job: BackgroundJob[T] = BackgroundJob(work, name=title)
    dialog = ProgressDialog(parent, title, cancellable=cancellable)
    job.progressed.connect(dialog.show_progress)

    def cancel() -> None:
        dialog.show_cancelling()
        job.cancel()

    dialog.cancel_button.clicked.connect(cancel)
    loop = QEventLoop()
    job.finished.connect(loop.quit)
    guard = None
    window = parent.window() if parent is not None else None
    app = QApplication.instance()
    if window is not None and app is not None:
        guard = _InputGuard(window, dialog)
        app.installEventFilter(guard)
    timer = QTimer(dialog)
    timer.setSingleShot(True)
    timer.timeout.connect(dialog.show)
    timer.start(DIALOG_DELAY_MS)
    try:
        job.start()
        if not job.done:
            loop.exec()
    finally:
        timer.stop()
        if guard is not None and app is not None:
            app.removeEventFilter(guard)
        dialog.finished_ = True
        dialog.close()
        dialog.deleteLater()
    return job.result()
