"""The window's side of syncing with a team hub: File ▸ Sync with team hub, the Sync button and
the status ("Synced 2 min ago · 3 changes to send") in the status bar, a sync every few
minutes, and colleagues' changes arriving live.

Every sync runs in a worker thread on its own connection to the project (`own_store`) and its
own connections to the hub; the window re-reads what changed once it is done. Live arrival: a
listener thread waits on the hub's ``annotator_hub`` channel (its triggers notify on every
write) and asks for a sync soon after a colleague's change. The password is asked when
libpq finds none in PGPASSWORD or ~/.pgpass and kept only in memory while the window is open;
a password the hub refuses is forgotten (and, on a click, asked again).

The status line says when the last sync failed (with why, in full in its tooltip) until one
succeeds, and how many changes wait to be sent (why, in the tooltip).
"""

from __future__ import annotations

import textwrap
import threading
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QToolButton

from annotator.core.errors import AnnotatorError
from annotator.core.hub.sync import SyncReport, SyncStatus, status, sync
from annotator.gui.background import BackgroundJob, JobProgress, own_store
from annotator.gui.reading.plain_text import plain_label, tooltip_text
from annotator.gui.window import projects

if TYPE_CHECKING:
    from annotator.gui.window.main_window import MainWindow

#: A sync every few minutes while the window is open (milliseconds).
SYNC_EVERY_MS = 5 * 60 * 1000
#: The status line is brought up to date this often (milliseconds).
STATUS_EVERY_MS = 30 * 1000
#: A colleague's change notified: synced this long after the last notice (milliseconds).
LIVE_DELAY_MS = 2000
#: The listener checks whether to stop this often (seconds).
LISTEN_POLL_S = 1.0
#: The failure's reason in the status line is cut to this many characters (all in the tooltip).
REASON_CHARS = 60
#: The tooltip lists this many of the changes that wait.
WAITING_SHOWN = 10

_WHAT = {
    "annotations": "annotation",
    "links": "link",
    "comments": "comment",
    "review_decisions": "review decision",
    "documents": "document",
    "labels": "label",
    "finished_documents": "finished mark",
    "talking_points": "talking point",
    "talking_point_claims": "claim in a talking point",
}


def describe(
    now: SyncStatus, at: datetime | None = None, *, error: str | None = None, waiting: int = 0
) -> str:
    """The status bar's words for `now`; `error` is why the last sync failed (shown cut short),
    `waiting` how many of the changes to send the hub could not take yet."""
    if now.url is None and not error:
        return "Not synced with a team hub"
    parts = []
    if error:
        parts.append(f"Last sync failed: {_short(error)}")
    elif now.last_error:
        parts.append("Last sync failed")
    elif now.synced_at is None:
        parts.append("Not synced yet")
    else:
        parts.append(f"Synced {_ago(now.synced_at, at or datetime.now(UTC))}")
    to_send = max(now.to_send - waiting, 0)
    if to_send:
        parts.append(f"{to_send} change{'s' if to_send != 1 else ''} to send")
    if waiting:
        parts.append(f"{waiting} change{'s wait' if waiting != 1 else ' waits'}")
    return " · ".join(parts)


def waiting_text(waiting: list[tuple[str, str, str]]) -> str:
    """Why changes wait to be sent (the first few), as plain text."""
    lines = [f"{len(waiting)} of your changes wait to be sent:"]
    lines += [f"• {entity} {ident[:8]}: {why}" for entity, ident, why in waiting[:WAITING_SHOWN]]
    if len(waiting) > WAITING_SHOWN:
        lines.append(f"… and {len(waiting) - WAITING_SHOWN} more (annotator sync lists them)")
    return "\n".join(lines)


def _wrapped(text: str) -> str:
    """Lines a tooltip can show (its plain text keeps every space: no breaks of its own)."""
    return "\n".join(textwrap.fill(line, 90) for line in text.splitlines())


def _short(error: str) -> str:
    line = " ".join(error.split())
    return line if len(line) <= REASON_CHARS else line[: REASON_CHARS - 1].rstrip() + "…"


