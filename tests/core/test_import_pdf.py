"""PDF import: reading order, paragraphs, hyphens, page furniture, metadata and refusals.

Every PDF here is drawn by the test itself, with reportlab (a test dependency) or, for the
malformed and malicious ones, byte by byte.
"""

from __future__ import annotations

import io
import re
import sys
import time
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, FrameBreak, PageTemplate, Paragraph

from annotator.core.errors import ImportRefused
from annotator.core.importing import pdf_lines, pdf_text
from annotator.core.importing.pdf_text import (
    NO_TEXT,
    PASSWORD,
    SCANNED,
    WRONG_PASSWORD,
    PdfText,
    pdf_to_pages,
)

FONTS = Path(__file__).parent / "fonts"
WIDTH, HEIGHT = A4
SOURCE = Path("test.pdf")

Draw = Callable[[Canvas], None]
T = TypeVar("T")


def read(data: bytes, password: str | None = None) -> PdfText:
    return pdf_to_pages(data, source=SOURCE, password=password)


def refusal(data: bytes, password: str | None = None) -> str:
    with pytest.raises(ImportRefused) as caught:
        read(data, password)
    assert caught.value.path == SOURCE
    return caught.value.reason


def make_pdf(
    pages: Sequence[Draw],
    *,
    title: str | None = None,
    author: str | None = None,
    created: str | None = None,
    encrypt: StandardEncryption | None = None,
) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, encrypt=encrypt, invariant=True)
    if title is not None:
        canvas.setTitle(title)
    if author is not None:
        canvas.setAuthor(author)
    if created is not None:
        canvas.setDateFormatter(lambda *_: created)
    for draw in pages:
        draw(canvas)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def lines_at(
    lines: Sequence[str | None],
    *,
    x: float = 72,
    top: float = HEIGHT - 100,
    font: str = "Helvetica",
    size: float = 11,
    leading: float = 14,
) -> Draw:
    """Draw lines one under the other; None leaves a paragraph gap (half a line more)."""

    def draw(canvas: Canvas) -> None:
        canvas.setFont(font, size)
        y = top
        for line in lines:
            if line is None:
                y -= leading / 2
                continue
            canvas.drawString(x, y, line)
            y -= leading

    return draw


def together(*draws: Draw) -> Draw:
    def draw(canvas: Canvas) -> None:
        for each in draws:
            each(canvas)

    return draw


# --- a one-column statement ----------------------------------------------------------------------

STATEMENT = [
    "Statement on the ceasefire talks",
    None,
    "The Ministry of Foreign Affairs welcomes the agreement reached in",
    "Geneva on Monday and calls on all parties to respect its terms in full,",
    "including the protection of civilians and humanitarian access.",
    None,
    "The Minister will travel to the region next week to meet counterparts",
    "and discuss how the agreement can be monitored on the ground.",
]


def statement_page(canvas: Canvas) -> None:
    canvas.setFont("Helvetica-Bold", 16)
    canvas.drawString(72, HEIGHT - 80, STATEMENT[0])
    lines_at(STATEMENT[2:], top=HEIGHT - 110)(canvas)


