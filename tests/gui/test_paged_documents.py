"""A PDF imported in the window: tagging on its second page, the inspector cites page 2."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel
from test_import_pdf import make_pdf, statement_page

from annotator.gui.window.main_window import MainWindow
from driving import drag


def test_tagging_on_the_second_page_of_a_pdf_cites_it(open_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pdf = tmp_path / "statement.pdf"
    pdf.write_bytes(make_pdf([statement_page, statement_page]))
    window: MainWindow = open_window([pdf])
    text = window.view.text
    document = window.store.documents.get(window.current_document)  # type: ignore[arg-type]
    assert len(document.page_starts) == 2
    second = text.index("Minister", document.page_starts[1])
    drag(window.view, second, second + len("Minister"))
    QTest.keyClick(window.view, Qt.Key.Key_1)
    position = window.inspector.findChild(QLabel, "inspectorPosition")
    assert position.text().endswith("· page 2"), position.text()
