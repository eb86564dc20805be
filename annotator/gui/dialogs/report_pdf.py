"""The printable report as PDF, drawn with Qt from the same content as the HTML report.

The QTextDocument is built with QTextCursor and plain-text inserts (never from HTML), so text in
an article can never turn into markup.

The document is laid out on A4 pages at the PDF's resolution (a `QPdfWriter` on a buffer is
its layout device) and each page is then drawn onto the file's writer, so the pages the report
checks while it is built are the pages that get printed. That is how a heading is kept with the
rows that follow it: Qt's text layout has no "keep with next", only page breaks, so a heading
that would end a page gets a page break before it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QMarginsF, QObject, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextBlock,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextLength,
    QTextOption,
    QTextTable,
    QTextTableFormat,
)

from annotator import __version__
from annotator.core.atomic_files import replacing
from annotator.core.errors import AnnotatorError
from annotator.core.report import ReportContent
from annotator.gui.reading.text_formats import char_format

#: A4 with 18 pt margins; the bottom FOOTER points of the printable area hold the page number.
PAGE_LAYOUT = QPageLayout(
    QPageSize(QPageSize.PageSizeId.A4),
    QPageLayout.Orientation.Portrait,
    QMarginsF(18, 18, 18, 18),
)
FOOTER = 16.0  # points
CELL_PADDING = 3.0  # points
#: The widest a narrow column (label, names, sentiment, …) may grow, as a share of the table.
NARROW_MAX = 0.14
#: A word wider than this share of the table is cut rather than widen its narrow column.
WORD_MAX = 0.22
#: Of the width left to quotes and notes, the quote's share (when any row has a note).
QUOTE_SHARE = 0.6
#: Legend swatch: non-breaking spaces painted in the label's colour (a ■ glyph would be drawn
#: in the text colour, black).
SWATCH = "\u00a0" * 3


def configure(writer: QPdfWriter) -> None:
    writer.setPageLayout(PAGE_LAYOUT)


def layout_device(parent: QObject) -> QPdfWriter:
    """A PDF writer on a memory buffer, owned by `parent`: the report's layout device."""
    buffer = QBuffer(parent)
    writer = QPdfWriter(buffer)
    writer.setParent(parent)
    configure(writer)
    return writer


def _points(device: QPagedPaintDevice) -> float:
    """Device pixels per point."""
    return device.logicalDpiY() / 72.0


def _format_unit(device: QPagedPaintDevice) -> float:
    """Device pixels per unit of the lengths in text formats (padding, borders, fixed widths):
    Qt scales those from the screen's resolution to the layout device's, so measure it."""
    probe = QTextDocument()
    probe.documentLayout().setPaintDevice(device)
    probe.setDocumentMargin(0)
    fmt = QTextTableFormat()
    fmt.setBorder(0)
    fmt.setCellPadding(0)
    fmt.setCellSpacing(0)
    fmt.setColumnWidthConstraints([QTextLength(QTextLength.Type.FixedLength, 100)])
    table = QTextCursor(probe).insertTable(1, 1, fmt)
    width = probe.documentLayout().frameBoundingRect(table).width()
    return width / 100 if width > 0 else _points(device) * 72 / 96


def build_document(content: ReportContent) -> QTextDocument:
    """The report as a paginated QTextDocument, laid out as the PDF prints it."""
    doc = QTextDocument()
    device = layout_device(doc)
    doc.documentLayout().setPaintDevice(device)
    px = _points(device)
    doc.setDocumentMargin(0)  # the page layout has the margins
    doc.setPageSize(QSizeF(device.width(), device.height() - FOOTER * px))
    option = doc.defaultTextOption()
    # Lines break between words; a single word wider than its line (a long URL in a narrow
    # cell) is the only thing cut inside.
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    doc.setDefaultTextOption(option)
    body = QFont("Serif", 11)
    doc.setDefaultFont(body)
    cursor = QTextCursor(doc)
    # One edit block: the paginated layout runs once at the end, not after every insert.
    cursor.beginEditBlock()
    heading, table = _fill(doc, cursor, content, device, body)
    cursor.endEditBlock()
    if table is not None:
        keep_with_next(doc, heading, lambda: row_extent(doc, table, 1))
    return doc


