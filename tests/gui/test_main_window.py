"""The main window: analyst on first start, document list, the article as plain text, focus."""

from __future__ import annotations

import getpass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QTableView

from annotator.gui.app import ask_analyst, create_window
from annotator.gui.dialogs.analyst_dialog import AnalystDialog
from annotator.gui.reading.document_view import DocumentView
from annotator.gui.window import settings as app_settings
from annotator.gui.window.import_flow import ReportDialog
from support import SAMPLE, find_top_level


def test_first_start_asks_the_analyst_once_prefilled_from_os_user(
    qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(getpass, "getuser", lambda: "opetrova")  # read by os_user_name()
    seen: dict[str, str] = {}

    def answer() -> None:
        dialog = find_top_level(AnalystDialog)
        assert isinstance(dialog, AnalystDialog)
        seen["prefilled"] = dialog.name_edit.text()
        qtbot.keyClicks(dialog.name_edit, "Olga Petrova")  # replaces the selected default
        qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)

    QTimer.singleShot(100, answer)
    assert ask_analyst(None) == "Olga Petrova"
    assert seen["prefilled"] == "opetrova"
    assert app_settings.remembered_analyst() == "Olga Petrova"
    # Second start: remembered, no dialog (a dialog would block this call forever).
    assert ask_analyst(None) == "Olga Petrova"


def test_window_shows_sample_list_text_status_and_focus(open_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = open_window([SAMPLE])
    stored = window.store.documents.get(window.current_document)
    view = window.findChild(DocumentView, "documentView")
    assert view is not None
    assert view.toPlainText() == stored.text
    assert "“attempted coup d’état” by “armed fighters.”" in view.toPlainText()
    doc_list = window.findChild(QTableView, "documentList")
    assert doc_list is not None and doc_list.model().rowCount() == 1
    assert doc_list.model().index(0, 1).data() == "2022-04-26"
    assert "Ana" in window.findChild(QLabel, "statusAnalyst").text()
    assert str(window.store.path) in window.findChild(QLabel, "statusDatabase").text()
    window.activateWindow()
    assert QApplication.focusWidget() is view
    assert window.info_bar.isVisible()
    assert "1 broken character sequence(s) repaired" in window.info_bar.message.text()
    qtbot.mouseClick(window.info_bar.details_button, Qt.MouseButton.LeftButton)
    report = find_top_level(ReportDialog, "importReport")
    assert isinstance(report, ReportDialog)
    assert "Ă©" in report.text_view.toPlainText()
    report.close()


def test_keyboard_selection_in_the_read_only_view(open_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = open_window([SAMPLE])
    view = window.view
    qtbot.keyClick(view, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_Right)
    for _ in range(5):
        qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert view.textCursor().selectedText() == "lobal"
    qtbot.keyClick(
        view,
        Qt.Key.Key_Right,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert view.textCursor().selectedText().startswith("lobal")
    assert len(view.textCursor().selectedText()) > len("lobal")


def test_markup_in_article_text_is_shown_literally(open_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    hostile = tmp_path / "hostile.txt"
    hostile.write_text(
        "<b>Bold</b> claim <img src=x onerror=alert(1)>\nThe minister said <i>nothing</i>.",
        encoding="utf-8",
    )
    window = open_window([hostile])
    assert window.view.toPlainText().startswith("<b>Bold</b> claim <img src=x onerror=alert(1)>")
    assert window.title_label.textFormat() == Qt.TextFormat.PlainText
    assert window.title_label.text() == "<b>Bold</b> claim <img src=x onerror=alert(1)>"
    tooltip = window.documents.view.model().index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "&lt;b&gt;" in tooltip  # escaped for the rich-text tooltip renderer


def test_reopening_returns_to_the_last_document(open_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    other = tmp_path / "other.txt"
    other.write_text("Another article\nWith a second paragraph.", encoding="utf-8")
    first = open_window([SAMPLE, other])
    first.documents.select(first.store.documents.list()[-1].id)
    last = first.current_document
    first.close()
    first.store.close()
    second = open_window([])
    assert second.current_document == last


def test_project_that_cannot_be_opened_gets_a_message(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bogus = tmp_path / "bogus.sqlite"
    bogus.write_text("not a database", encoding="utf-8")
    seen: dict[str, str] = {}

    def read_and_close() -> None:
        box = find_top_level(QMessageBox)
        assert isinstance(box, QMessageBox)
        seen["text"] = box.text()
        box.accept()

    QTimer.singleShot(100, read_and_close)
    assert create_window(db_path=bogus, analyst="Ana", files=[]) is None
    assert "not an Annotator project" in seen["text"]
    assert bogus.read_text(encoding="utf-8") == "not a database"
