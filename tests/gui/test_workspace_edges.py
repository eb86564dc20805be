"""Edges an analyst hits: edits in flight, failures, focus, filters, other analysts, scripts."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QInputDialog, QPlainTextEdit

from annotator.core.errors import ProjectError
from annotator.gui.window.main_window import MainWindow
from driving import drag, keys
from support import SAMPLE

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


def tag(window: MainWindow, phrase: str, key: Qt.Key) -> str:
    view = window.view
    start = view.text.index(phrase)
    drag(view, start, start + len(phrase))
    QTest.keyClick(view, key)
    assert window.workspace.active is not None
    return window.workspace.active


@pytest.fixture
def two_docs(open_window, tmp_path: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    other = tmp_path / "2030-01-01-other.txt"
    other.write_text(
        "Another article\nStraße in Berlin; BERLIN and berlin again.", encoding="utf-8"
    )
    window = open_window([SAMPLE, other])
    window.info_bar.hide()
    window.documents.select(window.store.documents.list()[0].id)  # the sample (2022)
    return window


def test_a_note_being_typed_is_saved_when_switching_documents(two_docs: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    aid = tag(two_docs, "Wang Yi", Qt.Key.Key_2)
    note = two_docs.findChild(QPlainTextEdit, "inspectorNote")
    note.setFocus()
    qtbot.keyClicks(note, "check the Xinhua version")
    keys(note, Qt.Key.Key_PageDown, CTRL)  # next document, focus still in the note
    assert two_docs.store.annotations.get(aid).note == "check the Xinhua version"


def test_a_failed_save_keeps_the_typed_note_and_retries(
    two_docs: MainWindow, qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    aid = tag(two_docs, "Wang Yi", Qt.Key.Key_2)
    session = two_docs.session
    real = session.update_annotation
    failures = [ProjectError("The disk is full: this change was not saved.")]

    def flaky(annotation_id, **changes):  # type: ignore[no-untyped-def]
        if failures:
            raise failures.pop()
        return real(annotation_id, **changes)

    monkeypatch.setattr(session, "update_annotation", flaky)
    monkeypatch.setattr(two_docs, "show_error", lambda title, message: None)
    note = two_docs.findChild(QPlainTextEdit, "inspectorNote")
    note.setFocus()
    qtbot.keyClicks(note, "unsaved thought")
    two_docs.view.setFocus()  # leaving the box saves — and fails
    assert note.toPlainText() == "unsaved thought"
    assert two_docs.saved_label.text() == "Last change NOT saved"
    note.setFocus()
    two_docs.view.setFocus()  # leaving it again retries
    assert two_docs.store.annotations.get(aid).note == "unsaved thought"


def test_find_ignores_case_even_in_a_text_with_sharp_s(two_docs: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    keys(two_docs.view, Qt.Key.Key_PageDown, CTRL)
    keys(two_docs.view, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(two_docs.find_bar.edit, "berlin")
    assert two_docs.find_bar.count.text() == "1 of 3"


def test_keys_act_on_the_annotation_chosen_in_the_table(two_docs: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    aid = tag(two_docs, "Wang Yi", Qt.Key.Key_1)
    table = two_docs.table.view
    rect = table.visualRect(table.model().index(0, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert table.hasFocus()
    keys(table, Qt.Key.Key_2, ALT)
    assert two_docs.store.annotations.get(aid).sentiment == "negative"
    keys(table, Qt.Key.Key_3)
    codebook = two_docs.store.codebook.get()
    assert codebook.by_id(two_docs.store.annotations.get(aid).label_id).name == "Target"
    keys(table, Qt.Key.Key_Delete)
    assert two_docs.store.annotations.find(aid) is None


def test_digits_typed_in_the_filter_boxes_do_not_tag(two_docs: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    view = two_docs.view
    start = view.text.index("Wang Yi")
    drag(view, start, start + len("Wang Yi"))
    qtbot.keyClicks(two_docs.table.filter_edit, "1")
    qtbot.keyClicks(two_docs.documents.filter_edit, "2")
    assert two_docs.store.annotations.for_document(two_docs.current_document) == []


def test_filtering_the_document_list_does_not_open_documents(two_docs: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    opened = two_docs.current_document
    qtbot.keyClicks(two_docs.documents.filter_edit, "Another")
    assert two_docs.current_document == opened


def test_switching_analyst_switches_undo_and_attribution(
    two_docs: MainWindow, qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    tag(two_docs, "Wang Yi", Qt.Key.Key_2)
    assert two_docs.actions_by_id["undo"].isEnabled()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Ben", True))
    two_docs.actions_by_id["analyst"].trigger()
    assert not two_docs.actions_by_id["undo"].isEnabled()  # Ben has nothing to undo
    two_docs.view.setFocus()
    tag(two_docs, "Tokayev", Qt.Key.Key_2)
    table = two_docs.table.view.model()
    analysts = {table.index(r, 1).data(): table.index(r, 4).data() for r in range(table.rowCount())}
    assert analysts["Tokayev"] == "Ben" and analysts["Wang Yi"] == "Ana"


def test_label_descriptions_in_tooltips_are_plain_text(two_docs: MainWindow) -> None:
    tooltip = two_docs.label_bar.buttons["Claim"].toolTip()
    assert tooltip.startswith("<p>")  # escaped and wrapped: never interpreted as markup


def test_a_change_applied_while_a_short_document_is_still_loading_is_kept(
    open_window, qtbot
) -> None:  # type: ignore[no-untyped-def]
    from support import SAMPLE

    window = open_window([SAMPLE])
    doc = window.store.documents.get(window.current_document)
    window.workspace.close()
    window.workspace.open(doc)  # the rest of it loads in the next event-loop turn …
    start = doc.text.index("Tokayev")
    annotation, change = window.session.create_annotation(  # … but a change lands first
        document_id=doc.id,
        label_id=window.store.codebook.get().by_name("Speaker").id,
        start=start,
        end=start + len("Tokayev"),
    )
    window.workspace.apply_change(change)
    qtbot.waitUntil(window.workspace.settled)
    assert window.workspace.state.get(annotation.id) == annotation
    assert window.table.model.row_of(annotation.id) >= 0
