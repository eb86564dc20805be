"""Syndicated copies in the window: the analyst's annotations carried from an article to its
copy from the document list's menu."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from test_copies import ORIGINAL, republished
from test_document_list import open_row_menu, shown

from annotator.gui.panels.document_list import APPLY_TO_COPIES
from annotator.gui.window.import_flow import ReportDialog
from annotator.gui.window.main_window import MainWindow
from driving import drag
from support import find_top_level


def test_my_annotations_are_carried_to_the_copy(open_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    original = tmp_path / "xinhua.txt"
    original.write_text("Xinhua: talks resume\n" + ORIGINAL, encoding="utf-8")
    copy = tmp_path / "daily.txt"
    copy.write_text("Daily Mirror: talks resume\n" + republished(), encoding="utf-8")
    window: MainWindow = open_window([original])
    window.import_paths([copy])
    window.open_document(window.store.documents.resolve("Xinhua: talks resume").id)
    text = window.view.text
    phrase = text.split("\n\n")[1].split(".")[0]  # the first sentence after the header
    start = text.index(phrase)
    drag(window.view, start, start + len(phrase))
    QTest.keyClick(window.view, Qt.Key.Key_1)
    panel = window.documents
    menu, action = open_row_menu(panel, shown(panel).index("Xinhua: talks resume"))
    carry = next(a for a in menu.actions() if a.text() == APPLY_TO_COPIES)
    assert carry.isEnabled()
    carry.trigger()
    menu.close()
    report = find_top_level(ReportDialog)
    assert report is not None
    copy_id = window.store.documents.resolve("Daily Mirror: talks resume").id
    carried = window.store.annotations.for_document(copy_id)
    # The copy edited the sentence ("on Wednesday" became "this week"): the annotation is
    # re-anchored onto the copy's own wording of it, in the analyst's layer.
    [moved] = carried
    assert moved.quote.startswith("China and Kazakhstan") and moved.quote.endswith("and Europe")
    assert moved.quote == window.store.documents.text(copy_id)[moved.start : moved.end]
    assert moved.analyst_id == window.analyst.id
    assert "Daily Mirror: talks resume" in report.text_view.toPlainText()
