"""The window's sync, from a user test of the team hub: a refused password is forgotten and
asked again; the status line says the last sync failed (and why) until one succeeds; changes
the hub cannot take yet are counted and explained; a clone's first document opens by itself."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

pytest.importorskip("psycopg", reason="the team hub tests need psycopg: pip install -e '.[team]'")

import test_sync_gui  # noqa: E402
from PySide6.QtCore import Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QInputDialog  # noqa: E402
from pytestqt.qtbot import QtBot  # noqa: E402
from test_sync_gui import PASSWORD, add_tagged  # noqa: E402

from annotator.core.codebook import LabelDraft  # noqa: E402
from annotator.core.hub.sync import SyncStatus, status, sync  # noqa: E402
from annotator.core.records import DocumentId  # noqa: E402
from annotator.core.session import Session  # noqa: E402
from annotator.core.store import Store  # noqa: E402
from annotator.gui.window import sync_status  # noqa: E402
from annotator.gui.window.main_window import MainWindow  # noqa: E402

server = test_sync_gui.server  # the hub's fixtures: a PostgreSQL server, a fresh hub on it
hub = test_sync_gui.hub
CANCEL = None


def answer(replies: list[str | None], asked: list[str]) -> None:
    """Answer the next input dialogs in turn: type each reply and press OK (None: Cancel).
    Each dialog's question is added to `asked`."""

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QInputDialog) or not dialog.isVisible():
            QTimer.singleShot(50, fill)
            return
        asked.append(dialog.labelText())
        reply = replies.pop(0)
        if reply is None:
            dialog.reject()
        else:
            dialog.setTextValue(reply)
            dialog.accept()
        if replies:
            QTimer.singleShot(50, fill)

    QTimer.singleShot(50, fill)


@pytest.fixture
def no_password(hub: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """The hub's address with neither PGPASSWORD nor a password file: the window asks."""
    monkeypatch.delenv("PGPASSWORD")
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))
    return hub


def click_sync(window: MainWindow, qtbot: QtBot) -> None:
    qtbot.mouseClick(window.sync.button, Qt.MouseButton.LeftButton)


def wait_done(window: MainWindow, qtbot: QtBot) -> None:
    qtbot.waitUntil(
        lambda: window.sync.button.isEnabled() and not window.sync.running, timeout=30000
    )


def test_a_refused_password_is_forgotten_and_asked_again(
    open_window: Callable[..., MainWindow],
    qtbot: QtBot,
    no_password: str,
) -> None:
    window = open_window(analyst="Anna")
    asked: list[str] = []
    answer([no_password.format(login="anna"), "wrong", PASSWORD], asked)
    window.actions_by_id["sync"].trigger()
    qtbot.waitUntil(lambda: window.sync.last_report is not None, timeout=30000)
    assert len(asked) == 3
    assert asked[2].startswith("The hub refused that password.")
    assert window.sync.last_error is None
    assert window.sync.label.text() == "Synced just now"


def test_cancel_stops_and_the_next_click_asks_again(
    open_window: Callable[..., MainWindow],
    qtbot: QtBot,
    no_password: str,
) -> None:
    window = open_window(analyst="Anna")
    sync(window.store, no_password.format(login="anna"), "Anna", password_prompt=lambda: PASSWORD)
    window.sync.update_status()
    asked: list[str] = []
    answer(["wrong", CANCEL], asked)
    click_sync(window, qtbot)
    qtbot.waitUntil(lambda: len(asked) == 2, timeout=30000)
    wait_done(window, qtbot)
    assert window.sync._password is None
    assert "password authentication failed" in (window.sync.last_error or "")
    assert window.sync.label.text().startswith("Last sync failed: Could not connect")
    # The wrong password does not stick: the next click asks, and the right one syncs.
    answer([PASSWORD], asked)
    click_sync(window, qtbot)
    qtbot.waitUntil(lambda: window.sync.last_report is not None, timeout=30000)
    assert len(asked) == 3
    assert window.sync.label.text() == "Synced just now"


def test_a_failed_quiet_sync_shows_in_the_status(
    open_window: Callable[..., MainWindow],
    qtbot: QtBot,
    hub: str,
    tmp_path: Path,
) -> None:
    window = open_window(analyst="Anna")
    sync(window.store, hub.format(login="anna"), "Anna")
    doc = add_document(window)
    window.session.create_annotation(
        document_id=doc, label_id=window.store.codebook.get().by_name("Claim").id, start=0, end=5
    )
    window.sync.update_status()
    assert window.sync.label.text() == "Synced just now · 2 changes to send"
    # The hub's server is not there any more (a login it does not know fails the same way).
    with window.store.transaction():
        window.store.conn.execute("UPDATE hub_sync SET url = replace(url, 'anna@', 'nobody@')")
    assert window.sync.sync_now(quiet=True)
    wait_done(window, qtbot)
    assert window.sync.last_error is not None
    text = window.sync.label.text()
    assert text.startswith("Last sync failed: Could not connect to the hub")
    assert text.endswith(" · 2 changes to send")
    assert " ".join(window.sync.last_error.split()[:8]) in tip_words(window)
    window.sync.update_status()  # the status timer: the failure stays said
    assert window.sync.label.text() == text