def test_statement_text_title_date_and_paragraphs() -> None:
    data = make_pdf(
        [statement_page],
        title="Statement on the ceasefire talks",
        author="Press Office",
        created="D:20240312101500+01'00'",
    )
    result = read(data)
    assert result.pages == [
        "Statement on the ceasefire talks\n"
        "The Ministry of Foreign Affairs welcomes the agreement reached in Geneva on Monday "
        "and calls on all parties to respect its terms in full, including the protection of "
        "civilians and humanitarian access.\n"
        "The Minister will travel to the region next week to meet counterparts and discuss "
        "how the agreement can be monitored on the ground."
    ]
    assert result.joins == []
    assert result.meta.title == "Statement on the ceasefire talks"
    assert result.meta.published == "2024-03-12"
    assert result.meta.author == "Press Office"
    assert result.left_out == []
    assert result.warnings == []


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Microsoft Word - doc1.docx", ""),
        ("Microsoft Word - Statement on Ukraine", "Statement on Ukraine"),
        ("untitled", ""),
        ("C:\\Users\\press\\Desktop\\final.pdf", ""),
        ("press_release_final_v3", ""),
        ("Document1", ""),
        ("Заявление МИД России", "Заявление МИД России"),
        ("  Remarks   by the  President ", "Remarks by the President"),
    ],
)
def test_metadata_title_only_when_plausible(title: str, expected: str) -> None:
    assert pdf_text._plausible_title(title) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("D:20240312101500+01'00'", "2024-03-12"),
        ("D:2024031223", "2024-03-12"),
        ("2023-11-05T08:00:00Z", "2023-11-05"),
        ("D:2024", None),
        ("D:20241350", None),
        ("D:19800101", None),
        ("yesterday", None),
    ],
)
def test_metadata_dates(text: str, expected: str | None) -> None:
    assert pdf_text._date(text) == expected


def test_title_and_date_from_xmp_when_the_info_has_none() -> None:
    xmp = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" '
        b'xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreateDate="2022-04-26T09:00:00+08:00">'
        b'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">Remarks by the Spokesperson'
        b"</rdf:li></rdf:Alt></dc:title></rdf:Description></rdf:RDF></x:xmpmeta>"
    )
    data = raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /Metadata 5 0 R /Lang (en-GB) >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            page_object(contents=4),
            stream(b"BT /F1 12 Tf 72 700 Td (Remarks on the visit.) Tj ET"),
            stream(xmp, b"/Type /Metadata /Subtype /XML"),
            FONT,
        ]
    )
    result = read(data)
    assert result.pages == ["Remarks on the visit."]
    assert result.meta.title == "Remarks by the Spokesperson"
    assert result.meta.published == "2022-04-26"
    assert result.meta.language == "en-GB"


def test_paragraphs_marked_only_by_indents_or_bold_headings() -> None:
    def page(canvas: Canvas) -> None:
        canvas.setFont("Helvetica-Bold", 11)
        canvas.drawString(72, 700, "Background")
        canvas.setFont("Helvetica", 11)
        rows = [
            (90, "The first paragraph begins with an indent, as in a"),
            (72, "printed report, and its second line starts at the margin"),
            (72, "of the page as every other line of the paragraph does."),
            (90, "A second paragraph is only told apart by its own indent"),
            (72, "and by the full stop that ended the previous paragraph."),
        ]
        for i, (x, text) in enumerate(rows, start=1):
            canvas.drawString(x, 700 - 14 * i, text)  # the same leading throughout

    assert read(make_pdf([page])).pages == [
        "Background\n"
        "The first paragraph begins with an indent, as in a printed report, and its second "
        "line starts at the margin of the page as every other line of the paragraph does.\n"
        "A second paragraph is only told apart by its own indent and by the full stop that "
        "ended the previous paragraph."
    ]


@pytest.mark.parametrize(
    ("line", "number"),
    [
        ("7", True),
        ("- 7 -", True),
        ("Page 7 of 12", True),
        ("page xii", True),
        ("vii", True),
        ("7/12", True),
        ("стр. 7", True),
        ("第7页", True),
        ("civil", False),
        ("Page", False),
        ("7 Ministry of Foreign Affairs", False),
        ("1.", False),
    ],
)
def test_page_number_lines(line: str, number: bool) -> None:
    assert bool(pdf_lines.PAGE_NUMBER.match(line)) is number


# --- two columns ---------------------------------------------------------------------------------


def point(number: int) -> str:
    filler = (
        "officials from both delegations reviewed the draft text line by line and agreed "
        "that the remaining questions would be settled by their deputies before the summit"
    )
    return f"Point {number}. The talks continued and {filler}."


