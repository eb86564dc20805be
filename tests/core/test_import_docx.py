"""DOCX import: text and title extraction, and refusal of zip bombs, XXE and broken files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest

from annotator.core.errors import ImportRefused
from annotator.core.importing import docx_text, read_document

XXE_DOCUMENT = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>"""


def make_docx(path: Path, paragraphs: list[str], title: str | None = None) -> Path:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if title is not None:
        document.core_properties.title = title
    document.save(str(path))
    return path


def rewrite(src: Path, dst: Path, replace: dict[str, bytes], *, level: int = 6) -> Path:
    """Copy a zip, replacing or adding members."""
    with zipfile.ZipFile(src) as old, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename not in replace:
                new.writestr(info, old.read(info))
        for name, data in replace.items():
            new.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=level)
    return dst


def refusal(path: Path) -> str:
    with pytest.raises(ImportRefused) as info:
        read_document(path)
    return info.value.reason


@pytest.fixture
def plain(tmp_path: Path) -> Path:
    return make_docx(tmp_path / "plain.docx", ["Headline", "Body text."])


def test_paragraphs_and_tables_in_order(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Headline")
    document.add_paragraph("Intro with a\ttab.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Merged"
    table.cell(1, 0).text = "A2"
    table.cell(1, 1).text = "B2"
    document.add_paragraph("Outro “quoted” 😀")
    document.save(str(tmp_path / "t.docx"))

    doc = read_document(tmp_path / "t.docx")
    assert doc.text == "Headline\nIntro with a\ttab.\nMerged\nA2\nB2\nOutro “quoted” 😀"
    assert (doc.report.format, doc.report.encoding, doc.report.encoding_detected) == (
        "docx",
        "docx",
        False,
    )


def test_title_from_core_properties_else_first_paragraph(tmp_path: Path) -> None:
    titled = make_docx(tmp_path / "a.docx", ["", "First para"], title="Core Title")
    assert read_document(titled).title == "Core Title"
    untitled = make_docx(tmp_path / "b.docx", ["", "First para", "Second"])
    assert read_document(untitled).title == "First para"


def test_docx_mojibake_is_repaired(tmp_path: Path) -> None:
    doc = read_document(make_docx(tmp_path / "m.docx", ["Le cafÃ© est “bon”."]))
    assert doc.text == "Le café est “bon”."
    assert len(doc.report.repairs) == 1


def test_empty_docx_has_no_text(tmp_path: Path) -> None:
    assert refusal(make_docx(tmp_path / "e.docx", ["", "  "])) == "no text found"


def test_zip_bomb_member_is_refused(plain: Path, tmp_path: Path) -> None:
    bomb = rewrite(plain, tmp_path / "bomb.docx", {"word/media/zeros.bin": bytes(50 * 10**6)})
    assert bomb.stat().st_size < 1_000_000
    reason = refusal(bomb)
    assert reason.startswith("the .docx archive is suspicious: ")
    assert "zip bomb" in reason


def test_small_compressible_member_is_not_a_bomb(plain: Path, tmp_path: Path) -> None:
    padded = rewrite(plain, tmp_path / "pad.docx", {"word/media/pad.bin": bytes(100_000)})
    assert read_document(padded).text == "Headline\nBody text."


def test_total_unpacked_size_is_limited(plain: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docx_text, "MAX_UNCOMPRESSED_BYTES", 1000)
    assert "unpacks to more than" in refusal(plain)


def test_too_many_members_are_refused(plain: Path, tmp_path: Path) -> None:
    many = tmp_path / "many.docx"
    with zipfile.ZipFile(plain) as old, zipfile.ZipFile(many, "w") as new:
        for info in old.infolist():
            new.writestr(info, old.read(info))
        for i in range(docx_text.MAX_MEMBERS):
            new.writestr(f"customXml/junk{i}.txt", b"")
    assert "members" in refusal(many)


@pytest.mark.parametrize(
    ("member", "content"),
    [
        ("word/document.xml", XXE_DOCUMENT),
        ("word/document.xml", XXE_DOCUMENT.replace(b"UTF-8", b"UTF-16").decode().encode("utf-16")),
        ("[Content_Types].xml", b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x/>'),
        ("customXml/item1.bin", b'<?xml version="1.0"?><!doctype lol><lol/>'),
    ],
    ids=["document-xxe", "utf16-xxe", "content-types-entity", "xml-under-odd-name"],
)
def test_dtd_or_entity_declarations_are_refused(
    plain: Path, tmp_path: Path, member: str, content: bytes
) -> None:
    evil = rewrite(plain, tmp_path / "evil.docx", {member: content})
    reason = refusal(evil)
    assert reason.startswith("the .docx archive is suspicious: ")
    assert "contains a DTD/entity declaration, refused for safety" in reason


def test_svg_image_with_doctype_is_not_scanned(plain: Path, tmp_path: Path) -> None:
    svg = b'<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x"><svg/>'
    with_svg = rewrite(plain, tmp_path / "svg.docx", {"word/media/image1.svg": svg})
    assert read_document(with_svg).text == "Headline\nBody text."


def test_not_a_zip_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "old.docx"
    fake.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))  # OLE .doc header
    assert "not a zip archive" in refusal(fake)


def test_truncated_docx_is_refused(plain: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.docx"
    cut.write_bytes(plain.read_bytes()[: plain.stat().st_size // 2])
    assert refusal(cut).startswith("the .docx archive is suspicious: ")


def test_zip_without_word_document_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.docx"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("hello.txt", "not a Word document")
    assert "damaged or not a Word document" in refusal(other)


def test_broken_document_xml_is_refused(plain: Path, tmp_path: Path) -> None:
    broken = rewrite(plain, tmp_path / "broken.docx", {"word/document.xml": b"<w:document"})
    assert "damaged or not a Word document" in refusal(broken)
