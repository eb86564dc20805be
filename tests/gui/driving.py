"""Driving the reading view like a user: clicks, drags and keys at code-point positions."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from annotator.gui.reading.document_view import DocumentView

NO_MOD = Qt.KeyboardModifier.NoModifier


def point_of(view: DocumentView, cp: int) -> QPoint:
    """Viewport point of the caret position before code point `cp` (scrolled into view)."""
    # Scroll there by placing the caret (a click there will put it there anyway).
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.offsets.to_utf16(cp))
    view.setTextCursor(cursor)
    view.ensureCursorVisible()
    return view.cursorRect(cursor).center()


def click(view: DocumentView, cp: int, modifiers: Qt.KeyboardModifier = NO_MOD) -> None:
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, modifiers, point_of(view, cp))


def drag(view: DocumentView, start: int, end: int, modifiers: Qt.KeyboardModifier = NO_MOD) -> None:
    """Press at `start`, move with the button held, release at `end`."""
    p1, p2 = point_of(view, start), point_of(view, end)
    viewport = view.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, modifiers, p1)
    for fraction in (0.3, 0.6, 1.0):
        point = QPointF(
            p1.x() + (p2.x() - p1.x()) * fraction, p1.y() + (p2.y() - p1.y()) * fraction
        )
        move = QMouseEvent(
            QEvent.Type.MouseMove,
            point,
            QPointF(viewport.mapToGlobal(point.toPoint())),
            Qt.MouseButton.NoButton,
            Qt.MouseButton.LeftButton,
            modifiers,
        )
        QApplication.sendEvent(viewport, move)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, modifiers, p2)


def keys(
    view: DocumentView, key: Qt.Key, modifiers: Qt.KeyboardModifier = NO_MOD, times: int = 1
) -> None:
    for _ in range(times):
        QTest.keyClick(view, key, modifiers)


def select_by_keyboard(view: DocumentView, start: int, words: int) -> None:
    """Click to put the caret at `start`, then Ctrl+Shift+Right `words` times."""
    click(view, start)
    keys(
        view,
        Qt.Key.Key_Right,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        words,
    )