def test_two_columns_are_read_left_then_right_after_the_headline() -> None:
    styles = getSampleStyleSheet()
    margin, gutter = 50, 18
    column = (WIDTH - 2 * margin - gutter) / 2
    body_height = HEIGHT - 2 * margin - 110
    frames = [
        Frame(margin, HEIGHT - margin - 100, WIDTH - 2 * margin, 100, id="head"),
        Frame(margin, margin, column, body_height, id="left"),
        Frame(margin + column + gutter, margin, column, body_height, id="right"),
    ]
    buffer = io.BytesIO()
    document = BaseDocTemplate(buffer, pagesize=A4, pageTemplates=[PageTemplate("p", frames)])
    standfirst = (
        "Negotiators meeting in Vienna made progress on the draft, both sides said, while "
        "warning that the hardest questions were still open and that a deal was not yet in "
        "sight before the summit."
    )
    story = [
        Paragraph("Talks make progress in Vienna", styles["Title"]),
        Paragraph(standfirst, styles["Normal"]),
        FrameBreak(),
    ]
    story += [Paragraph(point(n), styles["BodyText"]) for n in range(1, 19)]
    document.build(story)
    assert document.page == 1

    result = read(buffer.getvalue())
    paragraphs = result.pages[0].split("\n")
    assert paragraphs[0] == "Talks make progress in Vienna"
    assert paragraphs[1] == standfirst
    # Every paragraph whole (one that goes on at the top of the right column included) and
    # in order: the whole left column before the right one.
    assert paragraphs[2:] == [point(n) for n in range(1, 19)]
    # The layout did put points in both columns, side by side.
    assert re.search(r"Point 1[0-8]", result.pages[0])


def test_columns_drawn_row_by_row_are_still_read_column_by_column() -> None:
    left = [
        "Left one: the delegation arrived in the capital on",
        "Sunday evening and was received by the deputy",
        "minister at the airport.",
        None,
        "Left two: talks began the next morning at the",
        "ministry and lasted until late in the afternoon.",
    ]
    right = [
        "Right one: in the evening the two ministers gave a",
        "joint press conference and answered questions on",
        "trade and security.",
        None,
        "Right two: a second round of talks is planned for",
        "the spring, in the other capital this time.",
    ]

    def page(canvas: Canvas) -> None:
        canvas.setFont("Helvetica", 10)
        y = HEIGHT - 100
        for a, b in zip(left, right, strict=True):
            if a is None:
                y -= 7
                continue
            canvas.drawString(60, y, a)  # row by row: left line, then right line
            canvas.drawString(320, y, str(b))
            y -= 13

    result = read(make_pdf([page]))
    assert result.pages[0].split("\n") == [
        "Left one: the delegation arrived in the capital on Sunday evening and was received "
        "by the deputy minister at the airport.",
        "Left two: talks began the next morning at the ministry and lasted until late in the "
        "afternoon.",
        "Right one: in the evening the two ministers gave a joint press conference and "
        "answered questions on trade and security.",
        "Right two: a second round of talks is planned for the spring, in the other capital "
        "this time.",
    ]


def test_three_columns_are_read_in_order() -> None:
    columns = [
        [f"Column {c} line {n}: words of the running text go here." for n in range(1, 6)]
        for c in ("one", "two", "three")
    ]

    def page(canvas: Canvas) -> None:
        canvas.setFont("Helvetica", 7)
        for i, column in enumerate(columns):
            for n, text in enumerate(column):
                canvas.drawString(40 + 180 * i, 700 - 9 * n, text)

    text = read(make_pdf([page])).pages[0]
    # Each column ends a sentence: a new paragraph at the top of the next one.
    assert text == "\n".join(" ".join(column) for column in columns)


def test_a_table_is_read_row_by_row() -> None:
    rows = [("Country", "Votes"), ("France", "12"), ("Germany", "9"), ("Italy", "7")]

    def page(canvas: Canvas) -> None:
        canvas.setFont("Helvetica", 11)
        for i, (name, votes) in enumerate(rows):
            canvas.drawString(72, HEIGHT - 100 - 16 * i, name)
            canvas.drawString(400, HEIGHT - 100 - 16 * i, votes)

    text = read(make_pdf([page])).pages[0]
    assert text.index("France") < text.index("12") < text.index("Germany") < text.index("9")


