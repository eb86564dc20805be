"""Comment threads in the inspector: typed, posted with Ctrl+Return, undone, deleted, kept."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from annotator.core.session import Session
from annotator.gui.window.main_window import MainWindow
from driving import select_by_keyboard
from support import SAMPLE

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def tagged(open_window) -> MainWindow:  # type: ignore[no-untyped-def]
    """The sample with two speakers tagged by keyboard; the second is selected."""
    window: MainWindow = open_window([SAMPLE])
    window.info_bar.hide()
    view = window.view
    select_by_keyboard(view, view.text.index("Wei Fenghe"), words=2)
    QTest.keyClick(view, Qt.Key.Key_2)
    select_by_keyboard(view, view.text.index("Tokayev"), words=1)
    QTest.keyClick(view, Qt.Key.Key_2)
    return window


def thread(window: MainWindow) -> list[str]:
    comments = window.inspector.comments.list
    return [comments.item(i).text() for i in range(comments.count())]  # type: ignore[union-attr]


def post(window: MainWindow, text: str) -> None:
    reply = window.inspector.comments.reply
    reply.setFocus()
    QTest.keyClicks(reply, text)
    QTest.keyClick(reply, Qt.Key.Key_Return, CTRL)


def test_a_comment_is_posted_with_ctrl_return_saved_and_undone(tagged: MainWindow) -> None:
    window = tagged
    active = window.workspace.active
    assert active is not None
    post(window, "Is he <b>quoted</b> or paraphrased?")
    stored = window.store.comments.thread(active)
    assert [c.body for c in stored] == ["Is he <b>quoted</b> or paraphrased?"]
    assert stored[0].author_id == window.analyst.id
    assert thread(window)[0].startswith("Ana · ")
    assert thread(window)[0].endswith("\nIs he <b>quoted</b> or paraphrased?")  # literal
    assert window.inspector.comments.reply.toPlainText() == ""
    QTest.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    assert window.store.comments.thread(active) == [] and thread(window) == []


def test_only_ones_own_comment_can_be_deleted(tagged: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = tagged
    active = window.workspace.active
    assert active is not None
    olga = Session(window.store, window.store.ensure_analyst("Olga"))
    olga.add_comment(active, "Check the transcript")
    window.refresh(force=True)
    post(window, "Done")
    comments = window.inspector.comments
    assert [t.split("\n")[1] for t in thread(window)] == ["Check the transcript", "Done"]
    comments.list.setCurrentRow(0)
    assert not comments.delete.isEnabled()  # Olga's
    comments.list.setCurrentRow(1)
    assert comments.delete.isEnabled()
    qtbot.mouseClick(comments.delete, Qt.MouseButton.LeftButton)
    assert [c.body for c in window.store.comments.thread(active)] == ["Check the transcript"]


def test_a_draft_stays_with_its_annotation(tagged: MainWindow) -> None:
    window = tagged
    reply = window.inspector.comments.reply
    reply.setFocus()
    QTest.keyClicks(reply, "half a thought")
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)  # other span
    assert reply.toPlainText() == ""
    QTest.keyClick(window.view, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)  # back
    assert reply.toPlainText() == "half a thought"
    assert window.store.conn.execute("SELECT count(*) FROM comments").fetchone()[0] == 0
