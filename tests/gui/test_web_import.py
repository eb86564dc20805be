"""File ▸ Import from web addresses…, driven with real widgets against a server on 127.0.0.1."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

import local_server
from annotator.gui import background
from annotator.gui.background import ProgressDialog
from annotator.gui.dialogs.web_import import WebImportDialog
from annotator.gui.window.main_window import MainWindow
from local_server import ARTICLE_TITLE, FEED_UNTITLED_TITLE, LocalWeb
from support import find_top_level

web = local_server.web


@pytest.fixture(autouse=True)
def dialog_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(background, "DIALOG_DELAY_MS", 0)


def when_shown(qtbot: Any, kind: type[Any], action: Callable[[Any], None]) -> list[bool]:
    """Run `action` in the GUI thread once a visible `kind` is on screen; the list it returns
    says whether it ran. If it fails, the dialog is closed (the test fails, never hangs)."""
    ran: list[bool] = []

    def poll() -> None:
        widget = find_top_level(kind)
        if widget is None:
            QTimer.singleShot(10, poll)
            return
        try:
            # A window manager activates a new dialog; offscreen, the test does (else keys
            # would still go to the window's focus widget, as shortcuts).
            widget.activateWindow()
            qtbot.waitUntil(widget.isActiveWindow)
            action(widget)
        except BaseException:
            widget.reject()
            raise
        ran.append(True)

    QTimer.singleShot(0, poll)
    return ran


def type_addresses(qtbot: Any, dialog: WebImportDialog, addresses: list[str]) -> None:
    box = dialog.addresses_box
    qtbot.mouseClick(box.viewport(), Qt.MouseButton.LeftButton)
    for index, address in enumerate(addresses):
        if index:
            qtbot.keyClick(box, Qt.Key.Key_Return)
        qtbot.keyClicks(box, address)


def open_web_import(window: MainWindow) -> None:
    """What choosing File ▸ Import from web addresses… does."""
    action = window.actions_by_id["import_web"]
    assert action.text() == "Import from &web addresses…"
    assert action in window.menuBar().actions()[0].menu().actions()
    action.trigger()


def test_addresses_typed_in_the_dialog_are_fetched_and_imported(
    open_window: Callable[..., MainWindow], web: LocalWeb, qtbot: Any
) -> None:
    window = open_window()

    def fill(dialog: WebImportDialog) -> None:
        assert not dialog.import_button.isEnabled()  # nothing typed yet
        type_addresses(qtbot, dialog, [web.url("/article.html"), web.url("/feed.rss")])
        assert dialog.addresses() == [web.url("/article.html"), web.url("/feed.rss")]
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)

    ran = when_shown(qtbot, WebImportDialog, fill)
    open_web_import(window)
    assert ran == [True]
    titles = sorted(d.title for d in window.store.documents.list())
    assert ARTICLE_TITLE in titles and FEED_UNTITLED_TITLE in titles
    assert len(titles) == 3  # the article, and two of the feed's three articles
    assert window.documents.model.rowCount() == 3
    assert window.title_label.text() == ARTICLE_TITLE  # the first new document is open
    # The feed's third article is gone: said in the info bar, the address in the report.
    assert "1 could not be imported" in window.info_bar.message.text()
    window.info_bar.details_button.click()
    report = window.info_bar.dialog
    assert report is not None
    assert f"  {web.url('/gone')}: 410 Gone" in report.text_view.toPlainText()
    report.close()


def test_whole_page_keeps_menus_and_footer(
    open_window: Callable[..., MainWindow], web: LocalWeb, qtbot: Any
) -> None:
    window = open_window()

    def fill(dialog: WebImportDialog) -> None:
        type_addresses(qtbot, dialog, [web.url("/article.html")])
        dialog.full_page.setFocus()
        qtbot.keyClick(dialog.full_page, Qt.Key.Key_Space)
        assert dialog.full_page.isChecked()
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)

    ran = when_shown(qtbot, WebImportDialog, fill)
    open_web_import(window)
    assert ran == [True]
    (summary,) = window.store.documents.list()
    assert "All rights reserved" in window.store.documents.get(summary.id).text


def test_cancel_in_the_address_dialog_fetches_nothing(
    open_window: Callable[..., MainWindow], web: LocalWeb, qtbot: Any
) -> None:
    window = open_window()

    def give_up(dialog: WebImportDialog) -> None:
        type_addresses(qtbot, dialog, [web.url("/article.html")])
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    when_shown(qtbot, WebImportDialog, give_up)
    open_web_import(window)
    assert web.requests == []
    assert window.store.documents.list() == []


def test_cancel_during_a_fetch_cuts_it_and_imports_nothing(
    open_window: Callable[..., MainWindow], web: LocalWeb, qtbot: Any
) -> None:
    window = open_window()

    def fill(dialog: WebImportDialog) -> None:
        # The article first, then a server that never answers (the read timeout is 20 s).
        type_addresses(qtbot, dialog, [web.url("/no-title.txt"), web.url("/slow")])
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)

    def cancel_when_waiting(progress: ProgressDialog) -> None:
        if "/slow" not in web.paths_asked():  # not yet waiting for the silent server
            QTimer.singleShot(10, lambda: cancel_when_waiting(progress))
            return
        qtbot.mouseClick(progress.cancel_button, Qt.MouseButton.LeftButton)

    when_shown(qtbot, WebImportDialog, fill)
    when_shown(qtbot, ProgressDialog, cancel_when_waiting)
    started = time.monotonic()
    open_web_import(window)
    assert time.monotonic() - started < 10
    assert window.store.documents.list() == []
    assert "cancelled" in window.info_bar.message.text()
    assert QApplication.activeModalWidget() is None