# --- hyphens -------------------------------------------------------------------------------------


def test_words_hyphenated_at_line_ends_are_rejoined_and_real_hyphens_kept() -> None:
    lines = [
        "In a statement issued on Tuesday, the foreign gov-",
        "ernment said that its well-known negotiator, a well-",
        "known figure in the region and a self-styled self-",
        "defence expert, would lead the joint Franco-",
        "German mission to coordinate the relief on COVID-",
        "19 with partners, while the decision-making on the",
        "aid would follow a long and careful decision-",
        "making process at the ministry, said the minister.",
    ]
    result = read(make_pdf([lines_at(lines)]))
    assert result.pages == [
        "In a statement issued on Tuesday, the foreign government said that its well-known "
        "negotiator, a well-known figure in the region and a self-styled self-defence expert, "
        "would lead the joint Franco-German mission to coordinate the relief on COVID-19 with "
        "partners, while the decision-making on the aid would follow a long and careful "
        "decision-making process at the ministry, said the minister."
    ]


def register_dejavu() -> str:
    font = FONTS / "DejaVuSans.ttf"
    if not font.exists():
        pytest.skip("tests/core/fonts/DejaVuSans.ttf is missing")
    pdfmetrics.registerFont(TTFont("DejaVuSans", str(font)))
    return "DejaVuSans"


def test_soft_hyphens_are_removed() -> None:
    font = register_dejavu()
    lines = [
        "The delegation met representatives of the inter\u00ad",
        "national organisations and of the hu\u00admanitarian agencies",
        "working in the region during the whole of the visit.",
    ]
    next_page = ["ni\u00adtarian agencies left the region at the end of the visit."]
    lines[-1] = "working in the region during the whole of the visit and the huma\u00ad"
    result = read(make_pdf([lines_at(lines, font=font), lines_at(next_page, font=font)]))
    assert result.pages == [
        "The delegation met representatives of the international organisations and of the "
        "humanitarian agencies working in the region during the whole of the visit and the",
        "humanitarian agencies left the region at the end of the visit.",
    ]
    assert result.joins == [" "]


# --- scripts -------------------------------------------------------------------------------------


def test_cyrillic_and_greek_text_with_an_embedded_font() -> None:
    font = register_dejavu()
    lines = [
        "Министерство иностранных дел заявило, что прави-",
        "тельство продолжит переговоры с соседями «без",
        "предварительных условий».",
        None,
        "Το Υπουργείο Εξωτερικών χαιρετίζει τη συμφωνία.",
    ]
    result = read(make_pdf([lines_at(lines, font=font)]))
    assert result.pages == [
        "Министерство иностранных дел заявило, что правительство продолжит переговоры с "
        "соседями «без предварительных условий».\n"
        "Το Υπουργείο Εξωτερικών χαιρετίζει τη συμφωνία."
    ]


def test_chinese_lines_are_joined_without_spaces() -> None:
    # STSong-Light is one of the PDF's standard CJK fonts: nothing is embedded, and the
    # text comes back through the Adobe-GB1 character collection.
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    lines = [
        "外交部发言人在例行记者会上表示，中方愿同各方",
        "一道，继续为地区和平稳定发挥建设性作用。",
        None,
        "双方将于下月举行新一轮磋商。",
    ]
    result = read(make_pdf([lines_at(lines, font="STSong-Light", size=12, leading=16)]))
    assert result.pages == [
        "外交部发言人在例行记者会上表示，中方愿同各方一道，继续为地区和平稳定发挥建设性作用。\n"
        "双方将于下月举行新一轮磋商。"
    ]


# --- page furniture ------------------------------------------------------------------------------