def _fill(
    doc: QTextDocument,
    cursor: QTextCursor,
    content: ReportContent,
    device: QPagedPaintDevice,
    body: QFont,
) -> tuple[QTextBlock, QTextTable | None]:
    """Write the report at `cursor`: its "Annotations" heading and table (if any rows)."""
    px = _points(device)
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
    cursor.insertText(content.meta(__version__), meta)
    legend = QTextBlockFormat()
    legend.setTopMargin(4)
    legend.setBottomMargin(10)
    cursor.insertBlock(legend)
    for number, label in enumerate(content.codebook.labels):
        swatch = QTextCharFormat(plain)
        swatch.setBackground(QColor(label.color))
        if number:
            cursor.insertText("\u2003\u2003", plain)
        cursor.insertText(SWATCH, swatch)
        cursor.insertText(f"\u00a0{label.name} ({content.counts.get(label.name, 0)})", plain)
    spaced = QTextBlockFormat()
    spaced.setBottomMargin(6)
    for start, end in content.paragraphs():
        cursor.insertBlock(spaced)
        for text, style, numbers in content.pieces(start, end):
            cursor.insertText(text, char_format(style, plain))
            if numbers:
                cursor.insertText(",".join(str(n) for n in numbers), marker)
    heading_format = QTextBlockFormat()
    heading_format.setTopMargin(12)
    heading_format.setBottomMargin(4)
    cursor.insertBlock(heading_format)
    heading = cursor.block()
    cursor.insertText("Annotations", title)
    if not content.rows:
        cursor.insertBlock(QTextBlockFormat())
        cursor.insertText("No annotations.", plain)
        return heading, None
    cursor.insertBlock(QTextBlockFormat())
    small = QTextCharFormat(plain)
    small.setFontPointSize(8)
    bold = QTextCharFormat(small)
    bold.setFontWeight(QFont.Weight.Bold)
    columns = content.columns
    rows = [content.values(row) for row in content.rows]
    unit = _format_unit(device)
    table_format = QTextTableFormat()
    table_format.setCellPadding(CELL_PADDING * px / unit)
    table_format.setCellSpacing(0)
    table_format.setBorder(0.5 * px / unit)
    table_format.setBorderCollapse(True)
    table_format.setHeaderRowCount(1)  # repeated at the top of every page the table reaches
    table_format.setWidth(QTextLength(QTextLength.Type.PercentageLength, 100))
    table_format.setColumnWidthConstraints(
        _column_widths(doc, device, columns, rows, small, bold, (2 * CELL_PADDING + 1) * px)
    )
    table = cursor.insertTable(len(rows) + 1, len(columns), table_format)
    for row_number, values in enumerate([[header for header, _ in columns], *rows]):
        for column, value in enumerate(values):
            cell = table.cellAt(row_number, column).firstCursorPosition()
            cell.setBlockCharFormat(bold if row_number == 0 else small)  # empty cells too
            cell.insertText(value, bold if row_number == 0 else small)
    return heading, table


def _column_widths(
    doc: QTextDocument,
    device: QPagedPaintDevice,
    columns: tuple[tuple[str, int | None], ...],
    rows: list[list[str]],
    small: QTextCharFormat,
    bold: QTextCharFormat,
    padding: float,
) -> list[QTextLength]:
    """Narrow columns as wide as their text (at most NARROW_MAX of the table) but at least
    their longest word (up to WORD_MAX); quotes and notes share the rest. In percent."""
    body = QFontMetricsF(small.font(), device)
    head = QFontMetricsF(bold.font(), device)
    total = doc.pageSize().width()
    # Padding both sides and borders (`padding`), and a little room for rounding.
    extra = padding + head.averageCharWidth()
    widths: list[float | None] = []
    for column, (header, share) in enumerate(columns):
        values = [values[column] for values in rows]
        words = [w for value in values for w in value.split()]
        longest_word = max(
            [head.horizontalAdvance(header), *(body.horizontalAdvance(w) for w in words)]
        )
        if share is not None and any(values):
            widths.append(None)  # quote or note: shares the rest
            continue
        longest = max(
            [head.horizontalAdvance(header), *(body.horizontalAdvance(v) for v in values)]
        )
        wanted = max(longest_word, min(longest, NARROW_MAX * total))
        widths.append(min(wanted, WORD_MAX * total) + extra)
    rest = max(total - sum(w for w in widths if w is not None), 0.0)
    wide = [i for i, w in enumerate(widths) if w is None]
    quote = [header for header, _share in columns].index("Quote")
    for i in wide:
        if len(wide) == 1:
            widths[i] = rest
        else:
            widths[i] = rest * (QUOTE_SHARE if i == quote else (1 - QUOTE_SHARE))
    return [
        QTextLength(QTextLength.Type.PercentageLength, 100 * (w or 0.0) / total) for w in widths
    ]


