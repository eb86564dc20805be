"""Finished documents in the window: Edit ▸ Mark document as done (Ctrl+D), undo, the document
list's ✓ and tooltip, and review mode's filter to documents both compared analysts finished."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from annotator.core.records import DocumentId
from annotator.core.session import Session
from annotator.core.store.finished import finished_by
from annotator.gui.panels.document_list import DONE_MARK, TITLE
from annotator.gui.window.main_window import MainWindow
from support import SAMPLE

CTRL = Qt.KeyboardModifier.ControlModifier


def title_and_tip(window: MainWindow) -> tuple[str, str]:
    model = window.documents.model
    index = model.index(0, TITLE)
    return (
        str(model.data(index, Qt.ItemDataRole.DisplayRole)),
        str(model.data(index, Qt.ItemDataRole.ToolTipRole)),
    )


def test_ctrl_d_marks_done_and_undo_takes_it_back(open_window) -> None:  # type: ignore[no-untyped-def]
    window: MainWindow = open_window([SAMPLE])
    doc = DocumentId(window.current_document or "")
    assert window.actions_by_id["mark_done"].shortcut().toString() == "Ctrl+D"
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_D, CTRL)
    assert list(finished_by(window.store.conn)[doc]) == [window.session.analyst.id]
    title, tip = title_and_tip(window)
    assert title.startswith(DONE_MARK + " ") and "Marked done by Ana (" in tip

    window.workspace.undo()
    assert finished_by(window.store.conn) == {}
    title, tip = title_and_tip(window)
    assert not title.startswith(DONE_MARK) and "Marked done" not in tip

    window.actions_by_id["mark_done"].trigger()  # done again, then not done
    window.actions_by_id["mark_done"].trigger()
    assert finished_by(window.store.conn) == {}


def test_a_colleagues_mark_shows_in_the_tooltip_only(open_window) -> None:  # type: ignore[no-untyped-def]
    window: MainWindow = open_window([SAMPLE])
    doc = DocumentId(window.current_document or "")
    Session(window.store, window.store.ensure_analyst("Olga")).mark_finished(doc)
    window.reload_documents()
    title, tip = title_and_tip(window)
    assert not title.startswith(DONE_MARK) and "Marked done by Olga (" in tip


def test_review_can_list_only_documents_both_finished(open_window) -> None:  # type: ignore[no-untyped-def]
    window: MainWindow = open_window([SAMPLE])
    window.info_bar.hide()
    doc = DocumentId(window.current_document or "")
    olga = Session(window.store, window.store.ensure_analyst("Olga"))
    olga.mark_finished(doc)
    window.reload_documents()
    window.review.start()
    window.review._layers_chosen(window.session.analyst.id, olga.analyst.id)
    model = window.documents.model
    assert model.rowCount() == 1
    window.actions_by_id["both_done"].trigger()
    assert model.rowCount() == 0  # Ana has not finished it
    window.actions_by_id["mark_done"].trigger()
    assert model.rowCount() == 1
    window.review.stop()
    window.actions_by_id["mark_done"].trigger()  # not done: still listed outside review
    assert model.rowCount() == 1
