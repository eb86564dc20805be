"""The PDF report: a real PDF with the article, highlights drawn as formats, markup literal."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QTextCharFormat
from test_report import TEXT, _setup

from annotator.core.report import report_content
from annotator.core.store import Store
from annotator.gui.report_pdf import build_document, write_pdf


def test_pdf_is_written_with_the_article_and_markup_shown_literally(
    qapp, fresh_store: Store, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    content = report_content(fresh_store, _setup(fresh_store))
    document = build_document(content)
    text = document.toPlainText()
    # Markup stays characters (superscript numbers follow each annotation's end).
    assert "said <b>China" in text and "</b> opposes" in text
    assert TEXT.split("\n")[1] in text
    assert "<img src=x onerror=alert(1)>" in text  # the note, in the list
    out = tmp_path / "report.pdf"
    write_pdf(content, out)
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")


def test_highlights_become_character_formats(qapp, fresh_store: Store) -> None:  # type: ignore[no-untyped-def]
    content = report_content(fresh_store, _setup(fresh_store))
    document = build_document(content)
    found = document.find("Wei Fenghe")
    assert not found.isNull()
    fmt = QTextCharFormat(found.charFormat())
    assert fmt.underlineStyle() == QTextCharFormat.UnderlineStyle.SingleUnderline  # speaker
