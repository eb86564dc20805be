"""The original a document was read from: shown as plain text (never rendered), described when it
is a PDF, saved byte for byte."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox, QPlainTextEdit, QPushButton

from annotator.core.store.documents import StoredOriginal
from annotator.gui.dialogs.original_dialog import OriginalDialog, copy_name, decode_leniently

PAGE = (
    '<html><head><meta charset="gb2312"><title>新华社</title></head>'
    "<body><p>外交部发言人<b>表示</b> <script>alert(1)</script></p></body></html>"
)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n" + bytes(range(256))


def stored(data: bytes, media_type: str, name: str) -> StoredOriginal:
    return StoredOriginal(name, media_type, hashlib.sha256(data).hexdigest(), data)


def dialog_for(qtbot: Any, original: StoredOriginal, title: str = "Talks") -> OriginalDialog:
    dialog = OriginalDialog(original, title)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def shown_text(dialog: OriginalDialog) -> str:
    text = dialog.findChild(QPlainTextEdit, "originalText")
    assert text is not None and text.isReadOnly()
    return str(text.toPlainText())


def details(dialog: OriginalDialog) -> QLabel:
    label = dialog.findChild(QLabel, "originalDetails")
    assert label is not None
    return label


def save_button(dialog: OriginalDialog) -> QPushButton:
    button = dialog.findChild(QPushButton, "originalSave")
    assert button is not None and button.text() == "Save a copy…"
    return button


def test_a_web_page_is_shown_as_its_markup_decoded_as_it_declares(qtbot: Any) -> None:
    data = PAGE.encode("gb2312")
    dialog = dialog_for(qtbot, stored(data, "text/html", "https://www.news.cn/a/1.htm"))
    assert shown_text(dialog) == PAGE  # every tag shown as typed: nothing is rendered
    assert details(dialog).textFormat() == Qt.TextFormat.PlainText
    assert "Name: https://www.news.cn/a/1.htm" in details(dialog).text()
    assert f"SHA-256: {hashlib.sha256(data).hexdigest()}" in details(dialog).text()


@pytest.mark.parametrize(
    ("data", "declared", "expected"),
    [
        ("Zürich — café".encode("cp1252"), "text/plain; charset=windows-1252", "Zürich — café"),
        ("Zürich — café".encode(), "text/plain", "Zürich — café"),
        (b"\xef\xbb\xbfBOM first", "text/plain", "BOM first"),
        ("Зима".encode("utf-16"), "text/plain", "Зима"),
        (b"bad \xff\xfe\xfa bytes", "text/plain; charset=no-such-codec", None),
    ],
)
def test_text_is_decoded_leniently_and_never_fails(
    data: bytes, declared: str, expected: str | None
) -> None:
    text = decode_leniently(data, declared)
    if expected is not None:
        assert text == expected
    else:
        assert text.startswith("bad ") and text.endswith(" bytes")


def test_a_pdf_is_described_not_shown(qtbot: Any) -> None:
    dialog = dialog_for(qtbot, stored(PDF, "application/pdf", "statement.pdf"))
    text = shown_text(dialog)
    assert "text layer" in text and "%PDF" not in text and "\x00" not in text
    described = details(dialog).text()
    assert "Name: statement.pdf" in described and "Type: application/pdf" in described
    assert f"Size: {len(PDF):,} bytes" in described
    assert f"SHA-256: {hashlib.sha256(PDF).hexdigest()}" in described


def test_save_a_copy_writes_the_exact_bytes(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    target = tmp_path / "copy.pdf"
    target.write_bytes(b"an earlier file")

    def save(_parent: Any, _caption: str, start: str, *_rest: Any) -> tuple[str, str]:
        asked.append(start)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save)
    dialog = dialog_for(qtbot, stored(PDF, "application/pdf", "C:\\reports\\statement.pdf"))
    qtbot.mouseClick(save_button(dialog), Qt.MouseButton.LeftButton)
    assert Path(asked[0]).name == "statement.pdf"
    assert target.read_bytes() == PDF
    assert [p.name for p in tmp_path.iterdir()] == ["copy.pdf"]  # no temporary file left
    status = dialog.findChild(QLabel, "originalStatus")
    assert status is not None and str(target) in status.text()


def test_a_copy_that_cannot_be_written_leaves_the_earlier_file_and_says_so(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "<b>no such folder" / "copy.html"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a: (str(missing), ""))
    dialog = dialog_for(qtbot, stored(b"<p>x</p>", "text/html", "page.html"))
    assert dialog.save_copy() is None
    boxes = dialog.findChildren(QMessageBox)
    assert len(boxes) == 1 and "does not exist" in boxes[0].text()
    # The path is quoted as written, never read as markup.
    assert "<b>no such folder" in boxes[0].text()
    assert boxes[0].textFormat() == Qt.TextFormat.PlainText
    boxes[0].close()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a: ("", ""))
    assert dialog.save_copy() is None  # cancelled: nothing asked, nothing written
    assert len(dialog.findChildren(QMessageBox)) == 1


@pytest.mark.parametrize(
    ("name", "media_type", "expected"),
    [
        (
            "https://www.news.cn/world/2022-04/26/c_1128599.htm?src=rss",
            "text/html",
            "c_1128599.htm",
        ),
        ("https://www.news.cn/", "text/html", "original.html"),
        ("/home/ana/in/statement.pdf", "application/pdf", "statement.pdf"),
        ("", "application/pdf", "original.pdf"),
        ('a:b*c?"d".txt', "text/plain", "a_b_c__d_.txt"),
    ],
)
def test_a_copy_is_offered_under_the_originals_own_name(
    name: str, media_type: str, expected: str
) -> None:
    assert copy_name(stored(b"x", media_type, name)) == expected


def test_close_closes(qtbot: Any) -> None:
    dialog = dialog_for(qtbot, stored(b"plain", "text/plain", "a.txt"))
    close = next(b for b in dialog.findChildren(QPushButton) if b.text() in ("Close", "&Close"))
    qtbot.mouseClick(close, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
