"""Tagging in the real window: keys, mouse, label buttons, snapping, scripts, overlaps."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QContextMenuEvent, QTextCharFormat
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu

from annotator.gui.window.main_window import MainWindow
from driving import click, drag, keys, select_by_keyboard
from support import SAMPLE

ALT = Qt.KeyboardModifier.AltModifier


def stored(window: MainWindow) -> list[tuple[str, str]]:
    """(label name, quote) of the open document's annotations, in text order."""
    codebook = window.store.codebook.get()
    doc = window.current_document
    assert doc is not None
    return [
        (codebook.by_id(a.label_id).name, a.quote)
        for a in window.store.annotations.for_document(doc)
    ]


@pytest.fixture
def sample(open_window) -> MainWindow:  # type: ignore[no-untyped-def]
    window = open_window([SAMPLE])
    window.info_bar.hide()
    return window


def test_keyboard_selection_and_label_key_tag_a_speaker(sample: MainWindow) -> None:
    view = sample.view
    select_by_keyboard(view, view.text.index("Wei Fenghe"), words=2)
    QTest.keyClick(view, Qt.Key.Key_2)
    assert stored(sample) == [("Speaker", "Wei Fenghe")]
    # The new annotation is the selected one: its row and the inspector show it.
    active = sample.workspace.active
    assert active is not None
    rows = sample.table.view.selectionModel().selectedRows()
    assert len(rows) == 1 and rows[0].data() == "Speaker"
    assert sample.inspector.annotation_id == active
    assert sample.inspector.quote.toPlainText() == "Wei Fenghe"


def test_mouse_drag_snaps_to_whole_words_and_alt_drag_does_not(sample: MainWindow) -> None:
    view = sample.view
    start = view.text.index("Tokayev said") + 3  # inside "Tokayev"
    end = view.text.index("Kazakhstan and China") + 4  # inside "Kazakhstan"
    drag(view, start, end)
    assert view.textCursor().selectedText() == "Tokayev said Kazakhstan"
    QTest.keyClick(view, Qt.Key.Key_1)
    assert stored(sample) == [("Claim", "Tokayev said Kazakhstan")]

    exact_start = view.text.index("permanent strategic") + 2
    drag(view, exact_start, exact_start + 5, ALT)
    QTest.keyClick(view, Qt.Key.Key_3)
    assert ("Target", view.text[exact_start : exact_start + 5]) in stored(sample)


def test_snapping_can_be_turned_off(sample: MainWindow) -> None:
    sample.actions_by_id["snap"].trigger()
    view = sample.view
    start = view.text.index("Tokayev said") + 3
    drag(view, start, start + 6)
    QTest.keyClick(view, Qt.Key.Key_1)
    assert stored(sample) == [("Claim", view.text[start : start + 6])]