def _ago(stamp: str, now: datetime) -> str:
    try:
        then = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    minutes = int((now - then).total_seconds() // 60)
    if minutes < 1:
        return "just now"
    if minutes < 60:
        return f"{minutes} min ago"
    if minutes < 24 * 60:
        return f"{minutes // 60} h ago"
    return f"on {then:%Y-%m-%d}"


class SyncController(QObject):
    """Owns the status label, the Sync button, the timers, the running sync and the listener."""

    #: A change was notified, with its table (emitted from the listener thread; queued).
    _notified = Signal(str)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.label = plain_label("")
        self.label.setObjectName("statusSync")
        self.button = QToolButton(window)
        self.button.setObjectName("syncButton")
        self.button.setText("Sync")
        self.button.setToolTip("Sync with the team hub: send your changes, receive the team's")
        self.button.clicked.connect(lambda: self.sync_now())
        bar = window.statusBar()
        bar.addPermanentWidget(self.label)
        bar.addPermanentWidget(self.button)
        self.job: BackgroundJob[SyncReport] | None = None
        self.last_report: SyncReport | None = None
        self.last_error: str | None = None
        self._password: str | None = None
        self._listener: _Listener | None = None
        self._status_timer = QTimer(self)
        self._status_timer.timeout.connect(self.update_status)
        self._status_timer.start(STATUS_EVERY_MS)
        self._sync_timer = QTimer(self)
        self._sync_timer.timeout.connect(lambda: self.sync_now(quiet=True))
        self._sync_timer.start(SYNC_EVERY_MS)
        self._live = QTimer(self)
        self._live.setSingleShot(True)
        self._live.timeout.connect(lambda: self.sync_now(quiet=True))
        self._notified.connect(self._on_notified, Qt.ConnectionType.QueuedConnection)
        window.destroyed.connect(self.stop)
        self.update_status()

    # -- the status -------------------------------------------------------------------------

    def update_status(self) -> None:
        if self.window.closed:
            return
        try:
            now = status(self.window.store)
        except AnnotatorError:
            return
        error = self.last_error or now.last_error
        waiting = self.last_report.waiting if self.last_report and not error else []
        text = describe(now, error=error, waiting=len(waiting))
        self.label.setText("Syncing…" if self.running else text)
        tip = error or (waiting_text(waiting) if waiting else now.url or "")
        self.label.setToolTip(tooltip_text(_wrapped(tip)) if tip else "")
        if now.url is not None:
            self._listen(now.url)

    @property
    def running(self) -> bool:
        return self.job is not None and not self.job.done

    # -- syncing ----------------------------------------------------------------------------

    def sync_now(self, *, quiet: bool = False, url: str | None = None) -> bool:
        """Start a sync in the background (False: none started). The first one asks for the
        hub's address (unless given as `url`); `quiet` (the timer, a colleague's notice) never
        asks anything."""
        if self.running or self.window.closed:
            return False
        url = url or status(self.window.store).url
        if url is None:
            if quiet:
                return False
            url = self._ask_address()
            if not url:
                return False
        path = self.window.store.path
        analyst = self.window.analyst.name
        password = self._password

        def work(progress: JobProgress) -> SyncReport:
            with own_store(path) as store:
                return sync(
                    store,
                    url,
                    analyst,
                    password_prompt=(lambda: password) if password else None,
                    progress=lambda text: progress(0, 0, text),
                )

        self.job = BackgroundJob(work, name="sync")
        self.job.finished.connect(
            lambda job=self.job, q=quiet, u=url, p=password: self._finished(job, q, u, p)
        )
        self.label.setText("Syncing…")
        self.button.setEnabled(False)
        self.job.start()
        return True

    def _finished(
        self, job: BackgroundJob[SyncReport], quiet: bool, url: str, password: str | None
    ) -> None:
        self.button.setEnabled(True)
        try:
            report = job.result()
        except AnnotatorError as exc:
            self.last_error = str(exc)
            # A typed password the hub refused is forgotten (libpq's own is not ours to ask).
            refused = password is not None and "password authentication failed" in str(exc)
            if refused and self._password == password:
                self._password = None
            self.update_status()
            wants = refused or "no password supplied" in str(exc)
            if wants and not quiet and self._ask_password(refused=refused):
                self.sync_now(url=url)
                return
            if not quiet:
                _message(self.window, "Sync with team hub", str(exc), warning=True)
            else:
                self.window.statusBar().showMessage(f"Sync failed: {exc}", 8000)
            return
        self.last_error = None
        self.last_report = report
        if not self.window.closed:
            self.window.refresh()
            if report.received and self.window.current_document is None:
                projects.reopen(self.window)  # a clone's first documents: the first one open
        self.update_status()
        said = f"Synced: sent {report.sent}, received {report.received} changes."
        if report.waiting:
            said += f" {len(report.waiting)} wait to be sent: point at the sync status for why."
        self.window.statusBar().showMessage(said, 6000)
        if report.held and not quiet:
            _message(
                self.window,
                "Names from the team hub",
                f"{len(report.held)} names from the hub could not be used here, because this "
                "project gives them to something else; each keeps its name here meanwhile:\n\n"
                + "\n".join(f"• {held.why}" for held in report.held[:30]),
                warning=False,
                name="syncHeldNames",
            )
        if report.conflicts:
            lines = [
                f"• {_WHAT.get(c.table, c.table)} “{c.what}” (the hub's version, by {c.hub_owner})"
                for c in report.conflicts[:30]
            ]
            _message(
                self.window,
                "Edited on both sides",
                f"{len(report.conflicts)} of your edits were also changed on the hub. The hub's "
                "version is kept; yours is in the project's history (and the hub's):\n\n"
                + "\n".join(lines),
                warning=False,
                name="syncConflicts",
            )

    def _ask_address(self) -> str:
        url, ok = QInputDialog.getText(
            self.window,
            "Sync with team hub",
            "The hub's address (from your team's admin), e.g.\n"
            "postgresql://anna@hub.example.org/annotator?sslmode=require",
        )
        return url.strip() if ok else ""

    def _ask_password(self, *, refused: bool = False) -> bool:
        why = "The hub refused that password. " if refused else ""
        password, ok = QInputDialog.getText(
            self.window,
            "Sync with team hub",
            f"{why}Your password for the team hub (kept only while this window is open):",
            QLineEdit.EchoMode.Password,
        )
        if ok and password:
            self._password = password
            return True
        return False

    # -- live arrival -----------------------------------------------------------------------

    def _listen(self, url: str) -> None:
        if self._listener is not None and self._listener.url == url and self._listener.alive:
            return  # (one that could not reach the hub is started again here)
        if self._listener is not None:
            self._listener.stop()
        self._listener = _Listener(url, self._password, self._notified.emit)
        self._listener.start()

    def _on_notified(self, _table: str) -> None:
        if not self.running:  # our own sync's writes notify too: those are no news
            self._live.start(LIVE_DELAY_MS)

    def stop(self, *_args: Any) -> None:
        self._status_timer.stop()
        self._sync_timer.stop()
        self._live.stop()
        if self._listener is not None:
            self._listener.stop()
            self._listener = None


class _Listener:
    """LISTEN on the hub's channel in a daemon thread; every notice calls `notify` (from that
    thread). Gives up quietly when the hub cannot be reached: the timer still syncs."""

    def __init__(self, url: str, password: str | None, notify: Any) -> None:
        self.url = url
        self._password = password
        self._notify = notify
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="hub-listener", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        from annotator.core.hub.sync_live import listen

        try:
            listen(
                self.url,
                self._notify,
                stop=self._stop.is_set,
                password=self._password,
                poll=LISTEN_POLL_S,
            )
        except Exception:  # noqa: BLE001 (a listener that cannot listen just ends)
            return


def _message(window: MainWindow, title: str, text: str, *, warning: bool, name: str = "") -> None:
    box = QMessageBox(
        QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information,
        title,
        text,
        QMessageBox.StandardButton.Ok,
        window,
    )
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setObjectName(name or "syncMessage")
    box.open()
