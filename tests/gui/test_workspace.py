"""Around tagging: table and highlight in step, navigation, find, help, zoom, tooltips,
undo across a restart, attributing claims in the inspector."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QPlainTextEdit,
    QTableView,
    QToolTip,
    QWidget,
)

from annotator.gui.window.main_window import MainWindow
from annotator.gui.window.shortcut_sheet import ShortcutSheet
from driving import click, drag, keys
from support import SAMPLE, find_top_level

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def sample(open_window) -> MainWindow:  # type: ignore[no-untyped-def]
    window = open_window([SAMPLE])
    window.info_bar.hide()
    return window


def tag(window: MainWindow, phrase: str, key: Qt.Key, occurrence: int = 0) -> str:
    """Select `phrase` with the mouse and press a label key; returns the new annotation id."""
    view = window.view
    start = -1
    for _ in range(occurrence + 1):
        start = view.text.index(phrase, start + 1)
    drag(view, start, start + len(phrase))
    QTest.keyClick(view, key)
    assert window.workspace.active is not None
    return window.workspace.active


def test_main_widgets_have_stable_object_names(sample: MainWindow) -> None:
    names = {w.objectName() for w in sample.findChildren(QWidget)}
    assert {"documentList", "documentView", "annotationTable", "inspector"} <= names
    assert QApplication.focusWidget() is sample.view


def test_table_row_and_highlight_select_each_other(sample: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    first = tag(sample, "Tokayev said Kazakhstan", Qt.Key.Key_1)
    second = tag(sample, "Wang Yi", Qt.Key.Key_2)
    table = sample.findChild(QTableView, "annotationTable")
    assert table is not None and table.model().rowCount() == 2
    # Clicking the first row marks and scrolls to its highlight.
    rect = table.visualRect(table.model().index(0, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert sample.workspace.active == first
    # Clicking a highlight selects its row.
    click(sample.view, sample.view.text.index("Wang Yi") + 2)
    assert sample.workspace.active == second
    selected = table.selectionModel().selectedRows()
    assert len(selected) == 1
    assert "Wang Yi" in str(table.model().index(selected[0].row(), 1).data())


def test_next_and_previous_annotation_and_document(open_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    other = tmp_path / "2030-01-01-other.txt"
    other.write_text("Another article\nIt has text.", encoding="utf-8")
    window = open_window([SAMPLE, other])
    window.info_bar.hide()
    window.documents.select(window.store.documents.list()[0].id)
    a = tag(window, "Tokayev", Qt.Key.Key_2)
    b = tag(window, "Wang Yi", Qt.Key.Key_2)
    view = window.view
    keys(view, Qt.Key.Key_Escape)
    assert window.workspace.active is None
    keys(view, Qt.Key.Key_Down, ALT)
    assert window.workspace.active == a
    keys(view, Qt.Key.Key_Down, ALT)
    assert window.workspace.active == b
    keys(view, Qt.Key.Key_Up, ALT)
    assert window.workspace.active == a
    first_doc = window.current_document
    keys(view, Qt.Key.Key_PageDown, CTRL)
    assert window.current_document != first_doc
    assert QApplication.focusWidget() is window.view
    keys(window.view, Qt.Key.Key_PageUp, CTRL)
    assert window.current_document == first_doc


def test_find_marks_every_hit_and_steps_through_them(sample: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    keys(sample.view, Qt.Key.Key_F, CTRL)
    assert sample.find_bar.isVisible()
    qtbot.keyClicks(sample.find_bar.edit, "kazakh")
    expected = sample.view.text.casefold().count("kazakh")
    assert sample.find_bar.count.text() == f"1 of {expected}"
    assert len(sample.view.extraSelections()) >= 1
    QTest.keyClick(sample.find_bar.edit, Qt.Key.Key_Return)
    assert sample.find_bar.count.text() == f"2 of {expected}"
    assert sample.view.textCursor().selectedText().casefold() == "kazakh"
    QTest.keyClick(sample.find_bar.edit, Qt.Key.Key_Escape)
    assert not sample.find_bar.isVisible()
    assert sample.view.extraSelections() == []


def test_f1_lists_every_key(sample: MainWindow) -> None:
    keys(sample.view, Qt.Key.Key_F1)
    sheet = find_top_level(ShortcutSheet)
    assert isinstance(sheet, ShortcutSheet)
    rows = [
        (sheet.table.item(r, 0).text(), sheet.table.item(r, 1).text())
        for r in range(sheet.table.rowCount())
    ]
    assert ("1", "Tag the selection as Claim (or relabel)") in rows
    assert any("Undo" in action for _keys, action in rows)
    assert any(action == "Sentiment: negative" for _keys, action in rows)
    sheet.close()


def test_zoom_in_and_out(sample: MainWindow) -> None:
    size = sample.view.font().pointSize()
    keys(sample.view, Qt.Key.Key_Plus, CTRL)
    assert sample.view.font().pointSize() > size
    keys(sample.view, Qt.Key.Key_0, CTRL)
    assert sample.view.font().pointSize() == size
    keys(sample.view, Qt.Key.Key_Minus, CTRL)
    assert sample.view.font().pointSize() < size


def test_hovering_a_highlight_shows_label_analyst_sentiment_and_note(
    sample: MainWindow, qtbot
) -> None:  # type: ignore[no-untyped-def]
    tag(sample, "Wang Yi", Qt.Key.Key_1)
    keys(sample.view, Qt.Key.Key_2, ALT)
    note = sample.findChild(QPlainTextEdit, "inspectorNote")
    note.setFocus()
    qtbot.keyClicks(note, "<b>check</b> source")
    sample.view.setFocus()  # leaving the note saves it
    view = sample.view
    from driving import point_of

    point = point_of(view, view.text.index("Wang Yi") + 2)
    event = QHelpEvent(QEvent.Type.ToolTip, point, view.viewport().mapToGlobal(point))
    QApplication.sendEvent(view.viewport(), event)
    text = QToolTip.text()
    assert "Claim" in text and "Ana" in text and "negative" in text
    assert "&lt;b&gt;check&lt;/b&gt;" in text  # the note shown literally, not as bold


def test_undo_and_redo_survive_a_restart(open_window) -> None:  # type: ignore[no-untyped-def]
    window = open_window([SAMPLE])
    tag(window, "Tokayev said Kazakhstan", Qt.Key.Key_1)
    tag(window, "Wang Yi", Qt.Key.Key_2)
    keys(window.view, Qt.Key.Key_Z, CTRL)
    window.close()
    window.store.close()
    again = open_window([])
    doc = again.current_document
    assert [a.quote for a in again.store.annotations.for_document(doc)] == [
        "Tokayev said Kazakhstan"
    ]
    keys(again.view, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)  # redo Wang Yi
    keys(again.view, Qt.Key.Key_Z, CTRL)
    keys(again.view, Qt.Key.Key_Z, CTRL)  # undo the claim from the previous session
    assert again.store.annotations.for_document(doc) == []


def test_attributing_a_claim_to_a_speaker_in_the_inspector(sample: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    speaker = tag(sample, "Wei Fenghe", Qt.Key.Key_2)
    claim = tag(sample, "China firmly opposes external forces", Qt.Key.Key_1)
    said_by = sample.findChild(QComboBox, "inspectorSaidBy")
    assert said_by is not None and said_by.isEnabled()
    index = said_by.findData(speaker)
    assert index > 0
    said_by.setFocus()
    keys(said_by, Qt.Key.Key_Down, times=index)  # type: ignore[arg-type]
    links = sample.store.annotations.links_for_document(sample.current_document)
    assert [(lk.source_id, lk.kind, lk.target_id) for lk in links] == [(claim, "said_by", speaker)]
    table = sample.findChild(QTableView, "annotationTable")
    rows = {
        table.model().index(r, 1).data(): table.model().index(r, 2).data()
        for r in range(table.model().rowCount())
    }
    assert rows["China firmly opposes external forces"] == "Wei Fenghe"