SENTENCES = [
    "The delegation reviewed the agenda in detail with the experts of both sides.",
    "Observers from the region attended the opening session as guests of the chair.",
    "A working group on trade met in the afternoon and reported to the ministers.",
    "The humanitarian corridor was discussed at length without a final decision.",
    "Both ministers thanked the host country for its support during the visit.",
    "A joint communique will be published once the text has been agreed by all.",
    "Journalists were briefed by the spokesperson after the close of the talks.",
]


def furnished_page(number: int, total: int, *, header: bool, number_text: str) -> Draw:
    def draw(canvas: Canvas) -> None:
        canvas.setFont("Helvetica", 9)
        if header:
            canvas.drawString(72, HEIGHT - 40, "MINISTRY OF FOREIGN AFFAIRS")
            canvas.drawRightString(WIDTH - 72, HEIGHT - 40, "Press release 12/2024")
        canvas.drawString(72, 30, "www.mfa.example.org")
        canvas.drawCentredString(WIDTH / 2, 30, number_text.format(n=number, total=total))
        lines_at([SENTENCES[number - 1]], top=HEIGHT - 120)(canvas)

    return draw


def test_running_header_footer_and_page_numbers_are_removed_and_listed() -> None:
    pages = [
        furnished_page(n, 6, header=n > 1, number_text="Page {n} of {total}") for n in range(1, 7)
    ]
    result = read(make_pdf(pages))
    assert len(result.pages) == 6
    assert result.left_out == [
        "running header 'MINISTRY OF FOREIGN AFFAIRS' on 5 of 6 pages",
        "running header 'Press release 12/2024' on 5 of 6 pages",
        "running footer 'www.mfa.example.org' on 6 of 6 pages",
        "page numbers on 6 pages",
    ]
    assert result.pages == SENTENCES[:6]
    assert result.joins == ["\n\n"] * 5


ROMAN = ["i", "ii", "iii", "iv", "v", "vi"]


@pytest.mark.parametrize(
    "style", ["- {n} -", "{n}", "{n}/{total}", "roman", "Seite {n} von {total}"]
)
def test_page_number_styles(style: str) -> None:
    pages = [
        furnished_page(
            n,
            6,
            header=False,
            number_text=ROMAN[n - 1] if style == "roman" else style,
        )
        for n in range(1, 7)
    ]
    result = read(make_pdf(pages))
    assert "page numbers on 6 pages" in result.left_out
    assert result.pages == SENTENCES[:6]


def test_first_lines_repeated_on_too_few_pages_are_kept() -> None:
    pages = [
        lines_at(["Annex A", None, SENTENCES[n]]) if n < 2 else lines_at([SENTENCES[n]])
        for n in range(6)
    ]
    result = read(make_pdf(pages))
    assert result.left_out == []
    assert result.pages[0] == f"Annex A\n{SENTENCES[0]}"


# --- page breaks ---------------------------------------------------------------------------------


def test_paragraphs_running_over_page_breaks_are_joined() -> None:
    pages = [
        lines_at(
            [
                "The first round ended on Friday with a short statement.",
                None,
                "On Saturday the ministers met again, and the delegations agreed",
                "that the experts would meet in the spring to prepare the next",
                "round of the",
            ]
        ),
        lines_at(
            [
                "talks, which both sides called constructive, and the gov-",
                "ernment said it would publish the draft before the gov-",
            ]
        ),
        lines_at(
            [
                "ernment spokesman confirmed the date on Sunday, as the",
                "minister had promised the parliament in his speech to",
            ]
        ),
        lines_at(["Parliament on Monday; the session ended at noon."]),
        lines_at(["A separate paragraph begins on this page."]),
    ]
    result = read(make_pdf(pages))
    assert result.joins == [" ", " ", " ", "\n\n"]
    assert result.pages == [
        "The first round ended on Friday with a short statement.\n"
        "On Saturday the ministers met again, and the delegations agreed that the experts "
        "would meet in the spring to prepare the next round of the",
        # The word hyphenated over the break is moved whole to the next page.
        "talks, which both sides called constructive, and the government said it would "
        "publish the draft before the",
        "government spokesman confirmed the date on Sunday, as the minister had promised the "
        "parliament in his speech to",
        "Parliament on Monday; the session ended at noon.",
        "A separate paragraph begins on this page.",
    ]


