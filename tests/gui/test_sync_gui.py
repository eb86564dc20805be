"""The window's sync: File ▸ Sync with team hub asks for the hub's address once, syncs in the
background, says so in the status bar ("Synced just now", "1 change to send"); the Sync button
sends the analyst's new work; a colleague's change arrives by itself (LISTEN/NOTIFY)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

pytest.importorskip("psycopg", reason="the team hub tests need psycopg: pip install -e '.[team]'")

import psycopg  # noqa: E402
from hub_server import PostgresServer, server_binaries  # noqa: E402
from PySide6.QtCore import Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QInputDialog  # noqa: E402

from annotator.core.hub import grant, init_hub  # noqa: E402
from annotator.core.hub.sync import sync  # noqa: E402
from annotator.core.importing import ExtractedDocument, ImportReport  # noqa: E402
from annotator.core.session import Session  # noqa: E402
from annotator.core.store import Store  # noqa: E402
from annotator.gui.window import sync_status  # noqa: E402

PASSWORD = "correct-horse-battery"
TEXT = "China firmly opposes external forces, said Wei Fenghe on Monday."


@pytest.fixture(scope="module")
def server() -> Iterator[PostgresServer]:
    bindir = server_binaries()
    if bindir is None:
        pytest.skip("the hub tests need the PostgreSQL server: apt-get install postgresql")
    running = PostgresServer(bindir)
    try:
        running.start()
        yield running
    finally:
        running.stop()


@pytest.fixture
def hub(server: PostgresServer, monkeypatch: pytest.MonkeyPatch) -> str:
    """The hub's address for the login ``{login}`` (no password: PGPASSWORD gives it)."""
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    with psycopg.connect(server.url(), autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS gui_hub WITH (FORCE)")
        conn.execute("CREATE DATABASE gui_hub")
    with psycopg.connect(server.url("gui_hub"), autocommit=True) as conn:
        init_hub(conn)
        grant(conn, "anna", PASSWORD, False)
        grant(conn, "ben", PASSWORD, False)
        grant(conn, "rita", PASSWORD, True)
    parts = urlsplit(server.url("gui_hub"))
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit((parts.scheme, "{login}@" + host, parts.path, parts.query, ""))


def add_tagged(store: Store, analyst: str, quote: str) -> None:
    report = ImportReport("a.txt", "text", "utf-8", False, [], [])
    summary, _ = store.documents.add(
        ExtractedDocument(Path("a.txt"), "Wei Fenghe", TEXT, None, report), analyst_id=None
    )
    start = TEXT.index(quote)
    Session(store, store.ensure_analyst(analyst)).create_annotation(
        document_id=summary.id,
        label_id=store.codebook.get().by_name("Claim").id,
        start=start,
        end=start + len(quote),
    )


def answer_address(url: str) -> None:
    """Type `url` into the address dialog once it is open, and press OK."""

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QInputDialog):
            QTimer.singleShot(50, fill)
            return
        dialog.setTextValue(url)
        dialog.accept()

    QTimer.singleShot(50, fill)


def quotes(store: Store, analyst: str) -> set[str]:
    rows = store.conn.execute(
        "SELECT a.quote FROM annotations a JOIN analysts p ON p.id = a.analyst_id WHERE p.name = ?",
        [analyst],
    )
    return {r[0] for r in rows}


def test_sync_from_the_window(
    open_window, qtbot, hub: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(sync_status, "LIVE_DELAY_MS", 100)
    sync(Store.open(tmp_path / "rita.db"), hub.format(login="rita"), "Rita")
    ben = Store.open(tmp_path / "ben.db")
    add_tagged(ben, "Ben", "firmly opposes")
    sync(ben, hub.format(login="ben"), "Ben")

    window = open_window(analyst="Anna")
    label = window.sync.label
    assert label.text() == "Not synced with a team hub"
    answer_address(hub.format(login="anna"))
    window.actions_by_id["sync"].trigger()  # File ▸ Sync with team hub
    qtbot.waitUntil(lambda: window.sync.last_report is not None, timeout=30000)
    assert window.sync.last_error is None
    assert label.text() == "Synced just now"
    # Ben's work is in the window: his article in the list, his layer in the project.
    assert window.documents.model.rowCount() == 1
    assert quotes(window.store, "Ben") == {"firmly opposes"}

    doc = window.store.documents.list()[0].id
    window.open_document(doc)
    window.session.create_annotation(
        document_id=doc, label_id=window.store.codebook.get().by_name("Claim").id, start=0, end=5
    )
    window.sync.update_status()
    assert label.text() == "Synced just now · 1 change to send"
    first = window.sync.last_report
    qtbot.mouseClick(window.sync.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.sync.last_report is not first, timeout=30000)
    assert window.sync.last_report is not None
    assert (window.sync.last_report.sent, window.sync.last_report.received) == (1, 0)
    assert label.text() == "Synced just now"

    # A colleague's change arrives by itself: the hub notifies, the window syncs.
    seen = window.sync.last_report
    Session(ben, ben.ensure_analyst("Ben")).create_annotation(
        document_id=ben.documents.list()[0].id,
        label_id=ben.codebook.get().by_name("Speaker").id,
        start=TEXT.index("Wei Fenghe"),
        end=TEXT.index("Wei Fenghe") + len("Wei Fenghe"),
    )
    sync(ben, None, "Ben")
    qtbot.waitUntil(lambda: window.sync.last_report is not seen, timeout=30000)
    assert "Wei Fenghe" in quotes(window.store, "Ben")
    assert window.sync.last_report.received == 1
    ben.close()


def test_describe_counts_and_ages() -> None:
    from datetime import UTC, datetime

    from annotator.core.hub.sync import SyncStatus

    at = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert sync_status.describe(SyncStatus(None, None, 0, None), at) == (
        "Not synced with a team hub"
    )
    two_minutes = SyncStatus("postgresql://h/db", "2026-01-01T11:58:00.000Z", 3, None)
    assert sync_status.describe(two_minutes, at) == "Synced 2 min ago · 3 changes to send"
    failed = SyncStatus("postgresql://h/db", "2026-01-01T11:58:00.000Z", 1, "refused")
    assert sync_status.describe(failed, at) == "Last sync failed · 1 change to send"