def test_the_window_knows_a_failure_the_project_does_not(
    open_window: Callable[..., MainWindow],
) -> None:
    window = open_window(analyst="Anna")
    window.sync.last_error = 'Could not connect to the hub at postgresql://x/db: <b>"refused"</b>'
    window.sync.update_status()
    assert window.sync.label.text() == (
        'Last sync failed: Could not connect to the hub at postgresql://x/db: <b>"refu…'
    )
    assert "&lt;b&gt;" in window.sync.label.toolTip()  # the tooltip shows it as plain text


def test_describe_failures_and_waiting() -> None:
    now = SyncStatus("postgresql://h/db", "2026-01-01T11:58:00.000Z", 3, None)
    long = "Could not connect to the hub at postgresql://anna@h/db: connection refused. Check it."
    assert (
        sync_status.describe(now, error="refused")
        == "Last sync failed: refused · 3 changes to send"
    )
    assert sync_status.describe(now, error=long).startswith("Last sync failed: Could not connect")
    assert (
        len(sync_status.describe(now, error=long).split(" · ")[0])
        == len("Last sync failed: ") + sync_status.REASON_CHARS
    )
    nowhere = SyncStatus(None, None, 0, None)
    assert sync_status.describe(nowhere, error="refused") == "Last sync failed: refused"
    assert sync_status.describe(now, waiting=3) == "Synced on 2026-01-01 · 3 changes wait"
    assert sync_status.describe(now, waiting=1) == (
        "Synced on 2026-01-01 · 2 changes to send · 1 change waits"
    )


def test_waiting_changes_are_counted_and_explained(
    open_window: Callable[..., MainWindow],
    qtbot: QtBot,
    hub: str,
    tmp_path: Path,
) -> None:
    sync(Store.open(tmp_path / "rita.db"), hub.format(login="rita"), "Rita")  # the codebook
    window = open_window(analyst="Anna")
    sync(window.store, hub.format(login="anna"), "Anna")
    book = window.store.codebook.get()
    new = LabelDraft(None, "<i>Evasion</i>", None, "", "#123456", "")
    drafts = [LabelDraft.of(label) for label in book.labels] + [new]
    window.store.codebook.save(drafts, list(book.sentiments), analyst_id=None)
    doc = add_document(window)
    label = window.store.codebook.get().by_name("<i>Evasion</i>").id
    Session(window.store, window.analyst).create_annotation(
        document_id=doc, label_id=label, start=0, end=5
    )
    click_sync(window, qtbot)
    qtbot.waitUntil(lambda: window.sync.last_report is not None, timeout=30000)
    report = window.sync.last_report
    assert report is not None and report.waiting
    waits = len(report.waiting)
    assert window.sync.label.text().endswith(
        f" · {waits} change{'s wait' if waits != 1 else ' waits'}"
    )
    tip = tip_words(window)
    assert "not in the team's codebook yet" in tip
    assert "&lt;i&gt;Evasion&lt;/i&gt;" in tip  # the label's name as typed, never as HTML
    assert f"{waits} of your changes wait to be sent" in tip


def test_a_clone_opens_its_first_document(
    open_window: Callable[..., MainWindow],
    qtbot: QtBot,
    hub: str,
    tmp_path: Path,
) -> None:
    sync(Store.open(tmp_path / "rita.db"), hub.format(login="rita"), "Rita")
    ben = Store.open(tmp_path / "ben.db")
    add_tagged(ben, "Ben", "firmly opposes")
    sync(ben, hub.format(login="ben"), "Ben")
    ben.close()
    window = open_window(analyst="Anna")
    assert window.current_document is None
    answer([hub.format(login="anna")], [])
    window.actions_by_id["sync"].trigger()
    qtbot.waitUntil(lambda: window.sync.last_report is not None, timeout=30000)
    doc = window.store.documents.list()[0]
    assert window.current_document == doc.id
    assert window.title_label.text() == doc.title
    assert "firmly opposes" in window.view.toPlainText()
    assert status(window.store).url is not None


def tip_words(window: MainWindow) -> str:
    """The status tooltip's words (its non-breaking spaces and line breaks as spaces)."""
    return " ".join(window.sync.label.toolTip().replace("<br>", " ").split())


def add_document(window: MainWindow) -> DocumentId:
    from annotator.core.importing import ExtractedDocument, ImportReport

    report = ImportReport("b.txt", "text", "utf-8", False, [], [])
    summary, _ = window.store.documents.add(
        ExtractedDocument(Path("b.txt"), "Speech", "Words said on Monday.", None, report),
        analyst_id=None,
    )
    window.reload_documents()
    return DocumentId(summary.id)