def test_a_heading_at_the_top_of_the_next_page_is_not_joined() -> None:
    def heading_page(canvas: Canvas) -> None:
        canvas.setFont("Helvetica-Bold", 15)
        canvas.drawString(72, HEIGHT - 80, "Annex on the monitoring mission")
        lines_at(["The mission will have two hundred observers."], top=HEIGHT - 110)(canvas)

    pages = [lines_at(["The ministers agreed on the text of the annex, which"]), heading_page]
    result = read(make_pdf(pages))
    assert result.joins == ["\n\n"]


# --- angles and rotation -------------------------------------------------------------------------


def test_a_watermark_at_an_angle_is_left_out_and_listed() -> None:
    def page(canvas: Canvas) -> None:
        lines_at(["The talks resumed on Monday in Geneva."])(canvas)
        canvas.saveState()
        canvas.translate(150, 300)
        canvas.rotate(45)
        canvas.setFont("Helvetica-Bold", 60)
        canvas.drawString(0, 0, "DRAFT")
        canvas.restoreState()

    result = read(make_pdf([page]))
    assert result.pages == ["The talks resumed on Monday in Geneva."]
    assert result.left_out == ["text at an angle 'DRAFT' (watermarks, margin notes) on 1 page"]


def test_a_rotated_page_is_read() -> None:
    def page(canvas: Canvas) -> None:
        canvas.setPageRotation(90)  # reportlab turns the media box too: 842 wide, 595 high
        lines_at(["A landscape page is read the same way."], top=500)(canvas)

    assert read(make_pdf([page])).pages == ["A landscape page is read the same way."]


# --- refusals ------------------------------------------------------------------------------------


def test_an_encrypted_pdf_needs_its_password() -> None:
    data = make_pdf(
        [lines_at(["Confidential remarks of the envoy."])],
        encrypt=StandardEncryption("secret", ownerPassword="owner-secret"),
    )
    assert refusal(data) == PASSWORD
    assert refusal(data, password="wrong") == WRONG_PASSWORD
    assert read(data, password="secret").pages == ["Confidential remarks of the envoy."]


def test_a_pdf_with_only_an_owner_password_opens_with_a_warning() -> None:
    data = make_pdf(
        [lines_at(["Remarks that may not be copied."])],
        encrypt=StandardEncryption("", ownerPassword="owner-secret", canCopy=0),
    )
    result = read(data)
    assert result.pages == ["Remarks that may not be copied."]
    assert result.warnings == [
        "the PDF's owner restricts copying its text; it was read for analysis only"
    ]


def test_a_password_for_an_unprotected_pdf_is_reported_unused() -> None:
    result = read(make_pdf([lines_at(["Open remarks."])]), password="secret")
    assert result.pages == ["Open remarks."]
    assert result.warnings == ["the PDF is not password-protected: the password given was not used"]


def test_an_image_only_pdf_is_refused_as_scanned() -> None:
    from PIL import Image, ImageDraw  # reportlab's own dependency

    image = Image.new("L", (400, 200), 255)
    ImageDraw.Draw(image).text((20, 80), "Scanned statement", fill=0)

    def page(canvas: Canvas) -> None:
        from reportlab.lib.utils import ImageReader

        canvas.drawImage(ImageReader(image), 72, 400, width=400, height=200)

    assert refusal(make_pdf([page, page])) == SCANNED


def test_a_blank_pdf_is_refused_as_without_text() -> None:
    assert refusal(make_pdf([lambda canvas: None])) == NO_TEXT