def test_label_button_tags_the_selection(sample: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    view = sample.view
    select_by_keyboard(view, view.text.index("Kazakh President"), words=2)
    qtbot.mouseClick(sample.label_bar.buttons["Target"], Qt.MouseButton.LeftButton)
    assert stored(sample) == [("Target", "Kazakh President")]


def test_pressing_a_label_key_on_the_selected_annotation_relabels_it(sample: MainWindow) -> None:
    view = sample.view
    select_by_keyboard(view, view.text.index("Wang Yi"), words=2)
    QTest.keyClick(view, Qt.Key.Key_3)
    QTest.keyClick(view, Qt.Key.Key_2)
    assert stored(sample) == [("Speaker", "Wang Yi")]


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("Launch 🚀 day 🇰🇿 — Nova said the satellite works.", "Nova said"),
        ("新华社报道：外交部发言人表示，中方坚决反对。", "外交部发言人"),
        ("قال وزير الخارجية إن المحادثات مثمرة 😀 جدا", "وزير الخارجية"),
        ("𝐁𝐨𝐥𝐝 𝐦𝐚𝐭𝐡 before the quoted speaker Wei Fenghe", "Wei Fenghe"),
    ],
)
def test_stored_quote_equals_the_selected_text_in_any_script(
    open_window, tmp_path: Path, text: str, target: str
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "article.txt"
    path.write_text(f"Headline\n{text}\n", encoding="utf-8")
    window = open_window([path])
    view = window.view
    start = view.text.index(target)
    drag(view, start, start + len(target))
    selected = view.textCursor().selectedText()
    assert selected == target
    QTest.keyClick(view, Qt.Key.Key_1)
    annotation = window.store.annotations.for_document(window.current_document)[0]
    assert annotation.quote == selected
    assert (annotation.start, annotation.end) == (start, start + len(target))


def test_overlapping_annotations_are_all_visible(sample: MainWindow) -> None:
    view = sample.view
    claim_start = view.text.index("China firmly opposes external forces deliberately")
    drag(view, claim_start, view.text.index(" in Kazakhstan, and calls"))
    QTest.keyClick(view, Qt.Key.Key_1)
    select_by_keyboard(view, claim_start, words=1)  # "China", nested in the claim
    QTest.keyClick(view, Qt.Key.Key_3)
    block = view.document().findBlock(view.offsets.to_utf16(claim_start))
    ranges = block.layout().formats()
    formats = {(r.start, r.length): QTextCharFormat(r.format) for r in ranges}
    offset = view.offsets.to_utf16(claim_start) - block.position()
    china = formats[(offset, len("China"))]
    rest = next(f for (s, _n), f in formats.items() if s == offset + len("China"))
    assert china.underlineStyle() == QTextCharFormat.UnderlineStyle.WaveUnderline  # target
    assert china.background().color().alpha() > 0  # the claim's tint shows through
    assert rest.underlineStyle() == QTextCharFormat.UnderlineStyle.NoUnderline
    assert rest.background().color() != china.background().color()


def test_clicking_overlapping_annotations_cycles_through_them(sample: MainWindow) -> None:
    view = sample.view
    start = view.text.index("Wei Fenghe during")
    drag(view, start, start + len("Wei Fenghe"))
    QTest.keyClick(view, Qt.Key.Key_2)
    select_by_keyboard(view, start, words=1)
    QTest.keyClick(view, Qt.Key.Key_3)
    ids = {a.quote: a.id for a in sample.store.annotations.for_document(sample.current_document)}
    QTest.keyClick(view, Qt.Key.Key_Escape)  # nothing selected: a click picks the smallest
    click(view, start + 1)
    first = sample.workspace.active
    click(view, start + 1)
    second = sample.workspace.active
    assert {first, second} == {ids["Wei"], ids["Wei Fenghe"]}
    assert first == ids["Wei"]  # the smallest span first


def test_sentiment_keys_and_delete_with_undo_redo(sample: MainWindow) -> None:
    view = sample.view
    select_by_keyboard(view, view.text.index("Bilateral relations"), words=2)
    QTest.keyClick(view, Qt.Key.Key_1)
    keys(view, Qt.Key.Key_2, ALT)  # second sentiment value: negative
    annotation = sample.store.annotations.for_document(sample.current_document)[0]
    assert annotation.sentiment == "negative"
    keys(view, Qt.Key.Key_0, ALT)
    assert sample.store.annotations.get(annotation.id).sentiment is None
    keys(view, Qt.Key.Key_Delete)
    assert stored(sample) == []
    keys(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored(sample) == [("Claim", "Bilateral relations")]
    keys(
        view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert stored(sample) == []


def test_boundaries_move_by_word_from_the_keyboard(sample: MainWindow) -> None:
    view = sample.view
    select_by_keyboard(view, view.text.index("strategic partners"), words=1)
    QTest.keyClick(view, Qt.Key.Key_1)
    keys(view, Qt.Key.Key_Left, ALT)  # start one word earlier
    keys(view, Qt.Key.Key_Right, ALT | Qt.KeyboardModifier.ShiftModifier)  # end one word later
    assert stored(sample) == [("Claim", "permanent strategic partners")]
    keys(view, Qt.Key.Key_Right, ALT)
    keys(view, Qt.Key.Key_Left, ALT | Qt.KeyboardModifier.ShiftModifier)
    assert stored(sample) == [("Claim", "strategic")]


def test_highlights_update_in_place_without_reloading_the_text(
    sample: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = sample.view
    reloads: list[str] = []
    monkeypatch.setattr(view, "setPlainText", reloads.append)
    start = view.text.index("Wang Yi")
    drag(view, start, start + len("Wang Yi"))
    scroll = view.verticalScrollBar().value()
    assert scroll > 0  # the phrase is far down: the view is scrolled
    QTest.keyClick(view, Qt.Key.Key_2)
    assert reloads == []
    assert [a.quote for a in sample.store.annotations.for_document(sample.current_document)] == [
        "Wang Yi"
    ]
    assert view.verticalScrollBar().value() == scroll


def test_context_menu_tags_the_selection(sample: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    view = sample.view
    start = view.text.index("Wang Yi")
    drag(view, start, start + len("Wang Yi"))
    chosen: list[str] = []

    def choose() -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(50, choose)  # not open yet
            return
        action = next(a for a in menu.actions() if a.text().startswith("Tag as Speaker"))
        chosen.append(action.text())
        menu.setActiveAction(action)
        QTest.keyClick(menu, Qt.Key.Key_Return)

    QTimer.singleShot(100, choose)
    # What the platform sends on a right-click (or the Menu key) over the selection.
    point = view.cursorRect().center()
    event = QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, point, view.viewport().mapToGlobal(point)
    )
    QApplication.sendEvent(view.viewport(), event)
    qtbot.waitUntil(lambda: bool(chosen))
    assert stored(sample) == [("Speaker", "Wang Yi")]


def test_an_annotation_cannot_shrink_to_nothing(sample: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    view = sample.view
    start = view.text.index("Wang Yi")
    drag(view, start, start + len("Wang Yi"))
    QTest.keyClick(view, Qt.Key.Key_2)
    keys(view, Qt.Key.Key_Left, ALT | Qt.KeyboardModifier.ShiftModifier)  # end: "Wang"
    keys(view, Qt.Key.Key_Left, ALT | Qt.KeyboardModifier.ShiftModifier)  # would be empty
    assert stored(sample) == [("Speaker", "Wang")]
    assert "cannot be shorter" in sample.statusBar().currentMessage()


def test_without_snapping_boundaries_move_by_whole_emoji(open_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "emoji.txt"
    path.write_text("Headline\nGreat launch 👍🏽 today\n", encoding="utf-8")
    window = open_window([path])
    window.actions_by_id["snap"].trigger()  # snapping off: character steps
    view = window.view
    start = view.text.index("launch")
    drag(view, start, start + len("launch "))
    QTest.keyClick(view, Qt.Key.Key_1)
    keys(view, Qt.Key.Key_Right, ALT | Qt.KeyboardModifier.ShiftModifier)  # end: + one character
    assert stored(window) == [("Claim", "launch 👍🏽")]


def test_pressing_the_label_key_twice_makes_one_annotation(sample: MainWindow) -> None:
    view = sample.view
    start = view.text.index("Wang Yi")
    for _ in range(2):
        drag(view, start, start + len("Wang Yi"))
        QTest.keyClick(view, Qt.Key.Key_2)
    assert stored(sample) == [("Speaker", "Wang Yi")]
    assert "Already tagged" in sample.statusBar().currentMessage()
