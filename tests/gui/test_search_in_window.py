"""Corpus search in the window: Ctrl+Shift+F, Enter to search, Enter to open the hit."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from annotator.core.session import Session
from annotator.gui.window.main_window import MainWindow
from support import SAMPLE

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def test_a_hit_opens_its_document_with_the_words_selected(open_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    other = tmp_path / "other.txt"
    other.write_text(
        "Ministry statement\n\nThe ministry said the drills near the border were routine.\n",
        encoding="utf-8",
    )
    window: MainWindow = open_window([SAMPLE, other])
    window.info_bar.hide()
    sample = next(d for d in window.store.documents.list() if d.title != "Ministry statement")
    window.open_document(sample.id)
    QTest.keyClick(window.view, Qt.Key.Key_F, CTRL_SHIFT)
    edit = window.search.edit
    assert edit.hasFocus()
    QTest.keyClicks(edit, '"drills near"')
    QTest.keyClick(edit, Qt.Key.Key_Return)  # search
    assert window.search.model.rowCount() == 1
    QTest.keyClick(edit, Qt.Key.Key_Return)  # open the hit
    assert window.store.documents.get(window.current_document).title == "Ministry statement"  # type: ignore[arg-type]
    assert window.view.textCursor().selectedText() == "drills near"
    assert window.view.hasFocus()
    # Ready to tag: the label key tags exactly the hit.
    QTest.keyClick(window.view, Qt.Key.Key_1)
    quotes = [a.quote for a in window.store.annotations.for_document(window.current_document)]  # type: ignore[arg-type]
    assert quotes == ["drills near"]


def test_an_annotation_hit_selects_that_annotation_not_another_on_its_span(open_window) -> None:  # type: ignore[no-untyped-def]
    window: MainWindow = open_window([SAMPLE])
    window.info_bar.hide()
    doc = window.current_document
    assert doc is not None
    text = window.view.text
    start = text.index("Tokayev")
    annotation, _ = window.session.create_annotation(
        document_id=doc,
        label_id=window.store.codebook.get().by_name("Speaker").id,
        start=start,
        end=start + len("Tokayev"),
    )
    olga = Session(window.store, window.store.ensure_analyst("Olga"))
    theirs, _ = olga.create_annotation(  # the same span in Olga's layer
        document_id=doc,
        label_id=window.store.codebook.get().by_name("Target").id,
        start=start,
        end=start + len("Tokayev"),
    )
    window.refresh(force=True)
    window.search.scope.setCurrentIndex(1)  # annotations
    QTest.keyClick(window.view, Qt.Key.Key_F, CTRL_SHIFT)
    QTest.keyClicks(window.search.edit, "label:Speaker tokayev")
    QTest.keyClick(window.search.edit, Qt.Key.Key_Return)
    assert window.search.model.rowCount() == 1
    window.workspace.select(None)
    QTest.keyClick(window.search.edit, Qt.Key.Key_Return)
    assert window.workspace.active == annotation.id
    window.search.edit.clear()
    QTest.keyClicks(window.search.edit, "analyst:Olga tokayev")
    QTest.keyClick(window.search.edit, Qt.Key.Key_Return)
    QTest.keyClick(window.search.edit, Qt.Key.Key_Return)
    assert window.workspace.active == theirs.id


def test_imported_documents_are_indexed_by_the_import_itself(open_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from annotator.core.search import pending

    window: MainWindow = open_window([SAMPLE])
    window.info_bar.hide()
    article = tmp_path / "drills.txt"
    article.write_text("Naval drills\n\nThe drills ended on Friday.\n", encoding="utf-8")
    window.import_paths([article])
    assert pending(window.store) == 0  # the first search pays nothing
    window.search.search("drills")
    assert window.search.model.rowCount() == 1