def row_extent(doc: QTextDocument, table: QTextTable, row: int) -> tuple[float, float]:
    """Top and bottom of one table row in document coordinates (pages stacked)."""
    layout = doc.documentLayout()
    tops, bottoms = [], []
    for column in range(table.columns()):
        cell = table.cellAt(row, column)
        tops.append(layout.blockBoundingRect(cell.firstCursorPosition().block()).top())
        bottoms.append(layout.blockBoundingRect(cell.lastCursorPosition().block()).bottom())
    return min(tops), max(bottoms)


def page_of(doc: QTextDocument, y: float) -> int:
    return int(y // doc.pageSize().height())


def keep_with_next(
    doc: QTextDocument, heading: QTextBlock, follower: Callable[[], tuple[float, float]]
) -> None:
    """Put a page break before `heading` if what follows it (`follower()`: its top and bottom)
    would start or, when it is no taller than half a page, end on a later page."""
    layout = doc.documentLayout()
    top = layout.blockBoundingRect(heading).top()
    first, last = follower()
    end = last if last - first <= doc.pageSize().height() / 2 else first
    if page_of(doc, top) != page_of(doc, max(end - 1, first)):
        fmt = heading.blockFormat()
        fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
        QTextCursor(heading).setBlockFormat(fmt)


def draw_page(doc: QTextDocument, painter: QPainter, page: int) -> None:
    """Draw one page of a document from `build_document` with its number, at the painter's
    origin in layout-device pixels (scale the painter for another resolution)."""
    size = doc.pageSize()
    painter.save()
    painter.translate(0, -page * size.height())
    doc.drawContents(painter, QRectF(0, page * size.height(), size.width(), size.height()))
    painter.restore()
    device = doc.documentLayout().paintDevice()
    px = _points(device) if isinstance(device, QPagedPaintDevice) else 1.0
    font = QFont("Sans Serif")
    font.setPointSizeF(8)
    painter.save()
    painter.setFont(font)
    painter.setPen(QColor("#666666"))
    painter.drawText(
        QRectF(0, size.height(), size.width(), FOOTER * px),
        int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom),
        f"{page + 1} / {doc.pageCount()}",
    )
    painter.restore()


def write_pdf(content: ReportContent, path: Path) -> None:
    """Write the report to `path` as PDF (A4); the caller handles atomic replacement."""
    writer = QPdfWriter(str(path))
    configure(writer)
    writer.setTitle(content.document.title)
    writer.setCreator(f"Annotator {__version__}")
    doc = build_document(content)
    painter = QPainter()
    if not painter.begin(writer):
        raise AnnotatorError(f"Qt could not write the PDF: {path} could not be opened.")
    try:
        for page in range(doc.pageCount()):
            if page:
                writer.newPage()
            draw_page(doc, painter, page)
    finally:
        painter.end()


def write_pdf_report(content: ReportContent, path: Path) -> None:
    """Write the PDF beside `path` first; it replaces `path` only once complete and on disk."""
    path = Path(path)
    try:
        with replacing(path) as temp:
            write_pdf(content, temp)
            if temp.stat().st_size == 0:
                raise AnnotatorError(f"Qt could not write the PDF: {path} was not written.")
    except OSError as exc:
        raise AnnotatorError(f"Could not write {path} ({exc.strerror or exc}).") from exc