def test_some_pages_without_text_are_reported() -> None:
    result = read(make_pdf([lines_at(["Only the first page has text."]), lambda c: None]))
    assert result.pages == ["Only the first page has text.", ""]
    assert result.warnings == ["no text on page 2 (blank, or scanned)"]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"GIF89a" + bytes(range(256)) * 4, "not a PDF file (it does not start with %PDF-)"),
        (b"%PDF-1.7\n" + bytes(range(256)) * 20, "the PDF is damaged: "),
        (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R", "the PDF is damaged: "),
    ],
    ids=["garbage", "garbage-after-header", "truncated-object"],
)
def test_damaged_files_are_refused(data: bytes, reason: str) -> None:
    assert refusal(data).startswith(reason)


def test_a_truncated_pdf_is_refused_or_read_never_crashes() -> None:
    whole = make_pdf([lines_at([f"Page {n} of the damaged file."]) for n in range(1, 4)])
    for cut in (len(whole) // 4, len(whole) // 2, len(whole) - 40):
        try:
            result = read(whole[:cut])
        except ImportRefused as refused:
            assert refused.reason.startswith("the PDF is damaged: ") or refused.reason in (
                NO_TEXT,
                SCANNED,
            )
        else:
            assert all(isinstance(text, str) for text in result.pages)


def test_a_pdf_over_the_size_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_text, "MAX_PDF_BYTES", 1000)
    data = make_pdf([lines_at(["x" * 2000])])
    assert refusal(data).startswith("the PDF is too large")


# --- malicious files -----------------------------------------------------------------------------

FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def stream(content: bytes, extra: bytes = b"", *, deflated: bool = False) -> bytes:
    if deflated:
        extra += b" /Filter /FlateDecode"
    return b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(content), extra, content)


def page_object(contents: int, parent: int = 2, font: int = 6, extra: bytes = b"") -> bytes:
    return (
        b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
        b"/Resources << /Font << /F1 %d 0 R >> %s >> >>" % (parent, contents, font, extra)
    )


