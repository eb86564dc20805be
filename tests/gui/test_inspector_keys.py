"""Sentiment keys from the inspector's fields: Alt+digit sets the sentiment, never types."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox, QPlainTextEdit

from annotator.gui.window.main_window import MainWindow
from driving import drag
from support import SAMPLE

ALT = Qt.KeyboardModifier.AltModifier


def test_alt_digits_in_the_inspectors_fields_set_the_sentiment_and_type_nothing(
    open_window, qtbot
) -> None:  # type: ignore[no-untyped-def]
    window: MainWindow = open_window([SAMPLE])
    view = window.view
    start = view.text.index("Wang Yi")
    drag(view, start, start + len("Wang Yi"))
    QTest.keyClick(view, Qt.Key.Key_1)  # a claim, selected and shown in the inspector
    (claim,) = window.store.annotations.for_document(window.current_document)
    sentiments = window.store.codebook.get().sentiments
    note = window.inspector.findChild(QPlainTextEdit, "inspectorNote")
    said_by = window.inspector.findChild(QComboBox, "inspectorSaidBy")
    assert note is not None and said_by is not None

    note.setFocus()
    QTest.keyClicks(note, "firm")
    QTest.keyClick(note, Qt.Key.Key_2, ALT)
    assert window.store.annotations.get(claim.id).sentiment == sentiments[1]
    assert note.toPlainText() == "firm"  # no "2" typed into the note

    line = said_by.lineEdit()
    assert line is not None
    line.setFocus()
    QTest.keyClick(line, Qt.Key.Key_1, ALT)
    assert window.store.annotations.get(claim.id).sentiment == sentiments[0]
    assert line.text() in ("", "—")  # nothing typed into the name box either
    QTest.keyClick(line, Qt.Key.Key_0, ALT)
    assert window.store.annotations.get(claim.id).sentiment is None
    view.setFocus()
    assert window.store.annotations.get(claim.id).note == "firm"  # the note, saved as typed
    assert not window.store.annotations.links_for_document(window.current_document)


def test_the_status_bar_says_undone_and_redone_not_saved(open_window) -> None:  # type: ignore[no-untyped-def]
    window: MainWindow = open_window([SAMPLE])
    view = window.view
    start = view.text.index("Wang Yi")
    drag(view, start, start + len("Wang Yi"))
    QTest.keyClick(view, Qt.Key.Key_1)
    assert window.statusBar().currentMessage().startswith("Saved: ")
    QTest.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.statusBar().currentMessage().startswith("Undone: ")
    assert window.store.annotations.for_document(window.current_document) == []
    QTest.keyClick(
        view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert window.statusBar().currentMessage().startswith("Redone: ")
