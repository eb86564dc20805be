"""The inspector's "Said by" and "About" lists in the real window: every speaker and target of
the document in reading order, kept current row by row through adds, deletes, undo and renames;
names used in other documents offered as completions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox, QLineEdit

from annotator.gui.window.main_window import MainWindow
from driving import click, drag, keys
from support import SAMPLE

CTRL = Qt.KeyboardModifier.ControlModifier
CLAIM = "Kazakhstan attaches great importance"


def items(box: QComboBox) -> list[str]:
    return [box.itemText(row) for row in range(box.count())]


def tag(window: MainWindow, start: int, words: str, key: Qt.Key) -> None:
    """Select `words` at `start` with the mouse and press the label's key."""
    drag(window.view, start, start + len(words))
    QTest.keyClick(window.view, key)


def show_claim(window: MainWindow) -> None:
    click(window.view, window.view.text.index(CLAIM) + 3)
    assert window.inspector.quote.toPlainText() == CLAIM


class Rows:
    """What Qt was told about a list's rows: inserted, removed, or all replaced."""

    def __init__(self, box: QComboBox) -> None:
        self.inserted = self.removed = self.resets = 0
        model = box.model()
        model.rowsInserted.connect(lambda _p, first, last: self._add("inserted", first, last))
        model.rowsRemoved.connect(lambda _p, first, last: self._add("removed", first, last))
        model.modelReset.connect(lambda: self._add("resets", 0, 0))

    def _add(self, what: str, first: int, last: int) -> None:
        setattr(self, what, getattr(self, what) + last - first + 1)


@pytest.fixture
def window(open_window: Any) -> MainWindow:
    """The sample with Wei Fenghe and Tokayev tagged as speakers, a target and a claim."""
    window: MainWindow = open_window([SAMPLE])
    window.info_bar.hide()
    text = window.view.text
    tag(window, text.index("Wei Fenghe"), "Wei Fenghe", Qt.Key.Key_2)
    tag(window, text.index("\nTokayev said") + 1, "Tokayev", Qt.Key.Key_2)
    tag(window, text.index("certain major powers"), "certain major powers", Qt.Key.Key_3)
    tag(window, text.index(CLAIM), CLAIM, Qt.Key.Key_1)
    return window


def test_said_by_offers_every_speaker_through_adds_deletes_and_undo(window: MainWindow) -> None:
    said_by, about = window.inspector.said_by, window.inspector.about
    assert window.inspector.quote.toPlainText() == CLAIM  # the new claim is shown
    assert items(said_by) == ["—", "“Wei Fenghe”", "“Tokayev”"]
    assert items(about) == ["—", "“certain major powers”"]
    rows = Rows(said_by)

    later = window.view.text.index(f"\nTokayev said {CLAIM}") + 1
    tag(window, later, "Tokayev", Qt.Key.Key_2)  # the same words again, later on
    show_claim(window)
    assert items(said_by) == ["—", "“Wei Fenghe”", "“Tokayev”", "“Tokayev” (2)"]
    assert (rows.inserted, rows.removed, rows.resets) == (1, 0, 0)  # one row, no refill

    click(window.view, window.view.text.index("Wei Fenghe") + 2)
    keys(window.view, Qt.Key.Key_Delete)
    show_claim(window)
    assert items(said_by) == ["—", "“Tokayev”", "“Tokayev” (2)"]
    keys(window.view, Qt.Key.Key_Z, CTRL)  # undo the delete
    show_claim(window)
    assert items(said_by) == ["—", "“Wei Fenghe”", "“Tokayev”", "“Tokayev” (2)"]
    keys(window.view, Qt.Key.Key_Z, CTRL)  # and the later Tokayev
    show_claim(window)
    assert items(said_by) == ["—", "“Wei Fenghe”", "“Tokayev”"]
    assert (rows.inserted, rows.removed, rows.resets) == (2, 2, 0)
    assert items(about) == ["—", "“certain major powers”"]


def test_the_lists_follow_a_rename_and_so_does_a_linked_claim(
    window: MainWindow, qtbot: Any
) -> None:
    said_by = window.inspector.said_by
    said_by.setFocus()
    qtbot.waitUntil(said_by.hasFocus)
    QTest.keyClick(said_by, Qt.Key.Key_Down)
    QTest.keyClick(said_by, Qt.Key.Key_Down)  # "—" → Wei Fenghe → Tokayev: linked
    window.view.setFocus()
    assert said_by.currentText() == "“Tokayev”"
    click(window.view, window.view.text.index("\nTokayev said") + 3)
    name = window.inspector.findChild(QLineEdit, "inspectorSpeakerName")
    name.setFocus()
    qtbot.waitUntil(name.hasFocus)
    QTest.keyClicks(name, "Kassym-Jomart Tokayev")
    QTest.keyClick(name, Qt.Key.Key_Return)

    show_claim(window)
    renamed = "Kassym-Jomart Tokayev — “Tokayev”"
    assert items(said_by) == ["—", "“Wei Fenghe”", renamed]
    assert said_by.currentText() == renamed
    assert window.inspector.about.currentText() == "—"


def test_names_given_in_another_document_are_offered_when_typing(
    open_window: Any, tmp_path: Path, qtbot: Any
) -> None:
    other = tmp_path / "2022-05-01-other.txt"
    other.write_text("Follow-up\nThe general spoke again about security.", encoding="utf-8")
    window: MainWindow = open_window([SAMPLE, other])
    window.info_bar.hide()
    sample = window.current_document
    text = window.view.text
    tag(window, text.index("Wei Fenghe"), "Wei Fenghe", Qt.Key.Key_2)
    name = window.inspector.findChild(QLineEdit, "inspectorSpeakerName")
    name.setFocus()
    qtbot.waitUntil(name.hasFocus)
    QTest.keyClicks(name, "General Wei Fenghe")
    QTest.keyClick(name, Qt.Key.Key_Return)
    keys(window.view, Qt.Key.Key_PageDown, CTRL)  # the other document
    assert window.current_document != sample
    spoke = window.view.text.index("spoke again about security")
    tag(window, spoke, "spoke again about security", Qt.Key.Key_1)

    said_by = window.inspector.said_by
    assert items(said_by) == ["—"]  # no speaker span in this document
    said_by.setFocus()
    qtbot.waitUntil(said_by.hasFocus)
    said_by.lineEdit().selectAll()
    QTest.keyClicks(said_by, "gen")
    popup = said_by.lineEdit().completer().popup()
    qtbot.waitUntil(popup.isVisible)
    assert popup.model().data(popup.model().index(0, 0)) == "General Wei Fenghe"
