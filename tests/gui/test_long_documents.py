"""Long documents open screen-first: highlights far down and the full table follow at once."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCharFormat

from annotator.core.session import Session
from annotator.core.store import Store
from annotator.gui.window.main_window import MainWindow
from driving import keys


def test_highlights_beyond_the_first_screen_and_every_row_arrive(
    open_window, db_path: Path, tmp_path: Path, qtbot
) -> None:  # type: ignore[no-untyped-def]
    paragraph = "The minister said the talks were constructive and would continue. " * 6
    text = "Long article\n" + "\n".join(f"{n}: {paragraph}" for n in range(600))
    article = tmp_path / "2020-01-01-long.txt"
    article.write_text(text, encoding="utf-8")
    other = tmp_path / "2021-01-01-short.txt"
    other.write_text("Short one\nJust a line.", encoding="utf-8")
    window: MainWindow = open_window([article, other])
    store: Store = window.store
    doc = window.current_document
    session = Session(store, store.ensure_analyst("Ana"))
    claim = store.codebook.get().by_name("Claim").id
    last_line = text.rindex("\n") + 1
    for start in (14, len(text) // 2, last_line + 5):
        session.create_annotation(document_id=doc, label_id=claim, start=start, end=start + 8)
    # Away and back: the long document opens from scratch.
    keys(window.view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.current_document != doc
    keys(window.view, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert window.current_document == doc
    qtbot.waitUntil(lambda: window.table.model.rowCount() == 3)
    block = window.view.document().lastBlock()

    def highlighted() -> bool:
        return any(
            QTextCharFormat(r.format).background().color().alpha() > 0
            for r in block.layout().formats()
        )

    qtbot.waitUntil(highlighted)
