"""A long document is highlighted where the analyst looks: the lines on screen at once, the
lines scrolled (or resized) into view before they are painted, the rest never waited for."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtGui import QTextBlock, QTextCursor
from PySide6.QtTest import QTest

from annotator.core.codebook import Codebook, Label
from annotator.core.offsets import OffsetMap
from annotator.core.records import AnalystId, Annotation, AnnotationId, DocumentId, LabelId
from annotator.core.session import Session
from annotator.core.span_index import SpanIndex
from annotator.gui.reading.document_view import DocumentView
from annotator.gui.reading.highlighter import AnnotationHighlighter
from annotator.gui.window.main_window import MainWindow
from driving import keys

LINES = 400
TEXT = "\n".join(f"{n}: the minister said the talks were constructive." for n in range(LINES))
CLAIM = Label(LabelId("claim"), "Claim", "claim", "1", "#e07b39", "", 0)


def claim_on_every_line() -> list[Annotation]:
    found, start = [], 0
    for n, line in enumerate(TEXT.split("\n")):
        at = start + line.index("minister")
        found.append(
            Annotation(
                id=AnnotationId(f"a{n}"),
                document_id=DocumentId("d"),
                analyst_id=AnalystId("ana"),
                label_id=CLAIM.id,
                start=at,
                end=at + len("minister"),
                quote="minister",
                prefix="",
                suffix="",
            )
        )
        start += len(line) + 1
    return found


def highlighted(block: QTextBlock) -> bool:
    return any(r.format.background().color().alpha() > 0 for r in block.layout().formats())


def on_screen(view: DocumentView) -> list[QTextBlock]:
    document = view.document()
    return [document.findBlockByNumber(n) for n in view.visible_lines()]


@pytest.fixture
def view(qtbot: Any) -> DocumentView:
    """A reading view of LINES lines with a claim on each, highlighted lazily."""
    view = DocumentView()
    qtbot.addWidget(view)
    view.resize(QSize(600, 400))
    highlighter = AnnotationHighlighter(view.document())
    highlighter.set_codebook(Codebook((CLAIM,), ()))
    index = SpanIndex(TEXT)
    index.reset(claim_on_every_line())
    offsets = OffsetMap(TEXT)
    highlighter.set_content(index, offsets, lazy=True)
    highlighter.follow(view)
    view.show()
    qtbot.waitExposed(view)
    view.show_text(TEXT, offsets)
    view._highlighter = highlighter  # type: ignore[attr-defined]  # kept alive with the view
    return view


def test_only_the_lines_on_screen_are_highlighted_at_first(view: DocumentView) -> None:
    shown = on_screen(view)
    assert len(shown) > 3 and all(map(highlighted, shown))
    assert not highlighted(view.document().lastBlock())  # nothing off screen waited for
    highlighter: AnnotationHighlighter = view._highlighter  # type: ignore[attr-defined]
    assert len(highlighter.unreleased_lines()) >= LINES - len(shown) - 1


def test_lines_scrolled_into_view_with_the_scrollbar_are_highlighted_before_painted(
    view: DocumentView,
) -> None:
    bar = view.verticalScrollBar()
    groove_below_handle = QPoint(bar.width() // 2, bar.height() - 25)
    for _ in range(3):  # a page down per click on the groove
        before = view.visible_lines()
        QTest.mouseClick(
            bar, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, groove_below_handle
        )
        assert view.visible_lines().start > before.start
        shown = on_screen(view)
        assert all(map(highlighted, shown)), [b.blockNumber() for b in shown if not highlighted(b)]
    image = view.viewport().grab().toImage()  # what is painted carries the claim's tint
    tinted = QPoint(*_point_inside(view, on_screen(view)[1]))
    assert image.pixelColor(tinted) != view.palette().base().color()
    assert not highlighted(view.document().lastBlock())

    bar.setSliderDown(True)  # dragged to the very end
    bar.setSliderPosition(bar.maximum())
    bar.setSliderDown(False)
    assert all(map(highlighted, on_screen(view)))
    assert highlighted(view.document().lastBlock())


def test_lines_brought_into_view_by_keys_or_a_taller_window_are_highlighted(
    view: DocumentView,
) -> None:
    view.setFocus()
    keys(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert view.visible_lines().stop == LINES
    assert all(map(highlighted, on_screen(view)))
    keys(view, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    before = view.visible_lines()
    view.resize(QSize(600, 800))
    assert view.visible_lines().stop > before.stop
    assert all(map(highlighted, on_screen(view)))


def _point_inside(view: DocumentView, block: QTextBlock) -> tuple[int, int]:
    """A viewport point on the block's "minister" (the claim)."""
    cursor = QTextCursor(block)
    cursor.setPosition(block.position() + block.text().index("minister") + 3)
    rect = view.cursorRect(cursor)
    return rect.center().x(), rect.center().y()


def test_a_long_document_is_ready_once_its_screen_is_highlighted(
    open_window: Any, tmp_path: Path, qtbot: Any
) -> None:
    """In the window: ready (settled) with the screen highlighted; scrolling to the end with
    the scrollbar shows the end highlighted at its first paint."""
    article = tmp_path / "2020-01-01-long.txt"
    article.write_text("Long report\n" + TEXT, encoding="utf-8")
    window: MainWindow = open_window([article])
    session = Session(window.store, window.store.ensure_analyst("Ana"))
    claim = window.store.codebook.get().by_name("Claim").id
    text = window.view.text
    doc = window.current_document
    assert doc is not None
    for at in (text.index("0: the minister"), text.rindex("minister")):
        session.create_annotation(document_id=doc, label_id=claim, start=at, end=at + 8)
    window.workspace.reload()
    qtbot.waitUntil(window.workspace.settled)
    assert window.table.model.rowCount() == 2
    assert highlighted(window.view.document().findBlockByNumber(1))
    bar = window.view.verticalScrollBar()
    bar.setSliderDown(True)
    bar.setSliderPosition(bar.maximum())
    bar.setSliderDown(False)
    assert highlighted(window.view.document().lastBlock())