def raw_pdf(objects: Sequence[bytes]) -> bytes:
    """A PDF of these objects (numbered from 1; the first is the catalog), with its xref."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def bounded(seconds: float, call: Callable[[], T]) -> T:
    started = time.monotonic()
    try:
        return call()
    finally:
        assert time.monotonic() - started < seconds


def test_a_decompression_bomb_is_refused_within_the_memory_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pdf_text, "MEMORY_LIMIT", 256 * 2**20)
    packer = zlib.compressobj(9)
    chunk = b" " * 2**20
    bomb = b"".join(packer.compress(chunk) for _ in range(512)) + packer.flush()  # 512 MiB
    assert len(bomb) < 1024 * 1024
    data = raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            page_object(contents=4, font=5),
            stream(bomb, deflated=True),
            FONT,
        ]
    )
    reason = bounded(30, lambda: refusal(data))
    assert reason == (
        "the PDF is too complex to read in reasonable time/memory (it needed over 0.25 GiB "
        "of memory); if it opens in a PDF viewer, print it to a new PDF and import that"
    )


def test_forms_drawing_forms_are_stopped_by_the_time_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pdf_text, "BASE_SECONDS", 1.5)
    monkeypatch.setattr(pdf_text, "SECONDS_PER_PAGE", 0.1)
    levels = 9  # each form draws the next one ten times: 10**9 characters in the end
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        page_object(contents=4, font=5, extra=b"/XObject << /X 6 0 R >>"),
        stream(b"/X Do"),
        FONT,
    ]
    for level in range(levels):
        number = 6 + level
        if level < levels - 1:
            content = b"/X Do " * 10
            resources = b"/Resources << /XObject << /X %d 0 R >> /Font << /F1 5 0 R >> >>" % (
                number + 1
            )
        else:
            content = b"BT /F1 10 Tf 72 700 Td (a) Tj ET"
            resources = b"/Resources << /Font << /F1 5 0 R >> >>"
        objects.append(
            stream(content, b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] " + resources)
        )
    reason = bounded(15, lambda: refusal(raw_pdf(objects)))
    assert reason.startswith("the PDF is too complex to read in reasonable time/memory")


def test_the_hard_time_limit_kills_the_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    # The child's own timer comes first; the parent's kill is for what the timer cannot stop.
    monkeypatch.setattr(pdf_text, "MAX_SECONDS", 0.5)
    monkeypatch.setattr(pdf_text, "_GRACE_SECONDS", 0.0)
    sleeper = [sys.executable, "-c", "import time; time.sleep(60)"]
    monkeypatch.setattr(pdf_text, "_command", lambda: sleeper)
    reason = bounded(10, lambda: refusal(make_pdf([lines_at(["x"])])))
    assert reason.startswith("the PDF is too complex to read in reasonable time/memory")


def page_tree(kids: bytes, count: int) -> list[bytes]:
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count),
        page_object(contents=4, font=5),
        stream(b"BT /F1 12 Tf 72 700 Td (The only page.) Tj ET"),
        FONT,
    ]


def test_a_page_tree_with_a_cycle_is_read_once() -> None:
    data = raw_pdf(page_tree(b"3 0 R 2 0 R 3 0 R", 3))
    result = bounded(10, lambda: read(data))
    assert result.pages == ["The only page."]


def test_a_page_tree_claiming_a_billion_pages_is_read_for_what_it_has() -> None:
    # Nine levels, each listing the next ten times: 10**9 pages if references were followed
    # again each time. Each object is read once.
    objects = page_tree(b"6 0 R " * 10, 10**9)
    for level in range(8):
        kids = b"%d 0 R " % (7 + level) if level < 7 else b"3 0 R "
        objects.append(b"<< /Type /Pages /Kids [%s] /Count 1 >>" % (kids * 10))
    result = bounded(10, lambda: read(raw_pdf(objects)))
    assert result.pages == ["The only page."]


def test_more_pages_than_the_limit_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_text, "MAX_PAGES", 5)
    data = make_pdf([lines_at([f"Page {n}."]) for n in range(1, 8)])
    assert refusal(data) == (
        "the PDF has more than 5 pages, the import limit: split it (e.g. qpdf --split-pages) "
        "and import the parts"
    )


def test_more_text_than_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_text, "MAX_TEXT_CHARS", 100)
    data = make_pdf([lines_at(["A line of about fifty characters of body text."] * 5)])
    assert refusal(data).startswith("the PDF holds more than 100 characters")


# --- characters and determinism ------------------------------------------------------------------


def test_controls_removed_ligatures_spelled_out_surrogates_replaced() -> None:
    tally = pdf_lines.Tally()
    cleaned = pdf_lines.clean_text("of\x00\x07ﬁcial  ﬂag\x85 \uf0b7 item\t\ud800", tally)
    assert cleaned == "official flag • item \ufffd"
    assert (tally.controls, tally.ligatures, tally.surrogates) == (3, 2, 1)


def test_control_characters_in_the_text_layer_are_removed_with_a_warning() -> None:
    data = raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            page_object(contents=4, font=5),
            stream(b"BT /F1 12 Tf 72 700 Td (Bell\\007 and NUL\\000 removed.) Tj ET"),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
            stream(
                b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap "
                b"1 begincodespacerange <00> <FF> endcodespacerange "
                b"1 beginbfrange <00> <FF> <0000> endbfrange endcmap end end"
            ),
        ]
    )
    result = read(data)
    assert result.pages == ["Bell and NUL removed."]
    assert result.warnings == ["control characters removed: 2"]


def test_the_same_pdf_gives_the_same_text() -> None:
    pages = [furnished_page(n, 3, header=True, number_text="{n}") for n in range(1, 4)]
    data = make_pdf(pages)
    assert read(data) == read(data)


def test_the_same_first_lines_on_both_pages_of_a_two_page_text_are_kept() -> None:
    # Two pages that open alike (a statement printed twice, a form letter): their first lines
    # are the text, not a running header.
    result = read(make_pdf([statement_page, statement_page]))
    text = "\n".join(result.pages)
    assert text.count("The Ministry of Foreign Affairs welcomes the agreement") == 2
    assert not result.left_out
