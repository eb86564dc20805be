"""The codebook editor, driven like an analyst: clicks, F2, typing, Return, buttons."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
)

from annotator.core.ingest import import_paths
from annotator.core.session import Session
from annotator.core.store import Store
from annotator.gui.dialogs.codebook_editor import CodebookEditor
from support import SAMPLE

NAME, ROLE, SHORTCUT, COLOUR = 0, 1, 2, 3
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def editor(qtbot, fresh_store: Store) -> Iterator[CodebookEditor]:  # type: ignore[no-untyped-def]
    dialog = CodebookEditor(fresh_store, fresh_store.ensure_analyst("Ana").id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    yield dialog
    dialog.close()


def snapshot(store: Store) -> tuple[object, ...]:
    rows = store.conn.execute("SELECT * FROM labels ORDER BY position").fetchall()
    return tuple(rows), store.meta("sentiments")


def click_cell(qtbot, editor: CodebookEditor, row: int, column: int) -> None:  # type: ignore[no-untyped-def]
    table = editor.table
    item = table.item(row, column)
    assert item is not None
    qtbot.mouseClick(table.viewport(), LEFT, pos=table.visualItemRect(item).center())


def type_into_editor(qtbot, editor: CodebookEditor, text: str, row: int, column: int) -> None:  # type: ignore[no-untyped-def]
    """Type into the open cell editor, press Return, and wait for the cell to take the text."""
    field = QApplication.focusWidget()
    assert field is not None and field is not editor.table
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: cell(editor, row, column) == text)
    assert editor.isVisible()  # Return finishes the edit; it does not press OK


def edit_cell(qtbot, editor: CodebookEditor, row: int, column: int, text: str) -> None:  # type: ignore[no-untyped-def]
    """Click the cell, press F2, replace its text by typing, press Return."""
    click_cell(qtbot, editor, row, column)
    qtbot.keyClick(editor.table, Qt.Key.Key_F2)
    type_into_editor(qtbot, editor, text, row, column)


def choose_in_cell(qtbot, editor: CodebookEditor, row: int, column: int, key: Qt.Key) -> None:  # type: ignore[no-untyped-def]
    """Click a choice cell, press F2 for its combo box, type a key to pick, press Return."""
    click_cell(qtbot, editor, row, column)
    qtbot.keyClick(editor.table, Qt.Key.Key_F2)
    field = QApplication.focusWidget()
    assert isinstance(field, QComboBox)
    qtbot.keyClick(field, key)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def cell(editor: CodebookEditor, row: int, column: int) -> str:
    item = editor.table.item(row, column)
    return "" if item is None else item.text()


def press(qtbot, editor: CodebookEditor, name: str) -> None:  # type: ignore[no-untyped-def]
    button = editor.findChild(QPushButton, name)
    assert button is not None, name
    qtbot.mouseClick(button, LEFT)


def press_standard(qtbot, editor: CodebookEditor, which: QDialogButtonBox.StandardButton) -> None:  # type: ignore[no-untyped-def]
    box = editor.findChild(QDialogButtonBox)
    assert box is not None
    qtbot.mouseClick(box.button(which), LEFT)


def error_text(editor: CodebookEditor) -> str:
    label = editor.findChild(QLabel, "codebookError")
    assert label is not None
    assert label.textFormat() == Qt.TextFormat.PlainText
    return label.text() if label.isVisible() else ""


def test_renaming_a_label_in_its_cell_keeps_its_id(qtbot, editor, fresh_store: Store) -> None:  # type: ignore[no-untyped-def]
    claim = fresh_store.codebook.get().by_name("Claim")
    edit_cell(qtbot, editor, 0, NAME, "Assertion")
    press_standard(qtbot, editor, QDialogButtonBox.StandardButton.Ok)
    assert editor.result() == QDialog.DialogCode.Accepted
    assert not editor.isVisible()
    renamed = fresh_store.codebook.get().labels[0]
    assert (renamed.id, renamed.name, renamed.role) == (claim.id, "Assertion", "claim")


def test_conflicting_shortcut_is_shown_inline_and_the_dialog_stays_open(
    qtbot,  # type: ignore[no-untyped-def]
    editor: CodebookEditor,
    fresh_store: Store,
) -> None:
    before = snapshot(fresh_store)
    choose_in_cell(qtbot, editor, 2, SHORTCUT, Qt.Key.Key_1)
    qtbot.waitUntil(lambda: cell(editor, 2, SHORTCUT) == "1")
    press_standard(qtbot, editor, QDialogButtonBox.StandardButton.Ok)
    assert error_text(editor) == "Shortcut 1 is used by both “Claim” and “Target”."
    assert editor.isVisible() and editor.result() != QDialog.DialogCode.Accepted
    assert QApplication.activeModalWidget() is None  # no message box to get stuck in
    assert snapshot(fresh_store) == before
    # Fixing the entry clears the message and OK then saves.
    choose_in_cell(qtbot, editor, 2, SHORTCUT, Qt.Key.Key_4)
    qtbot.waitUntil(lambda: cell(editor, 2, SHORTCUT) == "4")
    assert error_text(editor) == ""
    press_standard(qtbot, editor, QDialogButtonBox.StandardButton.Ok)
    assert fresh_store.codebook.get().by_name("Target").shortcut == "4"


def test_add_a_label_reorder_and_add_a_sentiment_value(
    qtbot,  # type: ignore[no-untyped-def]
    editor: CodebookEditor,
    fresh_store: Store,
) -> None:
    claim = fresh_store.codebook.get().by_name("Claim")
    press(qtbot, editor, "codebookAdd")
    type_into_editor(qtbot, editor, "Frame", 3, NAME)  # the new name cell opens for typing
    choose_in_cell(qtbot, editor, 3, ROLE, Qt.Key.Key_T)
    qtbot.waitUntil(lambda: cell(editor, 3, ROLE) == "target")
    edit_cell(qtbot, editor, 3, COLOUR, "#112233")
    swatch = editor.table.item(3, COLOUR).data(Qt.ItemDataRole.DecorationRole)  # type: ignore[union-attr]
    assert swatch == QColor("#112233")
    click_cell(qtbot, editor, 0, NAME)
    press(qtbot, editor, "codebookDown")
    assert [cell(editor, row, NAME) for row in range(4)] == ["Speaker", "Claim", "Target", "Frame"]
    press(qtbot, editor, "codebookSentimentAdd")
    field = QApplication.focusWidget()
    assert field is not None
    qtbot.keyClicks(field, "hopeful")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    sentiments = editor.sentiments
    qtbot.waitUntil(lambda: sentiments.item(sentiments.count() - 1).text() == "hopeful")
    press_standard(qtbot, editor, QDialogButtonBox.StandardButton.Ok)

    codebook = fresh_store.codebook.get()
    assert [lb.name for lb in codebook.labels] == ["Speaker", "Claim", "Target", "Frame"]
    assert codebook.by_name("Claim").id == claim.id
    frame = codebook.by_name("Frame")
    assert (frame.role, frame.shortcut, frame.color) == ("target", "", "#112233")
    assert codebook.sentiments == ("positive", "negative", "neutral", "mixed", "hopeful")


def test_removing_a_used_label_is_refused_inline_and_an_unused_one_goes(
    qtbot,  # type: ignore[no-untyped-def]
    editor: CodebookEditor,
    fresh_store: Store,
) -> None:
    [(document, _report)] = import_paths(fresh_store, [SAMPLE], analyst_id=None).added
    session = Session(fresh_store, fresh_store.ensure_analyst("Ana"))
    speaker = fresh_store.codebook.get().by_name("Speaker")
    session.create_annotation(document_id=document.id, label_id=speaker.id, start=0, end=6)
    click_cell(qtbot, editor, 1, NAME)
    press(qtbot, editor, "codebookRemove")
    assert error_text(editor).startswith("Cannot remove label “Speaker”: 1 annotation uses it.")
    assert editor.table.rowCount() == 3
    click_cell(qtbot, editor, 2, NAME)
    press(qtbot, editor, "codebookRemove")
    assert [cell(editor, row, NAME) for row in range(editor.table.rowCount())] == [
        "Claim",
        "Speaker",
    ]
    press_standard(qtbot, editor, QDialogButtonBox.StandardButton.Ok)
    assert [lb.name for lb in fresh_store.codebook.get().labels] == ["Claim", "Speaker"]


def test_cancel_changes_nothing(qtbot, editor: CodebookEditor, fresh_store: Store) -> None:  # type: ignore[no-untyped-def]
    before = snapshot(fresh_store)
    edit_cell(qtbot, editor, 0, NAME, "Assertion")
    click_cell(qtbot, editor, 2, NAME)
    press(qtbot, editor, "codebookRemove")
    press(qtbot, editor, "codebookAdd")
    sentiments = editor.sentiments
    sentiments.setCurrentRow(0)
    press(qtbot, editor, "codebookSentimentRemove")
    assert sentiments.count() == 3
    press_standard(qtbot, editor, QDialogButtonBox.StandardButton.Cancel)
    assert editor.result() == QDialog.DialogCode.Rejected
    assert not editor.isVisible()
    assert snapshot(fresh_store) == before
