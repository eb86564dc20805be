"""One limit on a document's length, the same at import (every format) and read back."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest

from annotator.core import limits
from annotator.core.errors import ImportRefused
from annotator.core.importing import docx_text, pdf_text, read_document
from annotator.core.interchange import fields


@pytest.fixture
def limit_1000(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(limits, "MAX_DOCUMENT_CHARS", 1000)
    return 1000


def refusal(path: Path) -> str:
    with pytest.raises(ImportRefused) as info:
        read_document(path)
    return info.value.reason


def make_docx(path: Path, paragraphs: list[str]) -> Path:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))
    return path


def test_every_limit_on_a_text_is_the_one_document_limit() -> None:
    assert limits.MAX_DOCUMENT_CHARS == 64 * 1024 * 1024
    assert fields.MAX_TEXT_CHARS == limits.MAX_DOCUMENT_CHARS  # read back: export, merge
    assert pdf_text.MAX_TEXT_CHARS == limits.MAX_DOCUMENT_CHARS


def test_text_at_the_limit_imports_and_one_more_character_is_refused(
    tmp_path: Path, limit_1000: int
) -> None:
    (tmp_path / "fits.txt").write_text("x" * 999 + "\n")
    assert len(read_document(tmp_path / "fits.txt").text) == 1000
    (tmp_path / "long.txt").write_text("x" * 1000 + "\n")
    assert refusal(tmp_path / "long.txt") == (
        "the document is too long: 1,001 characters, over the import limit of 1,000; "
        "split it and import the parts"
    )


def test_web_page_text_is_held_to_the_limit(tmp_path: Path, limit_1000: int) -> None:
    line = "<p>Paragraph {} of a long page with enough words in it.</p>"
    body = "".join(line.format(n) for n in range(60))
    (tmp_path / "page.html").write_text(f"<html><body>{body}</body></html>")
    assert refusal(tmp_path / "page.html").startswith("the document is too long: ")


def test_docx_under_the_limit_imports(tmp_path: Path, limit_1000: int) -> None:
    path = make_docx(tmp_path / "short.docx", ["Headline", "A short body."])
    assert read_document(path).text == "Headline\nA short body."


def test_long_docx_is_refused_before_python_docx_builds_it(
    tmp_path: Path, limit_1000: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_docx(tmp_path / "long.docx", ["A paragraph of forty characters, or so."] * 5000)

    def never(*_args: object) -> None:
        raise AssertionError("python-docx was asked to build a document over the limit")

    monkeypatch.setattr(docx_text.docx, "Document", never)
    reason = refusal(path)
    assert reason.startswith("the document is too long: about ")
    assert "over the import limit of 1,000; split it and import the parts" in reason
    # The estimate is the whole document's length (5,000 paragraphs of 40 characters).
    estimate = int(reason.split("about ")[1].split(" ")[0].replace(",", ""))
    assert 150_000 <= estimate <= 250_000


def test_long_docx_stops_reading_once_past_the_limit(tmp_path: Path, limit_1000: int) -> None:
    """The XML after the point where the count passed the limit is never parsed: a break
    far past it does not change the refusal into "damaged"."""
    path = make_docx(tmp_path / "long.docx", ["A paragraph of forty characters, or so."] * 5000)
    with zipfile.ZipFile(path) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    xml = members["word/document.xml"]
    cut = xml.rindex(b"</w:p>")
    members["word/document.xml"] = xml[:cut] + b"<w:broken" + xml[cut:]
    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(broken, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    assert refusal(broken).startswith("the document is too long: about ")


def test_docx_just_over_the_limit_is_refused_with_its_length(
    tmp_path: Path, limit_1000: int
) -> None:
    path = make_docx(tmp_path / "long.docx", ["x" * 600, "y" * 600])
    assert refusal(path) == (
        "the document is too long: 1,202 characters, over the import limit of 1,000; "
        "split it and import the parts"
    )


def test_docx_count_matches_the_extracted_text(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "a.docx", ["Headline", "Tab\there.", "Last."])
    data = path.read_bytes()
    text = docx_text.docx_to_text(data, path).text
    assert docx_text.count_text(data, path) == len(text) + 1  # + the last paragraph's break
