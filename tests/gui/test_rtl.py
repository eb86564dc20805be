"""Right-to-left paragraphs in the reading view: aligned right and read right to left, next to
left-to-right paragraphs that stay on the left; tagging across them keeps exact offsets."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest

from annotator.gui.reading.document_view import DocumentView
from annotator.gui.window.main_window import MainWindow
from driving import drag

ENGLISH = "The ministers met on Friday to discuss the dam."
ARABIC = "قال وزير الخارجية إن المحادثات كانت مثمرة جدا."
HEBREW = "שר החוץ אמר כי השיחות היו פוריות מאוד."
#: A right-to-left paragraph long enough to wrap, with a Latin name inside it.
LONG_ARABIC = (
    "وقال المتحدث باسم الوزارة لوكالة Reuters إن الجانبين اتفقا على مواصلة الحوار "
    "الأسبوع المقبل في القاهرة، وإن اللجنة الفنية ستجتمع قبل ذلك لمراجعة البيانات. " * 3
).strip()
TEXT = f"Water talks\n{ENGLISH}\n{ARABIC}\n{HEBREW}\n{LONG_ARABIC}\nObservers were hopeful.\n"


@pytest.fixture
def window(open_window, tmp_path: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    path = tmp_path / "2023-06-02-water-talks.txt"
    path.write_text(TEXT, encoding="utf-8")
    window: MainWindow = open_window([path])
    window.info_bar.hide()
    return window


def caret_x(view: DocumentView, cp: int) -> int:
    """Viewport x of the caret before code point `cp` (where its character is drawn)."""
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.offsets.to_utf16(cp))
    view.setTextCursor(cursor)
    view.ensureCursorVisible()
    return view.cursorRect(cursor).x()


def test_right_to_left_paragraphs_align_right_and_left_to_right_ones_left(
    window: MainWindow,
) -> None:
    view = window.view
    width = view.viewport().width()
    text = view.text
    english, arabic, hebrew = (text.index(p) for p in (ENGLISH, ARABIC, HEBREW))
    # A paragraph's first character sits at its reading start: left edge for English …
    assert caret_x(view, english) < width * 0.1
    # … right edge for Arabic and Hebrew (their lines are shorter than the view).
    for start, paragraph in ((arabic, ARABIC), (hebrew, HEBREW)):
        first, last = caret_x(view, start), caret_x(view, start + len(paragraph))
        assert first > width * 0.9, paragraph
        assert last < first  # read right to left: the end is further left
        assert last > width * 0.3  # a short line ends away from the left edge
    # Every line of a wrapping right-to-left paragraph starts at the right edge, and its last
    # (short) line ends away from the left edge: aligned right, not stretched.
    block = view.document().findBlock(view.offsets.to_utf16(text.index(LONG_ARABIC)))
    layout = block.layout()
    assert layout.lineCount() >= 3
    right_edges = set()
    for n in range(layout.lineCount()):
        line = layout.lineAt(n)
        right_edges.add(round(line.x() + line.width()))
        caret, _ = line.cursorToX(line.textStart())
        assert caret == pytest.approx(line.x() + line.width(), abs=2)
    assert len(right_edges) == 1
    last = layout.lineAt(layout.lineCount() - 1)
    assert last.naturalTextWidth() < last.width() / 2
    # Left-to-right lines are not stretched either (ragged right).
    observers = text.index("Observers were hopeful.")
    assert caret_x(view, observers + len("Observers were hopeful.")) < width / 2


def test_tagging_in_right_to_left_and_mixed_paragraphs_keeps_exact_offsets(
    window: MainWindow,
) -> None:
    view = window.view
    text = view.text
    for phrase in ("وزير الخارجية", "השיחות היו פוריות", "Reuters"):
        start = text.index(phrase)
        drag(view, start, start + len(phrase))
        assert view.textCursor().selectedText() == phrase
        QTest.keyClick(view, Qt.Key.Key_1)
    # Across the two directions: from inside the Arabic paragraph into the Hebrew one.
    start = text.index("مثمرة جدا.")
    end = text.index("שר החוץ") + len("שר החוץ")
    drag(view, start, end)
    QTest.keyClick(view, Qt.Key.Key_3)
    stored = {
        (a.start, a.end, a.quote)
        for a in window.store.annotations.for_document(window.current_document)
    }
    expected = {
        (text.index(p), text.index(p) + len(p), p)
        for p in ("وزير الخارجية", "השיחות היו פוריות", "Reuters")
    }
    expected.add((start, end, text[start:end]))
    assert stored == expected
