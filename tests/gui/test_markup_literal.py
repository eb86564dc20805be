"""Markup in an article, a note or a name is shown as characters in every widget, never run."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QPlainTextEdit, QToolTip

from driving import drag, point_of

MARKUP = "<b>Bold</b> <img src=x onerror=alert(1)>"


def test_markup_stays_literal_in_view_table_inspector_tooltips_and_dialogs(
    open_window, tmp_path: Path, qtbot
) -> None:  # type: ignore[no-untyped-def]
    article = tmp_path / "hostile.txt"
    article.write_text(f"{MARKUP} headline\nThe minister said {MARKUP} loudly.", encoding="utf-8")
    window = open_window([article])
    view = window.view
    start = view.text.index(MARKUP, 5)
    window.actions_by_id["snap"].trigger()  # take exactly the markup as the quote
    drag(view, start, start + len(MARKUP))
    QTest.keyClick(view, Qt.Key.Key_1)
    note = window.findChild(QPlainTextEdit, "inspectorNote")
    note.setFocus()
    qtbot.keyClicks(note, MARKUP)
    view.setFocus()

    assert view.toPlainText().startswith(MARKUP)  # reading view
    assert window.title_label.textFormat() == Qt.TextFormat.PlainText
    assert window.title_label.text().startswith(MARKUP)  # document title
    table = window.table.view.model()
    assert table.index(0, 1).data() == MARKUP  # quote cell, as characters
    assert table.index(0, 5).data() == MARKUP  # note cell
    for column in (1, 5):  # their tooltips are escaped for Qt's rich-text guess
        assert "&lt;b&gt;" in table.index(0, column).data(Qt.ItemDataRole.ToolTipRole)
    assert window.inspector.quote.toPlainText() == MARKUP  # inspector
    for label in window.inspector.findChildren(QLabel):
        if "<" in label.text():
            assert label.textFormat() == Qt.TextFormat.PlainText, label.objectName()
    point = point_of(view, start + 3)
    QApplication.sendEvent(
        view.viewport(),
        QHelpEvent(QEvent.Type.ToolTip, point, view.viewport().mapToGlobal(point)),
    )
    assert "&lt;b&gt;Bold" in QToolTip.text() and "&lt;img" in QToolTip.text()  # hover tooltip
    doc_tip = window.documents.view.model().index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "&lt;b&gt;Bold" in doc_tip  # document list tooltip
    window.actions_by_id["import_report"].trigger()  # a dialog with the document's title
    dialog = QApplication.activeModalWidget() or next(
        w
        for w in QApplication.topLevelWidgets()
        if w.objectName() == "importReport" and w.isVisible()
    )
    assert MARKUP in dialog.windowTitle()
    dialog.close()
