"""The PDF report: a real PDF with the article, highlights drawn as formats, markup literal."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from PySide6.QtGui import (
    QColor,
    QImage,
    QPageLayout,
    QPainter,
    QTextBlock,
    QTextCharFormat,
    QTextDocument,
    QTextTable,
)
from test_report import TEXT, _setup
from test_store_annotations import add_document

from annotator.core.report import ReportContent, report_content
from annotator.core.session import Session
from annotator.core.store import Store
from annotator.gui.dialogs.report_pdf import PAGE_LAYOUT, build_document, draw_page, write_pdf


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


# -- layout of the list, headings, legend (issue 18) -----------------------------------------
# Checked twice: on the QTextDocument's own pages and on the PDF file itself (words, their
# boxes and the filled rectangles as pdfminer reads them).

PROSE = (
    "The minister said that internationalisation of the dispute would harm everyone and "
    "that the two sides should settle their differences through consultations between "
    "equals, without interference by outside powers whose interests lie elsewhere.\n"
    "Observers noted that the statement repeated earlier positions almost word for word, "
    "while the spokesperson declined to comment on the counterproductive characterisation.\n"
)
LONG_WORDS = ("internationalisation", "counterproductive", "characterisation")


def _prose_report(store: Store) -> ReportContent:
    """Sixteen paragraphs, each a claim with a note: a list longer than a page."""
    text = PROSE * 8
    doc_id = add_document(store, text)
    session = Session(store, store.ensure_analyst("Ana"))
    claim = store.codebook.get().by_name("Claim").id
    start = 0
    for number, paragraph in enumerate(text.split("\n")[:-1]):
        session.create_annotation(
            document_id=doc_id,
            label_id=claim,
            start=start,
            end=start + len(paragraph),
            sentiment="negative",
            note=f"Note {number}: the wording echoes the ministry's statements of last spring.",
        )
        start += len(paragraph) + 1
    return report_content(store, store.documents.get(doc_id))


def _shifted(content: ReportContent, filler_lines: int) -> ReportContent:
    """The same report with short lines put before the article (annotations moved along)."""
    filler = "".join(f"Line {i}.\n" for i in range(filler_lines))
    rows = [
        replace(
            row,
            annotation=replace(
                row.annotation,
                start=row.annotation.start + len(filler),
                end=row.annotation.end + len(filler),
            ),
        )
        for row in content.rows
    ]
    document = replace(content.document, text=filler + content.document.text)
    return replace(content, document=document, rows=rows)


def _table(doc: QTextDocument) -> QTextTable:
    tables = [f for f in doc.rootFrame().childFrames() if isinstance(f, QTextTable)]
    assert len(tables) == 1
    return tables[0]


def _cell_block(table: QTextTable, row: int, column: int) -> QTextBlock:
    return table.cellAt(row, column).firstCursorPosition().block()


def _page(doc: QTextDocument, y: float) -> int:
    height = doc.pageSize().height()
    assert height > 0 and doc.pageCount() > 1, "the report is laid out on pages"
    return int(y // height)


def _heading(doc: QTextDocument) -> QTextBlock:
    found = doc.find("Annotations", 0, QTextDocument.FindFlag.FindCaseSensitively)
    assert not found.isNull()
    return found.block()


Word = tuple[str, float, float, float, float]  # text, x min, y min, x max, y max (points)
HEADERS = ("#", "Label", "Quote", "Speaker", "Target", "Sentiment", "Analyst", "Note")


def _texts(words: list[Word]) -> list[str]:
    return [w[0] for w in words]


def _pdf_words(path: Path) -> list[list[Word]]:
    """The visible words of each page of a PDF with their boxes (points, from the top), as
    pdfminer reads them from the file.

    A line cut by a page break is drawn on both pages and clipped to the printable area, so
    the file also holds it in the top margin of the second page; that copy is not visible.
    """
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar

    def chars(item: object) -> Iterator[LTChar]:
        if isinstance(item, LTChar):
            yield item
        elif hasattr(item, "__iter__"):
            for child in item:  # type: ignore[attr-defined]
                yield from chars(child)

    printable = PAGE_LAYOUT.paintRect(QPageLayout.Unit.Point)
    pages = []
    for page in extract_pages(path):
        # Words from the glyphs themselves: on one baseline, each glyph starting where the
        # previous one ends (table cells side by side are never run together).
        glyphs = sorted(
            (c for c in chars(page) if not c.get_text().isspace()),
            key=lambda c: (-round(c.y0), c.x0),  # top to bottom, left to right
        )
        words: list[Word] = []
        run: list[LTChar] = []
        for glyph in [*glyphs, None]:
            if (
                glyph is not None
                and run
                and round(glyph.y0) == round(run[-1].y0)
                and glyph.x0 - run[-1].x1 < 0.15 * glyph.size
            ):
                run.append(glyph)
                continue
            if run:
                y0, y1 = min(c.y0 for c in run), max(c.y1 for c in run)
                text = "".join(c.get_text() for c in run)
                words.append((text, run[0].x0, page.height - y1, run[-1].x1, page.height - y0))
            run = [glyph] if glyph is not None else []
        pages.append([w for w in words if (w[2] + w[4]) / 2 > printable.top()])
    return pages


def _filled_rects(path: Path, page_number: int = 0) -> list[tuple[str, float, float, float, float]]:
    """The filled rectangles drawn on a page: (colour #rrggbb, x min, y min, x max, y max),
    y from the top, as pdfminer reads them from the file."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTRect

    page = list(extract_pages(path, page_numbers=[page_number]))[0]
    found = []
    for item in page:
        colour = item.non_stroking_color if isinstance(item, LTRect) and item.fill else None
        if isinstance(colour, tuple) and len(colour) == 3:
            name = QColor.fromRgbF(*(float(v) for v in colour)).name()
            found.append((name, item.x0, page.height - item.y1, item.x1, page.height - item.y0))
    return found


def test_quote_and_note_columns_are_wide_and_cells_break_between_words(
    qapp, fresh_store: Store
) -> None:  # type: ignore[no-untyped-def]
    doc = build_document(_prose_report(fresh_store))
    table = _table(doc)
    layout = doc.documentLayout()
    table_width = layout.frameBoundingRect(table).width()
    assert 0 < table_width <= doc.pageSize().width()  # the list fits the page
    widths = [layout.blockBoundingRect(_cell_block(table, 1, c)).width() for c in range(8)]
    quote, note = widths[2], widths[7]
    assert quote >= 0.3 * table_width and note >= 0.18 * table_width
    assert quote > max(widths[:2] + widths[3:7]) and note > max(widths[:2] + widths[3:7])
    broken = []
    for row in range(table.rows()):
        for column in range(table.columns()):
            block = _cell_block(table, row, column)
            text, lines = block.text(), block.layout()
            for i in range(1, lines.lineCount()):
                at = lines.lineAt(i).textStart()
                if text[at - 1].isalnum() and text[at].isalnum():
                    broken.append((row, column, text[at - 10 : at + 10]))
    assert broken == []  # no word is cut: every word here fits its column


def test_only_a_word_wider_than_its_column_is_cut(qapp, fresh_store: Store) -> None:  # type: ignore[no-untyped-def]
    content = report_content(fresh_store, _setup(fresh_store))
    url = "https://example.org/" + "x" * 150
    first = replace(content.rows[0], analyst="Ana" + "n" * 80)  # a name with no spaces
    last = content.rows[-1]
    last = replace(last, annotation=replace(last.annotation, note=f"See {url} for the source."))
    doc = build_document(replace(content, rows=[first, *content.rows[1:-1], last]))
    table = _table(doc)
    layout = doc.documentLayout()
    assert layout.frameBoundingRect(table).width() <= doc.pageSize().width()
    for row, column in ((1, 6), (table.rows() - 1, 7)):
        block = _cell_block(table, row, column)
        width = layout.blockBoundingRect(block).width()
        lines = [block.layout().lineAt(i) for i in range(block.layout().lineCount())]
        assert len(lines) > 1 and all(line.naturalTextWidth() <= width + 1 for line in lines)
    note = _cell_block(table, table.rows() - 1, 7)
    starts = [note.layout().lineAt(i).textStart() for i in range(note.layout().lineCount())]
    assert note.text()[starts[1] - 1] in " /"  # the first break at a space or after "//"


def test_a_heading_is_never_left_at_the_bottom_of_a_page(qapp, fresh_store: Store) -> None:  # type: ignore[no-untyped-def]
    content = _prose_report(fresh_store)
    moved = []
    # Push the heading down a line at a time, over more than a page.
    for filler in range(0, 60):
        doc = build_document(_shifted(content, filler))
        layout = doc.documentLayout()
        heading = _heading(doc)
        table = _table(doc)
        first_row = [_cell_block(table, 1, c) for c in range(table.columns())]
        bottom = max(layout.blockBoundingRect(b).bottom() for b in first_row)
        heading_page = _page(doc, layout.blockBoundingRect(heading).top())
        assert heading_page == _page(doc, bottom - 1), f"{filler} filler lines"
        header = layout.blockBoundingRect(_cell_block(table, 0, 0))
        assert _page(doc, header.top()) == heading_page
        if heading.blockFormat().pageBreakPolicy():
            moved.append(filler)
    assert moved, "some of these reports needed the heading moved to the next page"


def test_pdf_columns_give_quotes_and_notes_the_room_and_keep_words_whole(
    qapp, fresh_store: Store, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "report.pdf"
    write_pdf(_prose_report(fresh_store), out)
    pages = _pdf_words(out)
    words = [w[0].strip(".,;:“”\"'") for page in pages for w in page]
    for long_word in LONG_WORDS:
        # Each once in each of the 8 copies of the article, and again in its quote.
        assert words.count(long_word) == 16, long_word
    header = {w[0]: w for page in pages for w in page if w[0] in ("Quote", "Speaker", "Note")}
    printable = PAGE_LAYOUT.paintRect(QPageLayout.Unit.Point)
    quote = header["Speaker"][1] - header["Quote"][1]
    note = printable.right() - header["Note"][1]
    assert quote >= 0.3 * printable.width() and note >= 0.18 * printable.width()


def test_printed_pages_keep_the_heading_with_its_rows_and_repeat_the_header_row(
    qapp, fresh_store: Store, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    content = _prose_report(fresh_store)
    moved = 0
    for filler in range(0, 48, 2):  # the heading moves down two lines at a time
        out = tmp_path / f"report{filler}.pdf"
        write_pdf(_shifted(content, filler), out)
        pages = _pdf_words(out)
        at = next(i for i, page in enumerate(pages) if "Annotations" in _texts(page))
        heading = next(w for w in pages[at] if w[0] == "Annotations")
        below = [w for w in pages[at] if w[2] > heading[4]]  # under the heading
        # The heading has the header row and the first row's quote under it on its page.
        assert set(HEADERS) <= set(_texts(below)), f"{filler} filler lines"
        assert {"1", "Claim", "minister", "Note", "0:"} <= set(_texts(below)), f"{filler} filler"
        moved += at > 0 and "Line" in _texts(pages[at - 1]) and "Line" not in _texts(pages[at])
        assert len(pages) > at + 1
        for page in pages[at + 1 :]:  # the list goes on: its header row above its rows
            top = min(w[2] for w in page)
            assert sorted(_texts([w for w in page if w[2] < top + 2])) == sorted(HEADERS)
        total = str(len(pages))
        assert all(_texts(page)[-3:] == [str(n), "/", total] for n, page in enumerate(pages, 1))
    assert moved  # at least once the heading went to a new page with its rows


def _legend_colours(doc: QTextDocument, content: ReportContent, scale: float, image: QImage):  # type: ignore[no-untyped-def]
    """For each label: the colours drawn between the previous legend entry and its name."""
    layout = doc.documentLayout()
    found = {}
    previous_end = 0.0
    for label in content.codebook.labels:
        hit = doc.find(f"{label.name} (", 0, QTextDocument.FindFlag.FindCaseSensitively)
        block = hit.block()
        rect = layout.blockBoundingRect(block)
        at = hit.selectionStart() - block.position()
        line = block.layout().lineForTextPosition(at)
        name_x = rect.left() + line.cursorToX(at)[0]
        y = int((rect.top() + line.y() + line.height() / 2) * scale)
        found[label.name] = {
            image.pixelColor(x, y).name()
            for x in range(int(previous_end * scale), int(name_x * scale))
        }
        end = hit.selectionEnd() - block.position()
        previous_end = rect.left() + line.cursorToX(end)[0]
    return found


def _near(colour: str, wanted: str) -> bool:
    a, b = QColor(colour), QColor(wanted)
    return max(abs(a.red() - b.red()), abs(a.green() - b.green()), abs(a.blue() - b.blue())) <= 12


def test_legend_swatches_are_drawn_in_each_label_colour(qapp, fresh_store: Store) -> None:  # type: ignore[no-untyped-def]
    content = report_content(fresh_store, _setup(fresh_store))
    doc = build_document(content)
    device = doc.documentLayout().paintDevice()
    assert device is not None  # laid out for the PDF
    scale = 150 / device.logicalDpiY()  # an image at 150 dpi
    size = doc.pageSize()
    image = QImage(
        int(size.width() * scale) + 1,
        int(size.height() * scale) + 1,
        QImage.Format.Format_RGB32,
    )
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.scale(scale, scale)
    draw_page(doc, painter, 0)
    painter.end()
    colours = _legend_colours(doc, content, scale, image)
    for label in content.codebook.labels:
        drawn = colours[label.name]
        assert any(_near(c, label.color) for c in drawn), (label.name, label.color, drawn)


def test_legend_swatches_keep_their_colour_in_the_pdf(
    qapp, fresh_store: Store, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    content = report_content(fresh_store, _setup(fresh_store))
    out = tmp_path / "report.pdf"
    write_pdf(content, out)
    words = _pdf_words(out)[0]
    rects = _filled_rects(out)
    previous_end = 0.0
    for label in content.codebook.labels:
        # The legend entry: the label's name followed by its count in brackets.
        name = next(
            w
            for w, nxt in zip(words, words[1:], strict=False)
            if w[0] == label.name and nxt[0].startswith("(")
        )
        middle = (name[2] + name[4]) / 2
        # A rectangle filled with the label's colour between the previous entry and the name.
        swatches = [
            r
            for r in rects
            if r[2] <= middle <= r[4] and previous_end - 1 <= r[1] and r[3] <= name[1] + 1
        ]
        assert any(_near(r[0], label.color) for r in swatches), (label.name, swatches)
        previous_end = name[3]


def test_a_paged_documents_pdf_report_cites_the_page_of_each_annotation(
    qapp, fresh_store: Store, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from annotator.core.importing import ExtractedDocument, ImportReport

    text = "First page: the minister spoke.\nSecond page: China firmly opposes it."
    summary, _ = fresh_store.documents.add(
        ExtractedDocument(
            source=Path("statement.pdf"),
            title="Statement",
            text=text,
            published=None,
            report=ImportReport("statement.pdf", "pdf", "pdf", False),
            page_starts=[0, text.index("Second")],
        ),
        analyst_id=None,
    )
    session = Session(fresh_store, fresh_store.ensure_analyst("Ana"))
    claim = fresh_store.codebook.get().by_name("Claim").id
    start = text.index("China")
    session.create_annotation(document_id=summary.id, label_id=claim, start=start, end=start + 5)
    out = tmp_path / "report.pdf"
    write_pdf(report_content(fresh_store, fresh_store.documents.get(summary.id)), out)
    words = _texts(_pdf_words(out)[0])
    header = words.index("Page")
    assert words[header - 1] == "#" and words[header + 1] == "Label"
    # The row: its number, then the page of its start.
    row = words.index("Claim", header + 2)
    assert words[row - 2 : row] == ["1", "2"]
