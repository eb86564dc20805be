"""The printable report as PDF, drawn with Qt from the same content as the HTML report.

The QTextDocument is built with QTextCursor and plain-text inserts (never from HTML), so text in
an article can never turn into markup.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import (
    QColor,
    QFont,
    QPageLayout,
    QPageSize,
    QPdfWriter,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextTableFormat,
)

from annotator import __version__
from annotator.core.errors import AnnotatorError
from annotator.core.report import ReportContent
from annotator.core.styling import segment_style
from annotator.gui.text_formats import char_format


def build_document(content: ReportContent) -> QTextDocument:
    doc = QTextDocument()
    body = QFont("Serif", 11)
    doc.setDefaultFont(body)
    cursor = QTextCursor(doc)
    plain = QTextCharFormat()
    plain.setFont(body)
    title = QTextCharFormat(plain)
    title.setFontPointSize(17)
    title.setFontWeight(QFont.Weight.Bold)
    meta = QTextCharFormat(plain)
    meta.setForeground(QColor("#666666"))
    meta.setFontPointSize(9)
    marker = QTextCharFormat(plain)
    marker.setVerticalAlignment(QTextCharFormat.VerticalAlignment.AlignSuperScript)
    marker.setForeground(QColor("#555555"))
    document = content.document

    cursor.insertText(document.title, title)
    cursor.insertBlock()
    cursor.insertText(
        f"{document.published or ''} · {document.source} · {len(content.rows)} annotations · "
        f"Annotator {__version__}",
        meta,
    )
    cursor.insertBlock()
    for label in content.codebook.labels:
        cursor.insertText("  ■ ", char_format(segment_style([(label, 1)]), plain))
        cursor.insertText(f"{label.name} ({content.counts.get(label.name, 0)})  ", plain)
    spaced = QTextBlockFormat()
    spaced.setBottomMargin(6)
    for start, end in content.paragraphs():
        cursor.insertBlock(spaced)
        for text, style, numbers in content.pieces(start, end):
            cursor.insertText(text, char_format(style, plain))
            if numbers:
                cursor.insertText(",".join(str(n) for n in numbers), marker)
    cursor.insertBlock()
    cursor.insertText("Annotations", title)
    cursor.insertBlock()
    headers = ["#", "Label", "Quote", "Speaker", "Target", "Sentiment", "Analyst", "Note"]
    table_format = QTextTableFormat()
    table_format.setCellPadding(3)
    table_format.setBorder(0.5)
    table = cursor.insertTable(len(content.rows) + 1, len(headers), table_format)
    small = QTextCharFormat(plain)
    small.setFontPointSize(8)
    bold = QTextCharFormat(small)
    bold.setFontWeight(QFont.Weight.Bold)
    for column, header in enumerate(headers):
        table.cellAt(0, column).firstCursorPosition().insertText(header, bold)
    for row_number, row in enumerate(content.rows, start=1):
        a = row.annotation
        values = [
            str(row.number),
            row.label.name,
            a.quote,
            row.speaker,
            row.target,
            a.sentiment or "",
            row.analyst,
            a.note,
        ]
        for column, value in enumerate(values):
            table.cellAt(row_number, column).firstCursorPosition().insertText(value, small)
    return doc


def write_pdf(content: ReportContent, path: Path) -> None:
    """Write the report to `path` as PDF (A4); the caller handles atomic replacement."""
    writer = QPdfWriter(str(path))
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(18, 18, 18, 18),
        )
    )
    writer.setTitle(content.document.title)
    writer.setCreator(f"Annotator {__version__}")
    doc = build_document(content)
    doc.print_(writer)


def write_pdf_report(content: ReportContent, path: Path) -> None:
    """Write the PDF next to `path` first and rename it into place only once complete."""
    path = Path(path)
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        write_pdf(content, temp)
        if not temp.exists() or temp.stat().st_size == 0:
            raise AnnotatorError(f"Qt could not write the PDF: {path} was not written.")
        os.replace(temp, path)
    except OSError as exc:
        raise AnnotatorError(f"Could not write {path} ({exc.strerror or exc}).") from exc
    finally:
        temp.unlink(missing_ok=True)
