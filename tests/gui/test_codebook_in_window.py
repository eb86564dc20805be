"""Codebook edits from the window (Edit ▸ Codebook…) take effect at once: keys, buttons, colours."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox
from test_codebook_editor import NAME, SHORTCUT, choose_in_cell, edit_cell, press_standard

from annotator.gui.dialogs.codebook_editor import CodebookEditor
from driving import drag, keys
from support import SAMPLE, find_top_level


def test_renamed_label_and_new_shortcut_work_right_after_the_editor_closes(
    open_window, qtbot
) -> None:  # type: ignore[no-untyped-def]
    window = open_window([SAMPLE])
    window.info_bar.hide()
    done: list[bool] = []

    def edit() -> None:
        editor = find_top_level(CodebookEditor)
        assert isinstance(editor, CodebookEditor)
        edit_cell(qtbot, editor, 0, NAME, "Assertion")
        choose_in_cell(qtbot, editor, 2, SHORTCUT, Qt.Key.Key_4)  # Target: 3 → 4
        press_standard(qtbot, editor, QDialogButtonBox.StandardButton.Ok)
        done.append(True)

    QTimer.singleShot(100, edit)
    keys(
        window.view,
        Qt.Key.Key_K,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert done == [True]
    assert "Assertion" in window.label_bar.buttons and "Claim" not in window.label_bar.buttons
    window.activateWindow()  # what the window manager does when the dialog closes
    qtbot.waitUntil(window.isActiveWindow)

    view = window.view
    start = view.text.index("Wang Yi")
    drag(view, start, start + len("Wang Yi"))
    QTest.keyClick(view, Qt.Key.Key_4)
    start = view.text.index("Bilateral relations")
    drag(view, start, start + len("Bilateral relations"))
    QTest.keyClick(view, Qt.Key.Key_1)
    codebook = window.store.codebook.get()
    tagged = {
        a.quote: codebook.by_id(a.label_id).name
        for a in window.store.annotations.for_document(window.current_document)
    }
    assert tagged == {"Wang Yi": "Target", "Bilateral relations": "Assertion"}
